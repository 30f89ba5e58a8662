"""A chain of its own for the provenance SDK and CLI tests: Anvil, the deployed suite, and
credentials for the manufacturer, distributor and pharmacy (the shared session chain issues
credentials of its own, which would collide). tests/provenance_sdk/conftest.py registers these
fixtures; tests/cli/test_drug_cli.py imports them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from web3 import Web3

from hygeia.core import artifacts
from hygeia.core.chain import TxSender, connect, dev_signer
from hygeia.core.contract_types import Role
from hygeia.core.deployments import AddressBook
from hygeia.core.store import LocalStore
from hygeia.deploy import DeployResult, deploy_suite
from hygeia.dev.nodes import anvil
from hygeia.participants.client import ParticipantRegistryClient
from hygeia.provenance.client import DrugProvenanceClient
from hygeia.provenance.workflow import ProvenanceFlow
from tests.support import free_port

TRADING_PARTNERS = {
    "manufacturer": Role.MANUFACTURER,
    "distributor": Role.DISTRIBUTOR,
    "pharmacy": Role.DISPENSER,
}
TEN_YEARS = 10 * 365 * 86_400


@pytest.fixture(scope="module")
def provenance_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    state = tmp_path_factory.mktemp("drug-anvil")
    node = anvil.start(state, port=free_port(), persist=False)
    yield node.url
    anvil.stop(state)


@pytest.fixture(scope="module")
def provenance_w3(provenance_node: str) -> Web3:
    return connect(provenance_node)


def sender(w3: Web3, name: str) -> TxSender:
    return TxSender(w3, dev_signer(w3, name), artifacts.suite_decoder())


@pytest.fixture(scope="module")
def provenance_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("drug-deployments")


COMPANY_PREFIX = "0614141"  # GS1's example prefix: the GTINs of these tests are under it


@pytest.fixture(scope="module")
def provenance_suite(provenance_w3: Web3, provenance_book: Path) -> DeployResult:
    regulator = dev_signer(provenance_w3, "regulator").address
    result = deploy_suite(
        sender(provenance_w3, "admin"),
        regulators=(regulator,),
        address_book=AddressBook(provenance_book),
    )
    registry = ParticipantRegistryClient(
        provenance_w3,
        result.deployment.address_of("ParticipantRegistry"),
        sender(provenance_w3, "regulator"),
    )
    now = int(provenance_w3.eth.get_block("latest")["timestamp"])
    for name, role in TRADING_PARTNERS.items():
        registry.issue_credential(
            dev_signer(provenance_w3, name).address,
            role,
            license_id=f"LIC-{name}",
            jurisdiction="US-NJ",
            valid_from=now - 60,
            valid_until=now + TEN_YEARS,
        )
    DrugProvenanceClient(
        provenance_w3,
        result.deployment.address_of("DrugProvenance"),
        sender(provenance_w3, "regulator"),
    ).license_company_prefix(COMPANY_PREFIX, dev_signer(provenance_w3, "manufacturer").address)
    return result


@pytest.fixture(scope="module")
def drug_store(tmp_path_factory: pytest.TempPathFactory) -> LocalStore:
    return LocalStore(tmp_path_factory.mktemp("drug-store"))


@pytest.fixture(scope="module")
def flow_as(
    provenance_w3: Web3, provenance_suite: DeployResult, drug_store: LocalStore
) -> Callable[[str], ProvenanceFlow]:
    """flow_as("pharmacy") -> the provenance workflows signed by that dev account."""
    address = provenance_suite.deployment.address_of("DrugProvenance")

    def make(name: str) -> ProvenanceFlow:
        client = DrugProvenanceClient(provenance_w3, address, sender(provenance_w3, name))
        return ProvenanceFlow(
            client,
            drug_store,
            chain_id=provenance_w3.eth.chain_id,
            clock=lambda: int(provenance_w3.eth.get_block("latest")["timestamp"]),
        )

    return make


@pytest.fixture(scope="module")
def address_of(provenance_w3: Web3) -> Callable[[str], str]:
    return lambda name: dev_signer(provenance_w3, name).address
