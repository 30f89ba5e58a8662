"""The data classes of a FHIR record: its resource type, its categories, a Bundle's entries, and
the classes a writer adds (hygeia.records.classes)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from hygeia.core.errors import InvalidRecordError
from hygeia.records.classes import record_classes
from tests.records.samples import CONDITION, GLUCOSE

OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"


def observation(*codes: str, system: str = OBS_CATEGORY) -> dict[str, Any]:
    doc = copy.deepcopy(GLUCOSE)
    doc["category"] = [{"coding": [{"system": system, "code": c}]} for c in codes]
    return doc


def test_a_lab_observation_is_an_observation_and_laboratory() -> None:
    assert record_classes(GLUCOSE) == ("Observation", "laboratory")


def test_a_resource_without_categories_is_its_type() -> None:
    assert record_classes(CONDITION) == ("Condition",)


def test_every_category_is_a_class_once() -> None:
    assert record_classes(observation("vital-signs", "laboratory", "vital-signs")) == (
        "Observation",
        "vital-signs",
        "laboratory",
    )


def test_codings_of_other_systems_are_not_classes() -> None:
    # A code from an unknown system could collide with a known class name ("laboratory").
    assert record_classes(observation("laboratory", system="http://example.org/mine")) == (
        "Observation",
    )


def test_diagnostic_report_sections_are_named_as_observation_categories() -> None:
    report = {
        "resourceType": "DiagnosticReport",
        "status": "final",
        "code": {"text": "CBC"},
        "category": [
            {
                "coding": [
                    {"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "LAB"}
                ]
            },
            {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "HM"}]},
        ],
    }
    assert record_classes(report) == ("DiagnosticReport", "laboratory", "HM")


def test_a_bundle_carries_the_classes_of_its_entries() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": GLUCOSE}, {"resource": CONDITION}],
    }
    assert record_classes(bundle) == ("Bundle", "Observation", "laboratory", "Condition")


def test_a_writer_adds_classes_and_never_drops_the_contents() -> None:
    assert record_classes(GLUCOSE, ["study-7", "laboratory"]) == (
        "Observation",
        "laboratory",
        "study-7",
    )


def test_allergy_categories_are_codes() -> None:
    allergy = {"resourceType": "AllergyIntolerance", "patient": {}, "category": ["food"]}
    assert record_classes(allergy) == ("AllergyIntolerance", "food")


def test_more_classes_than_the_chain_keeps_are_refused() -> None:
    with pytest.raises(InvalidRecordError, match="at most 8 data classes"):
        record_classes(GLUCOSE, [f"extra-{i}" for i in range(7)])


def test_an_empty_class_name_is_refused() -> None:
    with pytest.raises(InvalidRecordError):
        record_classes(GLUCOSE, ["  "])
