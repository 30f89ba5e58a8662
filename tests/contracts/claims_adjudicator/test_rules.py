"""ClaimsAdjudicator: the adjudication rules (docs/claims.md), case by case.

Every expected remittance below is worked out by hand from the rules and the plans of
support.py (never by re-implementing the rules in Python). The worked arithmetic is in
the comment above each case. Reminder of the terms:

MAIN  deductible 50,000  oop max 60,000  coinsurance 25%  timely filing 90 days
      OFFICE 10,000/unit copay 2,500 (no deductible, no coinsurance)
      LAB 3,333/unit (deductible + coinsurance)     THERAPY 4,000/unit coinsurance, 10 units/year
      MRI 120,000/unit (deductible + coinsurance, prior auth)     FLU 2,500/unit (no cost share)
TIGHT deductible 1,000  oop max 3,000  coinsurance 50%  timely filing 365 days
      OFFICE 10,000/unit copay 2,500 + coinsurance     LAB 4,000/unit (deductible + coinsurance)
M1: all 2025 (PA1: MRI 2025-02-01..02-28; PA2: THERAPY all year).
M2: 2025-03-01..06-30. M9: unknown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.contracts.claims_adjudicator.support import (
    FLU,
    LAB,
    M1,
    M2,
    M9,
    MAIN,
    MRI,
    OFFICE,
    PA1,
    PA2,
    THERAPY,
    TIGHT,
    UNLISTED,
    Remit,
    adjustments_of,
    claim,
    code,
    line,
    ln,
    remittance,
)

CO, PR, OA = "CO", "PR", "OA"


@dataclass
class Submit:
    """Submit a claim (as `sender`, default the provider) and expect this remittance."""

    claim: tuple[Any, ...]
    expect: Remit
    sender: str = "provider"


@dataclass
class Reverse:
    """Reverse the claim submitted by step `step` and expect the reversal record's remittance."""

    step: int
    expect: Remit


@dataclass
class Case:
    steps: list[Submit | Reverse]
    # (plan, member) -> (deductible met, oop met) after all steps
    accumulators: dict[tuple[int, bytes], tuple[int, int]] = field(default_factory=dict)
    units: dict[tuple[int, bytes, str], int] = field(default_factory=dict)


CASES: dict[str, Case] = {
    # Rule 1: nobody to charge; each line CO-31 for its charge, status 4, nothing accumulates.
    "unknown member is denied with status 4 and CO-31 per line": Case(
        [
            Submit(
                claim(
                    "c1",
                    M9,
                    [line(OFFICE, "2025-10-01", 1, 15_000), line(LAB, "2025-10-01", 2, 8_000)],
                ),
                Remit(
                    4,
                    23_000,
                    0,
                    0,
                    [
                        ln(15_000, 0, 0, (CO, 31, 15_000)),
                        ln(8_000, 0, 0, (CO, 31, 8_000)),
                    ],
                ),
            )
        ],
        {(MAIN, M9): (0, 0)},
    ),
    # Rule 2: M2 is covered from 2025-03-01; PR-26 is patient responsibility.
    "service before coverage start is PR-26": Case(
        [
            Submit(
                claim("c1", M2, [line(OFFICE, "2025-02-28", 1, 15_000)], received="2025-03-15"),
                Remit(1, 15_000, 0, 15_000, [ln(15_000, 0, 0, (PR, 26, 15_000))]),
            )
        ],
        {(MAIN, M2): (0, 0)},
    ),
    "service after coverage end is PR-27": Case(
        [
            Submit(
                claim("c1", M2, [line(OFFICE, "2025-07-01", 1, 15_000)], received="2025-07-15"),
                Remit(1, 15_000, 0, 15_000, [ln(15_000, 0, 0, (PR, 27, 15_000))]),
            )
        ],
        {(MAIN, M2): (0, 0)},
    ),
    # Coverage days are inclusive. OFFICE 15,000: allowed 10,000 (CO-45 5,000), copay 2,500,
    # paid 7,500. FLU 2,500: allowed 2,500, no cost share, paid in full with no adjustment.
    "the first and last day of coverage are covered": Case(
        [
            Submit(
                claim("c1", M2, [line(OFFICE, "2025-03-01", 1, 15_000)], received="2025-03-10"),
                Remit(
                    1,
                    15_000,
                    7_500,
                    2_500,
                    [ln(15_000, 10_000, 7_500, (CO, 45, 5_000), (PR, 3, 2_500))],
                ),
            ),
            Submit(
                claim("c2", M2, [line(FLU, "2025-06-30", 1, 2_500)], received="2025-07-10"),
                Remit(1, 2_500, 2_500, 0, [ln(2_500, 2_500, 2_500)]),
            ),
        ],
        {(MAIN, M2): (0, 2_500)},
    ),
    # Rule 3: 2025-03-01 -> 2025-05-31 is 91 days (> 90): CO-29. 2025-03-02 -> 05-31 is 90: on time.
    "received more than the timely-filing days after service is CO-29": Case(
        [
            Submit(
                claim("c1", M1, [line(OFFICE, "2025-03-01", 1, 15_000)], received="2025-05-31"),
                Remit(1, 15_000, 0, 0, [ln(15_000, 0, 0, (CO, 29, 15_000))]),
            ),
            Submit(
                claim("c2", M1, [line(OFFICE, "2025-03-02", 1, 15_000)], received="2025-05-31"),
                Remit(
                    1,
                    15_000,
                    7_500,
                    2_500,
                    [ln(15_000, 10_000, 7_500, (CO, 45, 5_000), (PR, 3, 2_500))],
                ),
            ),
        ],
        {(MAIN, M1): (0, 2_500)},
    ),
    # Rule 4 inside one claim: line 2 repeats line 1 (same member, provider, code, date).
    "a repeated line in the same claim is a duplicate (OA-18)": Case(
        [
            Submit(
                claim(
                    "c1",
                    M1,
                    [line(OFFICE, "2025-10-01", 1, 15_000), line(OFFICE, "2025-10-01", 1, 15_000)],
                ),
                Remit(
                    1,
                    30_000,
                    7_500,
                    2_500,
                    [
                        ln(15_000, 10_000, 7_500, (CO, 45, 5_000), (PR, 3, 2_500)),
                        ln(15_000, 0, 0, (OA, 18, 15_000)),
                    ],
                ),
            )
        ],
        {(MAIN, M1): (0, 2_500)},
    ),
    # Rule 4 across claims; another provider, another date or another code is not a duplicate.
    # Three OFFICE copays (7,500) and one FLU (no cost share) accumulate.
    "a line billed again by the same provider is a duplicate, by another provider it is not": Case(
        [
            Submit(
                claim("c1", M1, [line(OFFICE, "2025-10-01", 1, 15_000)]),
                Remit(
                    1,
                    15_000,
                    7_500,
                    2_500,
                    [ln(15_000, 10_000, 7_500, (CO, 45, 5_000), (PR, 3, 2_500))],
                ),
            ),
            Submit(
                claim("c2", M1, [line(OFFICE, "2025-10-01", 1, 15_000)]),
                Remit(1, 15_000, 0, 0, [ln(15_000, 0, 0, (OA, 18, 15_000))]),
            ),
            Submit(
                claim("c3", M1, [line(OFFICE, "2025-10-01", 1, 15_000)]),
                Remit(
                    1,
                    15_000,
                    7_500,
                    2_500,
                    [ln(15_000, 10_000, 7_500, (CO, 45, 5_000), (PR, 3, 2_500))],
                ),
                sender="clinic",
            ),
            Submit(
                claim("c4", M1, [line(OFFICE, "2025-10-02", 1, 15_000)]),
                Remit(
                    1,
                    15_000,
                    7_500,
                    2_500,
                    [ln(15_000, 10_000, 7_500, (CO, 45, 5_000), (PR, 3, 2_500))],
                ),
            ),
            Submit(
                claim("c5", M1, [line(FLU, "2025-10-01", 1, 2_500)]),
                Remit(1, 2_500, 2_500, 0, [ln(2_500, 2_500, 2_500)]),
            ),
        ],
        {(MAIN, M1): (0, 7_500)},
    ),
    # c1 is denied (CO-197, no authorization), so the same line with PA1 is not a duplicate.
    # c2: allowed 120,000 (CO-45 30,000); deductible min(50,000, 120,000, room 60,000) = 50,000;
    # room 10,000; coinsurance 25% of 70,000 = 17,500 capped at 10,000: the OOP max is reached
    # mid-line; paid 60,000. c3 after the OOP max: OFFICE copay min(2,500, 10,000, 0) = 0,
    # paid 10,000.
    "a duplicate of a denied line is not a duplicate; the OOP max is reached mid-line": Case(
        [
            Submit(
                claim("c1", M1, [line(MRI, "2025-02-10", 1, 150_000)], received="2025-03-01"),
                Remit(1, 150_000, 0, 0, [ln(150_000, 0, 0, (CO, 197, 150_000))]),
            ),
            Submit(
                claim("c2", M1, [line(MRI, "2025-02-10", 1, 150_000, PA1)], received="2025-03-01"),
                Remit(
                    1,
                    150_000,
                    60_000,
                    60_000,
                    [
                        ln(
                            150_000,
                            120_000,
                            60_000,
                            (CO, 45, 30_000),
                            (PR, 1, 50_000),
                            (PR, 2, 10_000),
                        )
                    ],
                ),
            ),
            Submit(
                claim("c3", M1, [line(OFFICE, "2025-03-01", 1, 15_000)], received="2025-03-05"),
                Remit(1, 15_000, 10_000, 0, [ln(15_000, 10_000, 10_000, (CO, 45, 5_000))]),
            ),
        ],
        {(MAIN, M1): (50_000, 60_000)},
    ),
    # Rule 5.
    "a code outside the fee schedule is CO-96": Case(
        [
            Submit(
                claim("c1", M1, [line(UNLISTED, "2025-10-01", 1, 9_999)]),
                Remit(1, 9_999, 0, 0, [ln(9_999, 0, 0, (CO, 96, 9_999))]),
            )
        ],
        {(MAIN, M1): (0, 0)},
    ),
    # Rule 6: no id; PA2 is for THERAPY; 2025-03-01 is outside PA1's period -> CO-197 each.
    # PA1's first day: allowed 100,000 (charge below the fee), deductible 50,000, room 10,000,
    # coinsurance 12,500 capped at 10,000, paid 40,000. PA1's last day: nothing left to share,
    # paid 100,000 (no adjustment at all).
    "prior authorization must name an authorization of the code covering the date": Case(
        [
            Submit(
                claim(
                    "c1",
                    M1,
                    [
                        line(MRI, "2025-02-10", 1, 150_000),
                        line(MRI, "2025-02-11", 1, 150_000, PA2),
                        line(MRI, "2025-03-01", 1, 150_000, PA1),
                        line(MRI, "2025-02-01", 1, 100_000, PA1),
                        line(MRI, "2025-02-28", 1, 100_000, PA1),
                    ],
                    received="2025-03-15",
                ),
                Remit(
                    1,
                    650_000,
                    140_000,
                    60_000,
                    [
                        ln(150_000, 0, 0, (CO, 197, 150_000)),
                        ln(150_000, 0, 0, (CO, 197, 150_000)),
                        ln(150_000, 0, 0, (CO, 197, 150_000)),
                        ln(100_000, 100_000, 40_000, (PR, 1, 50_000), (PR, 2, 10_000)),
                        ln(100_000, 100_000, 100_000),
                    ],
                ),
            )
        ],
        {(MAIN, M1): (50_000, 60_000)},
    ),
    "another member's authorization does not count": Case(
        [
            Submit(
                claim("c1", M2, [line(MRI, "2025-03-10", 1, 150_000, PA1)], received="2025-03-20"),
                Remit(1, 150_000, 0, 0, [ln(150_000, 0, 0, (CO, 197, 150_000))]),
            )
        ],
        {(MAIN, M2): (0, 0)},
    ),
    # LAB: allowed 3,333 x 10 = 33,330 (CO-45 6,670).
    # c1: deductible min(50,000, 33,330, 60,000) = 33,330; nothing left for coinsurance; paid 0.
    # c2: deductible crosses: min(16,670, 33,330, 26,670) = 16,670; coinsurance 25% of 16,660 =
    #     4,165; paid 33,330 - 16,670 - 4,165 = 12,495. OOP now 54,165.
    # c3: 2 units, 6,666 = allowed; coinsurance 25% of 6,666 = 1,666.5 -> 1,667 (half up);
    #     paid 4,999.
    # c4: 3,333: 833.25 -> 833 (down); paid 2,500.  c5: 3,331: 832.75 -> 833 (up); paid 2,498.
    # OOP 54,165 + 1,667 + 833 + 833 = 57,498.
    "deductible crossing and coinsurance rounded half up": Case(
        [
            Submit(
                claim("c1", M1, [line(LAB, "2025-08-01", 10, 40_000)]),
                Remit(
                    1, 40_000, 0, 33_330, [ln(40_000, 33_330, 0, (CO, 45, 6_670), (PR, 1, 33_330))]
                ),
            ),
            Submit(
                claim("c2", M1, [line(LAB, "2025-08-02", 10, 40_000)]),
                Remit(
                    1,
                    40_000,
                    12_495,
                    20_835,
                    [ln(40_000, 33_330, 12_495, (CO, 45, 6_670), (PR, 1, 16_670), (PR, 2, 4_165))],
                ),
            ),
            Submit(
                claim("c3", M1, [line(LAB, "2025-08-03", 2, 6_666)]),
                Remit(1, 6_666, 4_999, 1_667, [ln(6_666, 6_666, 4_999, (PR, 2, 1_667))]),
            ),
            Submit(
                claim("c4", M1, [line(LAB, "2025-08-04", 1, 3_333)]),
                Remit(1, 3_333, 2_500, 833, [ln(3_333, 3_333, 2_500, (PR, 2, 833))]),
            ),
            Submit(
                claim("c5", M1, [line(LAB, "2025-08-05", 1, 3_331)]),
                Remit(1, 3_331, 2_498, 833, [ln(3_331, 3_331, 2_498, (PR, 2, 833))]),
            ),
        ],
        {(MAIN, M1): (50_000, 57_498)},
    ),
    # THERAPY, limit 10 units. c1: 8 units, allowed 32,000 (CO-45 8,000), coinsurance 8,000,
    # paid 24,000; used 8. c2: 3 units, excess 8 + 3 - 10 = 1: CO-119 floor(10,001 / 3) = 3,333;
    # goes on with 2 units and 6,668: allowed 6,668 (fee 8,000 is higher), coinsurance
    # 1,667 (6,668 / 4), paid 5,001; used 10. c3: every unit over: CO-119 for the charge.
    "the annual unit limit partly exceeded, then reached": Case(
        [
            Submit(
                claim("c1", M1, [line(THERAPY, "2025-09-01", 8, 40_000)]),
                Remit(
                    1,
                    40_000,
                    24_000,
                    8_000,
                    [ln(40_000, 32_000, 24_000, (CO, 45, 8_000), (PR, 2, 8_000))],
                ),
            ),
            Submit(
                claim("c2", M1, [line(THERAPY, "2025-09-08", 3, 10_001)]),
                Remit(
                    1,
                    10_001,
                    5_001,
                    1_667,
                    [ln(10_001, 6_668, 5_001, (CO, 119, 3_333), (PR, 2, 1_667))],
                ),
            ),
            Submit(
                claim("c3", M1, [line(THERAPY, "2025-09-15", 1, 5_000)]),
                Remit(1, 5_000, 0, 0, [ln(5_000, 0, 0, (CO, 119, 5_000))]),
            ),
        ],
        {(MAIN, M1): (0, 9_667)},
        {(MAIN, M1, THERAPY): 10},
    ),
    # OFFICE below the fee: allowed = charge. Copay 2,500 is capped by an allowed 2,000.
    "copay is taken from the allowed amount and never exceeds it": Case(
        [
            Submit(
                claim(
                    "c1",
                    M1,
                    [line(OFFICE, "2025-10-01", 1, 8_000), line(OFFICE, "2025-10-02", 1, 2_000)],
                ),
                Remit(
                    1,
                    10_000,
                    5_500,
                    4_500,
                    [
                        ln(8_000, 8_000, 5_500, (PR, 3, 2_500)),
                        ln(2_000, 2_000, 0, (PR, 3, 2_000)),
                    ],
                ),
            )
        ],
        {(MAIN, M1): (0, 4_500)},
    ),
    # TIGHT. c1 LAB: deductible 1,000, room 2,000, coinsurance 50% of 3,000 = 1,500, paid 1,500.
    # c2 OFFICE 12,000: allowed 10,000 (CO-45 2,000); copay min(2,500, 10,000, room 500) = 500;
    # room 0 so no coinsurance; paid 9,500. c3: nothing left to share, paid 10,000.
    # MAIN's accumulators of M1 are a different plan year's: untouched.
    "the out-of-pocket room caps the copay, then leaves nothing to share": Case(
        [
            Submit(
                claim("c1", M1, [line(LAB, "2025-05-01", 1, 4_000)], plan_id=TIGHT),
                Remit(
                    1,
                    4_000,
                    1_500,
                    2_500,
                    [ln(4_000, 4_000, 1_500, (PR, 1, 1_000), (PR, 2, 1_500))],
                ),
            ),
            Submit(
                claim("c2", M1, [line(OFFICE, "2025-05-02", 1, 12_000)], plan_id=TIGHT),
                Remit(
                    1,
                    12_000,
                    9_500,
                    500,
                    [ln(12_000, 10_000, 9_500, (CO, 45, 2_000), (PR, 3, 500))],
                ),
            ),
            Submit(
                claim("c3", M1, [line(OFFICE, "2025-05-03", 1, 10_000)], plan_id=TIGHT),
                Remit(1, 10_000, 10_000, 0, [ln(10_000, 10_000, 10_000)]),
            ),
        ],
        {(TIGHT, M1): (1_000, 3_000), (MAIN, M1): (0, 0)},
    ),
    # Rule 1's "otherwise": a known member's claim is status 1 even when nothing is paid.
    "a known member's claim is processed (status 1) even when nothing is paid": Case(
        [
            Submit(
                claim(
                    "c1",
                    M1,
                    [line(UNLISTED, "2025-10-01", 1, 5_000), line(OFFICE, "2025-10-01", 1, 2_000)],
                ),
                Remit(
                    1,
                    7_000,
                    0,
                    2_000,
                    [
                        ln(5_000, 0, 0, (CO, 96, 5_000)),
                        ln(2_000, 2_000, 0, (PR, 3, 2_000)),
                    ],
                ),
            )
        ],
        {(MAIN, M1): (0, 2_000)},
    ),
    # The reversal record (status 22) carries the negated amounts; the copay is given back to
    # the accumulators and the line stops counting for rule 4, so the resubmission is paid again.
    "reversal then resubmission": Case(
        [
            Submit(
                claim("c1", M1, [line(OFFICE, "2025-10-01", 1, 15_000)]),
                Remit(
                    1,
                    15_000,
                    7_500,
                    2_500,
                    [ln(15_000, 10_000, 7_500, (CO, 45, 5_000), (PR, 3, 2_500))],
                ),
            ),
            Reverse(
                0,
                Remit(
                    22,
                    -15_000,
                    -7_500,
                    -2_500,
                    [ln(-15_000, -10_000, -7_500, (CO, 45, -5_000), (PR, 3, -2_500))],
                ),
            ),
            Submit(
                claim("c1-corrected", M1, [line(OFFICE, "2025-10-01", 1, 15_000)]),
                Remit(
                    1,
                    15_000,
                    7_500,
                    2_500,
                    [ln(15_000, 10_000, 7_500, (CO, 45, 5_000), (PR, 3, 2_500))],
                ),
            ),
        ],
        {(MAIN, M1): (0, 2_500)},
    ),
    # THERAPY 10 units: allowed 40,000, coinsurance 10,000, paid 30,000, limit used up. The
    # reversal gives the 10 units back, so the resubmission is paid in full again. LAB: the
    # reversed deductible is owed again by the next LAB claim.
    "a reversal restores the unit limit and the deductible": Case(
        [
            Submit(
                claim(
                    "c1",
                    M1,
                    [line(THERAPY, "2025-09-01", 10, 40_000), line(LAB, "2025-09-01", 1, 3_333)],
                ),
                Remit(
                    1,
                    43_333,
                    30_000,
                    13_333,
                    [
                        ln(40_000, 40_000, 30_000, (PR, 2, 10_000)),
                        ln(3_333, 3_333, 0, (PR, 1, 3_333)),
                    ],
                ),
            ),
            Reverse(
                0,
                Remit(
                    22,
                    -43_333,
                    -30_000,
                    -13_333,
                    [
                        ln(-40_000, -40_000, -30_000, (PR, 2, -10_000)),
                        ln(-3_333, -3_333, 0, (PR, 1, -3_333)),
                    ],
                ),
            ),
            Submit(
                claim(
                    "c2",
                    M1,
                    [line(THERAPY, "2025-09-01", 10, 40_000), line(LAB, "2025-09-01", 1, 3_333)],
                ),
                Remit(
                    1,
                    43_333,
                    30_000,
                    13_333,
                    [
                        ln(40_000, 40_000, 30_000, (PR, 2, 10_000)),
                        ln(3_333, 3_333, 0, (PR, 1, 3_333)),
                    ],
                ),
            ),
        ],
        {(MAIN, M1): (3_333, 13_333)},
        {(MAIN, M1, THERAPY): 10},
    ),
}


def _check_events(tx: Any, claim_id: bytes, expect: Remit) -> None:
    lines = [e for e in tx.events["ClaimLineAdjudicated"] if bytes(e["claimId"]) == claim_id]
    assert [
        {
            "charge": e["charge"],
            "allowed": e["allowed"],
            "paid": e["paid"],
            "adjustments": adjustments_of(e["adjustments"]),
        }
        for e in lines
    ] == expect.lines
    assert [e["line"] for e in lines] == list(range(1, len(expect.lines) + 1))
    [totals] = [e for e in tx.events["ClaimAdjudicated"] if bytes(e["claimId"]) == claim_id]
    assert (
        totals["status"],
        totals["charge"],
        totals["paid"],
        totals["patientResponsibility"],
    ) == (
        expect.status,
        expect.charge,
        expect.paid,
        expect.patient_responsibility,
    )


def _check_accumulators(adjudicator: Any, case: Case) -> None:
    for (plan_id, member), expected in case.accumulators.items():
        assert tuple(adjudicator.accumulatorOf(plan_id, member)) == expected
    for (plan_id, member, code_text), used in case.units.items():
        assert adjudicator.unitsUsed(plan_id, member, code(code_text)) == used


@pytest.mark.parametrize("name", list(CASES))
def test_each_claim_adjudicated_alone_gives_the_hand_written_remittance(
    adjudicator, submit, adjudicate, cast, insurer, name
):
    case = CASES[name]
    ids: list[bytes] = []
    for step in case.steps:
        if isinstance(step, Submit):
            [claim_id] = submit(step.claim, sender=cast[step.sender]).return_value
            claim_id = bytes(claim_id)
            tx = adjudicate(claim_id)
            _check_events(tx, claim_id, step.expect)
        else:
            tx = adjudicator.reverseClaim(ids[step.step], {"from": insurer})
            claim_id = bytes(tx.return_value)
        ids.append(claim_id)
        assert remittance(adjudicator, claim_id) == step.expect.as_dict(), name
    _check_accumulators(adjudicator, case)


BATCHABLE = [name for name, case in CASES.items() if all(isinstance(s, Submit) for s in case.steps)]


@pytest.mark.parametrize("name", BATCHABLE)
def test_the_same_claims_adjudicated_in_one_batch_give_the_same_remittances(
    adjudicator, submit, adjudicate, cast, name
):
    case = CASES[name]
    by_sender: dict[str, list[int]] = defaultdict(list)
    for index, step in enumerate(case.steps):
        by_sender[step.sender].append(index)
    ids: dict[int, bytes] = {}
    for sender, indexes in by_sender.items():
        tx = submit(*(case.steps[i].claim for i in indexes), sender=cast[sender])
        ids.update(zip(indexes, (bytes(i) for i in tx.return_value), strict=True))
    ordered = [ids[i] for i in range(len(case.steps))]

    tx = adjudicate(*ordered)

    for claim_id, step in zip(ordered, case.steps, strict=True):
        _check_events(tx, claim_id, step.expect)
        assert remittance(adjudicator, claim_id) == step.expect.as_dict(), name
    _check_accumulators(adjudicator, case)
