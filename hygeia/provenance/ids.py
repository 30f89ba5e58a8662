"""On-chain identifiers of DrugProvenance: digests of GS1 values, lot keys, unit ids, tree leaves
and holding ids.

Lot (AI 10) and serial (AI 21) numbers never go on-chain as text: the contract sees keccak256
of their UTF-8 bytes. A lot is named by ``keccak256(abi.encode(uint64 gtin, bytes32 lot))`` and
a unit by ``keccak256(abi.encode(uint64 gtin, bytes32 serial))``; the Merkle leaf of a unit at
position k of its lot (its place in the commissioning document) is OpenZeppelin's
StandardMerkleTree leaf of ``[unit_id, k]`` with types ``["bytes32", "uint32"]``. The holding
a commissioning or a shipment makes is named by
``keccak256(abi.encode(address creator, bytes32 epcis_hash, address holder))``: scoped to the
account that made it, so nobody can take a pending transaction's holding id first, and to the
party it was made for (the manufacturer itself, or a shipment's receiver, which the chain does
not store).
"""

from __future__ import annotations

from collections.abc import Sequence

from eth_utils.address import is_address, to_canonical_address

from hygeia.core.errors import InvalidInputError
from hygeia.core.hashing import keccak

WORD = 32


def digest(value: str) -> bytes:
    """keccak256 of a GS1 lot or serial number's UTF-8 bytes, as the contract receives it."""
    if not value:
        raise InvalidInputError("a lot or serial number must not be empty")
    return keccak(value.encode("utf-8"))


def _encode(gtin: int, value: bytes) -> bytes:
    if len(value) != WORD:
        raise InvalidInputError(f"expected a 32-byte digest, got {len(value)} bytes")
    return gtin.to_bytes(WORD, "big") + value


def lot_key(gtin: int, lot: bytes) -> bytes:
    """keccak256(abi.encode(gtin, lot digest)): the contract's key of a lot."""
    return keccak(_encode(gtin, lot))


def unit_id(gtin: int, serial: bytes) -> bytes:
    """keccak256(abi.encode(gtin, serial digest)): the contract's id of a unit."""
    return keccak(_encode(gtin, serial))


def unit_ids(gtin: int, serials: Sequence[str]) -> list[bytes]:
    """The unit id of each serial number (text) of product `gtin`: `unit_id(gtin,
    digest(serial))` for a whole lot at once (a lot's reader makes 100,000 of them)."""
    head = gtin.to_bytes(WORD, "big")
    return [keccak(head + digest(serial)) for serial in serials]


def position_leaf(unit: bytes, position: int) -> bytes:
    """The lot tree's leaf of unit id `unit` at `position`: OpenZeppelin's StandardMerkleTree
    leaf of ``[unit, position]`` with types ``["bytes32", "uint32"]``,
    keccak256(keccak256(abi.encode(unit, position)))."""
    if len(unit) != WORD:
        raise InvalidInputError(f"expected a 32-byte unit id, got {len(unit)} bytes")
    if not 0 <= position < 2**32:
        raise InvalidInputError(f"a position is a uint32, got {position}")
    return keccak(keccak(unit + position.to_bytes(WORD, "big")))


def unit_leaf(gtin: int, serial: str, position: int) -> bytes:
    """The leaf of serial number `serial` (text) of product `gtin` at `position` in its lot."""
    return position_leaf(unit_id(gtin, digest(serial)), position)


def holding_id(creator: str, epcis_hash: bytes, holder: str) -> bytes:
    """keccak256(abi.encode(creator, EPCIS event hash, holder)): the id of the holding that
    `creator` made by commissioning (`holder` is `creator`) or by shipping to `holder` with that
    event. A shipment's receiver shows it is the receiver with the shipping event's hash."""
    for name, account in (("creator", creator), ("holder", holder)):
        if not is_address(account):
            raise InvalidInputError(f"not an account address ({name}): {account!r}")
    if len(epcis_hash) != WORD:
        raise InvalidInputError(f"expected a 32-byte event hash, got {len(epcis_hash)} bytes")
    pad = bytes(WORD - 20)
    made_by = pad + to_canonical_address(creator)
    return keccak(made_by + epcis_hash + pad + to_canonical_address(holder))
