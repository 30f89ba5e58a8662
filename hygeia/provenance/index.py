"""An index of each lot's units kept off-chain, so verify finds a serial's lot, and a unit's
trace its proof, without reading every lot's serial list.

The index of a lot is two files named by the lot's on-chain root, written only after the units
rebuilt that root (from the commissioning document, or by the manufacturer as it commissions):
- `<root>.units`: its units sorted by unit id, each a record of the unit id (32 bytes) and its
  position in the lot (4 bytes); finding a unit and its position is a binary search (a
  100,000-unit lot is 3.6 MB, searched in microseconds);
- `<root>.nodes`: the lot tree's nodes in OpenZeppelin's heap order (32 bytes each, 6.4 MB for
  100,000 units), so a unit's Merkle proof is read, not rebuilt: its leaf is a binary search
  over the sorted leaves, its proof one sibling per level.
A proof read back is checked against the root before it is returned. A lot not indexed yet is
read once from its commissioning document and indexed.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Sequence
from pathlib import Path

from hygeia.core.errors import IntegrityError
from hygeia.core.store.local import default_store_dir
from hygeia.provenance import ids
from hygeia.provenance.merkle import LotTree, process_proof

UNIT, POSITION = 32, 4
RECORD = UNIT + POSITION
NODE = 32


def default_index_dir() -> Path:
    """Beside the embedded content store: ``$XDG_DATA_HOME/hygeia/provenance-index``."""
    return default_store_dir().parent / "provenance-index"


class SerialIndex:
    """The units of lots (id and position, sorted by id), one file per lot root, in `folder`."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def _path(self, root: bytes, kind: str = "units") -> Path:
        return self.folder / f"{root.hex()}.{kind}"

    def has(self, root: bytes) -> bool:
        return self._path(root).exists()

    def add(self, tree: LotTree) -> None:
        """Index a lot from its tree (made of_units; its root is the lot's on-chain root)."""
        if not self._path(tree.root, "nodes").exists():
            self._write(self._path(tree.root, "nodes"), tree.nodes)
        if not self._path(tree.root).exists():
            records = sorted(tree.positions.items())
            self._write(
                self._path(tree.root), b"".join(u + p.to_bytes(POSITION, "big") for u, p in records)
            )

    def _write(self, path: Path, data: bytes) -> None:
        # Written aside and renamed: a reader never sees half a file.
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_suffix(f"{path.suffix}.{os.getpid()}.part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
        os.replace(partial, path)

    def position(self, root: bytes, unit: bytes) -> int | None:
        """The position of unit id `unit` in the lot of `root`, None if the lot has no such unit
        (the lot must be indexed)."""
        return self.positions(root, [unit])[0]

    def positions(self, root: bytes, units: Sequence[bytes]) -> list[int | None]:
        """The position of each unit id of `units` in the lot of `root` (None for one the lot
        does not have), the lot's file opened once for all of them (the lot must be indexed)."""
        with self._path(root).open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0 or size % RECORD:
                raise IntegrityError(f"the index of lot root 0x{root.hex()} is damaged")
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return [_search(data, size // RECORD, unit) for unit in units]

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

    def unit_proof(self, root: bytes, unit: bytes) -> tuple[int, list[bytes]] | None:
        """The position of unit id `unit` in the lot of `root` and the Merkle proof of its leaf
        against `root`, read from the stored tree; None if the lot has no such unit (the lot
        must be indexed). A lot indexed before trees were stored has its tree rebuilt and
        stored once."""
        position = self.position(root, unit)
        if position is None:
            return None
        path = self._path(root, "nodes")
        if not path.exists():
            self._write(path, self.tree(root).nodes)
        leaf = ids.position_leaf(unit, position)
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            count = size // NODE
            if count == 0 or size % NODE or count % 2 == 0:
                raise IntegrityError(f"the tree of lot root 0x{root.hex()} is damaged")
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:

                def node(i: int) -> bytes:
                    return data[i * NODE : (i + 1) * NODE]

                # The leaves fill the heap's last (count + 1) / 2 places, in descending order.
                low, high = count // 2, count
                while low < high:
                    middle = (low + high) // 2
                    if node(middle) > leaf:
                        low = middle + 1
                    else:
                        high = middle
                if low == count or node(low) != leaf:
                    raise IntegrityError(f"the tree of lot root 0x{root.hex()} is damaged")
                proof, index = [], low
                while index > 0:
                    proof.append(node(index + 1 if index % 2 else index - 1))
                    index = (index - 1) // 2
        if process_proof(proof, leaf) != root:
            raise IntegrityError(f"the tree of lot root 0x{root.hex()} does not prove its root")
        return position, proof


def _search(data: mmap.mmap, count: int, unit: bytes) -> int | None:
    """The position recorded for `unit` among the `count` sorted records of `data`, or None."""
    low, high = 0, count
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
