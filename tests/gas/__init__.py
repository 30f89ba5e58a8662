"""Gas of every state-changing operation, one module per component.

Each module's ``receipts(url)`` runs its operations with fixed inputs on the fresh chain at
``url`` and returns "Contract.op" -> the operation's receipt; ``measure(url)`` is the gas of each
(what the snapshot test compares). The benchmark (bench/gas.py) needs the receipts themselves:
their transaction hashes lead to the calldata, events and storage writes of each EVM floor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from hygeia.core.chain import Receipt
from tests.chains import anvil_chain


def gas_used(receipts: Mapping[str, Receipt]) -> dict[str, int]:
    """Gas per operation of a ``receipts(url)`` result."""
    return {op: receipt.gas_used for op, receipt in receipts.items()}


def measure_on_fresh_chain(measure: Callable[[str], dict[str, int]], state: Path) -> dict[str, int]:
    """Run one measure module on a fresh Anvil whose files live in `state`."""
    with anvil_chain(state) as chain:
        return measure(chain.url)
