"""Reading events back from the index in the shape web3's `get_logs` gives them, so a contract
client can take its logs from the index instead of the chain:

    logs = IndexedLogs(IndexStore(url))
    logs.get_logs("ConsentRegistry", "RecordAccessed", {"patient": patient}, from_block=0)

Filters on indexed arguments are answered by the database (the `arg1`..`arg3` columns, with an
index); filters on other arguments are applied to the decoded rows. A value may be a list (any of).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hexbytes import HexBytes
from sqlalchemy import or_, select, union_all
from web3 import Web3
from web3.datastructures import AttributeDict

from hygeia.core import artifacts
from hygeia.core.chain.connection import call_node
from hygeia.core.deployments import Deployment
from hygeia.core.errors import InvalidInputError
from hygeia.core.times import from_unix, iso
from hygeia.index import domain, schema
from hygeia.index.decode import filter_text, restore
from hygeia.index.store import IndexStore

if TYPE_CHECKING:
    from hygeia.consent.client import AuditEvent
    from hygeia.consent.disclosures import Disclosure


class IndexedLogs:
    """A log source over an index database."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store

    @classmethod
    def for_deployment(cls, url: str, w3: Web3, deployment: Deployment) -> IndexedLogs:
        """The index at `url`, checked to index `deployment` on `w3`'s chain (IndexMismatchError
        otherwise), for the deployment's clients to read their events from."""
        store = IndexStore(url)
        genesis = call_node(store.shown_url(), lambda: w3.eth.get_block(0))["hash"].to_0x_hex()
        contracts = {name: c.address for name, c in deployment.contracts.items()}
        store.check_serves(deployment.chain_id, genesis, contracts)
        return cls(store)

    def lag(self, w3: Web3) -> int | None:
        """Blocks between the chain's head and the last block indexed (None: nothing yet)."""
        indexed = self.indexed_to()
        return None if indexed is None else max(0, int(w3.eth.block_number) - indexed)

    def indexed_to(self) -> int | None:
        """The last block indexed (None: nothing yet): the logs answered reach it."""
        cursor = self.store.cursor()
        return None if cursor is None else cursor.number

    def get_logs(
        self,
        contract: str,
        event: str,
        argument_filters: Mapping[str, Any] | None = None,
        from_block: int = 0,
    ) -> list[AttributeDict[str, Any]]:
        """The events `event` of `contract` from `from_block` on, oldest first."""
        abi = _event_abi(contract, event)
        inputs = {i["name"]: i for i in abi["inputs"]}
        indexed = [i["name"] for i in abi["inputs"] if i.get("indexed")]
        logs = schema.logs
        query = (
            select(logs)
            .where(logs.c.contract == contract, logs.c.event == event)
            .where(logs.c.block_number >= from_block)
            .order_by(logs.c.block_number, logs.c.log_index)
        )
        later: dict[str, list[Any]] = {}
        for name, value in (argument_filters or {}).items():
            if name not in inputs:
                raise InvalidInputError(f"{contract}.{event} has no argument {name!r}")
            wanted = list(value) if isinstance(value, list | tuple | set) else [value]
            if name in indexed[:3]:
                column = logs.c[f"arg{indexed.index(name) + 1}"]
                query = query.where(
                    column.in_([filter_text(inputs[name]["type"], v) for v in wanted])
                )
            else:
                later[name] = [restore(inputs[name], _stored(inputs[name], v)) for v in wanted]

        def run() -> list[Any]:
            with self.store.engine.connect() as conn:
                return list(conn.execute(query).mappings().all())

        found = []
        for row in self.store._retry(run):
            stored = json.loads(row["args"])
            args = {name: restore(inputs[name], stored[name]) for name in inputs}
            if any(args[name] not in values for name, values in later.items()):
                continue
            found.append(
                AttributeDict(
                    {
                        "args": AttributeDict(args),
                        "event": event,
                        "address": row["address"],
                        "blockNumber": int(row["block_number"]),
                        "blockHash": HexBytes(row["block_hash"]),
                        "transactionHash": HexBytes(row["tx_hash"]),
                        "logIndex": int(row["log_index"]),
                    }
                )
            )
        return found

    # --- readers served by the domain tables ---------------------------------------------------

    def _trail_rows(self, patient: str, from_block: int) -> tuple[list[Any], list[Any], list[Any]]:
        """A patient's accesses, break-glass rows and erasures from `from_block`, each row with
        its block's time (`timestamp`, None where the index lacks it: a migrated version-1
        index), read by the tables' patient indexes."""
        a, b, r, t = domain.accesses, domain.break_glass, domain.records, schema.block_times

        def dated(table: Any, *columns: Any) -> Any:
            return select(*columns, t.c.timestamp).select_from(
                table.outerjoin(t, t.c.number == table.c.block_number)
            )

        reads = dated(
            a,
            a.c.block_number,
            a.c.log_index,
            a.c.tx_hash,
            a.c.accessor,
            a.c.record_id,
            a.c.purpose,
            a.c.consent_id,
        ).where(a.c.patient == patient, a.c.block_number >= from_block)
        # In chain order, as the covering index keeps them: no sort of 10,000 lines afterwards.
        reads = reads.order_by(a.c.block_number, a.c.log_index)
        glass = dated(b, b).where(b.c.patient == patient, b.c.block_number >= from_block)
        erased = dated(r, r).where(
            r.c.patient == patient, r.c.event == "erased", r.c.block_number >= from_block
        )

        def run() -> tuple[list[Any], list[Any], list[Any]]:
            with self.store.engine.connect() as conn:
                return (
                    list(conn.execute(reads).all()),
                    list(conn.execute(glass).all()),
                    list(conn.execute(erased).all()),
                )

        return self.store._retry(run)

    def audit_trail(self, patient: str, from_block: int = 0) -> list[AuditEvent]:
        """A patient's reads, break-glass openings and closings and erasures, in chain order,
        from the domain tables (`accesses`, `break_glass`, `records`) by their patient index:
        what ConsentRegistryClient.audit_trail reads from the chain's events."""
        from hygeia.consent.client import AuditEvent
        from hygeia.core.contract_types import Purpose

        who = filter_text("address", patient)
        reads, glass, erased = self._trail_rows(who, from_block)
        purposes: dict[int, Purpose] = {}

        def purpose(value: int) -> Purpose:
            if value not in purposes:
                purposes[value] = Purpose(value)
            return purposes[value]

        events = [
            AuditEvent(
                kind="access",
                patient=who,
                actor=row[3],
                block_number=int(row[0]),
                tx_hash=row[2],
                log_index=int(row[1]),
                record_id=bytes.fromhex(row[4][2:]),
                purpose=purpose(int(row[5])),
                consent_id=int(row[6]),
            )
            for row in reads
        ]
        for row in glass:
            opened = row.event == "opened"
            events.append(
                AuditEvent(
                    kind="break-glass-opened" if opened else "break-glass-closed",
                    patient=who,
                    actor=row.provider,
                    block_number=int(row.block_number),
                    tx_hash=row.tx_hash,
                    log_index=int(row.log_index),
                    purpose=Purpose.ETREAT if opened else None,
                    ends_at=from_unix(row.ends_at) if opened else None,
                    details=(
                        {"reason_hash": row.reason_hash, "opening": int(row.opening)}
                        if opened
                        else {"closed_by": row.by}
                    ),
                )
            )
        events += [
            AuditEvent(
                kind="erased",
                patient=who,
                actor=row.by,
                block_number=int(row.block_number),
                tx_hash=row.tx_hash,
                log_index=int(row.log_index),
                record_id=bytes.fromhex(row.record_id[2:]),
            )
            for row in erased
        ]
        return sorted(events, key=lambda e: (e.block_number, e.log_index))

    def disclosures(
        self,
        patient: str,
        from_block: int,
        missing_times: Callable[[set[int]], dict[int, datetime]],
    ) -> list[Disclosure]:
        """A patient's accounting of disclosures straight from the domain tables, each line
        dated by the index's block times (`missing_times` dates blocks the index lacks): the
        lines hygeia.consent.disclosures builds from the audit trail, without building the trail
        (an accounting of 10,000 accesses is a read a patient waits for)."""
        from hygeia.consent.disclosures import Disclosure
        from hygeia.core.contract_types import Purpose

        reads, glass, erased = self._trail_rows(filter_text("address", patient), from_block)
        undated = {
            int(row.block_number)
            for rows in (reads, glass, erased)
            for row in rows
            if row.timestamp is None
        }
        known = (
            {n: when.timestamp() for n, when in missing_times(undated).items()} if undated else {}
        )
        shown: dict[int, str] = {}

        def when(number: int, timestamp: int | None) -> str:
            if number not in shown:
                stamp = timestamp if timestamp is not None else known[number]
                shown[number] = iso(from_unix(int(stamp)))
            return shown[number]

        names = {int(p): p.name for p in Purpose}
        lines = [
            (
                row[0],
                row[1],
                Disclosure(
                    when(row[0], row[7]),
                    "access",
                    row[3],
                    row[4],
                    names[int(row[5])],
                    str(row[6]),
                    None,
                    row[2],
                ),
            )
            for row in reads
        ]
        for row in glass:
            opened = row.event == "opened"
            lines.append(
                (
                    row.block_number,
                    row.log_index,
                    Disclosure(
                        when(row.block_number, row.timestamp),
                        "break-glass-opened" if opened else "break-glass-closed",
                        row.provider,
                        None,
                        Purpose.ETREAT.name if opened else None,
                        None,
                        iso(from_unix(row.ends_at)) if opened else None,
                        row.tx_hash,
                    ),
                )
            )
        for row in erased:
            lines.append(
                (
                    row.block_number,
                    row.log_index,
                    Disclosure(
                        when(row.block_number, row.timestamp),
                        "erased",
                        row.by,
                        row.record_id,
                        None,
                        None,
                        None,
                        row.tx_hash,
                    ),
                )
            )
        if glass or erased:  # accesses come in chain order already
            lines.sort(key=lambda line: (line[0], line[1]))
        return [line[2] for line in lines]

    def block_times(self, numbers: list[int]) -> dict[int, datetime]:
        """The times of those of `numbers` the index stored (an index migrated from version 1
        lacks its older blocks' times: the caller asks the node for those)."""
        wanted = sorted(set(numbers))
        t = schema.block_times
        found: dict[int, datetime] = {}

        def run() -> list[Any]:
            rows: list[Any] = []
            with self.store.engine.connect() as conn:
                for start in range(0, len(wanted), 5_000):  # bound the IN list
                    part = wanted[start : start + 5_000]
                    rows += conn.execute(
                        select(t.c.number, t.c.timestamp).where(t.c.number.in_(part))
                    ).all()
            return rows

        for number, timestamp in self.store._retry(run):
            found[int(number)] = from_unix(int(timestamp))
        return found

    def lot_logs(
        self, gtin: int, lot_key: bytes, names: tuple[str, ...]
    ) -> list[AttributeDict[str, Any]]:
        """The events named `names` of a lot (by its key), of its product (by GTIN: the
        investigations and alerts, whose target the caller narrows) and every suspect-unit
        flag, in chain order, from the `custody` table's lot-key, GTIN and event indexes joined
        to their logs; in get_logs' shape, each with its `event` name."""
        c, logs = domain.custody, schema.logs
        key, product = "0x" + lot_key.hex(), str(int(gtin))
        matched = union_all(
            select(c.c.block_hash, c.c.log_index).where(c.c.lot_key == key),
            select(c.c.block_hash, c.c.log_index).where(c.c.gtin == product),
            # every suspect-unit flag, as the chain's answer reads them (few): a flag naming
            # another GTIN may still name one of this lot's units or holdings
            select(c.c.block_hash, c.c.log_index).where(c.c.event == "suspect-flagged"),
        ).subquery()
        query = (
            select(logs)
            .join(
                matched,
                (logs.c.block_hash == matched.c.block_hash)
                & (logs.c.log_index == matched.c.log_index),
            )
            .where(logs.c.contract == "DrugProvenance", or_(*(logs.c.event == n for n in names)))
            .order_by(logs.c.block_number, logs.c.log_index)
        )

        def run() -> list[Any]:
            with self.store.engine.connect() as conn:
                return list(conn.execute(query).mappings().all())

        seen: set[tuple[str, int]] = set()
        found = []
        for row in self.store._retry(run):
            if (row["block_hash"], row["log_index"]) in seen:
                continue  # an event both of the lot and of its GTIN
            seen.add((row["block_hash"], row["log_index"]))
            found.append(_as_log(row, _event_abi("DrugProvenance", row["event"])))
        return found


def _as_log(row: Mapping[str, Any], abi: Mapping[str, Any]) -> AttributeDict[str, Any]:
    inputs = {i["name"]: i for i in abi["inputs"]}
    stored = json.loads(row["args"])
    return AttributeDict(
        {
            "args": AttributeDict({n: restore(inputs[n], stored[n]) for n in inputs}),
            "event": row["event"],
            "address": row["address"],
            "blockNumber": int(row["block_number"]),
            "blockHash": HexBytes(row["block_hash"]),
            "transactionHash": HexBytes(row["tx_hash"]),
            "logIndex": int(row["log_index"]),
        }
    )


def _stored(abi: Mapping[str, Any], value: Any) -> Any:
    from hygeia.index.decode import text

    if str(abi["type"]) == "address":
        return filter_text("address", value)
    return text(value)


def _event_abi(contract: str, event: str) -> dict[str, Any]:
    try:
        entries = artifacts.abi(contract)
    except KeyError:
        raise InvalidInputError(f"no contract {contract!r} in the suite") from None
    for entry in entries:
        if entry.get("type") == "event" and entry.get("name") == event:
            return entry
    raise InvalidInputError(f"{contract} has no event {event!r}")
