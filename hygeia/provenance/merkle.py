"""Merkle trees of lots, with proofs for OpenZeppelin's MerkleProof, and the words of holdings.

A lot's tree is laid out exactly as OpenZeppelin's StandardMerkleTree lays it out: leaves sorted
ascending, stored from the end of a heap-ordered array, parents hashed as sorted pairs. Its
leaves are (unit id, position): a unit's position is its place in the commissioning document,
so a proof ties a serial to the position a holding holds it at.

A holding is a set of positions of its lot, kept on-chain as a commitment to its *words*: the
256-position words in which it differs from its base (the whole lot for a `complement`
holding, nothing for the others), ascending, none zero (contracts/DrugProvenance.sol).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from eth_abi.abi import encode

from hygeia.core.errors import InvalidInputError
from hygeia.core.hashing import keccak
from hygeia.provenance import ids

ZERO = bytes(32)
WORD_BITS = 256
Progress = Callable[[int], None]
Word = tuple[int, int]  # (index, bits): positions 256 index + b for each set bit b


def hash_pair(a: bytes, b: bytes) -> bytes:
    """OpenZeppelin's commutative keccak256 of two nodes."""
    return keccak(a + b) if a < b else keccak(b + a)


def _parent(i: int) -> int:
    return (i - 1) // 2


def _sibling(i: int) -> int:
    return i - 1 if i % 2 == 0 else i + 1


def words(positions: Iterable[int]) -> list[Word]:
    """The words of a set of positions: ascending indexes, none zero."""
    found: dict[int, int] = {}
    for position in positions:
        if position < 0:
            raise InvalidInputError(f"a position is not negative, got {position}")
        index, bit = divmod(position, WORD_BITS)
        found[index] = found.get(index, 0) | (1 << bit)
    return sorted(found.items())


def positions(listed: Sequence[Word]) -> set[int]:
    """The positions of `listed` words."""
    return {
        index * WORD_BITS + bit
        for index, bits in listed
        for bit in range(WORD_BITS)
        if bits >> bit & 1
    }


def commitment(listed: Sequence[Word]) -> bytes:
    """What a holding commits to its words as: keccak256(abi.encode(Word[])), as the contract."""
    return keccak(encode(["(uint256,uint256)[]"], [list(listed)]))


def complement_words(gone: Iterable[int], quantity: int) -> list[Word]:
    """The words of a complement holding of a lot of `quantity` units: the positions `gone`
    from the whole lot (any at or past `quantity` is no unit of it)."""
    return words(p for p in gone if p < quantity)


def holding_words(held: Iterable[int], quantity: int, *, complement: bool) -> list[Word]:
    """The words of a holding of positions `held` in a lot of `quantity` units: the positions
    gone from the whole lot for a complement holding, else those held."""
    chosen = set(held)
    if complement:
        return complement_words(set(range(quantity)) - chosen, quantity)
    return words(chosen)


def holding_commitment(held: Iterable[int], quantity: int, *, complement: bool) -> bytes:
    """The on-chain commitment of a holding of positions `held`: zero when it holds none."""
    chosen = set(held)
    if not chosen:
        return ZERO
    return commitment(holding_words(chosen, quantity, complement=complement))


class LotTree:
    """The commissioning tree of one lot, over its units' leaves."""

    @classmethod
    def of_units(cls, units: Iterable[bytes], *, progress: Progress | None = None) -> LotTree:
        """The tree of a lot whose unit ids are `units`, in the commissioning document's order
        (unit k at position k)."""
        listed = list(units)
        tree = cls((ids.position_leaf(u, k) for k, u in enumerate(listed)), progress=progress)
        tree.positions = {u: k for k, u in enumerate(listed)}
        if len(tree.positions) != len(listed):
            raise InvalidInputError("a unit listed twice: a serial listed twice")
        return tree

    def __init__(self, leaves: Iterable[bytes], *, progress: Progress | None = None) -> None:
        self.positions: dict[bytes, int] = {}  # unit id -> position, for a tree of_units
        ordered = sorted(leaves)
        if not ordered:
            raise InvalidInputError("a lot has at least one unit")
        for previous, current in zip(ordered, ordered[1:], strict=False):
            if previous == current:
                raise InvalidInputError(f"duplicate leaf 0x{current.hex()}: a serial listed twice")
        size = len(ordered)
        self.size = size
        # Leaf k of the sorted list sits at heap index 2n - 2 - k (OpenZeppelin's layout).
        self._index = {value: 2 * size - 2 - k for k, value in enumerate(ordered)}
        nodes = [ZERO] * (2 * size - 1)
        for value, index in self._index.items():
            nodes[index] = value
        self._nodes = _hash_up(nodes, size, progress)

    @property
    def root(self) -> bytes:
        return self._nodes[0]

    @property
    def nodes(self) -> bytes:
        """Every node in heap order, 32 bytes each (what the serial index stores)."""
        return b"".join(self._nodes)

    @property
    def leaves(self) -> list[bytes]:
        return list(self._index)

    def __contains__(self, leaf: object) -> bool:
        return leaf in self._index

    def index_of(self, leaf: bytes) -> int:
        try:
            return self._index[leaf]
        except KeyError:
            raise InvalidInputError(f"leaf 0x{leaf.hex()} is not in this lot") from None

    def proof(self, leaf: bytes) -> list[bytes]:
        """The proof of `leaf` against the lot's root (what `verify` takes)."""
        return _proof(self._nodes, self.index_of(leaf))

    def position_of(self, unit: bytes) -> int:
        """The position of unit id `unit` in the lot (a tree made of_units)."""
        try:
            return self.positions[unit]
        except KeyError:
            raise InvalidInputError(f"unit 0x{unit.hex()} is not in this lot") from None

    def has_unit(self, unit: bytes) -> bool:
        return unit in self.positions

    def unit_proof(self, unit: bytes) -> tuple[int, list[bytes]]:
        """A unit's position and the proof of its leaf (what verify, dispense and standing take)."""
        position = self.position_of(unit)
        return position, self.proof(ids.position_leaf(unit, position))


def _hash_up(nodes: list[bytes], size: int, progress: Progress | None) -> list[bytes]:
    for i in range(size - 2, -1, -1):
        nodes[i] = hash_pair(nodes[2 * i + 1], nodes[2 * i + 2])
        if progress is not None and i % 4096 == 0:
            progress(size - 1 - i)
    return nodes


def _proof(nodes: Sequence[bytes], index: int) -> list[bytes]:
    proof = []
    while index > 0:
        proof.append(nodes[_sibling(index)])
        index = _parent(index)
    return proof


def process_proof(proof: Sequence[bytes], leaf: bytes) -> bytes:
    """The root a proof computes for `leaf`: OpenZeppelin's processProof."""
    node = leaf
    for sibling in proof:
        node = hash_pair(node, sibling)
    return node
