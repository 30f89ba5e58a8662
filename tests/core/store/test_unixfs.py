"""The importer over content streams: the same blocks as over the whole bytes, or a named error."""

from __future__ import annotations

import hashlib

import pytest

from hygeia.core.errors import InvalidInputError, StoreError
from hygeia.core.store.cid import CID, DAG_PB
from hygeia.core.store.dagpb import Link, Node, encode_node, encode_unixfs_file
from hygeia.core.store.unixfs import (
    CHUNK_SIZE,
    MAX_DEPTH,
    MAX_LINKS,
    Block,
    import_file,
    import_stream,
    read_file,
    whole,
)
from tests.core.store.streams import PieceStream

SIZES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 5]


def content(size: int) -> bytes:
    return hashlib.shake_256(b"hygeia-test:stream").digest(size)


@pytest.mark.parametrize("size", SIZES)
def test_a_stream_imports_to_the_blocks_of_its_whole_bytes_each_handed_over_as_made(
    size: int,
) -> None:
    data = content(size)
    handed: list[tuple[str, bytes]] = []

    def emit(block: Block) -> None:
        handed.append((str(block.cid), bytes(block.data)))  # now: the piece is reused next

    root = import_stream(PieceStream(data), emit)
    assert handed == [(str(block.cid), bytes(block.data)) for block in import_file(data)]
    assert root == import_file(data)[-1].cid


@pytest.mark.parametrize("size", SIZES)
def test_whole_joins_a_stream_and_leaves_bytes_as_they_are(size: int) -> None:
    data = content(size)
    assert whole(PieceStream(data)) == data
    assert whole(data) is data


@pytest.mark.parametrize(
    ("stream", "problem"),
    [
        (PieceStream(content(10), claimed_size=11), "of 11 bytes gave 10"),
        (PieceStream(content(CHUNK_SIZE + 10), piece_sizes=[10, CHUNK_SIZE]), "after its last"),
        (PieceStream(content(CHUNK_SIZE + 1), piece_sizes=[CHUNK_SIZE + 1]), "piece of"),
        (PieceStream(content(CHUNK_SIZE), piece_sizes=[CHUNK_SIZE, 0]), "after its last"),
        (PieceStream(content(3), piece_sizes=[0, 3]), "after its last"),
        (PieceStream(b"", piece_sizes=[]), "of 0 bytes gave 0"),
    ],
    ids=[
        "short",
        "short-piece-first",
        "long-piece",
        "empty-piece-after",
        "empty-piece-first",
        "no-piece",
    ],
)
def test_a_stream_that_breaks_its_contract_is_refused(stream: PieceStream, problem: str) -> None:
    with pytest.raises(InvalidInputError, match=problem):
        import_stream(stream, lambda block: None)


def test_whole_refuses_a_stream_shorter_than_its_size() -> None:
    with pytest.raises(InvalidInputError, match="of 11 bytes gave 10"):
        whole(PieceStream(content(10), claimed_size=11))


# ------------------------------------------------------------------------------ reading files


def blocks_of(data: bytes, *, raw_leaves: bool = True) -> tuple[CID, dict[CID, bytes]]:
    blocks = import_file(data, cid_version=1 if raw_leaves else 0, raw_leaves=raw_leaves)
    return blocks[-1].cid, {block.cid: bytes(block.data) for block in blocks}


@pytest.mark.parametrize("raw_leaves", [True, False], ids=["raw leaves", "dag-pb leaves"])
@pytest.mark.parametrize("size", SIZES)
def test_read_file_gives_the_whole_content_or_any_prefix_of_it(size: int, raw_leaves: bool) -> None:
    data = content(size)
    root, blocks = blocks_of(data, raw_leaves=raw_leaves)
    assert read_file(root, blocks.__getitem__) == data
    for limit in (0, 1, CHUNK_SIZE, size + 1):
        assert read_file(root, blocks.__getitem__, limit) == data[:limit]


def test_a_prefix_reads_only_the_blocks_that_hold_it() -> None:
    root, blocks = blocks_of(content(3 * CHUNK_SIZE + 5))
    asked: list[CID] = []

    def block(cid: CID) -> bytes:
        asked.append(cid)
        return blocks[cid]

    read_file(root, block, 10)
    assert len(asked) == 2  # the root and the first leaf
    asked.clear()
    read_file(root, block, 0)
    assert asked == []


def test_a_node_that_is_no_unixfs_file_is_a_store_error() -> None:
    not_a_node = CID.for_block(b"\xff\xff", version=1, codec=DAG_PB)
    with pytest.raises(StoreError, match="not a UnixFS file node"):
        read_file(not_a_node, lambda cid: b"\xff\xff")


def test_a_negative_length_is_refused() -> None:
    root, blocks = blocks_of(b"x")
    with pytest.raises(InvalidInputError, match="negative"):
        read_file(root, blocks.__getitem__, -1)


def test_a_prefix_read_of_a_dag_of_empty_links_stops_at_its_budget_of_blocks() -> None:
    """A node can link the same empty node again and again, levels deep: bytes never come, so
    the walk would not end without a budget."""
    empty = encode_node(Node(data=encode_unixfs_file(b"", 0, [])))
    level = CID.for_block(empty, version=1, codec=DAG_PB)
    blocks = {level: empty}
    for _ in range(3):
        node = encode_node(
            Node([Link(level, len(empty))] * MAX_LINKS, encode_unixfs_file(b"", 0, []))
        )
        level = CID.for_block(node, version=1, codec=DAG_PB)
        blocks[level] = node
    asked: list[CID] = []

    def block(cid: CID) -> bytes:
        asked.append(cid)
        return blocks[cid]

    with pytest.raises(StoreError, match="not laid out as a file"):
        read_file(level, block, 4096)
    assert len(asked) <= 2 * MAX_DEPTH
