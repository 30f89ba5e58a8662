"""The embedded content store: IPFS blocks in a folder, no daemon to set up.

Content is chunked by the same importer as Kubo's, so a record written here while no node runs can
later be pushed to any IPFS node (:func:`hygeia.core.store.base.push`) under the same CID. Each
write puts every new block in one pack file (:mod:`hygeia.core.store.pack`), written to ``tmp/``,
synced, then linked under each root it holds; mutations hold an exclusive ``flock``. So a crash or
a concurrent process never leaves a half-written block or loses one already stored.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from hygeia.core.errors import ContentNotFoundError, IntegrityError, StoreError
from hygeia.core.store.cid import CID, RAW, BytesLike
from hygeia.core.store.dagpb import Node, decode_node
from hygeia.core.store.pack import Pack, PackWriter, write_pack
from hygeia.core.store.unixfs import (
    Block,
    Content,
    ContentStream,
    import_file,
    import_stream,
    read_file,
)


def default_store_dir() -> Path:
    """``$XDG_DATA_HOME/hygeia/store``, falling back to ``~/.local/share/hygeia/store``."""
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "hygeia" / "store"


class LocalStore:
    """A :class:`~hygeia.core.store.base.ContentStore` in a local folder.

    Layout (a block's key is its multihash in base32, as Kubo's flatfs names blocks):

    - ``dags/<key>``: the pack holding the whole DAG under that root. One pack is written per
      add and linked (a hard link) under each root it holds.
    - ``pins/<cidv1>``: a recursive pin: one more link to the pinned DAG's pack, or an empty file
      for a DAG kept in ``blocks/``.
    - ``blocks/<xx>/<key>``: one file per block, sharded by the key's next-to-last two
      characters, as stores written before packs keep their content. Read, pinned and collected,
      never written.
    - ``tmp/`` (files being written) and ``lock``.

    Content is found by the root CIDs that ``add`` returned; a block inside a pack is not found
    by its own CID.
    """

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root).expanduser() if root is not None else default_store_dir()
        self._dags = self.root / "dags"
        self._blocks = self.root / "blocks"
        self._pins = self.root / "pins"
        self._tmp = self.root / "tmp"
        try:
            for folder in (self._dags, self._pins, self._tmp):
                folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the local store at {self.root}: {exc}") from exc

    def __repr__(self) -> str:
        return f"LocalStore({str(self.root)!r})"

    # --- ContentStore ------------------------------------------------------------------------

    def add(self, data: BytesLike, *, pin: bool = True) -> str:
        return self.add_all([data], pin=pin)[0]

    def add_all(self, contents: Sequence[Content], *, pin: bool = True) -> list[str]:
        # Bytes are chunked and hashed before the lock is taken; a stream as it is written.
        imported = [
            content if isinstance(content, ContentStream) else import_file(content)
            for content in contents
        ]
        with self._locked():
            pack = _NewPack(self._tmp)
            try:
                roots: list[CID] = []
                new: dict[CID, None] = {}
                for item in imported:
                    if isinstance(item, ContentStream):
                        root = import_stream(item, pack.add)  # written even if already here
                        if root not in new and not self._holds(root):
                            new[root] = None
                    else:
                        root = item[-1].cid
                        if root not in new and not self._holds(root):
                            for block in item:
                                pack.add(block)
                            new[root] = None
                    roots.append(root)
                pins = [root for root in dict.fromkeys(roots) if pin and not self._pinned(root)]
                self._publish(pack.sync() if new else None, list(new), pins)
            except OSError as exc:
                raise StoreError(f"cannot write to the local store at {self.root}: {exc}") from exc
            finally:
                pack.discard()
        return [str(root) for root in roots]

    def cat(self, cid: str) -> bytes:
        parsed = CID.parse(cid)
        with _Reader(self) as reader:
            return read_file(parsed, reader.block)

    def head(self, cid: str, size: int) -> bytes:
        parsed = CID.parse(cid)
        with _Reader(self) as reader:
            return read_file(parsed, reader.block, size)

    def pin(self, cid: str) -> None:
        parsed = CID.parse(cid)
        with self._locked():
            with _Reader(self) as reader:
                self._mark(parsed, set(), reader)  # ContentNotFoundError unless every block is here
            if not self._pinned(parsed):
                try:
                    self._publish(None, [], [parsed])
                except OSError as exc:
                    raise StoreError(
                        f"cannot write to the local store at {self.root}: {exc}"
                    ) from exc

    def unpin(self, cid: str) -> None:
        parsed = CID.parse(cid)
        with self._locked():
            self._pin_path(parsed).unlink(missing_ok=True)

    def has(self, cid: str) -> bool:
        return self._holds(CID.parse(cid))

    def pins(self) -> list[str]:
        return sorted(path.name for path in self._pins.iterdir())

    def close(self) -> None:
        """Nothing to release: every operation opens and closes its own files."""

    # --- garbage collection --------------------------------------------------------------------

    def gc(self) -> int:
        """Delete every block no pin reaches, and leftovers of interrupted writes.

        A pack none of whose roots is pinned is deleted; one that also holds blocks its pinned
        roots do not reach is written again without them, so no file keeps an unpinned record's
        bytes. Returns the number of blocks no longer stored. If a pinned DAG is missing a block,
        or one of its dag-pb nodes is corrupted, the error is raised before anything is deleted;
        a damaged pack that no pin needs is deleted like any other. A pack whose pinned content
        has a damaged leaf cannot be written again: it is left whole, everything else is
        collected, and then IntegrityError names it.
        """
        with self._locked():
            before = self._stored_keys()
            marked: set[tuple[int, str]] = set()
            pinned: set[str] = set()
            with _Reader(self) as reader:
                for pin in self._pins.iterdir():
                    cid = CID.parse(pin.name)
                    self._mark(cid, marked, reader)
                    pinned.add(pin.name)
            keep = {key for _, key in marked}
            damaged: list[Path] = []
            try:
                for links in self._packs().values():
                    if not self._collect_pack(links, pinned):
                        damaged.append(links[0])
                for path in self._blocks.glob("*/*"):
                    if path.name not in keep:
                        path.unlink()
                for leftover in self._tmp.iterdir():
                    leftover.unlink()
            except OSError as exc:
                raise StoreError(f"cannot collect the local store at {self.root}: {exc}") from exc
            if damaged:
                raise IntegrityError(
                    f"pinned content in {', '.join(map(str, damaged))} is damaged, so these "
                    "packs were not written again: what no pin reaches in them is still on disk"
                )
            return len(before - self._stored_keys())

    def _packs(self) -> dict[tuple[int, int], list[Path]]:
        """Every link to every pack (its roots in ``dags/``, its pins), grouped by pack."""
        links = list(self._dags.iterdir())
        links += [path for path in self._pins.iterdir() if path.stat().st_size > 0]
        names: dict[tuple[int, int], list[Path]] = {}
        for path in links:
            status = path.stat()
            names.setdefault((status.st_dev, status.st_ino), []).append(path)
        return names

    def _collect_pack(self, links: list[Path], pinned: set[str]) -> bool:
        """Delete a pack none of whose roots is pinned. Write a pack that also holds blocks its
        pinned roots do not reach (an unpinned root's, or those of a stream that was already
        stored) again without them, and move the links of its pinned roots to the new pack.
        Every link is named by its root's CIDv1, in ``dags/`` as in ``pins/``. False when a
        block the pinned roots need is damaged: the pack is then left whole, its unpinned roots
        unlinked."""
        kept = [path for path in links if path.name in pinned]
        folders: dict[Path, None] = {}
        fresh = None
        whole = True
        if kept:
            with Pack(kept[0]) as pack:
                reached: set[tuple[int, bytes]] = set()
                for name in dict.fromkeys(path.name for path in kept):
                    _reach(pack, CID.parse(name), reached)
                needed = {multihash for _, multihash in reached}
                multihashes = pack.multihashes()
                if len(needed) < len(multihashes):
                    try:
                        fresh = self._write_pack(
                            (multihash, pack.read(multihash))
                            for multihash in multihashes
                            if multihash in needed
                        )
                    except IntegrityError:
                        whole = False
        if fresh is not None:
            try:
                for path in kept:
                    alias = f"{fresh}.{path.parent.name}"
                    os.link(fresh, alias)
                    os.replace(alias, path)
                    folders[path.parent] = None
            finally:
                os.unlink(fresh)
        for path in links:
            if path.name not in pinned:
                path.unlink()
                folders[path.parent] = None
        _sync_all([str(folder) for folder in folders], _open_folder)
        return whole

    def _stored_keys(self) -> set[str]:
        """The key of every block stored: in ``blocks/`` and in every pack that can be read."""
        keys = {path.name for path in self._blocks.glob("*/*")}
        for links in self._packs().values():
            try:
                with Pack(links[0]) as pack:
                    keys.update(_key_of(multihash) for multihash in pack.multihashes())
            except IntegrityError:
                continue  # a damaged pack: none of its blocks can be read anyway
        return keys

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

    def _dag_path(self, cid: CID) -> Path:
        # Named by the CID, not the hash: a raw block with the bytes of a file's root node is
        # another root. One folder, as pins/: an add syncs two folders however many it links.
        return self._dags / str(cid.to_v1())

    def _block_path(self, cid: CID) -> Path:
        key = _block_key(cid)
        return self._blocks / key[-3:-1] / key  # flatfs's "next-to-last/2" sharding

    def _pin_path(self, cid: CID) -> Path:
        return self._pins / str(cid.to_v1())

    def _pack_path(self, root: CID) -> Path | None:
        """Where the pack of the DAG under `root` is linked: under its root or, if a crash lost
        that link before its folder was synced, under its pin."""
        path = self._dag_path(root)
        if path.exists():
            return path
        pin = self._pin_path(root)
        with contextlib.suppress(OSError):
            if pin.stat().st_size > 0:
                return pin
        return None

    def _holds(self, root: CID) -> bool:
        """Whether the whole DAG under `root` is here: in a pack (written whole), or in
        ``blocks/`` with every block present and every node readable (a collection cut short can
        have left a root without some of its children there)."""
        if self._pack_path(root) is not None:
            return True
        if not self._block_path(root).exists():
            return False
        try:
            with _Reader(self) as reader:
                self._mark(root, set(), reader)
        except (ContentNotFoundError, IntegrityError, StoreError):
            return False
        return True

    def _pinned(self, root: CID) -> bool:
        return self._pin_path(root).exists()

    def _publish(self, pack: str | None, roots: Sequence[CID], pins: Sequence[CID]) -> None:
        """Link the synced `pack` under each of `roots` and make `pins`, then sync the folders
        that received the links. A pin of a DAG kept in ``blocks/`` is an empty file.

        A crash leaves at worst a pack in ``tmp/`` (deleted by gc), or links to a pack that is
        whole and synced. If anything fails, the links made are removed and OSError raised.
        """
        linked: list[Path] = []
        staged: list[str] = []
        folders: dict[Path, None] = {}

        def link(source: str | Path, target: Path) -> None:
            os.link(source, target)
            linked.append(target)
            folders[target.parent] = None

        try:
            for root in roots:
                assert pack is not None
                link(pack, self._dag_path(root))
            for root in pins:
                source = self._pack_path(root)
                if source is None:
                    staged.append(self._write_pack(None))
                    link(staged[-1], self._pin_path(root))
                else:
                    link(source, self._pin_path(root))
            _sync_all([str(folder) for folder in folders], _open_folder)
        except OSError:
            for path in linked:
                with contextlib.suppress(OSError):
                    path.unlink()
            raise
        finally:
            for tmp in staged:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def _write_pack(self, blocks: Iterable[tuple[bytes, BytesLike]] | None) -> str:
        """A file in ``tmp/`` holding `blocks` as a pack (empty for None), synced; its path."""
        fd, tmp = tempfile.mkstemp(dir=self._tmp)
        try:
            with os.fdopen(fd, "wb") as handle:
                if blocks is not None:
                    write_pack(handle, blocks)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return tmp

    def _read_block(self, cid: CID) -> bytes:
        """A block of a store written before packs: one file in ``blocks/``."""
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

    def _read_node(self, cid: CID, reader: _Reader) -> Node:
        block = reader.block(cid)
        try:
            return decode_node(block)
        except ValueError as exc:
            raise StoreError(f"{cid} is not a valid dag-pb block: {exc}") from exc

    def _mark(self, cid: CID, marked: set[tuple[int, str]], reader: _Reader) -> None:
        """Add (codec, key) of every block of the DAG under ``cid`` to ``marked``: by codec too,
        as a raw block may have the hash of a dag-pb node whose children must still be walked."""
        mark = (cid.codec, _block_key(cid))
        if mark in marked:
            return
        if cid.codec == RAW:
            if not reader.holds(cid):
                raise ContentNotFoundError(f"{cid} is not in the local store at {self.root}")
        else:
            for link in self._read_node(cid, reader).links:
                self._mark(link.cid, marked, reader)
        marked.add(mark)


class _NewPack:
    """The pack an add writes in ``tmp/``: made at its first block, synced by :meth:`sync`."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._path: str | None = None
        self._handle: BinaryIO | None = None
        self._writer: PackWriter | None = None

    def add(self, block: Block) -> None:
        """Write `block` now (a stream's leaf is valid only during this call)."""
        if self._writer is None:
            fd, self._path = tempfile.mkstemp(dir=self._folder)
            self._handle = os.fdopen(fd, "wb")
            self._writer = PackWriter(self._handle)
        self._writer.add(block.cid.multihash, block.data)

    def sync(self) -> str:
        """Finish the pack and sync it to disk; its path."""
        assert self._writer is not None and self._handle is not None and self._path is not None
        self._writer.finish()
        self._handle.flush()
        os.fsync(self._handle.fileno())
        return self._path

    def discard(self) -> None:
        """Close the pack and remove it from ``tmp/`` (its links, if any, keep it)."""
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.close()
        if self._path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._path)


class _Reader:
    """Finds blocks for one operation: in the pack a node roots, in the packs it already opened,
    else in ``blocks/``. Keeps those packs open until it is closed."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store
        self._packs: list[Pack] = []
        self._by_path: dict[Path, Pack] = {}

    def __enter__(self) -> _Reader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for pack in self._packs:
            pack.close()

    def block(self, cid: CID) -> bytes:
        """The block under `cid`, checked against it."""
        pack = self._pack_of(cid)
        if pack is None:
            return self._store._read_block(cid)
        return self._read(pack, cid)

    def holds(self, cid: CID) -> bool:
        """Whether the block under `cid` is here, without reading it."""
        return self._pack_of(cid) is not None or self._store._block_path(cid).exists()

    def _pack_of(self, cid: CID) -> Pack | None:
        """The pack holding `cid`: for a node, the pack it roots first; then one already open;
        then the pack of `cid` as a root. A node's bytes can sit in another pack as a raw block
        of their own, without the node's children, so a node is first looked for where its
        children are."""
        if cid.codec != RAW and (own := self._root_pack(cid)) is not None:
            return own
        for pack in self._packs:
            if cid.multihash in pack:
                return pack
        return self._root_pack(cid) if cid.codec == RAW else None

    def _root_pack(self, cid: CID) -> Pack | None:
        """The pack linked under `cid` as a root, opened once per reader; None if there is none."""
        path = self._store._pack_path(cid)
        if path is None:
            return None
        if (pack := self._by_path.get(path)) is None:
            try:
                pack = Pack(path)
            except FileNotFoundError:
                return None  # collected since it was found: as if never there
            except OSError as exc:
                raise StoreError(f"cannot read {path}: {exc}") from exc
            self._packs.append(pack)
            self._by_path[path] = pack
        if cid.multihash not in pack:
            raise IntegrityError(f"the pack of {cid} does not hold it ({path})")
        return pack

    @staticmethod
    def _read(pack: Pack, cid: CID) -> bytes:
        try:
            return pack.read(cid.multihash)
        except IntegrityError:
            raise IntegrityError(f"block {cid} is corrupted on disk ({pack.path})") from None
        except OSError as exc:
            raise StoreError(f"cannot read {pack.path}: {exc}") from exc


def _reach(pack: Pack, cid: CID, reached: set[tuple[int, bytes]]) -> None:
    """Add (codec, multihash) of every block of the DAG under `cid` that `pack` holds to
    `reached`; by codec too, as in :meth:`LocalStore._mark`."""
    mark = (cid.codec, cid.multihash)
    if mark in reached or cid.multihash not in pack:
        return
    reached.add(mark)
    if cid.codec != RAW:
        try:
            node = decode_node(pack.read(cid.multihash))
        except ValueError as exc:
            raise StoreError(f"{cid} is not a valid dag-pb block: {exc}") from exc
        for link in node.links:
            _reach(pack, link.cid, reached)


def _block_key(cid: CID) -> str:
    return _key_of(cid.multihash)


def _key_of(multihash: bytes) -> str:
    return base64.b32encode(multihash).decode("ascii").lower().rstrip("=")


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
