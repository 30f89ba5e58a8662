"""CustodyTree (the pruned holding trees of DrugProvenance) against the SDK's trees
(hygeia.provenance.merkle), on random lots, holdings and selections: splitting a holding along a
multiproof gives the roots the SDK computes for the units kept and taken, removing one unit gives
the holding without it, and a multiproof that does not match the holding never passes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from brownie.test import given
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from hygeia.provenance import ids
from tests.contracts.drug_provenance.support import EXPIRY, GTIN, LOT, LotModel, unit_id

HOLDER = "0x" + "11" * 20  # whoever commissioned: only the holding's id depends on it
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def harness(CustodyTreeHarness: Any, accounts: Any) -> Any:
    return CustodyTreeHarness.deploy({"from": accounts[0]})


@st.composite
def lots_with_selections(draw: Any) -> tuple[LotModel, list[str]]:
    """A lot whose commissioned holding holds some of its units, and a non-empty selection of
    those (the brownie tests' lot model: its tree, leaves, unit ids and multiproofs)."""
    size = draw(st.integers(min_value=1, max_value=40))
    serials = tuple(f"S{i:03d}" for i in range(size))
    held = draw(st.sets(st.sampled_from(serials), min_size=1))
    chosen = draw(st.lists(st.sampled_from(sorted(held)), min_size=1, unique=True))
    lot = LotModel(GTIN, LOT, EXPIRY, serials, HOLDER)
    lot.holdings[lot.commissioning] = held
    return lot, chosen


def _root(lot: LotModel, serials: Iterable[str]) -> bytes:
    """The root of a holding of `serials` of `lot`."""
    return lot.tree.holding({lot.leaf_of[s] for s in serials}).root


@SETTINGS
@given(case=lots_with_selections())
def test_a_split_gives_the_roots_of_the_units_kept_and_taken(harness: Any, case: Any) -> None:
    lot, chosen = case
    held = lot.holdings[lot.commissioning]

    valid, root, remainder, part = harness.split(*lot.selection(lot.commissioning, chosen))

    assert valid
    assert bytes(root) == _root(lot, held)
    assert bytes(remainder) == _root(lot, held - set(chosen))
    assert bytes(part) == _root(lot, chosen)


@SETTINGS
@given(case=lots_with_selections())
def test_removing_a_unit_gives_the_holding_without_it(harness: Any, case: Any) -> None:
    lot, chosen = case
    held = lot.holdings[lot.commissioning]
    gone = chosen[0]

    root, remainder = harness.remove(lot.proof(lot.commissioning, gone), unit_id(gone))

    assert bytes(root) == _root(lot, held)
    assert bytes(remainder) == _root(lot, held - {gone})


@SETTINGS
@given(case=lots_with_selections(), outsider=st.integers(min_value=40, max_value=80))
def test_a_unit_outside_the_holding_never_splits_into_its_root(
    harness: Any, case: Any, outsider: int
) -> None:
    lot, chosen = case
    units, proof, flags = lot.selection(lot.commissioning, chosen)
    # The first unit listed swapped for one the lot does not have.
    forged = [unit_id(f"S{outsider:03d}"), *units[1:]]

    valid, root, _, _ = harness.split(forged, proof, flags)

    assert not valid or bytes(root) != _root(lot, lot.holdings[lot.commissioning])


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
    lot, chosen = case
    units, proof, flags = lot.selection(lot.commissioning, chosen)
    twice = ([units[0], *units], proof, [True, *flags])
    as_proof = (units, [ids.leaf(units[0]), *proof[1:]], flags) if proof else twice

    for forged in (twice, as_proof):
        valid, root, _, _ = harness.split(*forged)
        assert not valid or bytes(root) != _root(lot, lot.holdings[lot.commissioning])


def test_removing_a_unit_of_a_larger_holding_needs_its_proof(harness: Any) -> None:
    lot = LotModel(GTIN, LOT, EXPIRY, ("S000", "S001", "S002", "S003"), HOLDER)
    root = _root(lot, lot.serials)
    for proof in ([], lot.proof(lot.commissioning, "S001")):
        assert bytes(harness.remove(proof, unit_id("S000"))[0]) != root
    assert bytes(harness.remove(lot.proof(lot.commissioning, "S000"), unit_id("S000"))[0]) == root
