"""FHIR R4 Consent in and out: a patient's consent as EHRs exchange it, and the chain's as FHIR.

**In** (:func:`consent_from_fhir`): a FHIR R4 ``Consent`` is validated with fhir.resources and
mapped to the grants (on-chain provisions) that record exactly its policy, or refused with
:class:`FhirConsentError` naming the element (FHIRPath-like, ``Consent.provision.provision[0].
actor[1]``) that the contract cannot express. Nothing is silently dropped or widened:

- ``status`` must be ``active``; ``scope`` patient-privacy, research or treatment; ``policyRule``
  absent or OPTIN (v3-ActCode: no access unless permitted, the chain's own default); ``policy``,
  ``implicitRules`` and any ``modifierExtension`` are refused.
- ``patient`` must name the granting patient (an account identifier, or a reference the caller
  maps to it). ``category``, ``dateTime``, ``performer``, ``organization``, ``source[x]``,
  ``verification``, ``identifier``, ``text`` and extensions describe the consent document: they
  are accepted and not recorded (they do not change who may do what).
- Each provision needs an explicit ``type``. A nested provision is an exception inside its
  parent: it inherits the parent's actors, actions, purposes, data and period where it names none,
  and its period is cut to its parent's. A deny nested in a permit becomes a deny grant (the
  chain's deny overrides every permit it meets). A permit nested in a deny cannot be recorded
  (the deny would override it), except under a root deny about nobody in particular, which is
  the chain's default (no access unless permitted) and records nothing itself.
- ``actor``: each actor becomes a grant of its own (one grantee account or one suite role per
  on-chain provision), with role PRCP or IRCP (v3-ParticipationType: the recipient); a custodian
  (CST) or any other role scopes data in ways the chain cannot, and is refused. An account is a
  ``Reference.identifier`` ``urn:ietf:rfc:3986`` + ``did:pkh:eip155:<chainId>:<address>`` (or a
  literal reference the caller maps to an account); every active holder of a suite role is a
  ``Group`` reference with identifier system :data:`ROLE_SYSTEM` and the role's name.
- ``action`` from consentaction: access, collect, disclose, correct (``use`` is refused: nothing
  on the chain is that action); none given means these four. ``purpose`` from v3-ActReason:
  TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH, PUBHLTH; none given means these six.
- ``class``: resource types (``http://hl7.org/fhir/resource-types``), observation, condition and
  v2-0074 diagnostic-service categories, or the suite's own :data:`DATA_CLASS_SYSTEM` (a class
  name) and :data:`DATA_CLASS_ID_SYSTEM` (a class id the chain holds); ``data`` with meaning
  ``instance`` and a record id (:data:`RECORD_SYSTEM`). No class and no data: all the patient's
  data. ``securityLabel``, ``code`` and ``dataPeriod`` are refused.
- ``period``: a date-only start is its first second, a date-only end its last (UTC); no start is
  now, no end is until revoked.

Grants are returned denies first, so a caller recording them in order never leaves a permit in
force without the exceptions that came with it.

**Out** (:func:`consents_to_fhir`): each on-chain consent (one grant) as a Consent in a Bundle.
``status`` is ``active`` while any of its targets is unrevoked and its period not over (also
before it starts: the period says when), ``inactive`` once revoked or expired; ``rejected`` is
never written, as the chain records only consents the patient gave. A deny is an active Consent
whose provision has type deny. A consent revoked on some targets is exported with the rest.
Class ids the chain holds are named where the name is known (FHIR resource types, category codes,
names the caller gives), else given as ids; importing an export gives back the same grants.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

import fhir.resources.R4B as r4b
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.consent import Consent as FhirConsent
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError
from web3 import Web3

from hygeia.consent.client import (
    ALL_DATA,
    MAX_RECORD_CLASSES,
    MAX_TARGETS,
    Consent,
    ConsentRegistryClient,
    GrantRequest,
)
from hygeia.consent.client import data_class_id as class_id_of
from hygeia.core.chain.connection import block_time
from hygeia.core.contract_types import Action, ProvisionType, Purpose, Role
from hygeia.core.errors import FhirConsentError, InvalidInputError
from hygeia.core.fhir_systems import (
    CONDITION_CATEGORY,
    OBSERVATION_CATEGORY,
    RESOURCE_TYPES,
    V2_DIAGNOSTIC_SERVICE,
)
from hygeia.core.times import iso

CONSENT_ACTION = "http://terminology.hl7.org/CodeSystem/consentaction"
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
LOINC = "http://loinc.org"
#: An account: urn:ietf:rfc:3986 with a CAIP-10 DID, did:pkh:eip155:<chainId>:<address>.
URI_SYSTEM = "urn:ietf:rfc:3986"
#: The suite's roles (provider, insurer...): a Group of every active holder of the role.
ROLE_SYSTEM = "urn:hygeia:fhir:role"
#: A data class by its name (any name a record can be filed under).
DATA_CLASS_SYSTEM = "urn:hygeia:fhir:data-class"
#: A data class by the 0x id the chain holds (keccak256 of its name), when the name is unknown.
DATA_CLASS_ID_SYSTEM = "urn:hygeia:fhir:data-class-id"
#: A record by its 0x id on the chain.
RECORD_SYSTEM = "urn:hygeia:fhir:record"
#: A consent by <chainId>:<ConsentRegistry address>:<consent id>.
CONSENT_ID_SYSTEM = "urn:hygeia:fhir:consent"

ACTION_CODES: dict[str, Action] = {
    "access": Action.ACCESS,
    "collect": Action.COLLECT,
    "disclose": Action.DISCLOSE,
    "correct": Action.CORRECT,
}
PURPOSE_CODES: dict[str, Purpose] = {p.name: p for p in Purpose if p.name}
#: Observation categories (FHIR R4 observation-category) and condition categories.
OBSERVATION_CATEGORIES = frozenset(
    {
        "social-history",
        "vital-signs",
        "imaging",
        "laboratory",
        "procedure",
        "survey",
        "exam",
        "therapy",
        "activity",
    }
)
CONDITION_CATEGORIES = frozenset({"problem-list-item", "encounter-diagnosis"})
_V2_SECTION_NAMES = {"LAB": "laboratory", "RAD": "imaging"}
RECIPIENT_ROLES = frozenset({"PRCP", "IRCP"})
ALL_ACTIONS = Action.ACCESS | Action.COLLECT | Action.DISCLOSE | Action.CORRECT
ALL_PURPOSES = Purpose.TREAT | Purpose.ETREAT | Purpose.HPAYMT | Purpose.HOPERAT
ALL_PURPOSES |= Purpose.HRESCH | Purpose.PUBHLTH
_DID = re.compile(r"did:pkh:eip155:(\d+):(0x[0-9a-fA-F]{40})")
_HEX32 = re.compile(r"0x[0-9a-fA-F]{64}")

# Elements of Consent and of its provisions the mapping reads, and those that only describe the
# document (accepted, not recorded). Anything else is refused by name.
_CONSENT_RECORDED = {"resourceType", "status", "scope", "patient", "policyRule", "provision"}
_CONSENT_DOCUMENTARY = {
    "id",
    "meta",
    "language",
    "text",
    "contained",
    "extension",
    "identifier",
    "category",
    "dateTime",
    "performer",
    "organization",
    "sourceAttachment",
    "sourceReference",
    "verification",
}
_PROVISION_KEYS = {
    "id",
    "extension",
    "type",
    "period",
    "actor",
    "action",
    "purpose",
    "class",
    "data",
    "provision",
}
_WHY_REFUSED = {
    "securityLabel": "security labels are not on the chain: it cannot tell which records carry one",
    "code": "the chain classes records by resource type and category, not by code",
    "dataPeriod": "the chain does not know the dates of encrypted data",
    "modifierExtension": "a modifier extension changes the meaning in ways the suite cannot know",
    "policy": "the suite knows no policy beyond the consent's own provisions",
    "implicitRules": "the consent was written under rules the suite does not know",
}


@dataclass(frozen=True)
class ConsentImport:
    """What a FHIR Consent records: its grants (denies first) and, for each, the provision it
    came from."""

    grants: tuple[GrantRequest, ...]
    sources: tuple[str, ...]

    def as_json(self) -> list[dict[str, Any]]:
        return [
            {"provision": source, "request": grant.to_json()}
            for grant, source in zip(self.grants, self.sources, strict=True)
        ]


@dataclass(frozen=True)
class _Scope:
    """A provision's effective scope: its own elements, or its parent's where it names none."""

    actors: tuple[tuple[str | None, Role | None, str], ...]  # (account, role, path)
    actions: Action
    purposes: Purpose
    targets: tuple[bytes, ...]
    start: datetime | None  # None: not stated (the grant starts now)
    end: datetime | None


# --------------------------------------------------------------------------------------- ids


def account_identifier(chain_id: int, address: str) -> dict[str, str]:
    """The FHIR Identifier of an account on chain `chain_id`."""
    return {
        "system": URI_SYSTEM,
        "value": f"did:pkh:eip155:{chain_id}:{Web3.to_checksum_address(address)}",
    }


def account_of(identifier: Mapping[str, Any], chain_id: int) -> str | None:
    """The account an Identifier names on chain `chain_id`, or None if it names none; raises
    InvalidInputError for an account of another chain."""
    if identifier.get("system") != URI_SYSTEM:
        return None
    match = _DID.fullmatch(str(identifier.get("value", "")))
    if match is None:
        return None
    if int(match.group(1)) != chain_id:
        raise InvalidInputError(f"{match.group(0)} is an account of chain {match.group(1)}")
    return Web3.to_checksum_address(match.group(2))


def consent_uuid(chain_id: int, contract: str, consent_id: int) -> str:
    """A stable UUID of an on-chain consent (for Bundle.entry.fullUrl)."""
    name = f"{chain_id}:{Web3.to_checksum_address(contract)}:consent:{consent_id}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:hygeia:" + name))


def consent_resource_id(consent_id: int) -> str:
    return f"hygeia-consent-{consent_id}"


# ------------------------------------------------------------------------------------- in


def consent_from_fhir(
    resource: Mapping[str, Any],
    *,
    patient: str,
    chain_id: int,
    now: datetime,
    references: Mapping[str, str] | None = None,
) -> ConsentImport:
    """The grants that record FHIR R4 Consent `resource` for `patient` on chain `chain_id`, with
    `now` (the chain's time) as the start of provisions that give none; `references` maps literal
    references (``Practitioner/f204``) to accounts. Raises :class:`FhirConsentError`."""
    validate_consent(resource)
    refs = {k: Web3.to_checksum_address(v) for k, v in (references or {}).items()}
    patient = Web3.to_checksum_address(patient)
    _check_consent_elements(resource)
    if resource.get("status") != "active":
        raise FhirConsentError(
            "Consent.status",
            f"only an active consent is recorded, not {resource.get('status')!r}",
        )
    _check_scope(resource.get("scope"))
    _check_policy_rule(resource.get("policyRule"))
    if "patient" in resource:
        named = _resolve(resource["patient"], chain_id, refs, "Consent.patient")
        if named != patient:
            raise FhirConsentError(
                "Consent.patient", f"names {named}, but the consent is recorded for {patient}"
            )
    provision = resource.get("provision")
    if not isinstance(provision, dict):
        raise FhirConsentError("Consent.provision", "a consent without provisions records nothing")
    root = _Scope((), ALL_ACTIONS, ALL_PURPOSES, (), None, None)
    out: list[tuple[GrantRequest, str]] = []
    _walk(provision, "Consent.provision", root, None, chain_id, refs, patient, now, out)
    if not out:
        raise FhirConsentError(
            "Consent.provision",
            "records nothing: a deny about nobody in particular is already the chain's default",
        )
    ordered = sorted(out, key=lambda item: item[0].kind is ProvisionType.PERMIT)
    return ConsentImport(tuple(g for g, _ in ordered), tuple(s for _, s in ordered))


def validate_consent(resource: Mapping[str, Any]) -> None:
    """Validate `resource` as a FHIR R4 (R4B) Consent; raises :class:`FhirConsentError` naming
    the first problems (element paths only: values are never quoted)."""
    if not isinstance(resource, Mapping) or resource.get("resourceType") != "Consent":
        raise FhirConsentError("Consent.resourceType", "not a FHIR Consent resource")
    _validate(FhirConsent, resource, "Consent")


def validate_resource(resource: Mapping[str, Any]) -> None:
    """Validate any FHIR R4 (R4B) resource the suite writes (Consent, AuditEvent, Bundle)."""
    kind = str(resource.get("resourceType", ""))
    try:
        model = get_fhir_model_class(kind)
    except (KeyError, ValueError):
        raise FhirConsentError("resourceType", f"unknown FHIR R4 resource type {kind!r}") from None
    if not issubclass(model, Resource):
        raise FhirConsentError("resourceType", f"{kind!r} is not a resource")
    _validate(model, resource, kind)


def _validate(model: Any, resource: Mapping[str, Any], kind: str) -> None:
    try:
        model.model_validate(dict(resource))
    except ValidationError as exc:
        problems = [
            f"{kind}.{_path(err['loc'])}"
            for err in exc.errors(include_url=False, include_input=False, include_context=False)
        ]
        raise FhirConsentError(
            problems[0] if problems else kind,
            f"not valid FHIR R4 ({len(problems)} problem(s): {', '.join(problems[:3])})",
        ) from None
    except (KeyError, TypeError, ValueError):
        raise FhirConsentError(kind, "not valid FHIR R4 (unknown nested shape)") from None


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _check_consent_elements(resource: Mapping[str, Any]) -> None:
    for key in resource:
        if key in _CONSENT_RECORDED or key in _CONSENT_DOCUMENTARY:
            continue
        why = _WHY_REFUSED.get(key, "the suite cannot record this element")
        raise FhirConsentError(f"Consent.{key}", why)


def _check_scope(scope: Any) -> None:
    codes = _codes(scope, CONSENT_SCOPE)
    if not codes & {"patient-privacy", "research", "treatment"}:
        raise FhirConsentError(
            "Consent.scope",
            "the suite records privacy, research and treatment consents (consentscope "
            "patient-privacy, research or treatment), not advance directives or other scopes",
        )


def _check_policy_rule(rule: Any) -> None:
    if rule is None:
        return
    if _codes(rule, ACT_CODE) == {"OPTIN"} and len(rule.get("coding") or []) == 1:
        return
    raise FhirConsentError(
        "Consent.policyRule",
        "the suite knows only OPTIN (v3-ActCode: no access unless permitted, the chain's "
        "default); an opt-out or other policy would permit what no provision states",
    )


def _codes(concept: Any, system: str) -> set[str]:
    if not isinstance(concept, dict):
        return set()
    return {
        str(c.get("code"))
        for c in concept.get("coding") or []
        if isinstance(c, dict) and c.get("system") == system
    }


def _walk(
    provision: dict[str, Any],
    path: str,
    parent: _Scope,
    parent_kind: ProvisionType | None,
    chain_id: int,
    refs: Mapping[str, str],
    patient: str,
    now: datetime,
    out: list[tuple[GrantRequest, str]],
) -> None:
    for key in provision:
        if key not in _PROVISION_KEYS:
            raise FhirConsentError(
                f"{path}.{key}", _WHY_REFUSED.get(key, "the suite cannot record this element")
            )
    kind_text = provision.get("type")
    if kind_text not in ("permit", "deny"):
        raise FhirConsentError(
            f"{path}.type", "each provision must say permit or deny: the suite does not guess"
        )
    kind = ProvisionType.PERMIT if kind_text == "permit" else ProvisionType.DENY
    within = parent_kind is not None and kind is ProvisionType.PERMIT
    scope = _scope(provision, path, parent, chain_id, refs, patient, now, within=within)
    default_deny = parent_kind is None and kind is ProvisionType.DENY and not scope.actors
    if parent_kind is ProvisionType.DENY and kind is ProvisionType.PERMIT and not parent.actors:
        pass  # an exception to the chain's default: no access unless permitted
    elif parent_kind is ProvisionType.DENY and kind is ProvisionType.PERMIT:
        raise FhirConsentError(
            path,
            "a permit inside a deny cannot be recorded: on the chain a deny overrides every "
            "permit it meets",
        )
    if not default_deny:
        if not scope.actors:
            raise FhirConsentError(
                f"{path}.actor",
                "a provision must name whom it is about (an account or a suite role): the chain "
                "records no provision about everyone",
            )
        if scope.end is not None and scope.end < now:
            raise FhirConsentError(f"{path}.period.end", "the period is already over")
        for account, role, _ in scope.actors:
            for chunk in _chunks(scope.targets):
                request = GrantRequest(
                    actions=scope.actions,
                    purposes=scope.purposes,
                    start=now if scope.start is None else scope.start,
                    end=scope.end,
                    grantee=account,
                    grantee_role=role,
                    targets=chunk,
                    kind=kind,
                )
                out.append((request, path))
    for index, child in enumerate(provision.get("provision") or []):
        _walk(
            child,
            f"{path}.provision[{index}]",
            replace(scope, actors=()) if default_deny else scope,
            kind,
            chain_id,
            refs,
            patient,
            now,
            out,
        )


def _chunks(targets: tuple[bytes, ...]) -> list[tuple[bytes, ...]]:
    if not targets:
        return [()]
    return [targets[i : i + MAX_TARGETS] for i in range(0, len(targets), MAX_TARGETS)]


def _scope(
    provision: dict[str, Any],
    path: str,
    parent: _Scope,
    chain_id: int,
    refs: Mapping[str, str],
    patient: str,
    now: datetime,
    *,
    within: bool = False,
) -> _Scope:
    """The provision's effective scope; `within`: a nested permit, which must lie within its
    parent (an exception to it may narrow it, never widen it), so an element naming anything
    the parent does not cover is refused rather than silently widening the grant."""
    actors = parent.actors
    if provision.get("actor"):
        allowed = {(account, role) for account, role, _ in parent.actors}
        found_actors = []
        for i, actor in enumerate(provision["actor"]):
            parsed = _actor(actor, f"{path}.actor[{i}]", chain_id, refs, patient)
            if within and allowed and parsed[:2] not in allowed:
                raise FhirConsentError(
                    f"{path}.actor[{i}]",
                    "a nested permit must lie within its parent: this actor is not one the "
                    "parent provision names",
                )
            found_actors.append(parsed)
        actors = tuple(found_actors)
    actions = parent.actions
    if provision.get("action"):
        actions = Action(0)
        for i, concept in enumerate(provision["action"]):
            action = _action(concept, f"{path}.action[{i}]")
            if within and action & ~parent.actions:
                raise FhirConsentError(
                    f"{path}.action[{i}]",
                    "a nested permit must lie within its parent: this action is not one the "
                    "parent provision covers",
                )
            actions |= action
    purposes = parent.purposes
    if provision.get("purpose"):
        purposes = Purpose(0)
        for i, coding in enumerate(provision["purpose"]):
            purpose = _purpose(coding, f"{path}.purpose[{i}]")
            if within and purpose & ~parent.purposes:
                raise FhirConsentError(
                    f"{path}.purpose[{i}]",
                    "a nested permit must lie within its parent: this purpose is not one the "
                    "parent provision covers",
                )
            purposes |= purpose
    targets: tuple[bytes, ...] = parent.targets
    if provision.get("class") or provision.get("data"):
        found: list[tuple[bytes, str]] = []
        for i, coding in enumerate(provision.get("class") or []):
            found.append((_class(coding, f"{path}.class[{i}]"), f"{path}.class[{i}]"))
        for i, data in enumerate(provision.get("data") or []):
            found.append((_record(data, f"{path}.data[{i}]"), f"{path}.data[{i}]"))
        if within and parent.targets:
            for target, where in found:
                if target not in parent.targets:
                    raise FhirConsentError(
                        where,
                        "a nested permit must lie within its parent: the parent provision "
                        "does not cover this data",
                    )
        targets = tuple(dict.fromkeys(target for target, _ in found))
    start, end = parent.start, parent.end
    if provision.get("period"):
        own_start, own_end = _period(provision["period"], f"{path}.period", now)
        if own_start is not None:
            start = own_start if start is None else max(start, own_start)
        if own_end is not None:
            end = own_end if end is None else min(end, own_end)
        if end is not None and start is not None and start > end:
            raise FhirConsentError(
                f"{path}.period", "ends before it starts, or outside its parent's"
            )
    return _Scope(actors, actions, purposes, targets, start, end)


def _actor(
    actor: Mapping[str, Any], path: str, chain_id: int, refs: Mapping[str, str], patient: str
) -> tuple[str | None, Role | None, str]:
    for key in actor:
        if key not in ("id", "extension", "role", "reference"):
            raise FhirConsentError(f"{path}.{key}", _WHY_REFUSED.get(key, "not recorded"))
    roles = _codes(actor.get("role"), PARTICIPATION_TYPE)
    codings = (actor.get("role") or {}).get("coding") or []
    if not roles or not roles <= RECIPIENT_ROLES or len(codings) != len(roles):
        raise FhirConsentError(
            f"{path}.role",
            "the suite records provisions about the recipient of data (v3-ParticipationType "
            "PRCP or IRCP); a custodian or other role would scope data in ways the chain cannot",
        )
    reference = actor.get("reference") or {}
    identifier = reference.get("identifier") or {}
    if identifier.get("system") == ROLE_SYSTEM:
        try:
            role = Role.parse(str(identifier.get("value", "")))
        except (KeyError, ValueError):
            raise FhirConsentError(
                f"{path}.reference.identifier", "not a suite role (provider, insurer...)"
            ) from None
        return None, role, path
    account = _resolve(reference, chain_id, refs, f"{path}.reference")
    if account == patient:
        raise FhirConsentError(f"{path}.reference", "the patient needs no consent of its own")
    return account, None, path


def _resolve(reference: Any, chain_id: int, refs: Mapping[str, str], path: str) -> str:
    if not isinstance(reference, Mapping):
        raise FhirConsentError(path, "not a Reference")
    identifier = reference.get("identifier")
    if isinstance(identifier, Mapping):
        try:
            account = account_of(identifier, chain_id)
        except InvalidInputError as exc:
            raise FhirConsentError(f"{path}.identifier", str(exc)) from None
        if account is not None:
            return account
    literal = reference.get("reference")
    if isinstance(literal, str) and literal in refs:
        return refs[literal]
    raise FhirConsentError(
        path,
        f"names no account: give an identifier {URI_SYSTEM} did:pkh:eip155:{chain_id}:<address>"
        + (f", or map {literal!r} to an account" if isinstance(literal, str) else ""),
    )


def _action(concept: Mapping[str, Any], path: str) -> Action:
    codings = concept.get("coding") or []
    found = Action(0)
    for i, coding in enumerate(codings):
        code = coding.get("code")
        if coding.get("system") != CONSENT_ACTION or code not in ACTION_CODES:
            raise FhirConsentError(
                f"{path}.coding[{i}]",
                "the chain knows the consentaction codes access, collect, disclose and correct",
            )
        found |= ACTION_CODES[str(code)]
    if not found:
        raise FhirConsentError(path, "an action needs a consentaction coding")
    return found


def _purpose(coding: Mapping[str, Any], path: str) -> Purpose:
    code = coding.get("code")
    if coding.get("system") != ACT_REASON or code not in PURPOSE_CODES:
        raise FhirConsentError(
            path,
            "the chain knows the v3-ActReason purposes TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH "
            "and PUBHLTH",
        )
    return PURPOSE_CODES[str(code)]


def _class(coding: Mapping[str, Any], path: str) -> bytes:
    system, code = coding.get("system"), str(coding.get("code", ""))
    if system == RESOURCE_TYPES and _is_resource_type(code):
        return class_id_of(code)
    if system == OBSERVATION_CATEGORY and code in OBSERVATION_CATEGORIES:
        return class_id_of(code)
    if system == CONDITION_CATEGORY and code in CONDITION_CATEGORIES:
        return class_id_of(code)
    if system == V2_DIAGNOSTIC_SERVICE and re.fullmatch(r"[A-Z]{2,3}", code):
        return class_id_of(_V2_SECTION_NAMES.get(code, code))
    if system == DATA_CLASS_SYSTEM and code.strip():
        return class_id_of(code)
    if system == DATA_CLASS_ID_SYSTEM and _HEX32.fullmatch(code) and int(code, 16) != 0:
        return bytes.fromhex(code[2:])
    raise FhirConsentError(
        path,
        "not a data class the suite files records under: a FHIR resource type, an observation, "
        f"condition or v2-0074 category code, or {DATA_CLASS_SYSTEM} / {DATA_CLASS_ID_SYSTEM}",
    )


def _is_resource_type(code: str) -> bool:
    return code in _resource_types()


def _record(data: Mapping[str, Any], path: str) -> bytes:
    if data.get("meaning") != "instance":
        raise FhirConsentError(
            f"{path}.meaning",
            "the chain covers a record itself (instance), not related, dependent or authored data",
        )
    identifier = (data.get("reference") or {}).get("identifier") or {}
    value = str(identifier.get("value", ""))
    if identifier.get("system") != RECORD_SYSTEM or not _HEX32.fullmatch(value):
        raise FhirConsentError(
            f"{path}.reference", f"a record is named by an identifier {RECORD_SYSTEM} 0x<record id>"
        )
    return bytes.fromhex(value[2:])


def _period(period: Mapping[str, Any], path: str, now: datetime) -> tuple[datetime | None, ...]:
    start = _instant(period.get("start"), f"{path}.start", end=False)
    end = _instant(period.get("end"), f"{path}.end", end=True)
    return start, end


def _instant(value: Any, path: str, *, end: bool) -> datetime | None:
    """A FHIR dateTime as an instant: a partial date is its first second (start) or last (end)."""
    if value is None:
        return None
    text = str(value)
    try:
        if re.fullmatch(r"\d{4}", text):
            day = date(int(text), 12, 31) if end else date(int(text), 1, 1)
        elif re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = int(text[:4]), int(text[5:])
            first = date(year, month, 1)
            day = (
                (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
                if end
                else first
            )
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError("no time zone")
            return moment.astimezone(timezone.utc).replace(microsecond=0)
    except ValueError:
        raise FhirConsentError(path, "not a FHIR dateTime with a time zone") from None
    return datetime.combine(day, time(23, 59, 59) if end else time(0), timezone.utc)


# ------------------------------------------------------------------------------------ out


@dataclass(frozen=True)
class ExportContext:
    """What an export needs besides the consents: the chain, the contract, now, and the names
    of data classes beyond FHIR's (`class_names`) and which targets are records (`records`)."""

    chain_id: int
    contract: str
    now: datetime
    records: frozenset[bytes] = frozenset()
    class_names: Iterable[str] = ()


def consent_to_fhir(consent: Consent, ctx: ExportContext) -> dict[str, Any]:
    """One on-chain consent as a FHIR R4 Consent (validated)."""
    status = consent.status(ctx.now)
    fhir_status = "inactive" if status in ("revoked", "expired") else "active"
    targets = consent.remaining_targets if fhir_status == "active" else consent.stored_targets
    names = _class_names(ctx.class_names)
    provision: dict[str, Any] = {
        "type": consent.kind.name.lower(),
        "period": {"start": iso(consent.start)},
        "actor": [_actor_out(consent, ctx.chain_id)],
        "action": [
            {"coding": [{"system": CONSENT_ACTION, "code": code}]}
            for code, action in ACTION_CODES.items()
            if consent.actions & action
        ],
        "purpose": [
            {"system": ACT_REASON, "code": str(p.name)} for p in Purpose if consent.purposes & p
        ],
    }
    if consent.end is not None:
        provision["period"]["end"] = iso(consent.end)
    classes = [t for t in targets if t != ALL_DATA and t not in ctx.records]
    records = [t for t in targets if t in ctx.records]
    if classes:
        provision["class"] = [_class_out(t, names) for t in classes]
    if records:
        provision["data"] = [
            {
                "meaning": "instance",
                "reference": {"identifier": {"system": RECORD_SYSTEM, "value": "0x" + t.hex()}},
            }
            for t in records
        ]
    research = consent.purposes == Purpose.HRESCH
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": consent_resource_id(consent.consent_id),
        "identifier": [
            {
                "system": CONSENT_ID_SYSTEM,
                "value": f"{ctx.chain_id}:{Web3.to_checksum_address(ctx.contract)}:"
                f"{consent.consent_id}",
            }
        ],
        "status": fhir_status,
        "scope": {
            "coding": [
                {"system": CONSENT_SCOPE, "code": "research" if research else "patient-privacy"}
            ]
        },
        "category": [
            {"coding": [{"system": LOINC, "code": "59284-0", "display": "Patient Consent"}]}
        ],
        "patient": {"identifier": account_identifier(ctx.chain_id, consent.patient)},
        "policyRule": {"coding": [{"system": ACT_CODE, "code": "OPTIN"}]},
        "provision": provision,
    }
    validate_consent(resource)
    return resource


def export_consents(
    client: ConsentRegistryClient,
    patient: str,
    from_block: int = 0,
    *,
    bundle_type: str = "collection",
    class_names: Iterable[str] = (),
) -> dict[str, Any]:
    """Every consent `patient` granted on the chain, as a Bundle of FHIR R4 Consents (the
    chain's time decides active or inactive)."""
    consents = client.consents(patient, from_block)
    targets = {t for c in consents for t in c.targets}
    records = frozenset(t for t in targets if client.record_of(t).patient is not None)
    ctx = ExportContext(
        chain_id=int(client.w3.eth.chain_id),
        contract=client.address,
        now=block_time(client.w3),
        records=records,
        class_names=tuple(class_names),
    )
    return consents_to_fhir(consents, ctx, bundle_type=bundle_type)


def consents_to_fhir(
    consents: Sequence[Consent], ctx: ExportContext, *, bundle_type: str = "collection"
) -> dict[str, Any]:
    """A patient's consents as a FHIR R4 Bundle of Consent resources (validated)."""
    entries = [
        {
            "fullUrl": f"urn:uuid:{consent_uuid(ctx.chain_id, ctx.contract, c.consent_id)}",
            "resource": consent_to_fhir(c, ctx),
        }
        for c in consents
    ]
    return bundle(entries, bundle_type=bundle_type, now=ctx.now)


def bundle(entries: list[dict[str, Any]], *, bundle_type: str, now: datetime) -> dict[str, Any]:
    """A validated FHIR R4 Bundle of `entries` (collection or searchset)."""
    if bundle_type not in ("collection", "searchset"):
        raise InvalidInputError("a Bundle here is a collection or a searchset")
    doc: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": bundle_type,
        "timestamp": iso(now),
        "entry": entries,
    }
    if bundle_type == "searchset":
        doc["total"] = len(entries)
        for entry in entries:
            entry["search"] = {"mode": "match"}
    if not entries:
        del doc["entry"]
    validate_resource(doc)
    return doc


def _actor_out(consent: Consent, chain_id: int) -> dict[str, Any]:
    role = consent.grantee_role
    if role is not None:
        reference: dict[str, Any] = {
            "type": "Group",
            "identifier": {"system": ROLE_SYSTEM, "value": role.name.lower()},
            "display": f"every active {role.name.lower()}",
        }
    else:
        assert consent.grantee is not None
        reference = {"identifier": account_identifier(chain_id, consent.grantee)}
    return {
        "role": {"coding": [{"system": PARTICIPATION_TYPE, "code": "PRCP"}]},
        "reference": reference,
    }


def _class_names(extra: Iterable[str]) -> dict[bytes, dict[str, str]]:
    """Known class ids -> the Coding that names them."""
    names: dict[bytes, dict[str, str]] = {}
    for name in extra:
        names[class_id_of(name)] = {"system": DATA_CLASS_SYSTEM, "code": name}
    for code in sorted(CONDITION_CATEGORIES):
        names[class_id_of(code)] = {"system": CONDITION_CATEGORY, "code": code}
    for code in sorted(OBSERVATION_CATEGORIES):
        names[class_id_of(code)] = {"system": OBSERVATION_CATEGORY, "code": code}
    for code in _resource_types():
        names[class_id_of(code)] = {"system": RESOURCE_TYPES, "code": code}
    return names


@cache
def _resource_types() -> tuple[str, ...]:
    """The FHIR R4 resource type names fhir.resources models, read from its module sources (a
    resource's class derives from Resource or DomainResource), without importing every model."""
    folder = Path(r4b.__file__).parent
    pattern = re.compile(
        r"^class (\w+)\((?:domainresource\.DomainResource|resource\.Resource)\):", re.M
    )
    found = set()
    for module in folder.glob("*.py"):
        found.update(pattern.findall(module.read_text(encoding="utf-8")))
    return tuple(sorted(found - {"DomainResource"}))


def _class_out(target: bytes, names: Mapping[bytes, dict[str, str]]) -> dict[str, str]:
    if target in names:
        return dict(names[target])
    return {"system": DATA_CLASS_ID_SYSTEM, "code": "0x" + target.hex()}


__all__ = [
    "ACT_REASON",
    "CONSENT_ACTION",
    "DATA_CLASS_ID_SYSTEM",
    "DATA_CLASS_SYSTEM",
    "MAX_RECORD_CLASSES",
    "RECORD_SYSTEM",
    "ROLE_SYSTEM",
    "ConsentImport",
    "ExportContext",
    "FhirConsentError",
    "account_identifier",
    "account_of",
    "bundle",
    "consent_from_fhir",
    "consent_to_fhir",
    "consents_to_fhir",
    "export_consents",
    "validate_consent",
    "validate_resource",
]
