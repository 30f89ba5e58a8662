"""ClaimsAdjudicator escrow and payments: funding, settling pended payments, pull withdrawals
(reentrancy-safe), the insurer taking unspent escrow back; and the TestStablecoin."""

from __future__ import annotations

import pytest

from tests.brownie_support import assert_event, revert_matcher
from tests.claims.claims_support import (
    DAY,
    ESCROW,
    FLU,
    INSURER_ROLE,
    JURISDICTION,
    LICENSE_HASH,
    M1,
    MAIN_KEY,
    MAIN_SERVICES,
    MAIN_TERMS,
    OFFICE,
    PROVIDER_ROLE,
    S_PENDING,
    S_SETTLED,
    YEAR,
    YEAR_END,
    YEAR_START,
    claim,
    grant_payment_consent,
    line,
    plan_tuple,
    ref,
)

NOT_INSURERS = ["admin", "regulator", "provider", "clinic", "patient", "guardian", "stranger"]
NOT_CLAIM_PARTIES = ["rival", "clinic", "admin", "regulator", "patient", "stranger"]


def office(name, charge=15_000, date="2025-10-01"):
    return claim(name, M1, [line(OFFICE, date, 1, charge)])


@pytest.fixture
def drained(adjudicator, plan, insurer):
    """The insurer's escrow emptied, so payments pend."""
    adjudicator.withdrawEscrow(ESCROW, {"from": insurer})


@pytest.fixture
def pended(drained, process):
    """Two claims adjudicated with an empty escrow: 7,500 and 2,500 pending (in this order)."""
    return process(office("c1"), claim("c2", M1, [line(FLU, "2025-10-01", 1, 2_500)]))


def fund(adjudicator, insurer, amount):
    adjudicator.fundEscrow(amount, {"from": insurer})


# ------------------------------------------------------------------------------ fundEscrow


def test_fund_escrow_moves_tokens_into_the_insurers_escrow(adjudicator, stablecoin, plan, insurer):
    before = stablecoin.balanceOf(insurer)
    tx = adjudicator.fundEscrow(1_234, {"from": insurer})

    assert adjudicator.escrowOf(insurer) == ESCROW + 1_234
    assert stablecoin.balanceOf(insurer) == before - 1_234
    assert stablecoin.balanceOf(adjudicator) == ESCROW + 1_234
    assert_event(tx, "EscrowFunded", insurer=insurer, amount=1_234)


def test_fund_escrow_refuses_zero(adjudicator, plan, insurer, reverts_with):
    with reverts_with("ClaimsAdjudicatorZeroAmount"):
        adjudicator.fundEscrow(0, {"from": insurer})


def test_fund_escrow_fails_without_allowance(
    adjudicator, stablecoin, plan, insurer, TestStablecoin
):
    stablecoin.approve(adjudicator, 10, {"from": insurer})
    token_reverts = revert_matcher("TestStablecoin", TestStablecoin.abi)
    with token_reverts("ERC20InsufficientAllowance", adjudicator, 10, 11):
        adjudicator.fundEscrow(11, {"from": insurer})


@pytest.mark.parametrize("name", NOT_INSURERS)
def test_fund_escrow_refuses_anyone_but_an_active_insurer(adjudicator, cast, reverts_with, name):
    with reverts_with("ClaimsAdjudicatorNotActiveInsurer", cast[name]):
        adjudicator.fundEscrow(1, {"from": cast[name]})


# ------------------------------------------------------------------------------ withdrawEscrow


def test_withdraw_escrow_gives_unspent_funds_back(adjudicator, stablecoin, plan, insurer):
    before = stablecoin.balanceOf(insurer)
    tx = adjudicator.withdrawEscrow(1_000, {"from": insurer})

    assert adjudicator.escrowOf(insurer) == ESCROW - 1_000
    assert stablecoin.balanceOf(insurer) == before + 1_000
    assert_event(tx, "EscrowWithdrawn", insurer=insurer, amount=1_000)


def test_withdraw_escrow_refuses_more_than_the_escrow(adjudicator, plan, insurer, reverts_with):
    with reverts_with("ClaimsAdjudicatorInsufficientEscrow", insurer, ESCROW + 1, ESCROW):
        adjudicator.withdrawEscrow(ESCROW + 1, {"from": insurer})


def test_withdraw_escrow_refuses_zero(adjudicator, plan, insurer, reverts_with):
    with reverts_with("ClaimsAdjudicatorZeroAmount"):
        adjudicator.withdrawEscrow(0, {"from": insurer})


@pytest.mark.parametrize("name", ["provider", "rival", "stranger"])
def test_withdraw_escrow_gives_others_nothing_of_the_insurers_funds(
    adjudicator, plan, cast, reverts_with, name
):
    with reverts_with("ClaimsAdjudicatorInsufficientEscrow", cast[name], 1, 0):
        adjudicator.withdrawEscrow(1, {"from": cast[name]})


def test_a_suspended_insurer_may_still_take_its_funds_back(
    adjudicator, participants, plan, insurer, regulator
):
    participants.suspendCredential(insurer, INSURER_ROLE, {"from": regulator})
    adjudicator.withdrawEscrow(ESCROW, {"from": insurer})

    assert adjudicator.escrowOf(insurer) == 0


# ------------------------------------------------------------------------------ settlePayments


def test_settle_pays_a_pending_claim_once_the_escrow_is_funded(
    adjudicator, pended, insurer, provider
):
    fund(adjudicator, insurer, 7_500)
    tx = adjudicator.settlePayments([pended[0]], {"from": insurer})

    assert tx.return_value == 1
    assert adjudicator.claimOf(pended[0])[3] == S_SETTLED
    assert adjudicator.creditOf(provider) == 7_500
    assert adjudicator.escrowOf(insurer) == 0
    assert_event(
        tx, "PaymentCredited", claimId=pended[0], provider=provider, insurer=insurer, amount=7_500,
        recouped=0,
    )  # fmt: skip


def test_the_provider_may_settle_its_own_pending_claims(adjudicator, pended, insurer, provider):
    fund(adjudicator, insurer, 10_000)
    tx = adjudicator.settlePayments(pended, {"from": provider})

    assert tx.return_value == 2
    assert adjudicator.creditOf(provider) == 10_000


def test_settle_pays_in_order_as_far_as_the_escrow_goes(adjudicator, pended, insurer, provider):
    fund(adjudicator, insurer, 9_000)
    tx = adjudicator.settlePayments(pended, {"from": insurer})

    assert tx.return_value == 1
    assert [adjudicator.claimOf(i)[3] for i in pended] == [S_SETTLED, S_PENDING]
    assert adjudicator.escrowOf(insurer) == 1_500


def test_settle_leaves_claims_pending_while_the_escrow_is_short(
    adjudicator, pended, insurer, provider
):
    fund(adjudicator, insurer, 2_000)
    tx = adjudicator.settlePayments([pended[0]], {"from": insurer})

    assert tx.return_value == 0
    assert "PaymentCredited" not in tx.events and "PaymentPended" not in tx.events
    assert adjudicator.claimOf(pended[0])[3] == S_PENDING
    assert adjudicator.escrowOf(insurer) == 2_000


def test_settle_refuses_a_claim_that_is_not_pending(
    adjudicator, process, plan, insurer, reverts_with
):
    [cid] = process(office("c1"))
    with reverts_with("ClaimsAdjudicatorUnexpectedClaimState", cid, S_SETTLED):
        adjudicator.settlePayments([cid], {"from": insurer})


def test_settle_refuses_an_unknown_claim(adjudicator, plan, insurer, reverts_with):
    with reverts_with("ClaimsAdjudicatorClaimNotFound", ref("nothing")):
        adjudicator.settlePayments([ref("nothing")], {"from": insurer})


@pytest.mark.parametrize("name", NOT_CLAIM_PARTIES)
def test_settle_refuses_anyone_but_the_insurer_and_the_provider(
    adjudicator, pended, cast, reverts_with, name
):
    with reverts_with("ClaimsAdjudicatorNotClaimParty", pended[0], cast[name]):
        adjudicator.settlePayments([pended[0]], {"from": cast[name]})


# ------------------------------------------------------------------------------ withdraw


def test_withdraw_pays_out_all_credit_to_the_provider(adjudicator, stablecoin, process, provider):
    process(office("c1"), office("c2", date="2025-10-02"))
    tx = adjudicator.withdraw({"from": provider})

    assert tx.return_value == 15_000
    assert stablecoin.balanceOf(provider) == 15_000
    assert adjudicator.creditOf(provider) == 0
    assert_event(tx, "PaymentWithdrawn", provider=provider, amount=15_000)


def test_withdraw_refuses_an_account_without_credit(adjudicator, plan, cast, reverts_with):
    with reverts_with("ClaimsAdjudicatorNothingToWithdraw", cast["stranger"]):
        adjudicator.withdraw({"from": cast["stranger"]})


def test_withdraw_pays_only_once(adjudicator, process, provider, reverts_with):
    process(office("c1"))
    adjudicator.withdraw({"from": provider})
    with reverts_with("ClaimsAdjudicatorNothingToWithdraw", provider):
        adjudicator.withdraw({"from": provider})


def test_a_pending_payment_cannot_be_withdrawn(adjudicator, pended, provider, reverts_with):
    with reverts_with("ClaimsAdjudicatorNothingToWithdraw", provider):
        adjudicator.withdraw({"from": provider})


# ------------------------------------------------------------------------------ reentrancy


@pytest.fixture
def hooked_suite(
    ClaimsAdjudicator, HookedStablecoin, ReentrantProvider, participants, consent, cast
):
    """A claims suite paying in a token that calls recipients back, and a provider contract that
    re-enters `withdraw` from that callback. The provider has 7,500 credited."""
    admin, insurer, regulator = cast["admin"], cast["insurer"], cast["regulator"]
    token = HookedStablecoin.deploy({"from": admin})
    adjudicator = ClaimsAdjudicator.deploy(participants, consent, token, {"from": admin})
    attacker = ReentrantProvider.deploy(adjudicator, {"from": admin})
    token.registerReceiver(attacker, {"from": admin})
    now = participants.credentialOf(insurer, INSURER_ROLE)[2] + DAY
    participants.issueCredential(
        attacker, PROVIDER_ROLE, LICENSE_HASH, JURISDICTION, now - DAY, now + YEAR,
        {"from": regulator},
    )  # fmt: skip
    sender = {"from": insurer}
    plan_id = adjudicator.registerPlan(MAIN_KEY, plan_tuple(MAIN_TERMS), sender).return_value
    adjudicator.addServices(plan_id, [MAIN_SERVICES[0].as_input()], sender)
    adjudicator.enrolMembers(plan_id, [(M1, cast["patient"], YEAR_START, YEAR_END)], sender)
    grant_payment_consent(consent, cast["patient"], insurer, [])
    token.mint(insurer, 100_000, sender)
    token.approve(adjudicator, 100_000, sender)
    adjudicator.fundEscrow(100_000, sender)
    tx = attacker.submit([office("c1")], {"from": admin})
    adjudicator.adjudicate(list(tx.return_value), sender)
    assert adjudicator.creditOf(attacker) == 7_500
    return adjudicator, token, attacker


def test_withdraw_cannot_be_reentered_from_the_token_transfer(hooked_suite, admin, reverts_with):
    adjudicator, token, attacker = hooked_suite

    with reverts_with("ReentrancyGuardReentrantCall"):
        attacker.withdraw(True, {"from": admin})

    assert adjudicator.creditOf(attacker) == 7_500
    assert token.balanceOf(attacker) == 0


def test_the_same_provider_contract_withdraws_once_when_it_does_not_reenter(hooked_suite, admin):
    adjudicator, token, attacker = hooked_suite

    attacker.withdraw(False, {"from": admin})

    assert token.balanceOf(attacker) == 7_500
    assert adjudicator.creditOf(attacker) == 0
    assert token.balanceOf(adjudicator) == 100_000 - 7_500


# ------------------------------------------------------------------------------ TestStablecoin


def test_the_stablecoin_counts_cents_and_is_minted_by_its_owner(stablecoin, admin, stranger):
    stablecoin.mint(stranger, 12_345, {"from": admin})

    assert stablecoin.decimals() == 2
    assert stablecoin.balanceOf(stranger) == 12_345
    assert stablecoin.symbol() == "hUSD"


@pytest.mark.parametrize("name", ["insurer", "provider", "stranger"])
def test_only_the_owner_mints_the_stablecoin(stablecoin, TestStablecoin, cast, name):
    token_reverts = revert_matcher("TestStablecoin", TestStablecoin.abi)
    with token_reverts("OwnableUnauthorizedAccount", cast[name]):
        stablecoin.mint(cast[name], 1, {"from": cast[name]})


def test_the_stablecoin_mint_emits_a_transfer_from_zero(stablecoin, admin, stranger):
    tx = stablecoin.mint(stranger, 5, {"from": admin})
    assert_event(tx, "Transfer", **{"from": "0x" + "00" * 20, "to": stranger, "value": 5})
