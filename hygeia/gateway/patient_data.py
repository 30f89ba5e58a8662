"""Who may read a patient's consents and accounting of disclosures, and those resources as FHIR,
read through the suite (its past events from the event index).

- The patient and its delegates read everything: every Consent, every AuditEvent.
- A grantee holding an in-force permit from the patient (unrevoked on some target, inside its
  period; granted to its account, or to a suite role it holds an active credential for) reads
  the Consents that name it (its account or those roles), and nothing else: the other grants
  and the accounting of disclosures are the patient's own business.
- Anyone else is refused (ReadRefusedError), without saying whether the patient has consents at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from web3 import Web3

from hygeia.consent.audit_events import audit_events_to_fhir
from hygeia.consent.client import Consent
from hygeia.consent.fhir import ExportContext, account_of, consents_to_fhir
from hygeia.core.contract_types import ProvisionType
from hygeia.core.errors import InvalidInputError, ReadRefusedError, ResourceNotFoundError
from hygeia.gateway.services import GatewayServices

_RESOURCE_ID = re.compile(r"hygeia-consent-([0-9]{1,20})")
_DID = "urn:ietf:rfc:3986|"


@dataclass(frozen=True)
class Standing:
    """Why an account may read a patient's resources: as the patient, a delegate or a grantee."""

    as_: str  # patient | delegate | grantee

    @property
    def reads_everything(self) -> bool:
        return self.as_ in ("patient", "delegate")


def patient_account(value: str, chain_id: int) -> str:
    """The account a `patient` search parameter names: an address, `Patient/<address>`, or the
    did:pkh identifier the FHIR export writes (optionally as `system|value`)."""
    text = value.strip().removeprefix("Patient/").removeprefix(_DID)
    if Web3.is_address(text):
        return Web3.to_checksum_address(text)
    if text.startswith("did:pkh:"):
        found = account_of({"system": "urn:ietf:rfc:3986", "value": text}, chain_id)
        if found is not None:
            return found
    raise InvalidInputError(
        f"patient {value!r} is not an account: give 0x<address> or did:pkh:eip155:<chain>:<address>"
    )


def consent_number(resource_id: str) -> int:
    """The on-chain consent id of a Consent resource id (``hygeia-consent-<n>``)."""
    match = _RESOURCE_ID.fullmatch(resource_id)
    if match is None:
        raise InvalidInputError(f"{resource_id!r} is not a Consent id of this server")
    return int(match.group(1))


def standing(services: GatewayServices, patient: str, account: str) -> Standing:
    """How `account` may read `patient`'s resources, or ReadRefusedError."""
    consent = services.suite.consent
    if account == patient:
        return Standing("patient")
    if consent.is_delegate(patient, account):
        return Standing("delegate")
    now = services.now()
    consents = consent.consents(patient)
    if any(_in_force_permit(c, now) and _names(services, c, account) for c in consents):
        return Standing("grantee")
    raise ReadRefusedError(f"{account} may not read the resources of patient {patient}")


def _in_force_permit(consent: Consent, now: datetime) -> bool:
    return (
        consent.kind is ProvisionType.PERMIT
        and consent.status(now) in ("active", "partly-revoked")
        and (consent.end is None or now <= consent.end)
        and now >= consent.start
    )


def _names(services: GatewayServices, consent: Consent, account: str) -> bool:
    """Whether `consent` is granted to `account`: to it, or to a role it holds now."""
    role = consent.grantee_role
    if role is None:
        return consent.grantee == account
    return services.suite.participants.is_active(account, role)


def visible_consents(services: GatewayServices, patient: str, account: str) -> list[Consent]:
    """The consents of `patient` that `account` may read (ReadRefusedError if none may be)."""
    seen = standing(services, patient, account)
    consents = services.suite.consent.consents(patient)
    if seen.reads_everything:
        return consents
    return [c for c in consents if _names(services, c, account)]


def consents_bundle(services: GatewayServices, patient: str, account: str) -> dict[str, Any]:
    """A searchset Bundle of the Consents of `patient` that `account` may read."""
    consents = visible_consents(services, patient, account)
    return consents_to_fhir(consents, _context(services, consents), bundle_type="searchset")


def consent_resource(services: GatewayServices, resource_id: str, account: str) -> dict[str, Any]:
    """One Consent by its resource id, if `account` may read it (ResourceNotFoundError
    otherwise, so an outsider learns nothing about which ids exist)."""
    number = consent_number(resource_id)
    granted = services.suite.consent.event_logs("ConsentGranted", {"consentId": number})
    if not granted:
        raise ResourceNotFoundError(f"no Consent {resource_id}")
    patient = Web3.to_checksum_address(granted[0]["args"]["patient"])
    try:
        consents = visible_consents(services, patient, account)
    except ReadRefusedError:
        raise ResourceNotFoundError(f"no Consent {resource_id} readable by {account}") from None
    for found in consents:
        if found.consent_id == number:
            entries = consents_to_fhir([found], _context(services, [found]))["entry"]
            return dict(entries[0]["resource"])
    raise ResourceNotFoundError(f"no Consent {resource_id} readable by {account}")


def audit_bundle(services: GatewayServices, patient: str, account: str) -> dict[str, Any]:
    """`patient`'s accounting of disclosures as a searchset Bundle of AuditEvents (the patient
    and its delegates only)."""
    if not standing(services, patient, account).reads_everything:
        raise ReadRefusedError(f"only patient {patient} and its delegates read its disclosures")
    return audit_events_to_fhir(
        services.suite.consent, patient, bundle_type="searchset", now=services.now()
    )


def revoke_transaction(services: GatewayServices, resource_id: str, account: str) -> dict[str, str]:
    """The unsigned transaction (`from`, `to`, `data`) by which `account`, the patient or a
    delegate, revokes what remains of a consent; the wallet signs and sends it."""
    number = consent_number(resource_id)
    granted = services.suite.consent.event_logs("ConsentGranted", {"consentId": number})
    if not granted:
        raise ResourceNotFoundError(f"no Consent {resource_id}")
    patient = Web3.to_checksum_address(granted[0]["args"]["patient"])
    try:
        if not standing(services, patient, account).reads_everything:
            raise ReadRefusedError("only the patient or a delegate revokes a consent")
    except ReadRefusedError:
        raise ResourceNotFoundError(f"no Consent {resource_id} that {account} may revoke") from None
    consent = services.suite.consent.consent(patient, number)
    to, data = services.suite.consent.revoke_call(consent)
    return {"from": account, "to": to, "data": data}


def _context(services: GatewayServices, consents: list[Consent]) -> ExportContext:
    client = services.suite.consent
    targets = {t for c in consents for t in c.targets}
    records = frozenset(t for t in targets if client.record_of(t).patient is not None)
    return ExportContext(
        chain_id=int(client.w3.eth.chain_id),
        contract=client.address,
        now=services.now(),
        records=records,
    )
