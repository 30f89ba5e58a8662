"""Suite: the typed clients of a deployed suite, bound when first used."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from web3 import Web3

from hygeia.core.chain import dev_signer
from hygeia.core.errors import DeploymentNotFoundError
from hygeia.deploy import DeployResult
from hygeia.suite import Suite

CLIENTS = {"participants", "consent", "claims", "provenance"}


def test_each_client_is_made_once_on_first_use_at_its_deployed_address(
    w3: Web3, deployed: DeployResult
) -> None:
    suite = Suite(w3, deployed.deployment)
    assert not CLIENTS & vars(suite).keys()

    first = suite.consent
    assert suite.consent is first
    assert CLIENTS & vars(suite).keys() == {"consent"}
    book = deployed.deployment
    assert first.address == book.address_of("ConsentRegistry")
    assert suite.participants.address == book.address_of("ParticipantRegistry")
    assert suite.claims.address == book.address_of("ClaimsAdjudicator")
    assert suite.claims.reader.address == book.address_of("ClaimsAdjudicator")
    assert suite.provenance.address == book.address_of("DrugProvenance")


def test_a_deployment_lacking_a_contract_fails_when_the_suite_is_made(
    w3: Web3, deployed: DeployResult
) -> None:
    contracts = dict(deployed.deployment.contracts)
    del contracts["DrugProvenance"]
    partial = replace(deployed.deployment, contracts=contracts)
    with pytest.raises(DeploymentNotFoundError, match="has no DrugProvenance"):
        Suite(w3, partial)


def test_the_clients_of_a_suite_as_another_signer_send_as_that_signer(
    w3: Web3, suite_as: Callable[[str], Suite]
) -> None:
    regulator = suite_as("regulator")
    patient = regulator.as_signer(dev_signer(w3, "patient"))
    assert regulator.consent.sender is regulator.sender
    assert patient.consent.sender is patient.sender
    assert patient.sender is not None and regulator.sender is not None
    assert patient.sender.address == dev_signer(w3, "patient").address
    assert regulator.sender.address == dev_signer(w3, "regulator").address
