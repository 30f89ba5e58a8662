"""FHIR R4 Consents recorded on the chain and read back from it, records classed by FHIR, and the
accounting of disclosures as AuditEvents (on the consent tests' chain, fresh patients)."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

import pytest

from hygeia.consent.audit_events import audit_events_to_fhir
from hygeia.consent.fhir import (
    FhirConsentError,
    account_identifier,
    consent_from_fhir,
    export_consents,
    validate_resource,
)
from hygeia.core.contract_types import Purpose
from hygeia.core.errors import AccessDeniedError, KeyNotSharedError
from tests.records.samples import GLUCOSE
from tests.records.world import World
from tests.security.parties import Patient

PRCP = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                    "code": "PRCP"}]}  # fmt: skip
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
RESOURCE_TYPES = "http://hl7.org/fhir/resource-types"
VITALS = {
    **copy.deepcopy(GLUCOSE),
    "category": [{"coding": [{"system": OBS_CATEGORY, "code": "vital-signs"}]}],
    "code": {"text": "Heart rate"},
}


def observations_but_not_labs(world: World, patient: Patient, reader: str) -> dict[str, Any]:
    """A Consent: `reader` may read Observations for treatment, except laboratory ones."""
    chain = world.w3.eth.chain_id
    return {
        "resourceType": "Consent",
        "status": "active",
        "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                              "code": "patient-privacy"}]},  # fmt: skip
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "patient": {"identifier": account_identifier(chain, patient.address)},
        "provision": {
            "type": "permit",
            "actor": [{"role": PRCP,
                       "reference": {"identifier": account_identifier(chain, reader)}}],
            "action": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentaction",
                                    "code": "access"}]}],
            "purpose": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
                         "code": "TREAT"}],
            "class": [{"system": RESOURCE_TYPES, "code": "Observation"}],
            "provision": [{"type": "deny",
                           "class": [{"system": OBS_CATEGORY, "code": "laboratory"}]}],
        },
    }  # fmt: skip


def lab_results(world: World, patient: Patient, reader: str) -> dict[str, Any]:
    """A Consent: `reader` may read laboratory results for treatment."""
    doc = observations_but_not_labs(world, patient, reader)
    doc["provision"]["class"] = [{"system": OBS_CATEGORY, "code": "laboratory"}]
    del doc["provision"]["provision"]
    return doc


def test_a_fhir_consent_with_a_nested_deny_holds_for_every_class_a_record_carries(
    world: World, patient: Patient
) -> None:
    specialist = world.address("specialist")
    vault = patient.vault()
    lab = vault.put(patient.address, GLUCOSE)  # Observation + laboratory, no class named
    vitals = vault.put(patient.address, VITALS)  # Observation + vital-signs
    imported, results = patient.consents().grant_fhir(
        patient.address, observations_but_not_labs(world, patient, specialist)
    )
    assert [g.kind.name for g in imported.grants] == ["DENY", "PERMIT"]
    assert results[1].records_shared == 1  # the vitals' key, not the lab result's

    reader = world.vault("specialist")
    assert reader.get(vitals.record_id).record.resource == VITALS
    with pytest.raises(AccessDeniedError, match="denied"):
        reader.get(lab.record_id)


def test_a_laboratory_grant_covers_a_lab_observation_its_writer_named_no_class_for(
    world: World, patient: Patient
) -> None:
    specialist = world.address("specialist")
    stored = patient.vault().put(patient.address, GLUCOSE)
    assert stored.data_classes == ("Observation", "laboratory")
    patient.consents().grant_fhir(patient.address, lab_results(world, patient, specialist))
    assert world.vault("specialist").get(stored.record_id).record.resource == GLUCOSE


def test_the_chains_consents_export_as_fhir_and_import_back_as_the_same_grants(
    world: World, patient: Patient
) -> None:
    specialist = world.address("specialist")
    stored = patient.vault().put(patient.address, GLUCOSE)
    manager = patient.consents()
    manager.grant_fhir(patient.address, observations_but_not_labs(world, patient, specialist))
    record_doc = lab_results(world, patient, world.address("insurer"))
    del record_doc["provision"]["class"]
    record_doc["provision"]["data"] = [{"meaning": "instance", "reference": {"identifier": {
        "system": "urn:hygeia:fhir:record", "value": "0x" + stored.record_id.hex()}}}]  # fmt: skip
    _, (revoked,) = manager.grant_fhir(patient.address, record_doc)
    manager.revoke(patient.address, revoked.consent_id)

    client = patient.suite().consent
    bundle = export_consents(client, patient.address)
    validate_resource(bundle)
    resources = [e["resource"] for e in bundle["entry"]]
    assert [r["status"] for r in resources] == ["active", "active", "inactive"]
    assert resources[2]["provision"]["data"][0]["reference"]["identifier"]["value"] == (
        "0x" + stored.record_id.hex()
    )

    now = world.now()
    on_chain = client.consents(patient.address)
    # An inactive (revoked) consent is not recorded again: it is refused by its status.
    with pytest.raises(FhirConsentError, match=r"^Consent\.status"):
        consent_from_fhir(resources[2], patient=patient.address,
                          chain_id=world.w3.eth.chain_id, now=now)  # fmt: skip
    for resource, granted in zip(resources[:2], on_chain[:2], strict=True):
        (again,) = consent_from_fhir(
            json.loads(json.dumps(resource)), patient=patient.address,
            chain_id=world.w3.eth.chain_id, now=now,
        ).grants  # fmt: skip
        assert (again.kind, again.grantee, again.actions, again.purposes) == (
            granted.kind, granted.grantee, granted.actions, granted.purposes
        )  # fmt: skip
        assert (again.start, again.end, again.targets) == (granted.start, granted.end,
                                                           granted.targets)  # fmt: skip


def test_the_accounting_of_disclosures_as_audit_events(world: World, patient: Patient) -> None:
    specialist, provider = world.address("specialist"), world.address("provider")
    stored = patient.vault().put(patient.address, GLUCOSE)
    _, (granted,) = patient.consents().grant_fhir(
        patient.address, lab_results(world, patient, specialist)
    )
    world.vault("specialist").get(stored.record_id)
    doctor = world.suite("provider").consent
    doctor.open_break_glass(patient.address, "unconscious in the ER", timedelta(minutes=30))
    with pytest.raises(KeyNotSharedError):  # break-glass opens the read (logged), not a key
        world.vault("provider").get(stored.record_id, purpose=Purpose.ETREAT)
    doctor.close_break_glass(patient.address)
    patient.vault().erase(stored.record_id)

    bundle = audit_events_to_fhir(patient.suite().consent, patient.address)
    validate_resource(bundle)
    events = [e["resource"] for e in bundle["entry"]]
    summary = [(e["type"]["code"], [s["code"] for s in e.get("subtype", [])], e["action"])
               for e in events]  # fmt: skip
    assert summary == [
        ("110110", ["read"], "R"),
        ("110113", ["110127"], "E"),
        ("110110", ["read", "110127"], "R"),
        ("110113", ["110138"], "E"),
        ("110110", ["delete"], "D"),
    ]
    read = events[0]
    chain = world.w3.eth.chain_id
    assert read["agent"][0]["who"]["identifier"] == account_identifier(chain, specialist)
    assert read["purposeOfEvent"][0]["coding"][0]["code"] == "TREAT"
    assert read["entity"][0]["what"]["identifier"]["value"] == "0x" + stored.record_id.hex()
    assert read["entity"][2]["what"]["reference"] == f"Consent/hygeia-consent-{granted.consent_id}"
    assert all(e["outcome"] == "0" and e["recorded"].endswith("Z") for e in events)
    opened = events[1]
    assert opened["agent"][0]["who"]["identifier"] == account_identifier(chain, provider)
    assert opened["purposeOfEvent"][0]["coding"][0]["code"] == "ETREAT"
    assert "end" in opened["period"]
    # Nothing but ids, digests and hashes: the reason's text is not in the export.
    assert "unconscious" not in json.dumps(bundle)
    assert bundle["type"] == "collection"
    searchset = audit_events_to_fhir(
        patient.suite().consent, patient.address, bundle_type="searchset"
    )
    assert searchset["total"] == len(events)
