"""ClaimsEscrow: money is conserved over random runs of funding, payments, reversals and
withdrawals (hypothesis).

A run starts with the plan's insurer keeping a random few dollars in escrow and is a random
sequence of: an insurer (the plan's, or a rival insurer of no plan) funding or
withdrawing part of its escrow; a provider (provider or clinic) submitting an office claim that
the insurer adjudicates (paid, or pended when the escrow is short); the insurer settling pending
claims; reversing a paid or pending claim; a provider withdrawing its credit. After every step:

- the escrow's token balance is the sum of the escrows and credits it keeps;
- escrows + credits + what left the escrow (insurers' and providers' withdrawals) == what was
  funded (including the `plan` fixture's first funding);
- the adjudicator holds no tokens;
- each (insurer, provider) recoupment equals a model of the escrow's ledger, as does every escrow
  and credit (the model applies each PaymentCredited and PaymentRecouped to its own books and the
  chain must agree).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from brownie.test import given
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.contracts.claims_adjudicator.support import (
    ESCROW,
    M1,
    OFFICE,
    S_PENDING,
    S_SETTLED,
    claim,
    line,
)

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FIRST_DAY = date(2025, 10, 1)
INSURERS = ("insurer", "rival")
PROVIDERS = ("provider", "clinic")

# Office visits of 30 to 200 dollars: each pays 5 to 75 dollars (allowed 100, copay 25).
CLAIM = st.tuples(st.just("claim"), st.sampled_from(PROVIDERS), st.integers(3_000, 20_000))
WITHDRAW = st.tuples(st.just("withdraw"), st.sampled_from(PROVIDERS), st.just(0))
# Claims and withdrawals drawn more often; escrow withdrawals take 25, 50 or all percent, so the
# escrow runs short (payments pend) and paid claims are reversed after their credit is gone
# (recoupments owed).
STEP = st.one_of(
    CLAIM,
    CLAIM,
    CLAIM,
    st.tuples(st.just("fund"), st.sampled_from(INSURERS), st.integers(1, 20_000)),
    st.tuples(
        st.just("withdraw_escrow"), st.sampled_from(INSURERS), st.sampled_from((25, 50, 100))
    ),
    st.tuples(st.just("settle"), st.just(""), st.just(0)),
    st.tuples(st.just("reverse"), st.just(""), st.integers(0, 50)),
    WITHDRAW,
    WITHDRAW,
)


@pytest.fixture(scope="module")
def funded(escrow, stablecoin, plan, cast) -> None:
    """The rival insurer gets tokens and approves the escrow; the plan's insurer already did."""
    rival = cast["rival"]
    stablecoin.mint(rival, 10 * ESCROW, {"from": cast["admin"]})
    stablecoin.approve(escrow, 10 * ESCROW, {"from": rival})


class Books:
    """What the escrow should hold, kept from the events of each transaction."""

    def __init__(self, insurer: Any) -> None:
        self.escrow: dict[str, int] = defaultdict(int, {str(insurer): ESCROW})
        self.credit: dict[str, int] = defaultdict(int)
        self.owed: dict[tuple[str, str], int] = defaultdict(int)
        self.funded = ESCROW
        self.paid_out = 0

    def apply(self, tx: Any) -> None:
        for event in tx.events:
            if event.name == "PaymentCredited":
                insurer, provider = str(event["insurer"]), str(event["provider"])
                self.escrow[insurer] -= event["amount"]
                self.credit[provider] += event["amount"]
                self.owed[(insurer, provider)] -= event["recouped"]
            elif event.name == "PaymentRecouped":
                insurer, provider = str(event["insurer"]), str(event["provider"])
                self.credit[provider] -= event["fromCredit"]
                self.escrow[insurer] += event["fromCredit"]
                self.owed[(insurer, provider)] += event["owed"]


@given(left=st.integers(0, 30_000), steps=st.lists(STEP, min_size=4, max_size=16))
@SETTINGS
def test_escrows_credits_and_withdrawals_always_add_up_to_what_was_funded(
    adjudicator, escrow, stablecoin, funded, cast, left, steps
):
    insurer = cast["insurer"]
    books = Books(insurer)
    # The insurer keeps only `left` in escrow, so some payments pend (a claim pays up to 7,500).
    escrow.withdrawEscrow(ESCROW - left, {"from": insurer})
    books.escrow[str(insurer)] = left
    books.paid_out = ESCROW - left
    claims: list[bytes] = []
    for number, (action, who, amount) in enumerate(steps):
        tx = None
        if action == "fund":
            tx = escrow.fundEscrow(amount, {"from": cast[who]})
            books.escrow[str(cast[who])] += amount
            books.funded += amount
        elif action == "withdraw_escrow":
            available = escrow.escrowOf(cast[who])
            take = available * amount // 100
            if take:
                tx = escrow.withdrawEscrow(take, {"from": cast[who]})
                books.escrow[str(cast[who])] -= take
                books.paid_out += take
        elif action == "claim":
            # One claim a day, received the day of the service: paid, never a duplicate.
            service = (FIRST_DAY + timedelta(days=number)).isoformat()
            item = claim(f"c{number}", M1, [line(OFFICE, service, 1, amount)], received=service)
            [cid] = adjudicator.submitClaims([item], {"from": cast[who]}).return_value
            tx = adjudicator.adjudicate([cid], {"from": insurer})
            claims.append(bytes(cid))
        elif action == "settle":
            pending = [c for c in claims if adjudicator.claimOf(c)[3] == S_PENDING]
            if pending:
                tx = adjudicator.settlePayments(pending, {"from": insurer})
        elif action == "reverse":
            open_claims = [c for c in claims if adjudicator.claimOf(c)[3] in (S_SETTLED, S_PENDING)]
            if open_claims:
                tx = adjudicator.reverseClaim(
                    open_claims[amount % len(open_claims)], {"from": insurer}
                )
        elif action == "withdraw":
            credit = escrow.creditOf(cast[who])
            if credit:
                tx = escrow.withdraw({"from": cast[who]})
                books.credit[str(cast[who])] -= credit
                books.paid_out += credit
        if tx is not None:
            books.apply(tx)
        check(adjudicator, escrow, stablecoin, cast, books)


def check(adjudicator: Any, escrow: Any, stablecoin: Any, cast: Any, books: Books) -> None:
    escrows = {str(cast[name]): escrow.escrowOf(cast[name]) for name in INSURERS}
    credits = {str(cast[name]): escrow.creditOf(cast[name]) for name in PROVIDERS}
    held = sum(escrows.values()) + sum(credits.values())
    assert stablecoin.balanceOf(escrow) == held
    assert held + books.paid_out == books.funded
    assert stablecoin.balanceOf(adjudicator) == 0
    assert escrows == {k: books.escrow[k] for k in escrows}
    assert credits == {k: books.credit[k] for k in credits}
    for insurer in INSURERS:
        for provider in PROVIDERS:
            owed = escrow.recoupmentOf(cast[insurer], cast[provider])
            assert owed == books.owed[(str(cast[insurer]), str(cast[provider]))] >= 0
