"""Remittances read back from the chain: the JSON output of an adjudication run and an X12
835-like remittance advice per provider. Nothing here computes an adjudication result: every
amount and adjustment is what ClaimsAdjudicator.remittanceOf returns."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from hygeia.claims.client import ClaimRecord, ClaimsAdjudicatorClient, Remittance
from hygeia.claims.ids import reversal_id
from hygeia.core.contract_types import ClaimState

_CENTS = 100
# Claims read per round of batched calls (and per progress report).
_READ_CHUNK = 100
_X12_ID_WIDTH = 15


@dataclass(frozen=True)
class ClaimEntry:
    """A claim to report: its on-chain id, its name in the report, the line numbers to show
    (None: 1, 2, ...) and the provider's name."""

    claim_id: bytes
    label: str
    provider_label: str
    line_labels: tuple[int, ...] | None = None


@dataclass(frozen=True)
class ReportedClaim:
    entry: ClaimEntry
    record: ClaimRecord
    remittance: Remittance


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
        reversals = client.claims_of([reversal_id(e.claim_id) for e in chunk])
        rows: list[tuple[ClaimEntry, ClaimRecord]] = []
        for entry, record, reversal in zip(chunk, records, reversals, strict=True):
            if record is None or record.state in (ClaimState.SUBMITTED, ClaimState.REVERSAL):
                continue
            rows.append((entry, record))
            if record.state is ClaimState.REVERSED and reversal is not None:
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
        "status": str(remit.status),
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
    for label, plan_id, member_id in members:
        accumulator = client.accumulator_of(plan_id, member_id)
        result[label] = {
            "deductible_met": accumulator.deductible_met,
            "oop_met": accumulator.oop_met,
        }
    return result


# ---------------------------------------------------------------------------- X12 835


def write_835_files(
    client: ClaimsAdjudicatorClient,
    claims: Sequence[ReportedClaim],
    *,
    payer: str,
    out_dir: Path,
    created: datetime,
) -> list[Path]:
    """One X12 835-like remittance advice per provider, named 835-<provider>.x12."""
    by_provider: dict[str, list[ReportedClaim]] = {}
    for claim in claims:
        by_provider.setdefault(claim.entry.provider_label, []).append(claim)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for control, (provider, provided) in enumerate(sorted(by_provider.items()), start=1):
        payee = provided[0].record.provider
        path = out_dir / f"835-{_file_safe(provider)}.x12"
        path.write_text(
            x12_835(client, provided, payer=payer, payee=payee, payee_name=provider,
                    control=control, created=created)
        )  # fmt: skip
        paths.append(path)
    return paths


def x12_835(
    client: ClaimsAdjudicatorClient,
    claims: Sequence[ReportedClaim],
    *,
    payer: str,
    payee: str,
    payee_name: str,
    control: int,
    created: datetime,
) -> str:
    """An 835 health care claim payment advice (005010X221A1 segments, simplified): a CLP per
    claim (and per reversal record, status 22), an SVC per line with its CAS adjustments."""
    day, time = created.strftime("%Y%m%d"), created.strftime("%H%M")
    total = sum(c.remittance.paid for c in claims)
    body = [
        "ST*835*0001",
        f"BPR*I*{_money(total)}*C*ACH*CCP" if total else "BPR*H*0*C*NON",
        f"TRN*1*{control:09d}*1{payer[2:11].upper()}",
        f"DTM*405*{day}",
        f"N1*PR*{payer}",
        f"N1*PE*{payee_name}*XX*{payee}",
        "LX*1",
    ]
    for claim in claims:
        remit, record = claim.remittance, claim.record
        body.append(
            f"CLP*{claim.entry.label}*{remit.status}*{_money(remit.charge)}*{_money(remit.paid)}"
            f"*{_money(remit.patient_responsibility)}*ZZ*0x{record.claim_id.hex()}"
        )
        body.append(f"NM1*QC*1******MI*0x{record.member_id.hex()}")
        for line, submitted in zip(remit.lines, client.claim_lines(record.claim_id), strict=True):
            body.append(
                f"SVC*HC:{submitted.code}*{_money(line.charge)}*{_money(line.paid)}"
                f"**{submitted.units}"
            )
            body.append(f"DTM*472*{submitted.service_date.strftime('%Y%m%d')}")
            body.extend(f"CAS*{a.group}*{a.reason}*{_money(a.amount)}" for a in line.adjustments)
            body.append(f"AMT*B6*{_money(line.allowed)}")
    body.append(f"SE*{len(body) + 1}*0001")
    sender, receiver = _x12_id(payer), _x12_id(payee)
    envelope = [
        f"ISA*00*{' ' * 10}*00*{' ' * 10}*ZZ*{sender}*ZZ*{receiver}*{created.strftime('%y%m%d')}"
        f"*{time}*^*00501*{control:09d}*0*P*:",
        f"GS*HP*{sender.strip()}*{receiver.strip()}*{day}*{time}*{control}*X*005010X221A1",
        *body,
        f"GE*1*{control}",
        f"IEA*1*{control:09d}",
    ]
    return "~\n".join(envelope) + "~\n"


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), _CENTS)
    return f"{sign}{whole}.{part:02d}"


def _x12_id(address: str) -> str:
    return address[2 : 2 + _X12_ID_WIDTH].upper().ljust(_X12_ID_WIDTH)


def _file_safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)
