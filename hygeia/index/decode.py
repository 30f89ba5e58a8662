"""Decode the suite's logs with the packaged ABIs into the rows the index stores, and back.

Values are stored as text that keeps their meaning and their order within a type: addresses
checksummed, bytes as 0x-hex, integers in decimal, booleans as true/false; the JSON of all
arguments uses the same forms (tuples as lists).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from eth_abi.codec import ABICodec
from eth_utils.abi import collapse_if_tuple, event_abi_to_log_topic
from hexbytes import HexBytes
from web3 import Web3
from web3._utils.events import get_event_data

from hygeia.core import artifacts
from hygeia.core.deployments import Deployment
from hygeia.index.store import LogRow


@dataclass(frozen=True)
class EventLayout:
    """What decoding one event's raw log takes: its ABI, its indexed inputs (in topic order)
    and the ABI types of the rest (in data order)."""

    abi: dict[str, Any]
    indexed: tuple[dict[str, Any], ...]
    data: tuple[dict[str, Any], ...]
    data_types: tuple[str, ...]
    # Every type is one _words knows (no tuples): the data is read word by word, not through
    # eth_abi's general decoder (most of a catch-up's time when it was).
    simple: bool

    @classmethod
    def of(cls, abi: dict[str, Any]) -> EventLayout:
        inputs = list(abi["inputs"])
        data = tuple(i for i in inputs if not i.get("indexed"))
        types = tuple(collapse_if_tuple(i) for i in data)
        return cls(
            abi=abi,
            indexed=tuple(i for i in inputs if i.get("indexed")),
            data=data,
            data_types=types,
            simple=all(_word_type(t.removesuffix("[]")) for t in types),
        )


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
            layouts={
                "0x" + bytes(event_abi_to_log_topic(cast(Any, e))).hex(): EventLayout.of(e)
                for e in events
            },
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


@lru_cache(maxsize=65_536)
def _checksum(address: str) -> str:
    # Addresses repeat across a range's logs; checksumming is a keccak each time.
    return str(Web3.to_checksum_address(address))


def _word_type(abi_type: str) -> bool:
    """A type _word decodes from one 32-byte word, or bytes/string (dynamic, _words)."""
    return (
        abi_type in ("address", "bool", "bytes", "string")
        or (abi_type.startswith(("uint", "int")) and "[" not in abi_type)
        or (abi_type.startswith("bytes") and abi_type[5:].isdigit())
    )


def _word(abi_type: str, word: bytes) -> Any:
    """One static value from its 32-byte ABI word (as eth_abi decodes it, addresses lower-case:
    _named checksums them)."""
    if abi_type == "address":
        return "0x" + word[12:].hex()
    if abi_type == "bool":
        return word[31] == 1
    if abi_type.startswith("uint"):
        return int.from_bytes(word, "big")
    if abi_type.startswith("int"):
        return int.from_bytes(word, "big", signed=True)
    return word[: int(abi_type[5:])]  # bytesN


def _words(types: tuple[str, ...], data: bytes) -> list[Any]:
    """The ABI decoding of `data` for static types, bytes, string and one-level arrays of
    static types: what eth_abi returns for them, read word by word. Raises ValueError on data
    shorter than its offsets say (a malformed log)."""

    def word(at: int) -> bytes:
        if at + 32 > len(data):
            raise ValueError("log data shorter than its ABI layout")
        return data[at : at + 32]

    def dynamic(abi_type: str, at: int) -> Any:
        length = int.from_bytes(word(at), "big")
        if abi_type in ("bytes", "string"):
            if at + 32 + length > len(data):
                raise ValueError("log data shorter than its ABI layout")
            raw = data[at + 32 : at + 32 + length]
            return raw.decode("utf-8") if abi_type == "string" else raw
        inner = abi_type[:-2]
        if length > len(data) // 32:
            raise ValueError("log data shorter than its ABI layout")
        return [_word(inner, word(at + 32 * (k + 1))) for k in range(length)]

    values: list[Any] = []
    for n, abi_type in enumerate(types):
        head = word(32 * n)
        if abi_type in ("bytes", "string") or abi_type.endswith("[]"):
            values.append(dynamic(abi_type, int.from_bytes(head, "big")))
        else:
            values.append(_word(abi_type, head))
    return values


def _hashed_when_indexed(abi_type: str) -> bool:
    """Indexed arguments of these types are in the topic as their keccak, not their value."""
    return abi_type in ("string", "bytes") or abi_type.endswith("]") or abi_type.startswith("tuple")


def _named(abi: Mapping[str, Any], value: Any) -> Any:
    """A value decoded by eth_abi in the shape web3 gives it: addresses checksummed, tuples as
    their components by name."""
    abi_type = str(abi["type"])
    if abi_type.endswith("]"):
        inner = dict(abi, type=abi_type[: abi_type.rindex("[")])
        return [_named(inner, v) for v in value]
    if abi_type == "tuple":
        return {c["name"]: _named(c, v) for c, v in zip(abi["components"], value, strict=True)}
    if abi_type == "address":
        return _checksum(value)
    return value


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
    values: dict[str, Any] = {}
    for abi, topic in zip(layout.indexed, topics[1:], strict=True):
        raw = bytes.fromhex(str(topic)[2:])
        abi_type = str(abi["type"])
        if _hashed_when_indexed(abi_type):
            values[abi["name"]] = raw
        elif _word_type(abi_type):
            values[abi["name"]] = _word(abi_type, raw)
        else:
            values[abi["name"]] = codec.decode([collapse_if_tuple(abi)], raw)[0]
    data = bytes.fromhex(str(log["data"])[2:])
    decoded = (
        _words(layout.data_types, data) if layout.simple else codec.decode(layout.data_types, data)
    )
    for abi, value in zip(layout.data, decoded, strict=True):
        values[abi["name"]] = value
    inputs = layout.abi["inputs"]
    args = {i["name"]: text(_named(i, values[i["name"]])) for i in inputs}
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
