"""A patient's accounting of disclosures read from the chain, beside the same read from an index.

A fresh Anvil gets `events` audited events of one patient: a provider opens break-glass access
and closes it, one pair a block, the chain's clock moving a day a block (the contract allows
three openings a day per provider and patient). The accounting (hygeia.consent.disclosures) is
then read from the node (eth_getLogs in bounded ranges, the patient's events decoded from the
node's JSON, each block's time asked once in JSON-RPC batches) and from an SQLite index of the
same chain (hygeia.index, caught up first); both answers must be equal. Medians of
`repetitions`.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from eth_utils.crypto import keccak
from rich.progress import Progress
from web3 import Web3

from bench.nodes import RawBatches, fresh_anvil
from hygeia.consent.client import ConsentRegistryClient
from hygeia.consent.disclosures import accounting_of_disclosures
from hygeia.core import artifacts
from hygeia.core.chain import TxSender, block_time, connect, dev_signer
from hygeia.core.contract_types import Role
from hygeia.deploy import deploy_suite
from hygeia.index import Indexer, IndexStore
from hygeia.index.reader import IndexedLogs
from hygeia.participants.client import ParticipantRegistryClient

DEFAULT_EVENTS = 20_000
#: The goal for the chain read of 20,000 events (issue: performance, reads at scale).
GOAL_SECONDS = 3.0
_DAY = 86_400


@dataclass(frozen=True)
class DisclosuresResult:
    events: int
    blocks: int
    chain_seconds: float
    index_seconds: float
    repetitions: int


def run(
    progress: Progress, events: int = DEFAULT_EVENTS, repetitions: int = 3
) -> DisclosuresResult:
    if events < 2:
        raise ValueError("events must be at least 2 (an opening and its closing)")
    with fresh_anvil() as node, TemporaryDirectory(prefix="hygeia-bench-disclosures-") as tmp:
        w3 = connect(node.url)
        deployment = deploy_suite(
            TxSender(w3, dev_signer(w3, "admin"), artifacts.suite_decoder()),
            regulators=(dev_signer(w3, "regulator").address,),
        ).deployment
        provider = dev_signer(w3, "provider").address
        now = block_time(w3)
        ParticipantRegistryClient(
            w3,
            deployment.address_of("ParticipantRegistry"),
            TxSender(w3, dev_signer(w3, "regulator"), artifacts.suite_decoder()),
        ).issue_credential(
            provider,
            Role.PROVIDER,
            license_id="LIC-provider",
            jurisdiction="US-NJ",
            valid_from=now,
            valid_until=now.replace(year=now.year + 200),
        )
        consent = deployment.address_of("ConsentRegistry")
        patient = _busy_patient(progress, node.url, w3, consent, provider, events)
        store = IndexStore(f"sqlite:///{Path(tmp) / 'index.sqlite'}")
        try:
            task = progress.add_task("disclosures: index catch-up", total=None)
            indexer = Indexer(w3, deployment, store)
            indexer.prepare()
            indexer.run_once(report=lambda p: progress.update(task, completed=p.events))
            from_chain = ConsentRegistryClient(w3, consent)
            from_index = ConsentRegistryClient(w3, consent, logs=IndexedLogs(store))
            progress.add_task("disclosures: reads", total=None)
            chain_seconds, direct = _median(
                lambda: accounting_of_disclosures(from_chain, patient), repetitions
            )
            index_seconds, indexed = _median(
                lambda: accounting_of_disclosures(from_index, patient), repetitions
            )
        finally:
            store.close()
        if direct != indexed:
            raise AssertionError("the chain and the index disagree on the patient's accounting")
        return DisclosuresResult(
            events=len(direct),
            blocks=events // 2,  # one opening and its closing a block
            chain_seconds=chain_seconds,
            index_seconds=index_seconds,
            repetitions=repetitions,
        )


def _median(read: Any, repetitions: int) -> tuple[float, Any]:
    times: list[float] = []
    answer: Any = None
    for _ in range(repetitions):
        started = time.perf_counter()
        answer = read()
        times.append(time.perf_counter() - started)
    return statistics.median(times), answer


def _busy_patient(
    progress: Progress, url: str, w3: Web3, consent: str, provider: str, events: int
) -> str:
    """Sends the patient's break-glass openings and closings, one pair a block, with automine
    off. The patient's address."""
    abi = artifacts.abi("ConsentRegistry")
    patient = Web3.to_checksum_address(keccak(text="busy patient")[:20])
    reason = keccak(text="bench")
    open_ = w3.eth.contract(abi=abi).functions.openBreakGlass(patient, reason, 3600)
    close = w3.eth.contract(abi=abi).functions.closeBreakGlass(patient, provider)
    calls = [open_._encode_transaction_data(), close._encode_transaction_data()]
    nonce = int(w3.eth.get_transaction_count(Web3.to_checksum_address(provider), "pending"))

    rpc = RawBatches(url)

    task = progress.add_task(f"disclosures: {events:,} events of one patient", total=events)
    rpc([("evm_setAutomine", [False])])
    try:
        for block in range(events // 2):
            # Explicit nonces: the node takes a batch's requests in any order.
            sends: list[tuple[str, list[Any]]] = []
            for data in calls:
                tx = {"from": provider, "to": consent, "data": data, "gas": hex(200_000)}
                sends.append(("eth_sendTransaction", [{**tx, "nonce": hex(nonce)}]))
                nonce += 1
            rpc(sends)
            rpc([("evm_increaseTime", [_DAY + 1]), ("evm_mine", [])])
            if block % 500 == 0:
                progress.update(task, completed=2 * block)
    finally:
        rpc([("evm_setAutomine", [True])])
    return patient
