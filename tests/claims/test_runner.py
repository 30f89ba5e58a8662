"""The batch runner on a real Anvil: the sample batch gives the remittance written by hand; runs
are resumable (interrupted at any point and run again, every claim is submitted, adjudicated and
paid exactly once); payments pend without escrow and are settled by a later run."""

from __future__ import annotations

from typing import Any

import pytest

from hygeia.claims.batch import Batch, parse_batch
from hygeia.claims.client import ClaimsAdjudicatorClient
from hygeia.claims.runner import Progress
from hygeia.claims.token import PaymentTokenClient
from hygeia.core.contract_types import ClaimState
from hygeia.core.errors import InvalidInputError
from hygeia.deploy import DeployResult
from tests.claims.conftest import RunnerFactory, claim_ids_of, event_count, plain


class Interrupted(Exception):
    """Stands for the process being killed between two transactions."""


def interrupt_at(stage: str, done: int) -> Any:
    def on_progress(progress: Progress) -> None:
        if progress.stage == stage and progress.done >= done:
            raise Interrupted(f"{stage} {done}")

    return on_progress


def test_the_sample_batch_gives_the_remittance_written_by_hand(
    make_runner: RunnerFactory, batch: Batch, expected: dict[str, Any]
) -> None:
    result = make_runner().run(batch)

    assert plain(result.document) == expected
    assert (result.submitted, result.adjudicated) == (9, 9)
    assert result.gas_used > 0
    assert [c.record.state for c in result.claims] == [ClaimState.SETTLED] * 9


def test_a_second_run_sends_nothing_and_reads_the_same_remittance(
    make_runner: RunnerFactory, batch: Batch, expected: dict[str, Any]
) -> None:
    make_runner().run(batch)

    again = make_runner().run(batch)

    assert plain(again.document) == expected
    assert (again.submitted, again.adjudicated, again.settled, again.gas_used) == (0, 0, 0, 0)


@pytest.mark.parametrize("batch_size", [1, 2, 4])
def test_results_do_not_depend_on_the_batch_size(
    make_runner: RunnerFactory, batch: Batch, expected: dict[str, Any], batch_size: int
) -> None:
    assert plain(make_runner(batch_size=batch_size).run(batch).document) == expected


@pytest.mark.parametrize(
    "stage, done",
    [
        ("plan", 1),
        ("services", 2),
        ("members", 1),
        ("consents", 1),
        ("submit", 2),
        ("submit", 7),
        ("fund", 1),
        ("adjudicate", 0),
        ("adjudicate", 2),
        ("adjudicate", 6),
        ("remittance", 3),
    ],
)
def test_a_run_interrupted_anywhere_completes_on_rerun_paying_each_claim_once(
    make_runner: RunnerFactory,
    reader: ClaimsAdjudicatorClient,
    batch: Batch,
    expected: dict[str, Any],
    stage: str,
    done: int,
) -> None:
    interrupted = make_runner(batch_size=2, on_progress=interrupt_at(stage, done))
    # An empty escrow, so the run has to fund it (other tests leave funds behind).
    escrow = reader.escrow_of(interrupted.insurer)
    if escrow:
        interrupted.claims.withdraw_escrow(escrow)
    with pytest.raises(Interrupted):
        interrupted.run(batch)

    runner = make_runner(batch_size=2)
    result = runner.run(batch)

    assert plain(result.document) == expected
    for cid in claim_ids_of(runner, batch).values():
        assert event_count(reader, "ClaimSubmitted", cid) == 1
        assert event_count(reader, "ClaimAdjudicated", cid) == 1
        assert event_count(reader, "PaymentCredited", cid) <= 1


def test_progress_reaches_every_stage_total(make_runner: RunnerFactory, batch: Batch) -> None:
    seen: list[Progress] = []
    make_runner(batch_size=3, on_progress=seen.append).run(batch)

    last = {p.stage: p for p in seen}
    assert {s: (p.done, p.total) for s, p in last.items()} == {
        "plan": (1, 1),
        "services": (4, 4),
        "members": (2, 2),
        "authorizations": (1, 1),
        "consents": (2, 2),
        "submit": (9, 9),
        "fund": (1, 1),
        "adjudicate": (9, 9),
        "remittance": (9, 9),
    }
    for stage in last:
        counts = [p.done for p in seen if p.stage == stage]
        assert counts == sorted(counts)


def test_without_escrow_payments_pend_and_a_later_run_settles_them(
    make_runner: RunnerFactory,
    reader: ClaimsAdjudicatorClient,
    deployed: DeployResult,
    batch: Batch,
    expected: dict[str, Any],
) -> None:
    # An insurer of its own, so its escrow starts empty (the runner credentials it).
    unfunded = make_runner(fund=False, insurer="specialist").run(batch)

    assert plain(unfunded.document) == expected
    states = {c.entry.label: c.record.state for c in unfunded.claims}
    paid = {c["claim_id"] for c in expected["claims"] if c["paid"] > 0}
    assert {k for k, s in states.items() if s is ClaimState.PAYMENT_PENDING} == paid

    funded = make_runner(insurer="specialist").run(batch)

    assert plain(funded.document) == expected
    assert funded.adjudicated == 0 and funded.settled == len(paid)
    assert all(c.record.state is ClaimState.SETTLED for c in funded.claims)
    runner = make_runner()
    providers = {c.provider: runner.parties.provider(c.provider).address for c in batch.claims}
    credit = sum(reader.credit_of(address) for address in providers.values())
    assert credit == sum(c["paid"] for c in expected["claims"])
    token = PaymentTokenClient(reader.w3, deployed.deployment.address_of("TestStablecoin"))
    assert token.decimals() == 2


def test_a_plan_on_the_chain_with_other_terms_is_refused(
    make_runner: RunnerFactory, batch_data: dict[str, Any]
) -> None:
    make_runner().run(parse_batch(batch_data))
    batch_data["plan"]["deductible"] += 1
    with pytest.raises(InvalidInputError, match="with other terms"):
        make_runner().run(parse_batch(batch_data))
