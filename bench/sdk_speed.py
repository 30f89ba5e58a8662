"""The SDK beside raw web3.py: the same consent grants from a locally held key (as every real
deployment signs), sequential and pipelined, each side on a fresh chain of its own, in rounds.

- raw web3.py is the least a hand-written script can do: chain id, fees and the first nonce read
  once, each transaction built with every field given, signed with eth-account and sent raw;
  sequential estimates each transaction's gas (as a script that wants the node's revert reason
  does) and waits for its receipt; pipelined sends all with one gas limit, then waits for each.
- the SDK is :class:`TxSender` with a :class:`KeySigner`: ``transact`` (sequential) and ``send``
  then ``wait`` (pipelined), given the same gas limit.

Both sides take the median of their rounds; the ratio is SDK rate / raw rate.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from rich.progress import Progress
from web3 import Web3
from web3.contract.contract import ContractFunction
from web3.types import Wei

from bench.nodes import fresh_anvil
from bench.throughput import GAS_LIMIT_MARGIN, grants_from
from hygeia.core import artifacts
from hygeia.core.chain import TxSender, connect, dev_signer
from hygeia.core.chain.signers import KeySigner
from hygeia.deploy import deploy_suite

RAW, SDK = "raw web3.py", "hygeia SDK"
SEQUENTIAL, PIPELINED = "sequential", "pipelined"
MODES = (SEQUENTIAL, PIPELINED)
DEFAULT_ROUNDS = 3
GAS_MONEY = 10**21  # wei for the patient's key: far more than any round spends


@dataclass(frozen=True)
class SdkSpeedRow:
    mode: str
    transactions: int
    rounds: int
    raw_per_second: float
    sdk_per_second: float

    @property
    def ratio(self) -> float:
        return self.sdk_per_second / self.raw_per_second


@dataclass(frozen=True)
class _Grants:
    """A registered patient with a locally held key, and the i-th grant it sends."""

    w3: Web3
    patient: LocalAccount
    grant: Callable[[int], ContractFunction]


@contextmanager
def _grants() -> Iterator[_Grants]:
    """A fresh chain with the suite deployed and a patient that signs with its own key."""
    with fresh_anvil() as node:
        w3 = connect(node.url)
        decoder = artifacts.suite_decoder()
        deployment = deploy_suite(TxSender(w3, dev_signer(w3, "admin"), decoder)).deployment
        patient: LocalAccount = Account.create()
        funder = dev_signer(w3, "admin").address
        w3.eth.wait_for_transaction_receipt(
            w3.eth.send_transaction(
                {"from": funder, "to": patient.address, "value": Wei(GAS_MONEY)}
            )
        )
        sender = TxSender(w3, KeySigner(patient), decoder)
        grant = grants_from(w3, deployment, sender)
        yield _Grants(w3, patient, grant)


def run(progress: Progress, count: int, rounds: int = DEFAULT_ROUNDS) -> list[SdkSpeedRow]:
    """``count`` grants per mode, side and round; each side of each round on a fresh chain."""
    rates: dict[tuple[str, str], list[float]] = {}
    task = progress.add_task("SDK beside raw web3.py", total=rounds * 2 * len(MODES))
    for _ in range(rounds):
        for mode in MODES:
            for side, send in ((RAW, _raw), (SDK, _sdk)):
                with _grants() as grants:
                    gas = int(
                        grants.grant(0).estimate_gas({"from": grants.patient.address})
                        * GAS_LIMIT_MARGIN
                    )
                    seconds = send(grants, mode, count, gas)
                rates.setdefault((mode, side), []).append(count / seconds)
                progress.advance(task)
    return [
        SdkSpeedRow(
            mode,
            count,
            rounds,
            statistics.median(rates[(mode, RAW)]),
            statistics.median(rates[(mode, SDK)]),
        )
        for mode in MODES
    ]


def _raw(grants: _Grants, mode: str, count: int, gas: int) -> float:
    w3, patient = grants.w3, grants.patient
    started = time.perf_counter()
    chain_id = w3.eth.chain_id
    tip = w3.eth.max_priority_fee
    base = int(w3.eth.get_block("latest").get("baseFeePerGas", 0))
    nonce = w3.eth.get_transaction_count(patient.address, "pending")
    fields: dict[str, Any] = {
        "from": patient.address, "chainId": chain_id,
        "maxPriorityFeePerGas": tip, "maxFeePerGas": 2 * base + tip,
    }  # fmt: skip
    hashes = []
    for i in range(count):
        fn = grants.grant(i)
        limit = fn.estimate_gas({"from": patient.address}) if mode == SEQUENTIAL else gas
        tx: dict[str, Any] = dict(
            fn.build_transaction({**fields, "nonce": nonce + i, "gas": limit})  # type: ignore[arg-type]
        )
        tx_hash = w3.eth.send_raw_transaction(patient.sign_transaction(tx).raw_transaction)
        if mode == SEQUENTIAL:
            _mined(w3, w3.eth.wait_for_transaction_receipt(tx_hash, poll_latency=0.005))
        else:
            hashes.append(tx_hash)
    for tx_hash in hashes:
        _mined(w3, w3.eth.wait_for_transaction_receipt(tx_hash, poll_latency=0.005))
    return time.perf_counter() - started


def _sdk(grants: _Grants, mode: str, count: int, gas: int) -> float:
    started = time.perf_counter()
    sender = TxSender(grants.w3, KeySigner(grants.patient), artifacts.suite_decoder())
    if mode == SEQUENTIAL:
        for i in range(count):
            sender.transact(grants.grant(i))
    else:
        for tx_hash in [sender.send(grants.grant(i), gas=gas) for i in range(count)]:
            sender.wait(tx_hash)
    return time.perf_counter() - started


def _mined(w3: Web3, receipt: Any) -> None:
    if receipt["status"] != 1:
        raise RuntimeError(f"a raw grant reverted in block {receipt['blockNumber']}")
