"""The SDK's Merkle trees against OpenZeppelin's JS StandardMerkleTree, and the words holdings
commit to. The contract side is checked in tests/contracts/drug_provenance (brownie) and
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
    commitment,
    complement_words,
    holding_commitment,
    holding_words,
    positions,
    process_proof,
    words,
)

# Made by oz_merkle_vectors.mjs with @openzeppelin/merkle-tree 1.0.8 (see the file's header).
VECTORS = json.loads((Path(__file__).parent / "oz_merkle_vectors.json").read_text())["cases"]
GTIN = 614141000418


def hexes(values: list[bytes]) -> list[str]:
    return ["0x" + v.hex() for v in values]


def units(gtin: int, serials: list[str]) -> list[bytes]:
    return [ids.unit_id(gtin, ids.digest(s)) for s in serials]


@pytest.mark.parametrize("case", VECTORS, ids=lambda c: f"{len(c['serials'])} units")
def test_lot_trees_equal_openzeppelins_standard_merkle_tree(case: dict) -> None:
    gtin = case["gtin"]
    tree = LotTree.of_units(units(gtin, case["serials"]))

    assert "0x" + tree.root.hex() == case["root"]
    for position, (serial, proof) in enumerate(case["proofs"].items()):
        unit = ids.unit_id(gtin, ids.digest(serial))
        assert tree.unit_proof(unit) == (position, [bytes.fromhex(p[2:]) for p in proof])
        assert process_proof(tree.unit_proof(unit)[1], ids.position_leaf(unit, position)) == (
            tree.root
        )


def test_the_leaf_is_openzeppelins_double_hash_of_the_abi_encoded_unit_and_position() -> None:
    from eth_abi.abi import encode
    from eth_utils import keccak

    unit = ids.unit_id(GTIN, ids.digest("SN0001"))
    inner = keccak(encode(["bytes32", "uint32"], [unit, 7]))
    assert ids.unit_leaf(GTIN, "SN0001", 7) == keccak(inner) == ids.position_leaf(unit, 7)
    # The position is part of the leaf: the same unit elsewhere is another leaf.
    assert ids.unit_leaf(GTIN, "SN0001", 8) != ids.unit_leaf(GTIN, "SN0001", 7)
    with pytest.raises(InvalidInputError, match="uint32"):
        ids.position_leaf(unit, 2**32)


def test_words_group_positions_by_256_and_round_trip() -> None:
    chosen = {0, 1, 255, 256, 1023, 70_000}
    listed = words(chosen)
    assert listed == [(0, 1 | 2 | 1 << 255), (1, 1), (3, 1 << 255), (273, 1 << 112)]
    assert positions(listed) == chosen
    assert words([]) == []
    with pytest.raises(InvalidInputError, match="not negative"):
        words([-1])


def test_the_commitment_is_keccak_of_the_abi_encoded_word_array() -> None:
    from eth_abi.abi import encode
    from eth_utils import keccak

    listed = [(0, 5), (3, 1 << 200)]
    assert commitment(listed) == keccak(encode(["(uint256,uint256)[]"], [listed]))
    assert commitment([]) == keccak(encode(["uint256", "uint256"], [0x20, 0]))


def test_a_holding_commits_to_what_differs_from_its_base() -> None:
    # The commissioned stock (complement): the positions gone; a shipment: the positions held.
    assert holding_words(range(600), 600, complement=True) == []
    assert holding_words(set(range(600)) - {3, 300}, 600, complement=True) == [
        (0, 1 << 3),
        (1, 1 << 44),
    ]
    assert holding_words({3, 300}, 600, complement=False) == [(0, 1 << 3), (1, 1 << 44)]
    assert holding_commitment(set(), 600, complement=True) == ZERO
    assert holding_commitment({1}, 600, complement=False) == commitment([(0, 2)])


def test_trees_refuse_duplicates_and_emptiness_and_units_not_in_the_lot() -> None:
    unit = ids.unit_id(GTIN, ids.digest("S1"))
    with pytest.raises(InvalidInputError, match="listed twice"):
        LotTree.of_units([unit, unit])
    with pytest.raises(InvalidInputError, match="at least one unit"):
        LotTree.of_units([])
    tree = LotTree.of_units([unit])
    assert tree.has_unit(unit)
    other = ids.unit_id(GTIN, ids.digest("S2"))
    assert not tree.has_unit(other)
    with pytest.raises(InvalidInputError, match="not in this lot"):
        tree.unit_proof(other)


def test_a_tree_of_100000_serials_proves_its_last_serial() -> None:
    tree = LotTree.of_units(units(GTIN, [f"SN{i:08d}" for i in range(100_000)]))
    unit = ids.unit_id(GTIN, ids.digest("SN00099999"))
    position, proof = tree.unit_proof(unit)
    assert position == 99_999
    assert process_proof(proof, ids.position_leaf(unit, position)) == tree.root


def test_a_complement_holdings_words_are_the_positions_gone_within_the_lot() -> None:
    assert complement_words([], 600) == []
    assert complement_words([3, 300, 600, 900], 600) == [(0, 1 << 3), (1, 1 << 44)]
