"""A local Anvil chain whose state survives a restart (Anvil's --state dump/load)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import requests

from hygeia.dev.nodes import process
from hygeia.dev.nodes.process import NodeError, NodeProcess

NAME = "anvil"


def find_anvil() -> str:
    """$HYGEIA_ANVIL, ./node_modules/.bin/anvil (the project's npm copy), or anvil on PATH."""
    for candidate in (
        os.environ.get("HYGEIA_ANVIL"),
        "node_modules/.bin/anvil",
        shutil.which("anvil"),
    ):
        if candidate and Path(candidate).is_file():
            return str(Path(candidate).resolve())
    raise NodeError("anvil not found: run `make setup` (npm @foundry-rs/anvil) or set HYGEIA_ANVIL")


def rpc_answers(url: str) -> bool:
    try:
        reply = requests.post(
            url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}, timeout=1
        )
        return reply.ok and "result" in reply.json()
    except (requests.RequestException, ValueError):
        return False


def start(
    state_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8545,
    persist: bool = True,
    chain_id: int = 31337,
    accounts: int = 10,
    traces: bool = False,
) -> NodeProcess:
    """Start Anvil on a loopback port. With `persist`, chain state is loaded from and saved to
    `state_dir/anvil-state.json` (on stop and every 30 s), so a restart keeps deployments and data.

    `--prune-history` keeps Anvil from writing ~225 KB per block under ~/.foundry
    (docs/troubleshooting.md).
    It also drops the state that `debug_traceTransaction` replays, so `traces` turns it off (for
    short-lived chains that must be audited transaction by transaction).
    """
    url = f"http://{host}:{port}"
    if rpc_answers(url):
        raise NodeError(f"something already answers at {url}; stop it or choose another port")
    command = [
        find_anvil(), "--host", host, "--port", str(port), "--chain-id", str(chain_id),
        "--accounts", str(accounts), "--hardfork", "shanghai",
    ]  # fmt: skip
    if not traces:
        command.append("--prune-history")
    if persist:
        command += ["--state", str(state_dir / "anvil-state.json"), "--state-interval", "30"]
    return process.start(state_dir, NAME, command, url, lambda: rpc_answers(url))


def running(state_dir: Path) -> NodeProcess | None:
    return process.read(state_dir, NAME)


def stop(state_dir: Path) -> bool:
    """Stop the recorded Anvil; False when none was running."""
    node = running(state_dir)
    if node is None:
        return False
    process.stop(node, state_dir=state_dir)
    return True
