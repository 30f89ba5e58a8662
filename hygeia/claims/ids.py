"""What claims identifiers and dates look like on-chain: salted pseudonyms, procedure codes as
bytes8, day numbers, and claim ids as the contract derives them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from eth_abi.abi import encode
from eth_utils.crypto import keccak
from web3 import Web3

from hygeia.core.errors import InvalidInputError
from hygeia.core.files import write_owner_only
from hygeia.core.values import bytes32

EPOCH = date(1970, 1, 1)
CODE_BYTES = 8
SALT_BYTES = 32
#: keccak256("hygeia.claims.reversal"), ClaimsAdjudicator.REVERSAL_TAG.
REVERSAL_TAG = keccak(text="hygeia.claims.reversal")


def day_number(day: date) -> int:
    """Whole days since 1970-01-01: the contract's dates."""
    return (day - EPOCH).days


def day_date(number: int) -> date:
    return EPOCH + timedelta(days=number)


def encode_code(text: str) -> bytes:
    """A CPT/HCPCS procedure code as the contract's bytes8: ASCII, right-padded with zeros."""
    if not (0 < len(text) <= CODE_BYTES and text.isascii() and text.isalnum()):
        raise InvalidInputError(
            f"procedure code must be 1 to {CODE_BYTES} ASCII letters or digits, got {text!r}"
        )
    return text.upper().encode("ascii").ljust(CODE_BYTES, b"\0")


def decode_code(raw: bytes) -> str:
    return bytes(raw).rstrip(b"\0").decode("ascii")


def claim_id(provider: str, claim_ref: bytes) -> bytes:
    """keccak256(abi.encode(provider, claimRef)), as ClaimsAdjudicator.claimIdOf."""
    return keccak(encode(["address", "bytes32"], [Web3.to_checksum_address(provider), claim_ref]))


def reversal_id(claim_id_: bytes) -> bytes:
    """keccak256(abi.encode(claimId, REVERSAL_TAG)), as ClaimsAdjudicator.reversalIdOf."""
    return keccak(encode(["bytes32", "bytes32"], [claim_id_, REVERSAL_TAG]))


#: X12 835 CLP07 allows 50 characters: a 256-bit claim id in base 36 (digits and capital
#: letters) takes exactly 50.
PAYER_CLAIM_NUMBER_LENGTH = 50
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def payer_claim_number(claim_id_: bytes) -> str:
    """The payer claim control number of an on-chain claim (835 CLP07): its 32-byte id written
    in base 36, 50 characters. It maps back with :func:`claim_id_of_payer_number` and needs no
    table: the encoding is the mapping."""
    value = int.from_bytes(bytes32(claim_id_, "claim id"), "big")
    digits = []
    for _ in range(PAYER_CLAIM_NUMBER_LENGTH):
        value, digit = divmod(value, len(_BASE36))
        digits.append(_BASE36[digit])
    return "".join(reversed(digits))


def claim_id_of_payer_number(text: str) -> bytes:
    """The on-chain claim id a payer claim control number stands for."""
    number = text.strip().upper()
    if len(number) != PAYER_CLAIM_NUMBER_LENGTH or any(c not in _BASE36 for c in number):
        raise InvalidInputError(
            f"a payer claim control number is {PAYER_CLAIM_NUMBER_LENGTH} digits and capital "
            f"letters, got {text!r}"
        )
    value = int(number, len(_BASE36))
    if value >= 2**256:
        raise InvalidInputError(f"{text!r} is not a payer claim control number of this payer")
    return value.to_bytes(32, "big")


def parse_claim_id(text: str) -> bytes:
    """A claim id as a user gives it: 0x + 64 hex digits, or the payer claim control number
    (835 CLP07) that stands for it."""
    if text.startswith(("0x", "0X")):
        return bytes32(text, "claim id")
    return claim_id_of_payer_number(text)


def plan_key(plan_id: str, year_start: date) -> bytes:
    """The insurer's key of a plan: its plan code and the first day of its plan year."""
    return keccak(
        encode(
            ["string", "string", "uint32"], ["hygeia.claims.plan", plan_id, day_number(year_start)]
        )
    )


@dataclass(frozen=True)
class Pseudonyms:
    """Salted hashes of the payer's identifiers, so the chain never sees a member number, claim
    number or authorization number. The salt is the payer's secret: whoever holds it can tell
    which member an on-chain id stands for; nobody else can, even by trying every number."""

    salt: bytes

    def __post_init__(self) -> None:
        if len(self.salt) != SALT_BYTES:
            raise InvalidInputError(f"the pseudonym salt must be {SALT_BYTES} bytes")

    def _hash(self, kind: str, value: str) -> bytes:
        return keccak(
            encode(["string", "bytes32", "string"], [f"hygeia.claims.{kind}", self.salt, value])
        )

    def member_id(self, member: str) -> bytes:
        return self._hash("member", member)

    def claim_ref(self, claim: str) -> bytes:
        return self._hash("claim", claim)

    def auth_id(self, authorization: str) -> bytes:
        return self._hash("authorization", authorization)

    def account_key(self, kind: str, name: str) -> bytes:
        """A private key for a stand-in account (`kind` patient or provider) on a local chain."""
        return self._hash(f"{kind}-key", name)


def load_salt(path: Path) -> bytes:
    """The payer's pseudonym salt from `path` (hex), created with a fresh random salt on first
    use, readable by its owner only. Keep it: re-running a batch needs the same salt."""
    if path.exists():
        try:
            salt = bytes.fromhex(path.read_text().strip())
        except ValueError:
            raise InvalidInputError(f"{path} does not hold a hex salt") from None
        if len(salt) != SALT_BYTES:
            raise InvalidInputError(f"{path} holds {len(salt)} bytes, not a {SALT_BYTES}-byte salt")
        return salt
    path.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_bytes(SALT_BYTES)
    try:
        write_owner_only(path, salt.hex() + "\n", exclusive=True)
    except FileExistsError:  # another run made it first, whole: both use that one
        return load_salt(path)
    return salt
