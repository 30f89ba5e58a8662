"""View calls by the thousand: a contract function's ABI entry resolved once, calldata encoded
and results decoded with eth_abi directly, sent as raw JSON-RPC batches.

web3's contract functions resolve the ABI entry afresh for every call and normalise every
argument and result through ``map_abi_data``; read paths making thousands of calls spent more
time building them than the node spent running them. Results are exactly what web3's ``call()``
returns: addresses checksummed, arrays as lists, structs as tuples, a single output unwrapped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from eth_abi.abi import decode, encode
from eth_abi.exceptions import EncodingError
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3 import Web3
from web3.contract.contract import ContractFunction
from web3.providers.base import JSONBaseProvider
from web3.types import RPCEndpoint

from hygeia.core.chain.connection import call_node

# Calls per JSON-RPC batch: one round trip each, small enough for any node's batch limit.
BATCH_CALLS = 500


def _type_of(param: dict[str, Any]) -> str:
    """The canonical ABI type of a parameter: a struct as its tuple of component types."""
    kind = str(param["type"])
    if not kind.startswith("tuple"):
        return kind
    inner = ",".join(_type_of(c) for c in param["components"])
    return f"({inner}){kind[len('tuple') :]}"


def _normaliser(param: dict[str, Any]) -> Callable[[Any], Any] | None:
    """What web3 does to a decoded value of `param`'s type (None when it leaves it alone)."""
    kind = str(param["type"])
    if kind.endswith("]"):
        element = dict(param, type=kind[: kind.rindex("[")])
        inner = _normaliser(element)
        if inner is None:
            return list
        return lambda values: [inner(v) for v in values]
    if kind == "address":
        return to_checksum_address
    if kind == "tuple":
        parts = [_normaliser(c) for c in param["components"]]
        return lambda values: tuple(
            v if part is None else part(v) for part, v in zip(parts, values, strict=True)
        )
    return None


class ViewFunction:
    """One function of a contract ABI, resolved once, to encode calls and decode results
    (views, and the calldata of transactions: :class:`CalldataEncoder`)."""

    def __init__(self, abi: Sequence[dict[str, Any]], name: str) -> None:
        entries = [e for e in abi if e.get("type") == "function" and e.get("name") == name]
        if len(entries) != 1:
            raise ValueError(f"{name!r} names {len(entries)} functions of this ABI, not one")
        entry = entries[0]
        self.name = name
        self.input_types = [_type_of(p) for p in entry["inputs"]]
        self.selector = keccak(text=f"{name}({','.join(self.input_types)})")[:4]
        self.output_types = [_type_of(p) for p in entry["outputs"]]
        self._normalisers = [_normaliser(p) for p in entry["outputs"]]

    def calldata(self, *args: Any) -> str:
        return "0x" + (self.selector + encode(self.input_types, args)).hex()

    def result(self, data: bytes) -> Any:
        values = [
            value if normalise is None else normalise(value)
            for normalise, value in zip(
                self._normalisers, decode(self.output_types, data), strict=True
            )
        ]
        return values[0] if len(values) == 1 else values


def call_many(
    w3: Web3,
    address: str,
    fn: ViewFunction,
    arguments: Sequence[Sequence[Any]],
    *,
    rpc: str,
    one_by_one: Callable[[Sequence[Any]], Any],
) -> list[Any]:
    """`fn` at `address` once per argument list, in JSON-RPC batches of BATCH_CALLS.

    A call the node answers with an error (a revert) is made again through `one_by_one` (the
    client's ordinary web3 call), so it fails exactly as a single call would.
    """
    provider = w3.provider
    if not isinstance(provider, JSONBaseProvider):  # no JSON-RPC batches: web3's own calls
        return [one_by_one(args) for args in arguments]
    results: list[Any] = []
    for start in range(0, len(arguments), BATCH_CALLS):
        chunk = arguments[start : start + BATCH_CALLS]
        requests = [
            (RPCEndpoint("eth_call"), [{"to": address, "data": fn.calldata(*args)}, "latest"])
            for args in chunk
        ]

        def send(requests: list[tuple[RPCEndpoint, Any]] = requests) -> Any:
            return provider.make_batch_request(requests)

        answers = call_node(rpc, send)
        if not isinstance(answers, list):  # the node refused the batch as a whole
            answers = [answers] * len(chunk)
        answers = sorted(answers, key=lambda a: int(a.get("id", 0)))
        for args, answer in zip(chunk, answers, strict=True):
            if "error" in answer or answer.get("result") is None:
                results.append(one_by_one(args))
            else:
                results.append(fn.result(bytes.fromhex(str(answer["result"])[2:])))
    return results


class CalldataEncoder:
    """The calldata of web3 contract function calls, encoded with eth_abi by an encoder built
    once per function signature instead of web3's per-call ABI normalisation.

    Arguments eth_abi takes as they are (bytes for bytesN, ints, address strings, lists and
    tuples) encode to exactly web3's bytes; anything else (keyword arguments, hex strings for
    bytes, ENS names...) is left to web3's own encoder, so the calldata is always web3's.
    """

    def __init__(self) -> None:
        self._functions: dict[str, ViewFunction] = {}

    def calldata(self, fn: ContractFunction) -> str:
        if fn.kwargs:
            return str(fn._encode_transaction_data())
        encoder = self._functions.get(fn.signature)
        if encoder is None:
            encoder = self._functions[fn.signature] = ViewFunction([dict(fn.abi)], fn.fn_name)
        try:
            return encoder.calldata(*fn.args)
        except (EncodingError, TypeError, ValueError, OverflowError):
            return str(fn._encode_transaction_data())
