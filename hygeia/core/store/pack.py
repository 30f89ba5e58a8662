"""Pack files: the blocks of one write to the embedded store, in one file.

On the disks measured here a new file cost about as much as writing a megabyte into one, so the
embedded store writes every new block of an ``add`` into one pack rather than a file per block.
A pack starts with its index, so reading one block of it reads the index and that block only.

Format, integers big-endian::

    MAGIC
    count                               uint32, the number of blocks
    count times: multihash length       uint8
                 multihash
                 offset                 uint64, from the start of the file
                 size                   uint32
    the blocks' bytes, at their offsets

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
_COUNT = struct.Struct(">I")
_PLACE = struct.Struct(">QI")  # offset, size
_MAX_MULTIHASH = 0xFF
# Read this much of a pack first: enough for the index of a 50 MiB file (201 blocks).
_FIRST_READ = 16 * 1024


def write_pack(handle: BinaryIO, blocks: Iterable[tuple[bytes, BytesLike]]) -> None:
    """Write `blocks` (multihash, bytes) as one pack to `handle`, each block once."""
    unique: dict[bytes, BytesLike] = {}
    for multihash, data in blocks:
        if len(multihash) > _MAX_MULTIHASH:
            raise ValueError(f"a multihash of {len(multihash)} bytes does not fit a pack")
        unique.setdefault(multihash, data)
    index_size = len(MAGIC) + _COUNT.size
    index_size += sum(1 + len(multihash) + _PLACE.size for multihash in unique)
    index = bytearray(MAGIC)
    index += _COUNT.pack(len(unique))
    offset = index_size
    for multihash, data in unique.items():
        size = memoryview(data).nbytes
        index.append(len(multihash))
        index += multihash
        index += _PLACE.pack(offset, size)
        offset += size
    handle.write(index)
    for data in unique.values():
        handle.write(data)


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
        head = os.pread(self._fd, _FIRST_READ, 0)
        fixed = len(MAGIC) + _COUNT.size
        if len(head) < fixed or not head.startswith(MAGIC):
            raise IntegrityError(f"{self.path} is not a pack of the embedded store")
        (count,) = _COUNT.unpack_from(head, len(MAGIC))
        file_size = os.fstat(self._fd).st_size
        places: dict[bytes, tuple[int, int]] = {}
        position = fixed
        for _ in range(count):
            head = self._at_least(head, position + 1)
            length = head[position]
            head = self._at_least(head, position + 1 + length + _PLACE.size)
            multihash = head[position + 1 : position + 1 + length]
            offset, size = _PLACE.unpack_from(head, position + 1 + length)
            position += 1 + length + _PLACE.size
            places[multihash] = (offset, size)
        if any(offset < position or offset + size > file_size for offset, size in places.values()):
            raise IntegrityError(f"the index of the pack {self.path} points outside it")
        return places

    def _at_least(self, head: bytes, size: int) -> bytes:
        """`head` extended to `size` bytes of the file, or IntegrityError if the file is shorter."""
        if len(head) < size:
            head += os.pread(self._fd, max(size - len(head), _FIRST_READ), len(head))
            if len(head) < size:
                raise IntegrityError(f"the index of the pack {self.path} is cut short")
        return head


def _matches(multihash: bytes, data: bytes) -> bool:
    return multihash[:2] == SHA2_256 and hashlib.sha256(data).digest() == multihash[2:]
