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
from collections.abc import Iterator
from pathlib import Path

from hygeia.core.errors import ContentNotFoundError, IntegrityError, StoreError
from hygeia.core.store.cid import CID, RAW
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

    def add(self, data: bytes, *, pin: bool = True) -> str:
        blocks = import_file(data)
        root = blocks[-1].cid
        with self._locked():
            for block in blocks:  # children before parents: a present root means a full DAG
                path = self._block_path(block.cid)
                if not path.exists():
                    self._write_atomic(path, block.data)
            if pin:
                self._write_atomic(self._pin_path(root), b"")
        return str(root)

    def cat(self, cid: str) -> bytes:
        out = bytearray()
        self._read_file(CID.parse(cid), out)
        return bytes(out)

    def pin(self, cid: str) -> None:
        parsed = CID.parse(cid)
        with self._locked():
            self._mark(parsed, set())  # ContentNotFoundError unless every block is here
            self._write_atomic(self._pin_path(parsed), b"")

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

    def _write_atomic(self, path: Path, data: bytes) -> None:
        tmp: str | None = None
        try:
            path.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self._tmp)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise StoreError(
                f"cannot write {path.name} to the local store at {self.root}: {exc}"
            ) from exc

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
