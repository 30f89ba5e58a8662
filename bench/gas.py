"""Gas per operation beside its EVM floor (:mod:`bench.floor`), for every state-changing function.

The operations are those of the gas snapshot (tests/gas): each component's ``receipts(url)`` runs
its operations with fixed inputs on a fresh chain and returns "Contract.op" -> receipt. Here the
chain keeps its history, so each transaction's calldata, logs and storage changes can be read
back and priced at the floor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rich.progress import Progress
from web3 import Web3

from bench.floor import Floor, Log, created_code_sizes, storage_changes, transaction_floor
from bench.nodes import fresh_anvil
from hygeia.core.chain import Receipt, connect
from hygeia.core.errors import ChainError
from tests.gas import claims_gas, consent_gas, participants_gas, provenance_gas

#: One line per component: its operations' receipts on the fresh chain at the given URL.
COMPONENTS: dict[str, Callable[[str], Mapping[str, Receipt]]] = {
    "participants": participants_gas.receipts,
    "consent": consent_gas.receipts,
    "provenance": provenance_gas.receipts,
    "claims": claims_gas.receipts,
}


@dataclass(frozen=True)
class GasRow:
    operation: str
    gas: int
    floor: Floor
    ratio: float


def run(
    progress: Progress,
    components: Mapping[str, Callable[[str], Mapping[str, Receipt]]] = COMPONENTS,
) -> list[GasRow]:
    """Every operation of every component, each component on its own fresh chain."""
    rows: list[GasRow] = []
    task = progress.add_task("gas: operations and floors", total=len(components))
    for name, receipts_of in components.items():
        progress.update(task, description=f"gas: {name}")
        with fresh_anvil(traces=True) as node:
            w3 = connect(node.url)
            for operation, receipt in receipts_of(node.url).items():
                floor, gas = floor_of(w3, receipt), receipt.gas_used
                rows.append(GasRow(operation, gas, floor, gas / floor.total))
        progress.advance(task)
    return rows


def floor_of(w3: Web3, receipt: Receipt) -> Floor:
    """The floor of a mined transaction, from its calldata, its logs and its storage changes."""
    tx = w3.eth.get_transaction(receipt.tx_hash)  # type: ignore[arg-type]
    diff = _state_diff(w3, receipt.tx_hash)
    code_size, inner = None, []
    if receipt.contract_address is not None:
        code_size = len(w3.eth.get_code(Web3.to_checksum_address(receipt.contract_address)))
        created = created_code_sizes(diff)
        created.pop(receipt.contract_address.lower(), None)
        inner = list(created.values())  # what the constructor created (the claims companions)
    logs = (Log(topics=len(log["topics"]), data_bytes=len(log["data"])) for log in receipt.logs)
    return transaction_floor(
        bytes(tx["input"]), storage_changes(diff), logs,
        deployed_code_bytes=code_size, inner_code_bytes=inner,
    )  # fmt: skip


def _state_diff(w3: Web3, tx_hash: str) -> Mapping[str, Any]:
    answer: Any = w3.provider.make_request(
        "debug_traceTransaction",  # type: ignore[arg-type]
        [tx_hash, {"tracer": "prestateTracer", "tracerConfig": {"diffMode": True}}],
    )
    if "error" in answer:
        raise ChainError(f"cannot trace {tx_hash} (is history pruned?): {answer['error']}")
    result: Mapping[str, Any] = answer["result"]
    return result
