"""A chain of its own for the provenance SDK and CLI tests: Anvil, the deployed suite, and
credentials, GS1 company prefixes and party GLNs for the manufacturer, distributor and pharmacy,
and a credentialed distributor without a GLN (the shared session chain issues
credentials of its own, which would collide). tests/provenance/conftest.py registers these
fixtures; tests/provenance/test_cli.py imports them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from web3 import Web3

from hygeia.core import artifacts
from hygeia.core.chain import TxSender, block_time, dev_signer
from hygeia.core.contract_types import Role
from hygeia.core.store import LocalStore
from hygeia.deploy import DeployResult
from hygeia.participants.client import ParticipantRegistryClient
from hygeia.provenance import gs1
from hygeia.provenance.client import DrugProvenanceClient
from hygeia.provenance.workflow import ProvenanceFlow
from tests.chains import Chain, anvil_chain

TRADING_PARTNERS = {
    "manufacturer": Role.MANUFACTURER,
    "distributor": Role.DISTRIBUTOR,
    "pharmacy": Role.DISPENSER,
}
TEN_YEARS = timedelta(days=10 * 365)


@pytest.fixture(scope="module")
def provenance_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    with anvil_chain(tmp_path_factory.mktemp("provenance-chain")) as chain:
        yield chain


@pytest.fixture(scope="module")
def provenance_node(provenance_chain: Chain) -> str:
    return provenance_chain.url


@pytest.fixture(scope="module")
def provenance_w3(provenance_chain: Chain) -> Web3:
    return provenance_chain.w3


def sender(w3: Web3, name: str) -> TxSender:
    return TxSender(w3, dev_signer(w3, name), artifacts.suite_decoder())


@pytest.fixture(scope="module")
def provenance_book(provenance_chain: Chain) -> Path:
    return provenance_chain.deployments


COMPANY_PREFIX = "0614141"  # GS1's example prefix: the GTINs of these tests are under it
# Each trading partner's GS1 company prefix (GS1's example prefixes): every EPCIS event names
# its parties by GLN, so each binds its party GLN (location 1 under its prefix) on-chain.
PREFIXES = {"manufacturer": COMPANY_PREFIX, "distributor": "0614150", "pharmacy": "0614160"}
# A credentialed distributor that bound no GLN: the SDK refuses to name it in an EPCIS event.
UNBOUND_PARTNER = 9


def gln(prefix: str, location: int) -> int:
    """The GLN of `location` under company `prefix`, with its check digit."""
    return gs1.gln_under(prefix, location)


GLNS = {name: gln(prefix, 1) for name, prefix in PREFIXES.items()}


@pytest.fixture(scope="module")
def provenance_suite(provenance_chain: Chain) -> DeployResult:
    provenance_w3 = provenance_chain.w3
    result = provenance_chain.deploy()
    registry = ParticipantRegistryClient(
        provenance_w3,
        result.deployment.address_of("ParticipantRegistry"),
        sender(provenance_w3, "regulator"),
    )
    now = block_time(provenance_w3)
    for name, role in TRADING_PARTNERS.items():
        registry.issue_credential(
            dev_signer(provenance_w3, name).address,
            role,
            license_id=f"LIC-{name}",
            jurisdiction="US-NJ",
            valid_from=now - timedelta(minutes=1),
            valid_until=now + TEN_YEARS,
        )
    registry.issue_credential(
        dev_signer(provenance_w3, UNBOUND_PARTNER).address,
        Role.DISTRIBUTOR,
        license_id="LIC-unbound",
        jurisdiction="US-NJ",
        valid_from=now - timedelta(minutes=1),
        valid_until=now + TEN_YEARS,
    )
    provenance = result.deployment.address_of("DrugProvenance")
    regulator = DrugProvenanceClient(provenance_w3, provenance, sender(provenance_w3, "regulator"))
    for name, prefix in PREFIXES.items():
        regulator.license_company_prefix(prefix, dev_signer(provenance_w3, name).address)
        DrugProvenanceClient(provenance_w3, provenance, sender(provenance_w3, name)).register_gln(
            GLNS[name], len(prefix), party=True
        )
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
            clock=lambda: block_time(provenance_w3),
        )

    return make


@pytest.fixture(scope="module")
def address_of(provenance_w3: Web3) -> Callable[[str], str]:
    return lambda name: dev_signer(provenance_w3, name).address
