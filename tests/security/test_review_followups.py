"""Follow-ups of a review of the one-file record hardening (e9dd1d9): key sharing that skips
versions it cannot share must say so on every path and must not be stopped by one planted
record; a key bundle document is bounded like a carried one; erasure interrupted by the store
after its transaction can be finished.

Each test failed before its fix."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from hygeia.consent.client import data_class_id, new_record_salt, record_id_of
from hygeia.core.contract_types import Action
from hygeia.core.errors import (
    MalformedEnvelopeError,
    RecordErasedError,
    StoreError,
    StoreUnavailableError,
)
from hygeia.core.store import LocalStore
from hygeia.core.store.cid import CID
from hygeia.records.envelope import MAX_BUNDLE_SIZE, RecordRef, ciphertext_digest, encrypt_record
from hygeia.records.keywrap import build_key_bundle
from hygeia.records.manifests import address_bytes, cid_bytes, load_bundle
from hygeia.records.vault import RecordVault
from tests.records.samples import glucose
from tests.records.world import World
from tests.security.parties import DAY, Patient, permit, plant


def format_1_envelope(ref: RecordRef) -> bytes:
    return bytes(encrypt_record(glucose(1), ref).blob)


def dag_cbor_cid(cid: str) -> bytes:
    """A well-formed CIDv1 (dag-cbor) over the same digest: the contract takes any bytes of a
    CID's length, the SDK reads only raw and dag-pb."""
    return bytes([0x01, 0x71]) + bytes(CID.parse(cid))[2:]


# ------------------------------------------------------------ key sharing


def test_a_planted_key_bundle_cid_the_sdk_cannot_parse_does_not_stop_a_grant(
    world: World, victim: Patient
) -> None:
    """A provider with a COLLECT consent anchors a record whose key bundle CID is a dag-cbor
    CID (the contract checks only its length). The patient's next grant covering all data must
    go through and list that version as unshared, not fail with InvalidCIDError."""
    record_id = plant(world, victim, format_1_envelope, dag_cbor_cid).record_id
    granted = victim.consents().grant(victim.address, permit(world, world.address("specialist")))
    assert any(line.startswith(f"0x{record_id.hex()} v1: ") for line in granted.records_unshared)


def test_a_signed_grant_says_which_covered_versions_it_shares_no_keys_to(
    world: World, victim: Patient
) -> None:
    """`grant` and `share-keys` report the versions they skip; a signed (gasless) grant makes
    the same manifest and must say so too, or the patient never learns a grantee lacks keys."""
    record_id = plant(world, victim, format_1_envelope).record_id
    signed = victim.consents().sign(
        victim.signer, permit(world, world.address("specialist"), record_id), world.now() + DAY
    )
    assert signed.records_shared == 0
    document: dict[str, Any] = signed.to_json()
    unshared = document.get("records_unshared")
    assert unshared, f"the signed grant does not say that 0x{record_id.hex()} v1 was skipped"
    assert unshared[0].startswith(f"0x{record_id.hex()} v1: ")


# ------------------------------------------------------------ key bundle documents


class _HugeContent:
    """A store that holds, under every CID, `size` bytes of a JSON-looking document (as a
    three-block DAG of repeated leaves can on an IPFS node), counting what it hands out."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.served = 0

    def _bytes(self, n: int) -> bytes:
        n = min(n, self.size)
        self.served += n
        return (b'{"format":"' + b"x" * n)[:n]

    def head(self, cid: str, size: int) -> bytes:
        return self._bytes(size)

    def cat(self, cid: str) -> bytes:
        return self._bytes(self.size)


def test_a_key_bundle_document_is_refused_past_the_carried_bundles_limit_before_it_is_read() -> (
    None
):
    """A carried bundle is refused past MAX_BUNDLE_SIZE before it is read; a bundle document
    (format 1, and every bundle a grant shares) is read whole with `cat`, whatever its size."""
    store = _HugeContent(64 * MAX_BUNDLE_SIZE)
    ref = RecordRef(b"\x01" * 32, b"\x0a" * 20, 1)
    with pytest.raises((MalformedEnvelopeError, StoreError)):
        load_bundle(store, "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", ref)  # type: ignore[arg-type]
    # the first read, then one byte more than any bundle may have
    assert store.served <= 4096 + MAX_BUNDLE_SIZE + 1, f"{store.served} bytes read for one bundle"


# ------------------------------------------------------------ erasure


class _Flaky(LocalStore):
    """The world's store, whose `head` fails for the CIDs in `down` (a node that drops out)."""

    def __init__(self, inner: LocalStore) -> None:
        super().__init__(inner.root)
        self.down: set[str] = set()

    def head(self, cid: str, size: int) -> bytes:
        if cid in self.down:
            raise StoreUnavailableError(f"the node dropped out reading {cid}")
        return super().head(cid, size)


def test_an_erasure_the_store_interrupts_after_its_transaction_can_be_finished(
    world: World, victim: Patient
) -> None:
    """Erasure sends its transaction, then reads every CID the record names before unpinning
    it. A store failure there must not leave the crypto-shredding unfinishable: the record is
    erased on chain already, and erasing it again finishes the unpinning."""
    spy = world.address("specialist")
    stored = victim.vault().put(victim.address, glucose(777), data_class="Observation")
    granted = victim.consents().grant(victim.address, permit(world, spy, stored.record_id))
    assert granted.records_shared == 1
    manifest = victim.vault().grant_manifests(victim.address, grantee=spy)[-1]
    shared = manifest.bundle_for(stored.record_id, 1)
    assert shared is not None

    flaky = _Flaky(world.store)
    flaky.down = {stored.cid}
    with pytest.raises(StoreUnavailableError, match="run the erasure again"):
        RecordVault(victim.suite(), flaky, victim.key).erase(stored.record_id)
    assert victim.suite().consent.record_of(stored.record_id).erased  # the transaction went

    try:
        victim.vault().erase(stored.record_id)  # the store is back: finish the job
    except RecordErasedError:
        pytest.fail(
            "an erasure cut short by the store cannot be finished: the record's blob and the "
            "grantee's key bundle stay pinned"
        )
    assert not {stored.cid, shared} & set(world.store.pins())


def test_erasure_unpins_a_versions_own_blob_that_an_earlier_version_names_as_its_bundle(
    world: World, victim: Patient
) -> None:
    """The author names, as version 1's key bundle, the blob it prepared for version 2, which
    it anchors next. That blob is version 2's own: erasure must unpin it, whichever version
    names it first."""
    provider = world.address("provider")
    klass = data_class_id(f"planted-{uuid.uuid4().hex[:8]}")
    actions = Action.COLLECT | Action.CORRECT
    victim.consents().grant(victim.address, permit(world, provider, klass, actions=actions))
    salt = new_record_salt()
    record_id = record_id_of(victim.address, provider, salt)
    owner = address_bytes(victim.address)

    def blob_for(version: int) -> bytes:
        ref = RecordRef(record_id, owner, version)
        key = victim.vault().public_key_of(victim.address)
        made = encrypt_record(
            glucose(version), ref, lambda k: build_key_bundle(k, ref, key).to_json()
        )
        return bytes(made.blob)

    first, second = blob_for(1), blob_for(2)
    first_cid, second_cid = world.store.add_all([first, second])
    author = world.suite("provider").consent
    author.anchor_record(
        victim.address,
        salt,
        [klass],
        cid_bytes(first_cid),
        ciphertext_digest(first),
        cid_bytes(second_cid),
    )
    author.amend_record(
        record_id, cid_bytes(second_cid), ciphertext_digest(second), cid_bytes(second_cid)
    )

    report = victim.vault().erase(record_id)

    assert set(report.unpinned) == {first_cid, second_cid} and report.kept == ()
