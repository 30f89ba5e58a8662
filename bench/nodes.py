"""Fresh local nodes for one benchmark each, on free ports, removed afterwards."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
