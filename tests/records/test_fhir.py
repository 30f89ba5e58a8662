"""FHIR R4 (R4B) validation of record payloads before encryption."""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hygeia.core.errors import InvalidRecordError
from hygeia.records import validate_fhir

OBSERVATION: dict[str, Any] = {
    "resourceType": "Observation",
    "id": "glucose-2024-03-02",
    "status": "final",
    "category": [
        {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                    "code": "laboratory",
                }
            ]
        }
    ],
    "code": {
        "coding": [
            {
                "system": "http://loinc.org",
                "code": "2339-0",
                "display": "Glucose [Mass/volume] in Blood",
            }
        ]
    },
    "subject": {"reference": "Patient/pat-0001"},
    "effectiveDateTime": "2024-03-02T08:15:00+01:00",
    "valueQuantity": {
        "value": 5.4,
        "unit": "mmol/L",
        "system": "http://unitsofmeasure.org",
        "code": "mmol/L",
    },
}

CONDITION: dict[str, Any] = {
    "resourceType": "Condition",
    "clinicalStatus": {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                "code": "active",
            }
        ]
    },
    "verificationStatus": {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                "code": "confirmed",
            }
        ]
    },
    "code": {
        "coding": [
            {
                "system": "http://snomed.info/sct",
                "code": "44054006",
                "display": "Diabetes mellitus type 2",
            }
        ]
    },
    "subject": {"reference": "Patient/pat-0001"},
    "onsetDateTime": "2019-06",
}

MEDICATION_STATEMENT: dict[str, Any] = {
    "resourceType": "MedicationStatement",
    "status": "active",
    "medicationCodeableConcept": {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "860975",
                "display": "metformin hydrochloride 500 MG Extended Release Oral Tablet",
            }
        ]
    },
    "subject": {"reference": "Patient/pat-0001"},
    "effectivePeriod": {"start": "2019-06-20"},
    "dosage": [{"text": "500 mg orally twice daily with meals"}],
}

DIAGNOSTIC_REPORT: dict[str, Any] = {
    "resourceType": "DiagnosticReport",
    "status": "final",
    "code": {
        "coding": [
            {
                "system": "http://loinc.org",
                "code": "4548-4",
                "display": "Hemoglobin A1c/Hemoglobin.total in Blood",
            }
        ]
    },
    "subject": {"reference": "Patient/pat-0001"},
    "effectiveDateTime": "2024-03-02",
    "issued": "2024-03-02T14:00:00Z",
    "result": [{"reference": "Observation/glucose-2024-03-02"}],
    "conclusion": "Glycaemic control within target.",
}

BUNDLE: dict[str, Any] = {
    "resourceType": "Bundle",
    "type": "collection",
    "timestamp": "2024-03-02T14:05:00Z",
    "entry": [
        {"fullUrl": "urn:uuid:5b2f0e1c-1f0a-4f6b-9d7e-2c1a3b4d5e6f", "resource": OBSERVATION},
        {"fullUrl": "urn:uuid:8c3e1f2d-2a1b-4c7d-8e9f-3d2b4c5e6f70", "resource": CONDITION},
        {"resource": MEDICATION_STATEMENT},
        {"resource": DIAGNOSTIC_REPORT},
    ],
}

VALID = [OBSERVATION, CONDITION, MEDICATION_STATEMENT, DIAGNOSTIC_REPORT, BUNDLE]
VALID_IDS = [r["resourceType"] for r in VALID]


def _without(resource: dict[str, Any], element: str) -> dict[str, Any]:
    trimmed = copy.deepcopy(resource)
    del trimmed[element]
    return trimmed


def _problem(payload: Any) -> str:
    with pytest.raises(InvalidRecordError) as caught:
        validate_fhir(payload)
    assert caught.value.__cause__ is None
    return str(caught.value)


@pytest.mark.parametrize("resource", VALID, ids=VALID_IDS)
def test_a_valid_r4_resource_passes_as_bytes_text_or_parsed_object(
    resource: dict[str, Any],
) -> None:
    text = json.dumps(resource)
    for payload in (text.encode(), text, copy.deepcopy(resource)):
        record = validate_fhir(payload)
        assert record.resource_type == resource["resourceType"]
        assert record.resource == resource


def test_validation_returns_the_payload_as_written_not_a_reserialization() -> None:
    record = validate_fhir(json.dumps(OBSERVATION))
    assert record.resource["valueQuantity"]["value"] == 5.4
    assert "meta" not in record.resource


def test_invalid_json_is_rejected_with_its_position_but_not_its_content() -> None:
    message = _problem(b'{"resourceType": "Observation", "note": "Jane Doe has HIV",')
    assert "not valid JSON" in message
    assert "line 1" in message
    assert "Jane" not in message


@pytest.mark.parametrize("payload", [b"[]", b'"Observation"', b"42"], ids=["list", "str", "int"])
def test_json_that_is_not_an_object_is_rejected(payload: bytes) -> None:
    assert "must be a JSON object" in _problem(payload)


def test_a_payload_that_is_not_utf8_is_rejected() -> None:
    assert "not UTF-8" in _problem(b'{"resourceType": "Observation", "x": "\xff"}')


def test_repeated_json_members_are_rejected_because_readers_could_disagree() -> None:
    payload = '{"resourceType": "Observation", "status": "final", "status": "amended"}'
    message = _problem(payload)
    assert "repeats JSON member(s) ['status']" in message
    assert "amended" not in message


def test_nan_is_rejected_because_json_does_not_allow_it() -> None:
    observation = {**OBSERVATION, "valueQuantity": {"value": float("nan")}}
    assert "NaN" in _problem(json.dumps(observation))


def test_a_payload_without_resource_type_is_rejected() -> None:
    assert "no 'resourceType'" in _problem(_without(OBSERVATION, "resourceType"))


def test_an_unknown_resource_type_is_rejected_by_name() -> None:
    assert _problem({"resourceType": "Observatio"}) == "unknown FHIR R4 resourceType 'Observatio'"


@pytest.mark.parametrize("resource_type", ["Quantity", "DomainResource", "Resource", "Element"])
def test_data_types_and_abstract_types_are_not_resources(resource_type: str) -> None:
    assert "unknown FHIR R4 resourceType" in _problem({"resourceType": resource_type})


def test_a_resource_type_that_is_free_text_is_not_echoed() -> None:
    message = _problem({"resourceType": "John Smith, DOB 1961-02-03"})
    assert message == "unknown FHIR R4 resourceType"


def test_a_missing_required_element_is_named() -> None:
    message = _problem(_without(OBSERVATION, "status"))
    assert message == "invalid Observation: status: required element is missing"


def test_a_missing_required_complex_element_is_named() -> None:
    message = _problem(_without(CONDITION, "subject"))
    assert message == "invalid Condition: subject: required element is missing"


def test_a_wrong_type_is_named_by_path_without_echoing_the_value() -> None:
    observation = copy.deepcopy(OBSERVATION)
    observation["code"]["coding"][0]["code"] = 23390
    observation["valueQuantity"]["value"] = "five point four, Jane Doe"
    message = _problem(observation)
    assert message.startswith("invalid Observation: code.coding[0].code: wrong type")
    assert "valueQuantity.value: invalid value" in message
    assert "23390" not in message
    assert "Jane" not in message


def test_an_element_not_defined_for_the_resource_is_rejected() -> None:
    message = _problem({**CONDITION, "diagnosis": "Diabetes mellitus type 2"})
    assert message == "invalid Condition: diagnosis: element is not defined for this resource type"
    assert "Diabetes" not in message


def test_problems_in_a_bundle_entry_name_the_entry() -> None:
    bundle = copy.deepcopy(BUNDLE)
    del bundle["entry"][2]["resource"]["subject"]
    message = _problem(bundle)
    assert message == "invalid Bundle: entry[2].resource.subject: required element is missing"


def test_an_unknown_resource_type_inside_a_bundle_is_an_invalid_record() -> None:
    bundle = {**BUNDLE, "entry": [{"resource": {"resourceType": "Nonexistent"}}]}
    assert "nested resource has an unknown resourceType" in _problem(bundle)


def test_only_the_first_problems_are_listed() -> None:
    message = _problem({**CONDITION, "a": 1, "b": 2, "c": 3, "d": 4, "e": 5})
    assert message.count(": element is not defined") == 3
    assert message.endswith("; and 2 more")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None)
@given(
    resource_type=st.sampled_from(["Observation", "Condition", "Bundle", "Patient"]),
    elements=st.dictionaries(
        st.sampled_from(["status", "code", "subject", "entry", "type", "valueQuantity", "name"]),
        json_values,
        max_size=5,
    ),
)
def test_arbitrary_json_either_validates_or_raises_invalid_record_error(
    resource_type: str, elements: dict[str, Any]
) -> None:
    with contextlib.suppress(InvalidRecordError):
        validate_fhir({"resourceType": resource_type, **elements})
