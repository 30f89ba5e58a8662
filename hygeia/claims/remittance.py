"""Remittances read back from the chain: the JSON output of an adjudication run (the X12 835 is
hygeia.claims.x12.edi835). Nothing here computes an adjudication result: every amount and
adjustment is what ClaimsAdjudicator.remittanceOf returns; only the claim status code is told
from them (a claim that pays nothing and leaves the patient nothing to pay is denied)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hygeia.claims.client import ClaimRecord, ClaimsAdjudicatorClient, Remittance
from hygeia.claims.ids import payer_claim_number, reversal_id
from hygeia.core.contract_types import ClaimState

# Claims read per round of batched calls (and per progress report).
_READ_CHUNK = 100

#: 835 CLP02 claim status codes.
PROCESSED_AS_PRIMARY = 1
DENIED = 4
REVERSAL = 22


@dataclass(frozen=True)
class ClaimEntry:
    """A claim to report: its on-chain id, its name in the report (the provider's claim number,
    else the on-chain id), the provider's name, the line numbers to show (None: 1, 2, ...) and
    the payer's member number (None: only the on-chain pseudonym is known)."""

    claim_id: bytes
    label: str
    provider_label: str
    line_labels: tuple[int, ...] | None = None
    member_label: str | None = None


@dataclass(frozen=True)
class ReportedClaim:
    entry: ClaimEntry
    record: ClaimRecord
    remittance: Remittance

    @property
    def status(self) -> int:
        """The 835 claim status code (CLP02): 22 for a reversal record, 4 for a claim that pays
        nothing and leaves the patient nothing to pay (denied: not insured, timely filing,
        duplicate...), 1 for a claim processed (paid in full, in part, or $0 to the patient's
        deductible)."""
        remit = self.remittance
        if self.record.state is ClaimState.REVERSAL or remit.status == REVERSAL:
            return REVERSAL
        if remit.status == DENIED or (remit.paid == 0 and remit.patient_responsibility == 0):
            return DENIED
        return PROCESSED_AS_PRIMARY

    @property
    def payer_claim_number(self) -> str:
        """The payer claim control number (835 CLP07) of the claim (a reversal record carries its
        original claim's)."""
        return payer_claim_number(self.entry.claim_id)


def read_claims(
    client: ClaimsAdjudicatorClient,
    entries: Sequence[ClaimEntry],
    on_read: Callable[[int], None] | None = None,
) -> list[ReportedClaim]:
    """The stored record and remittance of each adjudicated claim, and of the reversal record of
    each reversed one (reported right after it, with the same name). Reads go in batches."""
    reported: list[ReportedClaim] = []
    for start in range(0, len(entries), _READ_CHUNK):
        chunk = entries[start : start + _READ_CHUNK]
        records = client.claims_of([e.claim_id for e in chunk])
        # Only a reversed claim has a reversal record to read.
        reversed_ids = [
            reversal_id(e.claim_id)
            for e, record in zip(chunk, records, strict=True)
            if record is not None and record.state is ClaimState.REVERSED
        ]
        reversals = iter(client.claims_of(reversed_ids))
        rows: list[tuple[ClaimEntry, ClaimRecord]] = []
        for entry, record in zip(chunk, records, strict=True):
            if record is None or record.state in (ClaimState.SUBMITTED, ClaimState.REVERSAL):
                continue
            rows.append((entry, record))
            if record.state is ClaimState.REVERSED and (reversal := next(reversals)) is not None:
                rows.append((entry, reversal))
        remittances = client.remittances_of([record.claim_id for _, record in rows])
        reported.extend(
            ReportedClaim(entry, record, remit)
            for (entry, record), remit in zip(rows, remittances, strict=True)
        )
        if on_read is not None:
            on_read(start + len(chunk))
    return reported


def claim_json(claim: ReportedClaim) -> dict[str, Any]:
    """One claim of the output document."""
    labels = claim.entry.line_labels or tuple(range(1, len(claim.remittance.lines) + 1))
    remit = claim.remittance
    return {
        "claim_id": claim.entry.label,
        "payer_claim_control_number": claim.payer_claim_number,
        "onchain_claim_id": "0x" + claim.entry.claim_id.hex(),
        "status": str(claim.status),
        "charge": remit.charge,
        "paid": remit.paid,
        "patient_responsibility": remit.patient_responsibility,
        "lines": [
            {
                "line": label,
                "charge": line.charge,
                "allowed": line.allowed,
                "paid": line.paid,
                "adjustments": [
                    {"group": a.group, "carc": a.reason, "amount": a.amount}
                    for a in line.adjustments
                ],
            }
            for label, line in zip(labels, remit.lines, strict=True)
        ],
    }


def accumulators_json(
    client: ClaimsAdjudicatorClient, members: Sequence[tuple[str, int, bytes]]
) -> dict[str, dict[str, int]]:
    """{label: {deductible_met, oop_met}} for (label, plan id, member id) triples."""
    result: dict[str, dict[str, int]] = {}
    accumulators = client.accumulators_of(
        [(plan_id, member_id) for _, plan_id, member_id in members]
    )
    for (label, _, _), accumulator in zip(members, accumulators, strict=True):
        result[label] = {
            "deductible_met": accumulator.deductible_met,
            "oop_met": accumulator.oop_met,
        }
    return result
