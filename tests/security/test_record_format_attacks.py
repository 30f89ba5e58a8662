"""Attacks on record envelope format 2 (the key bundle carried in the blob's header) and on
reading a content's first bytes (ContentStore.head), written as the attacker would write them:
by hand-crafting blobs, by serving blocks from a dishonest IPFS node, and by anchoring crafted
files on a real chain as a provider holding a COLLECT consent. Each attack must fail with its
named error: nothing decrypted under the wrong bundle, no key re-wrapped that the patient did
not mean to share, no content read that its CID does not name."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from hygeia.core.errors import (
    ContentNotFoundError,
    DecryptionError,
    IntegrityError,
    KeyUnwrapError,
    MalformedEnvelopeError,
    StoreError,
)
from hygeia.core.store import KuboStore, LocalStore
from hygeia.core.store.cid import CID, DAG_PB, RAW
from hygeia.core.store.dagpb import Link, Node, encode_node, encode_unixfs_file
from hygeia.core.store.unixfs import CHUNK_SIZE, MAX_LINKS, import_file
from hygeia.records import generate_private_key, public_key_bytes
from hygeia.records.envelope import (
    BUNDLE_SIZE_AT,
    BUNDLED_FORMAT_VERSION,
    HEADER_SIZE,
    HEADER_SIZE_PREFIX,
    MAX_BUNDLE_SIZE,
    RecordRef,
    decrypt_record,
    embedded_bundle,
    encrypt_record,
    header_size,
)
from hygeia.records.keywrap import KeyBundle, build_key_bundle, unwrap_data_key
from hygeia.records.manifests import (
    GrantKeyManifest,
    address_bytes,
    load_bundle,
    parse_bundle,
)
from hygeia.records.sharing import GrantResult
from tests.core.store.fake_node import FakeNode, serving
from tests.records.samples import glucose
from tests.records.world import World
from tests.security.parties import Patient, Planted, permit, plant

OWNER = generate_private_key()
READER = generate_private_key()
OWNER_ADDRESS = b"\x0a" * 20
READER_ADDRESS = b"\x0b" * 20
REF = RecordRef(b"\x01" * 32, OWNER_ADDRESS, 1)
PLAINTEXT = b'{"resourceType":"Observation","note":"the secret the attacker wants"}'


def sealed(
    plaintext: bytes = PLAINTEXT,
    ref: RecordRef = REF,
    *,
    bundled: bool = True,
    owner: X25519PrivateKey = OWNER,
) -> tuple[bytes, bytes]:
    """A blob (format 2 when `bundled`) sealed for `ref` with wraps for `owner` and READER, and
    its data key."""

    def bundle_for(data_key: bytes) -> bytes:
        readers = {READER_ADDRESS: public_key_bytes(READER)}
        return build_key_bundle(data_key, ref, public_key_bytes(owner), readers).to_json()

    record = encrypt_record(plaintext, ref, bundle_for if bundled else None)
    return bytes(record.blob), record.data_key


def with_bundle_size(blob: bytes, size: int) -> bytes:
    """`blob` with its 4-byte bundle size field replaced, nothing else changed."""
    return blob[:BUNDLE_SIZE_AT] + size.to_bytes(4, "big") + blob[HEADER_SIZE_PREFIX:]


def carried_size(blob: bytes) -> int:
    return int.from_bytes(blob[BUNDLE_SIZE_AT:HEADER_SIZE_PREFIX], "big")


def read_as(reader: X25519PrivateKey, address: bytes, blob: bytes, ref: RecordRef = REF) -> bytes:
    """What an honest reader's SDK does with a fetched blob: its wrap from the embedded bundle,
    unwrapped, then the blob decrypted."""
    bundle = KeyBundle.from_json(embedded_bundle(blob) or b"")
    wrapped = bundle.for_reader(address)
    assert wrapped is not None
    return decrypt_record(blob, unwrap_data_key(wrapped, reader, ref), ref)


# ------------------------------------------------------------ crafted envelopes (no chain)


def test_the_honest_blob_reads_so_the_attacks_below_are_measured_against_a_working_one() -> None:
    blob, _ = sealed()
    assert read_as(READER, READER_ADDRESS, blob) == PLAINTEXT
    assert read_as(OWNER, OWNER_ADDRESS, blob) == PLAINTEXT


def test_relabelling_a_format_2_blob_as_format_1_never_decrypts() -> None:
    """The attack: flip the version byte to 1, so the size field and the bundle become the first
    ciphertext bytes of a format 1 blob, and hope the reader decrypts the rest."""
    blob, key = sealed()
    relabelled = blob[:4] + b"\x01" + blob[5:]
    assert embedded_bundle(relabelled) is None
    with pytest.raises(DecryptionError):
        decrypt_record(relabelled, key, REF)


def test_relabelling_a_format_1_blob_as_format_2_never_decrypts() -> None:
    """The attack: flip a format 1 blob's version byte to 2, so that its first ciphertext bytes
    are read as a bundle size and a bundle."""
    blob, key = sealed(bundled=False)
    relabelled = blob[:4] + bytes([BUNDLED_FORMAT_VERSION]) + blob[5:]
    with pytest.raises((MalformedEnvelopeError, DecryptionError)):
        decrypt_record(relabelled, key, REF)
    # A format 1 header with a hand-made commitment (true to the key), size and bundle in front
    # of its ciphertext, likewise.
    commitment = hashlib.sha256(b"hygeia/record-key" + key).digest()
    made = commitment + (2).to_bytes(4, "big") + b"{}"
    forged = relabelled[:HEADER_SIZE] + made + blob[HEADER_SIZE:]
    with pytest.raises(DecryptionError):
        decrypt_record(forged, key, REF)


def test_a_bundle_size_of_zero_is_refused_by_every_reader() -> None:
    blob, key = sealed()
    forged = with_bundle_size(blob, 0)
    with pytest.raises(MalformedEnvelopeError, match="no key bundle"):
        embedded_bundle(forged)
    with pytest.raises(MalformedEnvelopeError, match="no key bundle"):
        decrypt_record(forged, key, REF)
    with pytest.raises(MalformedEnvelopeError):
        parse_bundle(forged, "forged", REF)


@pytest.mark.parametrize(
    "size",
    ["all of uint32", "past the end", "up to the end, eating the tag", "into the tag"],
)
def test_a_bundle_size_that_runs_past_the_ciphertext_is_a_malformed_envelope(size: str) -> None:
    """The attack: a size field claiming more bytes than leave room for a tag, so that a reader
    slicing by it reads past the blob or authenticates without a tag."""
    blob, key = sealed()
    claimed = {
        "all of uint32": 2**32 - 1,
        "past the end": len(blob),
        "up to the end, eating the tag": len(blob) - HEADER_SIZE_PREFIX,
        "into the tag": len(blob) - HEADER_SIZE_PREFIX - 8,
    }[size]
    forged = with_bundle_size(blob, claimed)
    refused = "more than" if claimed > MAX_BUNDLE_SIZE else "truncated"
    with pytest.raises(MalformedEnvelopeError, match=refused):
        decrypt_record(forged, key, REF)
    if claimed > len(blob) - HEADER_SIZE_PREFIX:
        with pytest.raises(MalformedEnvelopeError, match=refused):
            embedded_bundle(forged)


@pytest.mark.parametrize("shift", [-1, 1, 16, -16])
def test_moving_the_boundary_between_bundle_and_ciphertext_fails_authentication(
    shift: int,
) -> None:
    """The attack: keep every byte, only move where the bundle ends and the ciphertext starts
    (the same bytes, two readings)."""
    blob, key = sealed()
    forged = with_bundle_size(blob, carried_size(blob) + shift)
    with pytest.raises(DecryptionError):
        decrypt_record(forged, key, REF)


def test_a_bundle_swapped_by_someone_without_the_data_key_opens_nothing() -> None:
    """The attack: a party that stores or relays the blob (but never held its data key) puts in
    a bundle of its own for the same record version, wrapping a key it chose for the reader, so
    that the reader decrypts with the attacker's key."""
    blob, _ = sealed()
    chosen = os.urandom(32)
    theirs = build_key_bundle(
        chosen, REF, public_key_bytes(OWNER), {READER_ADDRESS: public_key_bytes(READER)}
    ).to_json()
    forged = (
        blob[:BUNDLE_SIZE_AT]
        + len(theirs).to_bytes(4, "big")
        + theirs
        + blob[HEADER_SIZE_PREFIX + carried_size(blob) :]
    )
    assert parse_bundle(forged, "forged", REF).for_reader(READER_ADDRESS) is not None
    with pytest.raises(DecryptionError):
        read_as(READER, READER_ADDRESS, forged)
    with pytest.raises(DecryptionError):
        decrypt_record(forged, chosen, REF)


def test_a_blob_moved_onto_another_record_version_is_refused_by_its_bundle_and_its_tag() -> None:
    blob, key = sealed()
    moved = RecordRef(REF.record_id, REF.owner, 2)
    with pytest.raises(MalformedEnvelopeError, match="another record version"):
        parse_bundle(blob, "moved", moved)
    with pytest.raises(DecryptionError):
        decrypt_record(blob, key, moved)


def test_a_header_cut_anywhere_is_refused_never_read_as_a_shorter_bundle() -> None:
    """The attack: a prefix read (or a node) that stops early, hoping the reader takes what
    arrived for the bundle."""
    blob, _ = sealed()
    end = HEADER_SIZE_PREFIX + carried_size(blob)
    for cut in range(end):
        with pytest.raises(MalformedEnvelopeError):
            embedded_bundle(blob[:cut])
        with pytest.raises(MalformedEnvelopeError):
            parse_bundle(blob[:cut], "cut", REF)
        if cut < HEADER_SIZE_PREFIX:
            with pytest.raises(MalformedEnvelopeError):
                header_size(blob[:cut])
        else:
            assert header_size(blob[:cut]) == end
    assert embedded_bundle(blob[:end]) == blob[HEADER_SIZE_PREFIX:end]


def test_a_header_alone_is_no_record_however_valid_its_bundle() -> None:
    blob, key = sealed()
    header = blob[: HEADER_SIZE_PREFIX + carried_size(blob)]
    with pytest.raises(MalformedEnvelopeError, match="truncated"):
        decrypt_record(header, key, REF)
    with pytest.raises(MalformedEnvelopeError, match="truncated"):
        decrypt_record(header + b"\x00" * 15, key, REF)


def test_a_format_1_blob_offered_as_its_own_key_bundle_is_refused() -> None:
    blob, _ = sealed(bundled=False)
    assert embedded_bundle(blob) is None
    with pytest.raises(MalformedEnvelopeError, match="carries no key bundle"):
        parse_bundle(blob, "format-1", REF)


# ------------------------------------------------------------ prefix reads on the embedded store


def test_a_bundle_claiming_more_than_the_file_holds_is_refused_by_a_prefix_read(
    tmp_path: Path,
) -> None:
    store = LocalStore(str(tmp_path))
    blob, _ = sealed()
    cid = store.add(with_bundle_size(blob, len(blob) * 3))
    with pytest.raises(MalformedEnvelopeError, match="truncated"):
        load_bundle(store, cid, REF)


def test_a_bundle_longer_than_the_first_read_is_read_whole_and_checked(tmp_path: Path) -> None:
    """The attack: a bundle padded past the first 4096 bytes read, hoping the second read is
    skipped and the first bytes are parsed on their own."""
    store = LocalStore(str(tmp_path))
    crowd = {os.urandom(20): public_key_bytes(generate_private_key()) for _ in range(40)}
    readers = {READER_ADDRESS: public_key_bytes(READER), **crowd}

    def bundle_for(data_key: bytes) -> bytes:
        return build_key_bundle(data_key, REF, public_key_bytes(OWNER), readers).to_json()

    blob = bytes(encrypt_record(os.urandom(2 * CHUNK_SIZE), REF, bundle_for).blob)
    assert carried_size(blob) > 4096
    cid = store.add(blob)
    assert load_bundle(store, cid, REF).for_reader(READER_ADDRESS) is not None
    cut = store.add(blob[:4096])
    with pytest.raises(MalformedEnvelopeError, match="truncated"):
        load_bundle(store, cut, REF)


def test_a_raw_cid_with_a_file_roots_hash_is_not_the_file_in_the_embedded_store(
    tmp_path: Path,
) -> None:
    """The attack: name a multi-block record by a raw-codec CID with its root's multihash,
    hoping a store that finds blocks by hash serves the file (or its bundle) under it."""
    store = LocalStore(str(tmp_path))
    blob, _ = sealed(os.urandom(CHUNK_SIZE + 10))
    cid = CID.parse(store.add(blob))
    assert cid.codec != RAW and load_bundle(store, str(cid), REF) is not None
    raw = str(CID(1, RAW, cid.digest))
    with pytest.raises(ContentNotFoundError):
        store.head(raw, 4096)
    with pytest.raises(ContentNotFoundError):
        load_bundle(store, raw, REF)


# ------------------------------------------------------------ a dishonest IPFS node


@dataclass
class _Blocks:
    """What the fake node serves: blocks by CID string, an override per CID, and a budget."""

    blocks: dict[str, bytes] = field(default_factory=dict)
    lies: dict[str, bytes] = field(default_factory=dict)
    served: int = 0
    budget: int = 10_000

    def add(self, data: bytes, *, cid_version: int = 1) -> str:
        imported = import_file(data, cid_version=cid_version)
        for block in imported:
            self.blocks[str(block.cid)] = bytes(block.data)
        return str(imported[-1].cid)


class _Node(FakeNode):
    """block/get from _Blocks, as a dishonest node answers it (a lie when one is set)."""

    state: _Blocks

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlparse(self.path)
        if url.path != "/api/v0/block/get":
            self._answer(404, b"404 page not found")
            return
        state = type(self).state
        state.served += 1
        if state.served > state.budget:
            self._answer(500, json.dumps({"Message": "the test's block budget ran out"}).encode())
            return
        arg = parse_qs(url.query)["arg"][0]
        data = state.lies.get(arg, state.blocks.get(arg))
        if data is None:
            self._answer(500, json.dumps({"Message": "block not found"}).encode())
        else:
            self._answer(200, data)


@pytest.fixture
def node() -> Iterator[tuple[KuboStore, _Blocks]]:
    state = _Blocks()
    with serving(type("_ThisNode", (_Node,), {"state": state}), timeout=5.0) as store:
        yield store, state


def test_a_node_swapping_the_first_leaf_of_a_large_record_fails_the_prefix_read(
    node: tuple[KuboStore, _Blocks],
) -> None:
    """The attack: the root is honest (so the links are right) but the first leaf, which holds
    the header and its bundle, is the header of another blob carrying the attacker's bundle."""
    store, state = node
    blob, _ = sealed(os.urandom(2 * CHUNK_SIZE))
    cid = state.add(blob)
    assert load_bundle(store, cid, REF).for_reader(READER_ADDRESS) is not None  # honest
    first_leaf = next(c for c in state.blocks if CID.parse(c).codec == RAW)
    other, _ = sealed(os.urandom(CHUNK_SIZE))
    state.lies[first_leaf] = other[:CHUNK_SIZE]
    with pytest.raises(IntegrityError, match="another block"):
        load_bundle(store, cid, REF)


def test_a_node_answering_a_block_with_megabytes_of_other_bytes_is_refused(
    node: tuple[KuboStore, _Blocks],
) -> None:
    store, state = node
    blob, _ = sealed()
    cid = state.add(blob)
    state.lies[cid] = blob[:HEADER_SIZE_PREFIX] + os.urandom(8 * 1024 * 1024)
    with pytest.raises(StoreError, match="more than 2097152 bytes"):
        load_bundle(store, cid, REF)  # refused as it arrives, past the largest block


def test_a_cidv0_record_read_through_blocks_is_checked_as_dag_pb_not_as_its_content(
    node: tuple[KuboStore, _Blocks],
) -> None:
    """The attack: for a CIDv0 (dag-pb leaves, `ipfs add`'s default) the node answers the leaf
    with the file's bytes themselves (what the leaf holds), not the node that hashes to it."""
    store, state = node
    blob, _ = sealed()
    cid = state.add(blob, cid_version=0)
    assert cid.startswith("Qm")
    assert load_bundle(store, cid, REF).for_reader(READER_ADDRESS) is not None  # honest
    state.lies[cid] = blob
    with pytest.raises(IntegrityError, match="another block"):
        load_bundle(store, cid, REF)


def test_a_raw_cid_with_a_file_roots_hash_reads_the_node_never_the_record_on_a_node(
    node: tuple[KuboStore, _Blocks],
) -> None:
    """The same attack on an IPFS node, which does find blocks by hash: the raw CID's content
    is the root node's bytes (as IPFS defines it), never taken for the record's header."""
    store, state = node
    blob, _ = sealed(os.urandom(CHUNK_SIZE + 10))
    cid = CID.parse(state.add(blob))
    raw = str(CID(1, RAW, cid.digest))
    state.blocks[raw] = state.blocks[str(cid)]  # a node keys blocks by multihash
    assert not store.head(raw, 4096).startswith(b"HYGR")
    with pytest.raises(MalformedEnvelopeError):
        load_bundle(store, raw, REF)


def _empty_fanout(state: _Blocks, levels: int) -> str:
    """A DAG of `levels` dag-pb file nodes, each linking MAX_LINKS times to the one below, down
    to an empty raw leaf: a few hundred bytes of blocks, a file of no bytes whose walk visits
    MAX_LINKS ** levels leaves. Every block hashes to its CID."""
    child = CID.for_block(b"", version=1, codec=RAW)
    state.blocks[str(child)] = b""
    for _ in range(levels):
        data = encode_unixfs_file(b"", 0, [0] * MAX_LINKS)
        block = encode_node(Node([Link(child, 0)] * MAX_LINKS, data))
        child = CID.for_block(block, version=1, codec=DAG_PB)
        state.blocks[str(child)] = block
    return str(child)


def test_a_dag_of_empty_links_cannot_make_a_prefix_read_walk_without_end(
    node: tuple[KuboStore, _Blocks],
) -> None:
    """The attack: a record author anchors (as a record's key bundle CID) a file that is a
    three-level fan-out of nodes linking 174 times to the same child, down to an empty leaf.
    Every block is honest and hashes to its CID; the file has no bytes, so a reader that stops
    only once it has the bytes it asked for visits 174**3 (5.3 million) leaves, one block/get
    each, when the patient's SDK shares keys. The read must stop early (a named error), having
    asked the node for a handful of blocks."""
    store, state = node
    root = _empty_fanout(state, 3)
    state.budget = 2_000  # the test's own stop: the fake node refuses block/get after that
    with pytest.raises(StoreError, match="not laid out as a file"):
        load_bundle(store, root, REF)
    assert state.served <= 64, f"{state.served} block/get requests for a 4096-byte prefix"


def test_a_bundle_size_of_gigabytes_over_a_repeated_leaf_cannot_make_sharing_read_gigabytes(
    node: tuple[KuboStore, _Blocks],
) -> None:
    """The attack: a record author anchors a file of three distinct blocks (a root whose data is
    a format 2 header claiming a 4 GiB bundle, linking MAX_LINKS times to a node that links
    MAX_LINKS times to one 256 KiB leaf): a 7 GiB file for the price of 260 KiB. A patient's SDK
    sharing keys reads the first 4096 bytes, then as many as the size field claims: gigabytes,
    fetched and held in memory, for a bundle no SDK ever writes. The claimed size must be
    refused before it is read (the test's node stops after 200 blocks, 50 MiB)."""
    store, state = node
    leaf = b"x" * CHUNK_SIZE
    child = CID.for_block(leaf, version=1, codec=RAW)
    state.blocks[str(child)] = leaf
    header = b"HYGR" + bytes([BUNDLED_FORMAT_VERSION]) + os.urandom(12) + b"\xff" * 4
    for data, size in ((b"", CHUNK_SIZE), (header, CHUNK_SIZE * MAX_LINKS)):
        unixfs = encode_unixfs_file(data, len(data) + size * MAX_LINKS, [size] * MAX_LINKS)
        block = encode_node(Node([Link(child, size)] * MAX_LINKS, unixfs))
        child = CID.for_block(block, version=1, codec=DAG_PB)
        state.blocks[str(child)] = block
    state.budget = 200
    with pytest.raises(MalformedEnvelopeError, match="more than"):
        load_bundle(store, str(child), REF)
    assert state.served <= 64, f"{state.served} blocks of 256 KiB read for one key bundle"


# ------------------------------------------------------------ on a real chain


def assert_no_key_shared(world: World, granted: GrantResult, planted: Planted, why: str) -> None:
    """The grant went through (one planted record cannot stop a patient's grants), shared no
    key of the planted record, and says so."""
    assert granted.records_shared == 0
    (line,) = granted.records_unshared
    assert line.startswith(f"0x{planted.record_id.hex()} v1: ") and why in line
    assert granted.key_manifest_cid is not None
    manifest = GrantKeyManifest.from_json(world.store.cat(granted.key_manifest_cid))
    assert manifest.bundles == {}


def test_a_record_anchored_on_another_records_blob_opens_nothing_and_shares_nothing(
    world: World, victim: Patient
) -> None:
    """The attack: a provider anchors, as a record of its own making, the victim's private
    record's blob (its CID, its digest, its CID as the key bundle), hoping the victim's or a
    grantee's SDK takes that blob's bundle for the planted record's."""
    spy = world.address("specialist")
    private = victim.vault().put(victim.address, glucose(333), data_class="Observation")
    blob = world.store.cat(private.cid)
    planted = plant(world, victim, lambda ref: blob)
    assert planted.cid == private.cid

    with pytest.raises(MalformedEnvelopeError, match="another record version"):
        victim.vault().get(planted.record_id)
    granted = victim.consents().grant(victim.address, permit(world, spy, planted.record_id))
    assert_no_key_shared(world, granted, planted, "another record version")
    assert victim.vault().get(private.record_id).version == 1


def test_a_format_1_envelope_anchored_as_its_own_key_bundle_is_refused(
    world: World, victim: Patient
) -> None:
    """The attack: a format 1 envelope (no bundle) anchored with its own CID as key bundle CID,
    so that the reader's SDK looks for a bundle where there is only ciphertext."""
    planted = plant(world, victim, lambda ref: sealed(glucose(1), ref, bundled=False)[0])
    with pytest.raises(MalformedEnvelopeError, match="carries no key bundle"):
        victim.vault().get(planted.record_id)
    granted = victim.consents().grant(
        victim.address, permit(world, world.address("specialist"), planted.record_id)
    )
    assert_no_key_shared(world, granted, planted, "carries no key bundle")


def test_a_planted_owner_wrap_copied_from_another_record_cannot_make_the_patient_reshare_it(
    world: World, victim: Patient
) -> None:
    """The attack: the provider cannot read the victim's private record, but that record's
    bundle (in its header) is public. It plants a record whose own bundle carries, as the
    owner's wrap, the private record's owner wrap, then has the victim grant its accomplice
    access to the planted record: a patient's SDK that unwrapped that wrap without checking
    which record it belongs to would re-wrap the private record's data key for the accomplice.
    """
    accomplice = world.address("specialist")
    private = victim.vault().put(victim.address, glucose(444), data_class="Observation")
    owner = address_bytes(victim.address)
    private_ref = RecordRef(private.record_id, owner, 1)
    stolen = parse_bundle(world.store.cat(private.cid), private.cid, private_ref).for_reader(owner)
    assert stolen is not None

    def make(ref: RecordRef) -> bytes:
        record = encrypt_record(glucose(445), ref, lambda key: KeyBundle(ref, (stolen,)).to_json())
        return bytes(record.blob)

    planted = plant(world, victim, make)
    granted = victim.consents().grant(victim.address, permit(world, accomplice, planted.record_id))
    assert_no_key_shared(world, granted, planted, "KeyUnwrapError")
    with pytest.raises(KeyUnwrapError):
        victim.vault().get(planted.record_id)


def test_erasing_a_planted_record_does_not_destroy_the_record_whose_blob_it_names(
    world: World, victim: Patient
) -> None:
    """The attack: a provider with a COLLECT consent anchors a junk record whose CID (and key
    bundle CID) is the victim's own private record's blob. The victim, seeing a record it never
    asked for, erases it: erasure unpins every CID the junk record names, and the store's
    garbage collection then deletes the blob of the victim's real record, still anchored and
    live. Erasing one record must leave every other record readable."""
    private = victim.vault().put(victim.address, glucose(555), data_class="Observation")
    blob = world.store.cat(private.cid)
    planted = plant(world, victim, lambda ref: blob)

    report = victim.vault().erase(planted.record_id)
    assert report.kept == (planted.cid,) and report.unpinned == ()

    try:
        opened = victim.vault().get(private.record_id)
    except ContentNotFoundError as exc:
        pytest.fail(f"erasing the planted record destroyed the victim's record: {exc}")
    assert opened.record.resource["valueQuantity"]["value"] == 555


def test_a_header_only_file_is_no_readable_record_even_though_its_bundle_parses(
    world: World, victim: Patient
) -> None:
    """The attack: a provider anchors a format 2 header, bundle and all, without ciphertext or
    tag (digest and CID true to those bytes), which a header-only read takes for a bundle."""

    def make(ref: RecordRef) -> bytes:
        blob, _ = sealed(glucose(2), ref, owner=victim.key)
        return blob[: HEADER_SIZE_PREFIX + carried_size(blob)]

    planted = plant(world, victim, make)
    assert load_bundle(world.store, planted.cid, planted.ref) is not None
    with pytest.raises(MalformedEnvelopeError, match="truncated"):
        victim.vault().get(planted.record_id)
