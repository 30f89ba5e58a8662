"""The checks every client applies to the values it sends a contract: addresses and 32-byte ids,
refused with a named error before anything reaches the chain."""

from __future__ import annotations

from web3 import Web3

from hygeia.core.errors import InvalidInputError

BYTES32 = 32


def checksum_address(value: str, what: str = "address") -> str:
    """`value` as a checksummed address; InvalidInputError if it is not one."""
    if not isinstance(value, str) or not Web3.is_address(value):
        raise InvalidInputError(f"{what} is not an Ethereum address: {value!r}")
    return Web3.to_checksum_address(value)


def bytes32(value: bytes | str, what: str = "id") -> bytes:
    """32 bytes, from bytes or 0x-hex; InvalidInputError naming `what` otherwise."""
    if isinstance(value, str):
        try:
            value = bytes.fromhex(value.removeprefix("0x"))
        except ValueError:
            raise InvalidInputError(f"{what} must be 32 bytes of hex, got {value!r}") from None
    if len(value) != BYTES32:
        raise InvalidInputError(f"{what} must be 32 bytes, got {len(value)}")
    return value
