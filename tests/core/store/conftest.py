"""Store fixtures: both backends over the session's real IPFS node (tests/conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hygeia.core.store import ContentStore, KuboStore, LocalStore
from hygeia.core.store.unixfs import file_cid
from hygeia.dev.nodes.process import NodeProcess

# Seconds the node may look for a CID: short, because a missing CID costs this on js-ipfs.
NODE_LOOKUP_TIMEOUT = 1.0


@pytest.fixture
def kubo_store(ipfs_node: NodeProcess) -> Iterator[KuboStore]:
    store = KuboStore(ipfs_node.url, timeout=NODE_LOOKUP_TIMEOUT)
    yield store
    store.close()


@pytest.fixture
def local_store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "store")


@pytest.fixture(params=["local", "kubo"])
def store(request: pytest.FixtureRequest) -> ContentStore:
    """The same contract runs against both backends."""
    backend: ContentStore = request.getfixturevalue(f"{request.param}_store")
    return backend


@pytest.fixture
def missing_cid() -> str:
    """The CID of content no store has seen."""
    return str(file_cid(os.urandom(64)))
