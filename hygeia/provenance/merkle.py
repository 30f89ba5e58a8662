"""Merkle trees of lots and holdings, with proofs for OpenZeppelin's MerkleProof.

A lot's tree is laid out exactly as OpenZeppelin's StandardMerkleTree lays it out: leaves sorted
ascending, stored from the end of a heap-ordered array, parents hashed as sorted pairs. A
holding (the units of a lot one party holds) has the same shape pruned to its units, as
contracts/libraries/CustodyTree.sol keeps it: a subtree holding none of them is zero and a node
with one empty child is its other child. So a holding's tree is rebuilt from the set of units it
holds, whatever shipments made it, and its proofs fold with `pruned_pair`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from eth_hash.auto import keccak

from hygeia.core.errors import InvalidInputError

ZERO = bytes(32)
Progress = Callable[[int], None]
Pair = Callable[[bytes, bytes], bytes]


def hash_pair(a: bytes, b: bytes) -> bytes:
    """OpenZeppelin's commutative keccak256 of two nodes."""
    return keccak(a + b) if a < b else keccak(b + a)


def pruned_pair(a: bytes, b: bytes) -> bytes:
    """A node of a pruned tree: the other child when one is empty, else the sorted-pair hash."""
    if b == ZERO:
        return a
    if a == ZERO:
        return b
    return hash_pair(a, b)


def _parent(i: int) -> int:
    return (i - 1) // 2


def _sibling(i: int) -> int:
    return i - 1 if i % 2 == 0 else i + 1


@dataclass(frozen=True)
class MultiProof:
    """What `ship` takes: the leaves in the order the proof consumes them, and the proof."""

    leaves: list[bytes]
    proof: list[bytes]
    flags: list[bool]


class LotTree:
    """The commissioning tree of one lot, over its units' leaves."""

    def __init__(self, leaves: Iterable[bytes], *, progress: Progress | None = None) -> None:
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
        self._nodes = _hash_up(nodes, size, hash_pair, progress)

    @property
    def root(self) -> bytes:
        return self._nodes[0]

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

    def holding(self, held: Collection[bytes], *, progress: Progress | None = None) -> HoldingTree:
        """The tree of a holding of the units whose leaves are `held`."""
        return HoldingTree(self, held, progress=progress)


class HoldingTree:
    """A lot's tree pruned to the units one holding holds."""

    def __init__(
        self, lot: LotTree, held: Collection[bytes], *, progress: Progress | None = None
    ) -> None:
        self.lot = lot
        self.held = frozenset(held)
        nodes = [ZERO] * (2 * lot.size - 1)
        for value in self.held:
            nodes[lot.index_of(value)] = value
        self._nodes = _hash_up(nodes, lot.size, pruned_pair, progress)

    @property
    def root(self) -> bytes:
        return self._nodes[0]

    def proof(self, leaf: bytes) -> list[bytes]:
        """The proof of a held unit's leaf against the holding's root (what `dispense` takes)."""
        if leaf not in self.held:
            raise InvalidInputError(f"leaf 0x{leaf.hex()} is not in this holding")
        return _proof(self._nodes, self.lot.index_of(leaf))

    def multiproof(self, leaves: Iterable[bytes]) -> MultiProof:
        """OpenZeppelin's multiproof of `leaves` against the holding's root."""
        chosen = set(leaves)
        missing = chosen - self.held
        if missing:
            raise InvalidInputError(f"{len(missing)} of the units are not in this holding")
        indices = sorted((self.lot.index_of(v) for v in chosen), reverse=True)
        if not indices:
            raise InvalidInputError("choose at least one unit (or ship the whole holding)")
        return _multiproof(self._nodes, indices)

    def without(self, leaves: Iterable[bytes]) -> HoldingTree:
        """This holding after `leaves` left it."""
        return HoldingTree(self.lot, self.held - set(leaves))


def _hash_up(nodes: list[bytes], size: int, pair: Pair, progress: Progress | None) -> list[bytes]:
    for i in range(size - 2, -1, -1):
        nodes[i] = pair(nodes[2 * i + 1], nodes[2 * i + 2])
        if progress is not None and i % 4096 == 0:
            progress(size - 1 - i)
    return nodes


def _proof(nodes: Sequence[bytes], index: int) -> list[bytes]:
    proof = []
    while index > 0:
        proof.append(nodes[_sibling(index)])
        index = _parent(index)
    return proof


def _multiproof(nodes: Sequence[bytes], indices: list[int]) -> MultiProof:
    """OpenZeppelin merkle-tree's getMultiProof: `indices` sorted descending."""
    stack = list(indices)
    proof: list[bytes] = []
    flags: list[bool] = []
    position = 0
    while position < len(stack) and stack[position] > 0:
        j = stack[position]
        position += 1
        sibling = _sibling(j)
        if position < len(stack) and stack[position] == sibling:
            flags.append(True)
            position += 1
        else:
            flags.append(False)
            proof.append(nodes[sibling])
        stack.append(_parent(j))
    return MultiProof([nodes[i] for i in indices], proof, flags)


def process_proof(proof: Sequence[bytes], leaf: bytes, pair: Pair = hash_pair) -> bytes:
    """The root a proof computes for `leaf`: OpenZeppelin's processProof, or with
    `pair=pruned_pair` what the contract computes in a holding."""
    node = leaf
    for sibling in proof:
        node = pair(node, sibling)
    return node


def process_multiproof(multiproof: MultiProof, pair: Pair = hash_pair) -> bytes:
    """The root a multiproof computes: OpenZeppelin's processMultiProof, or with
    `pair=pruned_pair` what the contract computes in a holding."""
    leaves, proof, flags = multiproof.leaves, multiproof.proof, multiproof.flags
    if len(leaves) + len(proof) != len(flags) + 1:
        raise InvalidInputError("invalid multiproof: counts do not add up")
    queue = list(leaves)
    hashes: list[bytes] = []
    proof_iter = iter(proof)
    position = 0
    for flag in flags:
        a = queue[position]
        position += 1
        if flag:
            b = queue[position]
            position += 1
        else:
            b = next(proof_iter)
        node = pair(a, b)
        hashes.append(node)
        queue.append(node)
    if flags:
        return hashes[-1]
    return leaves[0] if leaves else proof[0]
