"""Chapter: an insurer funds its escrow and runs the adjudication script over a batch of claims
that touches every adjudication rule; the remittance and X12 835-like files are written from
what the chain computed, and providers withdraw their payments."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from importlib.resources import files
from pathlib import Path
from typing import Any

from hygeia.claims.batch import parse_batch
from hygeia.claims.client import ClaimsAdjudicatorClient
from hygeia.claims.ids import load_salt
from hygeia.claims.remittance import write_835_files
from hygeia.claims.runner import BatchRunner, Progress
from hygeia.core.chain.signers import dev_signer
from hygeia.dev.demo.setup import Cast
from hygeia.dev.demo.story import Story


def run(cast: Cast, out_dir: Path, story: Story) -> None:
    story.chapter("Claims adjudication")
    batch = parse_batch(
        json.loads(files("hygeia.dev.demo").joinpath("data/claims_batch.json").read_text())
    )
    deployment = cast.suite("insurer").deployment
    runner = BatchRunner.on_local_chain(
        cast.w3,
        deployment,
        insurer=dev_signer(cast.w3, "insurer"),
        regulator=dev_signer(cast.w3, "regulator"),
        funder=dev_signer(cast.w3, "admin"),
        salt=load_salt(out_dir / "claims-salt"),
        on_progress=lambda p: _progress(story, p),
    )
    result = runner.run(batch)
    if result.gas_used:
        story.spent("claims batch (set-up, submit, adjudicate, pay)", result.gas_used)
    story.say(
        f"the insurer ran the adjudication script over {len(batch.claims)} claims of plan "
        f"{batch.plan.plan_id}: {result.submitted} submitted and {result.adjudicated} adjudicated "
        "on-chain in this run (a rerun finds them on the chain and pays nothing twice)"
    )
    story.table(
        "remittance (computed by the contract, read back from the chain)",
        ["claim", "status", "charge", "paid", "patient owes", "adjustments"],
        [
            [c["claim_id"], c["status"], _usd(c["charge"]), _usd(c["paid"]),
             _usd(c["patient_responsibility"]),
             _codes(c)]
            for c in result.document["claims"]
        ],
    )  # fmt: skip
    remit = out_dir / "remittance.json"
    remit.write_text(json.dumps(result.document, indent=2) + "\n")
    story.wrote("remittance (JSON, as `hygeia claims adjudicate-file` writes it)", str(remit))
    client = runner.claims
    for path in write_835_files(
        client, result.claims, payer=runner.insurer, out_dir=out_dir / "835",
        created=datetime.now(timezone.utc),
    ):  # fmt: skip
        story.wrote("X12 835-like remittance advice", str(path))

    withdrawn = 0
    for name in sorted({c.provider for c in batch.claims}):
        provider = runner.parties.provider(name)
        as_provider = ClaimsAdjudicatorClient(
            cast.w3, client.address, runner.parties.sender(provider)
        )
        credit = as_provider.credit_of(provider.address)
        if credit:
            story.spent("ClaimsAdjudicator.withdraw", as_provider.withdraw().gas_used)
            withdrawn += credit
    story.say(f"providers withdrew {_usd(withdrawn)} from their credits (pull payments)")


def _progress(story: Story, progress: Progress) -> None:
    if progress.done == progress.total:
        story.say(f"  {progress.stage}: {progress.total} done")


def _codes(claim: dict[str, Any]) -> str:
    """The claim's adjustments as 835 group-CARC pairs, e.g. "CO-45 PR-1"."""
    return " ".join(
        f"{a['group']}-{a['carc']}" for line in claim["lines"] for a in line["adjustments"]
    )


def _usd(cents: int) -> str:
    return f"${cents / 100:,.2f}"
