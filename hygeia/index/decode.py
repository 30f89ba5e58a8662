"""Decode the suite's logs with the packaged ABIs into the rows the index stores, and back.

Values are stored as text that keeps their meaning and their order within a type: addresses
checksummed, bytes as 0x-hex, integers in decimal, booleans as true/false; the JSON of all
arguments uses the same forms (tuples as lists).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from eth_abi.codec import ABICodec
from eth_utils.abi import event_abi_to_log_topic
from hexbytes import HexBytes
from web3 import Web3
from web3._utils.events import get_event_data

from hygeia.core import artifacts
from hygeia.core.chain.events import EventLayout, decode_arguments
from hygeia.core.deployments import Deployment
from hygeia.index.store import LogRow


@dataclass(frozen=True)
class ContractEvents:
    name: str
    address: str
    by_topic: dict[bytes, dict[str, Any]]  # topic0 -> event ABI
    by_name: dict[str, dict[str, Any]]
    # topic0 as lower-case 0x-hex, as a node's JSON answer has it -> how to decode the log
    layouts: dict[str, EventLayout] = field(default_factory=dict)


def suite_events(deployment: Deployment) -> dict[str, ContractEvents]:
    """The deployment's contracts that emit events, by lower-case address."""
    found: dict[str, ContractEvents] = {}
    for name in artifacts.SUITE_CONTRACTS:
        if name not in deployment.contracts:
            continue
        events = [e for e in artifacts.abi(name) if e.get("type") == "event"]
        if not events:
            continue
        address = Web3.to_checksum_address(deployment.contracts[name].address)
        found[address.lower()] = ContractEvents(
            name=name,
            address=address,
            by_topic={bytes(event_abi_to_log_topic(cast(Any, e))): e for e in events},
            by_name={str(e["name"]): e for e in events},
            layouts={layout.topic: layout for layout in map(EventLayout.of, events)},
        )
    return found


def text(value: Any) -> Any:
    """A decoded argument in the index's stored form (JSON-able)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, str):  # web3 decodes addresses checksummed already
        return value
    if isinstance(value, list | tuple):
        return [text(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): text(v) for k, v in value.items()}
    return str(value)


def filter_text(abi_type: str, value: Any) -> str:
    """A filter value of an indexed argument in the stored form of its ABI type."""
    if abi_type == "address":
        return str(Web3.to_checksum_address(value))
    if abi_type.startswith("bytes"):
        if isinstance(value, str):
            return "0x" + HexBytes(value).hex()
        return "0x" + bytes(value).hex()
    if abi_type == "bool":
        return "true" if value else "false"
    return str(int(value))


def restore(abi: Mapping[str, Any], value: Any) -> Any:
    """A stored argument back in the type web3 decodes it to (bytes, int, bool, str, tuple)."""
    abi_type = str(abi["type"])
    if abi_type.endswith("]"):
        inner = dict(abi, type=abi_type[: abi_type.rindex("[")])
        return [restore(inner, v) for v in value]
    if abi_type == "tuple":
        return tuple(restore(c, value[c["name"]]) for c in abi["components"])
    if abi_type == "bool":
        return value == "true"
    if abi_type.startswith(("uint", "int")):
        return int(value)
    if abi_type.startswith("bytes"):
        return HexBytes(value)
    return value


def decode(w3: Web3, contract: ContractEvents, log: Mapping[str, Any]) -> LogRow | None:
    """The row of one raw log, or None for a log of an event the ABI does not know."""
    topics = log["topics"]
    if not topics:
        return None
    event_abi = contract.by_topic.get(bytes(topics[0]))
    if event_abi is None:
        return None
    data = get_event_data(w3.codec, cast(Any, event_abi), cast(Any, log))
    indexed = [i["name"] for i in event_abi["inputs"] if i.get("indexed")]
    args = {k: text(v) for k, v in data["args"].items()}
    columns: list[str | None] = [str(args[n]) for n in indexed[:3]] + [None] * 3
    return LogRow(
        block_number=int(log["blockNumber"]),
        block_hash=HexBytes(log["blockHash"]).to_0x_hex(),
        log_index=int(log["logIndex"]),
        tx_hash=HexBytes(log["transactionHash"]).to_0x_hex(),
        contract=contract.name,
        address=contract.address,
        event=str(event_abi["name"]),
        arg1=columns[0],
        arg2=columns[1],
        arg3=columns[2],
        args=json.dumps(args, sort_keys=True, separators=(",", ":")),
    )


def decode_raw(codec: ABICodec, contract: ContractEvents, log: Mapping[str, Any]) -> LogRow | None:
    """The row of one log as a node's JSON answer has it (hex strings), decoded straight with
    the ABI codec: what `decode` gives for the same log through web3, without web3's per-log
    formatting (the bulk of a catch-up's time). None for an event the ABI does not know."""
    topics = log["topics"]
    if not topics:
        return None
    layout = contract.layouts.get(str(topics[0]).lower())
    if layout is None or len(topics) - 1 != len(layout.indexed):
        return None
    args = {
        name: text(value)
        for name, value in decode_arguments(codec, layout, topics, str(log["data"])).items()
    }
    columns: list[str | None] = [str(args[i["name"]]) for i in layout.indexed[:3]] + [None] * 3
    return LogRow(
        block_number=int(str(log["blockNumber"]), 16),
        block_hash=str(log["blockHash"]).lower(),
        log_index=int(str(log["logIndex"]), 16),
        tx_hash=str(log["transactionHash"]).lower(),
        contract=contract.name,
        address=contract.address,
        event=str(layout.abi["name"]),
        arg1=columns[0],
        arg2=columns[1],
        arg3=columns[2],
        args=json.dumps(args, sort_keys=True, separators=(",", ":")),
    )
