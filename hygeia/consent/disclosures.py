"""A patient's accounting of disclosures (HIPAA): who read which record, when, for what purpose
and under which consent, with every break-glass opening and closing, from on-chain events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from hygeia.consent.client import AuditEvent, ConsentRegistryClient
from hygeia.core.chain.connection import block_time
from hygeia.core.times import iso


@runtime_checkable
class BlockTimeSource(Protocol):
    """A log source that knows its events' block times (hygeia.index's IndexedLogs)."""

    def block_times(self, numbers: list[int]) -> dict[int, datetime]: ...


@dataclass(frozen=True)
class Disclosure:
    when: str
    event: str
    actor: str
    record_id: str | None
    purpose: str | None
    consent_id: str | None
    ends_at: str | None
    tx_hash: str

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def accounting_of_disclosures(
    consent: ConsentRegistryClient, patient: str, from_block: int = 0
) -> list[Disclosure]:
    """Every audited event of `patient`, oldest first, with the block time of each."""
    trail = consent.audit_trail(patient, from_block)
    times: dict[int, datetime] = {}
    if isinstance(consent.logs, BlockTimeSource):  # an index dates its events itself
        times = consent.logs.block_times([e.block_number for e in trail])

    shown: dict[int, str] = {}  # a block's time as text, formatted once per block

    def when(event: AuditEvent) -> str:
        number = event.block_number
        if number not in shown:
            if number not in times:
                times[number] = block_time(consent.w3, number)
            shown[number] = iso(times[number])
        return shown[number]

    return [
        Disclosure(
            when=when(event),
            event=event.kind,
            actor=event.actor,
            record_id="0x" + event.record_id.hex() if event.record_id else None,
            purpose=event.purpose.name if event.purpose else None,
            consent_id=str(event.consent_id) if event.kind == "access" else None,
            ends_at=iso(event.ends_at) if event.ends_at else None,
            tx_hash=event.tx_hash,
        )
        for event in trail
    ]
