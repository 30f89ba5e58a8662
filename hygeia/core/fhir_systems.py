"""FHIR code systems the suite reads data classes from, named once for the record classifier
(hygeia.records.classes) and the FHIR Consent mapping (hygeia.consent.fhir)."""

from __future__ import annotations

RESOURCE_TYPES = "http://hl7.org/fhir/resource-types"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
V2_DIAGNOSTIC_SERVICE = "http://terminology.hl7.org/CodeSystem/v2-0074"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
MEDICATION_REQUEST_CATEGORY = "http://terminology.hl7.org/CodeSystem/medicationrequest-category"
MEDICATION_STATEMENT_CATEGORY = (
    "http://terminology.hl7.org/CodeSystem/medication-statement-category"
)
