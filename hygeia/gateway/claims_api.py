"""The claims API: claim status and remittance per claim and per provider, for the provider that
submitted and the plan's insurer, authenticated by signed requests (hygeia.gateway.auth) since
practice-management systems are backends. The logic is hygeia.gateway.claims_view."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from hygeia.core.errors import HygeiaError
from hygeia.gateway.auth import Authenticator
from hygeia.gateway.claims_view import ClaimsView
from hygeia.gateway.responses import json_error
from hygeia.gateway.services import GatewayServices
from hygeia.gateway.vrs import target_of

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "malformed claim id or address"},
    401: {"description": "the request is not signed validly (signature, timestamp, replay)"},
    403: {"description": "neither the submitting provider nor the plan's insurer"},
    404: {"description": "no claim has this id"},
    503: {"description": "the chain or the index cannot be reached"},
}


def claims_router(services: GatewayServices, *, authenticator: Authenticator) -> APIRouter:
    router = APIRouter(prefix="/claims", tags=["claims"])
    view = ClaimsView(services.suite.claims)

    def answer(request: Request, read: Any) -> Response:
        try:
            requester = authenticator.authenticate(
                request.method, target_of(request), request.headers.get("authorization")
            )
            return JSONResponse(read(requester))
        except HygeiaError as exc:
            return json_error(exc)

    @router.get(
        "/provider/{provider}",
        responses=_ERRORS,
        summary="A provider's claims, with status and remittance (a page of 100)",
    )
    def provider_claims(request: Request, provider: str, offset: int = Query(0, ge=0)) -> Response:
        return answer(request, lambda who: view.provider_claims(who, provider, offset=offset))

    @router.get(
        "/{claim_id}",
        responses=_ERRORS,
        summary="One claim's status and remittance (the 835's amounts and adjustments)",
    )
    def claim(request: Request, claim_id: str) -> Response:
        return answer(request, lambda who: view.claim(who, claim_id))

    return router
