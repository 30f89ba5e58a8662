"""adjudicate_pending: the insurer adjudicates claims providers already submitted, in submission
order, resumably, and reads the remittances back under the on-chain ids."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from web3 import Web3
from web3.types import RPCEndpoint

from hygeia.claims.batch import Batch
from hygeia.claims.client import ClaimsAdjudicatorClient
from hygeia.claims.ids import plan_key
from hygeia.claims.runner import BatchRunner, Progress, adjudicate_pending
from hygeia.core.contract_types import ClaimState, Role
from hygeia.core.errors import InvalidInputError
from tests.claims.conftest import (
    RunnerFactory,
    claim_ids_of,
    event_count,
    plain,
    wait_until_mined,
)


class Stop(Exception):
    pass


def stop_at(stage: str, done: int) -> Any:
    def on_progress(progress: Progress) -> None:
        if progress.stage == stage and progress.done >= done:
            raise Stop

    return on_progress


@pytest.fixture
def submitted_only(make_runner: RunnerFactory, batch: Batch) -> tuple[BatchRunner, int]:
    """The sample batch set up and submitted, nothing adjudicated; -> (runner, plan id)."""
    runner = make_runner(on_progress=stop_at("adjudicate", 0))
    with pytest.raises(Stop):
        runner.run(batch)
    plan_id = runner.claims.plan_id_of(runner.insurer, _plan_key(batch))
    return runner, plan_id


def _plan_key(batch: Batch) -> bytes:
    return plan_key(batch.plan.plan_id, batch.plan.terms.year_start)


def _by_label(document: dict[str, Any], ids: dict[str, bytes]) -> dict[str, dict[str, Any]]:
    names = {"0x" + cid.hex(): name for name, cid in ids.items()}
    return {
        names[c["claim_id"]]: {**c, "claim_id": names[c["claim_id"]]}
        for c in plain(document)["claims"]
    }


def test_pending_claims_are_adjudicated_and_remitted_under_their_chain_ids(
    submitted_only: tuple[BatchRunner, int], batch: Batch, expected: dict[str, Any]
) -> None:
    runner, plan_id = submitted_only
    ids = claim_ids_of(runner, batch)
    assert set(runner.claims.claim_states(list(ids.values()))) == {ClaimState.SUBMITTED}

    result = adjudicate_pending(runner.claims, plan_ids=[plan_id], batch_size=4)

    assert result.adjudicated == 9
    assert _by_label(result.document, ids) == {c["claim_id"]: c for c in expected["claims"]}
    pseudonyms = runner.parties.pseudonyms
    assert result.document["accumulators"] == {
        "0x" + pseudonyms.member_id(m).hex(): v for m, v in expected["accumulators"].items()
    } | {"0x" + pseudonyms.member_id("M-9999").hex(): {"deductible_met": 0, "oop_met": 0}}


def test_the_submission_order_is_the_adjudication_order(
    submitted_only: tuple[BatchRunner, int], batch: Batch, expected: dict[str, Any]
) -> None:
    """The runner submitted provider by provider; pending claims go in that order (here the
    results equal the batch order's: no claim moved past one it depends on)."""
    runner, plan_id = submitted_only
    ids = claim_ids_of(runner, batch)
    result = adjudicate_pending(runner.claims, plan_ids=[plan_id])
    labels = list(_by_label(result.document, ids))

    assert labels == ["C-1", "C-2", "C-7", "C-9", "C-3", "C-4", "C-5", "C-6", "C-8"]


def test_an_interrupted_pending_run_completes_on_rerun_adjudicating_each_claim_once(
    submitted_only: tuple[BatchRunner, int],
    reader: ClaimsAdjudicatorClient,
    batch: Batch,
    expected: dict[str, Any],
) -> None:
    """The run stops after two of its five transactions are mined; those already sent are mined
    too (the node took them before the run stopped), and the rerun adjudicates exactly the
    claims they did not."""
    runner, plan_id = submitted_only
    ids = claim_ids_of(runner, batch)
    with pytest.raises(Stop):
        adjudicate_pending(
            runner.claims, plan_ids=[plan_id], batch_size=2, on_progress=stop_at("adjudicate", 4)
        )
    wait_until_mined(reader)
    states = reader.claim_states(list(ids.values()))
    before = sum(1 for state in states if state is not ClaimState.SUBMITTED)

    result = adjudicate_pending(runner.claims, plan_ids=[plan_id], batch_size=2)

    assert before >= 4
    assert result.adjudicated == 9 - before
    assert len(_by_label(result.document, ids)) == 9
    for cid in ids.values():
        assert event_count(reader, "ClaimAdjudicated", cid) == 1
        assert event_count(reader, "PaymentCredited", cid) <= 1


def test_without_plan_ids_every_plan_of_the_insurer_is_taken(
    submitted_only: tuple[BatchRunner, int],
) -> None:
    runner, plan_id = submitted_only
    result = adjudicate_pending(runner.claims)

    assert plan_id in result.plan_ids
    assert result.adjudicated >= 9


def test_a_plan_of_another_insurer_is_refused(
    submitted_only: tuple[BatchRunner, int], make_runner: RunnerFactory
) -> None:
    runner, plan_id = submitted_only
    other = make_runner(insurer="specialist")
    other.parties.ensure_credential(other.insurer, Role.INSURER, license_id="x")
    with pytest.raises(InvalidInputError, match="do not belong to the insurer"):
        adjudicate_pending(other.claims, plan_ids=[plan_id])


def test_a_read_only_client_cannot_adjudicate(reader: ClaimsAdjudicatorClient) -> None:
    with pytest.raises(InvalidInputError, match="sends as the insurer"):
        adjudicate_pending(reader)


@pytest.mark.parametrize("rerun", ["adjudicate_pending", "the batch run"])
def test_a_run_started_while_an_earlier_adjudication_is_unmined_waits_for_it(
    submitted_only: tuple[BatchRunner, int],
    make_runner: RunnerFactory,
    reader: ClaimsAdjudicatorClient,
    batch: Batch,
    w3: Web3,
    rerun: str,
) -> None:
    """A rerun right after a stopped run, while the node still holds an adjudication that run
    sent: the rerun waits for it to be mined before reading what is left, so no claim is sent
    for adjudication twice (the second would revert on chain)."""
    runner, plan_id = submitted_only
    ids = claim_ids_of(runner, batch)
    first = runner.claims.submitted_claims([plan_id])[0].claim_id
    assert runner.claims.sender is not None
    w3.provider.make_request(RPCEndpoint("evm_setAutomine"), [False])
    try:
        runner.claims.sender.send(runner.claims.adjudicate_call([first]))

        def mine() -> None:
            w3.provider.make_request(RPCEndpoint("evm_setAutomine"), [True])
            w3.provider.make_request(RPCEndpoint("evm_mine"), [])

        timer = threading.Timer(0.3, mine)
        timer.start()
        if rerun == "adjudicate_pending":
            result = adjudicate_pending(runner.claims, plan_ids=[plan_id], batch_size=4)
        else:
            result = make_runner().run(batch)
        timer.join()
    finally:
        w3.provider.make_request(RPCEndpoint("evm_setAutomine"), [True])

    assert result.adjudicated == 8
    for cid in ids.values():
        assert event_count(reader, "ClaimAdjudicated", cid) == 1
