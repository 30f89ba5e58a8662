"""Validate a health record payload as a FHIR R4 resource before it is encrypted.

Validation happens client-side before encryption because nothing downstream can look inside
the ciphertext: a malformed record would otherwise be stored, paid for and shared unnoticed.

Which FHIR release: the installed ``fhir.resources`` 8.x models FHIR R5 (5.0.0) at its top level
and ships ``fhir.resources.R4B`` (4.3.0) and ``fhir.resources.STU3``; there is no plain R4
(4.0.1) package. R4B is the R4-compatible release (same resource set for clinical data, only
additive changes), so records are validated against ``fhir.resources.R4B``.

Error messages never quote the payload: they name the resource type, element paths and the kind
of problem, because record values are PHI and exception messages end up in logs. For the same
reason the library's own exception, which embeds the offending values, is not chained.
Note that ``fhir.resources`` checks structure, cardinality and primitive types, not value-set
bindings: a ``status`` outside the FHIR code list is accepted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, NoReturn

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.resource import Resource
from fhir_core.fhirabstractmodel import FHIRAbstractModel
from pydantic import ValidationError

from hygeia.core.errors import InvalidRecordError

MAX_PROBLEMS_SHOWN = 3

# Abstract base types: valid model classes, but never the type of an actual resource instance.
_ABSTRACT_TYPES = frozenset({"Resource", "DomainResource"})
_TYPE_NAME = re.compile(r"[A-Z][A-Za-z]{0,63}")


@dataclass(frozen=True)
class ValidatedRecord:
    """A payload that passed validation: its ``resourceType`` and the parsed JSON object.

    ``resource`` is the payload as written by its author (not a re-serialization of the model),
    so encrypting it keeps the author's exact content.
    """

    resource_type: str
    resource: dict[str, Any]


def validate_fhir(payload: bytes | str | dict[str, Any]) -> ValidatedRecord:
    """Parse ``payload`` (UTF-8 JSON bytes, JSON text or an already parsed object) and validate
    it as a FHIR R4 (R4B) resource; raises :class:`InvalidRecordError` otherwise."""
    resource = payload if isinstance(payload, dict) else _parse_json(payload)
    resource_type = resource.get("resourceType")
    if not isinstance(resource_type, str):
        raise InvalidRecordError("FHIR resource has no 'resourceType' string")
    model = _resource_model(resource_type)
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        _raise_problems(resource_type, exc)
    except (KeyError, TypeError, ValueError):
        # fhir_core raises a bare KeyError for an unknown nested resourceType (e.g. in a Bundle).
        raise InvalidRecordError(
            f"invalid {resource_type}: a nested resource has an unknown resourceType or shape"
        ) from None
    return ValidatedRecord(resource_type=resource_type, resource=resource)


def _parse_json(payload: bytes | str) -> dict[str, Any]:
    try:
        text = payload.decode("utf-8") if isinstance(payload, bytes) else payload
        parsed = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise InvalidRecordError("FHIR payload is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise InvalidRecordError(
            f"FHIR payload is not valid JSON (line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(parsed, dict):
        raise InvalidRecordError("FHIR payload must be a JSON object")
    return parsed


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Two readers of a document with a repeated key may keep different values; FHIR forbids it.
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise InvalidRecordError(f"FHIR payload repeats JSON member(s) {duplicates}")
    return dict(pairs)


def _no_constant(name: str) -> NoReturn:
    raise InvalidRecordError(f"FHIR payload uses {name}, which JSON does not allow")


def _resource_model(resource_type: str) -> type[FHIRAbstractModel]:
    # Echo the value only when it has the shape of a type name, so free text is never quoted.
    shown = f" {resource_type!r}" if _TYPE_NAME.fullmatch(resource_type) else ""
    unknown = InvalidRecordError(f"unknown FHIR R4 resourceType{shown}")
    if resource_type in _ABSTRACT_TYPES or not shown:
        raise unknown
    try:
        model = get_fhir_model_class(resource_type)
    except ValueError:
        raise unknown from None
    # get_fhir_model_class also resolves data types such as "Quantity"; only resources qualify.
    if not issubclass(model, Resource):
        raise unknown
    return model


def _raise_problems(resource_type: str, exc: ValidationError) -> NoReturn:
    problems = [
        f"{_path(err['loc'])}: {_describe(err['type'])}"
        for err in exc.errors(include_url=False, include_input=False, include_context=False)
    ]
    more = len(problems) - MAX_PROBLEMS_SHOWN
    shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN]) + (f"; and {more} more" if more > 0 else "")
    raise InvalidRecordError(f"invalid {resource_type}: {shown}") from None


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return path or "(resource)"


def _describe(error_type: str) -> str:
    """A fixed phrase per pydantic error type: pydantic's own messages may quote the input."""
    if error_type.endswith("missing"):
        return "required element is missing"
    if error_type == "extra_forbidden":
        return "element is not defined for this resource type"
    if error_type.endswith("_type") or error_type == "model_validation_format":
        return f"wrong type ({error_type})"
    return f"invalid value ({error_type})"
