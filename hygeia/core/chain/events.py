"""Event logs decoded straight from a node's JSON answer with the event's ABI.

web3's log decoding and result formatting cost about a millisecond a log: most of the time of an
index's catch-up or of a patient's accounting of disclosures read from the chain, which reads
tens of thousands. Here a log's topics and data are read word by word for the static types, bytes
and string (eth_abi only for the rest), and the values come out as web3 gives them: addresses
checksummed, integers, booleans, bytes, strings, tuples as their components by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from eth_abi.codec import ABICodec
from eth_utils.abi import collapse_if_tuple, event_abi_to_log_topic
from web3 import Web3


@dataclass(frozen=True)
class EventLayout:
    """What decoding one event's raw log takes: its ABI, its topic (lower-case 0x-hex), its
    indexed inputs (in topic order) and the ABI types of the rest (in data order)."""

    abi: dict[str, Any]
    topic: str
    indexed: tuple[dict[str, Any], ...]
    data: tuple[dict[str, Any], ...]
    data_types: tuple[str, ...]
    # Every type is one decode_words knows (no tuples): the data is read word by word, not
    # through eth_abi's general decoder.
    simple: bool
    # Every argument, indexed or not, a single value word_type knows: decoded values are then
    # exactly web3's (no arrays, which eth_abi gives as tuples, and no tuples).
    flat: bool

    @classmethod
    def of(cls, abi: Mapping[str, Any]) -> EventLayout:
        inputs = list(abi["inputs"])
        data = tuple(i for i in inputs if not i.get("indexed"))
        types = tuple(collapse_if_tuple(i) for i in data)
        return cls(
            abi=dict(abi),
            topic="0x" + bytes(event_abi_to_log_topic(dict(abi))).hex(),  # type: ignore[arg-type]
            indexed=tuple(i for i in inputs if i.get("indexed")),
            data=data,
            data_types=types,
            simple=all(word_type(t.removesuffix("[]")) for t in types),
            flat=all(word_type(str(i["type"])) and "[" not in str(i["type"]) for i in inputs),
        )


@lru_cache(maxsize=65_536)
def checksum(address: str) -> str:
    """`address` checksummed; cached, as addresses repeat across logs and each is a keccak."""
    return str(Web3.to_checksum_address(address))


def word_type(abi_type: str) -> bool:
    """A type decode_word decodes from one 32-byte word, or bytes/string (dynamic)."""
    return (
        abi_type in ("address", "bool", "bytes", "string")
        or (abi_type.startswith(("uint", "int")) and "[" not in abi_type)
        or (abi_type.startswith("bytes") and abi_type[5:].isdigit())
    )


def decode_word(abi_type: str, word: bytes) -> Any:
    """One static value from its 32-byte ABI word (as eth_abi decodes it, addresses lower-case:
    `named` checksums them)."""
    if abi_type == "address":
        return "0x" + word[12:].hex()
    if abi_type == "bool":
        return word[31] == 1
    if abi_type.startswith("uint"):
        return int.from_bytes(word, "big")
    if abi_type.startswith("int"):
        return int.from_bytes(word, "big", signed=True)
    return word[: int(abi_type[5:])]  # bytesN


def decode_words(types: Sequence[str], data: bytes) -> list[Any]:
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
        return [decode_word(inner, word(at + 32 * (k + 1))) for k in range(length)]

    values: list[Any] = []
    for n, abi_type in enumerate(types):
        head = word(32 * n)
        if abi_type in ("bytes", "string") or abi_type.endswith("[]"):
            values.append(dynamic(abi_type, int.from_bytes(head, "big")))
        else:
            values.append(decode_word(abi_type, head))
    return values


def hashed_when_indexed(abi_type: str) -> bool:
    """Indexed arguments of these types are in the topic as their keccak, not their value."""
    return abi_type in ("string", "bytes") or abi_type.endswith("]") or abi_type.startswith("tuple")


def named(abi: Mapping[str, Any], value: Any) -> Any:
    """A value decoded by eth_abi in the shape web3 gives it: addresses checksummed, tuples as
    their components by name."""
    abi_type = str(abi["type"])
    if abi_type.endswith("]"):
        inner = dict(abi, type=abi_type[: abi_type.rindex("[")])
        return [named(inner, v) for v in value]
    if abi_type == "tuple":
        return {c["name"]: named(c, v) for c, v in zip(abi["components"], value, strict=True)}
    if abi_type == "address":
        return checksum(value)
    return value


def decode_arguments(
    codec: ABICodec, layout: EventLayout, topics: Sequence[Any], data_hex: str
) -> dict[str, Any]:
    """The arguments of one log, by name, as web3 gives them, from its topics and data as a
    node's JSON has them (0x-hex). Raises ValueError for a log of another layout or malformed
    data."""
    if len(topics) - 1 != len(layout.indexed):
        raise ValueError(f"a {layout.abi['name']} log has {len(topics) - 1} indexed arguments")
    values: dict[str, Any] = {}
    for abi, topic in zip(layout.indexed, topics[1:], strict=True):
        raw = bytes.fromhex(str(topic)[2:])
        abi_type = str(abi["type"])
        if hashed_when_indexed(abi_type):
            values[abi["name"]] = raw
        elif word_type(abi_type):
            values[abi["name"]] = decode_word(abi_type, raw)
        else:
            values[abi["name"]] = codec.decode([collapse_if_tuple(abi)], raw)[0]
    data = bytes.fromhex(data_hex[2:])
    decoded = (
        decode_words(layout.data_types, data)
        if layout.simple
        else codec.decode(list(layout.data_types), data)
    )
    for abi, value in zip(layout.data, decoded, strict=True):
        values[abi["name"]] = value
    return {i["name"]: named(i, values[i["name"]]) for i in layout.abi["inputs"]}
