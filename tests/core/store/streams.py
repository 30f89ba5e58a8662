"""A content stream for tests: its pieces come through one buffer, scribbled over after each."""

from __future__ import annotations

from collections.abc import Iterator


class PieceStream:
    """`data` as a :class:`~hygeia.core.store.unixfs.ContentStream`. Each piece is a view of one
    buffer that is overwritten as soon as the next piece is asked for, so a store that keeps a
    piece instead of using it at once stores garbage. `claimed_size` and `piece_sizes` let a test
    make a stream that breaks the contract."""

    def __init__(
        self, data: bytes, *, claimed_size: int | None = None, piece_sizes: list[int] | None = None
    ) -> None:
        self.data = data
        self._size = len(data) if claimed_size is None else claimed_size
        self._piece_sizes = piece_sizes
        self.passes = 0

    @property
    def size(self) -> int:
        return self._size

    def chunks(self, size: int) -> Iterator[memoryview]:
        self.passes += 1
        sizes = self._piece_sizes
        if sizes is None:
            sizes = [size] * max(1, -(-len(self.data) // size))
        buffer = bytearray(max(sizes, default=0))
        start = 0
        for length in sizes:
            piece = self.data[start : start + length]
            buffer[: len(piece)] = piece
            yield memoryview(buffer)[: len(piece)]
            buffer[:] = b"\xaa" * len(buffer)
            start += len(piece)
