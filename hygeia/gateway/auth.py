"""Signed requests: how a backend (a verification client, a practice-management system) proves
which account it acts for, with no session and no shared secret.

The client signs, as EIP-712 typed data bound to this deployment (the domain's verifying
contract is the ParticipantRegistry, so a signature for one chain or deployment is worthless on
another), the request's method, its target (path and query, as sent), a unix timestamp and a
random 32-byte nonce, and sends them in one header:

    Authorization: EIP712 account=0x...,timestamp=1767225600,nonce=0x<64 hex>,signature=0x<130 hex>

The gateway refuses (RequestAuthError, HTTP 401) a header it cannot read, a signature that does
not recover `account`, a timestamp more than `window` seconds from its clock, and a nonce the
account used before (kept in the ledger past the window, so across restarts too).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils.address import is_hex_address, to_checksum_address
from web3 import Web3

from hygeia.core.chain.eip712 import typed_data
from hygeia.core.chain.signers import Signer
from hygeia.core.errors import RequestAuthError
from hygeia.gateway.ledger import Ledger

SCHEME = "EIP712"
DOMAIN_NAME = "hygeia gateway"
DOMAIN_VERSION = "1"
#: Seconds a signed request stays acceptable either side of the gateway's clock.
DEFAULT_WINDOW = 300
_FIELDS = (
    ("method", "string"),
    ("target", "string"),
    ("timestamp", "uint256"),
    ("nonce", "bytes32"),
)
_PART = re.compile(r"\s*([a-z]+)=([^,\s]+)\s*")
_HEX32 = re.compile(r"0x[0-9a-fA-F]{64}")
_HEX65 = re.compile(r"0x[0-9a-fA-F]{130}")
_MAX_HEADER = 512


@dataclass(frozen=True)
class SignedRequest:
    """The parts of a signed request's header."""

    account: str
    timestamp: int
    nonce: bytes
    signature: bytes

    def header(self) -> str:
        return (
            f"{SCHEME} account={self.account},timestamp={self.timestamp},"
            f"nonce=0x{self.nonce.hex()},signature=0x{self.signature.hex()}"
        )


def request_typed_data(
    *, chain_id: int, registry: str, method: str, target: str, timestamp: int, nonce: bytes
) -> dict[str, Any]:
    """The EIP-712 document a client signs for one request."""
    return typed_data(
        name=DOMAIN_NAME,
        version=DOMAIN_VERSION,
        chain_id=chain_id,
        contract=registry,
        primary="SignedRequest",
        fields=_FIELDS,
        message={
            "method": method.upper(),
            "target": target,
            "timestamp": timestamp,
            "nonce": nonce,
        },
    )


def sign_request(
    signer: Signer,
    w3: Web3,
    *,
    registry: str,
    method: str,
    target: str,
    timestamp: int,
    nonce: bytes | None = None,
) -> SignedRequest:
    """A signed request for `target` (path and query, as it will be sent) to the gateway of the
    deployment on `w3`'s chain whose ParticipantRegistry is `registry`: what the tests, the bench
    and a Python client use (any EIP-712 signer, a wallet or another language's library, makes
    the same signature over request_typed_data)."""
    nonce = secrets.token_bytes(32) if nonce is None else nonce
    data = request_typed_data(
        chain_id=int(w3.eth.chain_id),
        registry=registry,
        method=method,
        target=target,
        timestamp=timestamp,
        nonce=nonce,
    )
    signature = signer.sign_typed_data(w3, data)
    return SignedRequest(signer.address, timestamp, nonce, bytes(signature))


def parse_header(value: str | None) -> SignedRequest:
    """The parts of an `Authorization: EIP712 ...` header (RequestAuthError if it is not one)."""
    if not value:
        raise RequestAuthError(
            f"no Authorization header: sign the request ({SCHEME} account=..., timestamp=..., "
            "nonce=..., signature=...)"
        )
    if len(value) > _MAX_HEADER:
        raise RequestAuthError("the Authorization header is too long")
    scheme, _, rest = value.strip().partition(" ")
    if scheme != SCHEME:
        raise RequestAuthError(f"the Authorization scheme must be {SCHEME}, got {scheme!r}")
    parts: dict[str, str] = {}
    for piece in rest.split(","):
        match = _PART.fullmatch(piece)
        if match is None or match[1] in parts:
            raise RequestAuthError(f"malformed Authorization header part {piece.strip()!r}")
        parts[match[1]] = match[2]
    if set(parts) != {"account", "timestamp", "nonce", "signature"}:
        raise RequestAuthError(
            "the Authorization header needs account, timestamp, nonce and signature, got "
            + ", ".join(sorted(parts))
        )
    if not is_hex_address(parts["account"]):
        raise RequestAuthError(f"not an account address: {parts['account']!r}")
    if not parts["timestamp"].isdigit() or len(parts["timestamp"]) > 12:
        raise RequestAuthError(f"the timestamp is unix seconds, got {parts['timestamp']!r}")
    if not _HEX32.fullmatch(parts["nonce"]):
        raise RequestAuthError("the nonce is 32 bytes: 0x and 64 hex digits")
    if not _HEX65.fullmatch(parts["signature"]):
        raise RequestAuthError("the signature is 65 bytes: 0x and 130 hex digits")
    return SignedRequest(
        to_checksum_address(parts["account"]),
        int(parts["timestamp"]),
        bytes.fromhex(parts["nonce"][2:]),
        bytes.fromhex(parts["signature"][2:]),
    )


class Authenticator:
    """Checks signed requests for one deployment, with the nonces in `ledger`."""

    def __init__(
        self,
        *,
        chain_id: int,
        registry: str,
        ledger: Ledger,
        now: Callable[[], datetime],
        window: int = DEFAULT_WINDOW,
    ) -> None:
        self.chain_id = chain_id
        self.registry = registry
        self.ledger = ledger
        self.now = now
        self.window = window

    def authenticate(self, method: str, target: str, header: str | None) -> str:
        """The account that signed this request (RequestAuthError if none did, validly)."""
        signed = parse_header(header)
        now = self.now().timestamp()
        if abs(now - signed.timestamp) > self.window:
            raise RequestAuthError(
                f"the request's timestamp {signed.timestamp} is more than {self.window} s from "
                f"the gateway's clock ({int(now)}): sign it again"
            )
        data = request_typed_data(
            chain_id=self.chain_id,
            registry=self.registry,
            method=method,
            target=target,
            timestamp=signed.timestamp,
            nonce=signed.nonce,
        )
        try:
            signer = Account.recover_message(
                encode_typed_data(full_message=data), signature=signed.signature
            )
        except Exception:  # eth-keys raises several types for a malformed signature
            raise RequestAuthError("the signature does not verify") from None
        if signer != signed.account:
            raise RequestAuthError(
                "the signature does not verify for this account, method, target, timestamp "
                "and nonce"
            )
        # Kept past both edges of the window: until then the timestamp alone does not refuse it.
        if not self.ledger.use_nonce(
            signed.account,
            signed.nonce.hex(),
            expires=signed.timestamp + self.window + 1,
            now=now,
        ):
            raise RequestAuthError("this nonce was used before: a replayed request")
        return signed.account
