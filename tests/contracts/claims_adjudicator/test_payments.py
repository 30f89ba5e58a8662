"""ClaimsEscrow and the adjudicator's payments: funding (the escrow holds the tokens), settling
pended payments, pull withdrawals (reentrancy-safe), the insurer taking unspent escrow back, the
escrow's adjudicator-only ledger moves; and the TestStablecoin."""

from __future__ import annotations

import pytest
from brownie import ZERO_ADDRESS

from tests.brownie_support import assert_event, revert_matcher
from tests.contracts.claims_adjudicator.support import (
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
    deploy_adjudicator,
    grant_payment_consent,
    line,
    plan_tuple,
    ref,
)

NOT_INSURERS = ["admin", "regulator", "provider", "clinic", "patient", "guardian", "stranger"]
NOT_CLAIM_PARTIES = ["rival", "clinic", "admin", "regulator", "patient", "stranger"]
# Every account of the cast: none of them is the escrow's adjudicator (a contract).
EVERYONE = ["admin", "regulator", "insurer", "rival", "provider", "clinic", "patient", "guardian",
            "stranger"]  # fmt: skip


def office(name, charge=15_000, date="2025-10-01"):
    return claim(name, M1, [line(OFFICE, date, 1, charge)])


@pytest.fixture
def drained(escrow, plan, insurer):
    """The insurer's escrow emptied, so payments pend."""
    escrow.withdrawEscrow(ESCROW, {"from": insurer})


@pytest.fixture
def pended(drained, process):
    """Two claims adjudicated with an empty escrow: 7,500 and 2,500 pending (in this order)."""
    return process(office("c1"), claim("c2", M1, [line(FLU, "2025-10-01", 1, 2_500)]))


def fund(escrow, insurer, amount):
    escrow.fundEscrow(amount, {"from": insurer})


# ------------------------------------------------------------------------------ the escrow


def test_the_escrow_refuses_a_zero_address(
    ClaimsEscrow, participants, stablecoin, admin, escrow_reverts_with
):
    for args in ((ZERO_ADDRESS, stablecoin), (participants, ZERO_ADDRESS)):
        with escrow_reverts_with("ClaimsEscrowZeroAddress"):
            ClaimsEscrow.deploy(*args, {"from": admin})


def test_the_adjudicator_holds_no_tokens(adjudicator, escrow, stablecoin, plan):
    assert stablecoin.balanceOf(adjudicator) == 0
    assert stablecoin.balanceOf(escrow) == ESCROW


# ------------------------------------------------------------------------------ fundEscrow


def test_fund_escrow_moves_tokens_into_the_insurers_escrow(
    adjudicator, escrow, stablecoin, plan, insurer
):
    before = stablecoin.balanceOf(insurer)
    tx = escrow.fundEscrow(1_234, {"from": insurer})

    assert escrow.escrowOf(insurer) == ESCROW + 1_234
    assert stablecoin.balanceOf(insurer) == before - 1_234
    assert stablecoin.balanceOf(escrow) == ESCROW + 1_234
    assert stablecoin.balanceOf(adjudicator) == 0
    assert_event(tx, "EscrowFunded", insurer=insurer, amount=1_234)
    assert tx.events["EscrowFunded"][0].address == escrow


def test_fund_escrow_refuses_zero(escrow, plan, insurer, escrow_reverts_with):
    with escrow_reverts_with("ClaimsEscrowZeroAmount"):
        escrow.fundEscrow(0, {"from": insurer})


def test_fund_escrow_fails_without_allowance(escrow, stablecoin, plan, insurer, TestStablecoin):
    stablecoin.approve(escrow, 10, {"from": insurer})
    token_reverts = revert_matcher("TestStablecoin", TestStablecoin.abi)
    with token_reverts("ERC20InsufficientAllowance", escrow, 10, 11):
        escrow.fundEscrow(11, {"from": insurer})


def test_an_allowance_to_the_adjudicator_does_not_fund_the_escrow(
    adjudicator, escrow, stablecoin, plan, insurer, TestStablecoin
):
    stablecoin.approve(escrow, 0, {"from": insurer})
    stablecoin.approve(adjudicator, 1_000, {"from": insurer})
    token_reverts = revert_matcher("TestStablecoin", TestStablecoin.abi)
    with token_reverts("ERC20InsufficientAllowance", escrow, 0, 1_000):
        escrow.fundEscrow(1_000, {"from": insurer})


@pytest.mark.parametrize("name", NOT_INSURERS)
def test_fund_escrow_refuses_anyone_but_an_active_insurer(escrow, cast, escrow_reverts_with, name):
    with escrow_reverts_with("ClaimsEscrowNotActiveInsurer", cast[name]):
        escrow.fundEscrow(1, {"from": cast[name]})


# ------------------------------------------------------------------------------ withdrawEscrow


def test_withdraw_escrow_gives_unspent_funds_back(escrow, stablecoin, plan, insurer):
    before = stablecoin.balanceOf(insurer)
    tx = escrow.withdrawEscrow(1_000, {"from": insurer})

    assert escrow.escrowOf(insurer) == ESCROW - 1_000
    assert stablecoin.balanceOf(insurer) == before + 1_000
    assert stablecoin.balanceOf(escrow) == ESCROW - 1_000
    assert_event(tx, "EscrowWithdrawn", insurer=insurer, amount=1_000)


def test_withdraw_escrow_refuses_more_than_the_escrow(escrow, plan, insurer, escrow_reverts_with):
    with escrow_reverts_with("ClaimsEscrowInsufficientEscrow", insurer, ESCROW + 1, ESCROW):
        escrow.withdrawEscrow(ESCROW + 1, {"from": insurer})


def test_withdraw_escrow_refuses_zero(escrow, plan, insurer, escrow_reverts_with):
    with escrow_reverts_with("ClaimsEscrowZeroAmount"):
        escrow.withdrawEscrow(0, {"from": insurer})


@pytest.mark.parametrize("name", ["provider", "rival", "stranger"])
def test_withdraw_escrow_gives_others_nothing_of_the_insurers_funds(
    escrow, plan, cast, escrow_reverts_with, name
):
    with escrow_reverts_with("ClaimsEscrowInsufficientEscrow", cast[name], 1, 0):
        escrow.withdrawEscrow(1, {"from": cast[name]})


def test_a_suspended_insurer_may_still_take_its_funds_back(
    escrow, participants, plan, insurer, regulator
):
    participants.suspendCredential(insurer, INSURER_ROLE, {"from": regulator})
    escrow.withdrawEscrow(ESCROW, {"from": insurer})

    assert escrow.escrowOf(insurer) == 0


# ------------------------------------------------------------------------------ pay and recoup


@pytest.mark.parametrize("name", EVERYONE)
def test_only_the_adjudicator_pays_from_the_escrow(
    escrow, plan, cast, insurer, provider, escrow_reverts_with, name
):
    with escrow_reverts_with("ClaimsEscrowNotAdjudicator", cast[name]):
        escrow.pay(ref("any claim"), provider, insurer, 1, {"from": cast[name]})

    assert escrow.escrowOf(insurer) == ESCROW and escrow.creditOf(provider) == 0


@pytest.mark.parametrize("name", EVERYONE)
def test_only_the_adjudicator_recoups_for_the_escrow(
    escrow, process, cast, insurer, provider, escrow_reverts_with, name
):
    process(office("c1"))
    with escrow_reverts_with("ClaimsEscrowNotAdjudicator", cast[name]):
        escrow.recoup(ref("c1"), provider, insurer, 7_500, {"from": cast[name]})

    assert escrow.creditOf(provider) == 7_500 and escrow.recoupmentOf(insurer, provider) == 0


def test_the_adjudicator_is_the_only_payer_another_adjudicator_pays_from_its_own_escrow(
    ClaimsAdjudicator, ClaimsReader, escrow, participants, consent, stablecoin, admin
):
    other = deploy_adjudicator(
        ClaimsAdjudicator, ClaimsReader, participants, consent, stablecoin, admin
    )
    assert other.escrow() != escrow
    assert escrow.adjudicator() != other


# ------------------------------------------------------------------------------ settlePayments


def test_settle_pays_a_pending_claim_once_the_escrow_is_funded(
    adjudicator, escrow, pended, insurer, provider
):
    fund(escrow, insurer, 7_500)
    tx = adjudicator.settlePayments([pended[0]], {"from": insurer})

    assert tx.return_value == 1
    assert adjudicator.claimOf(pended[0])[3] == S_SETTLED
    assert escrow.creditOf(provider) == 7_500
    assert escrow.escrowOf(insurer) == 0
    assert_event(
        tx, "PaymentCredited", claimId=pended[0], provider=provider, insurer=insurer, amount=7_500,
        recouped=0,
    )  # fmt: skip
    assert tx.events["PaymentCredited"][0].address == escrow


def test_the_provider_may_settle_its_own_pending_claims(
    adjudicator, escrow, pended, insurer, provider
):
    fund(escrow, insurer, 10_000)
    tx = adjudicator.settlePayments(pended, {"from": provider})

    assert tx.return_value == 2
    assert escrow.creditOf(provider) == 10_000


def test_settle_pays_in_order_as_far_as_the_escrow_goes(
    adjudicator, escrow, pended, insurer, provider
):
    fund(escrow, insurer, 9_000)
    tx = adjudicator.settlePayments(pended, {"from": insurer})

    assert tx.return_value == 1
    assert [adjudicator.claimOf(i)[3] for i in pended] == [S_SETTLED, S_PENDING]
    assert escrow.escrowOf(insurer) == 1_500


def test_settle_leaves_claims_pending_while_the_escrow_is_short(
    adjudicator, escrow, pended, insurer, provider
):
    fund(escrow, insurer, 2_000)
    tx = adjudicator.settlePayments([pended[0]], {"from": insurer})

    assert tx.return_value == 0
    assert "PaymentCredited" not in tx.events and "PaymentPended" not in tx.events
    assert adjudicator.claimOf(pended[0])[3] == S_PENDING
    assert escrow.escrowOf(insurer) == 2_000


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


def test_withdraw_pays_out_all_credit_to_the_provider(escrow, stablecoin, process, provider):
    process(office("c1"), office("c2", date="2025-10-02"))
    tx = escrow.withdraw({"from": provider})

    assert tx.return_value == 15_000
    assert stablecoin.balanceOf(provider) == 15_000
    assert escrow.creditOf(provider) == 0
    assert stablecoin.balanceOf(escrow) == ESCROW - 15_000
    assert_event(tx, "PaymentWithdrawn", provider=provider, amount=15_000)


def test_withdraw_refuses_an_account_without_credit(escrow, plan, cast, escrow_reverts_with):
    with escrow_reverts_with("ClaimsEscrowNothingToWithdraw", cast["stranger"]):
        escrow.withdraw({"from": cast["stranger"]})


def test_withdraw_pays_only_once(escrow, process, provider, escrow_reverts_with):
    process(office("c1"))
    escrow.withdraw({"from": provider})
    with escrow_reverts_with("ClaimsEscrowNothingToWithdraw", provider):
        escrow.withdraw({"from": provider})


def test_a_pending_payment_cannot_be_withdrawn(escrow, pended, provider, escrow_reverts_with):
    with escrow_reverts_with("ClaimsEscrowNothingToWithdraw", provider):
        escrow.withdraw({"from": provider})


# ------------------------------------------------------------------------------ reentrancy


@pytest.fixture
def hooked_suite(
    ClaimsAdjudicator,
    ClaimsEscrow,
    HookedStablecoin,
    ReentrantProvider,
    participants,
    consent,
    cast,
):
    """A claims suite paying in a token that calls recipients back, and a provider contract that
    re-enters the escrow's `withdraw` from that callback. The provider has 7,500 credited."""
    admin, insurer, regulator = cast["admin"], cast["insurer"], cast["regulator"]
    token = HookedStablecoin.deploy({"from": admin})
    adjudicator = ClaimsAdjudicator.deploy(participants, consent, token, {"from": admin})
    escrow = ClaimsEscrow.at(adjudicator.escrow())
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
    token.approve(escrow, 100_000, sender)
    escrow.fundEscrow(100_000, sender)
    tx = attacker.submit([office("c1")], {"from": admin})
    adjudicator.adjudicate(list(tx.return_value), sender)
    assert escrow.creditOf(attacker) == 7_500
    return escrow, token, attacker


def test_withdraw_cannot_be_reentered_from_the_token_transfer(
    hooked_suite, admin, escrow_reverts_with
):
    escrow, token, attacker = hooked_suite

    with escrow_reverts_with("ReentrancyGuardReentrantCall"):
        attacker.withdraw(True, {"from": admin})

    assert escrow.creditOf(attacker) == 7_500
    assert token.balanceOf(attacker) == 0


def test_the_same_provider_contract_withdraws_once_when_it_does_not_reenter(hooked_suite, admin):
    escrow, token, attacker = hooked_suite

    attacker.withdraw(False, {"from": admin})

    assert token.balanceOf(attacker) == 7_500
    assert escrow.creditOf(attacker) == 0
    assert token.balanceOf(escrow) == 100_000 - 7_500


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
