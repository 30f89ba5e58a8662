"""Calls built with eth_abi directly (hygeia.core.chain.views) are exactly web3's: the calldata
of every function of every suite contract, and the decoded results with addresses checksummed,
arrays as lists and structs as tuples. Raw JSON-RPC batches redo alone what the node fails."""

from __future__ import annotations

import random
from typing import Any

import pytest
from eth_abi.abi import encode
from web3 import Web3
from web3.providers.base import JSONBaseProvider

from hygeia.core import artifacts
from hygeia.core.chain.views import CalldataEncoder, ViewFunction, batch_requests

ADDRESS = "0x" + "11" * 20
CONTRACTS = [
    "ParticipantRegistry",
    "ConsentRegistry",
    "DrugProvenance",
    "ClaimsAdjudicator",
    "ClaimsReader",
    "ClaimsEscrow",
]


def value_of(param: dict[str, Any], rng: random.Random) -> Any:
    """A random value of `param`'s ABI type, as a caller hands it to web3."""
    kind = str(param["type"])
    if kind.endswith("]"):
        element = dict(param, type=kind[: kind.rindex("[")])
        size = kind[kind.rindex("[") + 1 : -1]
        return [value_of(element, rng) for _ in range(int(size) if size else rng.randrange(4))]
    if kind == "tuple":
        return tuple(value_of(c, rng) for c in param["components"])
    if kind == "address":
        return Web3.to_checksum_address(rng.randbytes(20))
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "string":
        return "".join(rng.choice("abcé0 ") for _ in range(rng.randrange(40)))
    if kind == "bytes":
        return rng.randbytes(rng.randrange(70))
    if kind.startswith("bytes"):
        return rng.randbytes(int(kind[5:]))
    bits = int(kind.lstrip("uint") or 256)
    if kind.startswith("int"):
        return rng.randrange(-(2 ** (bits - 1)), 2 ** (bits - 1))
    return rng.randrange(2**bits)


def functions() -> list[tuple[str, dict[str, Any]]]:
    return [
        (name, entry)
        for name in CONTRACTS
        for entry in artifacts.abi(name)
        if entry.get("type") == "function"
    ]


@pytest.mark.parametrize(
    "contract, entry", functions(), ids=lambda v: v if isinstance(v, str) else v["name"]
)
def test_calldata_is_web3s_for_every_suite_function(contract: str, entry: dict[str, Any]) -> None:
    rng = random.Random(f"{contract}.{entry['name']}")
    web3_contract = Web3().eth.contract(address=ADDRESS, abi=[entry])
    encoder = CalldataEncoder()
    for _ in range(5):
        args = [value_of(p, rng) for p in entry["inputs"]]
        fn = web3_contract.functions[entry["name"]](*args)
        assert encoder.calldata(fn) == fn._encode_transaction_data()


def test_arguments_only_web3_takes_are_encoded_by_web3() -> None:
    abi = artifacts.abi("ParticipantRegistry")
    contract = Web3().eth.contract(address=ADDRESS, abi=abi)
    # a hex string for bytes32 and a lower-case address: web3 normalises both
    fn = contract.functions.setEncryptionKey("0x" + "ab" * 32)
    assert CalldataEncoder().calldata(fn) == fn._encode_transaction_data()
    fn = contract.functions.isActive(ADDRESS.lower(), bytes(32))
    assert CalldataEncoder().calldata(fn) == fn._encode_transaction_data()


@pytest.mark.parametrize(
    "contract, entry",
    [(c, e) for c, e in functions() if e["outputs"]],
    ids=lambda v: v if isinstance(v, str) else v["name"],
)
def test_results_decode_as_web3_decodes_them(contract: str, entry: dict[str, Any]) -> None:
    from web3._utils.abi import map_abi_data
    from web3._utils.normalizers import BASE_RETURN_NORMALIZERS

    rng = random.Random(f"out.{contract}.{entry['name']}")
    view = ViewFunction([entry], entry["name"])
    for _ in range(5):
        values = [value_of(p, rng) for p in entry["outputs"]]
        data = encode(view.output_types, values)
        # what web3's call() does with the answer (web3.contract.utils)
        by_web3 = map_abi_data(
            BASE_RETURN_NORMALIZERS, view.output_types, Web3().codec.decode(view.output_types, data)
        )
        expected = by_web3[0] if len(by_web3) == 1 else by_web3
        assert view.result(data) == expected
        assert repr(view.result(data)) == repr(expected)  # lists stay lists, tuples tuples


class _ScriptedNode(JSONBaseProvider):
    """Answers each JSON-RPC batch with the next of `answers`, noting the params it was sent."""

    def __init__(self, answers: list[Any]) -> None:
        super().__init__()
        self.answers = answers
        self.batches: list[list[Any]] = []

    def make_batch_request(self, requests: Any) -> Any:
        self.batches.append([params for _, params in requests])
        return self.answers.pop(0)


def test_a_batch_redoes_alone_each_request_the_node_fails_refuses_or_leaves_unanswered() -> None:
    node = _ScriptedNode(
        [
            [{"id": 8, "error": {"message": "reverted"}}, {"id": 7, "result": "0x1"}],
            {"error": {"message": "batch refused"}},
            [{"id": 11, "result": "0x5"}],  # one answer for two requests
        ]
    )
    alone: list[int] = []

    def one_by_one(item: int) -> int:
        alone.append(item)
        return -item

    results = batch_requests(
        Web3(node),
        "eth_estimateGas",
        [1, 2, 3, 4, 5, 6],
        lambda item: [item],
        per_batch=2,
        rpc="the node",
        result=lambda answer: int(answer, 16),
        one_by_one=one_by_one,
    )

    assert node.batches == [[[1], [2]], [[3], [4]], [[5], [6]]]
    assert results == [1, -2, -3, -4, -5, -6]  # answers taken in the order of their ids
    assert alone == [2, 3, 4, 5, 6]
