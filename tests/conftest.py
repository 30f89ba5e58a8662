"""Fixtures shared by the SDK, CLI and integration tests: a real Anvil chain per session.

The contract tests (tests/contracts) use brownie's own fixtures and chain instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from web3 import Web3

from hygeia.core import artifacts
from hygeia.core.chain import TxSender, connect, dev_signer
from hygeia.core.deployments import AddressBook
from hygeia.deploy import DeployResult, deploy_suite
from hygeia.dev.nodes import anvil, ipfs
from hygeia.dev.nodes.process import NodeProcess
from hygeia.suite import Suite
from tests.support import ROOT, free_port


@pytest.fixture(scope="session")
def anvil_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    state = tmp_path_factory.mktemp("anvil")
    node = anvil.start(state, port=free_port(), persist=False)
    yield node
    anvil.stop(state)


@pytest.fixture(scope="session")
def ipfs_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    """A real IPFS node: Kubo when `ipfs` is on PATH, else js-ipfs from npm."""
    state = tmp_path_factory.mktemp("ipfs")
    node = ipfs.start(state, port=free_port(), project_root=ROOT)
    yield node
    ipfs.stop(state)


@pytest.fixture(scope="session")
def w3(anvil_node: NodeProcess) -> Web3:
    return connect(anvil_node.url)


@pytest.fixture(scope="session")
def deployments_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("deployments")


@pytest.fixture(scope="session")
def deployed(w3: Web3, deployments_dir: Path) -> DeployResult:
    sender = TxSender(w3, dev_signer(w3, "admin"), artifacts.suite_decoder())
    regulator = dev_signer(w3, "regulator").address
    return deploy_suite(sender, regulators=(regulator,), address_book=AddressBook(deployments_dir))


@pytest.fixture
def suite_as(anvil_node: NodeProcess, deployed: DeployResult, deployments_dir: Path, w3: Web3):  # type: ignore[no-untyped-def]
    """suite_as("regulator") -> a Suite sending as that dev account."""

    def make(name: str) -> Suite:
        return Suite.connect(
            anvil_node.url, deployments=deployments_dir, signer=dev_signer(w3, name)
        )

    return make


@pytest.fixture
def chain_now(w3: Web3) -> int:
    return int(w3.eth.get_block("latest")["timestamp"])
