"""`hygeia index` on both backends: --once --json, errors as JSON, and an indexer killed with
SIGKILL mid-run whose rerun leaves the database equal to a fresh index, nothing twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from hygeia.cli.main import main
from hygeia.index import IndexStore
from tests.chains import Chain
from tests.index.conftest import NewIndex, emit, fresh_dump
from tests.support import ROOT, free_port

_TIMEOUT = 120.0


def _command(chain: Chain, url: str, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "hygeia.cli.main", "index", "--index", url,
        "--rpc", chain.url, "--deployments", str(chain.deployments), *extra,
    ]  # fmt: skip


def test_once_json_reports_what_it_indexed(
    events_chain: Chain, new_index: NewIndex, capsys: object
) -> None:
    url = new_index()
    argv = ["index", "--once", "--json", "--index", url, "--rpc", events_chain.url]
    status = main([*argv, "--deployments", str(events_chain.deployments), "--max-range", "16"])
    out = json.loads(capsys.readouterr().out)  # type: ignore[attr-defined]
    assert status == 0, out
    fresh = fresh_dump(events_chain, new_index())
    assert out["events"] == len(fresh["logs"])  # type: ignore[arg-type]
    assert out["cursor"] == out["head"] == events_chain.w3.eth.block_number
    assert out["lag"] == 0 and out["confirmations"] == 0 and out["events_per_second"] > 0
    store = IndexStore(url)
    try:
        assert store.dump() == fresh
    finally:
        store.close()


def test_a_database_that_refuses_is_a_json_error_after_backing_off(
    events_chain: Chain, capsys: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    # The store's waits are recorded, not slept; the time module itself is left alone.
    monkeypatch.setattr("hygeia.index.store.time", SimpleNamespace(sleep=waits.append))
    url = f"postgresql://hygeia@127.0.0.1:{free_port()}/none"
    argv = ["--json", "index", "--once", "--index", url, "--rpc", events_chain.url]
    status = main([*argv, "--deployments", str(events_chain.deployments)])
    out = json.loads(capsys.readouterr().out)  # type: ignore[attr-defined]
    assert status == 1
    assert out["error"]["type"] == "IndexUnavailableError"
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0]  # five retries, 15.5 s before giving up


def test_killed_mid_run_resumes_to_a_fresh_index(own_chain: Chain, new_index: NewIndex) -> None:
    emit(own_chain, 300)
    head = own_chain.w3.eth.block_number
    url = new_index()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        _command(own_chain, url, "--max-range", "2"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    store = IndexStore(url)
    try:
        deadline = time.monotonic() + _TIMEOUT
        while True:
            assert time.monotonic() < deadline, "the indexer made no progress"
            assert process.poll() is None, "the indexer stopped by itself"
            try:
                cursor = store.cursor()
            except Exception:  # the schema is not there yet
                cursor = None
            if cursor is not None and cursor.number >= head // 3:
                break
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        killed_at = store.cursor()
        assert killed_at is not None and killed_at.number < head, "the kill must land mid-run"
        before = store.event_count()

        rerun = subprocess.run(
            _command(own_chain, url, "--once", "--json"),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
        )
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        summary = json.loads(rerun.stdout)
        assert summary["blocks"] == head - killed_at.number
        assert before + summary["events"] == store.event_count()
        resumed = store.dump()
        assert resumed == fresh_dump(own_chain, new_index())
        # The domain tables hold each event once too (three issued, 300 renewed).
        assert len(resumed["domain"]["credentials"]) == 303
    finally:
        store.close()
        if process.poll() is None:
            process.kill()


def test_default_index_is_a_file_under_the_state_folder(
    events_chain: Chain, tmp_path: Path, monkeypatch: object, capsys: object
) -> None:
    monkeypatch.chdir(tmp_path)  # type: ignore[attr-defined]
    monkeypatch.delenv("HYGEIA_INDEX", raising=False)  # type: ignore[attr-defined]
    argv = ["index", "--once", "--json", "--rpc", events_chain.url]
    assert main([*argv, "--deployments", str(events_chain.deployments)]) == 0
    out = json.loads(capsys.readouterr().out)  # type: ignore[attr-defined]
    assert out["index"] == "sqlite:///.hygeia/index/31337.sqlite"
    assert (tmp_path / ".hygeia" / "index" / "31337.sqlite").is_file()
