"""Fresh local nodes for one benchmark each, on free ports, removed afterwards, and raw JSON-RPC
batches for filling a chain fast."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from hygeia.dev.nodes import anvil, ipfs
from hygeia.dev.nodes.process import NodeProcess
from tests.support import ROOT, free_port


@contextmanager
def fresh_anvil(*, traces: bool = False) -> Iterator[NodeProcess]:
    """A new, empty Anvil chain; ``traces`` keeps the history ``debug_traceTransaction`` needs."""
    with tempfile.TemporaryDirectory(prefix="hygeia-bench-anvil-") as state:
        node = anvil.start(Path(state), port=free_port(), persist=False, traces=traces)
        try:
            yield node
        finally:
            anvil.stop(Path(state))


@contextmanager
def fresh_ipfs() -> Iterator[NodeProcess]:
    """A new offline IPFS node with an empty repo (Kubo when on PATH, else js-ipfs)."""
    with tempfile.TemporaryDirectory(prefix="hygeia-bench-ipfs-") as state:
        node = ipfs.start(Path(state), port=free_port(), project_root=ROOT)
        try:
            yield node
        finally:
            ipfs.stop(Path(state))


class RawBatches:
    """Sends JSON-RPC batches to the node at `url` as they are, on one HTTP session, to fill a
    chain faster than web3 would (a benchmark's set-up, not what it measures). The node takes a
    batch's requests in any order. A request it refuses raises RuntimeError."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._session = requests.Session()

    def __call__(self, calls: list[tuple[str, list[Any]]]) -> None:
        payload = [
            {"jsonrpc": "2.0", "id": n, "method": m, "params": p} for n, (m, p) in enumerate(calls)
        ]
        answers = self._session.post(self.url, json=payload, timeout=120).json()
        errors = [a["error"] for a in answers if "error" in a]
        if errors:
            raise RuntimeError(f"the node refused the bench's transactions: {errors[0]}")
