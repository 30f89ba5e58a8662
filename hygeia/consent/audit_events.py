"""The accounting of disclosures as FHIR R4 AuditEvent resources, in a Bundle.

One AuditEvent per entry of the patient's on-chain audit trail (ConsentRegistry events), each
validated with fhir.resources:

- a read (``RecordAccessed``): type DICOM 110110 "Patient Record", subtype read, action R; the
  reader as requesting agent with its purpose of use (v3-ActReason); entities: the record (by its
  id), the patient, and the consent that allowed the read (``Consent/hygeia-consent-<id>``, as
  `consent list --fhir` exports it), or none under break-glass, flagged with purpose ETREAT;
- break-glass opened / closed (``BreakGlassOpened`` / ``BreakGlassClosed``): type DICOM 110113
  "Security Alert", subtype 110127 "Emergency Override Started" / 110138 "Emergency Override
  Stopped", purpose ETREAT, the period it was opened for, the keccak256 of the reason (the reason
  itself never goes on-chain) and the opening's number; a closing names who closed it;
- an erasure (``RecordErased``): type 110110, subtype delete, action D, the record, who erased it.

``recorded`` is the block's time; ``outcome`` is 0 (success): the trail holds only what happened,
as a refused read reverts and leaves nothing on-chain (the SDK refuses before fetching anything).
Agents are accounts as ``did:pkh:eip155:<chainId>:<address>`` identifiers and the source is the
ConsentRegistry contract; nothing but ids, digests and hashes the chain already holds is written.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from hygeia.consent.client import AuditEvent, ConsentRegistryClient
from hygeia.consent.disclosures import event_times
from hygeia.consent.fhir import (
    ACT_REASON,
    CONSENT_ID_SYSTEM,
    RECORD_SYSTEM,
    account_identifier,
    bundle,
    consent_resource_id,
    validate_resource,
)
from hygeia.core.chain.connection import block_time
from hygeia.core.times import iso

DCM = "http://dicom.nema.org/resources/ontology/DCM"
RESTFUL = "http://hl7.org/fhir/restful-interaction"
ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role"
SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type"
PATIENT_RECORD = {"system": DCM, "code": "110110", "display": "Patient Record"}
SECURITY_ALERT = {"system": DCM, "code": "110113", "display": "Security Alert"}
OVERRIDE_STARTED = {"system": DCM, "code": "110127", "display": "Emergency Override Started"}
OVERRIDE_STOPPED = {"system": DCM, "code": "110138", "display": "Emergency Override Stopped"}


def audit_events_to_fhir(
    consent: ConsentRegistryClient,
    patient: str,
    from_block: int = 0,
    *,
    bundle_type: str = "collection",
    now: datetime | None = None,
) -> dict[str, Any]:
    """`patient`'s audit trail as a Bundle of FHIR R4 AuditEvents, oldest first, stamped `now`
    (default: the chain's latest block time)."""
    chain_id = int(consent.w3.eth.chain_id)
    events = consent.audit_trail(patient, from_block)
    times = event_times(consent, [event.block_number for event in events])
    entries = []
    for event in events:
        resource = audit_event(event, times[event.block_number], chain_id, consent.address)
        entries.append({"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource})
    stamp = block_time(consent.w3) if now is None else now
    return bundle(entries, bundle_type=bundle_type, now=stamp)


def audit_event(event: AuditEvent, when: datetime, chain_id: int, contract: str) -> dict[str, Any]:
    """One audit-trail entry as a validated FHIR R4 AuditEvent."""
    who = {"identifier": account_identifier(chain_id, event.actor)}
    patient_entity = {
        "what": {"identifier": account_identifier(chain_id, event.patient)},
        "type": {"system": ENTITY_TYPE, "code": "1", "display": "Person"},
        "role": {"system": OBJECT_ROLE, "code": "1", "display": "Patient"},
    }
    tx_detail = {"type": "transaction", "valueString": event.tx_hash}
    resource: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "id": str(
            uuid.uuid5(
                uuid.NAMESPACE_URL,
                f"urn:hygeia:{chain_id}:{contract.lower()}:{event.tx_hash}:{event.log_index}",
            )
        ),
        "recorded": iso(when),
        "outcome": "0",
        "source": {
            "site": f"eip155:{chain_id}",
            "observer": {"identifier": account_identifier(chain_id, contract)},
            "type": [{"system": SOURCE_TYPE, "code": "4", "display": "Application Server"}],
        },
    }
    entities: list[dict[str, Any]] = [patient_entity]
    if event.kind == "access":
        assert event.purpose is not None and event.record_id is not None
        purpose = _purpose(event.purpose.name)
        resource |= {
            "type": PATIENT_RECORD,
            "subtype": [{"system": RESTFUL, "code": "read"}],
            "action": "R",
            "purposeOfEvent": [purpose],
            "agent": [{"who": who, "requestor": True, "purposeOfUse": [purpose]}],
        }
        entities.insert(0, _record(event.record_id, tx_detail))
        if event.consent_id:
            entities.append(
                {
                    "what": {
                        "reference": f"Consent/{consent_resource_id(event.consent_id)}",
                        "identifier": {
                            "system": CONSENT_ID_SYSTEM,
                            "value": f"{chain_id}:{contract}:{event.consent_id}",
                        },
                    },
                    "type": {"system": ENTITY_TYPE, "code": "2", "display": "System Object"},
                    "description": "the consent that allowed the read",
                }
            )
        else:
            # A read with no consent is a read under break-glass (the contract logs consent 0).
            resource["subtype"].append(OVERRIDE_STARTED)
    elif event.kind in ("break-glass-opened", "break-glass-closed"):
        opened = event.kind == "break-glass-opened"
        purpose = _purpose("ETREAT")
        resource |= {
            "type": SECURITY_ALERT,
            "subtype": [OVERRIDE_STARTED if opened else OVERRIDE_STOPPED],
            "action": "E",
            "purposeOfEvent": [purpose],
            "agent": [{"who": who, "requestor": opened, "purposeOfUse": [purpose]}],
        }
        details = [tx_detail]
        if opened:
            assert event.ends_at is not None
            resource["period"] = {"start": iso(when), "end": iso(event.ends_at)}
            details += [
                {"type": "reason-hash", "valueString": str(event.details["reason_hash"])},
                {"type": "opening", "valueString": str(event.details["opening"])},
            ]
        else:
            closer = str(event.details["closed_by"])
            resource["agent"].append(
                {"who": {"identifier": account_identifier(chain_id, closer)}, "requestor": True}
            )
        patient_entity["detail"] = details
    elif event.kind == "erased":
        assert event.record_id is not None
        resource |= {
            "type": PATIENT_RECORD,
            "subtype": [{"system": RESTFUL, "code": "delete"}],
            "action": "D",
            "agent": [{"who": who, "requestor": True}],
        }
        entities.insert(0, _record(event.record_id, tx_detail))
    else:  # pragma: no cover - the client knows these four kinds only
        raise ValueError(f"unknown audit event kind {event.kind!r}")
    resource["entity"] = entities
    validate_resource(resource)
    return resource


def _purpose(code: str | None) -> dict[str, Any]:
    return {"coding": [{"system": ACT_REASON, "code": code}]}


def _record(record_id: bytes, tx_detail: dict[str, str]) -> dict[str, Any]:
    return {
        "what": {"identifier": {"system": RECORD_SYSTEM, "value": "0x" + record_id.hex()}},
        "type": {"system": ENTITY_TYPE, "code": "2", "display": "System Object"},
        "role": {"system": OBJECT_ROLE, "code": "4", "display": "Domain Resource"},
        "detail": [tx_detail],
    }
