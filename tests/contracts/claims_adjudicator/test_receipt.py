"""ClaimsAdjudicator receipt modes: which day a claim is received on, and so what timely filing
(rule 3, CO-29) counts to.

LIVE and REPLAY are two plans of the insurer with MAIN's terms (timely filing 90 days) and its
office visit, over a plan year around the chain's clock (Anvil cannot go back to 2025); M1 is
enrolled in both. LIVE is registered `Live` (the block's day is the received day), REPLAY
`Stated` (the submission's day, not in the future). Every submission is pinned to `moment`.
"""

from __future__ import annotations

import pytest

from tests.brownie_support import assert_event, latest_timestamp
from tests.contracts.claims_adjudicator.support import (
    DAY,
    M1,
    MAIN_SERVICES,
    MAIN_TERMS,
    OFFICE,
    RECEIPT_LIVE,
    RECEIPT_STATED,
    TIGHT,
    claim_id,
    code,
    plan_tuple,
    ref,
    remittance,
)

LIVE, REPLAY = TIGHT + 1, TIGHT + 2
CID = bytes.fromhex("01551220") + bytes(range(32))  # a binary CIDv1 of an encrypted attachment
FILING_DAYS = MAIN_TERMS["timely_filing_days"]
CHARGE = 15_000
# The office visit under MAIN's terms: CO-45 above the allowed $100, the $25 copay, $75 paid.
PAID_LINE = {
    "charge": CHARGE,
    "allowed": 10_000,
    "paid": 7_500,
    "adjustments": [("CO", 45, 5_000), ("PR", 3, 2_500)],
}
LATE_LINE = {"charge": CHARGE, "allowed": 0, "paid": 0, "adjustments": [("CO", 29, CHARGE)]}


@pytest.fixture(scope="module")
def moment(plan) -> int:
    """When this module's submissions are mined: a little after the fixtures' blocks."""
    return latest_timestamp() + 1_000


@pytest.fixture(scope="module")
def today(moment) -> int:
    return moment // DAY


@pytest.fixture(scope="module")
def receipt_plans(adjudicator, plan, named, today) -> tuple[int, int]:
    """Registers LIVE and REPLAY (plan year: 400 days back to 400 days on) and enrols M1."""
    insurer, sender = named["insurer"], {"from": named["insurer"]}
    year = (today - 400, today + 400)
    office = [s.as_input() for s in MAIN_SERVICES if s.code == OFFICE]
    for plan_id, mode in ((LIVE, RECEIPT_LIVE), (REPLAY, RECEIPT_STATED)):
        tx = adjudicator.registerPlan(
            ref(f"receipt plan {mode}"), plan_tuple(MAIN_TERMS, mode=mode, year=year), sender
        )
        assert tx.return_value == plan_id
        adjudicator.addServices(plan_id, office, sender)
        adjudicator.enrolMembers(plan_id, [(M1, named["patient"], *year)], sender)
    assert insurer == adjudicator.planOf(LIVE)[0]
    return LIVE, REPLAY


def office_claim(plan_id: int, service_day: int, received: int, attachment: bytes = b"") -> tuple:
    office_line = (code(OFFICE), service_day, 1, CHARGE, bytes(32))
    return (ref("c1"), plan_id, M1, received, [office_line], attachment)


@pytest.fixture
def submit_at(adjudicator, receipt_plans, provider, at_time, moment):
    """`submit_at(claim)`: submits it in a block at `moment`; -> the transaction."""

    def _submit_at(claim_input: tuple) -> object:
        at_time(moment)
        return adjudicator.submitClaims([claim_input], {"from": provider})

    return _submit_at


def received_and_remittance(adjudicator, adjudicate, tx) -> tuple[int, list[dict]]:
    [cid] = tx.return_value
    adjudicate(bytes(cid))
    return adjudicator.claimOf(cid)[2], remittance(adjudicator, bytes(cid))["lines"]


# ------------------------------------------------------------------------------ registration


@pytest.mark.parametrize("mode", [RECEIPT_LIVE, RECEIPT_STATED], ids=["live", "stated"])
def test_register_plan_stores_and_emits_the_receipt_mode(adjudicator, plan, insurer, mode):
    terms = plan_tuple(MAIN_TERMS, mode=mode)
    tx = adjudicator.registerPlan(ref("new plan"), terms, {"from": insurer})

    assert adjudicator.planOf(tx.return_value)[4] == mode
    assert_event(
        tx,
        "PlanRegistered",
        planId=tx.return_value,
        insurer=insurer,
        planKey=ref("new plan"),
        plan=plan_tuple(MAIN_TERMS, insurer, mode=mode),
    )


# ------------------------------------------------------------------------------ live plans


def test_a_live_plan_receives_a_claim_on_the_blocks_day_and_pays_it(
    adjudicator, adjudicate, submit_at, provider, today
):
    tx = submit_at(office_claim(LIVE, today - FILING_DAYS, received=0, attachment=CID))

    assert_event(
        tx,
        "ClaimSubmitted",
        claimId=claim_id(adjudicator, provider, "c1"),
        provider=provider,
        planId=LIVE,
        claimRef=ref("c1"),
        memberId=M1,
        received=today,
        lineCount=1,
        attachmentCid=CID,
    )
    assert received_and_remittance(adjudicator, adjudicate, tx) == (today, [PAID_LINE])


def test_a_live_plan_ignores_a_backdated_received_day_and_denies_co_29_from_the_blocks_day(
    adjudicator, adjudicate, submit_at, today
):
    service_day = today - FILING_DAYS - 1
    tx = submit_at(office_claim(LIVE, service_day, received=service_day))

    assert tx.events["ClaimSubmitted"]["received"] == today
    assert received_and_remittance(adjudicator, adjudicate, tx) == (today, [LATE_LINE])


def test_the_same_backdated_claim_on_a_stated_plan_counts_from_the_stated_day(
    adjudicator, adjudicate, submit_at, today
):
    service_day = today - FILING_DAYS - 1
    tx = submit_at(office_claim(REPLAY, service_day, received=service_day))

    assert received_and_remittance(adjudicator, adjudicate, tx) == (service_day, [PAID_LINE])


def test_a_live_plan_ignores_a_received_day_in_the_future(adjudicator, submit_at, today):
    tx = submit_at(office_claim(LIVE, today, received=today + 30))

    assert adjudicator.claimOf(tx.return_value[0])[2] == today


def test_a_live_plan_refuses_a_service_after_the_blocks_day(submit_at, reverts_with, today):
    with reverts_with("ClaimsAdjudicatorServiceAfterReceipt", ref("c1"), 1, today + 1, today):
        submit_at(office_claim(LIVE, today + 1, received=today + 1))


# ------------------------------------------------------------------------------ stated plans


def test_a_stated_plan_keeps_the_stated_day_when_it_is_today(adjudicator, submit_at, today):
    tx = submit_at(office_claim(REPLAY, today, received=today))

    assert tx.events["ClaimSubmitted"]["received"] == today
    assert adjudicator.claimOf(tx.return_value[0])[2] == today


def test_a_stated_plan_refuses_a_received_day_in_the_future(submit_at, reverts_with, today):
    with reverts_with("ClaimsAdjudicatorReceivedInFuture", today + 1, today):
        submit_at(office_claim(REPLAY, today - 5, received=today + 1))


def test_a_stated_plan_refuses_a_service_after_the_stated_day_and_names_the_line(
    adjudicator, receipt_plans, provider, reverts_with, today
):
    received = today - 10
    good = (code(OFFICE), received, 1, CHARGE, bytes(32))
    late = (code(OFFICE), received + 1, 1, CHARGE, bytes(32))
    claim_input = (ref("c1"), REPLAY, M1, received, [good, late], b"")
    with reverts_with("ClaimsAdjudicatorServiceAfterReceipt", ref("c1"), 2, received + 1, received):
        adjudicator.submitClaims([claim_input], {"from": provider})
