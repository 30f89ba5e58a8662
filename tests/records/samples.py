"""FHIR payloads with recognisable plaintext, so tests can look for it where it must not be."""

from __future__ import annotations

import copy
import json
from typing import Any

PATIENT_NAME = "Maria Sanchez-Whitfield"
GLUCOSE: dict[str, Any] = {
    "resourceType": "Observation",
    "id": "glucose-7781",
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
    "code": {"coding": [{"system": "http://loinc.org", "code": "2339-0"}], "text": "Glucose"},
    "subject": {"display": PATIENT_NAME},
    "effectiveDateTime": "2026-11-02T08:30:00Z",
    "valueQuantity": {"value": 97, "unit": "mg/dL"},
    "note": [{"text": "fasting sample, hyperglycaemia ruled out"}],
}
CONDITION: dict[str, Any] = {
    "resourceType": "Condition",
    "id": "dx-hiv-positive",
    "subject": {"display": PATIENT_NAME},
    "code": {"text": "HIV infection, asymptomatic"},
}


def glucose(value: int) -> bytes:
    """The glucose observation with another value, as the exact bytes to store."""
    doc = copy.deepcopy(GLUCOSE)
    doc["valueQuantity"]["value"] = value
    return json.dumps(doc).encode()


#: Strings that identify the patient or describe their health: none may reach the chain.
SECRETS = (
    PATIENT_NAME,
    "glucose-7781",
    "hyperglycaemia ruled out",
    "HIV infection, asymptomatic",
    "dx-hiv-positive",
)
