"""The DSCSA verification responder over HTTP: `GET` on a GS1 Digital Link path, as the GS1
Lightweight Messaging Standard for Verification of Product Identifiers has it. The logic is
hygeia.gateway.verification; the requester's signature is checked by hygeia.gateway.auth."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from hygeia.core.errors import (
    HygeiaError,
    InvalidInputError,
    RequesterNotAuthorisedError,
)
from hygeia.gateway.auth import Authenticator
from hygeia.gateway.responses import plain_error
from hygeia.gateway.services import GatewayServices
from hygeia.gateway.verification import Responder, parse_request

TAG = "DSCSA verification (GS1 Lightweight Messaging)"


class LmsData(BaseModel):
    verified: bool
    verificationFailureReason: str | None = Field(
        None, description="why not verified: No_match_GTIN_Serial, ... Not_for_re-distribution"
    )
    additionalInfo: str | None = Field(
        None, description="why a verified unit must not be sold: Recalled, Suspect, ..."
    )


class LmsResponse(BaseModel):
    verificationTimestamp: str
    responderGLN: str
    corrUUID: str
    data: LmsData


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "malformed request (Digital Link, check digit, parameters)"},
    401: {"description": "the request is not signed validly (signature, timestamp, replay)"},
    403: {"description": "the requester is not an authorised trading partner"},
    404: {"description": "no product has this GTIN"},
    503: {"description": "the chain or the content store cannot be reached"},
}


def target_of(request: Request) -> str:
    """The request target as the client sent it (path and query), which the client signed."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string") or b""
    target = bytes(raw).decode("latin-1")
    return target + ("?" + bytes(query).decode("latin-1") if query else "")


def vrs_router(
    services: GatewayServices, *, responder: Responder, authenticator: Authenticator
) -> APIRouter:
    """The verification responder's routes (lot in the path, or as the query's `10`)."""
    router = APIRouter(tags=[TAG])

    def handle(request: Request, gtin: str, serial: str, lot: str | None) -> Response:
        try:
            return answer(request, gtin, serial, lot)
        except HygeiaError as exc:  # the chain, store or index down: 503, in the LMS form too
            return plain_error(exc)

    def answer(request: Request, gtin: str, serial: str, lot: str | None) -> Response:
        raw = {
            "gtin": gtin,
            "serial": serial,
            "lot": lot or request.query_params.get("10", ""),
            "expiry": request.query_params.get("exp", ""),
            "context": request.query_params.get("context", ""),
            "req_gln": request.query_params.get("reqGLN", ""),
            "corr_uuid": request.query_params.get("corrUUID", ""),
        }
        requester = authenticator.authenticate(
            request.method, target_of(request), request.headers.get("authorization")
        )
        try:
            responder.authorise(requester)
            query: dict[str, list[str]] = {}
            for name, value in request.query_params.multi_items():
                query.setdefault(name, []).append(value)
            lms = parse_request(gtin, serial, lot, query)
        except (RequesterNotAuthorisedError, InvalidInputError) as exc:
            refused = 403 if isinstance(exc, RequesterNotAuthorisedError) else 400
            responder.record_refusal(requester, refused, raw)
            return plain_error(exc)
        return JSONResponse(responder.answer(requester, lms))

    params = {
        "link_type": Query(None, alias="linkType", description="verificationService"),
        "exp": Query(None, description="expiry, YYMMDD"),
        "context": Query(None, description="e.g. dscsaSaleableReturn, dscsaSuspectVerification"),
        "req_gln": Query(None, alias="reqGLN", description="the requester's GLN, 13 digits"),
        "corr_uuid": Query(None, alias="corrUUID", description="correlation UUID, echoed back"),
    }

    @router.get(
        "/01/{gtin}/10/{lot}/21/{serial}",
        response_model=LmsResponse,
        response_model_exclude_none=True,
        responses=_ERRORS,
        summary="Verify a product identifier (lot in the path)",
    )
    def verify_with_lot(
        request: Request,
        gtin: str,
        lot: str,
        serial: str,
        link_type: str | None = params["link_type"],
        exp: str | None = params["exp"],
        context: str | None = params["context"],
        req_gln: str | None = params["req_gln"],
        corr_uuid: str | None = params["corr_uuid"],
    ) -> Response:
        return handle(request, gtin, serial, lot)

    @router.get(
        "/01/{gtin}/21/{serial}",
        response_model=LmsResponse,
        response_model_exclude_none=True,
        responses=_ERRORS,
        summary="Verify a product identifier (lot as the query's 10)",
    )
    def verify(
        request: Request,
        gtin: str,
        serial: str,
        lot: str | None = Query(None, alias="10", description="lot number"),
        link_type: str | None = params["link_type"],
        exp: str | None = params["exp"],
        context: str | None = params["context"],
        req_gln: str | None = params["req_gln"],
        corr_uuid: str | None = params["corr_uuid"],
    ) -> Response:
        return handle(request, gtin, serial, None)

    return router
