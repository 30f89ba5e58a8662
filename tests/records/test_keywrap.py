"""Wrapping a record version's data key for its readers, and the JSON key bundle."""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hygeia.core.errors import InvalidInputError, KeyUnwrapError, MalformedEnvelopeError
from hygeia.records import (
    KeyBundle,
    WrappedKey,
    build_key_bundle,
    generate_private_key,
    public_key_bytes,
    unwrap_data_key,
    wrap_data_key,
)
from tests.records.sample_refs import OWNER, READER_1, READER_2, REF

DATA_KEY = os.urandom(32)
OWNER_KEY = generate_private_key()
READER_1_KEY = generate_private_key()
READER_2_KEY = generate_private_key()
BUNDLE = build_key_bundle(
    DATA_KEY,
    REF,
    public_key_bytes(OWNER_KEY),
    {READER_2: public_key_bytes(READER_2_KEY), READER_1: public_key_bytes(READER_1_KEY)},
)
WRAP_FIELDS = ["ephemeral_public_key", "nonce", "sealed_key"]


def _wrap_for(reader: bytes) -> WrappedKey:
    wrapped = BUNDLE.for_reader(reader)
    assert wrapped is not None
    return wrapped


@pytest.mark.parametrize(
    ("reader", "key"),
    [(OWNER, OWNER_KEY), (READER_1, READER_1_KEY), (READER_2, READER_2_KEY)],
    ids=["patient", "reader_1", "reader_2"],
)
def test_patient_and_each_reader_unwrap_the_same_data_key(reader: bytes, key: Any) -> None:
    assert unwrap_data_key(_wrap_for(reader), key, REF) == DATA_KEY


def test_every_wrap_uses_its_own_ephemeral_key() -> None:
    ephemeral_keys = {w.ephemeral_public_key for w in BUNDLE.wrapped_keys}
    assert len(ephemeral_keys) == 3


def test_unwrap_fails_with_another_readers_private_key() -> None:
    with pytest.raises(KeyUnwrapError, match="not addressed to this reader key"):
        unwrap_data_key(_wrap_for(READER_1), READER_2_KEY, REF)


@pytest.mark.parametrize(
    "moved",
    [
        dataclasses.replace(REF, record_id=bytes.fromhex("70" * 32)),
        dataclasses.replace(REF, owner=bytes.fromhex("a2" * 20)),
        dataclasses.replace(REF, version=REF.version + 1),
    ],
    ids=["record_id", "owner", "version"],
)
def test_unwrap_fails_when_wrapped_key_is_moved_to_another(moved: Any) -> None:
    with pytest.raises(KeyUnwrapError):
        unwrap_data_key(_wrap_for(READER_1), READER_1_KEY, moved)


def test_unwrap_fails_when_a_wrap_is_relabelled_with_another_readers_address() -> None:
    relabelled = dataclasses.replace(_wrap_for(READER_1), reader=READER_2)
    with pytest.raises(KeyUnwrapError):
        unwrap_data_key(relabelled, READER_1_KEY, REF)


@settings(max_examples=200, deadline=None)
@given(
    field=st.sampled_from(WRAP_FIELDS),
    position=st.integers(min_value=0, max_value=47),
    mask=st.integers(min_value=1, max_value=255),
)
def test_any_single_byte_flip_in_a_wrapped_key_fails_to_unwrap(
    field: str, position: int, mask: int
) -> None:
    wrapped = _wrap_for(READER_1)
    value = bytearray(getattr(wrapped, field))
    value[position % len(value)] ^= mask
    tampered = dataclasses.replace(wrapped, **{field: bytes(value)})
    with pytest.raises(KeyUnwrapError):
        unwrap_data_key(tampered, READER_1_KEY, REF)


def test_wrap_refuses_a_low_order_reader_public_key() -> None:
    with pytest.raises(InvalidInputError, match="not a usable X25519 key"):
        wrap_data_key(DATA_KEY, REF, READER_1, bytes(32))


def test_wrap_refuses_a_data_key_that_is_not_32_bytes() -> None:
    with pytest.raises(InvalidInputError, match="data key must be 32 bytes"):
        wrap_data_key(DATA_KEY[:16], REF, READER_1, public_key_bytes(READER_1_KEY))


def test_bundle_lookup_returns_none_for_a_reader_who_was_not_granted() -> None:
    assert BUNDLE.for_reader(bytes.fromhex("d4" * 20)) is None


def test_bundle_builder_always_wraps_for_the_owner() -> None:
    bundle = build_key_bundle(DATA_KEY, REF, public_key_bytes(OWNER_KEY))
    assert [w.reader for w in bundle.wrapped_keys] == [OWNER]


def test_bundle_builder_refuses_the_owner_among_the_readers() -> None:
    with pytest.raises(InvalidInputError, match="owner_public_key"):
        build_key_bundle(
            DATA_KEY, REF, public_key_bytes(OWNER_KEY), {OWNER: public_key_bytes(OWNER_KEY)}
        )


def test_a_bundle_without_the_owners_wrap_cannot_be_constructed() -> None:
    with pytest.raises(InvalidInputError, match="no wrapped key for the record owner"):
        KeyBundle(ref=REF, wrapped_keys=(_wrap_for(READER_1),))


def test_a_bundle_with_two_wraps_for_one_reader_cannot_be_constructed() -> None:
    with pytest.raises(InvalidInputError, match="more than one"):
        KeyBundle(ref=REF, wrapped_keys=(*BUNDLE.wrapped_keys, _wrap_for(READER_1)))


def test_key_bundle_json_roundtrip_is_lossless() -> None:
    restored = KeyBundle.from_json(BUNDLE.to_json())
    assert restored == BUNDLE
    assert unwrap_data_key(_wrap_for(READER_2), READER_2_KEY, restored.ref) == DATA_KEY


def test_key_bundle_json_is_compact_sorted_and_uses_0x_hex() -> None:
    doc = json.loads(BUNDLE.to_json())
    assert list(doc) == sorted(doc)
    assert doc["format"] == "hygeia/keybundle/v1"
    assert doc["recordId"] == "0x" + REF.record_id.hex()
    assert doc["owner"] == "0x" + OWNER.hex()
    assert doc["version"] == REF.version
    assert [k["reader"] for k in doc["keys"]] == [
        "0x" + a.hex() for a in (OWNER, READER_1, READER_2)
    ]
    assert b" " not in BUNDLE.to_json()


def test_key_bundle_json_does_not_depend_on_the_order_wraps_were_given() -> None:
    reordered = KeyBundle(ref=REF, wrapped_keys=tuple(reversed(BUNDLE.wrapped_keys)))
    assert reordered.to_json() == BUNDLE.to_json()


def _bundle_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(BUNDLE.to_json())
    return doc


def _without_owner(doc: dict[str, Any]) -> dict[str, Any]:
    doc["keys"] = [k for k in doc["keys"] if k["reader"] != "0x" + OWNER.hex()]
    return doc


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("owner"), "exactly"),
        (lambda d: d.update(extra=1), "exactly"),
        (lambda d: d.update(format="hygeia/keybundle/v2"), "unsupported format"),
        (lambda d: d.update(version=True), "uint256"),
        (lambda d: d.update(version=-1), "uint256"),
        (lambda d: d.update(recordId="0x1234"), "recordId"),
        (lambda d: d.update(keys={}), "'keys' must be a list"),
        (lambda d: d["keys"][0].update(nonce="0x" + "zz" * 12), "nonce"),
        (lambda d: d["keys"][0].update(sealedKey="0x" + "00" * 47), "sealedKey"),
        (lambda d: d["keys"][0].update(reader=" 0x" + "00" * 20), "reader"),
        (_without_owner, "no wrapped key for the record owner"),
    ],
    ids=[
        "missing_field",
        "unknown_field",
        "unknown_format",
        "bool_version",
        "negative_version",
        "short_record_id",
        "keys_not_a_list",
        "non_hex_nonce",
        "short_sealed_key",
        "padded_reader",
        "no_owner_wrap",
    ],
)
def test_a_malformed_key_bundle_document_is_rejected_by_name(mutate: Any, message: str) -> None:
    doc = _bundle_doc()
    mutate(doc)
    with pytest.raises(MalformedEnvelopeError, match=message):
        KeyBundle.from_json(json.dumps(doc).encode())


@pytest.mark.parametrize("data", [b"", b"\xff\xfe\x00", b"[]", b"{not json"])
def test_a_key_bundle_that_is_not_a_json_object_is_rejected(data: bytes) -> None:
    with pytest.raises(MalformedEnvelopeError):
        KeyBundle.from_json(data)
