"""The claims model: one set of types for plans, members, authorizations and claims, whether they
are in the payer's words (a batch file, an X12 837P) or as ClaimsAdjudicator takes them.

The same claim has two sets of identifiers: the payer's own (claim number, member number,
authorization number: `str`) and their salted pseudonyms, the only form the chain ever sees
(`bytes`, see :class:`hygeia.claims.ids.Pseudonyms`). The types are generic in that identifier,
so `Claim[str]` is a claim as a batch file or an 837P gives it and `Claim[bytes]` (alias
`ClaimSubmission`) what a provider submits; `pseudonymize` turns one into the other.

Dates are calendar days (`datetime.date`); amounts are integer cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from hygeia.core.contract_types import ReceiptMode

ZERO_ADDRESS = "0x" + "00" * 20

#: An identifier: the payer's own (str) or its salted on-chain pseudonym (bytes32).
Id = TypeVar("Id", str, bytes)


@dataclass(frozen=True)
class PlanTerms:
    year_start: date
    year_end: date
    deductible: int
    oop_max: int
    coinsurance_bps: int
    timely_filing_days: int
    insurer: str = ZERO_ADDRESS
    receipt_mode: ReceiptMode = ReceiptMode.LIVE


@dataclass(frozen=True)
class Service:
    """A fee schedule entry: allowed amount per unit, copay, which cost shares apply, whether
    prior authorization is required, and the annual unit limit (None: no limit)."""

    code: str
    allowed_per_unit: int
    copay: int = 0
    annual_limit: int | None = None
    deductible_applies: bool = True
    coinsurance_applies: bool = True
    prior_auth_required: bool = False


@dataclass(frozen=True)
class Plan:
    """A plan year as the payer describes it: its code, its terms and its fee schedule."""

    plan_id: str
    terms: PlanTerms
    services: tuple[Service, ...]


@dataclass(frozen=True)
class Enrolment(Generic[Id]):
    """A member's coverage. On-chain the member is linked to its patient's account; in the
    payer's words (a batch) `patient` is empty."""

    member_id: Id
    patient: str
    coverage_start: date
    coverage_end: date


@dataclass(frozen=True)
class Authorization(Generic[Id]):
    member_id: Id
    auth_id: Id
    code: str
    start: date
    end: date


@dataclass(frozen=True)
class ClaimLine(Generic[Id]):
    """A service line. `line` is the provider's line number (0: its position, from 1)."""

    code: str
    service_date: date
    units: int
    charge: int
    auth_id: Id | None = None
    line: int = 0


@dataclass(frozen=True)
class Claim(Generic[Id]):
    """A claim. `claim_ref` is the provider's claim number (a batch's claim_id, an 837P's CLM01)
    or its salted pseudonym; `provider` names who submits it in a batch (an NPI or a dev account;
    empty on-chain, where the submitting account is the provider)."""

    claim_ref: Id
    plan_id: int
    member_id: Id
    received: date
    lines: tuple[ClaimLine[Id], ...]
    attachment_cid: bytes = b""
    provider: str = ""

    @property
    def line_numbers(self) -> tuple[int, ...]:
        return tuple(line.line or n for n, line in enumerate(self.lines, start=1))


#: A claim as a provider submits it to ClaimsAdjudicator.
ClaimSubmission = Claim[bytes]
