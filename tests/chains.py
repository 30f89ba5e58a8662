"""The one way tests get a chain: a throwaway Anvil on a free loopback port, stopped afterwards,
and, when a test wants it, the suite deployed on it from the packaged artifacts.

    with anvil_chain(tmp_path_factory.mktemp("x")) as chain:
        deployed = chain.deploy()
        chain.suite("patient").consent...

The session chain of tests/conftest.py, the chains of the capability packages that need one of
their own (records, provenance, claims, security), the gas measurements and the CLI tests all
start theirs here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from hygeia.core import artifacts
from hygeia.core.chain import TxSender, connect, dev_signer
from hygeia.core.deployments import AddressBook
from hygeia.deploy import DeployResult, deploy_suite
from hygeia.dev.nodes import anvil
from hygeia.suite import Suite
from tests.support import free_port

#: Anvil's chain id, a local one (hygeia.core.chain.LOCAL_CHAIN_IDS).
ANVIL_CHAIN_ID = 31337


@dataclass(frozen=True)
class Chain:
    """A running throwaway chain: its URL, a connection, and where its address book lives."""

    url: str
    w3: Web3
    deployments: Path

    def sender(self, name: str) -> TxSender:
        """A transaction sender as the dev account `name` (admin, regulator, patient, ...)."""
        return TxSender(self.w3, dev_signer(self.w3, name), artifacts.suite_decoder())

    def deploy(self, *, regulators: tuple[str, ...] = ("regulator",)) -> DeployResult:
        """Deploy the suite as admin, `regulators` (dev names) holding the REGULATOR role."""
        return deploy_suite(
            self.sender("admin"),
            regulators=tuple(dev_signer(self.w3, name).address for name in regulators),
            address_book=AddressBook(self.deployments),
        )

    def suite(self, name: str) -> Suite:
        """The deployed suite, sending as the dev account `name`."""
        signer = dev_signer(self.w3, name)
        return Suite.connect(self.url, deployments=self.deployments, signer=signer)


@contextmanager
def anvil_chain(
    state: Path, *, traces: bool = False, chain_id: int = ANVIL_CHAIN_ID
) -> Iterator[Chain]:
    """Start Anvil with its files in `state` (traces for the leak scans when asked); stop it on
    exit."""
    node_dir = state / "anvil"
    node = anvil.start(node_dir, port=free_port(), persist=False, traces=traces, chain_id=chain_id)
    try:
        yield Chain(node.url, connect(node.url), state / "deployments")
    finally:
        anvil.stop(node_dir)


def session_chain_fixtures(label: str) -> tuple[Any, ...]:
    """The session fixtures of a deployed chain, for a conftest to bind by name:

        suite_chain, w3, deployments_dir, deployed, suite_as = session_chain_fixtures("claims")

    `suite_chain` (the running Chain; brownie's own fixture is `chain`), `w3`, `deployments_dir`,
    `deployed` (the suite, with the dev regulator) and `suite_as(name)` (a Suite sending as that
    dev account). A package that binds them in its own conftest gets a chain of its own."""

    @pytest.fixture(scope="session")
    def suite_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
        with anvil_chain(tmp_path_factory.mktemp(f"{label}-chain")) as started:
            yield started

    @pytest.fixture(scope="session")
    def w3(suite_chain: Chain) -> Web3:
        return suite_chain.w3

    @pytest.fixture(scope="session")
    def deployments_dir(suite_chain: Chain) -> Path:
        return suite_chain.deployments

    @pytest.fixture(scope="session")
    def deployed(suite_chain: Chain) -> DeployResult:
        return suite_chain.deploy()

    @pytest.fixture
    def suite_as(suite_chain: Chain, deployed: DeployResult) -> Callable[[str], Suite]:
        """suite_as("regulator") -> a Suite sending as that dev account."""
        return suite_chain.suite

    return suite_chain, w3, deployments_dir, deployed, suite_as
