"""The project's local nodes, found or started: what commands run against when given no URL.

`hygeia node up` starts them explicitly; a command without `--rpc` (or `--store ipfs`) calls
these to attach to the running node, or to start it in the same state folder when none runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from hygeia.dev.nodes import anvil, ipfs

DEFAULT_CHAIN_PORT = 8545
DEFAULT_IPFS_PORT = 5001


def state_dir() -> Path:
    return Path(os.environ.get("HYGEIA_STATE_DIR", ".hygeia/dev/nodes"))


def chain_port() -> int:
    return int(os.environ.get("HYGEIA_NODE_PORT", str(DEFAULT_CHAIN_PORT)))


def ipfs_port() -> int:
    return int(os.environ.get("HYGEIA_IPFS_PORT", str(DEFAULT_IPFS_PORT)))


def ensure_chain(say: Callable[[str], None]) -> str:
    """The local chain's URL: the recorded Anvil, any node answering on the port, or a new Anvil."""
    node = anvil.running(state_dir())
    if node is not None:
        return node.url
    url = f"http://127.0.0.1:{chain_port()}"
    if anvil.rpc_answers(url):
        return url
    say(f"no local chain at {url}: starting Anvil (state in {state_dir()}; `hygeia node down`)")
    return anvil.start(state_dir(), port=chain_port()).url


def ensure_ipfs(say: Callable[[str], None]) -> str:
    """The local IPFS node's API URL: the recorded node, or a new one."""
    node = ipfs.running(state_dir())
    if node is not None:
        return node.url
    url = f"http://127.0.0.1:{ipfs_port()}"
    if ipfs.api_answers(url):
        return url
    say(f"no local IPFS node at {url}: starting one (repo in {state_dir()})")
    return ipfs.start(state_dir(), port=ipfs_port()).url


def running_ipfs() -> str | None:
    """The recorded local IPFS node's URL, if it runs."""
    node = ipfs.running(state_dir())
    return None if node is None else node.url
