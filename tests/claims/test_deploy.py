"""deploy_suite and the claims contracts: the test stablecoin on local chains, an existing
stablecoin elsewhere (required there)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account import Account
from web3 import Web3

from hygeia.claims.client import ClaimsAdjudicatorClient
from hygeia.claims.token import PaymentTokenClient
from hygeia.core import artifacts
from hygeia.core.chain import KeySigner, TxSender, connect
from hygeia.core.deployments import AddressBook, Deployment
from hygeia.core.errors import DeploymentNotFoundError, InvalidInputError
from hygeia.deploy import DeployResult, deploy_suite
from hygeia.suite import attach
from tests.chains import anvil_chain

# Anvil's first dev key (public knowledge; used here on a throwaway chain with another chain id).
ANVIL_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
PUBLIC_CHAIN_ID = 4242


def test_a_local_deployment_pays_in_a_test_stablecoin_owned_by_the_deployer(
    deployed: DeployResult, reader: ClaimsAdjudicatorClient
) -> None:
    contracts = deployed.deployment.contracts
    assert list(contracts) == [
        "ParticipantRegistry", "ConsentRegistry", "DrugProvenance", "TestStablecoin",
        "ClaimsAdjudicator", "ClaimsEscrow", "ClaimsReader",
    ]  # fmt: skip
    token = PaymentTokenClient(reader.w3, contracts["TestStablecoin"].address)
    assert token.decimals() == 2
    assert token.contract.functions.owner().call() == deployed.deployment.deployer
    assert reader.token() == contracts["TestStablecoin"].address
    assert reader.consent_registry() == contracts["ConsentRegistry"].address


@pytest.fixture(scope="module")
def public_like_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with anvil_chain(tmp_path_factory.mktemp("chain-4242"), chain_id=PUBLIC_CHAIN_ID) as chain:
        yield chain.url


def test_off_local_chains_a_payment_token_is_required(public_like_chain: str) -> None:
    w3 = connect(public_like_chain)
    sender = TxSender(w3, KeySigner(Account.from_key(ANVIL_KEY_0)), artifacts.suite_decoder())
    with pytest.raises(InvalidInputError, match="give the claims escrow's payment token"):
        deploy_suite(sender)
    assert w3.eth.get_transaction_count(sender.address) == 0


def test_off_local_chains_the_given_token_is_used(public_like_chain: str, tmp_path: Path) -> None:
    w3 = connect(public_like_chain)
    sender = TxSender(w3, KeySigner(Account.from_key(ANVIL_KEY_0)), artifacts.suite_decoder())
    token = "0x" + "ab" * 20

    result = deploy_suite(sender, payment_token=token)

    assert "TestStablecoin" not in result.deployment.contracts
    claims = ClaimsAdjudicatorClient(w3, result.deployment.address_of("ClaimsAdjudicator"))
    assert claims.token().lower() == token


def test_the_adjudicators_escrow_and_reader_are_recorded_with_its_transaction(
    deployed: DeployResult, reader: ClaimsAdjudicatorClient
) -> None:
    contracts = deployed.deployment.contracts
    adjudicator = contracts["ClaimsAdjudicator"]
    assert adjudicator.created_by is None and adjudicator.gas_used > 0
    for name, getter in (("ClaimsEscrow", "escrow"), ("ClaimsReader", "reader")):
        companion = contracts[name]
        assert companion.address == reader.contract.functions[getter]().call()
        assert (companion.tx_hash, companion.block_number) == (
            adjudicator.tx_hash, adjudicator.block_number,
        )  # fmt: skip
        assert (companion.gas_used, companion.created_by) == (0, "ClaimsAdjudicator")
    assert [step.name for step in deployed.steps if "Claims" in step.name] == [
        "deploy ClaimsAdjudicator"
    ]


def test_an_address_book_from_before_the_escrow_asks_for_a_redeployment(
    deployed: DeployResult, tmp_path: Path, w3: Web3
) -> None:
    data = deployed.deployment.to_json()
    for name in ("ClaimsEscrow", "ClaimsReader"):
        del data["contracts"][name]
    for entry in data["contracts"].values():
        del entry["created_by"]
    book = AddressBook(tmp_path)
    book.save(Deployment.from_json(data))

    with pytest.raises(DeploymentNotFoundError, match="has no ClaimsEscrow; redeploy the suite"):
        attach(w3, book)
