"""The embedded content store: IPFS blocks in a folder, no daemon to set up.

Content is chunked by the same importer as Kubo's and kept block by block, keyed by multihash as
Kubo's flatfs does, so a record written here while no node runs can later be pushed to any IPFS
node (:func:`hygeia.core.store.base.push`) under the same CID. Every file is written to ``tmp/`` and
moved into place with ``os.replace``, and mutations hold an exclusive ``flock``, so a crash or a
concurrent process never leaves a half-written block or loses one already stored.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from hygeia.core.errors import ContentNotFoundError, IntegrityError, StoreError
from hygeia.core.store.cid import CID, RAW, BytesLike
from hygeia.core.store.dagpb import UNIXFS_FILE, UNIXFS_RAW, Node, decode_node, decode_unixfs
from hygeia.core.store.unixfs import import_file


def default_store_dir() -> Path:
    """``$XDG_DATA_HOME/hygeia/store``, falling back to ``~/.local/share/hygeia/store``."""
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "hygeia" / "store"


class LocalStore:
    """A :class:`~hygeia.core.store.base.ContentStore` in a local folder.

    Layout: ``blocks/<xx>/<multihash>`` (one file per block), ``pins/<cidv1>`` (one empty file
    per recursive pin), ``tmp/`` (files being written), ``lock``.
    """

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root).expanduser() if root is not None else default_store_dir()
        self._blocks = self.root / "blocks"
        self._pins = self.root / "pins"
        self._tmp = self.root / "tmp"
        try:
            for folder in (self._blocks, self._pins, self._tmp):
                folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the local store at {self.root}: {exc}") from exc

    def __repr__(self) -> str:
        return f"LocalStore({str(self.root)!r})"

    # --- ContentStore ------------------------------------------------------------------------

    def add(self, data: BytesLike, *, pin: bool = True) -> str:
        return self.add_all([data], pin=pin)[0]

    def add_all(self, contents: Sequence[BytesLike], *, pin: bool = True) -> list[str]:
        files = [import_file(data) for data in contents]
        roots = [blocks[-1].cid for blocks in files]
        with self._locked():
            writes: dict[Path, bytes | memoryview] = {}
            for blocks in files:
                for block in blocks:
                    path = self._block_path(block.cid)
                    if not path.exists():
                        writes[path] = block.data
            if pin:
                writes.update((self._pin_path(root), b"") for root in roots)
            self._write_durably(writes)
        return [str(root) for root in roots]

    def cat(self, cid: str) -> bytes:
        out = bytearray()
        self._read_file(CID.parse(cid), out)
        return bytes(out)

    def pin(self, cid: str) -> None:
        parsed = CID.parse(cid)
        with self._locked():
            self._mark(parsed, set())  # ContentNotFoundError unless every block is here
            self._write_durably({self._pin_path(parsed): b""})

    def unpin(self, cid: str) -> None:
        parsed = CID.parse(cid)
        with self._locked():
            self._pin_path(parsed).unlink(missing_ok=True)

    def has(self, cid: str) -> bool:
        return self._block_path(CID.parse(cid)).exists()

    def pins(self) -> list[str]:
        return sorted(path.name for path in self._pins.iterdir())

    def close(self) -> None:
        """Nothing to release: every operation opens and closes its own files."""

    # --- garbage collection --------------------------------------------------------------------

    def gc(self) -> int:
        """Delete every block no pin reaches, and leftovers of interrupted writes.

        Returns the number of blocks deleted. If a pinned DAG is missing a block, or one of its
        dag-pb nodes is corrupted, the error is raised before anything is deleted.
        """
        with self._locked():
            keep: set[str] = set()
            for pin in self._pins.iterdir():
                self._mark(CID.parse(pin.name), keep)
            removed = 0
            for path in self._blocks.glob("*/*"):
                if path.name not in keep:
                    path.unlink()
                    removed += 1
            for leftover in self._tmp.iterdir():
                leftover.unlink()
        return removed

    # --- internals ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialize writers and the collector, across threads and processes."""
        with open(self.root / "lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @staticmethod
    def _block_key(cid: CID) -> str:
        return base64.b32encode(cid.multihash).decode("ascii").lower().rstrip("=")

    def _block_path(self, cid: CID) -> Path:
        key = self._block_key(cid)
        return self._blocks / key[-3:-1] / key  # flatfs's "next-to-last/2" sharding

    def _pin_path(self, cid: CID) -> Path:
        return self._pins / str(cid.to_v1())

    def _write_durably(self, writes: Mapping[Path, bytes | memoryview]) -> None:
        """Write every file in ``writes`` to ``tmp/``, sync them, move them into place, and sync
        the folders that received them, so they are all on disk when this returns.

        In dict order (children before parents): a crash leaves at worst some blocks without
        their root, never a root or a pin whose blocks are missing. The syncs run on threads
        because each waits for the disk: concurrent ones share the filesystem's journal commits
        (ext4, XFS) instead of paying one commit per block.
        """
        if not writes:
            return
        staged: list[tuple[str, Path]] = []
        try:
            for path, data in writes.items():
                fd, tmp = tempfile.mkstemp(dir=self._tmp)
                staged.append((tmp, path))
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
            _sync_all([tmp for tmp, _ in staged], _open_file)
            folders: dict[Path, None] = {}
            for tmp, path in staged:
                if not path.parent.is_dir():
                    path.parent.mkdir()
                    folders[path.parent.parent] = None
                os.replace(tmp, path)
                folders[path.parent] = None
            staged.clear()
            _sync_all([str(folder) for folder in folders], _open_folder)
        except OSError as exc:
            for tmp, _ in staged:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise StoreError(f"cannot write to the local store at {self.root}: {exc}") from exc

    def _read_block(self, cid: CID) -> bytes:
        path = self._block_path(cid)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ContentNotFoundError(f"{cid} is not in the local store at {self.root}") from None
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {exc}") from exc
        if hashlib.sha256(data).digest() != cid.digest:
            raise IntegrityError(f"block {cid} is corrupted on disk ({path})")
        return data

    def _read_node(self, cid: CID) -> Node:
        block = self._read_block(cid)
        try:
            return decode_node(block)
        except ValueError as exc:
            raise StoreError(f"{cid} is not a valid dag-pb block: {exc}") from exc

    def _read_file(self, cid: CID, out: bytearray) -> None:
        """Append the file content under ``cid`` to ``out``, checking every block's hash."""
        if cid.codec == RAW:
            out += self._read_block(cid)
            return
        node = self._read_node(cid)
        try:
            kind, data = decode_unixfs(node.data or b"")
        except ValueError as exc:
            raise StoreError(f"{cid} is not a UnixFS file: {exc}") from exc
        if kind not in (UNIXFS_FILE, UNIXFS_RAW):
            raise StoreError(f"{cid} is not a file (UnixFS type {kind})")
        out += data
        for link in node.links:
            self._read_file(link.cid, out)

    def _mark(self, cid: CID, keep: set[str]) -> None:
        """Add the keys of every block of the DAG under ``cid`` to ``keep``."""
        key = self._block_key(cid)
        if key in keep:
            return
        if cid.codec == RAW:
            if not self._block_path(cid).exists():
                raise ContentNotFoundError(f"{cid} is not in the local store at {self.root}")
        else:
            for link in self._read_node(cid).links:
                self._mark(link.cid, keep)
        keep.add(key)


# More threads than this gain nothing: the syncs already share journal commits.
_SYNC_THREADS = 32


def _new_sync_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=_SYNC_THREADS, thread_name_prefix="hygeia-store-sync")


# One pool for the process: starting threads for every round of syncs cost ~0.7 ms a round,
# as much as hashing 1 MiB. A forked child gets a new one: the parent's threads are not in it.
_sync_pool = _new_sync_pool()


def _renew_sync_pool() -> None:
    global _sync_pool
    _sync_pool = _new_sync_pool()


os.register_at_fork(after_in_child=_renew_sync_pool)


def _open_file(path: str) -> int:
    return os.open(path, os.O_RDONLY)


def _open_folder(path: str) -> int:
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY)


def _sync(path: str, opener: Callable[[str], int]) -> None:
    fd = opener(path)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_all(paths: Sequence[str], opener: Callable[[str], int]) -> None:
    """``fsync`` every path; several at once, as concurrent syncs share the disk's flushes."""
    if len(paths) == 1:
        _sync(paths[0], opener)
        return
    syncs = [_sync_pool.submit(_sync, path, opener) for path in paths]
    wait(syncs)  # all of them, so none still runs on a file the caller then removes
    for done in syncs:
        done.result()  # re-raises the first OSError
