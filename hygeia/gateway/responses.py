"""Error responses in each API's own form: the verification responder's as GS1 Lightweight
Messaging has them (the HTTP status, no JSON payload: a one-line text naming the error), the
other APIs' as the CLI's --json errors ({"error": {"type", "message"}})."""

from __future__ import annotations

from fastapi.responses import JSONResponse, PlainTextResponse

from hygeia.core.errors import (
    AccessDeniedError,
    ChainError,
    ClaimNotFoundError,
    HygeiaError,
    IndexStoreError,
    InvalidInputError,
    RequestAuthError,
    RequesterNotAuthorisedError,
    RequestTooLargeError,
    StoreError,
    UnknownProductError,
)
from hygeia.gateway.auth import SCHEME

_MAX_MESSAGE = 300


def status_of(exc: BaseException) -> int:
    """The HTTP status of an SDK error."""
    if isinstance(exc, RequestAuthError):
        return 401
    if isinstance(exc, RequesterNotAuthorisedError | AccessDeniedError):
        return 403
    if isinstance(exc, UnknownProductError | ClaimNotFoundError):
        return 404
    if isinstance(exc, RequestTooLargeError):
        return 413
    if isinstance(exc, InvalidInputError):
        return 400
    if isinstance(exc, ChainError | IndexStoreError | StoreError):
        return 503  # a part behind the gateway is down: retry later
    return 500


def _headers(status: int) -> dict[str, str]:
    return {"WWW-Authenticate": SCHEME} if status == 401 else {}


def _message(exc: BaseException, status: int) -> str:
    if status >= 500:  # never the internals of a failure: the type says which part
        return "the gateway cannot answer now: a service behind it failed; retry later"
    return str(exc)[:_MAX_MESSAGE]


def plain_error(exc: HygeiaError) -> PlainTextResponse:
    """An LMS error: the status, and the error named in one line of text."""
    status = status_of(exc)
    return PlainTextResponse(
        f"{type(exc).__name__}: {_message(exc, status)}\n", status, headers=_headers(status)
    )


def json_error(exc: HygeiaError) -> JSONResponse:
    status = status_of(exc)
    return json_error_of(status, type(exc).__name__, _message(exc, status))


def json_error_of(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"type": kind, "message": message}}, status, headers=_headers(status)
    )
