"""Chapter 1: a patient's records and consents, a specialist's read, a refusal, a revocation, the
accounting of disclosures and an emergency break-glass."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from hygeia.consent.client import ConsentRegistryClient, GrantRequest, data_class_id
from hygeia.consent.disclosures import accounting_of_disclosures
from hygeia.core.chain.transactions import Receipt
from hygeia.core.contract_errors import (
    ConsentRegistryBreakGlassLimitReached,
    ConsentRegistryBreakGlassOpen,
)
from hygeia.core.contract_types import Action, Purpose
from hygeia.core.errors import AccessDeniedError
from hygeia.core.store.base import ContentStore
from hygeia.core.times import from_unix, iso
from hygeia.dev.demo.setup import Cast
from hygeia.dev.demo.story import Story
from hygeia.records.sharing import ConsentManager
from hygeia.records.vault import RecordVault

DAY = timedelta(days=1)
LAB: dict[str, Any] = {
    "resourceType": "Observation",
    "status": "final",
    "category": [{"coding": [{
        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
        "code": "laboratory"}]}],
    "code": {"coding": [{"system": "http://loinc.org", "code": "4548-4"}], "text": "HbA1c"},
    "valueQuantity": {"value": 6.1, "unit": "%"},
}  # fmt: skip
CONDITION: dict[str, Any] = {
    "resourceType": "Condition",
    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "44054006"}],
             "text": "Type 2 diabetes mellitus"},
    "subject": {"reference": "urn:uuid:6d1f6b1e-3a56-4c5e-9d7e-4c7f3b0a2e11"},
}  # fmt: skip


def run(cast: Cast, store: ContentStore, story: Story) -> None:
    story.chapter("Records and consent")
    patient = cast.address("patient")
    vault = RecordVault(cast.suite("patient"), store, cast.keys["patient"])
    lab = vault.put(patient, json.dumps(LAB), data_class="laboratory")
    story.spent("ConsentRegistry.anchorRecord", lab.gas_used)
    condition = vault.put(patient, json.dumps(CONDITION))
    story.spent("ConsentRegistry.anchorRecord", condition.gas_used)
    story.say(
        f"the patient stored 2 encrypted FHIR records: lab result {lab.cid} and condition "
        f"{condition.cid}; the chain holds only their random ids and digests"
    )
    story.wrote("encrypted lab result (envelope)", lab.cid)
    story.wrote("encrypted condition (envelope)", condition.cid)

    manager = ConsentManager(vault)
    now = cast.now()
    grant = manager.grant(
        patient,
        GrantRequest(
            Action.ACCESS, Purpose.TREAT, now, now + 30 * DAY,
            grantee=cast.address("specialist"), targets=(data_class_id("laboratory"),),
        ),
    )  # fmt: skip
    story.spent("ConsentRegistry.grant", grant.gas_used)
    story.say(
        f"the patient granted the specialist TREAT access to lab results for 30 days "
        f"(consent {grant.consent_id}; keys to {grant.records_shared} version(s) shared)"
    )

    specialist = RecordVault(cast.suite("specialist"), store, cast.keys["specialist"])
    opened = specialist.get(lab.record_id)
    story.say(
        f"the specialist read the lab result ({opened.record.resource['code']['text']}); "
        f"the read is logged on-chain in {opened.access_logged_in}"
    )

    insurer = RecordVault(cast.suite("insurer"), store, cast.keys["insurer"])
    try:
        insurer.get(condition.record_id)
        raise AssertionError("the insurer must be refused")  # pragma: no cover
    except AccessDeniedError as refused:
        story.say(f"the insurer asked for the condition and was refused: {refused.reason}")

    revoke = manager.revoke(patient, grant.consent_id)
    story.spent("ConsentRegistry.revoke", revoke.gas_used)
    try:
        specialist.get(lab.record_id)
    except AccessDeniedError as refused:
        story.say(
            f"the patient revoked the consent; the specialist is now refused: {refused.reason}"
        )

    doctor = cast.suite("provider").consent
    try:
        opened_glass = _open_break_glass(doctor, patient, story)
    except ConsentRegistryBreakGlassLimitReached as capped:
        # The physician's openings in the current window are used up (by earlier runs on this
        # chain, say): the cap is part of the story, told instead of failing the rerun.
        again = from_unix(capped.error_args["retryAt"])
        story.say(
            "an emergency physician asked for break-glass access and was refused: the openings "
            f"allowed per window are used up; it may open again from {iso(again)}"
        )
    else:
        story.spent("ConsentRegistry.openBreakGlass", opened_glass.gas_used)
        closed = doctor.close_break_glass(patient)
        story.spent("ConsentRegistry.closeBreakGlass", closed.gas_used)
        story.say("an emergency physician opened break-glass access (ETREAT) and closed it")

    from_block = vault.from_block
    trail = accounting_of_disclosures(vault.consent, patient, from_block)
    story.table(
        "accounting of disclosures",
        ["when", "event", "who", "record", "purpose", "consent"],
        [[d.when, d.event, cast.name_of(d.actor), _short(d.record_id), d.purpose, d.consent_id]
         for d in trail[-6:]],
    )  # fmt: skip


def _open_break_glass(doctor: ConsentRegistryClient, patient: str, story: Story) -> Receipt:
    reason, duration = "unconscious patient in the emergency room", timedelta(hours=1)
    try:
        return doctor.open_break_glass(patient, reason, duration)
    except ConsentRegistryBreakGlassOpen:
        # Access still open from before (a run stopped midway, say): closed first, as the physician
        # would, so the rerun tells the day again.
        story.spent("ConsentRegistry.closeBreakGlass", doctor.close_break_glass(patient).gas_used)
        story.say("the physician's emergency access still open from before was closed first")
        return doctor.open_break_glass(patient, reason, duration)


def _short(value: str | None) -> str:
    return "-" if value is None else value[:10] + "…"
