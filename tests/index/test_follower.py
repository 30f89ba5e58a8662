"""The follower on both backends: decoded events and their columns, bounded ranges that shrink
when the node refuses them, reorganisations rolled back to the fork point, a node that goes away."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from web3.exceptions import Web3RPCError

from hygeia.core import artifacts
from hygeia.core.chain import dev_signer
from hygeia.core.contract_types import Role
from hygeia.core.errors import IntegrityError, LogRangeError, RPCUnavailableError
from hygeia.core.store import LocalStore
from hygeia.index import Indexer, IndexStore
from hygeia.provenance.client import DrugProvenanceClient
from hygeia.provenance.workflow import ProvenanceFlow
from tests.chains import Chain
from tests.index.conftest import NewIndex, deployment_of, emit, fresh_dump, index_once


def test_indexes_every_event_with_its_indexed_arguments(
    events_chain: Chain, new_index: NewIndex
) -> None:
    store = index_once(events_chain, new_index())
    try:
        dump = store.dump()
        logs = dump["logs"]
        events = [row[6] for row in logs]  # (number, hash, index, tx, contract, address, event..)
        assert events.count("CredentialRenewed") == 60
        assert events.count("CredentialIssued") == 3
        # Everything the suite's contracts emitted, as eth_getLogs has it (a local chain's
        # test stablecoin is no part of the suite).
        book = deployment_of(events_chain)
        chain_logs = events_chain.w3.eth.get_logs(
            {
                "fromBlock": 0,
                "toBlock": "latest",
                "address": [book.address_of(name) for name in artifacts.SUITE_CONTRACTS],
            }
        )
        assert [(r[0], r[2]) for r in logs] == [
            (int(x["blockNumber"]), int(x["logIndex"])) for x in chain_logs
        ]
        provider = dev_signer(events_chain.w3, "provider").address
        regulator = dev_signer(events_chain.w3, "regulator").address
        issued = next(r for r in logs if r[6] == "CredentialIssued" and r[7] == provider)
        assert issued[4] == "ParticipantRegistry"
        assert issued[8] == "0x" + Role.PROVIDER.id.hex()
        assert issued[9] == regulator
        assert json.loads(issued[10])["account"] == provider
        cursor = store.cursor()
        assert cursor is not None and cursor.number == events_chain.w3.eth.block_number
        # A second run finds nothing new and writes nothing twice.
        again = Indexer(events_chain.w3, deployment_of(events_chain), store).run_once()
        assert (again.blocks, again.events) == (0, 0)
        assert store.dump() == dump
    finally:
        store.close()


def serve_logs(
    monkeypatch: pytest.MonkeyPatch, chain: Chain, answer: Callable[[dict[str, Any], Any], Any]
) -> None:
    """The node's eth_getLogs answered by `answer(params, real)` (params as the JSON request
    has them, `real()` asks the node); every other request goes to the node."""
    provider = chain.w3.provider
    real = provider.make_request

    def make_request(method: Any, params: Any) -> Any:
        if method == "eth_getLogs":
            return answer(params[0], lambda: real(method, params))
        return real(method, params)

    monkeypatch.setattr(provider, "make_request", make_request)


def test_ranges_are_bounded_and_shrink_when_the_node_refuses(
    events_chain: Chain, new_index: NewIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A node that serves at most 7 blocks per eth_getLogs: the range halves until it is
    accepted, and the index equals one read in ranges the node always accepts."""
    w3 = events_chain.w3
    asked: list[int] = []

    def capped(params: dict[str, Any], real: Any) -> Any:
        width = int(params["toBlock"], 16) - int(params["fromBlock"], 16) + 1
        asked.append(width)
        if width > 7:  # as Besu answers: a JSON-RPC error
            return {
                "jsonrpc": "2.0",
                "id": 1,
                "error": {"code": -32005, "message": "query exceeds max block range 7"},
            }
        return real()

    serve_logs(monkeypatch, events_chain, capped)
    store = IndexStore(new_index())
    try:
        progress = Indexer(w3, deployment_of(events_chain), store, max_range=64).run_once()
        assert max(asked) == 64 and all(width <= 64 for width in asked)
        assert min(asked) <= 7  # refused, halved until accepted
        monkeypatch.undo()
        fresh = fresh_dump(events_chain, new_index())
        assert progress.events == len(fresh["logs"])  # type: ignore[arg-type]
        assert store.dump() == fresh
    finally:
        store.close()


def test_a_node_that_refuses_even_one_block_is_a_named_error(
    events_chain: Chain, new_index: NewIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(params: dict[str, Any], real: Any) -> Any:
        raise Web3RPCError("log response size exceeded")

    serve_logs(monkeypatch, events_chain, refuse)
    store = IndexStore(new_index())
    try:
        with pytest.raises(LogRangeError, match="refuses eth_getLogs even for block"):
            Indexer(events_chain.w3, deployment_of(events_chain), store).run_once()
        assert store.cursor() is None and store.event_count() == 0
    finally:
        store.close()


def test_a_node_that_goes_away_is_retried_then_named(
    events_chain: Chain, new_index: NewIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dropped connection is retried with backoff; a node gone for good is an
    RPCUnavailableError with the ranges read before it kept whole; when the node is back, the run
    completes to what a fresh index holds, nothing lost or duplicated."""
    w3 = events_chain.w3
    calls = {"n": 0}

    def flaky(params: dict[str, Any], real: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1 or calls["n"] > 3:  # refused once, then 2 ranges served, then gone
            raise requests.ConnectionError("connection refused")
        return real()

    serve_logs(monkeypatch, events_chain, flaky)
    store = IndexStore(new_index())
    try:
        deployment = deployment_of(events_chain)
        indexer = Indexer(w3, deployment, store, backoff=0.01, max_range=10)
        with pytest.raises(RPCUnavailableError, match="after 6 tries"):
            indexer.run_once()
        cursor = store.cursor()
        start = min(c.block_number for c in deployment.contracts.values())
        assert cursor is not None and cursor.number == start + 2 * 10 - 1
        monkeypatch.undo()
        indexer.run_once()
        assert store.dump() == fresh_dump(events_chain, new_index())
    finally:
        store.close()


def test_a_reorganisation_rolls_back_to_the_fork_and_reindexes(
    own_chain: Chain, new_index: NewIndex
) -> None:
    """Index, revert the chain to a snapshot, mine other blocks (fewer, then more): the index
    follows each time and equals a fresh index of the chain as it is now."""
    w3 = own_chain.w3
    emit(own_chain, 5)
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    emit(own_chain, 12)
    store = IndexStore(new_index())
    try:
        indexer = Indexer(w3, deployment_of(own_chain), store, max_range=4)
        indexer.run_once()
        before = store.dump()
        assert len(before["domain"]["credentials"]) == 3 + 5 + 12
        w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
        emit(own_chain, 3, salt=1)  # a shorter chain of other blocks
        patient = dev_signer(w3, "patient").address
        own_chain.suite("provider").consent.open_break_glass(patient, "x", timedelta(hours=1))
        progress = indexer.run_once()
        assert progress.reorgs == 1 and progress.rolled_back_events == 12
        after = store.dump()
        assert after == fresh_dump(own_chain, new_index())
        assert after != before
        # The domain tables followed the fork too: the abandoned renewals are gone.
        assert len(after["domain"]["credentials"]) == 3 + 5 + 3
        assert [r[5] for r in after["domain"]["break_glass"]] == ["opened"]
        emit(own_chain, 20, salt=2)  # and it grows past the old height
        indexer.run_once()
        assert store.dump() == fresh_dump(own_chain, new_index())
    finally:
        store.close()


def test_confirmations_hold_back_the_newest_blocks(
    events_chain: Chain, new_index: NewIndex
) -> None:
    store = index_once(events_chain, new_index(), confirmations=10)
    try:
        cursor = store.cursor()
        final = events_chain.w3.eth.block_number - 10
        assert cursor is not None and cursor.number == final
        everything = fresh_dump(events_chain, new_index())["logs"]
        assert store.dump()["logs"] == [r for r in everything if r[0] <= final]  # type: ignore[attr-defined]
    finally:
        store.close()


def test_a_reorganisation_inside_a_range_while_it_is_read_keeps_no_abandoned_event(
    own_chain: Chain, new_index: NewIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chain reorganises between eth_getLogs and the write, at a block inside the range
    (its last blocks, empty, are mined again): the logs of the abandoned blocks are not kept."""
    w3 = own_chain.w3
    emit(own_chain, 3)
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    emit(own_chain, 6)
    for _ in range(4):
        w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    store = IndexStore(new_index())
    try:
        indexer = Indexer(w3, deployment_of(own_chain), store, max_range=10_000)
        real = indexer._get_logs
        forked: list[int] = []

        def get_logs_then_fork(first: int, last: int) -> list[Any]:
            logs = real(first, last)
            if not forked:
                forked.append(last)
                w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
                emit(own_chain, 6, salt=1)  # other blocks in the range's middle
                for _ in range(4):
                    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
            return logs

        monkeypatch.setattr(indexer, "_get_logs", get_logs_then_fork)
        indexer.run_once()
        assert forked and w3.eth.block_number == forked[0]
        indexer.run_once()
        assert store.dump() == fresh_dump(own_chain, new_index())
    finally:
        store.close()


def test_a_reorganisation_after_the_cursor_check_is_caught_by_the_next_blocks_parent(
    own_chain: Chain, new_index: NewIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The indexed tip is abandoned right after the follower checked it, and the next range is
    empty blocks of the new branch: the range is not joined to the abandoned tip."""
    w3 = own_chain.w3
    emit(own_chain, 3)
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    emit(own_chain, 3)
    store = IndexStore(new_index())
    try:
        indexer = Indexer(w3, deployment_of(own_chain), store, max_range=10_000)
        indexer.run_once()
        real = indexer._head
        forked: list[bool] = []

        def fork_then_head() -> int:
            if not forked:
                forked.append(True)
                w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
                emit(own_chain, 3, salt=1)
                for _ in range(4):
                    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
            return real()

        monkeypatch.setattr(indexer, "_head", fork_then_head)
        indexer.run_once()
        indexer.run_once()
        assert forked
        assert store.dump() == fresh_dump(own_chain, new_index())
    finally:
        store.close()


def test_raw_decoding_gives_what_web3_decodes(own_chain: Chain, tmp_path: Path) -> None:
    """The follower decodes the node's JSON with the ABI codec (decode_raw); every event of a
    history with consents, a plan (tuples) and a prefix licence decodes as web3 decodes it."""
    from hygeia.core.chain.logs import raw_get_logs
    from hygeia.index.decode import decode, decode_raw, suite_events
    from tests.index.test_readers import history

    history(own_chain)
    emit(own_chain, 3)
    w3 = own_chain.w3
    # A product kept frozen: its temperature limits are negative int16s.
    client = DrugProvenanceClient(
        w3, deployment_of(own_chain).address_of("DrugProvenance"), own_chain.sender("manufacturer")
    )
    flow = ProvenanceFlow(client, LocalStore(tmp_path / "store"), chain_id=w3.eth.chain_id)
    flow.register_product(614141000418, 7, "Frozen vaccine", -25.0, -15.0)
    contracts = suite_events(deployment_of(own_chain))
    addresses = [c.address for c in contracts.values()]
    params = {"fromBlock": "0x0", "toBlock": hex(w3.eth.block_number), "address": addresses}
    raw = raw_get_logs(w3, params)
    formatted = w3.eth.get_logs({"fromBlock": 0, "toBlock": "latest", "address": addresses})  # type: ignore[typeddict-item]
    assert len(raw) == len(formatted) > 10
    names = set()
    for json_log, web3_log in zip(raw, formatted, strict=True):
        contract = contracts[json_log["address"].lower()]
        row = decode_raw(w3.codec, contract, json_log)
        assert row is not None and row == decode(w3, contract, web3_log)
        names.add(row.event)
    assert {
        "PlanRegistered",
        "ConsentGranted",
        "CompanyPrefixLicensed",
        "ProductRegistered",
    } <= names


def test_a_node_serving_a_log_that_does_not_decode_is_a_named_error(
    events_chain: Chain, new_index: NewIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A node that cuts a log's data short: IntegrityError naming the node and the block, and
    nothing of that range written."""

    def truncated(params: dict[str, Any], real: Any) -> Any:
        answer = real()
        for log in answer.get("result", []):
            log["data"] = log["data"][:10]
        return answer

    serve_logs(monkeypatch, events_chain, truncated)
    store = IndexStore(new_index())
    try:
        with pytest.raises(IntegrityError, match="does not decode with its ABI"):
            Indexer(events_chain.w3, deployment_of(events_chain), store).run_once()
        assert store.cursor() is None and store.event_count() == 0
    finally:
        store.close()
