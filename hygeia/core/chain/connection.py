"""Connect to a node by RPC URL, with clear errors for a dead endpoint or the wrong chain."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import requests
from web3 import HTTPProvider, Web3
from web3.types import BlockIdentifier, RPCEndpoint

from hygeia.core.errors import (
    ChainError,
    ChainIdMismatchError,
    InvalidInputError,
    RPCUnavailableError,
)
from hygeia.core.times import from_unix

# Chains whose node holds unlocked dev accounts: Anvil/Hardhat (31337, also `hygeia node up`),
# Ganache (1337), and brownie's `development` Anvil (31338) and `ganache` (1338) networks, which
# have ids of their own (tools/brownie/network-config.yaml) so that their address books
# (deployments/<chain id>.json) never overwrite the local node's.
LOCAL_CHAIN_IDS = frozenset({31337, 1337, 31338, 1338})


def connect(rpc_url: str, *, expected_chain_id: int | None = None, timeout: float = 10.0) -> Web3:
    """Return a Web3 connected to `rpc_url`, after checking the node answers and its chain id.

    Raises RPCUnavailableError when nothing answers and ChainIdMismatchError when the node serves
    another chain than `expected_chain_id` (protects a deployment from going to the wrong network).
    """
    if not rpc_url.startswith(("http://", "https://")):
        raise InvalidInputError(f"RPC URL must start with http:// or https://, got {rpc_url!r}")
    # web3 asks eth_chainId before every transaction it builds (~5 of ~11 round trips per
    # transaction); an endpoint's chain id does not change, so it is cached per provider.
    provider = HTTPProvider(
        rpc_url,
        request_kwargs={"timeout": timeout},
        session=node_session(rpc_url),
        cache_allowed_requests=True,
        cacheable_requests={RPCEndpoint("eth_chainId"), RPCEndpoint("net_version")},
    )
    w3 = Web3(provider)
    chain_id = call_node(rpc_url, lambda: w3.eth.chain_id)
    if expected_chain_id is not None and chain_id != expected_chain_id:
        raise ChainIdMismatchError(
            f"{rpc_url} serves chain id {chain_id}, expected {expected_chain_id}"
        )
    return w3


def node_session(rpc_url: str) -> requests.Session:
    """An HTTP session for the node at `rpc_url`, with what the environment says of that URL
    (proxies and NO_PROXY, a CA bundle, .netrc credentials) read once, as requests would read it.
    By default requests reads them again on every request, scanning the whole process environment:
    about a fifth of a round trip to a local node."""
    session = requests.Session()
    settings = session.merge_environment_settings(rpc_url, {}, None, None, None)
    session.proxies.update(settings["proxies"])
    session.verify = settings["verify"]
    session.auth = requests.utils.get_netrc_auth(rpc_url)
    session.trust_env = False
    return session


def call_node(rpc_url: str, request: Any) -> Any:
    """Run one request against the node, turning transport failures into RPCUnavailableError."""
    try:
        return request()
    except (requests.ConnectionError, requests.Timeout, OSError) as exc:
        raise RPCUnavailableError(
            f"no Ethereum node answers at {rpc_url} ({type(exc).__name__}); "
            "is the chain running? (`hygeia node up` starts a local one)"
        ) from exc


def block_time(w3: Web3, block: BlockIdentifier = "latest") -> datetime:
    """The timestamp of `block` (the chain's own clock: what `block.timestamp` is to a contract)."""
    rpc = getattr(w3.provider, "endpoint_uri", None) or "the node"
    return from_unix(int(call_node(rpc, lambda: w3.eth.get_block(block))["timestamp"]))


# Blocks asked per JSON-RPC batch: one round trip for this many timestamps.
_BLOCKS_PER_BATCH = 500


def _batch(w3: Web3, requests_: list[tuple[RPCEndpoint, Any]]) -> Any:
    """The node's raw answers to `requests_`, in order: one JSON-RPC batch where the provider
    sends batches (HTTP, IPC, WebSocket), else one request at a time."""
    provider: Any = w3.provider
    try:
        return provider.make_batch_request(requests_)
    except (AttributeError, NotImplementedError):  # a provider that sends no batches
        return [provider.make_request(method, params) for method, params in requests_]


def block_times(w3: Web3, blocks: Iterable[int]) -> dict[int, datetime]:
    """The timestamps of `blocks`, each block asked once, in JSON-RPC batches (an accounting of
    20,000 accesses otherwise makes 20,000 round trips), read from the node's JSON as it is:
    web3's formatting of a block costs more than the block's round trip in a batch."""
    rpc = getattr(w3.provider, "endpoint_uri", None) or "the node"
    wanted = sorted(set(blocks))
    times: dict[int, datetime] = {}
    for start in range(0, len(wanted), _BLOCKS_PER_BATCH):
        chunk = wanted[start : start + _BLOCKS_PER_BATCH]
        asked = [(RPCEndpoint("eth_getBlockByNumber"), [hex(n), False]) for n in chunk]
        answers = call_node(rpc, lambda asked=asked: _batch(w3, asked))
        if not isinstance(answers, list) or len(answers) != len(chunk):
            error = answers.get("error") if isinstance(answers, dict) else "answers missing"
            raise ChainError(f"{rpc} refused a batch of block reads: {error}")
        for number, answer in zip(chunk, answers, strict=True):  # web3 orders them by id
            block = answer.get("result")
            if not block:
                raise ChainError(f"{rpc} has no block {number}: {answer.get('error')}")
            stamp = block["timestamp"]
            times[number] = from_unix(int(stamp, 16) if isinstance(stamp, str) else int(stamp))
    return times
