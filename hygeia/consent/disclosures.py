"""A patient's accounting of disclosures (HIPAA): who read which record, when, for what purpose
and under which consent, with every break-glass opening and closing, from on-chain events."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NamedTuple, Protocol, runtime_checkable

from hygeia.consent.client import ConsentRegistryClient
from hygeia.core.chain.connection import block_times
from hygeia.core.contract_types import Purpose
from hygeia.core.times import iso


@runtime_checkable
class BlockTimeSource(Protocol):
    """A log source that knows its events' block times (hygeia.index's IndexedLogs)."""

    def block_times(self, numbers: list[int]) -> dict[int, datetime]: ...


@runtime_checkable
class DisclosureSource(Protocol):
    """A log source that answers a patient's accounting of disclosures itself (hygeia.index's
    IndexedLogs, from its domain tables and block times), dating the blocks it lacks with
    `missing_times`."""

    def disclosures(
        self,
        patient: str,
        from_block: int,
        missing_times: Callable[[set[int]], dict[int, datetime]],
    ) -> list[Disclosure]: ...


# A tuple, not a frozen dataclass: an accounting has tens of thousands of lines, and a tuple is
# built several times faster.
class Disclosure(NamedTuple):
    """One line of an accounting of disclosures, as people and JSON read it."""

    when: str
    event: str
    actor: str
    record_id: str | None
    purpose: str | None
    consent_id: str | None
    ends_at: str | None
    tx_hash: str

    def as_json(self) -> dict[str, Any]:
        return self._asdict()


def event_times(consent: ConsentRegistryClient, blocks: Sequence[int]) -> dict[int, datetime]:
    """The times of `blocks`: from the index when the client reads one (it dates its events
    itself), the rest from the node in JSON-RPC batches."""
    times: dict[int, datetime] = {}
    if isinstance(consent.logs, BlockTimeSource):
        times = consent.logs.block_times(list(blocks))
    times.update(block_times(consent.w3, set(blocks) - set(times)))
    return times


# Enum's `name` is a descriptor costing microseconds a read: looked up once per purpose.
_PURPOSE_NAMES = {purpose: purpose.name for purpose in Purpose}


def accounting_of_disclosures(
    consent: ConsentRegistryClient, patient: str, from_block: int = 0
) -> list[Disclosure]:
    """Every audited event of `patient`, oldest first, with the block time of each."""
    if isinstance(consent.logs, DisclosureSource):
        return consent.logs.disclosures(
            patient, from_block, lambda blocks: block_times(consent.w3, blocks)
        )
    trail = consent.audit_trail(patient, from_block)
    times = event_times(consent, [event.block_number for event in trail])
    shown = {number: iso(when) for number, when in times.items()}  # formatted once per block
    return [
        Disclosure(
            when=shown[event.block_number],
            event=event.kind,
            actor=event.actor,
            record_id="0x" + event.record_id.hex() if event.record_id else None,
            purpose=_PURPOSE_NAMES[event.purpose] if event.purpose else None,
            consent_id=str(event.consent_id) if event.kind == "access" else None,
            ends_at=iso(event.ends_at) if event.ends_at else None,
            tx_hash=event.tx_hash,
        )
        for event in trail
    ]
