"""A UnixFS file importer that gives the same CIDs as Kubo's ``ipfs add``.

Kubo's defaults are reproduced: fixed 256 KiB chunks and a balanced DAG of at most 174 links per
node, with either dag-pb leaves and CIDv0 (``ipfs add``) or raw leaves and CIDv1
(``ipfs add --cid-version=1``, which implies ``--raw-leaves``). Computing the CID locally lets the
SDK check what any node sends back (:func:`verify`) and store records offline under the CID an
IPFS node will later give them. Libraries that hash a file as one raw block (``ipfs-cid``,
``multiformats``) agree with IPFS only up to 256 KiB.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from hygeia.core.errors import IntegrityError, InvalidInputError, StoreError
from hygeia.core.store.cid import CID, DAG_PB, RAW, BytesLike, byte_view
from hygeia.core.store.dagpb import (
    UNIXFS_FILE,
    UNIXFS_RAW,
    Link,
    Node,
    decode_node,
    decode_unixfs,
    encode_node,
    encode_unixfs_file,
)

CHUNK_SIZE = 256 * 1024
MAX_LINKS = 174
#: Levels of nodes above the leaves that a prefix read allows per chunk: Kubo's balanced layout
#: holds 174^7 chunks (far beyond any file) under seven levels.
MAX_DEPTH = 8


@runtime_checkable
class ContentStream(Protocol):
    """Content made a piece at a time, so that it is never in memory whole (a sealed record).

    ``chunks(n)`` yields the content in consecutive pieces of ``n`` bytes, the last one shorter
    (one empty piece for empty content). A piece may be a buffer the next one overwrites, so it
    is valid only until the next is asked for. Each call yields the same bytes again.
    """

    @property
    def size(self) -> int:
        """The length of the content in bytes."""
        ...

    def chunks(self, size: int) -> Iterator[BytesLike]:
        """The content in pieces of `size` bytes."""
        ...


#: What the stores take: bytes in memory, or a stream made as the store reads it.
Content = BytesLike | ContentStream


def whole(content: Content) -> BytesLike:
    """The bytes of `content`: itself, or the pieces of a stream joined in one buffer."""
    if not isinstance(content, ContentStream):
        return content
    out = bytearray(content.size)
    position = 0
    for piece in content.chunks(CHUNK_SIZE):
        view = byte_view(piece)
        out[position : position + len(view)] = view
        position += len(view)
    if position != content.size:
        raise InvalidInputError(f"a stream of {content.size} bytes gave {position}")
    return out


@dataclass(frozen=True)
class Block:
    """One block of a DAG: its CID and its exact bytes.

    A raw leaf's ``data`` is a view into the imported content, which must not change while the
    block is in use.
    """

    cid: CID
    data: bytes | memoryview


@dataclass(frozen=True)
class _Subtree:
    """A finished part of the DAG, as its parent needs to link to it."""

    cid: CID
    tsize: int  # bytes of all blocks below and including this one (dag-pb ``Tsize``)
    filesize: int  # bytes of file content it holds (UnixFS ``blocksizes``)


class _Importer:
    def __init__(self, cid_version: int, raw_leaves: bool, emit: Callable[[Block], None]) -> None:
        self.cid_version = cid_version
        self.raw_leaves = raw_leaves
        self.emit = emit

    def _emit(self, data: bytes | memoryview, codec: int, tsize: int, filesize: int) -> _Subtree:
        cid = CID.for_block(data, version=self.cid_version, codec=codec)
        self.emit(Block(cid, data))
        return _Subtree(cid, tsize, filesize)

    def root(self, level: list[_Subtree]) -> CID:
        """Link the leaves in `level` up to one root: Kubo's balanced layout."""
        while len(level) > 1:
            level = [self.parent(level[i : i + MAX_LINKS]) for i in range(0, len(level), MAX_LINKS)]
        return level[0].cid

    def leaf(self, chunk: memoryview) -> _Subtree:
        if self.raw_leaves:
            return self._emit(chunk, RAW, len(chunk), len(chunk))
        encoded = encode_node(Node(data=encode_unixfs_file(chunk, len(chunk), [])))
        return self._emit(encoded, DAG_PB, len(encoded), len(chunk))

    def parent(self, children: list[_Subtree]) -> _Subtree:
        filesize = sum(child.filesize for child in children)
        unixfs = encode_unixfs_file(b"", filesize, [child.filesize for child in children])
        links = [Link(child.cid, child.tsize) for child in children]
        encoded = encode_node(Node(links, unixfs))
        tsize = len(encoded) + sum(child.tsize for child in children)
        return self._emit(encoded, DAG_PB, tsize, filesize)


def import_file(
    data: BytesLike, *, cid_version: int = 1, raw_leaves: bool | None = None
) -> list[Block]:
    """Chunk ``data`` into a UnixFS file DAG; return its blocks, children first, root last.

    ``raw_leaves`` defaults as in Kubo: on for CIDv1, off for CIDv0 (which cannot have them).
    Grouping each level into runs of :data:`MAX_LINKS` is exactly Kubo's balanced layout: every
    subtree is full except the last one on each level.
    """
    if raw_leaves is None:
        raw_leaves = cid_version == 1
    if cid_version not in (0, 1):
        raise InvalidInputError(f"cid_version must be 0 or 1, got {cid_version!r}")
    if cid_version == 0 and raw_leaves:
        raise InvalidInputError("CIDv0 cannot have raw leaves")
    blocks: list[Block] = []
    importer = _Importer(cid_version, raw_leaves, blocks.append)
    # Chunks are slices of one byte view: slicing bytes or a bytearray would copy the content.
    view = byte_view(data)
    chunks = [view[i : i + CHUNK_SIZE] for i in range(0, len(view), CHUNK_SIZE)] or [view]
    importer.root([importer.leaf(chunk) for chunk in chunks])
    return blocks


def import_stream(content: ContentStream, emit: Callable[[Block], None]) -> CID:
    """Import `content` as :func:`import_file` does with CIDv1 and raw leaves; return its root.

    Each block goes to `emit` as soon as it is made, children first, and a leaf's bytes are valid
    only during that call: the stream may reuse its buffer for the next piece. Pieces of the
    wrong size, or a total that is not the stream's size, raise InvalidInputError.
    """
    importer = _Importer(1, True, emit)
    level: list[_Subtree] = []
    total = 0
    ended = False  # a piece shorter than a chunk is the last one
    for piece in content.chunks(CHUNK_SIZE):
        view = byte_view(piece)
        if ended:
            raise InvalidInputError("a content stream gave a piece after its last one")
        if len(view) > CHUNK_SIZE:
            raise InvalidInputError(f"a content stream gave a piece of {len(view)} bytes")
        if not view and level:
            raise InvalidInputError("a content stream gave an empty piece after its last one")
        ended = len(view) < CHUNK_SIZE
        total += len(view)
        level.append(importer.leaf(view))
    if not level or total != content.size:
        raise InvalidInputError(f"a content stream of {content.size} bytes gave {total}")
    return importer.root(level)


def file_cid(data: BytesLike, *, cid_version: int = 1, raw_leaves: bool | None = None) -> CID:
    """The root CID ``ipfs add`` gives ``data`` with these settings."""
    return import_file(data, cid_version=cid_version, raw_leaves=raw_leaves)[-1].cid


def read_file(cid: CID, block: Callable[[CID], bytes], limit: int | None = None) -> bytes:
    """The content of the UnixFS file under `cid`, or its first `limit` bytes, read block by
    block in file order through `block` (which answers a block's bytes, checked against its CID).

    A prefix reads only the blocks that hold it: at most :data:`MAX_DEPTH` blocks per chunk it
    spans, which any file laid out as hygeia and Kubo write them stays within. A DAG that needs
    more (empty links, say, which a node can chain without end) is refused with StoreError, as is
    a block that is no UnixFS file node.
    """
    if limit is not None and limit < 0:
        raise InvalidInputError(f"a length must not be negative, not {limit}")
    budget = None if limit is None else MAX_DEPTH * (-(-limit // CHUNK_SIZE) + 1)
    out = bytearray()
    read = 0

    def walk(at: CID) -> None:
        nonlocal read
        read += 1
        if budget is not None and read > budget:
            raise StoreError(
                f"{cid} is not laid out as a file: more than {budget} blocks for its first "
                f"{limit} bytes"
            )
        if at.codec == RAW:
            out.extend(block(at))
            return
        try:
            node = decode_node(block(at))
            kind, data = decode_unixfs(node.data or b"")
        except ValueError as exc:
            raise StoreError(f"{at} is not a UnixFS file node: {exc}") from exc
        if kind not in (UNIXFS_FILE, UNIXFS_RAW):
            raise StoreError(f"{at} is not a file (UnixFS type {kind})")
        out.extend(data)
        for link in node.links:
            if limit is not None and len(out) >= limit:
                return
            walk(link.cid)

    if limit != 0:
        walk(cid)
    return bytes(out if limit is None else out[:limit])


def verify(cid: CID, data: bytes) -> None:
    """Raise :class:`IntegrityError` unless ``data`` is the file content ``cid`` names.

    The CID says which import settings can have made it (v0: dag-pb leaves; v1 raw: one block;
    v1 dag-pb: raw leaves, as hygeia and Kubo write it, else dag-pb leaves), so each candidate is
    rebuilt in turn and compared. Content imported with another chunker or layout cannot be
    verified and is reported as a mismatch.
    """
    if cid.version == 0:
        settings = [(0, False)]
    elif cid.codec == RAW:
        if CID.for_block(data, version=1, codec=RAW) == cid:
            return
        settings = []
    else:
        settings = [(1, True), (1, False)]
    if any(file_cid(data, cid_version=v, raw_leaves=raw) == cid for v, raw in settings):
        return
    raise IntegrityError(f"content does not match {cid} ({len(data)} bytes received)")
