"""CIDs parse in every form IPFS prints them, and anything else is an InvalidCIDError."""

from __future__ import annotations

import base64

import pytest

from hygeia.core.errors import InvalidCIDError
from hygeia.core.store.cid import CID, DAG_PB, RAW, b58encode
from tests.core.store.vectors import VECTORS

CIDV0 = VECTORS[-1].cidv0
CIDV1 = VECTORS[-1].cidv1_raw_leaves


def test_cidv0_and_cidv1_print_back_exactly_as_parsed() -> None:
    for text in (CIDV0, CIDV1, VECTORS[0].cidv1_raw_leaves):
        assert str(CID.parse(text)) == text


def test_a_cidv0_is_the_dag_pb_cidv1_of_the_same_block() -> None:
    v0 = CID.parse(CIDV0)
    assert (v0.version, v0.codec) == (0, DAG_PB)
    assert str(v0.to_v1()).startswith("bafybei")
    assert v0.to_v1().digest == v0.digest


def test_base58btc_and_uppercase_base32_cidv1_parse_to_the_same_cid() -> None:
    cid = CID.parse(CIDV1)
    assert CID.parse("z" + b58encode(bytes(cid))) == cid
    assert CID.parse("B" + CIDV1[1:].upper()) == cid


def test_binary_cids_round_trip() -> None:
    for text in (CIDV0, CIDV1, VECTORS[0].cidv1_raw_leaves):
        cid = CID.parse(text)
        assert CID.from_bytes(bytes(cid)) == cid


def _v1(codec: int, multihash: bytes) -> str:
    raw = bytes([1, codec]) + multihash
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


GARBAGE = [
    "",
    "hello",
    "Qm" + "0" * 44,  # '0' is not base58
    CIDV0[:-1],
    CIDV1[:-3],
    CIDV1[:-1] + "1",  # '1' is not base32
    CIDV1[:10] + CIDV1[10:].upper(),
    "/ipfs/" + CIDV1,
    "z" + b58encode(CID.parse(CIDV0).multihash),  # a CIDv0 dressed as multibase
    _v1(0x71, bytes([0x12, 32]) + bytes(32)),  # dag-cbor
    _v1(RAW, bytes([0x13, 64]) + bytes(64)),  # sha2-512
    _v1(RAW, bytes([0x12, 31]) + bytes(31)),  # short digest
]


@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_is_an_invalid_cid(text: str) -> None:
    with pytest.raises(InvalidCIDError):
        CID.parse(text)


@pytest.mark.parametrize("value", [None, 42, CIDV1.encode()])
def test_a_cid_that_is_not_a_string_is_invalid(value: object) -> None:
    with pytest.raises(InvalidCIDError):
        CID.parse(value)
