"""Chapter: an insurer funds its escrow and runs the adjudication script over an X12 837P file of
claims that touches every adjudication rule; the remittance and the X12 835s (validated with
pyx12) are written from what the chain computed, and providers withdraw their payments."""

from __future__ import annotations

import json
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from hygeia.claims.batch import load_batch
from hygeia.claims.client import ClaimsAdjudicatorClient
from hygeia.claims.ids import load_salt
from hygeia.claims.runner import BatchRunner, Progress
from hygeia.claims.x12.edi835 import remit
from hygeia.claims.x12.profile import load_profile
from hygeia.core.chain.signers import dev_signer
from hygeia.core.files import write_owner_only
from hygeia.dev.demo.setup import Cast
from hygeia.dev.demo.story import Story

_DATA = files("hygeia.dev.demo").joinpath("data")


def run(cast: Cast, out_dir: Path, story: Story) -> None:
    story.chapter("Claims adjudication")
    with (
        as_file(_DATA.joinpath("claims.837")) as claims,
        as_file(_DATA.joinpath("claims_plan.json")) as plan,
        as_file(_DATA.joinpath("payer.json")) as payer,
    ):
        batch = load_batch(claims, plan)
        profile = load_profile(payer)
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
        f"the insurer read {len(batch.claims)} claims from an X12 837P file and ran the "
        f"adjudication script under plan {batch.plan.plan_id}: {result.submitted} submitted and "
        f"{result.adjudicated} adjudicated on-chain in this run (a rerun finds them on the chain "
        "and pays nothing twice)"
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
    remittance = out_dir / "remittance.json"
    write_owner_only(remittance, (json.dumps(result.document, indent=2) + "\n").encode())
    story.wrote("remittance (JSON, with payer claim control numbers)", str(remittance))
    client = runner.claims
    written = remit(
        client, result.claims, profile=profile, state_dir=out_dir / "x12-state",
        out_dir=out_dir / "835",
    )  # fmt: skip
    for remitted in written:
        story.wrote(
            f"X12 835 for payee {remitted.payee_npi}, validated with pyx12", str(remitted.path)
        )
    if written:
        story.say(
            f"wrote {len(written)} X12 835 remittance advice file(s), validated with pyx12 "
            f"(control numbers {', '.join(str(f.control) for f in written)})"
        )
    else:
        story.say("no new 835: every settled claim was remitted by an earlier run")

    withdrawn = 0
    for name in sorted({c.provider for c in batch.claims}):
        provider = runner.parties.provider(name)
        as_provider = ClaimsAdjudicatorClient(
            cast.w3, client.address, runner.parties.sender(provider)
        )
        credit = as_provider.credit_of(provider.address)
        if credit:
            story.spent("ClaimsEscrow.withdraw", as_provider.withdraw().gas_used)
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
