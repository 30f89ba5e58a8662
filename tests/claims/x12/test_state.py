"""The remittance state: control numbers unique across concurrent runs, files for the owner only."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from hygeia.claims.x12.state import RemittanceState
from hygeia.core.errors import RemittanceStateError


def _take(folder: str, count: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    state = RemittanceState(Path(folder), "GOLDHEALTH")
    for _ in range(count):
        with state.open() as ledger:
            queue.put(ledger.next_control())


def test_concurrent_runs_take_distinct_control_numbers(tmp_path: Path) -> None:
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    workers = [
        multiprocessing.Process(target=_take, args=(str(tmp_path), 25, queue)) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    taken = [queue.get(timeout=60) for _ in range(100)]
    for worker in workers:
        worker.join(timeout=60)

    assert sorted(taken) == list(range(1, 101))
    assert (tmp_path / "GOLDHEALTH.json").stat().st_mode & 0o777 == 0o600


def test_a_failed_run_keeps_the_state_and_a_bad_file_is_named(tmp_path: Path) -> None:
    state = RemittanceState(tmp_path, "GOLDHEALTH")
    with state.open() as ledger:
        ledger.next_control()
    with pytest.raises(RuntimeError), state.open() as ledger:
        ledger.next_control()
        raise RuntimeError("the run failed")
    with state.open() as ledger:
        assert ledger.next_control() == 2

    (tmp_path / "GOLDHEALTH.json").write_text("{}")
    with pytest.raises(RemittanceStateError, match="not a remittance state file"), state.open():
        pass
