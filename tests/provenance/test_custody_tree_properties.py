"""CustodyTree (the pruned holding trees of DrugProvenance) against the SDK's trees
(hygeia.provenance.merkle), on random lots, holdings and selections: splitting a holding along a
multiproof gives the roots the SDK computes for the units kept and taken, removing one unit gives
the holding without it, and a multiproof that does not match the holding never passes."""

from __future__ import annotations

from typing import Any

import pytest
from brownie.test import given
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from hygeia.provenance import ids
from hygeia.provenance.merkle import LotTree, MultiProof

GTIN = 614141000418
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def harness(CustodyTreeHarness: Any, accounts: Any) -> Any:
    return CustodyTreeHarness.deploy({"from": accounts[0]})


@st.composite
def lots_with_selections(draw: Any) -> tuple[list[str], set[str], list[str]]:
    """A lot's serials, the serials a holding holds, and a non-empty selection of those."""
    size = draw(st.integers(min_value=1, max_value=40))
    serials = [f"S{i:03d}" for i in range(size)]
    held = draw(st.sets(st.sampled_from(serials), min_size=1))
    chosen = draw(st.lists(st.sampled_from(sorted(held)), min_size=1, unique=True))
    return serials, held, chosen


def _unit(serial: str) -> bytes:
    return ids.unit_id(GTIN, ids.digest(serial))


def _selection(multi: MultiProof) -> tuple[list[bytes], list[bytes], list[bool]]:
    unit_of_leaf = {ids.leaf(u): u for u in (_unit(f"S{i:03d}") for i in range(40))}
    return [unit_of_leaf[v] for v in multi.leaves], multi.proof, multi.flags


@SETTINGS
@given(case=lots_with_selections())
def test_a_split_gives_the_roots_of_the_units_kept_and_taken(harness: Any, case: Any) -> None:
    serials, held, chosen = case
    lot = LotTree(ids.unit_leaf(GTIN, s) for s in serials)
    leaf = {s: ids.unit_leaf(GTIN, s) for s in serials}
    holding = lot.holding({leaf[s] for s in held})
    multi = holding.multiproof(leaf[s] for s in chosen)

    valid, root, remainder, part = harness.split(*_selection(multi))

    assert valid
    assert bytes(root) == holding.root
    assert bytes(remainder) == lot.holding({leaf[s] for s in held - set(chosen)}).root
    assert bytes(part) == lot.holding({leaf[s] for s in chosen}).root


@SETTINGS
@given(case=lots_with_selections())
def test_removing_a_unit_gives_the_holding_without_it(harness: Any, case: Any) -> None:
    serials, held, chosen = case
    lot = LotTree(ids.unit_leaf(GTIN, s) for s in serials)
    leaf = {s: ids.unit_leaf(GTIN, s) for s in serials}
    holding = lot.holding({leaf[s] for s in held})
    gone = chosen[0]

    root, remainder = harness.remove(holding.proof(leaf[gone]), _unit(gone))

    assert bytes(root) == holding.root
    assert bytes(remainder) == lot.holding({leaf[s] for s in held - {gone}}).root


@SETTINGS
@given(case=lots_with_selections(), outsider=st.integers(min_value=40, max_value=80))
def test_a_unit_outside_the_holding_never_splits_into_its_root(
    harness: Any, case: Any, outsider: int
) -> None:
    serials, held, chosen = case
    lot = LotTree(ids.unit_leaf(GTIN, s) for s in serials)
    leaf = {s: ids.unit_leaf(GTIN, s) for s in serials}
    holding = lot.holding({leaf[s] for s in held})
    units, proof, flags = _selection(holding.multiproof(leaf[s] for s in chosen))
    # The first unit listed swapped for one the lot does not have.
    forged = [ids.unit_id(GTIN, ids.digest(f"S{outsider:03d}")), *units[1:]]

    valid, root, _, _ = harness.split(forged, proof, flags)

    assert not valid or bytes(root) != holding.root


@pytest.mark.parametrize(
    ("units", "proof", "flags"),
    [
        ([], [], []),  # no units
        ([b"\x01" * 32], [b"\x02" * 32], []),  # counts do not add up
        ([b"\x01" * 32, b"\x02" * 32, b"\x03" * 32], [], [False, True]),  # a proof element missing
        ([b"\x01" * 32], [b"\x02" * 32, b"\x04" * 32], [False, True]),  # a node read too early
    ],
)
def test_a_malformed_multiproof_is_not_valid(
    harness: Any, units: Any, proof: Any, flags: Any
) -> None:
    assert harness.split(units, proof, flags)[0] is False


@SETTINGS
@given(case=lots_with_selections())
def test_a_unit_listed_twice_or_also_given_as_a_proof_element_never_splits_into_its_root(
    harness: Any, case: Any
) -> None:
    serials, held, chosen = case
    lot = LotTree(ids.unit_leaf(GTIN, s) for s in serials)
    leaf = {s: ids.unit_leaf(GTIN, s) for s in serials}
    holding = lot.holding({leaf[s] for s in held})
    units, proof, flags = _selection(holding.multiproof(leaf[s] for s in chosen))
    twice = ([units[0], *units], proof, [True, *flags])
    as_proof = (units, [ids.leaf(units[0]), *proof[1:]], flags) if proof else twice

    for forged in (twice, as_proof):
        valid, root, _, _ = harness.split(*forged)
        assert not valid or bytes(root) != holding.root


def test_removing_a_unit_of_a_larger_holding_needs_its_proof(harness: Any) -> None:
    lot = LotTree(ids.unit_leaf(GTIN, f"S{i:03d}") for i in range(4))
    holding = lot.holding(set(lot.leaves))
    first = ids.unit_leaf(GTIN, "S000")
    for proof in ([], holding.proof(ids.unit_leaf(GTIN, "S001"))):
        root, _ = harness.remove(proof, _unit("S000"))
        assert bytes(root) != holding.root
    assert bytes(harness.remove(holding.proof(first), _unit("S000"))[0]) == holding.root
