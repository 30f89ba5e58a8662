"""Event logs read from a node in bounded block ranges.

Public nodes and hosted RPCs refuse an `eth_getLogs` over too many blocks or with too many results
(Besu, Geth and most providers cap at 5,000 to 10,000 blocks or 10,000 logs), so a client asks in
ranges of at most `max_range` blocks, halves a range the node refuses, and grows it back after
each success. The event index (hygeia.index) pages the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import requests
from web3 import Web3
from web3.exceptions import Web3RPCError
from web3.types import RPCEndpoint

from hygeia.core.errors import LogRangeError

#: Blocks asked per eth_getLogs at most: within what public providers accept.
DEFAULT_LOG_RANGE = 5_000

# Words of the messages nodes answer a refused range with (Geth, Besu, Erigon, Alchemy,
# Infura, QuickNode, ...): none is standardised.
_RANGE_REFUSALS = (
    "range",
    "too many",
    "limit",
    "exceed",
    "more than",
    "response size",
    "too large",
    "query timeout",
)


def refused_range(exc: Exception) -> bool:
    """Whether `exc` is a node refusing an eth_getLogs for its range or result size."""
    if isinstance(exc, requests.HTTPError):
        response = exc.response
        return response is not None and response.status_code in (413, 400)
    if not isinstance(exc, Web3RPCError | ValueError):
        return False
    text = str(exc).lower()
    return any(word in text for word in _RANGE_REFUSALS)


def paged_logs(
    fetch: Callable[[int, int], Sequence[Any]],
    first: int,
    last: int,
    *,
    max_range: int = DEFAULT_LOG_RANGE,
    where: str = "the node",
) -> list[Any]:
    """The logs `fetch(from_block, to_block)` gives for blocks first..last, oldest first, asked
    in ranges of at most `max_range` blocks; a range the node refuses is halved (LogRangeError
    when even one block is refused)."""
    if max_range < 1:
        raise ValueError("max_range must be at least 1")
    logs: list[Any] = []
    size = max_range
    start = first
    while start <= last:
        end = min(last, start + size - 1)
        try:
            logs.extend(fetch(start, end))
        except Exception as exc:
            if not refused_range(exc):
                raise
            if end == start:
                raise LogRangeError(
                    f"{where} refuses eth_getLogs even for block {start}: {exc}"
                ) from exc
            size = max(1, (end - start + 1) // 2)
            continue
        start = end + 1
        size = min(max_range, size * 2)  # grow back after a refusal, one doubling per success
    return logs


def raw_get_logs(
    w3: Web3, params: dict[str, Any], node: Callable[[Callable[[], Any]], Any] | None = None
) -> list[Any]:
    """eth_getLogs through the provider, its answer as the node's JSON (no web3 formatting); a
    node's error answer is raised as web3 raises it (Web3RPCError with the node's message)."""

    def ask() -> Any:
        return w3.provider.make_request(RPCEndpoint("eth_getLogs"), [params])

    response = node(ask) if node is not None else ask()
    error = response.get("error")
    if error:
        message = error.get("message", error) if isinstance(error, dict) else error
        raise Web3RPCError(str(message), rpc_response=response)
    return list(response["result"])
