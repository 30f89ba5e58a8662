"""The claims API: claim status and remittance per claim and per provider, for the provider that
submitted and the plan's insurer, authenticated by signed requests (hygeia.gateway.auth) since
practice-management systems are backends. The logic is hygeia.gateway.claims_view."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from hygeia.core.errors import HygeiaError
from hygeia.gateway.auth import Authenticator
from hygeia.gateway.claims_view import ClaimsView
from hygeia.gateway.remittance_files import RemittanceFiles
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


#: The media type of an X12 interchange (RFC 1767).
X12 = "application/EDI-X12"
_X12_RESPONSE: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    200: {"description": "the 835 as the insurer issued it", "content": {X12: {}}},
}


def claims_router(
    services: GatewayServices,
    *,
    authenticator: Authenticator,
    remittances: RemittanceFiles | None = None,
) -> APIRouter:
    """The claims routes; the 835s are those of `remittances` (the insurer's 835 folder)."""
    router = APIRouter(prefix="/claims", tags=["claims"])
    view = ClaimsView(services.suite.claims, remittances)

    def answer(request: Request, read: Any) -> Response:
        try:
            requester = authenticator.authenticate(
                request.method, target_of(request), request.headers.get("authorization")
            )
            result = read(requester)
        except HygeiaError as exc:
            return json_error(exc)
        if isinstance(result, Response):
            return result
        return JSONResponse(result)

    def x12(name: str, text: str) -> Response:
        return PlainTextResponse(
            text,
            media_type=X12,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @router.get(
        "/835/{name}",
        responses=_X12_RESPONSE,
        summary="One 835 file, for a requester that may read every claim it remits",
    )
    def file_835(request: Request, name: str) -> Response:
        return answer(request, lambda who: x12(name, view.file_835(who, name)))

    @router.get(
        "/provider/{provider}/835",
        responses=_ERRORS,
        summary="The 835 files that remit a provider's claims",
    )
    def provider_835s(request: Request, provider: str) -> Response:
        return answer(request, lambda who: view.provider_835s(who, provider))

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

    @router.get(
        "/{claim_id}/835",
        responses=_X12_RESPONSE,
        summary="The latest 835 file that remits the claim",
    )
    def claim_835(request: Request, claim_id: str) -> Response:
        return answer(request, lambda who: x12(*view.claim_835(who, claim_id)))

    return router
