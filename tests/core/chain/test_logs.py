"""Event logs from a node in bounded block ranges: a node that caps eth_getLogs (as public nodes
and hosted RPCs do) gets ranges it accepts, and the answer equals one unbounded query."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from eth_account import Account
from web3 import Web3
from web3.exceptions import Web3RPCError

from hygeia.core.chain import block_time
from hygeia.core.chain.logs import paged_logs, refused_range
from hygeia.core.contract_types import Role
from hygeia.core.errors import IntegrityError, InvalidInputError, LogRangeError
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
    real = w3.provider.make_request
    widths: list[int] = []

    def capped(method: Any, params: Any) -> Any:
        if method == "eth_getLogs":
            width = int(params[0]["toBlock"], 16) - int(params[0]["fromBlock"], 16) + 1
            widths.append(width)
            if width > 2:  # as a public node answers a range past its cap
                return {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "error": {"code": -32005, "message": "block range is too wide (max 2)"},
                }
        return real(method, params)

    monkeypatch.setattr(w3.provider, "make_request", capped)
    assert registry.event_logs("RoleGranted", {}) == whole
    assert any(width > 2 for width in widths) and max(widths) <= 5_000


def credentialed(w3: Web3, suite_as: Any, role: Role) -> str:
    """A new account with a credential for `role` from the dev regulator, valid for a month: a
    CredentialIssued event on the session chain."""
    account = Account.create().address
    now = block_time(w3)
    suite_as("regulator").participants.issue_credential(
        account,
        role,
        license_id=f"LIC-{account}",
        jurisdiction="US-NY",
        valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=30),
    )
    return account


def test_a_clients_events_decoded_from_the_nodes_json_equal_web3s(
    w3: Web3, deployed: DeployResult, suite_as: Any
) -> None:
    """Events of single-valued arguments are decoded from the node's JSON word by word: the
    same logs, arguments and metadata as web3's own decoding, filtered by indexed arguments
    (one value, or a list of any)."""
    registry = ParticipantRegistryClient(w3, deployed.deployment.address_of("ParticipantRegistry"))
    web3_logs = registry.contract.events.RoleGranted().get_logs(from_block=0)
    assert registry.event_logs("RoleGranted", {}) == [dict(log) for log in web3_logs]
    role = web3_logs[-1]["args"]["role"]
    account = web3_logs[-1]["args"]["account"]
    one = registry.event_logs("RoleGranted", {"role": role, "account": account})
    assert one and all(log["args"]["account"] == account for log in one)
    both = registry.event_logs(
        "RoleGranted", {"account": [account, web3_logs[0]["args"]["account"]]}
    )
    assert {log["args"]["account"] for log in both} == {account, web3_logs[0]["args"]["account"]}
    with pytest.raises(InvalidInputError, match="no argument holder"):
        registry.event_logs("RoleGranted", {"holder": account})

    # An event with data words (bytes32, bytes8, uint64) beside its topics, the types compared
    # too (bytes, not HexBytes, as web3 gives them); a filter on an argument that is not
    # indexed applies to the decoded values, as web3 applies it.
    holder = credentialed(w3, suite_as, Role.PROVIDER)
    issued = registry.contract.events.CredentialIssued().get_logs(from_block=0)
    ours = registry.event_logs("CredentialIssued", {})
    assert ours == [dict(log) for log in issued]
    for mine, theirs in zip(ours, issued, strict=True):
        assert {k: type(v) for k, v in mine["args"].items()} == {
            k: type(v) for k, v in theirs["args"].items()
        }
        assert {k: type(v) for k, v in mine.items()} == {k: type(v) for k, v in theirs.items()}
    jurisdiction = issued[-1]["args"]["jurisdiction"]
    same = registry.event_logs(
        "CredentialIssued", {"account": holder, "jurisdiction": jurisdiction}
    )
    assert [log["args"]["account"] for log in same] == [holder]
    assert not registry.event_logs("CredentialIssued", {"account": holder, "validFrom": 1})


def test_a_log_that_does_not_decode_is_an_integrity_error_naming_the_node(
    w3: Web3, deployed: DeployResult, suite_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = ParticipantRegistryClient(w3, deployed.deployment.address_of("ParticipantRegistry"))
    credentialed(w3, suite_as, Role.INSURER)
    real = w3.provider.make_request

    def truncated(method: Any, params: Any) -> Any:
        answer = real(method, params)
        if method == "eth_getLogs":
            for log in answer["result"]:
                log["data"] = log["data"][:66]  # one word of the four it holds
        return answer

    monkeypatch.setattr(w3.provider, "make_request", truncated)
    with pytest.raises(IntegrityError, match="CredentialIssued log of ParticipantRegistry"):
        registry.event_logs("CredentialIssued", {})
