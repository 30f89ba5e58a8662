"""ClaimsAdjudicator gas (tests/gas/claims_gas.py): every operation measured, deterministic, and
between its EVM floor and 1.6 times it."""

from __future__ import annotations

import pytest

from tests.gas import measure_on_fresh_chain
from tests.gas.claims_gas import FLOORS, measure

# The goal: no operation costs more than 1.6 times what its records cost at least.
BOUND = 1.6


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, int], dict[str, int]]:
    # Two fresh chains: on one chain the second deployment's constructor arguments (addresses)
    # differ in their zero bytes, and so in calldata gas.
    return measure_on_fresh_chain(measure, tmp_path_factory.mktemp("claims-gas-1")), (
        measure_on_fresh_chain(measure, tmp_path_factory.mktemp("claims-gas-2"))
    )


def test_gas_is_the_same_on_every_run(measured: tuple[dict[str, int], dict[str, int]]) -> None:
    first, second = measured
    assert first == second


def test_every_operation_has_a_floor(measured: tuple[dict[str, int], dict[str, int]]) -> None:
    operations = {op for op in measured[0] if not op.endswith(".deploy")}
    assert operations == set(FLOORS)


@pytest.mark.parametrize("operation", sorted(FLOORS))
def test_each_operation_costs_between_its_floor_and_the_bound(
    measured: tuple[dict[str, int], dict[str, int]], operation: str
) -> None:
    gas, floor = measured[0][operation], FLOORS[operation]
    print(f"\nGAS {operation}: {gas:,} (floor {floor:,}, {gas / floor:.2f}x)")
    assert floor <= gas <= BOUND * floor
