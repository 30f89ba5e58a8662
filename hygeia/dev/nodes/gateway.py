"""The demo's gateway in the background: `hygeia index` following the chain and `hygeia serve`
over that index, each with a pid and a log file beside the local nodes, so `make demo` leaves
them running and `hygeia node down` stops them (before the chain they read)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import httpx

from hygeia.dev.nodes import process
from hygeia.dev.nodes.process import NodeError, NodeProcess

INDEXER = "indexer"
GATEWAY = "gateway"
DEFAULT_PORT = 8080


def _hygeia(*args: str) -> list[str]:
    # The same interpreter and package as the caller, whatever PATH says.
    return [
        sys.executable,
        "-c",
        "import sys; from hygeia.cli.main import main; sys.exit(main())",
        *args,
    ]


def health_answers(url: str, http: httpx.Client) -> bool:
    """Whether a gateway answers its health check at `url`. One `http` client serves a whole
    wait: each new client loads the CA bundle (about 40 ms of CPU), once per poll otherwise."""
    try:
        return http.get(f"{url}/health").status_code == 200
    except httpx.HTTPError:
        return False


def indexed(url: str) -> bool:
    """Whether the index at `url` has caught up once (it has a cursor)."""
    from hygeia.core.errors import HygeiaError
    from hygeia.index.store import IndexStore

    try:
        store = IndexStore(url, retries=0)
    except HygeiaError:
        return False
    try:
        return store.cursor() is not None
    except HygeiaError:
        return False
    finally:
        store.close()


def start(
    state_dir: Path,
    *,
    rpc: str,
    deployments: Path,
    index: str,
    store: Sequence[str],
    port: int = DEFAULT_PORT,
    host: str = "127.0.0.1",
    extra: Sequence[str] = (),
) -> tuple[NodeProcess, NodeProcess]:
    """Start (or find) the indexer and the gateway; `store` are the store options of serve
    (e.g. ["--ipfs", url] or ["--store", "local:/path"])."""
    connection = ["--rpc", rpc, "--deployments", str(deployments), "--index", index]
    indexer = process.read(state_dir, INDEXER)
    if indexer is None:
        indexer = process.start(
            state_dir, INDEXER, _hygeia("index", *connection), index, lambda: indexed(index)
        )
    gateway = process.read(state_dir, GATEWAY)
    if gateway is None:
        url = f"http://{host}:{port}"
        with httpx.Client(timeout=1) as http:
            if health_answers(url, http):
                raise NodeError(
                    f"something already answers at {url}; stop it or choose another port"
                )
            command = _hygeia(
                "serve", *connection, *store, "--host", host, "--port", str(port), *extra
            )
            gateway = process.start(
                state_dir, GATEWAY, command, url, lambda: health_answers(url, http)
            )
    return indexer, gateway


def running(state_dir: Path) -> NodeProcess | None:
    return process.read(state_dir, GATEWAY)


def stop(state_dir: Path) -> bool:
    """Stop the gateway and its indexer; False when neither was running."""
    stopped = False
    for name in (GATEWAY, INDEXER):
        node = process.read(state_dir, name)
        if node is not None:
            process.stop(node, state_dir=state_dir)
            stopped = True
    return stopped
