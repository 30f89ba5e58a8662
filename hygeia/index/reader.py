"""Reading events back from the index in the shape web3's `get_logs` gives them, so a contract
client can take its logs from the index instead of the chain:

    logs = IndexedLogs(IndexStore(url))
    logs.get_logs("ConsentRegistry", "RecordAccessed", {"patient": patient}, from_block=0)

Filters on indexed arguments are answered by the database (the `arg1`..`arg3` columns, with an
index); filters on other arguments are applied to the decoded rows. A value may be a list (any of).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from hexbytes import HexBytes
from sqlalchemy import select
from web3 import Web3
from web3.datastructures import AttributeDict

from hygeia.core import artifacts
from hygeia.core.chain.connection import call_node
from hygeia.core.deployments import Deployment
from hygeia.core.errors import InvalidInputError
from hygeia.index import schema
from hygeia.index.decode import filter_text, restore
from hygeia.index.store import IndexStore


class IndexedLogs:
    """A log source over an index database."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store

    @classmethod
    def for_deployment(cls, url: str, w3: Web3, deployment: Deployment) -> IndexedLogs:
        """The index at `url`, checked to index `deployment` on `w3`'s chain (IndexMismatchError
        otherwise), for the deployment's clients to read their events from."""
        store = IndexStore(url)
        genesis = call_node(store.shown_url(), lambda: w3.eth.get_block(0))["hash"].to_0x_hex()
        contracts = {name: c.address for name, c in deployment.contracts.items()}
        store.check_serves(deployment.chain_id, genesis, contracts)
        return cls(store)

    def lag(self, w3: Web3) -> int | None:
        """Blocks between the chain's head and the last block indexed (None: nothing yet)."""
        cursor = self.store.cursor()
        return None if cursor is None else max(0, int(w3.eth.block_number) - cursor.number)

    def get_logs(
        self,
        contract: str,
        event: str,
        argument_filters: Mapping[str, Any] | None = None,
        from_block: int = 0,
    ) -> list[AttributeDict[str, Any]]:
        """The events `event` of `contract` from `from_block` on, oldest first."""
        abi = _event_abi(contract, event)
        inputs = {i["name"]: i for i in abi["inputs"]}
        indexed = [i["name"] for i in abi["inputs"] if i.get("indexed")]
        logs = schema.logs
        query = (
            select(logs)
            .where(logs.c.contract == contract, logs.c.event == event)
            .where(logs.c.block_number >= from_block)
            .order_by(logs.c.block_number, logs.c.log_index)
        )
        later: dict[str, list[Any]] = {}
        for name, value in (argument_filters or {}).items():
            if name not in inputs:
                raise InvalidInputError(f"{contract}.{event} has no argument {name!r}")
            wanted = list(value) if isinstance(value, list | tuple | set) else [value]
            if name in indexed[:3]:
                column = logs.c[f"arg{indexed.index(name) + 1}"]
                query = query.where(
                    column.in_([filter_text(inputs[name]["type"], v) for v in wanted])
                )
            else:
                later[name] = [restore(inputs[name], _stored(inputs[name], v)) for v in wanted]

        def run() -> list[Any]:
            with self.store.engine.connect() as conn:
                return list(conn.execute(query).mappings().all())

        found = []
        for row in self.store._retry(run):
            stored = json.loads(row["args"])
            args = {name: restore(inputs[name], stored[name]) for name in inputs}
            if any(args[name] not in values for name, values in later.items()):
                continue
            found.append(
                AttributeDict(
                    {
                        "args": AttributeDict(args),
                        "event": event,
                        "address": row["address"],
                        "blockNumber": int(row["block_number"]),
                        "blockHash": HexBytes(row["block_hash"]),
                        "transactionHash": HexBytes(row["tx_hash"]),
                        "logIndex": int(row["log_index"]),
                    }
                )
            )
        return found


def _stored(abi: Mapping[str, Any], value: Any) -> Any:
    from hygeia.index.decode import text

    if str(abi["type"]) == "address":
        return filter_text("address", value)
    return text(value)


def _event_abi(contract: str, event: str) -> dict[str, Any]:
    try:
        entries = artifacts.abi(contract)
    except KeyError:
        raise InvalidInputError(f"no contract {contract!r} in the suite") from None
    for entry in entries:
        if entry.get("type") == "event" and entry.get("name") == event:
            return entry
    raise InvalidInputError(f"{contract} has no event {event!r}")
