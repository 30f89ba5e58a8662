"""What only the embedded store does: packs on disk, garbage collection, pushing to a node."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from hygeia.core.errors import ContentNotFoundError, IntegrityError, InvalidInputError, StoreError
from hygeia.core.store import KuboStore, LocalStore, push
from hygeia.core.store.cid import CID, RAW
from hygeia.core.store.pack import Pack
from hygeia.core.store.unixfs import CHUNK_SIZE, import_file
from hygeia.dev.nodes.process import NodeProcess
from tests.core.store.streams import PieceStream

MiB = 1024 * 1024


def chunk(label: str) -> bytes:
    return hashlib.shake_256(label.encode()).digest(CHUNK_SIZE)


def stored_files(store: LocalStore) -> list[Path]:
    """Every file holding content, once each however many links it has: packs and old blocks."""
    seen: dict[int, Path] = {}
    for path in sorted(store.root.glob("dags/*")) + sorted(store.root.glob("pins/*")):
        if path.stat().st_size > 0:
            seen.setdefault(path.stat().st_ino, path)
    return sorted(seen.values()) + sorted(store.root.glob("blocks/*/*"))


def write_block_by_block(root: Path, data: bytes) -> str:
    """Store `data` pinned as stores written before packs did: a file per block, an empty pin."""
    blocks = import_file(data)
    for block in blocks:
        key = base64.b32encode(block.cid.multihash).decode().lower().rstrip("=")
        path = root / "blocks" / key[-3:-1] / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(block.data)
    cid = str(blocks[-1].cid)
    (root / "pins").mkdir(parents=True, exist_ok=True)
    (root / "pins" / cid).touch()
    return cid


def test_gc_deletes_unpinned_content_and_keeps_pinned_content(local_store: LocalStore) -> None:
    kept = os.urandom(MiB)
    kept_cid = local_store.add(kept)
    dropped = local_store.add(os.urandom(MiB))
    local_store.unpin(dropped)
    assert local_store.gc() == 5  # the four 256 KiB chunks of the dropped file and their root
    assert local_store.cat(kept_cid) == kept
    assert not local_store.has(dropped)
    with pytest.raises(ContentNotFoundError):
        local_store.cat(dropped)


def test_gc_keeps_blocks_shared_with_pinned_content(local_store: LocalStore) -> None:
    pinned = local_store.add(chunk("shared") + chunk("a"))
    unpinned = local_store.add(chunk("shared") + chunk("b"), pin=False)
    assert local_store.gc() == 2  # the root and the "b" chunk of the unpinned file
    assert local_store.cat(pinned) == chunk("shared") + chunk("a")
    assert not local_store.has(unpinned)


def test_pins_and_content_survive_reopening_the_store(local_store: LocalStore) -> None:
    cid = local_store.add(b"record")
    reopened = LocalStore(local_store.root)
    assert reopened.pins() == [cid]
    assert reopened.cat(cid) == b"record"


def test_a_corrupted_block_on_disk_raises_integrity_error(local_store: LocalStore) -> None:
    cid = local_store.add(b"the original record")
    (pack,) = stored_files(local_store)
    pack.write_bytes(pack.read_bytes().replace(b"the original record", b"the tampered record"))
    with pytest.raises(IntegrityError, match=cid):
        local_store.cat(cid)


def test_a_failed_write_keeps_stored_content_and_leaves_no_temp_files(
    local_store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = local_store.add(b"already stored")
    before = stored_files(local_store), local_store.pins()
    links: list[str] = []
    real_link = os.link

    def disk_full_on_the_second_link(src: str, dst: str) -> None:
        if links:
            raise OSError(28, "No space left on device")
        real_link(src, dst)
        links.append(dst)

    monkeypatch.setattr(os, "link", disk_full_on_the_second_link)  # the links that publish
    with pytest.raises(StoreError, match="No space left"):
        local_store.add(os.urandom(CHUNK_SIZE * 2))
    monkeypatch.undo()
    assert links and not Path(links[0]).exists()  # the link made before the failure is undone
    assert (stored_files(local_store), local_store.pins()) == before
    assert list((local_store.root / "tmp").iterdir()) == []
    assert local_store.cat(stored) == b"already stored"


def test_an_add_is_one_pack_linked_under_each_root_and_pin_and_on_disk_when_it_returns(
    local_store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    envelope, bundle = os.urandom(CHUNK_SIZE * 2 + 33), b"key bundle"
    cids = local_store.add_all([envelope, bundle])
    monkeypatch.undo()
    (pack,) = stored_files(local_store)
    links = sorted(local_store.root.glob("dags/*")) + sorted(local_store.root.glob("pins/*"))
    assert len(links) == 4 and pack.stat().st_nlink == 4  # under both roots and both pins
    assert all(link.samefile(pack) for link in links)
    # the pack was synced in tmp/ before it was linked, then every folder that got a link
    tmp = local_store.root / "tmp"
    assert len([path for path in synced if Path(path).parent == tmp]) == 1
    assert {str(link.parent) for link in links} <= set(synced)
    assert [local_store.cat(cid) for cid in cids] == [envelope, bundle]


def test_content_already_stored_is_not_written_again(local_store: LocalStore) -> None:
    data = os.urandom(CHUNK_SIZE + 1)
    cid = local_store.add(data, pin=False)
    assert local_store.add_all([data, data]) == [cid, cid]
    (pack,) = stored_files(local_store)
    assert pack.stat().st_nlink == 2  # its root and the pin added by the second add
    assert local_store.pins() == [cid]


def test_a_stream_is_read_once_as_it_is_written_into_the_pack(local_store: LocalStore) -> None:
    stream = PieceStream(os.urandom(3 * CHUNK_SIZE + 5))
    (cid,) = local_store.add_all([stream])
    assert stream.passes == 1
    assert local_store.cat(cid) == stream.data


def test_gc_drops_the_blocks_of_a_stream_stored_again_from_the_pack_it_shares(
    local_store: LocalStore,
) -> None:
    again = os.urandom(CHUNK_SIZE + 3)
    local_store.add(again)
    stream_cid, new_cid = local_store.add_all([PieceStream(again), b"new content"])
    # The stream's blocks were written before its root showed it was already stored.
    (shared,) = [path for path in stored_files(local_store) if b"new content" in path.read_bytes()]
    assert len(Pack(shared).multihashes()) == 4  # its two leaves and root, and the new content
    assert local_store.gc() == 0  # every block is still stored in the first pack
    (shared,) = [path for path in stored_files(local_store) if b"new content" in path.read_bytes()]
    assert len(Pack(shared).multihashes()) == 1
    assert local_store.cat(stream_cid) == again
    assert local_store.cat(new_cid) == b"new content"


def test_a_stream_that_breaks_its_contract_leaves_nothing_behind(local_store: LocalStore) -> None:
    stored = local_store.add(b"already stored")
    before = stored_files(local_store), local_store.pins()
    bad = PieceStream(os.urandom(CHUNK_SIZE + 10), piece_sizes=[10, CHUNK_SIZE])
    with pytest.raises(InvalidInputError, match="after its last"):
        local_store.add_all([b"beside it", bad])
    assert (stored_files(local_store), local_store.pins()) == before
    assert list((local_store.root / "tmp").iterdir()) == []
    assert local_store.cat(stored) == b"already stored"


def test_a_failed_sync_publishes_nothing_and_leaves_no_temp_files(
    local_store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = local_store.add(b"already stored")
    before = stored_files(local_store), local_store.pins()

    def disk_failed(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", disk_failed)
    with pytest.raises(StoreError, match="Input/output error"):
        local_store.add_all([os.urandom(CHUNK_SIZE * 2), b"bundle"])
    monkeypatch.undo()
    assert (stored_files(local_store), local_store.pins()) == before
    assert list((local_store.root / "tmp").iterdir()) == []
    assert local_store.cat(stored) == b"already stored"


def test_a_failed_folder_sync_is_raised_only_once_every_other_sync_has_ended(
    local_store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    contents = [os.urandom(10), os.urandom(20)]
    ended: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        path = os.readlink(f"/proc/self/fd/{fd}")
        if path == str(local_store.root / "pins"):
            raise OSError(5, "Input/output error")
        if Path(path).is_dir():
            time.sleep(0.3)
        real_fsync(fd)
        ended.append(path)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(StoreError, match="Input/output error"):
        local_store.add_all(contents)
    monkeypatch.undo()
    assert str(local_store.root / "dags") in ended  # not still running when the error is raised
    assert local_store.pins() == []
    assert stored_files(local_store) == []


def test_gc_rewrites_a_pack_it_shares_so_no_byte_of_unpinned_content_stays_on_disk(
    local_store: LocalStore,
) -> None:
    secret = b"ciphertext of an erased record " * 20_000  # 620,000 bytes: three leaves
    kept = b"key bundle of another record"
    secret_cid, kept_cid = local_store.add_all([secret, kept])
    local_store.unpin(secret_cid)
    assert local_store.gc() == 4  # the secret's three leaves and its root
    assert local_store.cat(kept_cid) == kept
    assert not local_store.has(secret_cid)
    for path in local_store.root.rglob("*"):
        assert not path.is_file() or b"erased record" not in path.read_bytes(), path
    (pack,) = stored_files(local_store)
    assert pack.stat().st_nlink == 2  # the kept root and its pin, moved to the new pack


def test_a_store_written_block_by_block_is_read_pinned_and_collected(tmp_path: Path) -> None:
    old = os.urandom(CHUNK_SIZE * 2 + 9)
    old_cid = write_block_by_block(tmp_path / "store", old)
    store = LocalStore(tmp_path / "store")
    assert store.has(old_cid) and store.pins() == [old_cid]
    assert store.cat(old_cid) == old
    new_cid = store.add(b"written as a pack")
    store.unpin(old_cid)
    store.pin(old_cid)  # an empty pin again: its blocks are not in a pack
    assert (tmp_path / "store" / "pins" / old_cid).stat().st_size == 0
    assert store.gc() == 0
    store.unpin(old_cid)
    assert store.gc() == 4  # its three leaves and its root
    assert list((tmp_path / "store").glob("blocks/*/*")) == []
    assert store.cat(new_cid) == b"written as a pack"
    with pytest.raises(ContentNotFoundError):
        store.cat(old_cid)


def test_a_pin_whose_root_link_a_crash_lost_still_reads_and_survives_gc(
    local_store: LocalStore,
) -> None:
    data = os.urandom(CHUNK_SIZE + 5)
    cid = local_store.add(data)
    for link in local_store.root.glob("dags/*"):
        link.unlink()  # as if the crash came before the root's folder was synced
    assert local_store.has(cid)
    assert local_store.cat(cid) == data
    assert local_store.gc() == 0
    assert local_store.cat(cid) == data


def test_a_pinned_dag_with_a_corrupted_node_stops_gc_before_it_deletes_anything(
    local_store: LocalStore,
) -> None:
    data = os.urandom(CHUNK_SIZE + 1)
    pinned = local_store.add(data)
    dropped = local_store.add(b"the dropped record", pin=False)
    root = import_file(data)[-1].data
    pack = next(path for path in stored_files(local_store) if root in path.read_bytes())
    damaged = bytearray(root)
    damaged[-1] ^= 1
    pack.write_bytes(pack.read_bytes().replace(root, damaged))
    with pytest.raises(IntegrityError, match=pinned):
        local_store.gc()
    assert local_store.has(dropped)


def test_a_forked_child_adds_with_sync_threads_of_its_own(local_store: LocalStore) -> None:
    local_store.add(os.urandom(CHUNK_SIZE * 3))  # the parent's sync threads, idle now
    child = os.fork()
    if child == 0:
        # The parent's threads do not exist here: syncs left to them would never run.
        ok = False
        try:
            data = os.urandom(CHUNK_SIZE * 3)
            ok = local_store.cat(local_store.add(data)) == data
        finally:
            os._exit(0 if ok else 1)  # never back into pytest
    deadline = time.monotonic() + 30
    while (done := os.waitpid(child, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    if done[0] == 0:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        pytest.fail("the forked child's add did not return within 30 s")
    assert os.waitstatus_to_exitcode(done[1]) == 0


def test_content_stored_offline_is_pushed_to_a_node_under_the_same_cid(
    local_store: LocalStore, kubo_store: KuboStore
) -> None:
    data = os.urandom(CHUNK_SIZE * 3 + 5)
    cid = local_store.add(data)
    assert not kubo_store.has(cid)
    assert push(cid, local_store, kubo_store) == cid
    assert kubo_store.cat(cid) == data
    assert cid in kubo_store.pins()


def test_push_refuses_content_whose_cid_add_cannot_reproduce(
    ipfs_node: NodeProcess, kubo_store: KuboStore, local_store: LocalStore
) -> None:
    answer = httpx.post(
        f"{ipfs_node.url}/api/v0/add",
        params={"cid-version": "0"},
        files={"file": ("data", os.urandom(1000), "application/octet-stream")},
    )
    cidv0 = json.loads(answer.text)["Hash"]
    with pytest.raises(StoreError, match="import settings"):
        push(cidv0, kubo_store, local_store)
    assert local_store.pins() == []
    assert stored_files(local_store) == []


def test_a_raw_block_with_the_bytes_of_a_files_root_node_is_kept_apart_from_the_file(
    local_store: LocalStore,
) -> None:
    data = os.urandom(CHUNK_SIZE + 7)
    root_node = bytes(import_file(data)[-1].data)  # the same hash as the file's root
    node_cid = local_store.add(root_node)
    file_cid = local_store.add(data)  # not taken for stored: the node's link is another root's
    assert local_store.cat(file_cid) == data
    local_store.unpin(node_cid)
    local_store.pin(file_cid)
    local_store.gc()
    assert local_store.cat(file_cid) == data
    assert not local_store.has(node_cid)


def test_pinning_a_raw_cid_with_a_pinned_files_root_hash_cannot_make_gc_drop_the_file(
    local_store: LocalStore,
) -> None:
    data = os.urandom(2 * CHUNK_SIZE)
    file_cid = local_store.add(data)
    raw_twin = str(CID(1, RAW, CID.parse(file_cid).digest))
    with pytest.raises(ContentNotFoundError):
        local_store.pin(raw_twin)  # no raw content of those bytes was ever stored
    assert local_store.gc() == 0
    assert local_store.cat(file_cid) == data


def test_a_store_block_by_block_whose_dag_lost_a_leaf_is_not_taken_for_whole_and_is_repaired(
    tmp_path: Path,
) -> None:
    data = os.urandom(2 * CHUNK_SIZE + 9)
    cid = write_block_by_block(tmp_path / "store", data)
    (tmp_path / "store" / "pins" / cid).unlink()
    leaf = sorted((tmp_path / "store").glob("blocks/*/*"), key=lambda p: p.stat().st_size)[-1]
    leaf.unlink()  # as a collection cut short could leave it
    store = LocalStore(tmp_path / "store")
    assert not store.has(cid)
    assert store.add(data) == cid  # written whole again, into a pack
    assert store.cat(cid) == data
    store.gc()
    assert store.cat(cid) == data


def test_a_damaged_pack_no_pin_needs_does_not_stop_gc(local_store: LocalStore) -> None:
    kept = local_store.add(b"kept record")
    dropped = local_store.add(b"dropped record", pin=False)
    pack = next(path for path in stored_files(local_store) if b"dropped" in path.read_bytes())
    pack.write_bytes(pack.read_bytes()[:-5])  # its trailer cut short
    local_store.gc()
    assert not local_store.has(dropped)
    assert local_store.cat(kept) == b"kept record"


def test_gc_keeps_a_pinned_file_whole_beside_a_raw_block_with_its_roots_bytes(
    tmp_path: Path,
) -> None:
    # Which root gc walks first follows the folder's order: several stores meet both orders.
    for trial in range(12):
        store = LocalStore(tmp_path / f"store-{trial}")
        data = os.urandom(2 * CHUNK_SIZE + trial)
        root_node = bytes(import_file(data)[-1].data)
        store.add_all([root_node, b"unpinned neighbour", data])
        store.unpin(str(import_file(b"unpinned neighbour")[-1].cid))
        store.gc()
        assert store.cat(str(import_file(data)[-1].cid)) == data, trial
        assert store.cat(str(import_file(root_node)[-1].cid)) == root_node, trial


def test_gc_keeps_a_pinned_file_whole_when_another_pack_holds_its_roots_bytes_as_a_raw_block(
    tmp_path: Path,
) -> None:
    """The raw block's pack must not stand in for the file's own: it lacks the file's leaves."""
    for trial in range(12):
        store = LocalStore(tmp_path / f"store-{trial}")
        data = os.urandom(2 * CHUNK_SIZE + trial)
        root_node = bytes(import_file(data)[-1].data)
        node_cid = store.add_all([b"a neighbour", root_node])[1]
        file_cid = store.add_all([b"", data])[1]
        store.gc()
        assert store.cat(file_cid) == data, trial
        assert store.head(file_cid, CHUNK_SIZE + 1) == data[: CHUNK_SIZE + 1], trial
        assert store.cat(node_cid) == root_node, trial


def test_gc_keeps_a_file_stored_block_by_block_whole_beside_a_raw_block_with_its_roots_bytes(
    tmp_path: Path,
) -> None:
    for trial in range(12):
        data = os.urandom(2 * CHUNK_SIZE + trial)
        cid = write_block_by_block(tmp_path / f"store-{trial}", data)
        store = LocalStore(tmp_path / f"store-{trial}")
        store.add(bytes(import_file(data)[-1].data))  # its block file is the root's file
        store.gc()
        assert store.cat(cid) == data, trial


def test_gc_collects_everything_else_then_names_a_pack_whose_pinned_leaf_is_damaged(
    local_store: LocalStore,
) -> None:
    leaf = os.urandom(CHUNK_SIZE)
    damaged_cid, erased = local_store.add_all([leaf + b"tail", b"erased record"])
    elsewhere = local_store.add(b"unpinned elsewhere", pin=False)
    local_store.unpin(erased)
    pack = next(path for path in stored_files(local_store) if b"erased record" in path.read_bytes())
    pack.write_bytes(pack.read_bytes().replace(leaf[:64], bytes(64)))
    with pytest.raises(IntegrityError, match="damaged"):
        local_store.gc()
    assert not local_store.has(erased) and not local_store.has(elsewhere)
    assert local_store.pins() == [damaged_cid]
    assert list((local_store.root / "tmp").iterdir()) == []
