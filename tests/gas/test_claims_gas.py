"""ClaimsAdjudicator gas (tests/gas/claims_gas.py): every operation measured, deterministic, and
between its EVM floor and 1.6 times it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hygeia.nodes import anvil
from tests.gas.claims_gas import FLOORS, measure
from tests.support import free_port

# The goal: no operation costs more than 1.6 times what its records cost at least.
BOUND = 1.6


@pytest.fixture(scope="module")
def measured(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[dict[str, int], dict[str, int]]]:
    state = tmp_path_factory.mktemp("claims-gas-anvil")
    node = anvil.start(state, port=free_port(), persist=False)
    yield measure(node.url), measure(node.url)
    anvil.stop(state)


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
