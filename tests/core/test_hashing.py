"""hygeia.core.hashing: Ethereum's keccak256, the same digests as eth-hash's."""

from __future__ import annotations

import hashlib

from eth_hash.backends import pycryptodome
from hypothesis import given
from hypothesis import strategies as st

from hygeia.core.hashing import keccak


def test_the_empty_string_hashes_to_ethereums_known_digest():
    assert keccak(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"


def test_keccak_is_not_nists_sha3():
    assert keccak(b"abc") != hashlib.sha3_256(b"abc").digest()


@given(st.binary(max_size=300))
def test_every_input_hashes_as_eth_hash_hashes_it(data):
    assert keccak(data) == pycryptodome.keccak256(data)
