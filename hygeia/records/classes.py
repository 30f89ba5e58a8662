"""The data classes of a FHIR record: its resource type and its category codes.

Consents name data by class (``laboratory``, ``Observation``, ``vital-signs``...), and a record
carries every class its content has, so a grant to ``laboratory`` covers a laboratory Observation
without its writer naming a class, and a deny on ``laboratory`` holds for it whatever else it is
(the chain evaluates a record with all its classes together: a permit on any covers it, a deny on
any overrides every permit).

A record's classes, in this order, without repeats:

1. its ``resourceType`` (``Observation``);
2. the codes of its ``category`` from the category code systems FHIR R4 binds for that resource
   (``Observation.category`` from observation-category: ``laboratory``, ``vital-signs``,
   ``imaging``...; ``DiagnosticReport.category`` from v2-0074, whose LAB and RAD are named as the
   observation categories ``laboratory`` and ``imaging`` are, the others by their code;
   ``Condition.category``, ``AllergyIntolerance.category``...); codings of other systems are not
   classes (a class name from an unknown system could collide with a known one);
3. for a ``Bundle``, the classes of each entry's resource (a lab result in a Bundle is still a lab
   result);
4. the extra classes the writer names (``--class``): a writer may add classes, never drop the ones
   the content has.

More than MAX_RECORD_CLASSES classes is refused (:class:`InvalidRecordError`): split the Bundle.
A class is stored on-chain as keccak256 of its name (:func:`data_class_id`), so its name says
nothing a reader of the chain could not guess, and the content itself stays encrypted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from hygeia.consent.client import MAX_RECORD_CLASSES, data_class_id
from hygeia.core.errors import InvalidRecordError
from hygeia.core.fhir_systems import (
    CONDITION_CATEGORY,
    MEDICATION_REQUEST_CATEGORY,
    MEDICATION_STATEMENT_CATEGORY,
    OBSERVATION_CATEGORY,
    V2_DIAGNOSTIC_SERVICE,
)

#: Resource type -> the category code systems whose codes are classes of it.
CATEGORY_SYSTEMS: dict[str, frozenset[str]] = {
    "Observation": frozenset({OBSERVATION_CATEGORY}),
    "DiagnosticReport": frozenset({V2_DIAGNOSTIC_SERVICE, OBSERVATION_CATEGORY}),
    "Condition": frozenset({CONDITION_CATEGORY}),
    "MedicationRequest": frozenset({MEDICATION_REQUEST_CATEGORY}),
    "MedicationStatement": frozenset({MEDICATION_STATEMENT_CATEGORY}),
}

#: v2-0074 diagnostic service sections named as the observation categories that mean the same.
_V2_SECTION_NAMES = {"LAB": "laboratory", "RAD": "imaging"}


def record_classes(resource: dict[str, Any], extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The data class names of a validated FHIR resource (see the module's rules), the resource
    type first, then its categories, then `extra`; raises :class:`InvalidRecordError` beyond
    MAX_RECORD_CLASSES."""
    names: list[str] = []
    _add(names, _classes_of(resource))
    for name in extra:
        if not str(name).strip():
            raise InvalidRecordError("a data class name must not be empty")
        _add(names, [str(name).strip()])
    if len(names) > MAX_RECORD_CLASSES:
        raise InvalidRecordError(
            f"a record carries at most {MAX_RECORD_CLASSES} data classes; this one has "
            f"{len(names)} ({', '.join(names)}): split it into several records"
        )
    return tuple(names)


def class_ids(names: Sequence[str]) -> tuple[bytes, ...]:
    """The on-chain ids of data class names."""
    return tuple(data_class_id(name) for name in names)


def _classes_of(resource: dict[str, Any]) -> list[str]:
    resource_type = str(resource.get("resourceType", ""))
    names = [resource_type]
    if resource_type == "Bundle":
        for entry in resource.get("entry") or []:
            inner = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(inner, dict):
                _add(names, _classes_of(inner))
        return names
    _add(names, _category_codes(resource_type, resource.get("category")))
    return names


def _category_codes(resource_type: str, category: Any) -> list[str]:
    if resource_type == "AllergyIntolerance":
        # A list of codes (food | medication | environment | biologic), not CodeableConcepts.
        return [str(code) for code in category or [] if isinstance(code, str)]
    systems = CATEGORY_SYSTEMS.get(resource_type)
    if not systems or category is None:
        return []
    concepts = category if isinstance(category, list) else [category]
    codes = []
    for concept in concepts:
        for coding in (concept or {}).get("coding") or []:
            system, code = coding.get("system"), coding.get("code")
            if system in systems and isinstance(code, str) and code.strip():
                if system == V2_DIAGNOSTIC_SERVICE:
                    code = _V2_SECTION_NAMES.get(code, code)
                codes.append(code.strip())
    return codes


def _add(names: list[str], more: Iterable[str]) -> None:
    for name in more:
        if name not in names:
            names.append(name)
