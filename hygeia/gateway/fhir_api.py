"""The FHIR R4 read API: a patient's Consents and its accounting of disclosures (AuditEvents).

    GET /fhir/metadata                  CapabilityStatement (no sign-in needed)
    GET /fhir/Consent?patient=...       Bundle searchset
    GET /fhir/Consent/{id}              Consent
    GET /fhir/AuditEvent?patient=...    Bundle searchset

JSON as FHIR's REST API writes it (`application/fhir+json`); every error is an
OperationOutcome with the HTTP status FHIR uses (400 bad search, 401 no or bad token, 403 not
allowed, 404 unknown resource). Reads need a bearer token from Sign-In with Ethereum
(hygeia.gateway.session); who may read what is decided in hygeia.gateway.patient_data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from hygeia.core.errors import (
    HygeiaError,
    InvalidInputError,
    ReadRefusedError,
    ResourceNotFoundError,
    SessionTokenError,
)
from hygeia.core.times import iso
from hygeia.gateway import patient_data
from hygeia.gateway.services import GatewayServices
from hygeia.gateway.session import SessionManager

FHIR_JSON = "application/fhir+json"
_ISSUE_CODES = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found", 503: "transient"}


def capability_statement(services: GatewayServices, base: str) -> dict[str, Any]:
    """What this server answers, as a validated R4 CapabilityStatement."""
    search_patient = [{"name": "patient", "type": "reference"}]
    doc: dict[str, Any] = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": iso(services.now()),
        "kind": "instance",
        "software": {"name": "hygeia gateway"},
        "implementation": {"description": "hygeia consent registry", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "description": "Bearer token from Sign-In with Ethereum (EIP-4361): "
                    "GET /auth/nonce, POST /auth/verify"
                },
                "resource": [
                    {
                        "type": "Consent",
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": search_patient,
                    },
                    {
                        "type": "AuditEvent",
                        "interaction": [{"code": "search-type"}],
                        "searchParam": search_patient,
                    },
                ],
            }
        ],
    }
    CapabilityStatement.model_validate(doc)
    return doc


def outcome(status: int, diagnostics: str) -> JSONResponse:
    """An OperationOutcome answer."""
    body = {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": _ISSUE_CODES.get(status, "exception"),
                "diagnostics": diagnostics,
            }
        ],
    }
    headers = {"WWW-Authenticate": 'Bearer realm="fhir"'} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=FHIR_JSON, headers=headers)


def fhir_router(services: GatewayServices, sessions: SessionManager) -> APIRouter:
    router = APIRouter(prefix="/fhir", tags=["fhir"])

    def answer(authorization: str | None, read: Callable[[str], dict[str, Any]]) -> JSONResponse:
        try:
            account = sessions.bearer(authorization).account
        except SessionTokenError as exc:
            return outcome(401, str(exc))
        try:
            return JSONResponse(read(account), media_type=FHIR_JSON)
        except ReadRefusedError as exc:
            return outcome(403, str(exc))
        except ResourceNotFoundError as exc:
            return outcome(404, str(exc))
        except InvalidInputError as exc:
            return outcome(400, str(exc))
        except HygeiaError as exc:  # the chain or the index is not answering
            return outcome(503, f"{type(exc).__name__}: {exc}")

    def patient_of(value: str) -> str:
        return patient_data.patient_account(value, int(services.suite.w3.eth.chain_id))

    @router.get("/metadata")
    def metadata() -> JSONResponse:
        return JSONResponse(capability_statement(services, "/fhir"), media_type=FHIR_JSON)

    @router.get("/Consent")
    def consents(
        patient: Annotated[str | None, Query(max_length=200)] = None,
        authorization: Annotated[str | None, Header()] = None,
    ) -> JSONResponse:
        if patient is None:
            return outcome(400, "search Consent by patient: /fhir/Consent?patient=<account>")
        return answer(
            authorization,
            lambda account: patient_data.consents_bundle(services, patient_of(patient), account),
        )

    @router.get("/Consent/{resource_id}")
    def consent(
        resource_id: str, authorization: Annotated[str | None, Header()] = None
    ) -> JSONResponse:
        return answer(
            authorization,
            lambda account: patient_data.consent_resource(services, resource_id[:100], account),
        )

    @router.get("/AuditEvent")
    def audit_events(
        patient: Annotated[str | None, Query(max_length=200)] = None,
        authorization: Annotated[str | None, Header()] = None,
    ) -> JSONResponse:
        if patient is None:
            return outcome(400, "search AuditEvent by patient: /fhir/AuditEvent?patient=<account>")
        return answer(
            authorization,
            lambda account: patient_data.audit_bundle(services, patient_of(patient), account),
        )

    return router
