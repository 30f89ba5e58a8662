"""An index of each lot's units kept off-chain, so verify finds a serial's lot without reading
every lot's serial list.

The index of a lot is its tree's sorted leaves (32 bytes each), in a file named by the lot's
on-chain root: written only after the leaves rebuilt that root (from the commissioning document,
or by the manufacturer as it commissions), so a file read back is the lot's, and finding a leaf
is a binary search over the file (a 100,000-unit lot is 3.2 MB, searched in microseconds). A
lot not indexed yet is read once from its commissioning document and indexed.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Sequence
from pathlib import Path

from hygeia.core.errors import IntegrityError
from hygeia.core.store.local import default_store_dir
from hygeia.provenance.merkle import LotTree

LEAF = 32


def default_index_dir() -> Path:
    """Beside the embedded content store: ``$XDG_DATA_HOME/hygeia/provenance-index``."""
    return default_store_dir().parent / "provenance-index"


class SerialIndex:
    """The sorted leaves of lots, one file per lot root, in `folder`."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def _path(self, root: bytes) -> Path:
        return self.folder / f"{root.hex()}.leaves"

    def has(self, root: bytes) -> bool:
        return self._path(root).exists()

    def add(self, tree: LotTree) -> None:
        """Index a lot from its tree (whose root is the lot's on-chain root)."""
        path = self._path(tree.root)
        if path.exists():
            return
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_suffix(f".{os.getpid()}.part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(b"".join(sorted(tree.leaves)))
        os.replace(partial, path)

    def contains(self, root: bytes, leaf: bytes) -> bool:
        """Whether the lot of `root` has `leaf` (the lot must be indexed)."""
        with self._path(root).open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0 or size % LEAF:
                raise IntegrityError(f"the index of lot root 0x{root.hex()} is damaged")
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                low, high = 0, size // LEAF
                while low < high:
                    middle = (low + high) // 2
                    value = data[middle * LEAF : (middle + 1) * LEAF]
                    if value == leaf:
                        return True
                    if value < leaf:
                        low = middle + 1
                    else:
                        high = middle
        return False

    def tree(self, root: bytes) -> LotTree:
        """The lot's tree, rebuilt from its index and checked against `root`."""
        data = self._path(root).read_bytes()
        leaves: Sequence[bytes] = [data[i : i + LEAF] for i in range(0, len(data), LEAF)]
        tree = LotTree(leaves)
        if tree.root != root:
            raise IntegrityError(f"the index of lot root 0x{root.hex()} does not rebuild it")
        return tree
