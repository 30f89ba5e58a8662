"""Where a reader's wrapped key is found: a version's key bundle, as a document of its own or
carried in the version's envelope, each refused when it belongs to another record version."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hygeia.core.errors import MalformedEnvelopeError
from hygeia.core.store import LocalStore
from hygeia.records import (
    build_key_bundle,
    encrypt_record,
    generate_private_key,
    public_key_bytes,
)
from hygeia.records.manifests import load_bundle, parse_bundle
from tests.records.sample_refs import OWNER, READER_1, REF

OWNER_KEY = public_key_bytes(generate_private_key())
READER_KEY = public_key_bytes(generate_private_key())


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "store")


class ReadCountingStore:
    """A store that records every read: (method, bytes asked or None for all)."""

    def __init__(self, inner: LocalStore) -> None:
        self.inner, self.reads = inner, list[tuple[str, int | None]]()

    def cat(self, cid: str) -> bytes:
        self.reads.append(("cat", None))
        return self.inner.cat(cid)

    def head(self, cid: str, size: int) -> bytes:
        self.reads.append(("head", size))
        return self.inner.head(cid, size)


def bundled(plaintext: bytes, readers: int) -> bytearray:
    wraps = {bytes([n]) * 20: READER_KEY for n in range(1, readers + 1)}
    return encrypt_record(
        plaintext, REF, lambda key: build_key_bundle(key, REF, OWNER_KEY, wraps).to_json()
    ).blob


@pytest.mark.parametrize("readers", [0, 20], ids=["owner only", "twenty readers"])
def test_a_carried_bundle_is_read_from_the_envelopes_header_alone(
    store: LocalStore, readers: int
) -> None:
    """Sharing keys reads bundles: a 2 MiB record costs a header's read, not 2 MiB."""
    blob = bundled(bytes(2 * 1024 * 1024), readers)
    counting = ReadCountingStore(store)

    bundle = load_bundle(counting, store.add(blob), REF)  # type: ignore[arg-type]

    assert len(bundle.wrapped_keys) == readers + 1
    assert all(method == "head" for method, _ in counting.reads)
    assert sum(size or 0 for _, size in counting.reads) < 16_000
    assert len(counting.reads) == (1 if readers == 0 else 2)


def test_a_bundle_document_and_a_bundle_carried_in_an_envelope_load_alike(
    store: LocalStore,
) -> None:
    sealed = encrypt_record(
        b"{}",
        REF,
        lambda key: build_key_bundle(key, REF, OWNER_KEY, {READER_1: READER_KEY}).to_json(),
    )
    document = build_key_bundle(sealed.data_key, REF, OWNER_KEY, {READER_1: READER_KEY})
    envelope_cid, document_cid = store.add_all([sealed.blob, document.to_json()])

    carried = load_bundle(store, envelope_cid, REF)
    apart = load_bundle(store, document_cid, REF)

    assert carried.ref == apart.ref == REF
    assert {w.reader for w in carried.wrapped_keys} == {OWNER, READER_1}
    assert {w.reader for w in apart.wrapped_keys} == {OWNER, READER_1}
    assert parse_bundle(bytes(sealed.blob), envelope_cid, REF) == carried


def test_a_bundle_document_larger_than_the_first_read_is_read_whole(store: LocalStore) -> None:
    wraps = {bytes([n]) * 20: READER_KEY for n in range(1, 21)}
    document = build_key_bundle(bytes(32), REF, OWNER_KEY, wraps).to_json()
    assert len(document) > 4096
    bundle = load_bundle(store, store.add(document), REF)
    assert len(bundle.wrapped_keys) == 21


def test_an_envelope_that_carries_no_bundle_is_refused_as_a_bundle(store: LocalStore) -> None:
    cid = store.add(encrypt_record(b"{}", REF).blob)
    with pytest.raises(MalformedEnvelopeError, match="carries no key bundle"):
        load_bundle(store, cid, REF)


@pytest.mark.parametrize("carried", [True, False], ids=["carried", "document"])
def test_a_bundle_of_another_record_version_is_refused(store: LocalStore, carried: bool) -> None:
    other = dataclasses.replace(REF, version=REF.version + 1)
    if carried:
        content = encrypt_record(
            b"{}", other, lambda key: build_key_bundle(key, other, OWNER_KEY).to_json()
        ).blob
    else:
        content = bytearray(build_key_bundle(bytes(32), other, OWNER_KEY).to_json())
    cid = store.add(content)
    with pytest.raises(MalformedEnvelopeError, match="another record version"):
        load_bundle(store, cid, REF)


@pytest.mark.parametrize(
    "content", [b"not json", b"HYGR\x02" + bytes(40), b"HYGR\x02" + bytes(12) + b"\x00\x00\x00\x05"]
)
def test_content_that_is_no_bundle_is_refused_with_a_named_error(content: bytes) -> None:
    with pytest.raises(MalformedEnvelopeError):
        parse_bundle(content, "bafy-test", REF)
