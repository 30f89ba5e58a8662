"""ClaimsAdjudicator.adjudicate: who may adjudicate, state checks, events and payment at once
or pended when the escrow is short (the rules themselves: test_rules.py)."""

from __future__ import annotations

import pytest

from tests.brownie_support import assert_event
from tests.contracts.claims_adjudicator.support import (
    D_NONE,
    D_NOT_COVERED,
    ESCROW,
    INSURER_ROLE,
    M1,
    M9,
    MAIN,
    MAIN_TERMS,
    OFFICE,
    S_PENDING,
    S_REVERSAL,
    S_SETTLED,
    TIGHT,
    UNLISTED,
    claim,
    line,
    plan_tuple,
    ref,
    remittance,
)

NOT_PLAN_INSURER = ["rival", "admin", "regulator", "provider", "clinic", "patient", "stranger"]


def office(name="c1", member=M1, charge=15_000, plan_id=MAIN):
    return claim(name, member, [line(OFFICE, "2025-10-01", 1, charge)], plan_id=plan_id)


@pytest.fixture
def submitted(submit):
    """`submitted(*claims)` -> their ids, submitted by the provider."""

    def _submitted(*claims):
        return [bytes(i) for i in submit(*claims).return_value]

    return _submitted


# ------------------------------------------------------------------------------ happy path


def test_adjudicate_settles_the_claim_and_credits_the_provider(
    adjudicator, escrow, submitted, adjudicate, provider, insurer
):
    [cid] = submitted(office())

    adjudicate(cid)

    assert tuple(adjudicator.claimOf(cid))[3:5] == (S_SETTLED, 1)
    assert escrow.creditOf(provider) == 7_500
    assert escrow.escrowOf(insurer) == ESCROW - 7_500


def test_adjudicate_emits_line_results_claim_totals_and_the_payment(
    submitted, adjudicate, provider, insurer
):
    [cid] = submitted(office())

    tx = adjudicate(cid)

    assert_event(
        tx,
        "ClaimLineAdjudicated",
        claimId=cid,
        line=1,
        charge=15_000,
        allowed=10_000,
        paid=7_500,
        adjustments=[(b"CO", 45, 5_000), (b"PR", 3, 2_500)],
    )
    assert_event(
        tx,
        "ClaimAdjudicated",
        claimId=cid,
        planId=MAIN,
        provider=provider,
        status=1,
        charge=15_000,
        paid=7_500,
        patientResponsibility=2_500,
    )
    assert_event(
        tx,
        "PaymentCredited",
        claimId=cid,
        provider=provider,
        insurer=insurer,
        amount=7_500,
        recouped=0,
    )


def test_adjudicate_stores_the_line_results(adjudicator, submitted, adjudicate):
    [cid] = submitted(
        claim("c1", M1, [line(OFFICE, "2025-10-01", 1, 15_000), line(UNLISTED, "2025-10-01", 1, 9)])
    )
    adjudicate(cid)

    assert [tuple(r) for r in adjudicator.lineResults(cid)] == [
        (D_NONE, 0, 5_000, 2_500, 0, 0, 1),
        (D_NOT_COVERED, 0, 0, 0, 0, 0, 0),
    ]


def test_a_claim_that_pays_nothing_is_settled_without_a_payment_event(
    adjudicator, escrow, submitted, adjudicate, provider
):
    [cid] = submitted(office(member=M9))

    tx = adjudicate(cid)

    assert tuple(adjudicator.claimOf(cid))[3:5] == (S_SETTLED, 4)
    assert "PaymentCredited" not in tx.events and "PaymentPended" not in tx.events
    assert escrow.creditOf(provider) == 0


def test_an_unfunded_escrow_pends_the_payment_and_does_not_deny_the_claim(
    adjudicator, escrow, submitted, adjudicate, provider, insurer
):
    escrow.withdrawEscrow(ESCROW - 7_499, {"from": insurer})
    [cid] = submitted(office())

    tx = adjudicate(cid)

    assert tuple(adjudicator.claimOf(cid))[3:5] == (S_PENDING, 1)
    assert_event(tx, "PaymentPended", claimId=cid, provider=provider, insurer=insurer, amount=7_500)
    assert "PaymentCredited" not in tx.events
    assert remittance(adjudicator, cid)["paid"] == 7_500
    assert escrow.escrowOf(insurer) == 7_499
    assert escrow.creditOf(provider) == 0


def test_an_escrow_of_exactly_the_payment_pays_it(
    adjudicator, escrow, submitted, adjudicate, insurer
):
    escrow.withdrawEscrow(ESCROW - 7_500, {"from": insurer})
    [cid] = submitted(office())

    adjudicate(cid)

    assert adjudicator.claimOf(cid)[3] == S_SETTLED
    assert escrow.escrowOf(insurer) == 0


def test_claims_of_several_plans_of_the_insurer_go_in_one_batch(adjudicator, submitted, adjudicate):
    ids = submitted(office("c1"), office("c2", plan_id=TIGHT), office("c3", charge=9_000))

    adjudicate(*ids)

    assert [adjudicator.claimOf(i)[3] for i in ids] == [S_SETTLED] * 3


# ------------------------------------------------------------------------------ reverts


def test_adjudicate_refuses_an_unknown_claim(adjudicate, reverts_with):
    with reverts_with("ClaimsAdjudicatorClaimNotFound", ref("nothing")):
        adjudicate(ref("nothing"))


def test_adjudicate_refuses_a_claim_adjudicated_before(submitted, adjudicate, reverts_with):
    [cid] = submitted(office())
    adjudicate(cid)
    with reverts_with("ClaimsAdjudicatorUnexpectedClaimState", cid, S_SETTLED):
        adjudicate(cid)


def test_adjudicate_refuses_the_same_claim_twice_in_one_batch(submitted, adjudicate, reverts_with):
    [cid] = submitted(office())
    with reverts_with("ClaimsAdjudicatorUnexpectedClaimState", cid, S_SETTLED):
        adjudicate(cid, cid)


def test_adjudicate_refuses_a_reversal_record(
    adjudicator, submitted, adjudicate, insurer, reverts_with
):
    [cid] = submitted(office())
    adjudicate(cid)
    reversal = bytes(adjudicator.reverseClaim(cid, {"from": insurer}).return_value)
    with reverts_with("ClaimsAdjudicatorUnexpectedClaimState", reversal, S_REVERSAL):
        adjudicate(reversal)


@pytest.mark.parametrize("name", NOT_PLAN_INSURER)
def test_adjudicate_refuses_anyone_but_the_plan_insurer(
    submitted, adjudicate, cast, reverts_with, name
):
    [cid] = submitted(office())
    with reverts_with("ClaimsAdjudicatorNotPlanInsurer", MAIN, cast[name]):
        adjudicate(cid, sender=cast[name])


def test_adjudicate_refuses_a_batch_with_another_insurers_claim(
    adjudicator, submitted, adjudicate, rival, insurer, reverts_with
):
    rival_plan = adjudicator.registerPlan(
        ref("rival plan"), plan_tuple(MAIN_TERMS), {"from": rival}
    )
    ours, theirs = submitted(office("c1"), office("c2", member=M9, plan_id=rival_plan.return_value))
    with reverts_with("ClaimsAdjudicatorNotPlanInsurer", rival_plan.return_value, insurer):
        adjudicate(ours, theirs)


def test_adjudicate_refuses_the_plan_insurer_once_suspended(
    participants, submitted, adjudicate, insurer, regulator, reverts_with
):
    [cid] = submitted(office())
    participants.suspendCredential(insurer, INSURER_ROLE, {"from": regulator})
    with reverts_with("ClaimsAdjudicatorNotActiveInsurer", insurer):
        adjudicate(cid)


# ------------------------------------------------------------------------------ remittance view


def test_the_remittance_of_a_claim_not_yet_adjudicated_is_refused(
    adjudicator, submitted, reverts_with
):
    [cid] = submitted(office())
    with reverts_with("ClaimsAdjudicatorUnexpectedClaimState", cid, 1):
        adjudicator.remittanceOf(cid)


def test_the_remittance_of_an_unknown_claim_is_refused(adjudicator, plan, reverts_with):
    with reverts_with("ClaimsAdjudicatorClaimNotFound", ref("nothing")):
        adjudicator.remittanceOf(ref("nothing"))


def test_claim_states_reads_many_claims_at_once(adjudicator, submitted, adjudicate):
    first, second = submitted(office("c1"), office("c2", charge=9_000))
    adjudicate(first)

    assert list(adjudicator.claimStates([first, second, ref("nothing")])) == [S_SETTLED, 1, 0]
