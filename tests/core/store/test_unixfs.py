"""The importer over content streams: the same blocks as over the whole bytes, or a named error."""

from __future__ import annotations

import hashlib

import pytest

from hygeia.core.errors import InvalidInputError
from hygeia.core.store.unixfs import CHUNK_SIZE, Block, import_file, import_stream, whole
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
