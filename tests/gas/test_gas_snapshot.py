"""Gas per operation, compared with the committed snapshot (snapshots/gas.json).

Gas is deterministic for the same bytecode and calldata, so a rise of more than 2% fails; a fall,
or a new operation, rewrites the snapshot (commit it): run `make test`, then
`git diff snapshots/`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.gas import (
    claims_gas,
    consent_gas,
    measure_on_fresh_chain,
    participants_gas,
    provenance_gas,
)
from tests.support import ROOT

SNAPSHOT = ROOT / "snapshots" / "gas.json"
TOLERANCE = 0.02


#: One module per component; each deploys the suite on the fresh chain it is given.
MEASURES: dict[str, Callable[[str], dict[str, int]]] = {
    "participants": participants_gas.measure,
    "consent": consent_gas.measure,
    "provenance": provenance_gas.measure,
    "claims": claims_gas.measure,
}


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    gas: dict[str, int] = {}
    for name, measure in MEASURES.items():
        first = measure_on_fresh_chain(measure, tmp_path_factory.mktemp(f"gas-{name}"))
        again = measure_on_fresh_chain(measure, tmp_path_factory.mktemp(f"gas-{name}-again"))
        assert first == again, (
            f"{name}: gas must be deterministic for the snapshot to mean anything"
        )
        gas.update(first)
    return gas


def compare(measured: dict[str, int], snapshot: dict[str, int]) -> list[str]:
    """The operations whose gas rose by more than the tolerance."""
    return [
        f"{op}: {snapshot[op]:,} -> {gas:,} gas (+{(gas - snapshot[op]) / snapshot[op]:.1%})"
        for op, gas in sorted(measured.items())
        if op in snapshot and gas > snapshot[op] * (1 + TOLERANCE)
    ]


def test_compare_flags_only_rises_above_two_percent() -> None:
    snapshot = {"a": 100_000, "b": 100_000, "c": 100_000}
    assert compare({"a": 102_000, "b": 102_001, "c": 90_000, "new": 1}, snapshot) == [
        "b: 100,000 -> 102,001 gas (+2.0%)"
    ]


def test_gas_per_operation_does_not_rise_above_the_snapshot(measured: dict[str, int]) -> None:
    snapshot = json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else {}
    rises = compare(measured, snapshot)
    assert not rises, "gas rose beyond 2%:\n" + "\n".join(rises)
    updated = {**{k: v for k, v in snapshot.items() if k in measured}, **measured}
    if updated != snapshot:
        _write(SNAPSHOT, updated)


def _write(path: Path, data: dict[str, int]) -> None:
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(dict(sorted(data.items())), indent=2) + "\n")
