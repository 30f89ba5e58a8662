"""The SDK's Merkle trees against OpenZeppelin's JS StandardMerkleTree, and the pruned holding
trees' properties. The contract side is checked in tests/provenance (brownie) and
test_workflow.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hygeia.core.errors import InvalidInputError
from hygeia.provenance import ids
from hygeia.provenance.merkle import (
    ZERO,
    LotTree,
    MultiProof,
    process_multiproof,
    process_proof,
    pruned_pair,
)

# Made by oz_merkle_vectors.mjs with @openzeppelin/merkle-tree 1.0.8 (see the file's header).
VECTORS = json.loads((Path(__file__).parent / "oz_merkle_vectors.json").read_text())["cases"]


def hexes(values: list[bytes]) -> list[str]:
    return ["0x" + v.hex() for v in values]


@pytest.mark.parametrize("case", VECTORS, ids=lambda c: f"{len(c['serials'])} units")
def test_lot_trees_equal_openzeppelins_standard_merkle_tree(case: dict) -> None:
    gtin = case["gtin"]
    tree = LotTree(ids.unit_leaf(gtin, s) for s in case["serials"])

    assert "0x" + tree.root.hex() == case["root"]
    for serial, proof in case["proofs"].items():
        assert hexes(tree.proof(ids.unit_leaf(gtin, serial))) == proof


@pytest.mark.parametrize(
    "case", [c for c in VECTORS if c["multiproof"]], ids=lambda c: f"{len(c['serials'])} units"
)
def test_multiproofs_equal_openzeppelins(case: dict) -> None:
    gtin = case["gtin"]
    tree = LotTree(ids.unit_leaf(gtin, s) for s in case["serials"])
    whole = tree.holding(set(tree.leaves))
    expected = case["multiproof"]

    got = whole.multiproof(ids.unit_leaf(gtin, s) for s in expected["leaves"])

    assert got.leaves == [ids.unit_leaf(gtin, s) for s in expected["leaves"]]
    assert hexes(got.proof) == expected["proof"]
    assert got.flags == expected["proofFlags"]
    assert process_multiproof(got) == tree.root


def test_the_leaf_is_openzeppelins_double_hash_of_the_abi_encoded_values() -> None:
    from eth_abi import encode
    from eth_utils import keccak

    serial = ids.digest("SN0001")
    inner = keccak(encode(["uint64", "bytes32"], [614141000418, serial]))
    assert ids.unit_leaf(614141000418, "SN0001") == keccak(inner)


def test_a_holding_of_every_unit_is_the_lot_tree_and_of_none_is_zero() -> None:
    tree = LotTree(ids.unit_leaf(614141000418, f"S{i}") for i in range(11))
    assert tree.holding(set(tree.leaves)).root == tree.root
    assert tree.holding(set()).root == ZERO


@pytest.mark.parametrize("size", [1, 2, 5, 16, 33])
def test_proofs_in_a_pruned_holding_compute_its_root(size: int) -> None:
    leaves = [ids.unit_leaf(614141000418, f"S{i}") for i in range(size)]
    tree = LotTree(leaves)
    held = set(leaves[::2])
    holding = tree.holding(held)
    for leaf in held:
        assert process_proof(holding.proof(leaf), leaf, pruned_pair) == holding.root
    chosen = sorted(held)[: max(1, len(held) // 2)]
    multi = holding.multiproof(chosen)
    assert process_multiproof(multi, pruned_pair) == holding.root
    assert holding.without(chosen).root == tree.holding(held - set(chosen)).root


def test_trees_refuse_duplicates_and_emptiness_and_proofs_of_units_not_held() -> None:
    leaf = ids.unit_leaf(614141000418, "S1")
    with pytest.raises(InvalidInputError, match="duplicate"):
        LotTree([leaf, leaf])
    with pytest.raises(InvalidInputError, match="at least one unit"):
        LotTree([])
    tree = LotTree([leaf, ids.unit_leaf(614141000418, "S2")])
    with pytest.raises(InvalidInputError, match="not in this holding"):
        tree.holding(set()).proof(leaf)
    with pytest.raises(InvalidInputError, match="not in this holding"):
        tree.holding(set()).multiproof([leaf])


def test_a_malformed_multiproof_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="counts"):
        process_multiproof(MultiProof([ZERO, ZERO], [], []))


def test_a_tree_of_100000_serials_proves_its_last_serial() -> None:
    tree = LotTree(ids.unit_leaf(614141000418, f"SN{i:08d}") for i in range(100_000))
    leaf = ids.unit_leaf(614141000418, "SN00099999")
    assert process_proof(tree.proof(leaf), leaf) == tree.root


def test_the_serial_index_is_its_owners_only(tmp_path: Path) -> None:
    from hygeia.provenance.index import SerialIndex

    index = SerialIndex(tmp_path / "serials")
    tree = LotTree([bytes([n]) * 32 for n in range(1, 5)])
    index.add(tree)
    assert (tmp_path / "serials").stat().st_mode & 0o777 == 0o700
    files = list((tmp_path / "serials").iterdir())
    assert files and all(f.stat().st_mode & 0o777 == 0o600 for f in files)
