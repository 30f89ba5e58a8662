"""ClaimsAdjudicator.reverseClaim (835 status 22 by a new record, money recouped) and appeals.
The effect of a reversal on accumulators and on the duplicate rule is in test_rules.py."""

from __future__ import annotations

import pytest

from tests.brownie_support import assert_event
from tests.contracts.claims_adjudicator.support import (
    A_NONE,
    A_OPEN,
    A_OVERTURNED,
    A_UPHELD,
    ESCROW,
    FLU,
    INSURER_ROLE,
    M1,
    M9,
    MAIN,
    OFFICE,
    S_PENDING,
    S_REVERSAL,
    S_REVERSED,
    S_SETTLED,
    S_SUBMITTED,
    UNLISTED,
    ServiceSpec,
    claim,
    day,
    line,
    ref,
    remittance,
)

NOT_PLAN_INSURER = ["rival", "admin", "regulator", "provider", "clinic", "patient", "stranger"]
REASON = ref("appeal letter CID")
DECISION = ref("decision letter CID")


def office(name="c1", date="2025-10-01"):
    return claim(name, M1, [line(OFFICE, date, 1, 15_000)])


def reverse(adjudicator, claim_id, sender):
    return adjudicator.reverseClaim(claim_id, {"from": sender})


# ------------------------------------------------------------------------------ reverseClaim


def test_a_reversal_is_a_new_record_and_the_original_keeps_its_amounts(
    adjudicator, process, insurer, provider
):
    [cid] = process(office())
    original = remittance(adjudicator, cid)

    tx = reverse(adjudicator, cid, insurer)
    reversal = bytes(tx.return_value)

    assert reversal == bytes(adjudicator.reversalIdOf(cid)) != cid
    assert tuple(adjudicator.claimOf(reversal)) == (
        provider, MAIN, day("2025-10-15"), S_REVERSAL, 22, 1, True, "0x" + M1.hex(),
    )  # fmt: skip
    assert adjudicator.claimOf(cid)[3] == S_REVERSED
    assert remittance(adjudicator, cid) == original
    assert list(adjudicator.lineResults(reversal)) == list(adjudicator.lineResults(cid))
    assert list(adjudicator.claimLines(reversal)) == list(adjudicator.claimLines(cid))


def test_reverse_emits_claim_reversed_with_the_totals(adjudicator, process, insurer):
    [cid] = process(office())

    tx = reverse(adjudicator, cid, insurer)

    assert_event(
        tx,
        "ClaimReversed",
        claimId=cid,
        reversalId=adjudicator.reversalIdOf(cid),
        insurer=insurer,
        charge=15_000,
        paid=7_500,
        patientResponsibility=2_500,
    )


def test_reversing_a_paid_claim_takes_the_payment_back_from_unwithdrawn_credit(
    adjudicator, escrow, process, insurer, provider
):
    [cid] = process(office())

    tx = reverse(adjudicator, cid, insurer)

    assert_event(
        tx, "PaymentRecouped", claimId=cid, provider=provider, insurer=insurer, fromCredit=7_500,
        owed=0,
    )  # fmt: skip
    assert escrow.creditOf(provider) == 0
    assert escrow.escrowOf(insurer) == ESCROW


def test_a_withdrawn_payment_is_recouped_from_the_providers_next_payments(
    adjudicator, escrow, process, insurer, provider
):
    [cid] = process(office("c1"))
    escrow.withdraw({"from": provider})

    tx = reverse(adjudicator, cid, insurer)
    assert_event(
        tx, "PaymentRecouped", claimId=cid, provider=provider, insurer=insurer, fromCredit=0,
        owed=7_500,
    )  # fmt: skip
    assert escrow.recoupmentOf(insurer, provider) == 7_500

    # FLU pays 2,500: all of it goes to the debt.
    process(claim("c2", M1, [line(FLU, "2025-10-02", 1, 2_500)]))
    # OFFICE pays 7,500: 5,000 to the debt, 2,500 to the provider.
    process(office("c3", date="2025-10-03"))

    assert escrow.recoupmentOf(insurer, provider) == 0
    assert escrow.creditOf(provider) == 2_500
    assert escrow.escrowOf(insurer) == ESCROW - 7_500 - 2_500


def test_recouped_amounts_are_reported_in_payment_credited(
    adjudicator, escrow, process, submit, insurer, provider
):
    [cid] = process(office("c1"))
    escrow.withdraw({"from": provider})
    reverse(adjudicator, cid, insurer)
    process(claim("c2", M1, [line(FLU, "2025-10-02", 1, 2_500)]))
    [cid] = submit(office("c3", "2025-10-03")).return_value

    tx = adjudicator.adjudicate([cid], {"from": insurer})

    assert_event(
        tx, "PaymentCredited", claimId=cid, provider=provider, insurer=insurer, amount=2_500,
        recouped=5_000,
    )  # fmt: skip


def test_reversing_a_pending_claim_cancels_its_payment(
    adjudicator, escrow, process, insurer, provider, reverts_with
):
    escrow.withdrawEscrow(ESCROW, {"from": insurer})
    [cid] = process(office())
    assert adjudicator.claimOf(cid)[3] == S_PENDING

    tx = reverse(adjudicator, cid, insurer)

    assert "PaymentRecouped" not in tx.events
    escrow.fundEscrow(ESCROW, {"from": insurer})
    with reverts_with("ClaimsAdjudicatorUnexpectedClaimState", cid, S_REVERSED):
        adjudicator.settlePayments([cid], {"from": provider})
    assert escrow.creditOf(provider) == 0


def test_a_denied_claim_may_be_reversed_and_nothing_is_recouped(adjudicator, process, insurer):
    [cid] = process(claim("c1", M9, [line(OFFICE, "2025-10-01", 1, 15_000)]))

    tx = reverse(adjudicator, cid, insurer)

    assert "PaymentRecouped" not in tx.events
    assert remittance(adjudicator, bytes(tx.return_value))["lines"][0]["adjustments"] == [
        ("CO", 31, -15_000)
    ]


def test_reverse_refuses_an_unknown_claim(adjudicator, plan, insurer, reverts_with):
    with reverts_with("ClaimsAdjudicatorClaimNotFound", ref("nothing")):
        reverse(adjudicator, ref("nothing"), insurer)


def test_reverse_refuses_a_claim_not_yet_adjudicated(adjudicator, submit, insurer, reverts_with):
    [cid] = submit(office()).return_value
    with reverts_with("ClaimsAdjudicatorUnexpectedClaimState", cid, S_SUBMITTED):
        reverse(adjudicator, cid, insurer)


def test_reverse_refuses_a_claim_reversed_before(adjudicator, process, insurer, reverts_with):
    [cid] = process(office())
    reverse(adjudicator, cid, insurer)
    with reverts_with("ClaimsAdjudicatorUnexpectedClaimState", cid, S_REVERSED):
        reverse(adjudicator, cid, insurer)


def test_reverse_refuses_a_reversal_record(adjudicator, process, insurer, reverts_with):
    [cid] = process(office())
    reversal = bytes(reverse(adjudicator, cid, insurer).return_value)
    with reverts_with("ClaimsAdjudicatorUnexpectedClaimState", reversal, S_REVERSAL):
        reverse(adjudicator, reversal, insurer)


@pytest.mark.parametrize("name", NOT_PLAN_INSURER)
def test_reverse_refuses_anyone_but_the_plan_insurer(
    adjudicator, process, cast, reverts_with, name
):
    [cid] = process(office())
    with reverts_with("ClaimsAdjudicatorNotPlanInsurer", MAIN, cast[name]):
        reverse(adjudicator, cid, cast[name])


def test_reverse_refuses_the_plan_insurer_once_suspended(
    adjudicator, participants, process, insurer, regulator, reverts_with
):
    [cid] = process(office())
    participants.suspendCredential(insurer, INSURER_ROLE, {"from": regulator})
    with reverts_with("ClaimsAdjudicatorNotActiveInsurer", insurer):
        reverse(adjudicator, cid, insurer)


# ------------------------------------------------------------------------------ fileAppeal


@pytest.fixture
def denied(process):
    """A claim with one paid line and one denied (CO-96) line."""
    [cid] = process(
        claim(
            "c1", M1, [line(OFFICE, "2025-10-01", 1, 15_000), line(UNLISTED, "2025-10-01", 1, 900)]
        )
    )
    return cid


def test_the_provider_appeals_a_denied_line(adjudicator, denied, provider):
    tx = adjudicator.fileAppeal(denied, REASON, {"from": provider})

    assert adjudicator.appealOf(denied) == A_OPEN
    assert_event(tx, "AppealFiled", claimId=denied, provider=provider, reasonDigest=REASON)


def test_a_claim_denied_as_a_whole_may_be_appealed(adjudicator, process, provider):
    [cid] = process(claim("c1", M9, [line(OFFICE, "2025-10-01", 1, 15_000)]))
    adjudicator.fileAppeal(cid, REASON, {"from": provider})

    assert adjudicator.appealOf(cid) == A_OPEN


def test_a_pending_claim_with_a_denial_may_be_appealed(
    adjudicator, escrow, insurer, provider, process
):
    escrow.withdrawEscrow(ESCROW, {"from": insurer})
    [cid] = process(
        claim("c1", M1, [line(OFFICE, "2025-10-01", 1, 15_000), line(UNLISTED, "2025-10-01", 1, 9)])
    )
    adjudicator.fileAppeal(cid, REASON, {"from": provider})

    assert adjudicator.appealOf(cid) == A_OPEN


def test_appeal_refuses_a_claim_without_denial(adjudicator, process, provider, reverts_with):
    [cid] = process(office())
    with reverts_with("ClaimsAdjudicatorNothingToAppeal", cid):
        adjudicator.fileAppeal(cid, REASON, {"from": provider})


def test_appeal_refuses_a_second_appeal(adjudicator, denied, provider, insurer, reverts_with):
    adjudicator.fileAppeal(denied, REASON, {"from": provider})
    with reverts_with("ClaimsAdjudicatorAppealExists", denied, A_OPEN):
        adjudicator.fileAppeal(denied, REASON, {"from": provider})
    adjudicator.decideAppeal(denied, A_UPHELD, DECISION, {"from": insurer})
    with reverts_with("ClaimsAdjudicatorAppealExists", denied, A_UPHELD):
        adjudicator.fileAppeal(denied, REASON, {"from": provider})


def test_appeal_refuses_a_claim_not_yet_adjudicated(adjudicator, submit, provider, reverts_with):
    [cid] = submit(claim("c1", M9, [line(OFFICE, "2025-10-01", 1, 1)])).return_value
    with reverts_with("ClaimsAdjudicatorUnexpectedClaimState", cid, S_SUBMITTED):
        adjudicator.fileAppeal(cid, REASON, {"from": provider})


def test_appeal_refuses_a_reversed_claim(adjudicator, denied, provider, insurer, reverts_with):
    reverse(adjudicator, denied, insurer)
    with reverts_with("ClaimsAdjudicatorUnexpectedClaimState", denied, S_REVERSED):
        adjudicator.fileAppeal(denied, REASON, {"from": provider})


def test_appeal_refuses_an_unknown_claim(adjudicator, plan, provider, reverts_with):
    with reverts_with("ClaimsAdjudicatorClaimNotFound", ref("nothing")):
        adjudicator.fileAppeal(ref("nothing"), REASON, {"from": provider})


@pytest.mark.parametrize("name", ["clinic", "insurer", "rival", "patient", "admin", "stranger"])
def test_appeal_refuses_anyone_but_the_claims_provider(
    adjudicator, denied, cast, reverts_with, name
):
    with reverts_with("ClaimsAdjudicatorNotClaimProvider", denied, cast[name]):
        adjudicator.fileAppeal(denied, REASON, {"from": cast[name]})


# ------------------------------------------------------------------------------ decideAppeal


@pytest.fixture
def appealed(adjudicator, denied, provider):
    adjudicator.fileAppeal(denied, REASON, {"from": provider})
    return denied


@pytest.mark.parametrize("outcome", [A_UPHELD, A_OVERTURNED])
def test_the_insurer_records_its_decision(adjudicator, appealed, insurer, outcome):
    tx = adjudicator.decideAppeal(appealed, outcome, DECISION, {"from": insurer})

    assert adjudicator.appealOf(appealed) == outcome
    assert_event(
        tx, "AppealDecided", claimId=appealed, insurer=insurer, outcome=outcome,
        decisionDigest=DECISION,
    )  # fmt: skip


def test_an_overturned_denial_is_paid_by_reversal_and_resubmission(
    adjudicator, appealed, insurer, provider, process
):
    adjudicator.decideAppeal(appealed, A_OVERTURNED, DECISION, {"from": insurer})
    covered = ServiceSpec(UNLISTED, allowed=900, deductible=False, coinsurance=False)
    adjudicator.addServices(MAIN, [covered.as_input()], {"from": insurer})
    reverse(adjudicator, appealed, insurer)

    corrected = [line(OFFICE, "2025-10-01", 1, 15_000), line(UNLISTED, "2025-10-01", 1, 900)]
    [again] = process(claim("c1-corrected", M1, corrected))

    assert remittance(adjudicator, again)["paid"] == 7_500 + 900


def test_decide_refuses_a_claim_without_appeal(adjudicator, denied, insurer, reverts_with):
    with reverts_with("ClaimsAdjudicatorAppealNotOpen", denied, A_NONE):
        adjudicator.decideAppeal(denied, A_UPHELD, DECISION, {"from": insurer})


def test_decide_refuses_a_decided_appeal(adjudicator, appealed, insurer, reverts_with):
    adjudicator.decideAppeal(appealed, A_UPHELD, DECISION, {"from": insurer})
    with reverts_with("ClaimsAdjudicatorAppealNotOpen", appealed, A_UPHELD):
        adjudicator.decideAppeal(appealed, A_OVERTURNED, DECISION, {"from": insurer})


@pytest.mark.parametrize("outcome", [A_NONE, A_OPEN])
def test_decide_refuses_an_outcome_that_is_not_a_decision(
    adjudicator, appealed, insurer, reverts_with, outcome
):
    with reverts_with("ClaimsAdjudicatorInvalidDecision", outcome):
        adjudicator.decideAppeal(appealed, outcome, DECISION, {"from": insurer})


def test_decide_refuses_an_unknown_claim(adjudicator, plan, insurer, reverts_with):
    with reverts_with("ClaimsAdjudicatorClaimNotFound", ref("nothing")):
        adjudicator.decideAppeal(ref("nothing"), A_UPHELD, DECISION, {"from": insurer})


@pytest.mark.parametrize("name", NOT_PLAN_INSURER)
def test_decide_refuses_anyone_but_the_plan_insurer(
    adjudicator, appealed, cast, reverts_with, name
):
    with reverts_with("ClaimsAdjudicatorNotPlanInsurer", MAIN, cast[name]):
        adjudicator.decideAppeal(appealed, A_UPHELD, DECISION, {"from": cast[name]})


def test_decide_refuses_the_plan_insurer_once_suspended(
    adjudicator, participants, appealed, insurer, regulator, reverts_with
):
    participants.suspendCredential(insurer, INSURER_ROLE, {"from": regulator})
    with reverts_with("ClaimsAdjudicatorNotActiveInsurer", insurer):
        adjudicator.decideAppeal(appealed, A_UPHELD, DECISION, {"from": insurer})


def test_settled_state_is_kept_by_an_appeal(adjudicator, appealed):
    assert adjudicator.claimOf(appealed)[3] == S_SETTLED
