"""Event logs from a node in bounded block ranges: a node that caps eth_getLogs (as public nodes
and hosted RPCs do) gets ranges it accepts, and the answer equals one unbounded query."""

from __future__ import annotations

from typing import Any

import pytest
from web3 import Web3
from web3.exceptions import Web3RPCError

from hygeia.core.chain.logs import paged_logs, refused_range
from hygeia.core.errors import LogRangeError
from hygeia.deploy import DeployResult
from hygeia.participants.client import ParticipantRegistryClient


def blocks_of(first: int, last: int) -> list[int]:
    return list(range(first, last + 1))


def test_ranges_are_bounded_halved_when_refused_and_grown_back() -> None:
    asked: list[tuple[int, int]] = []

    def capped(first: int, last: int) -> list[int]:
        asked.append((first, last))
        if last - first + 1 > 7:
            raise Web3RPCError("query exceeds max block range 7")
        return blocks_of(first, last)

    assert paged_logs(capped, 3, 60, max_range=16) == blocks_of(3, 60)
    assert asked[0] == (3, 18)  # max_range first
    assert all(last - first + 1 <= 16 for first, last in asked)
    served = [(first, last) for first, last in asked if last - first + 1 <= 7]
    assert [b for first, last in served for b in blocks_of(first, last)] == blocks_of(3, 60)


def test_an_empty_range_asks_nothing() -> None:
    def never(first: int, last: int) -> list[int]:
        raise AssertionError("asked")

    assert paged_logs(never, 10, 9) == []


def test_a_node_refusing_even_one_block_is_a_named_error() -> None:
    def refuse(first: int, last: int) -> list[int]:
        raise Web3RPCError("log response size exceeded")

    with pytest.raises(LogRangeError, match="refuses eth_getLogs even for block 5"):
        paged_logs(refuse, 5, 100, where="http://node")


def test_other_failures_are_not_taken_for_a_refused_range() -> None:
    def broken(first: int, last: int) -> list[int]:
        raise Web3RPCError("execution aborted")

    with pytest.raises(Web3RPCError, match="aborted"):
        paged_logs(broken, 0, 10)
    assert not refused_range(RuntimeError("block range"))
    assert refused_range(Web3RPCError("query returned more than 10000 results"))


def test_a_client_reads_the_same_events_from_a_capped_node(
    w3: Web3, deployed: DeployResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = ParticipantRegistryClient(w3, deployed.deployment.address_of("ParticipantRegistry"))
    whole = registry.event_logs("RoleGranted", {})
    assert whole
    real = w3.eth.get_logs
    widths: list[int] = []

    def capped(params: Any) -> Any:
        width = int(params["toBlock"]) - int(params["fromBlock"]) + 1
        widths.append(width)
        if width > 2:
            raise Web3RPCError("block range is too wide (max 2)")
        return real(params)

    monkeypatch.setattr(w3.eth, "get_logs", capped)
    assert registry.event_logs("RoleGranted", {}) == whole
    assert any(width > 2 for width in widths) and max(widths) <= 5_000
