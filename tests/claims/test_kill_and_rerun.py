"""Kill -9 and rerun: `hygeia claims adjudicate-file` killed while it submits or adjudicates a
batch, then run again, leaves every claim submitted, adjudicated and paid exactly once, with the
remittance an uninterrupted run gives. Also the brownie script's command line."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from web3.exceptions import Web3RPCError

from hygeia.claims.batch import Batch, load_batch, parse_batch
from hygeia.claims.client import ClaimsAdjudicatorClient
from hygeia.claims.ids import Pseudonyms, claim_id, load_salt
from hygeia.core.contract_types import ClaimState
from tests.chains import Chain
from tests.claims.conftest import RunnerFactory, event_count, plain, wait_until_mined
from tests.support import ROOT

CLAIMS = 60
_POLL, _TIMEOUT = 0.01, 120.0


def generated_batch(plan_id: str) -> dict[str, Any]:
    """A batch of CLAIMS claims of ten members by three providers, fixed by a seed."""
    rng = random.Random(5)
    start = date(2025, 1, 1)
    codes = ["99213", "80053", "97110", "70553", "99999"]
    members = [f"M-{n}" for n in range(10)]
    claims = []
    for n in range(CLAIMS):
        service = start + timedelta(days=rng.randrange(200))
        lines = [
            {
                "code": rng.choice(codes),
                "service_date": (service + timedelta(days=rng.randrange(3))).isoformat(),
                "units": rng.randrange(1, 5),
                "charge": rng.randrange(1_000, 60_000),
                **({"auth_id": "PA-1"} if rng.random() < 0.3 else {}),
            }
            for _ in range(rng.randrange(1, 4))
        ]
        last = max(date.fromisoformat(line["service_date"]) for line in lines)
        claims.append(
            {
                "claim_id": f"C-{n}",
                "member_id": rng.choice([*members, "M-unknown"]),
                "provider": rng.choice(["1234567893", "1999999984", "1578921234"]),
                # From the last service date: a claim is received after every line's service.
                "received": (last + timedelta(days=rng.randrange(120))).isoformat(),
                "lines": lines,
            }
        )
    return {
        "plan": {
            "plan_id": plan_id,
            "plan_year": {"start": "2025-01-01", "end": "2025-12-31"},
            "deductible": 50_000,
            "oop_max": 150_000,
            "coinsurance_bps": 2_000,
            "timely_filing_days": 90,
            "services": {
                "99213": {"allowed": 10_000, "copay": 2_500, "deductible_applies": False},
                "80053": {"allowed": 3_333},
                "97110": {"allowed": 4_000, "annual_limit": 12},
                "70553": {"allowed": 120_000, "prior_auth": True},
            },
        },
        "members": [
            {"member_id": m, "coverage": {"start": "2025-01-01", "end": "2025-09-30"}}
            for m in members
        ],
        "authorizations": [
            {
                "member_id": "M-1",
                "code": "70553",
                "auth_id": "PA-1",
                "start": "2025-01-01",
                "end": "2025-06-30",
            },
        ],  # fmt: skip
        "claims": claims,
    }


def read_states(reader: ClaimsAdjudicatorClient, ids: list[bytes]) -> list[ClaimState]:
    """Claim states while another process mines: Anvil with --prune-history may answer a call
    made as a block is mined with BlockOutOfRangeError; ask again."""
    while True:
        try:
            return reader.claim_states(ids)
        except Web3RPCError as exc:
            if "BlockOutOfRange" not in str(exc):
                raise
            time.sleep(_POLL)


def progressed(states: list[ClaimState], stage: str) -> int:
    """How many claims the run got through `stage` (submit or adjudicate)."""
    if stage == "submit":
        return sum(1 for s in states if s is not ClaimState.NONE)
    return sum(1 for s in states if s in (ClaimState.SETTLED, ClaimState.PAYMENT_PENDING))


def _command(url: str, book: Path, batch: Path, out: Path, salt: Path) -> list[str]:
    return [
        sys.executable, "-m", "hygeia.cli.main", "claims", "adjudicate-file", str(batch),
        "--out", str(out), "--salt-file", str(salt), "--batch-size", "1",
        "--rpc", url, "--deployments", str(book), "--json",
    ]  # fmt: skip


def _claim_ids(batch_path: Path, salt_path: Path) -> list[bytes]:
    batch = load_batch(batch_path)
    pseudonyms = Pseudonyms(load_salt(salt_path))
    return [
        claim_id(
            Account.from_key(pseudonyms.account_key("provider", c.provider)).address,
            pseudonyms.claim_ref(c.claim_ref),
        )
        for c in batch.claims
    ]


@pytest.mark.parametrize("stage", ["submit", "adjudicate"])
def test_a_run_killed_mid_batch_and_rerun_pays_every_claim_exactly_once(
    suite_chain: Chain,
    deployments_dir: Path,
    reader: ClaimsAdjudicatorClient,
    make_runner: RunnerFactory,
    tmp_path: Path,
    stage: str,
) -> None:
    batch_path, salt_path, out = tmp_path / "batch.json", tmp_path / "salt", tmp_path / "remit.json"
    batch_path.write_text(json.dumps(generated_batch(f"KILL-{stage}")))
    command = _command(suite_chain.url, deployments_dir, batch_path, out, salt_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + _TIMEOUT
    while not salt_path.exists() and time.monotonic() < deadline:
        time.sleep(_POLL)
    ids = _claim_ids(batch_path, salt_path)
    while progressed(read_states(reader, ids), stage) < CLAIMS // 3:
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(_POLL)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    # The run sends its transactions back to back: those Anvil took before the kill are still
    # mined after it, and the rerun does not count them.
    wait_until_mined(reader)
    before = reader.claim_states(ids)
    assert CLAIMS // 3 <= progressed(before, stage) < CLAIMS, "the kill must land mid-stage"
    assert not out.exists()

    rerun = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=_TIMEOUT
    )

    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    summary = json.loads(rerun.stdout)
    assert summary["adjudicated"] == CLAIMS - progressed(before, "adjudicate")
    for cid in ids:
        assert event_count(reader, "ClaimSubmitted", cid) == 1
        assert event_count(reader, "ClaimAdjudicated", cid) == 1
        assert event_count(reader, "PaymentCredited", cid) <= 1
    # The same batch run without interruption (another plan, another salt) remits the same.
    uninterrupted = make_runner().run(load_batch_with_plan(batch_path, f"WHOLE-{stage}"))
    assert plain(json.loads(out.read_text())) == plain(uninterrupted.document)


def load_batch_with_plan(path: Path, plan_id: str) -> Batch:
    data = json.loads(path.read_text())
    data["plan"]["plan_id"] = plan_id
    return parse_batch(data)


def test_the_brownie_script_passes_its_arguments_to_the_claims_command() -> None:
    spec = importlib.util.spec_from_file_location(
        "adjudicate_script", ROOT / "scripts" / "adjudicate.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)

    argv = ("--", "adjudicate-file", "b.json", "--out", "r.json")
    assert script.command_line(argv, "http://x") == [
        "claims", "adjudicate-file", "b.json", "--out", "r.json", "--rpc", "http://x",
    ]  # fmt: skip
    assert script.command_line(("adjudicate", "--pending"), "http://x")[:3] == [
        "claims", "adjudicate", "--pending",
    ]  # fmt: skip
    with pytest.raises(SystemExit, match="usage"):
        script.command_line(("--",), "http://x")
