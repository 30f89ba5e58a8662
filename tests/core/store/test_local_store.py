"""What only the embedded store does: blocks on disk, garbage collection, pushing to a node."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from hygeia.core.errors import ContentNotFoundError, IntegrityError, StoreError
from hygeia.core.store import KuboStore, LocalStore, push
from hygeia.core.store.unixfs import CHUNK_SIZE
from hygeia.dev.nodes.process import NodeProcess

MiB = 1024 * 1024


def chunk(label: str) -> bytes:
    return hashlib.shake_256(label.encode()).digest(CHUNK_SIZE)


def block_files(store: LocalStore) -> list[Path]:
    return sorted(store.root.glob("blocks/*/*"))


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
    (path,) = block_files(local_store)
    path.write_bytes(b"the tampered record")
    with pytest.raises(IntegrityError, match=cid):
        local_store.cat(cid)


def test_a_failed_write_keeps_stored_content_and_leaves_no_temp_files(
    local_store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = local_store.add(b"already stored")
    before = block_files(local_store)

    def disk_full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)  # the rename that publishes a block
    with pytest.raises(StoreError, match="No space left"):
        local_store.add(os.urandom(CHUNK_SIZE * 2))
    monkeypatch.undo()
    assert block_files(local_store) == before
    assert list((local_store.root / "tmp").iterdir()) == []
    assert local_store.cat(stored) == b"already stored"


def test_an_add_is_on_disk_when_it_returns_every_file_and_folder_synced(
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
    files = block_files(local_store) + sorted(local_store.root.glob("pins/*"))
    assert len(files) == 3 + 1 + 1 + 2  # three leaves, their root, the bundle, two pins
    tmp = local_store.root / "tmp"
    # every file was synced under tmp/ before it was moved into place, then its folder
    assert len([path for path in synced if Path(path).parent == tmp]) == len(files)
    assert {str(path.parent) for path in files} <= set(synced)
    assert [local_store.cat(cid) for cid in cids] == [envelope, bundle]


def test_a_failed_sync_publishes_nothing_and_leaves_no_temp_files(
    local_store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = local_store.add(b"already stored")
    before = block_files(local_store), local_store.pins()

    def disk_failed(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", disk_failed)
    with pytest.raises(StoreError, match="Input/output error"):
        local_store.add_all([os.urandom(CHUNK_SIZE * 2), b"bundle"])
    monkeypatch.undo()
    assert (block_files(local_store), local_store.pins()) == before
    assert list((local_store.root / "tmp").iterdir()) == []
    assert local_store.cat(stored) == b"already stored"


def test_a_failed_sync_is_raised_only_once_every_other_sync_has_ended(
    local_store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    ended: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.fstat(fd).st_size == 10:  # first in the list of syncs: the small content's block
            raise OSError(5, "Input/output error")
        time.sleep(0.3)
        real_fsync(fd)
        ended.append(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(StoreError, match="Input/output error"):
        local_store.add_all([os.urandom(10), os.urandom(20)])
    assert len(ended) == 3  # the other block and both pins, none still running on a removed file


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
    assert block_files(local_store) == []
