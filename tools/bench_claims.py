"""Benchmark: a 1,000-claim batch through `hygeia claims adjudicate-file`'s runner on a fresh Anvil.

Starts Anvil on a free port, deploys the suite, generates a fixed batch (seeded), runs it and
reports claims per second (submission and adjudication stages, and end to end) and gas per
claim and per line.

    .venv/bin/python tools/bench_claims.py [--claims 1000] [--batch-size 50] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hygeia import artifacts  # noqa: E402
from hygeia.chain import TxSender, connect, dev_signer  # noqa: E402
from hygeia.claims.batch import parse_batch  # noqa: E402
from hygeia.claims.runner import BatchRunner, Progress  # noqa: E402
from hygeia.deploy import deploy_suite  # noqa: E402
from hygeia.nodes import anvil  # noqa: E402

SEED = 2025
PROVIDERS = ("1234567893", "1999999984", "1578921234", "1003000126", "1386664532")


def batch(claims: int) -> dict[str, Any]:
    """`claims` claims (1 to 3 lines) of 200 members by 5 providers over plan year 2025."""
    rng = random.Random(SEED)
    members = [f"M-{n:04d}" for n in range(200)]
    codes = ["99213", "80053", "97110", "70553", "36415", "99999"]
    rows = []
    for n in range(claims):
        service = date(2025, 1, 1) + timedelta(days=rng.randrange(300))
        rows.append(
            {
                "claim_id": f"C-{n:05d}",
                "member_id": rng.choice(members),
                "provider": rng.choice(PROVIDERS),
                "received": (service + timedelta(days=rng.randrange(1, 60))).isoformat(),
                "lines": [
                    {
                        "code": rng.choice(codes),
                        "service_date": (service - timedelta(days=k)).isoformat(),
                        "units": rng.randrange(1, 4),
                        "charge": rng.randrange(2_000, 80_000),
                    }
                    for k in range(rng.randrange(1, 4))
                ],
            }
        )
    return {
        "plan": {
            "plan_id": "BENCH",
            "plan_year": {"start": "2025-01-01", "end": "2025-12-31"},
            "deductible": 50_000,
            "oop_max": 300_000,
            "coinsurance_bps": 2_000,
            "timely_filing_days": 90,
            "services": {
                "99213": {"allowed": 10_000, "copay": 2_500, "deductible_applies": False},
                "80053": {"allowed": 3_333},
                "97110": {"allowed": 4_000, "annual_limit": 20},
                "70553": {"allowed": 120_000, "prior_auth": True},
                "36415": {
                    "allowed": 900,
                    "deductible_applies": False,
                    "coinsurance_applies": False,
                },
            },
        },
        "members": [
            {"member_id": m, "coverage": {"start": "2025-01-01", "end": "2025-12-31"}}
            for m in members
        ],
        "authorizations": [],
        "claims": rows,
    }


def run(claims: int, batch_size: int) -> dict[str, Any]:
    state = Path(tempfile.mkdtemp(prefix="hygeia-bench-"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    node = anvil.start(state, port=port, persist=False)
    try:
        w3 = connect(node.url)
        admin = TxSender(w3, dev_signer(w3, "admin"), artifacts.suite_decoder())
        deployment = deploy_suite(admin, regulators=(w3.eth.accounts[1],)).deployment
        stages: dict[str, list[float]] = {}

        def on_progress(progress: Progress) -> None:
            stages.setdefault(progress.stage, [time.monotonic(), 0.0])[1] = time.monotonic()

        runner = BatchRunner.on_local_chain(
            w3,
            deployment,
            insurer=dev_signer(w3, "insurer"),
            regulator=dev_signer(w3, "regulator"),
            funder=dev_signer(w3, "admin"),
            salt=bytes(32),
            batch_size=batch_size,
            on_progress=on_progress,
        )
        data = parse_batch(batch(claims))
        result = runner.run(data)
        lines = sum(len(c.lines) for c in data.claims)

        def rate(stage: str) -> float:
            start, end = stages[stage]
            return round(claims / (end - start), 1) if end > start else 0.0

        return {
            "claims": claims,
            "lines": lines,
            "batch_size": batch_size,
            "seconds": round(result.seconds, 2),
            "claims_per_second_end_to_end": round(claims / result.seconds, 1),
            "claims_per_second_submission": rate("submit"),
            "claims_per_second_adjudication": rate("adjudicate"),
            "gas_total": result.gas_used,
            "gas_per_claim": result.gas_used // claims,
            "gas_per_line": result.gas_used // lines,
        }
    finally:
        anvil.stop(state)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = run(args.claims, args.batch_size)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key:32} {value:,}" if isinstance(value, int) else f"{key:32} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
