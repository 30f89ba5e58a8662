"""The follower: reads the suite's logs in bounded block ranges and writes them into the index.

Each step:

1. checks that the chain still has the indexed block at the cursor; if its hash changed (a
   reorganisation), walks the stored blocks down to the highest one the chain still has (the fork
   point), drops everything above it and goes on from there;
2. takes the next range, at most `max_range` blocks and never past `head - confirmations`, asks
   the node for the deployment's logs in it (`eth_getLogs`, every contract at once) and halves the
   range while the node refuses it (too many blocks or results), growing it back after successes;
3. decodes the logs and writes the range's blocks, events and the cursor in one transaction.

A node that goes away is retried with backoff, then reported as RPCUnavailableError; nothing of a
range is written until all of it was read.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
from eth_abi.exceptions import DecodingError
from hexbytes import HexBytes
from web3 import Web3
from web3.exceptions import BlockNotFound, Web3RPCError

from hygeia.core.chain.logs import raw_get_logs, refused_range
from hygeia.core.deployments import Deployment
from hygeia.core.errors import IntegrityError, LogRangeError, RPCUnavailableError
from hygeia.index.decode import ContractEvents, decode_raw, suite_events
from hygeia.index.store import Block, IndexStore, LogRow

T = TypeVar("T")

#: Blocks per eth_getLogs at most: within what Besu, Geth and hosted RPCs accept (a refused
#: range is halved: hygeia.core.chain.logs.refused_range says which answers are refusals).
DEFAULT_MAX_RANGE = 2_000


@dataclass
class Progress:
    """What a run did so far: blocks and events indexed, rollbacks, where it stands."""

    blocks: int = 0
    events: int = 0
    rolled_back_events: int = 0
    reorgs: int = 0
    cursor: int | None = None
    head: int | None = None
    target: int | None = None
    started: float = field(default_factory=time.monotonic)

    @property
    def seconds(self) -> float:
        return max(time.monotonic() - self.started, 1e-9)

    @property
    def lag(self) -> int | None:
        """Blocks between the cursor and the chain's head."""
        if self.head is None:
            return None
        return self.head - (self.cursor if self.cursor is not None else -1)

    def as_json(self) -> dict[str, Any]:
        return {
            "blocks": self.blocks,
            "events": self.events,
            "reorgs": self.reorgs,
            "rolled_back_events": self.rolled_back_events,
            "cursor": self.cursor,
            "head": self.head,
            "lag": self.lag,
            "seconds": round(self.seconds, 3),
            "blocks_per_second": round(self.blocks / self.seconds, 1),
            "events_per_second": round(self.events / self.seconds, 1),
        }


class Indexer:
    """Follows one deployment of the suite into one index database."""

    def __init__(
        self,
        w3: Web3,
        deployment: Deployment,
        store: IndexStore,
        *,
        confirmations: int = 0,
        max_range: int = DEFAULT_MAX_RANGE,
        retries: int = 5,
        backoff: float = 0.5,
        rpc_url: str | None = None,
    ) -> None:
        if confirmations < 0 or max_range < 1:
            raise ValueError("confirmations must be >= 0 and max_range >= 1")
        self.w3 = w3
        self.deployment = deployment
        self.store = store
        self.confirmations = confirmations
        self.max_range = max_range
        self.range = max_range
        self.retries = retries
        self.backoff = backoff
        self.rpc_url = rpc_url or getattr(w3.provider, "endpoint_uri", None) or "the node"
        self.contracts: dict[str, ContractEvents] = suite_events(deployment)
        self.start_block = min(c.block_number for c in deployment.contracts.values())
        self._prepared = False

    # --- the node -----------------------------------------------------------------------------

    def _node(self, request: Callable[[], T]) -> T:
        """One node request; a connection refused, reset or timed out is retried with backoff,
        then raised as RPCUnavailableError."""
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                return request()
            except (requests.ConnectionError, requests.Timeout, ConnectionError) as exc:
                if attempt == self.retries:
                    raise RPCUnavailableError(
                        f"no Ethereum node answers at {self.rpc_url} ({type(exc).__name__}) "
                        f"after {self.retries + 1} tries; is the chain running?"
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 10.0)
        raise AssertionError("unreachable")

    def _block(self, number: int) -> Block | None:
        """The chain's block at `number` now, None when the chain is shorter."""
        try:
            block = self._node(lambda: self.w3.eth.get_block(number))
        except BlockNotFound:
            return None
        return Block(
            int(block["number"]), HexBytes(block["hash"]).to_0x_hex(), int(block["timestamp"])
        )

    def _parent(self, number: int) -> str | None:
        """The hash of the parent of the chain's block at `number` now (None: no such block)."""
        try:
            block = self._node(lambda: self.w3.eth.get_block(number))
        except BlockNotFound:
            return None
        return HexBytes(block["parentHash"]).to_0x_hex()

    def _head(self) -> int:
        return int(self._node(lambda: self.w3.eth.block_number))

    def _get_logs(self, first: int, last: int) -> list[Any]:
        """The node's eth_getLogs answer as JSON (hex strings): decoded by decode_raw without
        web3's per-log formatting."""
        addresses = [Web3.to_checksum_address(c.address) for c in self.contracts.values()]
        params = {"fromBlock": hex(first), "toBlock": hex(last), "address": addresses}
        return raw_get_logs(self.w3, params, self._node)

    # --- one run ------------------------------------------------------------------------------

    def prepare(self) -> None:
        if self._prepared:
            return
        genesis = self._block(0)
        assert genesis is not None
        self.store.prepare(
            self.deployment.chain_id,
            genesis.hash,
            {c.name: c.address for c in self.contracts.values()},
        )
        self._prepared = True

    def run_once(
        self, progress: Progress | None = None, report: Callable[[Progress], None] | None = None
    ) -> Progress:
        """Catch up to `head - confirmations` and return; `report` is called after each range."""
        self.prepare()
        progress = progress or Progress()
        while True:
            cursor = self._check_reorg(progress)
            head = self._head()
            target = head - self.confirmations
            progress.head, progress.target = head, target
            progress.cursor = cursor.number if cursor else None
            first = cursor.number + 1 if cursor else self.start_block
            if first > target:
                return progress
            last = min(target, first + self.range - 1)
            step = self._index_range(first, last, cursor)
            if step is None:  # the chain moved under the range: check again
                continue
            blocks, events = step
            progress.blocks += blocks
            progress.events += events
            progress.cursor = last
            if report is not None:
                report(progress)

    def follow(
        self,
        *,
        poll: float = 1.0,
        report: Callable[[Progress], None] | None = None,
        stop: Callable[[], bool] = lambda: False,
    ) -> Progress:
        """Keep the index at the head until `stop()` (or Ctrl-C), polling every `poll` seconds."""
        progress = Progress()
        while not stop():
            self.run_once(progress, report)
            if report is not None:
                report(progress)
            time.sleep(poll)
        return progress

    # --- steps --------------------------------------------------------------------------------

    def _check_reorg(self, progress: Progress) -> Block | None:
        """The cursor, after rolling back to the fork point if the chain no longer has it."""
        cursor = self.store.cursor()
        if cursor is None:
            return None
        now = self._block(cursor.number)
        if now == cursor:
            return cursor
        fork: Block | None = None
        for stored in self.store.blocks_from(cursor.number):
            if self._block(stored.number) == stored:
                fork = stored
                break
        progress.rolled_back_events += self.store.rollback_to(fork)
        progress.reorgs += 1
        return fork

    def _index_range(
        self, first: int, last: int, cursor: Block | None = None
    ) -> tuple[int, int] | None:
        """Index blocks first..last (shrinking the range while the node refuses it); the blocks
        and events written, or None when the chain reorganised while the range was read.

        Before anything is written, the chain is asked again, after eth_getLogs answered, for
        the hash of every block the logs carry, of the range's last block, and for the parent of
        its first block (which must be the stored cursor): a reorganisation anywhere in the
        range, or between the cursor's check and the logs, makes the range be read again (after
        the caller rolls back to the fork point if the cursor itself was abandoned)."""
        while True:
            try:
                raw = self._get_logs(first, last)
                break
            except (Web3RPCError, ValueError, requests.HTTPError) as exc:
                if not refused_range(exc):
                    raise
                if last == first:
                    raise LogRangeError(
                        f"{self.rpc_url} refuses eth_getLogs even for block {first}: {exc}"
                    ) from exc
                last = first + (last - first + 1) // 2 - 1
                self.range = last - first + 1
        end = self._block(last)
        if end is None:
            return None
        rows: list[LogRow] = []
        blocks: dict[int, Block] = {}
        for log in raw:
            if log.get("removed"):
                continue
            contract = self.contracts.get(str(log["address"]).lower())
            try:
                row = decode_raw(self.w3.codec, contract, log) if contract is not None else None
            except (ValueError, DecodingError) as exc:
                raise IntegrityError(
                    f"{self.rpc_url} gave a log of {contract.name if contract else '?'} in block "
                    f"{log.get('blockNumber')} that does not decode with its ABI: {exc}"
                ) from exc
            if row is None:
                continue
            if row.block_number == last and row.block_hash != end.hash:
                return None  # the last block changed between the two requests
            rows.append(row)
            blocks[row.block_number] = Block(row.block_number, row.block_hash)
        for number, block in sorted(blocks.items()):
            now = end if number == last else self._block(number)
            if now is None or now != block:
                return None  # a block inside the range changed after eth_getLogs read it
            blocks[number] = now  # with its time
        if cursor is not None and first == cursor.number + 1 and self._parent(first) != cursor.hash:
            return None  # the cursor was abandoned after it was checked
        if self._block(last) != end:
            return None
        self.store.write_range(blocks.values(), rows, end)
        if self.range < self.max_range:  # grow back after a refusal, one doubling per success
            self.range = min(self.max_range, self.range * 2)
        return last - first + 1, len(rows)
