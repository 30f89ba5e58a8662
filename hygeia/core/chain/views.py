"""View calls by the thousand: a contract function's ABI entry resolved once, calldata encoded
and results decoded with eth_abi directly, sent as raw JSON-RPC batches.

web3's contract functions resolve the ABI entry afresh for every call and normalise every
argument and result through ``map_abi_data``; read paths making thousands of calls spent more
time building them than the node spent running them. Results are exactly what web3's ``call()``
returns: addresses checksummed, arrays as lists, structs as tuples, a single output unwrapped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

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

Item = TypeVar("Item")
Result = TypeVar("Result")


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


def function_abi(abi: Sequence[Mapping[str, Any]], name: str) -> Mapping[str, Any]:
    """The ABI entry of the one function of `abi` named `name`."""
    entries = [e for e in abi if e.get("type") == "function" and e.get("name") == name]
    if len(entries) != 1:
        raise ValueError(f"{name!r} names {len(entries)} functions of this ABI, not one")
    return entries[0]


def signature_of(entry: Mapping[str, Any]) -> str:
    """A function's signature as web3's ContractFunction.signature gives it, e.g.
    ``f(address,(uint256,bytes32)[])``: what tells overloads of a name apart."""
    return f"{entry['name']}({','.join(_type_of(p) for p in entry['inputs'])})"


class ViewFunction:
    """One function of a contract ABI, resolved once, to encode calls and decode results
    (views, and the calldata of transactions: :class:`CalldataEncoder`)."""

    def __init__(self, abi: Sequence[Mapping[str, Any]], name: str) -> None:
        entry = function_abi(abi, name)
        self.name = name
        self.input_types = [_type_of(p) for p in entry["inputs"]]
        self.selector = keccak(text=signature_of(entry))[:4]
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


def batch_requests(
    w3: Web3,
    method: str,
    items: Sequence[Item],
    params: Callable[[Item], list[Any]],
    *,
    per_batch: int,
    rpc: str,
    result: Callable[[Any], Result],
    one_by_one: Callable[[Item], Result],
) -> list[Result]:
    """`method` once per item (its JSON-RPC params `params(item)`), in raw JSON-RPC batches of
    `per_batch`, each answer's result read by `result`.

    An item the node answers with an error (a revert), or leaves unanswered, is done again by
    `one_by_one` (web3's single request), so it fails exactly as a single request would; so is
    every item when the provider makes no JSON-RPC batches.
    """
    provider = w3.provider
    if not isinstance(provider, JSONBaseProvider):
        return [one_by_one(item) for item in items]
    results: list[Result] = []
    for start in range(0, len(items), per_batch):
        chunk = items[start : start + per_batch]
        requests = [(RPCEndpoint(method), params(item)) for item in chunk]

        def send(requests: list[tuple[RPCEndpoint, Any]] = requests) -> Any:
            return provider.make_batch_request(requests)

        answers = call_node(rpc, send)
        # A batch refused as a whole (one error, not a list) or answered in part: each alone.
        if not isinstance(answers, list) or len(answers) != len(chunk):
            answers = [{}] * len(chunk)
        answers = sorted(answers, key=lambda a: int(a.get("id") or 0))
        for item, answer in zip(chunk, answers, strict=True):
            if "error" in answer or answer.get("result") is None:
                results.append(one_by_one(item))
            else:
                results.append(result(answer["result"]))
    return results


def call_many(
    w3: Web3,
    address: str,
    fn: ViewFunction,
    arguments: Sequence[Sequence[Any]],
    *,
    rpc: str,
    one_by_one: Callable[[Sequence[Any]], Any],
    calldata: Sequence[str] | None = None,
) -> list[Any]:
    """`fn` at `address` once per argument list, in JSON-RPC batches of BATCH_CALLS;
    `calldata`, when given, is theirs already encoded.

    A call the node answers with an error (a revert) is made again through `one_by_one` (the
    client's ordinary web3 call), so it fails exactly as a single call would.
    """

    def params(i: int) -> list[Any]:
        data = fn.calldata(*arguments[i]) if calldata is None else calldata[i]
        return [{"to": address, "data": data}, "latest"]

    return batch_requests(
        w3,
        "eth_call",
        range(len(arguments)),
        params,
        per_batch=BATCH_CALLS,
        rpc=rpc,
        result=lambda data: fn.result(bytes.fromhex(str(data)[2:])),
        one_by_one=lambda i: one_by_one(arguments[i]),
    )


class CalldataEncoder:
    """The calldata of web3 contract function calls, encoded with eth_abi by a ViewFunction
    built once per function signature instead of web3's per-call ABI normalisation (those
    ViewFunctions serve a client's view calls too: `function`).

    Arguments eth_abi takes as they are (bytes for bytesN, ints, address strings, lists and
    tuples) encode to exactly web3's bytes; anything else (keyword arguments, hex strings for
    bytes, ENS names...) is left to web3's own encoder, so the calldata is always web3's.
    """

    def __init__(self) -> None:
        self._functions: dict[str, ViewFunction] = {}  # by signature: names may be overloaded

    def function(self, signature: str, entry: Mapping[str, Any]) -> ViewFunction:
        """The ViewFunction of the ABI `entry` whose signature is `signature`."""
        view = self._functions.get(signature)
        if view is None:
            view = self._functions[signature] = ViewFunction([entry], str(entry["name"]))
        return view

    def eth_abi_calldata(self, fn: ContractFunction) -> str | None:
        """`fn`'s calldata by eth_abi; None when it does not take `fn`'s arguments as they are."""
        if fn.kwargs:
            return None
        view = self.function(fn.signature, fn.abi)
        try:
            return view.calldata(*fn.args)
        except (EncodingError, TypeError, ValueError, OverflowError):
            return None

    def calldata(self, fn: ContractFunction) -> str:
        data = self.eth_abi_calldata(fn)
        return str(fn._encode_transaction_data()) if data is None else data
