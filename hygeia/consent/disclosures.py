"""A patient's accounting of disclosures (HIPAA): who read which record, when, for what purpose
and under which consent, with every break-glass opening and closing, from on-chain events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from hygeia.consent.client import ConsentRegistryClient
from hygeia.core.chain.connection import block_times
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


def event_times(consent: ConsentRegistryClient, blocks: Sequence[int]) -> dict[int, datetime]:
    """The times of `blocks`: from the index when the client reads one (it dates its events
    itself), the rest from the node in JSON-RPC batches."""
    times: dict[int, datetime] = {}
    if isinstance(consent.logs, BlockTimeSource):
        times = consent.logs.block_times(list(blocks))
    times.update(block_times(consent.w3, set(blocks) - set(times)))
    return times


def accounting_of_disclosures(
    consent: ConsentRegistryClient, patient: str, from_block: int = 0
) -> list[Disclosure]:
    """Every audited event of `patient`, oldest first, with the block time of each."""
    trail = consent.audit_trail(patient, from_block)
    times = event_times(consent, [event.block_number for event in trail])
    shown = {number: iso(when) for number, when in times.items()}  # formatted once per block
    return [
        Disclosure(
            when=shown[event.block_number],
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
