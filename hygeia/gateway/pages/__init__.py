"""The gateway's two web pages, server-rendered with a little plain JavaScript (no build step):

- `GET /verify`: a pharmacist scans, types or pastes a pack's barcode and sees VALID, the
  failure reason, RECALLED or SUSPECT in large type, and the pack's custody (pages.verify);
- `GET /patient`: a patient signs in with its wallet, sees its consents and accounting of
  disclosures (from the FHIR API) and revokes a consent: `POST /patient/revoke-transaction`
  answers the unsigned transaction, which the patient's wallet signs and sends. The server
  never holds a patient's key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from hygeia.core.errors import (
    HygeiaError,
    InvalidInputError,
    ResourceNotFoundError,
    SessionTokenError,
)
from hygeia.core.store import ContentStore
from hygeia.gateway import patient_data
from hygeia.gateway.pages import verify
from hygeia.gateway.services import GatewayServices
from hygeia.gateway.session import SessionManager
from hygeia.provenance.index import SerialIndex

_HERE = Path(__file__).parent
_STATIC = {
    "style.css": "text/css",
    "verify.js": "text/javascript",
    "patient.js": "text/javascript",
}
# Scripts only from this server (no inline script, so an injected tag cannot run); framing
# refused (clickjacking a revoke button).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class RevokeRequest(BaseModel):
    consent: str = Field(max_length=100)


def pages_router(
    services: GatewayServices,
    sessions: SessionManager,
    *,
    store: ContentStore,
    serial_index: SerialIndex | None = None,
) -> APIRouter:
    """The verify page (EPCIS documents read from `store`, units found through `serial_index`)
    and the patient's page."""
    router = APIRouter(tags=["pages"])
    templates = Jinja2Templates(directory=str(_HERE / "templates"))

    @router.get("/verify", response_class=HTMLResponse)
    def verify_page(
        request: Request, barcode: Annotated[str | None, Query(max_length=400)] = None
    ) -> Response:
        view = None if not barcode else verify.check(services, store, barcode, serial_index)
        shown = "" if barcode is None else verify.normalise(barcode).replace(verify.GS, "\u241d")
        return templates.TemplateResponse(
            request,
            "verify.html",
            {"title": "Verify a pack", "view": view, "barcode": shown},
            headers=SECURITY_HEADERS,
        )

    @router.get("/patient", response_class=HTMLResponse)
    def patient_page(request: Request) -> Response:
        return templates.TemplateResponse(
            request, "patient.html", {"title": "My consents"}, headers=SECURITY_HEADERS
        )

    @router.post("/patient/revoke-transaction")
    def revoke_transaction(
        body: RevokeRequest, authorization: Annotated[str | None, Header()] = None
    ) -> JSONResponse:
        try:
            account = sessions.bearer(authorization).account
        except SessionTokenError as exc:
            return _error(401, "invalid_token", str(exc))
        try:
            tx = patient_data.revoke_transaction(services, body.consent, account)
        except ResourceNotFoundError as exc:
            return _error(404, "not_found", str(exc))
        except InvalidInputError as exc:
            return _error(400, "invalid_request", str(exc))
        except HygeiaError as exc:
            return _error(503, "unavailable", f"{type(exc).__name__}: {exc}")
        return JSONResponse(tx)

    @router.get("/pages/static/{name}")
    def static(name: str) -> Response:
        if name not in _STATIC:
            return Response(status_code=404)
        content = (_HERE / "static" / name).read_bytes()
        return Response(content, media_type=_STATIC[name], headers=SECURITY_HEADERS)

    return router


def _error(status: int, error: str, description: str) -> JSONResponse:
    body: dict[str, Any] = {"error": error, "error_description": description}
    return JSONResponse(body, status_code=status)
