"""Typed client for ClaimsAdjudicator: plans, members, authorizations, claims, adjudication,
escrow and payments, reversals and appeals, and the remittances the contract computed.

On-chain the claims are three contracts that ClaimsAdjudicator's constructor creates together:
the adjudicator (transactions on plans, members, claims and appeals), its ClaimsReader (the views,
answered at the adjudicator's address through its fallback, so they are called there with the
reader's ABI) and its ClaimsEscrow (the money: funding, provider withdrawals, balances). This
client hides the split: give it the adjudicator's address and it finds the escrow itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction

from hygeia.claims.escrow import ClaimsEscrowClient
from hygeia.claims.ids import claim_id, day_date, day_number, decode_code, encode_code
from hygeia.claims.model import ZERO_ADDRESS as ZERO_ADDRESS
from hygeia.claims.model import Authorization as Authorization
from hygeia.claims.model import ClaimLine as ClaimLine
from hygeia.claims.model import ClaimSubmission as ClaimSubmission
from hygeia.claims.model import Enrolment as Enrolment
from hygeia.claims.model import PlanTerms as PlanTerms
from hygeia.claims.model import Service as Service
from hygeia.core import artifacts
from hygeia.core.chain.contract import ContractClient
from hygeia.core.chain.transactions import Receipt
from hygeia.core.contract_types import AppealStatus, ClaimState, ReceiptMode
from hygeia.core.errors import InvalidInputError
from hygeia.core.values import bytes32, checksum_address

ZERO32 = bytes(32)
# Views read at most this many claims per call, so one call stays small on any node.
_READ_CHUNK = 500


@dataclass(frozen=True)
class ClaimRecord:
    claim_id: bytes
    provider: str
    plan_id: int
    received: date
    state: ClaimState
    status: int
    line_count: int
    member_known: bool
    member_id: bytes


@dataclass(frozen=True)
class Adjustment:
    group: str
    reason: int
    amount: int


@dataclass(frozen=True)
class LineRemittance:
    charge: int
    allowed: int
    paid: int
    adjustments: tuple[Adjustment, ...]


@dataclass(frozen=True)
class Remittance:
    status: int
    charge: int
    paid: int
    patient_responsibility: int
    lines: tuple[LineRemittance, ...]


@dataclass(frozen=True)
class Accumulator:
    deductible_met: int
    oop_met: int


@dataclass(frozen=True)
class SubmittedClaim:
    """A ClaimSubmitted event: where to find a claim a provider submitted."""

    claim_id: bytes
    provider: str
    plan_id: int
    block_number: int


def _chunks(items: Sequence[bytes], size: int) -> Iterator[Sequence[bytes]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ClaimsAdjudicatorClient(ContractClient):
    contract_name = "ClaimsAdjudicator"

    @cached_property
    def reader(self) -> Contract:
        """The views: the ClaimsReader's ABI at the adjudicator's address (its fallback runs
        them), bound when first used."""
        return self.w3.eth.contract(address=self.address, abi=artifacts.abi("ClaimsReader"))

    @cached_property
    def escrow(self) -> ClaimsEscrowClient:
        """The adjudicator's ClaimsEscrow, sending as this client's sender."""
        address = str(self._call(self.contract.functions.escrow()))
        return ClaimsEscrowClient(self.w3, address, self.sender, logs=self.logs)

    # ------------------------------------------------------------ plans
    def register_plan(self, plan_key: bytes, terms: PlanTerms) -> Receipt:
        return self._transact(
            self.contract.functions.registerPlan(bytes32(plan_key, "plan key"), _plan_tuple(terms))
        )

    def add_services(self, plan_id: int, services: Sequence[Service]) -> Receipt:
        rows = [
            (
                encode_code(s.code),
                s.allowed_per_unit,
                s.copay,
                s.annual_limit or 0,
                s.annual_limit is not None,
                s.deductible_applies,
                s.coinsurance_applies,
                s.prior_auth_required,
            )
            for s in services
        ]
        return self._transact(self.contract.functions.addServices(plan_id, rows))

    # ------------------------------------------------------------ members
    def enrol_members(self, plan_id: int, members: Sequence[Enrolment[bytes]]) -> Receipt:
        rows = [
            (
                bytes32(m.member_id, "member id"),
                checksum_address(m.patient),
                day_number(m.coverage_start),
                day_number(m.coverage_end),
            )
            for m in members
        ]
        return self._transact(self.contract.functions.enrolMembers(plan_id, rows))

    def record_authorizations(
        self, plan_id: int, authorizations: Sequence[Authorization[bytes]]
    ) -> Receipt:
        rows = [
            (
                bytes32(a.member_id, "member id"),
                bytes32(a.auth_id, "authorization id"),
                encode_code(a.code),
                day_number(a.start),
                day_number(a.end),
            )
            for a in authorizations
        ]
        return self._transact(self.contract.functions.recordAuthorizations(plan_id, rows))

    # ------------------------------------------------------------ claims
    def submit_claims(self, claims: Sequence[ClaimSubmission]) -> Receipt:
        return self._transact(self.submit_claims_call(claims))

    def submit_claims_call(self, claims: Sequence[ClaimSubmission]) -> ContractFunction:
        """The submitClaims call, unsent (for pipelined or batched senders)."""
        rows = [
            (
                bytes32(c.claim_ref, "claim reference"),
                c.plan_id,
                bytes32(c.member_id, "member id"),
                day_number(c.received),
                [
                    (
                        encode_code(line.code),
                        day_number(line.service_date),
                        line.units,
                        line.charge,
                        line.auth_id or ZERO32,
                    )
                    for line in c.lines
                ],
                c.attachment_cid,
            )
            for c in claims
        ]
        return self.contract.functions.submitClaims(rows)

    def adjudicate(self, claim_ids: Sequence[bytes]) -> Receipt:
        return self._transact(self.adjudicate_call(claim_ids))

    def adjudicate_call(self, claim_ids: Sequence[bytes]) -> ContractFunction:
        """The adjudication of `claim_ids`, ready to send (alone or among others)."""
        return self.contract.functions.adjudicate(list(claim_ids))

    def settle_payments(self, claim_ids: Sequence[bytes]) -> Receipt:
        return self._transact(self.contract.functions.settlePayments(list(claim_ids)))

    def reverse_claim(self, claim_id_: bytes) -> Receipt:
        return self._transact(self.contract.functions.reverseClaim(claim_id_))

    # ------------------------------------------------------------ appeals
    def file_appeal(self, claim_id_: bytes, reason_digest: bytes) -> Receipt:
        return self._transact(self.contract.functions.fileAppeal(claim_id_, reason_digest))

    def decide_appeal(
        self, claim_id_: bytes, outcome: AppealStatus, decision_digest: bytes
    ) -> Receipt:
        if outcome not in (AppealStatus.UPHELD, AppealStatus.OVERTURNED):
            raise InvalidInputError("an appeal decision is 'upheld' or 'overturned'")
        fn = self.contract.functions.decideAppeal(claim_id_, int(outcome), decision_digest)
        return self._transact(fn)

    # ------------------------------------------------------------ escrow and payments
    def fund_escrow(self, amount: int) -> Receipt:
        """Move `amount` of the sender's tokens into its escrow (ClaimsEscrow.fundEscrow), first
        approving the escrow for `amount` when its allowance is short; returns the funding's
        receipt (`escrow.ensure_allowance` alone gives the approval's)."""
        self.escrow.ensure_allowance(amount)
        return self.escrow.fund_escrow(amount)

    def withdraw_escrow(self, amount: int) -> Receipt:
        return self.escrow.withdraw_escrow(amount)

    def withdraw(self) -> Receipt:
        """Transfer all payments credited to the sender (ClaimsEscrow.withdraw)."""
        return self.escrow.withdraw()

    # ------------------------------------------------------------ views
    def token(self) -> str:
        return self.escrow.token()

    def consent_registry(self) -> str:
        return str(self._call(self.contract.functions.consent()))

    def claim_id_of(self, provider: str, claim_ref: bytes) -> bytes:
        return claim_id(checksum_address(provider), claim_ref)

    def plan_id_of(self, insurer: str, plan_key: bytes) -> int:
        return int(self._call(self.reader.functions.planIdOf(checksum_address(insurer), plan_key)))

    def plan_of(self, plan_id: int) -> PlanTerms | None:
        insurer, start, end, bps, mode, days, deductible, oop_max = self._call(
            self.reader.functions.planOf(plan_id)
        )
        if int(insurer, 16) == 0:
            return None
        return PlanTerms(
            year_start=day_date(start),
            year_end=day_date(end),
            deductible=deductible,
            oop_max=oop_max,
            coinsurance_bps=bps,
            timely_filing_days=days,
            insurer=Web3.to_checksum_address(insurer),
            receipt_mode=ReceiptMode(mode),
        )

    def service_of(self, plan_id: int, code: str) -> Service | None:
        allowed, copay, limit, listed, has_limit, deductible, coinsurance, prior_auth = self._call(
            self.reader.functions.serviceOf(plan_id, encode_code(code))
        )
        if not listed:
            return None
        return Service(
            code=code.upper(),
            allowed_per_unit=allowed,
            copay=copay,
            annual_limit=limit if has_limit else None,
            deductible_applies=deductible,
            coinsurance_applies=coinsurance,
            prior_auth_required=prior_auth,
        )

    def member_of(self, plan_id: int, member_id: bytes) -> Enrolment[bytes] | None:
        return _enrolment(member_id, self._call(self.reader.functions.memberOf(plan_id, member_id)))

    def members_of(
        self, plan_id: int, member_ids: Sequence[bytes]
    ) -> list[Enrolment[bytes] | None]:
        """member_of for many members of a plan, in JSON-RPC batches."""
        raw = self._views("memberOf", [(plan_id, m) for m in member_ids])
        return [_enrolment(m, r) for m, r in zip(member_ids, raw, strict=True)]

    def authorization_of(
        self, plan_id: int, member_id: bytes, auth_id: bytes
    ) -> Authorization[bytes] | None:
        code, start, end = self._call(
            self.reader.functions.authorizationOf(plan_id, member_id, auth_id)
        )
        if bytes(code) == bytes(8):
            return None
        return Authorization(member_id, auth_id, decode_code(code), day_date(start), day_date(end))

    def accumulator_of(self, plan_id: int, member_id: bytes) -> Accumulator:
        deductible_met, oop_met = self._call(
            self.reader.functions.accumulatorOf(plan_id, member_id)
        )
        return Accumulator(deductible_met, oop_met)

    def accumulators_of(self, members: Sequence[tuple[int, bytes]]) -> list[Accumulator]:
        """accumulator_of for many (plan id, member id) pairs, in JSON-RPC batches."""
        return [Accumulator(d, o) for d, o in self._views("accumulatorOf", members)]

    def units_used(self, plan_id: int, member_id: bytes, code: str) -> int:
        fn = self.reader.functions.unitsUsed(plan_id, member_id, encode_code(code))
        return int(self._call(fn))

    def claim_of(self, claim_id_: bytes) -> ClaimRecord | None:
        return _claim_record(claim_id_, self._call(self.reader.functions.claimOf(claim_id_)))

    def claims_of(self, claim_ids: Sequence[bytes]) -> list[ClaimRecord | None]:
        """claim_of for many claims, in JSON-RPC batches."""
        raw = self._views("claimOf", [(cid,) for cid in claim_ids])
        return [_claim_record(cid, r) for cid, r in zip(claim_ids, raw, strict=True)]

    def claim_states(self, claim_ids: Sequence[bytes]) -> list[ClaimState]:
        states: list[ClaimState] = []
        for chunk in _chunks(claim_ids, _READ_CHUNK):
            raw = self._call(self.reader.functions.claimStates(list(chunk)))
            states.extend(ClaimState(s) for s in raw)
        return states

    def claim_lines(self, claim_id_: bytes) -> list[ClaimLine[bytes]]:
        return [
            ClaimLine(
                code=decode_code(code),
                service_date=day_date(service_date),
                units=units,
                charge=charge,
                auth_id=None if bytes(auth) == ZERO32 else bytes(auth),
            )
            for code, service_date, units, charge, auth in self._call(
                self.reader.functions.claimLines(claim_id_)
            )
        ]

    def remittance_of(self, claim_id_: bytes) -> Remittance:
        return _remittance(self._call(self.reader.functions.remittanceOf(claim_id_)))

    def remittances_of(self, claim_ids: Sequence[bytes]) -> list[Remittance]:
        """remittance_of for many adjudicated claims, in JSON-RPC batches."""
        raw = self._views("remittanceOf", [(cid,) for cid in claim_ids])
        return [_remittance(r) for r in raw]

    def escrow_of(self, insurer: str) -> int:
        return self.escrow.escrow_of(insurer)

    def credit_of(self, provider: str) -> int:
        return self.escrow.credit_of(provider)

    def recoupment_of(self, insurer: str, provider: str) -> int:
        return self.escrow.recoupment_of(insurer, provider)

    def appeal_of(self, claim_id_: bytes) -> AppealStatus:
        return AppealStatus(self._call(self.reader.functions.appealOf(claim_id_)))

    def _views(self, name: str, arguments: Sequence[Sequence[Any]]) -> list[Any]:
        """A ClaimsReader view once per argument list, in JSON-RPC batches."""
        return self._call_many(name, arguments, abi_of="ClaimsReader")

    # ------------------------------------------------------------ events
    def plans_of(self, insurer: str, *, from_block: int = 0) -> list[int]:
        """Ids of the plans `insurer` registered, from the PlanRegistered events."""
        logs = self.event_logs("PlanRegistered", {"insurer": checksum_address(insurer)}, from_block)
        return [int(log["args"]["planId"]) for log in logs]

    def submitted_claims(
        self, plan_ids: Sequence[int], *, from_block: int = 0
    ) -> list[SubmittedClaim]:
        """The claims submitted under `plan_ids`, in submission order (ClaimSubmitted events)."""
        if not plan_ids:
            return []
        logs = self.event_logs("ClaimSubmitted", {"planId": list(plan_ids)}, from_block)
        return [
            SubmittedClaim(
                claim_id=bytes(log["args"]["claimId"]),
                provider=str(log["args"]["provider"]),
                plan_id=int(log["args"]["planId"]),
                block_number=int(log["blockNumber"]),
            )
            for log in sorted(logs, key=lambda log: (log["blockNumber"], log["logIndex"]))
        ]


def _enrolment(member_id: bytes, raw: Sequence[Any]) -> Enrolment[bytes] | None:
    patient, start, end = raw
    if int(patient, 16) == 0:
        return None
    return Enrolment(member_id, Web3.to_checksum_address(patient), day_date(start), day_date(end))


def _claim_record(claim_id_: bytes, raw: Sequence[Any]) -> ClaimRecord | None:
    provider, plan_id, received, state, status, line_count, known, member_id = raw
    if ClaimState(state) is ClaimState.NONE:
        return None
    return ClaimRecord(
        claim_id=claim_id_,
        provider=Web3.to_checksum_address(provider),
        plan_id=plan_id,
        received=day_date(received),
        state=ClaimState(state),
        status=status,
        line_count=line_count,
        member_known=known,
        member_id=bytes(member_id),
    )


def _remittance(raw: Sequence[Any]) -> Remittance:
    status, charge, paid, patient, lines = raw
    return Remittance(
        status=status,
        charge=charge,
        paid=paid,
        patient_responsibility=patient,
        lines=tuple(
            LineRemittance(
                charge=c,
                allowed=a,
                paid=p,
                adjustments=tuple(
                    Adjustment(bytes(group).decode("ascii"), reason, amount)
                    for group, reason, amount in adjustments
                ),
            )
            for c, a, p, adjustments in lines
        ),
    )


def _plan_tuple(terms: PlanTerms) -> tuple[Any, ...]:
    return (
        ZERO_ADDRESS,
        day_number(terms.year_start),
        day_number(terms.year_end),
        terms.coinsurance_bps,
        int(terms.receipt_mode),
        terms.timely_filing_days,
        terms.deductible,
        terms.oop_max,
    )
