"""ClaimsAdjudicator: properties of adjudication over random claims (hypothesis).

Random claims (members M1, M2 or the unknown M9; any code of the fee schedule or none; dates
around coverage and authorization periods; random units, charges, authorizations and received
days) are adjudicated twice: one by one under MAIN, and all in one batch under TWIN, a plan with
the same terms, members and authorizations. For every line and claim: the remittance balances
(charge = paid + adjustments), paid + the member's cost share <= allowed <= charge; after every
claim the accumulators stay within the deductible and the out-of-pocket maximum and the units
within the limit; the escrow pays exactly the paid amounts; and both runs give the same
remittances and accumulators: results do not depend on batch size.
"""

from __future__ import annotations

from typing import Any

import pytest
from brownie.test import given
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.contracts.claims_adjudicator.support import (
    ESCROW,
    FLU,
    LAB,
    M1,
    M2,
    M2_END,
    M2_START,
    M9,
    MAIN,
    MAIN_SERVICES,
    MAIN_TERMS,
    MRI,
    OFFICE,
    PA1,
    PA1_END,
    PA1_START,
    PA2,
    THERAPY,
    UNLISTED,
    YEAR_END,
    YEAR_START,
    ZERO32,
    code,
    day,
    plan_tuple,
    ref,
    remittance,
)

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TWIN = 3
CODES = (OFFICE, LAB, THERAPY, MRI, FLU, UNLISTED)
AUTHS = (ZERO32, PA1, PA2)
FIRST_DAY = day("2025-01-20")
COST_SHARE_CARCS = {1, 2, 3}

# (code, day offset from FIRST_DAY, units, charge, authorization)
LINE = st.tuples(
    st.sampled_from(CODES),
    st.integers(min_value=0, max_value=180),
    st.integers(min_value=1, max_value=6),
    st.integers(min_value=1, max_value=100_000),
    st.sampled_from(AUTHS),
)
# (member, lines, days from the last service date to the received day)
CLAIM = st.tuples(
    st.sampled_from((M1, M1, M2, M9)),
    st.lists(LINE, min_size=1, max_size=4),
    st.integers(min_value=0, max_value=120),
)


@pytest.fixture(scope="module")
def twin(adjudicator, escrow, plan, named) -> int:
    """TWIN: MAIN's terms, services, members and authorizations under another plan id; and the
    rest of the insurer's tokens in the escrow, so both runs are paid at once."""
    insurer, sender = named["insurer"], {"from": named["insurer"]}
    tx = adjudicator.registerPlan(ref("twin"), plan_tuple(MAIN_TERMS), sender)
    assert tx.return_value == TWIN
    adjudicator.addServices(TWIN, [s.as_input() for s in MAIN_SERVICES], sender)
    adjudicator.enrolMembers(
        TWIN,
        [(M1, named["patient"], YEAR_START, YEAR_END), (M2, named["guardian"], M2_START, M2_END)],
        sender,
    )
    adjudicator.recordAuthorizations(
        TWIN,
        [(M1, PA1, code(MRI), PA1_START, PA1_END), (M1, PA2, code(THERAPY), YEAR_START, YEAR_END)],
        sender,
    )
    escrow.fundEscrow(ESCROW, {"from": insurer})
    return TWIN


def claim_input(plan_id: int, index: int, drawn: tuple[Any, ...]) -> tuple[Any, ...]:
    member, lines, delay = drawn
    dates = [FIRST_DAY + offset for _, offset, _, _, _ in lines]
    return (
        ref(f"plan {plan_id} claim {index}"),
        plan_id,
        member,
        max(dates) + delay,
        [(code(c), FIRST_DAY + o, u, ch, a) for c, o, u, ch, a in lines],
        b"",
    )


def check_remittance(remit: dict[str, Any]) -> None:
    total_adjustments = 0
    for line in remit["lines"]:
        adjustments = sum(amount for _, _, amount in line["adjustments"])
        cost_share = sum(
            amount
            for group, reason, amount in line["adjustments"]
            if group == "PR" and reason in COST_SHARE_CARCS
        )
        assert line["charge"] == line["paid"] + adjustments
        assert line["paid"] >= 0 and line["paid"] + cost_share <= line["allowed"] <= line["charge"]
        assert all(amount > 0 for _, _, amount in line["adjustments"])
        total_adjustments += adjustments
    assert remit["charge"] == remit["paid"] + total_adjustments
    assert remit["charge"] == sum(line["charge"] for line in remit["lines"])
    assert remit["paid"] == sum(line["paid"] for line in remit["lines"])


def check_accumulators(adjudicator: Any, plan_id: int) -> None:
    for member in (M1, M2):
        deductible_met, oop_met = adjudicator.accumulatorOf(plan_id, member)
        assert deductible_met <= MAIN_TERMS["deductible"]
        assert oop_met <= MAIN_TERMS["oop_max"]
        assert adjudicator.unitsUsed(plan_id, member, code(THERAPY)) <= 10


@given(claims=st.lists(CLAIM, min_size=1, max_size=6))
@SETTINGS
def test_remittances_balance_stay_within_limits_and_do_not_depend_on_batch_size(
    adjudicator, escrow, twin, provider, insurer, claims
):
    sender, payer = {"from": provider}, {"from": insurer}
    escrowed = escrow.escrowOf(insurer)

    one_by_one = []
    for index, drawn in enumerate(claims):
        [claim_id] = adjudicator.submitClaims(
            [claim_input(MAIN, index, drawn)], sender
        ).return_value
        adjudicator.adjudicate([claim_id], payer)
        remit = remittance(adjudicator, claim_id)
        check_remittance(remit)
        check_accumulators(adjudicator, MAIN)
        one_by_one.append(remit)

    inputs = [claim_input(TWIN, index, drawn) for index, drawn in enumerate(claims)]
    ids = adjudicator.submitClaims(inputs, sender).return_value
    adjudicator.adjudicate(list(ids), payer)
    batched = [remittance(adjudicator, claim_id) for claim_id in ids]

    assert batched == one_by_one
    for member in (M1, M2, M9):
        assert adjudicator.accumulatorOf(TWIN, member) == adjudicator.accumulatorOf(MAIN, member)
    check_accumulators(adjudicator, TWIN)
    paid = sum(remit["paid"] for remit in one_by_one + batched)
    assert escrow.escrowOf(insurer) == escrowed - paid
    assert escrow.creditOf(provider) == paid
