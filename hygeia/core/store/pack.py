"""Pack files: the blocks of one write to the embedded store, in one file.

On the disks measured here a new file cost about as much as writing a megabyte into one, so the
embedded store writes every new block of an ``add`` into one pack rather than a file per block.
Blocks are written as they are made (a record is encrypted and stored a chunk at a time) and the
index goes last, so reading one block reads the trailer, the index and that block only.

Format, integers big-endian::

    MAGIC
    the blocks' bytes, one after another
    index: for each block: multihash length    uint8
                           multihash
                           offset              uint64, from the start of the file
                           size                uint32
    trailer: index offset uint64, block count uint32

Every block read is checked against its multihash (sha2-256, the only hash the importer makes).
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from hygeia.core.errors import IntegrityError
from hygeia.core.store.cid import BytesLike

MAGIC = b"hygeia-pack-1\n"
SHA2_256 = b"\x12\x20"  # multihash code and digest length of sha2-256
_PLACE = struct.Struct(">QI")  # a block's offset and size
_TRAILER = struct.Struct(">QI")  # the index's offset, the number of blocks
_MAX_MULTIHASH = 0xFF
# The end of a pack read at once: its trailer and the index of up to about 340 blocks (85 MiB).
_LAST_READ = 16 * 1024


class PackWriter:
    """Writes a pack to `handle` a block at a time; :meth:`finish` writes its index."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._places: dict[bytes, tuple[int, int]] = {}
        self._offset = handle.write(MAGIC)

    def add(self, multihash: bytes, data: BytesLike) -> None:
        """Write the block `data` under `multihash`; a block already written is skipped."""
        if len(multihash) > _MAX_MULTIHASH:
            raise ValueError(f"a multihash of {len(multihash)} bytes does not fit a pack")
        if multihash in self._places:
            return
        size = self._handle.write(data)
        self._places[multihash] = (self._offset, size)
        self._offset += size

    def finish(self) -> None:
        """Write the index and the trailer: the pack is whole."""
        index = bytearray()
        for multihash, place in self._places.items():
            index.append(len(multihash))
            index += multihash
            index += _PLACE.pack(*place)
        index += _TRAILER.pack(self._offset, len(self._places))
        self._handle.write(index)


def write_pack(handle: BinaryIO, blocks: Iterable[tuple[bytes, BytesLike]]) -> None:
    """Write `blocks` (multihash, bytes) as one whole pack to `handle`, each block once."""
    writer = PackWriter(handle)
    for multihash, data in blocks:
        writer.add(multihash, data)
    writer.finish()


class Pack:
    """One pack opened for reading: its index in memory, its blocks read when asked for."""

    def __init__(self, path: Path) -> None:
        """Open the pack at `path`: FileNotFoundError if there is none, IntegrityError if its
        index is not a pack's."""
        self.path = path
        self._fd = os.open(path, os.O_RDONLY)
        try:
            self._places = self._read_index()
        except BaseException:
            os.close(self._fd)
            raise

    def __enter__(self) -> Pack:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def __contains__(self, multihash: bytes) -> bool:
        return multihash in self._places

    def multihashes(self) -> Sequence[bytes]:
        """The multihash of every block in the pack, in the pack's order."""
        return list(self._places)

    def read(self, multihash: bytes) -> bytes:
        """The block under `multihash`; KeyError if the pack does not hold it, IntegrityError if
        its bytes do not match it."""
        offset, size = self._places[multihash]
        data = os.pread(self._fd, size, offset)
        if len(data) != size or not _matches(multihash, data):
            raise IntegrityError(f"a block of the pack {self.path} is corrupted on disk")
        return data

    def close(self) -> None:
        os.close(self._fd)

    def _read_index(self) -> dict[bytes, tuple[int, int]]:
        size = os.fstat(self._fd).st_size
        if size < len(MAGIC) + _TRAILER.size or os.pread(self._fd, len(MAGIC), 0) != MAGIC:
            raise IntegrityError(f"{self.path} is not a pack of the embedded store")
        start = max(size - _LAST_READ, len(MAGIC))
        tail = os.pread(self._fd, size - start, start)
        index_at, count = _TRAILER.unpack_from(tail, len(tail) - _TRAILER.size)
        index_end = size - _TRAILER.size
        if not len(MAGIC) <= index_at <= index_end:
            raise IntegrityError(f"the index of the pack {self.path} points outside it")
        if index_at < start:
            tail = os.pread(self._fd, size - index_at, index_at)
            start = index_at
        index = memoryview(tail)[index_at - start : index_end - start]
        places: dict[bytes, tuple[int, int]] = {}
        position = 0
        for _ in range(count):
            if position >= len(index):
                raise IntegrityError(f"the index of the pack {self.path} is cut short")
            length = index[position]
            end = position + 1 + length + _PLACE.size
            if end > len(index):
                raise IntegrityError(f"the index of the pack {self.path} is cut short")
            multihash = index[position + 1 : position + 1 + length].tobytes()
            places[multihash] = _PLACE.unpack_from(index, position + 1 + length)
            position = end
        if position != len(index):
            raise IntegrityError(f"the index of the pack {self.path} does not match its trailer")
        if any(offset < len(MAGIC) or offset + n > index_at for offset, n in places.values()):
            raise IntegrityError(f"the index of the pack {self.path} points outside it")
        return places


def _matches(multihash: bytes, data: bytes) -> bool:
    return multihash[:2] == SHA2_256 and hashlib.sha256(data).digest() == multihash[2:]
