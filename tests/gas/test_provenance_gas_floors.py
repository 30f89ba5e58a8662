"""DrugProvenance gas per operation beside its EVM floor (tests/gas/provenance_gas.py): figures
are deterministic, never below the floor, and every shipment stays within 1.3x of its own: of a
whole holding, or of a subset of a few units or of 1,024 (a subset's work grows with the
256-position words it passes, not its units). Subsets of the 1,024-unit lot also stay within a
fixed budget: 120,000 gas for 32 units, 250,000 for 512. The figures are in the snapshot, which
keeps them from growing unnoticed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.chains import anvil_chain
from tests.gas.provenance_gas import FLOORS, measure

SHIPMENT_BOUND = 1.3


@pytest.fixture(scope="module")
def gas(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[dict[str, int], dict[str, int]]]:
    with anvil_chain(tmp_path_factory.mktemp("provenance-gas-chain")) as chain:
        yield measure(chain.url), measure(chain.url)


def test_every_operation_is_measured_deterministically_and_has_a_floor(gas) -> None:  # type: ignore[no-untyped-def]
    first, second = gas
    assert first == second
    assert set(first) == set(FLOORS)
    print()
    for op, floor in FLOORS.items():
        print(f"GAS {op}: {first[op]:,} (floor {floor:,}, x{first[op] / floor:.2f})")


def test_no_operation_costs_less_than_its_floor(gas) -> None:  # type: ignore[no-untyped-def]
    measured, _ = gas
    assert {op: measured[op] for op in FLOORS if measured[op] < FLOORS[op]} == {}


WITHIN_BOUND = (
    "DrugProvenance.ship(whole holding)",
    "DrugProvenance.ship(voided shipment, whole)",
)
SUBSETS = (
    "DrugProvenance.ship(4 of 8 units)",
    "DrugProvenance.ship(32 of 1024 units)",
    "DrugProvenance.ship(512 of 1024 units)",
)


def test_whole_holdings_ship_at_most_1_3x_their_floor(gas) -> None:  # type: ignore[no-untyped-def]
    measured, _ = gas
    for op in WITHIN_BOUND:
        assert measured[op] <= SHIPMENT_BOUND * FLOORS[op], op


def test_subsets_ship_at_most_1_3x_their_floor_whatever_their_size(gas) -> None:  # type: ignore[no-untyped-def]
    measured, _ = gas
    for op in SUBSETS:
        assert measured[op] <= SHIPMENT_BOUND * FLOORS[op], op
    # 512 of 1,024 units cost little more than 32: the words passed, not the units, cost gas.
    assert measured[SUBSETS[2]] <= 1.1 * measured[SUBSETS[1]]


# The most a subset of a 1,024-unit lot may cost, whatever its floor: four words touched.
SUBSET_GAS = {
    "DrugProvenance.ship(32 of 1024 units)": 120_000,
    "DrugProvenance.ship(512 of 1024 units)": 250_000,
}


def test_subsets_of_a_1024_unit_lot_ship_within_their_gas_budget(gas) -> None:  # type: ignore[no-untyped-def]
    measured, _ = gas
    assert {op: measured[op] for op, most in SUBSET_GAS.items() if measured[op] > most} == {}
