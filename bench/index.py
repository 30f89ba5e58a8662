"""The event index: catch-up on a real chain, and two reads from a large index beside the direct
chain read.

- Catch-up: a fresh Anvil with the suite gets `events` events of mixed kinds (credential
  renewals, delegate appointments, break-glass openings and closings, a lot commissioned and
  shipped), in blocks of 200 transactions; `hygeia.index.Indexer.run_once` indexes it into a
  fresh SQLite file and a fresh PostgreSQL database (a throwaway cluster), beside the node's own
  `eth_getLogs` rate over the same ranges (the ceiling: the indexer reads through it).
- A patient's accounting of disclosures (hygeia.consent.disclosures) with `patient_accesses`
  accesses among `accesses` in the database. A chain with a million accesses takes hours to
  build, so the bulk is synthetic: decoded RecordAccessed events written through the indexer's
  own write path (IndexStore.write_range: logs, domain tables, block times, cursor) into the
  indexed chain's database. The chain read beside it is the same question asked of the real
  chain for its one busy patient (every block of the chain has three break-glass openings and
  closings of that patient), and the index answers that one too.
- A unit's trace in a `lot_units`-unit lot after `shipments` whole-lot shipments, each received
  (hygeia.provenance.trace.TraceReader.lot_events: the chain events a unit trace reads; the
  EPCIS documents it then reads come from the content store either way).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, TypeVar

from eth_utils.crypto import keccak
from rich.progress import Progress
from web3 import Web3

from bench.nodes import RawBatches, fresh_anvil
from hygeia.consent.client import ConsentRegistryClient
from hygeia.consent.disclosures import accounting_of_disclosures
from hygeia.core import artifacts
from hygeia.core.chain import TxSender, block_time, connect, dev_signer
from hygeia.core.chain.logs import raw_get_logs
from hygeia.core.contract_types import Role
from hygeia.core.deployments import Deployment
from hygeia.core.store import LocalStore
from hygeia.deploy import deploy_suite
from hygeia.index import Indexer, IndexStore
from hygeia.index.reader import IndexedLogs
from hygeia.index.store import Block, LogRow
from hygeia.participants.client import ParticipantRegistryClient
from hygeia.provenance import gs1, ids
from hygeia.provenance.client import DrugProvenanceClient
from hygeia.provenance.trace import TraceReader
from hygeia.provenance.workflow import ProvenanceFlow
from tests.index import postgres

T = TypeVar("T")

DEFAULT_EVENTS = 100_000
DEFAULT_ACCESSES = 1_000_000
DEFAULT_PATIENT_ACCESSES = 10_000
DEFAULT_LOT_UNITS = 100_000
DEFAULT_SHIPMENTS = 20
TXS_PER_BLOCK = 200
GOAL_EVENTS_PER_SECOND = 2_000
GOAL_READ_MS = 50.0
GTIN = 614141000418
_DAY = 86_400


@dataclass(frozen=True)
class CatchUpRow:
    backend: str
    events: int
    blocks: int
    seconds: float
    per_second: float
    node_get_logs_per_second: float  # the same ranges through eth_getLogs alone


@dataclass(frozen=True)
class ReadRow:
    question: str
    backend: str
    rows_in_database: int  # events in the database read
    answer: int  # lines in the answer
    index_ms: float
    raw_logs_ms: float | None  # the same read from the raw `logs` table (the version-1 reader)
    chain_ms: float | None  # the same question of the chain, without an index
    chain_answer: int | None
    synthetic: bool  # the database was filled with synthetic events


@dataclass
class IndexBenchResult:
    chain_events: int
    kinds: dict[str, int]
    catch_up: list[CatchUpRow] = field(default_factory=list)
    reads: list[ReadRow] = field(default_factory=list)
    postgresql: str = ""  # why PostgreSQL was not measured, when it was not


def run(
    progress: Progress,
    *,
    events: int = DEFAULT_EVENTS,
    accesses: int = DEFAULT_ACCESSES,
    patient_accesses: int = DEFAULT_PATIENT_ACCESSES,
    lot_units: int = DEFAULT_LOT_UNITS,
    shipments: int = DEFAULT_SHIPMENTS,
    repetitions: int = 5,
) -> IndexBenchResult:
    if not 0 < patient_accesses <= accesses:
        raise ValueError("patient_accesses must be between 1 and accesses")
    with fresh_anvil() as node, TemporaryDirectory(prefix="hygeia-bench-index-") as tmp:
        folder = Path(tmp)
        w3 = connect(node.url)
        deployment = deploy_suite(
            TxSender(w3, dev_signer(w3, "admin"), artifacts.suite_decoder()),
            regulators=(dev_signer(w3, "regulator").address,),
        ).deployment
        _credential(w3, deployment)
        store = LocalStore(folder / "store")
        lot = _lot(progress, w3, deployment, store, lot_units, shipments)
        busy = _bulk(progress, node.url, w3, deployment, events)
        kinds = _kinds(w3, deployment)
        result = IndexBenchResult(chain_events=sum(kinds.values()), kinds=kinds)
        with _databases(folder) as (urls, why):
            result.postgresql = why
            for backend, url in urls.items():
                row, index = _catch_up(progress, w3, deployment, url, backend)
                result.catch_up.append(row)
                try:
                    result.reads += _reads(
                        progress,
                        w3,
                        deployment,
                        index,
                        store,
                        backend,
                        busy=busy,
                        lot=lot,
                        accesses=accesses,
                        patient_accesses=patient_accesses,
                        repetitions=repetitions,
                    )
                finally:
                    index.close()
        return result


# --- the chain --------------------------------------------------------------------------------


def _sender(w3: Web3, name: str) -> TxSender:
    return TxSender(w3, dev_signer(w3, name), artifacts.suite_decoder())


def _credential(w3: Web3, deployment: Deployment) -> None:
    registry = ParticipantRegistryClient(
        w3, deployment.address_of("ParticipantRegistry"), _sender(w3, "regulator")
    )
    now = block_time(w3)
    roles = {
        "provider": Role.PROVIDER,
        "manufacturer": Role.MANUFACTURER,
        "distributor": Role.DISTRIBUTOR,
        "specialist": Role.DISTRIBUTOR,  # a second distributor the lot moves between
    }
    for name, role in roles.items():
        registry.issue_credential(
            dev_signer(w3, name).address,
            role,
            license_id=f"LIC-{name}",
            jurisdiction="US-NJ",
            valid_from=now - timedelta(days=1),
            valid_until=now + timedelta(days=20 * 365),  # the bulk moves a day per block
        )


@dataclass(frozen=True)
class Lot:
    gtin: int
    lot_key: bytes
    unit: bytes  # the unit whose trace is read


# GS1's example company prefixes, one per trading partner of the benchmark's lot.
_PREFIXES = {"manufacturer": "0614141", "distributor": "0614150", "specialist": "0614160"}


def _lot(
    progress: Progress,
    w3: Web3,
    deployment: Deployment,
    store: LocalStore,
    units: int,
    shipments: int,
) -> Lot:
    """A lot of `units` commissioned, then shipped whole `shipments` times between two
    distributors, each shipment received."""
    address = deployment.address_of("DrugProvenance")

    def flow(name: str) -> ProvenanceFlow:
        client = DrugProvenanceClient(w3, address, _sender(w3, name))
        return ProvenanceFlow(client, store, chain_id=w3.eth.chain_id, clock=lambda: block_time(w3))

    # Every EPCIS event names its parties by GLN: each licenses a prefix and binds its GLN.
    regulator = DrugProvenanceClient(w3, address, _sender(w3, "regulator"))
    for name, prefix in _PREFIXES.items():
        regulator.license_company_prefix(prefix, dev_signer(w3, name).address)
        flow(name).register_gln(gs1.gln_under(prefix, 1), len(prefix))
    maker = flow("manufacturer")
    maker.register_product(GTIN, 7, "Amoxicillin 500 mg capsules", 2.0, 25.0)
    serials = [f"SN{n:07d}" for n in range(units)]
    task = progress.add_task(f"index: a {units:,}-unit lot, {shipments} shipments", total=shipments)
    holding = maker.commission(GTIN, "BENCH-LOT", date(2045, 12, 31), serials).id
    parties = ("distributor", "specialist")
    sender = maker
    for n in range(shipments):
        to = parties[n % 2]
        holding = sender.ship(holding, dev_signer(w3, to).address).id
        sender = flow(to)
        sender.receive(holding)
        progress.advance(task)
    middle = serials[len(serials) // 2]
    return Lot(
        GTIN,
        ids.lot_key(GTIN, ids.digest("BENCH-LOT")),
        ids.unit_id(GTIN, ids.digest(middle)),
    )


def _function(contract: str, name: str) -> tuple[bytes, list[str]]:
    abi = next(
        e for e in artifacts.abi(contract) if e.get("type") == "function" and e["name"] == name
    )
    types = [str(i["type"]) for i in abi["inputs"]]
    return keccak(text=f"{name}({','.join(types)})")[:4], types


def _bulk(progress: Progress, url: str, w3: Web3, deployment: Deployment, events: int) -> str:
    """About `events` events of mixed kinds, TXS_PER_BLOCK transactions a block, sent in
    JSON-RPC batches with automine off; the chain's clock moves a day per block, so the busy
    patient's three break-glass openings a block stay within the contract's limit of three per
    provider and patient a day. The busy patient's address."""
    consent = deployment.address_of("ConsentRegistry")
    participants = deployment.address_of("ParticipantRegistry")
    regulator, provider = (dev_signer(w3, n).address for n in ("regulator", "provider"))
    appointers = [dev_signer(w3, n).address for n in ("patient", "guardian", "insurer", "pharmacy")]
    busy = Web3.to_checksum_address(keccak(text="busy patient")[:20])
    renew, renew_types = _function("ParticipantRegistry", "renewCredential")
    open_, open_types = _function("ConsentRegistry", "openBreakGlass")
    close, close_types = _function("ConsentRegistry", "closeBreakGlass")
    appoint, appoint_types = _function("ConsentRegistry", "appointDelegate")
    codec = w3.codec
    far = int(block_time(w3).timestamp()) + 19 * 365 * _DAY
    reason = keccak(text="bench")

    # Nonces are the bench's own: the node takes a batch's requests in any order.
    nonces = {
        a: int(w3.eth.get_transaction_count(Web3.to_checksum_address(a), "pending"))
        for a in (regulator, provider, *appointers)
    }

    def tx(sender: str, to: str, selector: bytes, types: list[str], args: list[Any]) -> Any:
        data = "0x" + (selector + codec.encode(types, args)).hex()
        nonce = nonces[sender]
        nonces[sender] += 1
        return {"from": sender, "to": to, "data": data, "gas": hex(250_000), "nonce": hex(nonce)}

    rpc = RawBatches(url)

    rpc([("evm_setAutomine", [False])])
    task = progress.add_task(f"index: {events:,} events on a real chain", total=events)
    made, n = 0, 0
    try:
        while made < events:
            block: list[Any] = []
            for _ in range(3):  # the busy patient: opened and closed three times a day
                block.append(tx(provider, consent, open_, open_types, [busy, reason, 3600]))
                block.append(tx(provider, consent, close, close_types, [busy, provider]))
            while len(block) < TXS_PER_BLOCK:
                kind = n % 3
                if kind == 0:
                    block.append(
                        tx(
                            regulator,
                            participants,
                            renew,
                            renew_types,
                            [provider, Role.PROVIDER.id, far + n],
                        )
                    )
                elif kind == 1:
                    delegate = Web3.to_checksum_address(keccak(n.to_bytes(8, "big"))[:20])
                    block.append(tx(appointers[n % 4], consent, appoint, appoint_types, [delegate]))
                else:  # a patient of its own: one opening, closed at once
                    patient = Web3.to_checksum_address(keccak(n.to_bytes(8, "big"))[12:])
                    block.append(tx(provider, consent, open_, open_types, [patient, reason, 600]))
                    block.append(tx(provider, consent, close, close_types, [patient, provider]))
                n += 1
            rpc([("eth_sendTransaction", [t]) for t in block])
            rpc([("evm_increaseTime", [_DAY + 1]), ("evm_mine", [])])
            made += len(block)
            progress.update(task, completed=min(made, events))
    finally:
        rpc([("evm_setAutomine", [True])])
    return busy


def _kinds(w3: Web3, deployment: Deployment) -> dict[str, int]:
    """The suite's events on the chain, by name (and a check every bench transaction landed)."""
    from hygeia.index.decode import suite_events

    contracts = suite_events(deployment)
    counts: dict[str, int] = {}
    head = w3.eth.block_number
    for first in range(0, head + 1, 5_000):
        for log in w3.eth.get_logs(
            {
                "fromBlock": first,
                "toBlock": min(head, first + 4_999),
                "address": [Web3.to_checksum_address(c.address) for c in contracts.values()],
            }
        ):
            found = contracts[str(log["address"]).lower()].by_topic.get(bytes(log["topics"][0]))
            if found is not None:
                counts[str(found["name"])] = counts.get(str(found["name"]), 0) + 1
    return dict(sorted(counts.items()))


# --- the databases ----------------------------------------------------------------------------


@contextmanager
def _databases(folder: Path) -> Iterator[tuple[dict[str, str], str]]:
    urls = {"SQLite": f"sqlite:///{folder / 'index.sqlite'}"}
    why = postgres.why_unavailable() or ""
    cluster = None if why else postgres.start()
    try:
        if cluster is not None:
            urls["PostgreSQL"] = cluster.create_database("bench_index")
        yield urls, why
    finally:
        if cluster is not None:
            cluster.stop()


def _catch_up(
    progress: Progress, w3: Web3, deployment: Deployment, url: str, backend: str
) -> tuple[CatchUpRow, IndexStore]:
    store = IndexStore(url)
    indexer = Indexer(w3, deployment, store)
    indexer.prepare()
    task = progress.add_task(f"index: catch-up into {backend}", total=None)
    started = time.perf_counter()
    done = indexer.run_once(report=lambda p: progress.update(task, completed=p.events))
    seconds = time.perf_counter() - started
    # The ceiling: the same ranges through eth_getLogs alone, the node's JSON as the indexer
    # takes it (no decoding, no database).
    addresses = [Web3.to_checksum_address(c.address) for c in indexer.contracts.values()]
    head = w3.eth.block_number
    started = time.perf_counter()
    fetched = 0
    for first in range(indexer.start_block, head + 1, indexer.max_range):
        last = min(head, first + indexer.max_range - 1)
        params = {"fromBlock": hex(first), "toBlock": hex(last), "address": addresses}
        fetched += len(raw_get_logs(w3, params))
    node_seconds = time.perf_counter() - started
    row = CatchUpRow(
        backend=backend,
        events=done.events,
        blocks=done.blocks,
        seconds=seconds,
        per_second=done.events / seconds,
        node_get_logs_per_second=fetched / node_seconds,
    )
    return row, store


# --- the reads --------------------------------------------------------------------------------


class _RawLogs:
    """The index read through its raw `logs` table (what version 1 answered from), its events'
    times from the index's block times (version 1 asked the node)."""

    def __init__(self, logs: IndexedLogs) -> None:
        self._logs = logs

    def get_logs(
        self, contract: str, event: str, argument_filters: Any = None, from_block: int = 0
    ) -> Any:
        return self._logs.get_logs(contract, event, argument_filters, from_block)

    def block_times(self, numbers: list[int]) -> dict[int, datetime]:
        return self._logs.block_times(numbers)


def _ms(what: Callable[[], T], repetitions: int) -> tuple[float, T]:
    """The median of `repetitions` timed runs after one warm-up, in ms, and the last answer."""
    answer = what()
    times = []
    for _ in range(repetitions):
        started = time.perf_counter()
        answer = what()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), answer


def _reads(
    progress: Progress,
    w3: Web3,
    deployment: Deployment,
    store: IndexStore,
    content: LocalStore,
    backend: str,
    *,
    busy: str,
    lot: Lot,
    accesses: int,
    patient_accesses: int,
    repetitions: int,
) -> list[ReadRow]:
    consent_address = deployment.address_of("ConsentRegistry")
    logs = IndexedLogs(store)
    from_index = ConsentRegistryClient(w3, consent_address, logs=logs)
    from_raw = ConsentRegistryClient(w3, consent_address, logs=_RawLogs(logs))
    from_chain = ConsentRegistryClient(w3, consent_address)
    rows: list[ReadRow] = []

    # The busy patient of the real chain, every way.
    indexed = store.event_count()
    index_ms, answer = _ms(lambda: accounting_of_disclosures(from_index, busy), repetitions)
    raw_ms, raw = _ms(lambda: accounting_of_disclosures(from_raw, busy), repetitions)
    chain_ms, direct = _ms(lambda: accounting_of_disclosures(from_chain, busy), 1)
    if answer != direct or raw != direct:
        raise AssertionError("the index and the chain disagree on the busy patient's accounting")
    rows.append(
        ReadRow(
            "accounting of disclosures (real chain)",
            backend,
            indexed,
            len(answer),
            index_ms,
            raw_ms,
            chain_ms,
            len(direct),
            False,
        )
    )

    # A unit's trace: the chain events it reads.
    provenance = deployment.address_of("DrugProvenance")
    chain_trace = TraceReader(DrugProvenanceClient(w3, provenance), content)
    index_trace = TraceReader(DrugProvenanceClient(w3, provenance, logs=logs), content)
    raw_trace = TraceReader(DrugProvenanceClient(w3, provenance, logs=_RawLogs(logs)), content)

    def trace(reader: TraceReader) -> Callable[[], Any]:
        return lambda: reader.lot_events(lot.gtin, lot.lot_key, [lot.unit])

    index_ms, events = _ms(trace(index_trace), repetitions)
    raw_ms, raw_events = _ms(trace(raw_trace), repetitions)
    chain_ms, chain_events = _ms(trace(chain_trace), 1)
    if events != chain_events or raw_events != chain_events:
        raise AssertionError("the index and the chain disagree on the unit's trace")
    rows.append(
        ReadRow(
            "a unit's trace (chain events)",
            backend,
            indexed,
            len(events),
            index_ms,
            raw_ms,
            chain_ms,
            len(chain_events),
            False,
        )
    )

    # The synthetic bulk: `accesses` accesses, `patient_accesses` of them one patient's.
    patient = _fill_accesses(progress, store, consent_address, accesses, patient_accesses, backend)
    total = store.event_count()
    index_ms, answer = _ms(lambda: accounting_of_disclosures(from_index, patient), repetitions)
    raw_ms, raw = _ms(lambda: accounting_of_disclosures(from_raw, patient), repetitions)
    if len(answer) != patient_accesses or raw != answer:
        raise AssertionError("the index's accounting of the synthetic patient is wrong")
    rows.append(
        ReadRow(
            f"accounting of disclosures ({patient_accesses:,} of {accesses:,} accesses)",
            backend,
            total,
            len(answer),
            index_ms,
            raw_ms,
            None,
            None,
            True,
        )
    )
    index_ms, events = _ms(trace(index_trace), repetitions)
    rows.append(
        ReadRow(
            "a unit's trace (chain events), beside the bulk",
            backend,
            total,
            len(events),
            index_ms,
            None,
            None,
            None,
            True,
        )
    )
    return rows


def _fill_accesses(
    progress: Progress,
    store: IndexStore,
    consent_address: str,
    accesses: int,
    patient_accesses: int,
    backend: str,
) -> str:
    """Write `accesses` decoded RecordAccessed events through IndexStore.write_range (the
    indexer's own path: logs, domain tables, block times and cursor in one transaction per
    range) in blocks of 200 above the indexed chain; every (accesses // patient_accesses)-th is
    one patient's, the others spread over 1,000 patients. That patient's address."""
    cursor = store.cursor()
    assert cursor is not None
    patient = Web3.to_checksum_address(keccak(text="synthetic patient")[:20])
    others = [Web3.to_checksum_address(keccak(n.to_bytes(4, "big"))[:20]) for n in range(1_000)]
    accessors = [
        Web3.to_checksum_address(keccak(b"a" + n.to_bytes(4, "big"))[:20]) for n in range(50)
    ]
    every = accesses // patient_accesses
    contract = Web3.to_checksum_address(consent_address)
    per_block, per_range = 200, 20_000
    number = cursor.number
    timestamp = int(time.time())
    task = progress.add_task(
        f"index: {accesses:,} synthetic accesses into {backend}", total=accesses
    )
    mine = 0
    written = 0
    while written < accesses:
        rows: list[LogRow] = []
        blocks: list[Block] = []
        for n in range(written, min(accesses, written + per_range)):
            if n % per_block == 0:
                number += 1
                blocks.append(
                    Block(
                        number,
                        "0x" + keccak(b"block" + number.to_bytes(8, "big")).hex(),
                        timestamp + number,
                    )
                )
            ours = n % every == 0 and mine < patient_accesses
            mine += ours
            who = patient if ours else others[n % len(others)]
            record = "0x" + keccak(b"record" + n.to_bytes(8, "big")).hex()
            args = {
                "accessor": accessors[n % len(accessors)],
                "consentId": str(n % 97 + 1),
                "patient": who,
                "purpose": "1",
                "recordId": record,
            }
            rows.append(
                LogRow(
                    block_number=number,
                    block_hash=blocks[-1].hash,
                    log_index=n % per_block,
                    tx_hash="0x" + keccak(b"tx" + n.to_bytes(8, "big")).hex(),
                    contract="ConsentRegistry",
                    address=contract,
                    event="RecordAccessed",
                    arg1=who,
                    arg2=record,
                    arg3=args["accessor"],
                    args=json.dumps(args, sort_keys=True, separators=(",", ":")),
                )
            )
        store.write_range(blocks, rows, blocks[-1])
        written += len(rows)
        progress.update(task, completed=written)
    return patient
