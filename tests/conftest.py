"""Fixtures shared by the SDK, CLI and integration tests: a real Anvil chain per session.

The contract tests (tests/contracts) use brownie's own fixtures and chain instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from web3 import Web3

from hygeia.core.chain import block_time
from hygeia.dev.nodes import ipfs
from hygeia.dev.nodes.process import NodeProcess
from tests import brownie_support  # noqa: F401  its patches of brownie's plugin, before it starts
from tests.chains import session_chain_fixtures
from tests.support import ROOT, free_port

# The session chain the SDK and CLI tests share (packages that need a chain of their own bind
# these names again in their conftest).
suite_chain, w3, deployments_dir, deployed, suite_as = session_chain_fixtures("session")


@pytest.fixture(scope="session")
def ipfs_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    """A real IPFS node: Kubo when `ipfs` is on PATH, else js-ipfs from npm."""
    state = tmp_path_factory.mktemp("ipfs")
    node = ipfs.start(state, port=free_port(), project_root=ROOT)
    yield node
    ipfs.stop(state)


@pytest.fixture
def chain_now(w3: Web3) -> datetime:
    return block_time(w3)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow checks first (a fresh clone's whole set-up, Ganache): `make test`'s workers then
    run them beside the rest of the suite rather than after it. A stable sort: every module keeps
    its tests' order."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
