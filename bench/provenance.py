"""Provenance reads sized to their question, on a fresh Anvil with one lot of `lot_size` units.

- Verify of an unknown serial (a clone's or a typo's): through the serial index (each lot's
  sorted leaves, a binary search), beside its reference, walking the lot documents (read the
  commissioning document of every lot of the GTIN and rebuild its tree, as verify did before).
  Each run is a new reader, so nothing is cached between runs but the index's files.
- The size of the EPCIS trace of one unit beside that of its whole lot, after the lot was sold
  whole on a pallet (SSCC) to a distributor who sent ten units of it in a case to a pharmacy:
  the unit's trace names that unit and its cases, the lot's lists every serial once.
- Whole-holding shipments: the rest of the pallet then goes back and forth between the
  distributor and the manufacturer `SHIPMENTS` times, each party's SDK (one process each, as a
  backend runs it) shipping and receiving: the time of each shipment and receipt (the first
  pays for reading the lot's commissioning document once), beside the reference, reading the
  lot's whole custody from its documents (what each shipment and receipt did before). Then the
  time of one unit's trace, read by a new reader (nothing cached in memory) with the lot in its
  serial index, and its bytes, beside the same reference (what a unit's trace did before); and
  the first trace on a machine that never read the lot, which indexes it.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from rich.progress import Progress
from web3 import Web3

from bench.nodes import fresh_anvil
from hygeia.core import artifacts
from hygeia.core.chain import TxSender, block_time, connect, dev_signer
from hygeia.core.contract_types import Role
from hygeia.core.store import LocalStore
from hygeia.deploy import deploy_suite
from hygeia.participants.client import ParticipantRegistryClient
from hygeia.provenance import epcis, gs1
from hygeia.provenance.client import DrugProvenanceClient
from hygeia.provenance.index import SerialIndex
from hygeia.provenance.workflow import ProvenanceFlow

DEFAULT_LOT_SIZE = 10_000
DEFAULT_RUNS = 5
GTIN, LOT, EXPIRY = 614141000418, "BENCH-LOT", date(2030, 12, 31)
# Each party's GS1 company prefix (GS1's example prefixes): parties are named by their GLNs.
PREFIXES = {"manufacturer": "0614141", "distributor": "0614150", "pharmacy": "0614160"}
ROLES = {"manufacturer": Role.MANUFACTURER, "distributor": Role.DISTRIBUTOR}
CASE_UNITS = 10
SHIPMENTS = 5


@dataclass(frozen=True)
class ProvenanceResult:
    lot_size: int
    runs: int
    verify_index_ms: float  # an unknown serial, through the serial index
    verify_walk_ms: float  # the same, walking the lot documents (the reference)
    unit_trace_bytes: int
    lot_trace_bytes: int
    ship_seconds: list[float]  # each whole-holding shipment, in order
    receive_seconds: list[float]  # each receipt, in order
    custody_seconds: float  # the reference: the lot's whole custody read from its documents
    unit_trace_seconds: float  # one unit's trace by a new reader, its lot indexed
    unit_trace_first_seconds: float  # the same where the lot was never read (indexing it)
    traced_unit_bytes: int  # that trace (a unit that went through every shipment)


def _check_digit_appended(body: str) -> str:
    return body + str(gs1.check_digit(body))


def _gln(prefix: str) -> int:
    return int(_check_digit_appended(f"{prefix}{1:0{12 - len(prefix)}d}"))


def _sscc(prefix: str, reference: int) -> str:
    return _check_digit_appended(f"1{prefix}{reference:0{16 - len(prefix)}d}")


def run(
    progress: Progress, lot_size: int = DEFAULT_LOT_SIZE, runs: int = DEFAULT_RUNS
) -> ProvenanceResult:
    task = progress.add_task(f"provenance: a {lot_size:,}-unit lot", total=2 * runs + 3 + SHIPMENTS)
    with fresh_anvil() as node, tempfile.TemporaryDirectory(prefix="hygeia-bench-") as tmp:
        w3 = connect(node.url)
        store = LocalStore(Path(tmp) / "store")
        flows = _parties(w3, store)
        maker, wholesaler, pharmacy = (
            flows["manufacturer"],
            flows["distributor"],
            flows["pharmacy"],
        )
        maker.register_product(GTIN, 7, "Amoxicillin 500 mg capsules", 2.0, 25.0)
        serials = [f"SN{i:07d}" for i in range(lot_size)]
        stock = maker.commission(GTIN, LOT, EXPIRY, serials).id
        pallet = maker.ship(stock, wholesaler.me, sscc=_sscc(PREFIXES["manufacturer"], 1)).id
        wholesaler.receive(pallet)
        case = wholesaler.ship(
            pallet,
            pharmacy.me,
            serials[:CASE_UNITS],
            sscc=_sscc(PREFIXES["distributor"], 1),
        ).id
        pharmacy.receive(case)
        progress.advance(task)

        def reader(index: SerialIndex | None) -> ProvenanceFlow:
            return ProvenanceFlow(pharmacy.client, store, chain_id=pharmacy.chain_id, index=index)

        index = SerialIndex(Path(tmp) / "index")
        reader(index).verify(GTIN, "NEVER", LOT, EXPIRY)  # indexes the lot, once
        indexed = walked = 0.0
        for n in range(runs):
            start = time.perf_counter()
            reader(index).verify(GTIN, f"UNKNOWN{n}", LOT, EXPIRY)
            indexed += time.perf_counter() - start
            progress.advance(task)
            start = time.perf_counter()
            reader(None).verify(GTIN, f"UNKNOWN{n}", LOT, EXPIRY)
            walked += time.perf_counter() - start
            progress.advance(task)

        custody = pharmacy.custody(GTIN, LOT)
        unit = epcis.encode(pharmacy.reader.export(pharmacy.reader.unit(GTIN, LOT, serials[0])))
        lot = epcis.encode(pharmacy.reader.export(custody))
        progress.advance(task)

        holding, parties = pallet, (wholesaler, maker)
        shipped, received = [], []
        for k in range(SHIPMENTS):
            sender, receiver = parties[k % 2], parties[(k + 1) % 2]
            start = time.perf_counter()
            holding = sender.ship(holding, receiver.me).id
            shipped.append(time.perf_counter() - start)
            start = time.perf_counter()
            receiver.receive(holding)
            received.append(time.perf_counter() - start)
            progress.advance(task)
        start = time.perf_counter()
        reader(None).custody(GTIN, LOT)
        custody_seconds = time.perf_counter() - start
        # A unit's trace by a new reader: first on a machine that never read the lot (it is
        # indexed then), then with the lot indexed.
        start = time.perf_counter()
        cold = reader(SerialIndex(Path(tmp) / "new-index"))
        cold.reader.export(cold.reader.unit(GTIN, LOT, serials[-1]))
        unit_trace_first_seconds = time.perf_counter() - start
        start = time.perf_counter()
        fresh = reader(index)
        traced = epcis.encode(fresh.reader.export(fresh.reader.unit(GTIN, LOT, serials[-1])))
        unit_trace_seconds = time.perf_counter() - start
        progress.advance(task)
    return ProvenanceResult(
        lot_size=lot_size,
        runs=runs,
        verify_index_ms=indexed / runs * 1000,
        verify_walk_ms=walked / runs * 1000,
        unit_trace_bytes=len(unit),
        lot_trace_bytes=len(lot),
        ship_seconds=shipped,
        receive_seconds=received,
        custody_seconds=custody_seconds,
        unit_trace_seconds=unit_trace_seconds,
        unit_trace_first_seconds=unit_trace_first_seconds,
        traced_unit_bytes=len(traced),
    )


def _parties(w3: Web3, store: LocalStore) -> dict[str, ProvenanceFlow]:
    """Deploy the suite; credential, license and bind a party GLN for each trading partner."""
    decoder = artifacts.suite_decoder()
    regulator = dev_signer(w3, "regulator")
    admin = TxSender(w3, dev_signer(w3, "admin"), decoder)
    deployment = deploy_suite(admin, regulators=(regulator.address,)).deployment
    as_regulator = TxSender(w3, regulator, decoder)
    registry = ParticipantRegistryClient(
        w3, deployment.address_of("ParticipantRegistry"), as_regulator
    )
    address = deployment.address_of("DrugProvenance")
    licensing = DrugProvenanceClient(w3, address, as_regulator)
    now = block_time(w3)
    flows = {}
    for name, prefix in PREFIXES.items():
        signer = dev_signer(w3, name)
        registry.issue_credential(
            signer.address,
            ROLES.get(name, Role.DISPENSER),
            license_id=f"LIC-{name}",
            jurisdiction="US-NJ",
            valid_from=now - timedelta(minutes=1),
            valid_until=now + timedelta(days=3650),
        )
        licensing.license_company_prefix(prefix, signer.address)
        client = DrugProvenanceClient(w3, address, TxSender(w3, signer, decoder))
        flows[name] = ProvenanceFlow(
            client, store, chain_id=int(w3.eth.chain_id), clock=lambda: block_time(w3)
        )
        flows[name].register_gln(_gln(prefix), len(prefix))
    return flows
