"""An index of each lot's units kept off-chain, so verify finds a serial's lot without reading
every lot's serial list.

The index of a lot is its units sorted by unit id, each a record of the unit id (32 bytes) and
its position in the lot (4 bytes), in a file named by the lot's on-chain root: written only
after the units rebuilt that root (from the commissioning document, or by the manufacturer as
it commissions), so a file read back is the lot's, and finding a unit and its position is a
binary search over the file (a 100,000-unit lot is 3.6 MB, searched in microseconds). A lot not
indexed yet is read once from its commissioning document and indexed.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Sequence
from pathlib import Path

from hygeia.core.errors import IntegrityError
from hygeia.core.store.local import default_store_dir
from hygeia.provenance.merkle import LotTree

UNIT, POSITION = 32, 4
RECORD = UNIT + POSITION


def default_index_dir() -> Path:
    """Beside the embedded content store: ``$XDG_DATA_HOME/hygeia/provenance-index``."""
    return default_store_dir().parent / "provenance-index"


class SerialIndex:
    """The units of lots (id and position, sorted by id), one file per lot root, in `folder`."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def _path(self, root: bytes) -> Path:
        return self.folder / f"{root.hex()}.units"

    def has(self, root: bytes) -> bool:
        return self._path(root).exists()

    def add(self, tree: LotTree) -> None:
        """Index a lot from its tree (made of_units; its root is the lot's on-chain root)."""
        path = self._path(tree.root)
        if path.exists():
            return
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_suffix(f".{os.getpid()}.part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(
                b"".join(u + p.to_bytes(POSITION, "big") for u, p in sorted(tree.positions.items()))
            )
        os.replace(partial, path)

    def position(self, root: bytes, unit: bytes) -> int | None:
        """The position of unit id `unit` in the lot of `root`, None if the lot has no such unit
        (the lot must be indexed)."""
        with self._path(root).open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0 or size % RECORD:
                raise IntegrityError(f"the index of lot root 0x{root.hex()} is damaged")
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                low, high = 0, size // RECORD
                while low < high:
                    middle = (low + high) // 2
                    value = data[middle * RECORD : middle * RECORD + UNIT]
                    if value == unit:
                        start = middle * RECORD + UNIT
                        return int.from_bytes(data[start : start + POSITION], "big")
                    if value < unit:
                        low = middle + 1
                    else:
                        high = middle
        return None

    def contains(self, root: bytes, unit: bytes) -> bool:
        """Whether the lot of `root` has unit id `unit` (the lot must be indexed)."""
        return self.position(root, unit) is not None

    def tree(self, root: bytes) -> LotTree:
        """The lot's tree, rebuilt from its index and checked against `root`."""
        data = self._path(root).read_bytes()
        records: Sequence[bytes] = [data[i : i + RECORD] for i in range(0, len(data), RECORD)]
        by_position = sorted(records, key=lambda r: r[UNIT:])
        if [int.from_bytes(r[UNIT:], "big") for r in by_position] != list(range(len(records))):
            raise IntegrityError(f"the index of lot root 0x{root.hex()} is damaged")
        tree = LotTree.of_units(r[:UNIT] for r in by_position)
        if tree.root != root:
            raise IntegrityError(f"the index of lot root 0x{root.hex()} does not rebuild it")
        return tree
