"""The serial index: each lot's units and tree kept off-chain, found by bisection, proofs read
in O(log n) and checked against the lot's root."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hygeia.core.errors import IntegrityError
from hygeia.provenance import ids
from hygeia.provenance.index import SerialIndex
from hygeia.provenance.merkle import LotTree, process_proof

GTIN = 614141000418


def units(serials: list[str]) -> list[bytes]:
    return [ids.unit_id(GTIN, ids.digest(s)) for s in serials]


def test_the_serial_index_is_its_owners_only(tmp_path: Path) -> None:
    index = SerialIndex(tmp_path / "serials")
    tree = LotTree.of_units([bytes([n]) * 32 for n in range(1, 5)])
    index.add(tree)
    assert (tmp_path / "serials").stat().st_mode & 0o777 == 0o700
    files = list((tmp_path / "serials").iterdir())
    assert {f.suffix for f in files} == {".units", ".nodes"}
    assert all(f.stat().st_mode & 0o777 == 0o600 for f in files)


def test_the_serial_index_finds_a_units_position_and_rebuilds_the_tree(tmp_path: Path) -> None:
    index = SerialIndex(tmp_path / "serials")
    listed = units([f"S{i}" for i in range(300)])
    tree = LotTree.of_units(listed)
    index.add(tree)
    assert index.position(tree.root, listed[257]) == 257
    assert index.position(tree.root, ids.unit_id(GTIN, ids.digest("NEVER"))) is None
    assert index.tree(tree.root).root == tree.root


def test_the_positions_of_many_units_are_found_in_one_read_each_as_alone(tmp_path: Path) -> None:
    index = SerialIndex(tmp_path / "serials")
    listed = units([f"S{i}" for i in range(300)])
    tree = LotTree.of_units(listed)
    index.add(tree)
    strangers = units(["NEVER", "NOT-EITHER"])
    asked = [listed[299], strangers[0], listed[0], listed[150], strangers[1], listed[0]]
    assert index.positions(tree.root, asked) == [299, None, 0, 150, None, 0]
    assert index.positions(tree.root, asked) == [index.position(tree.root, u) for u in asked]
    assert index.positions(tree.root, []) == []


def test_positions_refuse_a_damaged_index_by_name(tmp_path: Path) -> None:
    index = SerialIndex(tmp_path / "serials")
    tree = LotTree.of_units(units(["A", "B", "C"]))
    index.add(tree)
    path = tmp_path / "serials" / f"{tree.root.hex()}.units"
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(IntegrityError, match="is damaged"):
        index.positions(tree.root, units(["A"]))


def test_every_units_proof_is_read_from_the_stored_tree(tmp_path: Path) -> None:
    index = SerialIndex(tmp_path / "serials")
    listed = units([f"S{i}" for i in range(300)])
    tree = LotTree.of_units(listed)
    index.add(tree)
    for unit in listed:
        assert index.unit_proof(tree.root, unit) == tree.unit_proof(unit)
    assert index.unit_proof(tree.root, ids.unit_id(GTIN, ids.digest("NEVER"))) is None


@settings(max_examples=40, deadline=None)
@given(size=st.integers(1, 700), pick=st.integers(0, 10**6))
def test_a_stored_trees_proof_makes_the_root_at_any_lot_size(size: int, pick: int) -> None:
    listed = units([f"P{i}" for i in range(size)])
    tree = LotTree.of_units(listed)
    with tempfile.TemporaryDirectory() as folder:
        index = SerialIndex(folder)
        index.add(tree)
        unit = listed[pick % size]
        found = index.unit_proof(tree.root, unit)
    assert found is not None
    position, proof = found
    assert position == pick % size
    assert process_proof(proof, ids.position_leaf(unit, position)) == tree.root


def test_a_lot_indexed_before_trees_were_kept_gets_its_tree_once(tmp_path: Path) -> None:
    index = SerialIndex(tmp_path / "serials")
    listed = units([f"S{i}" for i in range(50)])
    tree = LotTree.of_units(listed)
    index.add(tree)
    nodes = tmp_path / "serials" / f"{tree.root.hex()}.nodes"
    nodes.unlink()
    assert index.unit_proof(tree.root, listed[7]) == tree.unit_proof(listed[7])
    assert nodes.read_bytes() == tree.nodes


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-32],  # a node short
        lambda data: data[:100],  # cut mid-node
        lambda data: data[: len(data) // 2] + bytes(len(data) - len(data) // 2),  # leaves gone
        lambda data: data[:32] + bytes(64) + data[96:],  # the nodes under the root zeroed
    ],
    ids=["a node short", "cut mid-node", "leaves zeroed", "proof nodes zeroed"],
)
def test_a_damaged_tree_is_refused_not_believed(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    index = SerialIndex(tmp_path / "serials")
    listed = units([f"S{i}" for i in range(64)])
    tree = LotTree.of_units(listed)
    index.add(tree)
    nodes = tmp_path / "serials" / f"{tree.root.hex()}.nodes"
    nodes.write_bytes(damage(nodes.read_bytes()))
    with pytest.raises(IntegrityError, match="tree of lot root"):
        index.unit_proof(tree.root, listed[3])
