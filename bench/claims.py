"""A 1,000-claim batch end to end: the payers' adjudication runner on a fresh Anvil.

A fixed, seeded batch (1 to 3 lines per claim, 200 members, 5 providers) goes through
:class:`hygeia.claims.runner.BatchRunner` as `hygeia claims adjudicate-file` runs it: plan,
enrolment, authorizations, the patients' payment consents, submission, adjudication, payment and
the remittance read back from the chain. Claims per second are reported per stage and end to end.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rich.progress import Progress

from bench.nodes import fresh_anvil
from hygeia.claims.batch import parse_batch
from hygeia.claims.runner import BatchRunner
from hygeia.claims.runner import Progress as Stage
from hygeia.core import artifacts
from hygeia.core.chain import TxSender, connect, dev_signer
from hygeia.deploy import deploy_suite

SEED = 2025
PROVIDERS = ("1234567893", "1999999984", "1578921234", "1003000126", "1386664532")
DEFAULT_CLAIMS, BATCH_SIZE = 1_000, 50


@dataclass(frozen=True)
class ClaimsBatchResult:
    claims: int
    lines: int
    batch_size: int
    seconds: float
    per_second_end_to_end: float
    per_second_submission: float
    per_second_adjudication: float
    gas_per_claim: int
    gas_per_line: int


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


def run(progress: Progress, claims: int = DEFAULT_CLAIMS) -> ClaimsBatchResult:
    task = progress.add_task(f"claims: a {claims:,}-claim batch", total=None)
    stages: dict[str, list[float]] = {}

    def on_stage(stage: Stage) -> None:
        stages.setdefault(stage.stage, [time.monotonic(), 0.0])[1] = time.monotonic()
        progress.update(task, description=f"claims: {stage.stage} {stage.done}/{stage.total}")

    with fresh_anvil() as node:
        w3 = connect(node.url)
        admin = TxSender(w3, dev_signer(w3, "admin"), artifacts.suite_decoder())
        regulator = dev_signer(w3, "regulator")
        deployment = deploy_suite(admin, regulators=(regulator.address,)).deployment
        runner = BatchRunner.on_local_chain(
            w3,
            deployment,
            insurer=dev_signer(w3, "insurer"),
            regulator=regulator,
            funder=dev_signer(w3, "admin"),
            salt=bytes(32),
            batch_size=BATCH_SIZE,
            on_progress=on_stage,
        )
        data = parse_batch(batch(claims))
        result = runner.run(data)
    progress.update(task, total=1, completed=1)
    lines = sum(len(c.lines) for c in data.claims)

    def rate(stage: str) -> float:
        start, end = stages.get(stage, [0.0, 0.0])
        return claims / (end - start) if end > start else 0.0

    return ClaimsBatchResult(
        claims=claims,
        lines=lines,
        batch_size=BATCH_SIZE,
        seconds=result.seconds,
        per_second_end_to_end=claims / result.seconds,
        per_second_submission=rate("submit"),
        per_second_adjudication=rate("adjudicate"),
        gas_per_claim=result.gas_used // claims,
        gas_per_line=result.gas_used // lines,
    )
