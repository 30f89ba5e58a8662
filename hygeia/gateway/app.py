"""The gateway's application: its routers over one set of services, the errors of each API in
its own form (never a 500 with a trace), limits on request size, and a structured access log.

    sessions = SessionManager(services, domain="gw.example", uri="https://gw.example")
    app = create_app(services, store=open_store("local"), ledger=Ledger(path), sessions=sessions)
    uvicorn.run(app, host="127.0.0.1", port=8080)

The access log is one JSON object a line on the `hygeia.gateway.access` logger: time, method,
the matched route's template (`/01/{gtin}/21/{serial}`, never the path itself nor its query,
which can name a patient or a claim), status and duration. No account is logged: a patient's
account is a pseudonym of a person.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from hygeia import __version__
from hygeia.core import times
from hygeia.core.errors import HygeiaError
from hygeia.core.store import ContentStore
from hygeia.gateway.auth import DEFAULT_WINDOW, Authenticator
from hygeia.gateway.claims_api import claims_router
from hygeia.gateway.fhir_api import fhir_router
from hygeia.gateway.health import DEFAULT_MAX_LAG, health_router
from hygeia.gateway.ledger import Ledger
from hygeia.gateway.pages import pages_router
from hygeia.gateway.remittance_files import RemittanceFiles
from hygeia.gateway.responses import json_error, json_error_of
from hygeia.gateway.services import GatewayServices
from hygeia.gateway.session import SessionManager, session_router
from hygeia.gateway.verification import Responder
from hygeia.gateway.vrs import vrs_router
from hygeia.provenance.index import SerialIndex

ACCESS_LOG = "hygeia.gateway.access"
#: The longest request target (path and query) accepted, in bytes (414 beyond).
MAX_TARGET = 2048
#: The largest request body accepted, in bytes (413 beyond): the APIs read, they take no uploads.
MAX_BODY = 64 * 1024
#: Where a GS1 Digital Link path starts: a path under it that matches no route is malformed.
_DIGITAL_LINK = "/01/"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def create_app(
    services: GatewayServices,
    *,
    store: ContentStore,
    ledger: Ledger,
    sessions: SessionManager,
    responder_gln: int | None = None,
    serial_index: SerialIndex | None = None,
    remittances: Path | None = None,
    window: int = DEFAULT_WINDOW,
    max_lag: int = DEFAULT_MAX_LAG,
    routers: Sequence[APIRouter] = (),
) -> FastAPI:
    """The gateway over `services`: the verification responder (documents from `store`, its
    nonces and audit in `ledger`, answering as `responder_gln`), the claims API, sign-in with
    Ethereum (`sessions`, which knows the origin browsers reach the gateway at), the FHIR R4 read
    API, the verify and patient pages, health and readiness, and any further `routers`. Nothing
    here talks to the chain until a request does."""
    suite = services.suite
    authenticator = Authenticator(
        chain_id=suite.deployment.chain_id,
        registry=suite.deployment.address_of("ParticipantRegistry"),
        ledger=ledger,
        now=services.now,
        window=window,
    )
    responder = Responder(
        services, store, ledger, responder_gln=responder_gln, serial_index=serial_index
    )
    app = FastAPI(
        title="hygeia gateway",
        version=__version__,
        description="DSCSA verification (GS1 Lightweight Messaging over GS1 Digital Link), "
        "claim status and remittance, sign-in with Ethereum, the FHIR R4 read API (Consent, "
        "AuditEvent), a pharmacist's verify page and a patient's page, health and readiness, "
        "over a hygeia deployment. Verification and claims requests are signed: "
        "`Authorization: EIP712 account=...,timestamp=...,nonce=...,signature=...`; FHIR reads "
        "take the bearer token of a sign-in (see docs/gateway.md).",
    )
    app.state.services = services
    app.state.ledger = ledger
    app.state.authenticator = authenticator
    app.include_router(health_router(services, max_lag=max_lag))
    app.include_router(vrs_router(services, responder=responder, authenticator=authenticator))
    app.include_router(
        claims_router(
            services, authenticator=authenticator, remittances=RemittanceFiles(remittances)
        )
    )
    app.include_router(session_router(sessions))
    app.include_router(fhir_router(services, sessions))
    app.include_router(pages_router(services, sessions, store=store, serial_index=serial_index))
    for router in routers:
        app.include_router(router)
    _install_error_handlers(app)
    app.add_middleware(_Guard)
    _document_400_not_422(app)
    return app


def _document_400_not_422(app: FastAPI) -> None:
    """FastAPI documents a 422 for every route with parameters; the gateway answers a refused
    parameter with 400 (each API in its own error form), so the document says so."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            for route in document.get("paths", {}).values():
                for operation in route.values():
                    responses = operation.get("responses", {})
                    if responses.pop("422", None) is not None and "400" not in responses:
                        responses["400"] = {"description": "a malformed parameter"}
            schemas = document.get("components", {}).get("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                schemas.pop(name, None)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return json_error_of(400, "InvalidInputError", f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(HTTPException)
    async def http(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404 and request.url.path.startswith(_DIGITAL_LINK):
            return Response(
                "InvalidInputError: not a GS1 Digital Link verification path: "
                "/01/{gtin}/10/{lot}/21/{serial} or /01/{gtin}/21/{serial}?10={lot}\n",
                400,
                media_type="text/plain",
            )
        kind = {404: "NotFound", 405: "MethodNotAllowed"}.get(exc.status_code, "HTTPError")
        return json_error_of(exc.status_code, kind, str(exc.detail))

    @app.exception_handler(HygeiaError)
    async def hygeia(request: Request, exc: HygeiaError) -> Response:
        return json_error(exc)


class _Guard:
    """Outermost: refuses oversized requests, turns any failure into a bare 500 (the type in the
    log, no trace to the client), and writes the access log."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = logging.getLogger(ACCESS_LOG)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        state: dict[str, Any] = {"status": None, "failure": None}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
            await send(message)

        received = [0]

        async def receiving() -> Message:
            message = await receive()
            received[0] += len(message.get("body", b""))
            if received[0] > MAX_BODY:
                raise _TooLarge()
            return message

        try:
            refusal = _refusal(scope)
            if refusal is not None:
                await _plain(sending, *refusal)
            else:
                await self.app(scope, receiving, sending)
        except _TooLarge:
            if state["status"] is None:
                await _plain(sending, 413, f"RequestTooLargeError: bodies up to {MAX_BODY} bytes")
        except Exception as exc:  # the one place every failure ends: never a trace to a client
            state["failure"] = type(exc).__name__
            if state["status"] is None:
                await _plain(sending, 500, "InternalError: the gateway failed; retry later")
        finally:
            self._log(scope, state, time.perf_counter() - start)

    def _log(self, scope: Scope, state: dict[str, Any], seconds: float) -> None:
        route = scope.get("route")
        entry = {
            "time": times.iso(times.now()),
            "method": scope.get("method"),
            "route": getattr(route, "path", None),
            "status": state["status"],
            "ms": round(seconds * 1000, 2),
        }
        if state["failure"] is not None:
            entry["failure"] = state["failure"]
        self.log.info(json.dumps(entry))


class _TooLarge(Exception):
    pass


def _refusal(scope: Scope) -> tuple[int, str] | None:
    target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
    if target > MAX_TARGET:
        return 414, f"RequestTooLargeError: request targets up to {MAX_TARGET} bytes"
    for name, value in scope.get("headers", ()):
        if name == b"content-length" and (not value.isdigit() or int(value) > MAX_BODY):
            return 413, f"RequestTooLargeError: bodies up to {MAX_BODY} bytes"
    return None


async def _plain(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
