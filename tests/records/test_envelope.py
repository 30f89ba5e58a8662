"""The record envelope: AES-256-GCM under a fresh data key, bound to its record version."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hygeia.core.errors import (
    CryptoError,
    DecryptionError,
    IntegrityError,
    InvalidInputError,
    MalformedEnvelopeError,
)
from hygeia.records import (
    RecordRef,
    ciphertext_digest,
    decrypt_record,
    encrypt_record,
    verify_digest,
)
from hygeia.records.envelope import FORMAT_VERSION, HEADER_SIZE, MAGIC, TAG_SIZE
from tests.records.sample_refs import REF

PLAINTEXT = b'{"resourceType":"Observation","status":"final","code":{"text":"heart rate"}}'
SEALED = encrypt_record(PLAINTEXT, REF)


def test_decrypt_returns_the_plaintext_sealed_for_the_same_record_version() -> None:
    sealed = encrypt_record(PLAINTEXT, REF)
    assert decrypt_record(sealed.blob, sealed.data_key, REF) == PLAINTEXT


def test_an_empty_payload_roundtrips() -> None:
    sealed = encrypt_record(b"", REF)
    assert decrypt_record(sealed.blob, sealed.data_key, REF) == b""


def test_every_encryption_uses_a_fresh_256_bit_data_key_and_nonce() -> None:
    first, second = encrypt_record(PLAINTEXT, REF), encrypt_record(PLAINTEXT, REF)
    assert len(first.data_key) == 32
    assert first.data_key != second.data_key
    assert first.blob[:HEADER_SIZE] != second.blob[:HEADER_SIZE]


def test_blob_has_the_documented_layout() -> None:
    blob = encrypt_record(PLAINTEXT, REF).blob
    assert blob[:4] == MAGIC == b"HYGR"
    assert blob[4] == FORMAT_VERSION == 1
    assert HEADER_SIZE == 17
    assert len(blob) == HEADER_SIZE + len(PLAINTEXT) + TAG_SIZE
    assert PLAINTEXT not in blob


@pytest.mark.parametrize(
    "moved",
    [
        dataclasses.replace(REF, record_id=bytes.fromhex("70" * 32)),
        dataclasses.replace(REF, owner=bytes.fromhex("a2" * 20)),
        dataclasses.replace(REF, version=REF.version + 1),
    ],
    ids=["record_id", "owner", "version"],
)
def test_decrypt_fails_when_ciphertext_moved_to_another(moved: RecordRef) -> None:
    with pytest.raises(DecryptionError, match="another record id, owner or version"):
        decrypt_record(SEALED.blob, SEALED.data_key, moved)


def test_decrypt_fails_with_a_wrong_data_key() -> None:
    with pytest.raises(DecryptionError, match="wrong data key"):
        decrypt_record(SEALED.blob, os.urandom(32), REF)


def test_decrypt_rejects_a_data_key_of_the_wrong_size() -> None:
    with pytest.raises(InvalidInputError, match="32 bytes"):
        decrypt_record(SEALED.blob, SEALED.data_key[:16], REF)


@settings(max_examples=300, deadline=None)
@given(
    position=st.integers(min_value=0, max_value=len(SEALED.blob) - 1),
    mask=st.integers(min_value=1, max_value=255),
)
def test_any_single_byte_flip_makes_decryption_fail(position: int, mask: int) -> None:
    tampered = bytearray(SEALED.blob)
    tampered[position] ^= mask
    expected = MalformedEnvelopeError if position < len(MAGIC) + 1 else DecryptionError
    with pytest.raises(expected):
        decrypt_record(bytes(tampered), SEALED.data_key, REF)


@settings(max_examples=100, deadline=None)
@given(length=st.integers(min_value=0, max_value=len(SEALED.blob) - 1))
def test_any_truncation_makes_decryption_fail(length: int) -> None:
    with pytest.raises(CryptoError):
        decrypt_record(SEALED.blob[:length], SEALED.data_key, REF)


def test_a_blob_shorter_than_header_and_tag_is_reported_as_truncated() -> None:
    with pytest.raises(MalformedEnvelopeError, match="truncated"):
        decrypt_record(SEALED.blob[: HEADER_SIZE + TAG_SIZE - 1], SEALED.data_key, REF)


def test_garbage_is_reported_as_not_a_record_blob_rather_than_a_key_problem() -> None:
    with pytest.raises(MalformedEnvelopeError, match="bad magic"):
        decrypt_record(b"%PDF-1.7" + bytes(64), SEALED.data_key, REF)


def test_an_unknown_format_version_is_reported_as_unsupported() -> None:
    future = SEALED.blob[:4] + bytes([2]) + SEALED.blob[5:]
    with pytest.raises(MalformedEnvelopeError, match="unsupported record blob format version 2"):
        decrypt_record(future, SEALED.data_key, REF)


def test_decryption_errors_do_not_chain_the_primitive_exception() -> None:
    with pytest.raises(DecryptionError) as caught:
        decrypt_record(SEALED.blob, os.urandom(32), REF)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_ciphertext_digest_is_the_sha256_of_the_whole_blob() -> None:
    digest = ciphertext_digest(SEALED.blob)
    assert digest == hashlib.sha256(SEALED.blob).digest()
    assert len(digest) == 32


def test_verify_digest_accepts_the_blob_it_was_computed_from() -> None:
    verify_digest(SEALED.blob, ciphertext_digest(SEALED.blob))


def test_verify_digest_raises_integrity_error_for_a_swapped_blob() -> None:
    other = encrypt_record(PLAINTEXT, REF).blob
    with pytest.raises(IntegrityError, match="on-chain ciphertext digest"):
        verify_digest(other, ciphertext_digest(SEALED.blob))


def test_verify_digest_rejects_an_expected_digest_of_the_wrong_size() -> None:
    with pytest.raises(InvalidInputError):
        verify_digest(SEALED.blob, b"\x00" * 31)


@pytest.mark.parametrize(
    "fields",
    [
        {"record_id": b"\x00" * 31},
        {"owner": b"\x00" * 32},
        {"version": -1},
        {"version": 2**256},
        {"version": True},
    ],
    ids=["short_record_id", "long_owner", "negative_version", "version_overflow", "bool_version"],
)
def test_record_ref_rejects_values_that_do_not_fit_their_on_chain_types(
    fields: dict[str, Any],
) -> None:
    with pytest.raises(InvalidInputError):
        dataclasses.replace(REF, **fields)


def test_record_ref_encoding_is_fixed_width_big_endian() -> None:
    encoded = REF.encode()
    assert len(encoded) == 84
    assert encoded == REF.record_id + REF.owner + (3).to_bytes(32, "big")


def test_encrypted_record_repr_does_not_show_the_data_key() -> None:
    assert SEALED.data_key.hex() not in repr(SEALED)
    assert repr(SEALED.data_key) not in repr(SEALED)
