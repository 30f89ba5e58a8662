"""HL7's own R4 example Consents (tests/consent/hl7, README there): the one the contract can
express imports, and the others are refused naming the element; the imported one exports and
imports back as the same grant."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from hygeia.consent.client import Consent
from hygeia.consent.fhir import (
    ExportContext,
    FhirConsentError,
    consent_from_fhir,
    consent_to_fhir,
    validate_consent,
)
from hygeia.core.contract_types import Action, ProvisionType

HL7 = Path(__file__).parent / "hl7"
CHAIN = 31337
PATIENT = "0x" + "11" * 20
ORGANIZATION = "0x" + "22" * 20
NOW = datetime(2030, 1, 1, tzinfo=timezone.utc)
REFS = {
    "Patient/f001": PATIENT,
    "Organization/f001": ORGANIZATION,
    "Practitioner/f204": "0x" + "33" * 20,
    "Patient/example": "0x" + "44" * 20,
}


def example(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((HL7 / f"{name}.json").read_text())
    return doc


@pytest.mark.parametrize("path", sorted(HL7.glob("*.json")), ids=lambda p: p.stem)
def test_every_example_is_valid_fhir_r4(path: Path) -> None:
    validate_consent(json.loads(path.read_text()))


def test_not_org_imports_as_a_deny_of_access_and_correct_to_the_organization() -> None:
    (grant,) = consent_from_fhir(
        example("consent-example-notOrg"), patient=PATIENT, chain_id=CHAIN, now=NOW,
        references=REFS,
    ).grants  # fmt: skip
    assert grant.kind is ProvisionType.DENY
    assert grant.grantee == ORGANIZATION
    assert grant.actions == Action.ACCESS | Action.CORRECT
    assert (grant.start, grant.end, grant.targets) == (NOW, None, ())

    exported = consent_to_fhir(
        Consent(PATIENT, 1, grant.grantee_key, grant.kind, grant.actions, grant.purposes,
                grant.start, grant.end, grant.targets, b"", 1, "0x"),
        ExportContext(CHAIN, "0x" + "c0" * 20, NOW),
    )  # fmt: skip
    assert consent_from_fhir(exported, patient=PATIENT, chain_id=CHAIN, now=NOW).grants == (grant,)


@pytest.mark.parametrize(
    ("name", "element"),
    [
        ("consent-example-notThem", "Consent.provision.type"),
        ("consent-example-grantor", "Consent.policyRule"),
        ("consent-example", "Consent.provision.type"),
        ("consent-example-smartonfhir", "Consent.provision.type"),
    ],
)
def test_examples_the_chain_cannot_express_are_refused_naming_the_element(
    name: str, element: str
) -> None:
    refs = {**REFS, "Patient/xcda": PATIENT}
    with pytest.raises(FhirConsentError) as caught:
        consent_from_fhir(example(name), patient=PATIENT, chain_id=CHAIN, now=NOW, references=refs)
    assert caught.value.element == element


def test_not_them_once_its_provision_says_deny_imports() -> None:
    doc = example("consent-example-notThem")
    doc["provision"]["type"] = "deny"
    (grant,) = consent_from_fhir(
        doc, patient=PATIENT, chain_id=CHAIN, now=NOW, references=REFS
    ).grants
    assert (grant.kind, grant.grantee) == (ProvisionType.DENY, REFS["Practitioner/f204"])
