"""Transactions per second on Anvil, sequential and pipelined.

- sequential: send one transaction, wait for its receipt, send the next (:meth:`TxSender.transact`,
  what a script does; the node estimates each transaction's gas);
- pipelined: send them all with locally tracked nonces (:meth:`TxSender.send`), then wait for
  every receipt, with a gas limit set once from one estimate (a batching backend that knows its
  transactions). Estimating each one instead fails on an Anvil with ``--prune-history`` (as
  ``hygeia node up`` runs it): an ``eth_estimateGas`` at "latest" that races the mining of the
  previous transaction gets ``BlockOutOfRangeError`` (foundry-rs/foundry#10709).

Anvil mines each transaction in its own block as it arrives, so these figures measure the client
and the node's RPC, not block times. A workload is one line in :data:`WORKLOADS`. Adjudicating a
1,000-claim batch end to end is a whole job rather than a stream of one transaction: it is
measured by bench/claims.py (`make bench BENCH_ARGS=claims`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from eth_account import Account
from eth_utils.crypto import keccak
from rich.progress import Progress
from web3 import Web3
from web3.contract.contract import ContractFunction

from bench.nodes import fresh_anvil
from hygeia.claims.client import ClaimsAdjudicatorClient
from hygeia.claims.consent import PaymentConsentClient
from hygeia.claims.model import Enrolment
from hygeia.consent.client import ConsentRegistryClient, GrantRequest
from hygeia.core import artifacts
from hygeia.core.chain import TxSender, connect, dev_signer
from hygeia.core.contract_types import Action, Purpose, Role
from hygeia.core.deployments import Deployment
from hygeia.core.times import from_unix
from hygeia.deploy import deploy_suite
from hygeia.participants.client import ParticipantRegistryClient
from hygeia.provenance import ids
from hygeia.provenance.client import DrugProvenanceClient
from hygeia.provenance.merkle import LotTree
from tests.gas import claims_gas

# The estimate is raised by this margin for the fixed limit: transactions of a batch differ in
# their arguments (and so slightly in gas), and an unused limit costs nothing on Anvil.
GAS_LIMIT_MARGIN = 1.25
START, END = from_unix(1_700_000_000), from_unix(4_000_000_000)
GTIN, EXPIRY, LOT_SIZE = 614141000418, 301231, 100
DOCUMENT_CID = bytes.fromhex("01551220") + bytes(range(32))  # a binary CIDv1 (36 bytes)
PATIENT_X25519_KEY = b"\x0a" * 32  # the granting patient's published record key


@dataclass(frozen=True)
class Batch:
    """Transactions of one kind from one account: ``transaction(i)`` is the i-th."""

    sender: TxSender
    transaction: Callable[[int], ContractFunction]


@dataclass(frozen=True)
class ThroughputRow:
    workload: str
    mode: str
    transactions: int
    seconds: float
    per_second: float


def consent_grants(url: str) -> Batch:
    """A registered patient granting a provider TREAT access, each grant to another data class."""
    w3 = connect(url)
    decoder = artifacts.suite_decoder()
    admin = TxSender(w3, dev_signer(w3, "admin"), decoder)
    deployment = deploy_suite(admin).deployment
    patient = TxSender(w3, dev_signer(w3, "patient"), decoder)
    return Batch(patient, grants_from(w3, deployment, patient))


def grants_from(
    w3: Web3, deployment: Deployment, patient: TxSender
) -> Callable[[int], ContractFunction]:
    """Register `patient` (not timed: only registered patients grant); its i-th grant gives a
    provider TREAT access to data class i + 1."""
    registry = deployment.address_of("ParticipantRegistry")
    ParticipantRegistryClient(w3, registry, patient).register_patient(PATIENT_X25519_KEY)
    consent = ConsentRegistryClient(w3, deployment.address_of("ConsentRegistry"), patient)
    provider = dev_signer(w3, "provider").address

    def grant(i: int) -> ContractFunction:
        request = GrantRequest(
            Action.ACCESS, Purpose.TREAT, START, END, grantee=provider,
            targets=((i + 1).to_bytes(32, "big"),),
        )  # fmt: skip
        return consent.contract.functions.grant(patient.address, request.as_args(), b"")

    return grant


def shipments(url: str, count: int) -> Batch:
    """A manufacturer shipping whole lots to a distributor, one lot per shipment.

    The ``count`` lots are commissioned first (pipelined, not timed): a whole-holding shipment
    moves everything its holding has, so each shipment needs a holding of its own.
    """
    w3 = connect(url)
    decoder = artifacts.suite_decoder()
    admin = TxSender(w3, dev_signer(w3, "admin"), decoder)
    regulator = dev_signer(w3, "regulator")
    deployment = deploy_suite(admin, regulators=(regulator.address,)).deployment
    registry = ParticipantRegistryClient(
        w3, deployment.address_of("ParticipantRegistry"), TxSender(w3, regulator, decoder)
    )
    for name, role in (("manufacturer", Role.MANUFACTURER), ("distributor", Role.DISTRIBUTOR)):
        registry.issue_credential(
            dev_signer(w3, name).address, role, license_id=f"BENCH-{name}",
            jurisdiction="US-NJ", valid_from=START, valid_until=END,
        )  # fmt: skip
    maker = TxSender(w3, dev_signer(w3, "manufacturer"), decoder)
    provenance = DrugProvenanceClient(w3, deployment.address_of("DrugProvenance"), maker)
    distributor = dev_signer(w3, "distributor").address
    DrugProvenanceClient(
        w3, deployment.address_of("DrugProvenance"), registry.sender
    ).license_company_prefix("0614141", maker.address)
    provenance.register_product(
        GTIN, 7, keccak(text="bench product"), 200, 2500, _word("product"), DOCUMENT_CID
    )
    lot_root = LotTree.of_units(
        ids.unit_id(GTIN, ids.digest(f"S{n}")) for n in range(LOT_SIZE)
    ).root
    functions = provenance.contract.functions
    commissions = [
        functions.commission(
            GTIN,
            _word(f"lot {i}"),
            EXPIRY,
            LOT_SIZE,
            lot_root,
            _word(f"commission {i}"),
            DOCUMENT_CID,
        )  # fmt: skip
        for i in range(count)
    ]
    gas = int(commissions[0].estimate_gas({"from": maker.address}) * GAS_LIMIT_MARGIN)
    for tx_hash in [maker.send(fn, gas=gas) for fn in commissions]:
        maker.wait(tx_hash)

    def ship(i: int) -> ContractFunction:
        stock = ids.holding_id(maker.address, _word(f"commission {i}"), maker.address)
        return functions.ship(
            stock, ([], [], []), distributor, True, _word(f"ship {i}"), DOCUMENT_CID
        )

    return Batch(maker, ship)


def claims_submitted(url: str, count: int) -> Batch:
    """A provider submitting one-line claims for an enrolled, consenting member, one per
    transaction (the adjudication of a whole batch is bench/claims.py)."""
    w3 = connect(url)
    decoder = artifacts.suite_decoder()
    admin = TxSender(w3, dev_signer(w3, "admin"), decoder)
    regulator = TxSender(w3, dev_signer(w3, "regulator"), decoder)
    deployment = deploy_suite(admin, regulators=(regulator.address,)).deployment
    claims_gas.set_up_parties(w3, deployment.address_of("ParticipantRegistry"), regulator)
    insurer = TxSender(w3, dev_signer(w3, "insurer"), decoder)
    patient = Account.from_key(claims_gas.PATIENT_KEY)
    PaymentConsentClient(w3, deployment.address_of("ConsentRegistry"), insurer).grant_by_signature(
        patient, insurer.address, claims_gas.CONSENT_DEADLINE
    )
    address = deployment.address_of("ClaimsAdjudicator")
    plans = ClaimsAdjudicatorClient(w3, address, insurer)
    plans.register_plan(b"\x01" * 32, claims_gas.TERMS)
    plan = 1
    plans.add_services(plan, [claims_gas.OFFICE])
    plans.enrol_members(
        plan,
        [Enrolment(claims_gas.MEMBER, patient.address, claims_gas.YEAR_START, claims_gas.YEAR_END)],
    )
    provider = TxSender(w3, dev_signer(w3, "provider"), decoder)
    client = ClaimsAdjudicatorClient(w3, address, provider)

    def submit(i: int) -> ContractFunction:
        day = 1 + i % claims_gas.DAYS_IN_OCTOBER
        return client.submit_claims_call([claims_gas.claim(i + 1, claims_gas.lines(1, day), plan)])

    return Batch(provider, submit)


def _word(label: str) -> bytes:
    """A distinct 32-byte id (lot digest, EPCIS event hash) per label."""
    return keccak(text=f"bench {label}")


#: One line per workload: (a fresh chain's URL, the number of transactions) -> the batch to send.
WORKLOADS: dict[str, Callable[[str, int], Batch]] = {
    "consent grants": lambda url, count: consent_grants(url),
    "shipments": shipments,
    "claims submitted": claims_submitted,
}

SEQUENTIAL, PIPELINED = "sequential", "pipelined"
MODES = (SEQUENTIAL, PIPELINED)


def run(
    progress: Progress,
    count: int,
    workloads: Mapping[str, Callable[[str, int], Batch]] = WORKLOADS,
) -> list[ThroughputRow]:
    """``count`` transactions of each workload in each mode, each workload on a fresh chain."""
    rows: list[ThroughputRow] = []
    for name, prepare in workloads.items():
        with fresh_anvil() as node:
            batch = prepare(node.url, len(MODES) * count)
            for number, mode in enumerate(MODES):
                indexes = range(number * count, (number + 1) * count)
                steps = count if mode == SEQUENTIAL else 2 * count  # sends, then receipts
                task = progress.add_task(f"throughput: {name}, {mode}", total=steps)
                seconds = _timed(mode, batch, indexes, partial(progress.advance, task))
                rows.append(ThroughputRow(name, mode, count, seconds, count / seconds))
    return rows


def _timed(mode: str, batch: Batch, indexes: range, step: Callable[[], None]) -> float:
    """Seconds to send the transactions ``indexes`` of ``batch`` and have all their receipts."""
    sender = batch.sender
    if mode == SEQUENTIAL:
        started = time.perf_counter()
        for i in indexes:
            sender.transact(batch.transaction(i))
            step()
        return time.perf_counter() - started
    estimate = batch.transaction(indexes[0]).estimate_gas({"from": sender.address})
    gas = int(estimate * GAS_LIMIT_MARGIN)
    started = time.perf_counter()
    hashes = []
    for i in indexes:
        hashes.append(sender.send(batch.transaction(i), gas=gas))
        step()
    for tx_hash in hashes:
        sender.wait(tx_hash)
        step()
    return time.perf_counter() - started
