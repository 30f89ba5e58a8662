"""Sign-In with Ethereum (EIP-4361) for the gateway, issuing short-lived bearer tokens.

    sessions = SessionManager(services, domain="gw.example", uri="https://gw.example")
    app.include_router(session_router(sessions))

1. `GET /auth/nonce` gives a fresh nonce (or `POST /auth/challenge` the whole message to sign,
   for a page that does not want to write EIP-4361 text itself).
2. The wallet signs the message (EIP-191 `personal_sign`); `POST /auth/verify` with the message and
   signature checks it with the `siwe` library: this gateway's domain, a URI on its origin, the
   chain's id, a nonce this manager issued and not yet used (single-use, and it expires), the
   message's own expiry and not-before, and the signer being the message's address.
3. The answer is a bearer token for that address, valid `token_ttl` (15 minutes by default):
   ``v1.<payload>.<HMAC-SHA256>``, keyed by a secret of this manager only (a restart signs
   everyone out, and nothing is stored).

Nothing here is global: nonces and the key live in the manager the router was built with.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from threading import Lock
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from siwe import SiweMessage, VerificationError, generate_nonce
from web3 import Web3

from hygeia.core.errors import SessionTokenError, SignInBusyError, SignInError
from hygeia.core.times import iso, to_unix
from hygeia.gateway.services import GatewayServices

TOKEN_VERSION = "v1"
NONCE_TTL = timedelta(minutes=5)
TOKEN_TTL = timedelta(minutes=15)
MAX_MESSAGE = 4096  # an EIP-4361 message with a few resources fits in far less
# Nonces handed out and not yet used or expired: a bound, so that asking for nonces in a loop
# cannot grow the gateway's memory without end (such a caller gets 429 until some expire).
MAX_OUTSTANDING_NONCES = 10_000


@dataclass(frozen=True)
class Session:
    """Who a valid bearer token speaks for, and until when."""

    account: str
    expires: datetime


class SessionManager:
    """Issues nonces, checks signed EIP-4361 messages and issues / checks bearer tokens for one
    gateway (`domain`, the host[:port] the browser shows; `uri`, its origin)."""

    def __init__(
        self,
        services: GatewayServices,
        *,
        domain: str,
        uri: str,
        token_ttl: timedelta = TOKEN_TTL,
        nonce_ttl: timedelta = NONCE_TTL,
        key: bytes | None = None,
    ) -> None:
        self.services = services
        self.domain = domain
        self.uri = uri.rstrip("/")
        self.token_ttl = token_ttl
        self.nonce_ttl = nonce_ttl
        self._key = key if key is not None else secrets.token_bytes(32)
        self._nonces: dict[str, datetime] = {}
        self._lock = Lock()

    @property
    def chain_id(self) -> int:
        return int(self.services.suite.w3.eth.chain_id)

    # ------------------------------------------------------------------ nonces and messages
    def new_nonce(self) -> str:
        """A fresh nonce, usable once, within `nonce_ttl`."""
        now = self.services.now()
        nonce = str(generate_nonce())
        with self._lock:
            self._nonces = {n: t for n, t in self._nonces.items() if t > now}
            if len(self._nonces) >= MAX_OUTSTANDING_NONCES:
                raise SignInBusyError("too many sign-ins are in progress: try again in a minute")
            self._nonces[nonce] = now + self.nonce_ttl
        return nonce

    def challenge(self, address: str, statement: str) -> str:
        """The EIP-4361 message for `address` to sign to sign in here (with a fresh nonce)."""
        if not Web3.is_address(address):
            raise SignInError(f"not an account address: {address!r}")
        now = self.services.now()
        message = SiweMessage(
            domain=self.domain,
            address=Web3.to_checksum_address(address),
            statement=statement,
            uri=self.uri + "/",
            version="1",
            chain_id=self.chain_id,
            nonce=self.new_nonce(),
            issued_at=iso(now),
            expiration_time=iso(now + self.nonce_ttl),
        )
        return str(message.prepare_message())

    def sign_in(self, message_text: str, signature: str) -> tuple[str, Session]:
        """Check a signed EIP-4361 message; a bearer token for its address, or SignInError."""
        if len(message_text) > MAX_MESSAGE:
            raise SignInError("the sign-in message is too long")
        try:
            message = SiweMessage.from_message(message=message_text)
        except Exception as exc:  # siwe raises ValueError or pydantic's errors on bad text
            raise SignInError(f"not an EIP-4361 message: {_first_line(exc)}") from None
        if message.domain != self.domain:
            raise SignInError(f"the message is for {message.domain!r}, not {self.domain!r}")
        if not _same_origin(str(message.uri), self.uri):
            raise SignInError(f"the message's URI {message.uri} is not on {self.uri}")
        if int(message.chain_id) != self.chain_id:
            raise SignInError(f"the message is for chain {message.chain_id}, not {self.chain_id}")
        now = self.services.now()
        try:
            message.verify(signature, domain=self.domain, timestamp=now)
        except VerificationError as exc:
            raise SignInError(f"the signed message was refused: {type(exc).__name__}") from None
        except Exception as exc:  # a signature that is not hex, or of the wrong length
            raise SignInError(f"not a valid signature: {_first_line(exc)}") from None
        # The nonce is spent only once everything else holds, so a bad attempt cannot burn a
        # legitimate user's nonce; with the lock, two racing requests cannot both spend it.
        with self._lock:
            expires = self._nonces.pop(message.nonce, None)
        if expires is None or expires <= now:
            raise SignInError("the nonce was not issued here, was already used or has expired")
        session = Session(Web3.to_checksum_address(message.address), now + self.token_ttl)
        return self._token(session), session

    # ------------------------------------------------------------------ tokens
    def _token(self, session: Session) -> str:
        payload = json.dumps(
            {"sub": session.account, "exp": to_unix(session.expires, "expiry"), "aud": self.domain},
            separators=(",", ":"),
        ).encode()
        body = f"{TOKEN_VERSION}.{_b64(payload)}"
        return f"{body}.{_b64(self._mac(body))}"

    def _mac(self, body: str) -> bytes:
        return hmac.new(self._key, body.encode(), hashlib.sha256).digest()

    def session_of(self, token: str) -> Session:
        """The session a bearer token carries, or SessionTokenError (forged, expired, another
        gateway's, malformed)."""
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != TOKEN_VERSION or len(token) > 512:
            raise SessionTokenError("not a token of this gateway")
        body = f"{parts[0]}.{parts[1]}"
        try:
            mac = _unb64(parts[2])
            claims = json.loads(_unb64(parts[1]))
        except ValueError:
            raise SessionTokenError("not a token of this gateway") from None
        if not hmac.compare_digest(mac, self._mac(body)):
            raise SessionTokenError("the token's signature does not match: forged or altered")
        if not isinstance(claims, dict) or claims.get("aud") != self.domain:
            raise SessionTokenError("the token is for another gateway")
        expires = datetime.fromtimestamp(int(claims["exp"]), timezone.utc)
        if expires <= self.services.now():
            raise SessionTokenError("the token has expired: sign in again")
        return Session(Web3.to_checksum_address(str(claims["sub"])), expires)

    def bearer(self, authorization: str | None) -> Session:
        """The session of an `Authorization: Bearer <token>` header, or SessionTokenError."""
        if not authorization or not authorization.startswith("Bearer "):
            raise SessionTokenError("sign in first: no bearer token")
        return self.session_of(authorization.removeprefix("Bearer ").strip())


def _same_origin(uri: str, origin: str) -> bool:
    a, b = urlsplit(uri), urlsplit(origin)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except Exception:
        raise ValueError("bad base64") from None


# ---------------------------------------------------------------------------------- HTTP


class ChallengeRequest(BaseModel):
    address: str = Field(max_length=42)


class SignInRequest(BaseModel):
    message: str = Field(max_length=MAX_MESSAGE)
    signature: str = Field(max_length=200)


STATEMENT = "Sign in to read your consents and the accounting of disclosures."


def session_router(sessions: SessionManager) -> APIRouter:
    """`GET /auth/nonce`, `POST /auth/challenge`, `POST /auth/verify`, `GET /auth/session`."""
    router = APIRouter(prefix="/auth", tags=["sign-in"])

    @router.get("/nonce")
    def nonce() -> Any:
        try:
            issued = sessions.new_nonce()
        except SignInBusyError as exc:
            return _refused(429, "temporarily_unavailable", str(exc))
        return {"nonce": issued, "domain": sessions.domain, "uri": sessions.uri}

    @router.post("/challenge")
    def challenge(request: ChallengeRequest) -> Any:
        try:
            return {"message": sessions.challenge(request.address, STATEMENT)}
        except SignInBusyError as exc:
            return _refused(429, "temporarily_unavailable", str(exc))
        except SignInError as exc:
            return _refused(400, "invalid_request", str(exc))

    @router.post("/verify")
    def verify(request: SignInRequest) -> Any:
        try:
            token, session = sessions.sign_in(request.message, request.signature)
        except SignInError as exc:
            return _refused(401, "sign_in_refused", str(exc))
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": int(sessions.token_ttl.total_seconds()),
            "account": session.account,
            "expires_at": iso(session.expires),
        }

    @router.get("/session")
    def who(authorization: Annotated[str | None, Header()] = None) -> Any:
        try:
            session = sessions.bearer(authorization)
        except SessionTokenError as exc:
            return _refused(401, "invalid_token", str(exc))
        return {"account": session.account, "expires_at": iso(session.expires)}

    return router


def _refused(status: int, error: str, description: str) -> JSONResponse:
    headers = {"WWW-Authenticate": f'Bearer error="{error}"'} if status == 401 else None
    return JSONResponse(
        {"error": error, "error_description": description}, status_code=status, headers=headers
    )
