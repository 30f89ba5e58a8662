"""The record envelope: AES-256-GCM under a fresh data key, bound to its record version."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given, settings
from hypothesis import strategies as st

from hygeia.core.errors import (
    CryptoError,
    DecryptionError,
    IntegrityError,
    InvalidInputError,
    MalformedEnvelopeError,
)
from hygeia.core.store.unixfs import CHUNK_SIZE
from hygeia.records import (
    RecordRef,
    SealedRecord,
    ciphertext_digest,
    decrypt_record,
    encrypt_record,
    seal_record,
    verify_digest,
)
from hygeia.records.envelope import (
    BUNDLED_FORMAT_VERSION,
    FORMAT_VERSION,
    HEADER_SIZE,
    HEADER_SIZE_PREFIX,
    MAGIC,
    MAX_BUNDLE_SIZE,
    TAG_SIZE,
    DigestingStream,
    embedded_bundle,
    header_size,
)
from tests.records.sample_refs import REF

PLAINTEXT = b'{"resourceType":"Observation","status":"final","code":{"text":"heart rate"}}'
SEALED = encrypt_record(PLAINTEXT, REF)

# A blob sealed for REF at 7e07cbc, when header and ciphertext were joined as bytes; its key.
STORED_KEY = bytes.fromhex("c5d92cb24be503f1f454615b7ca59e0d74a18713d5d10b98c2f1a9227124b5c8")
STORED_BLOB = bytes.fromhex(
    "485947520112396805c1a59cbf72bf5f82151371be05cb42536454973b22f72d8833465acbaaea4e9d8b5f98"
    "44f9dbd2383e6ab189e63a0fc93f9b79b4e43c18a3abf036afb96c7bb2de977ca10ce7a7"
)
STORED_PLAINTEXT = b'{"resourceType":"Observation","status":"final"}'


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


def test_a_blob_sealed_before_in_place_encryption_still_decrypts() -> None:
    assert decrypt_record(STORED_BLOB, STORED_KEY, REF) == STORED_PLAINTEXT


def test_blob_is_the_header_then_aes_gcm_of_the_payload_under_the_documented_ad() -> None:
    header = bytes(SEALED.blob[:HEADER_SIZE])
    associated_data = b"hygeia/record-ad" + bytes([1]) + REF.encode() + header
    expected = AESGCM(SEALED.data_key).encrypt(header[-12:], PLAINTEXT, associated_data)
    assert SEALED.blob[HEADER_SIZE:] == expected


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_decrypt_and_digest_take_the_blob_as_any_bytes_like(kind: type) -> None:
    blob = kind(SEALED.blob)
    assert decrypt_record(blob, SEALED.data_key, REF) == PLAINTEXT
    assert ciphertext_digest(blob) == hashlib.sha256(SEALED.blob).digest()
    verify_digest(blob, ciphertext_digest(SEALED.blob))


@pytest.mark.parametrize("kind", [bytearray, memoryview])
def test_a_tampered_bytes_like_blob_fails_authentication(kind: type) -> None:
    tampered = bytearray(SEALED.blob)
    tampered[-1] ^= 1
    with pytest.raises(DecryptionError, match="tampered ciphertext"):
        decrypt_record(kind(tampered), SEALED.data_key, REF)


def test_a_failed_decryption_leaves_the_callers_blob_resizable() -> None:
    blob = encrypt_record(PLAINTEXT, REF).blob
    with pytest.raises(DecryptionError) as failed:
        decrypt_record(blob, os.urandom(32), REF)
    assert failed.traceback  # the traceback, which holds decrypt_record's frame, is still alive
    blob += b"more"  # BufferError if that frame still held a view of the blob


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
    future = SEALED.blob[:4] + bytes([3]) + SEALED.blob[5:]
    with pytest.raises(MalformedEnvelopeError, match="unsupported record blob format version 3"):
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


# --- seal_record: the same blob, a piece at a time ---------------------------------------------


def joined(sealed: SealedRecord, size: int = CHUNK_SIZE) -> bytes:
    return b"".join(bytes(piece) for piece in sealed.chunks(size))


@settings(max_examples=150, deadline=None)
@given(plaintext=st.binary(max_size=3_000), size=st.integers(min_value=1, max_value=300))
def test_a_sealed_record_in_any_pieces_is_a_blob_that_decrypts_to_its_plaintext(
    plaintext: bytes, size: int
) -> None:
    sealed = seal_record(plaintext, REF)
    pieces = [bytes(piece) for piece in sealed.chunks(size)]
    assert all(len(piece) == size for piece in pieces[:-1]) and 0 < len(pieces[-1]) <= size
    blob = b"".join(pieces)
    assert len(blob) == sealed.size == HEADER_SIZE + len(plaintext) + TAG_SIZE
    assert decrypt_record(blob, sealed.data_key, REF) == plaintext


def test_a_sealed_record_of_several_chunks_comes_in_chunk_sized_pieces() -> None:
    plaintext = os.urandom(2 * CHUNK_SIZE + 7)
    sealed = seal_record(plaintext, REF)
    sizes = [len(piece) for piece in sealed.chunks()]
    assert sizes == [CHUNK_SIZE, CHUNK_SIZE, 7 + HEADER_SIZE + TAG_SIZE]
    assert decrypt_record(joined(sealed), sealed.data_key, REF) == plaintext


def test_every_pass_over_a_sealed_record_gives_the_same_blob_and_its_digest() -> None:
    sealed = seal_record(PLAINTEXT * 5_000, REF)
    blob = joined(sealed)
    assert joined(sealed, 1_000) == blob
    assert ciphertext_digest(sealed) == ciphertext_digest(blob) == hashlib.sha256(blob).digest()


def test_every_sealed_record_has_a_fresh_data_key_and_nonce() -> None:
    first, second = seal_record(PLAINTEXT, REF), seal_record(PLAINTEXT, REF)
    assert len(first.data_key) == 32 and first.data_key != second.data_key
    assert joined(first)[:HEADER_SIZE] != joined(second)[:HEADER_SIZE]


def test_a_sealed_record_is_bound_to_its_record_version() -> None:
    sealed = seal_record(PLAINTEXT, REF)
    other = dataclasses.replace(REF, version=REF.version + 1)
    with pytest.raises(DecryptionError):
        decrypt_record(joined(sealed), sealed.data_key, other)


def test_a_sealed_record_never_shows_its_data_key() -> None:
    sealed = seal_record(PLAINTEXT, REF)
    assert sealed.data_key.hex() not in repr(sealed) and "redacted" in repr(sealed)


def test_pieces_of_no_bytes_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="at least one byte"):
        next(seal_record(PLAINTEXT, REF).chunks(0))


def test_a_sealed_record_is_byte_for_byte_what_aes_gcm_makes_of_its_plaintext() -> None:
    plaintext = os.urandom(CHUNK_SIZE + 100)
    sealed = seal_record(plaintext, REF)
    blob = joined(sealed)
    header = blob[:HEADER_SIZE]
    associated = b"hygeia/record-ad" + bytes([1]) + REF.encode() + header
    expected = AESGCM(sealed.data_key).encrypt(header[-12:], plaintext, associated)
    assert blob[HEADER_SIZE:] == expected


def test_a_sealed_record_keeps_its_plaintext_when_the_callers_buffer_changes() -> None:
    buffer = bytearray(PLAINTEXT)
    sealed = seal_record(buffer, REF)
    first = joined(sealed)
    buffer[:] = bytes(len(buffer))
    assert joined(sealed) == first
    assert decrypt_record(first, sealed.data_key, REF) == PLAINTEXT


def test_a_digesting_stream_hashes_the_pass_that_reads_it_to_the_end() -> None:
    sealed = seal_record(PLAINTEXT * 10_000, REF)
    stream = DigestingStream(sealed)
    with pytest.raises(ValueError, match="not been read"):
        _ = stream.digest
    pieces = stream.chunks()
    next(pieces)
    with pytest.raises(ValueError, match="not been read"):
        _ = stream.digest  # one piece read is not the blob
    assert b"".join(bytes(piece) for piece in stream.chunks()) == joined(sealed)
    assert stream.size == sealed.size
    assert stream.digest == hashlib.sha256(joined(sealed)).digest()


# ------------------------------------------------------------ format 2: the key bundle inside

BUNDLE = b'{"format":"a key bundle, opaque to the envelope"}'
BUNDLED_HEADER_SIZE = HEADER_SIZE + 32 + 4 + len(BUNDLE)


def bundle_of(seen: list[bytes]) -> Any:
    """A bundle maker that records the data keys it is given."""

    def make(data_key: bytes) -> bytes:
        seen.append(data_key)
        return BUNDLE

    return make


def test_a_bundled_blob_has_the_documented_layout_and_the_bundle_gets_the_data_key() -> None:
    keys: list[bytes] = []
    sealed = encrypt_record(PLAINTEXT, REF, bundle_of(keys))
    blob = bytes(sealed.blob)
    assert keys == [sealed.data_key]
    assert blob[:4] == MAGIC and blob[4] == BUNDLED_FORMAT_VERSION == 2
    assert blob[17:49] == hashlib.sha256(b"hygeia/record-key" + sealed.data_key).digest()
    assert int.from_bytes(blob[49:53], "big") == len(BUNDLE)
    assert blob[53:BUNDLED_HEADER_SIZE] == BUNDLE
    assert len(blob) == BUNDLED_HEADER_SIZE + len(PLAINTEXT) + TAG_SIZE
    header = blob[:BUNDLED_HEADER_SIZE]
    associated = b"hygeia/record-ad" + bytes([1]) + REF.encode() + header
    expected = AESGCM(sealed.data_key).encrypt(header[5:17], PLAINTEXT, associated)
    assert blob[BUNDLED_HEADER_SIZE:] == expected
    assert decrypt_record(blob, sealed.data_key, REF) == PLAINTEXT
    assert embedded_bundle(blob) == BUNDLE


def test_a_format_1_blob_carries_no_bundle() -> None:
    assert embedded_bundle(SEALED.blob) is None
    assert embedded_bundle(STORED_BLOB) is None


@settings(max_examples=100, deadline=None)
@given(
    plaintext=st.binary(max_size=2_000),
    bundle=st.binary(min_size=1, max_size=600),
    size=st.integers(min_value=1, max_value=300),
)
def test_a_bundled_sealed_record_in_any_pieces_is_encrypt_records_blob(
    plaintext: bytes, bundle: bytes, size: int
) -> None:
    sealed = seal_record(plaintext, REF, lambda key: bundle)
    blob = joined(sealed, size)
    header_size = HEADER_SIZE + 32 + 4 + len(bundle)
    assert len(blob) == sealed.size == header_size + len(plaintext) + TAG_SIZE
    assert embedded_bundle(blob) == bundle
    assert decrypt_record(blob, sealed.data_key, REF) == plaintext
    associated = b"hygeia/record-ad" + bytes([1]) + REF.encode() + blob[:header_size]
    expected = AESGCM(sealed.data_key).encrypt(blob[5:17], plaintext, associated)
    assert blob[header_size:] == expected


BUNDLED = encrypt_record(PLAINTEXT, REF, lambda key: BUNDLE)


@settings(max_examples=300, deadline=None)
@given(
    position=st.integers(min_value=0, max_value=len(BUNDLED.blob) - 1),
    mask=st.integers(min_value=1, max_value=255),
)
def test_any_single_byte_flip_in_a_bundled_blob_fails_and_no_bundle_is_swapped_in(
    position: int, mask: int
) -> None:
    """The bundle is in the authenticated header: changing it, its size or the format byte
    fails like any other change."""
    tampered = bytearray(BUNDLED.blob)
    tampered[position] ^= mask
    with pytest.raises(CryptoError):
        decrypt_record(bytes(tampered), BUNDLED.data_key, REF)


@settings(max_examples=100, deadline=None)
@given(length=st.integers(min_value=0, max_value=len(BUNDLED.blob) - 1))
def test_any_truncation_of_a_bundled_blob_fails(length: int) -> None:
    with pytest.raises(CryptoError):
        decrypt_record(BUNDLED.blob[:length], BUNDLED.data_key, REF)


def test_a_bundle_size_past_the_blob_is_reported_as_truncated_not_read() -> None:
    blob = bytearray(BUNDLED.blob)
    blob[49:53] = (len(blob)).to_bytes(4, "big")
    with pytest.raises(MalformedEnvelopeError, match="truncated"):
        embedded_bundle(bytes(blob))
    with pytest.raises(MalformedEnvelopeError, match="truncated"):
        decrypt_record(bytes(blob), BUNDLED.data_key, REF)


def test_a_bundled_blob_with_an_empty_bundle_is_malformed() -> None:
    blob = bytearray(BUNDLED.blob)
    blob[49:53] = bytes(4)
    with pytest.raises(MalformedEnvelopeError, match="carries no key bundle"):
        embedded_bundle(bytes(blob))


def test_a_bundle_larger_than_the_largest_carried_is_refused_when_sealing() -> None:
    with pytest.raises(InvalidInputError, match="cannot be carried"):
        encrypt_record(PLAINTEXT, REF, lambda key: bytes(MAX_BUNDLE_SIZE + 1))


def test_a_bundle_maker_giving_no_bytes_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="cannot be carried"):
        encrypt_record(PLAINTEXT, REF, lambda key: b"")
    with pytest.raises(InvalidInputError, match="cannot be carried"):
        seal_record(PLAINTEXT, REF, lambda key: b"")


def test_a_blob_relabelled_to_the_other_format_fails_authentication_or_parsing() -> None:
    as_bundled = bytearray(SEALED.blob)
    as_bundled[4] = BUNDLED_FORMAT_VERSION
    with pytest.raises(CryptoError):
        decrypt_record(bytes(as_bundled), SEALED.data_key, REF)
    as_plain = bytearray(BUNDLED.blob)
    as_plain[4] = FORMAT_VERSION
    with pytest.raises(DecryptionError):
        decrypt_record(bytes(as_plain), BUNDLED.data_key, REF)


def test_header_size_from_a_blobs_first_bytes_says_how_much_to_read_for_its_bundle() -> None:
    assert header_size(BUNDLED.blob[:HEADER_SIZE_PREFIX]) == BUNDLED_HEADER_SIZE
    assert header_size(SEALED.blob[:HEADER_SIZE_PREFIX]) == HEADER_SIZE
    assert embedded_bundle(BUNDLED.blob[:BUNDLED_HEADER_SIZE]) == BUNDLE
    with pytest.raises(MalformedEnvelopeError, match="truncated"):
        embedded_bundle(BUNDLED.blob[: BUNDLED_HEADER_SIZE - 1])


@pytest.mark.parametrize(
    ("prefix", "error"),
    [
        (b"%PDF-1.7", "bad magic"),
        (b"HY", "bad magic"),
        (b"HYGR\x03" + bytes(20), "unsupported"),
        (b"HYGR\x02" + bytes(10), "truncated inside its header"),
    ],
)
def test_header_size_of_what_is_no_blob_is_a_named_error(prefix: bytes, error: str) -> None:
    with pytest.raises(MalformedEnvelopeError, match=error):
        header_size(prefix)


def test_a_bundled_blob_opens_under_its_committed_data_key_only() -> None:
    """AES-GCM alone is not key-committing: the header's commitment is checked first, so no key
    but the sealed one is even tried, whatever a bundle wraps."""
    other = os.urandom(32)
    with pytest.raises(DecryptionError, match="committed to another data key"):
        decrypt_record(BUNDLED.blob, other, REF)
    recommitted = bytearray(BUNDLED.blob)
    recommitted[17:49] = hashlib.sha256(b"hygeia/record-key" + other).digest()
    with pytest.raises(DecryptionError):
        decrypt_record(bytes(recommitted), other, REF)  # the commitment is authenticated too
    with pytest.raises(DecryptionError):
        decrypt_record(bytes(recommitted), BUNDLED.data_key, REF)
