from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from web3 import Web3

from hygeia.core.deployments import AddressBook, DeployedContract, Deployment
from hygeia.core.errors import DeploymentNotFoundError, InvalidInputError
from hygeia.deploy import DeployResult
from hygeia.suite import attach

SAMPLE = Deployment(
    chain_id=4242,
    genesis_hash="0x" + "ab" * 32,
    deployer="0x" + "11" * 20,
    deployed_at="2026-11-21T08:00:00+00:00",
    contracts={
        "ParticipantRegistry": DeployedContract("0x" + "22" * 20, "0x" + "33" * 32, 7, 1_278_664)
    },
)


def test_address_book_round_trips_a_deployment(tmp_path: Path) -> None:
    book = AddressBook(tmp_path / "deployments")
    path = book.save(SAMPLE)
    assert path == tmp_path / "deployments" / "4242.json"
    assert book.load(4242) == SAMPLE
    assert not list(path.parent.glob(".*")), "no temporary file is left behind"


def test_address_book_raises_deployment_not_found_for_an_unknown_chain(tmp_path: Path) -> None:
    with pytest.raises(DeploymentNotFoundError, match="no deployment recorded for chain 5"):
        AddressBook(tmp_path).load(5)


def test_address_book_raises_invalid_input_for_a_corrupt_file(tmp_path: Path) -> None:
    (tmp_path / "4242.json").write_text("{not json")
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        AddressBook(tmp_path).load(4242)


def test_address_of_names_the_missing_contract() -> None:
    with pytest.raises(DeploymentNotFoundError, match="has no ConsentRegistry"):
        SAMPLE.address_of("ConsentRegistry")


def test_attach_finds_the_deployment_of_the_connected_chain(
    w3: Web3, deployed: DeployResult, deployments_dir: Path
) -> None:
    assert attach(w3, AddressBook(deployments_dir)) == deployed.deployment


def test_attach_rejects_an_address_book_of_another_chain_with_the_same_id(
    w3: Web3, deployed: DeployResult, tmp_path: Path
) -> None:
    book = AddressBook(tmp_path)
    book.save(replace(deployed.deployment, genesis_hash="0x" + "00" * 32))
    with pytest.raises(DeploymentNotFoundError, match="belongs to another chain"):
        attach(w3, book)


def test_attach_rejects_an_address_without_contract_code(
    w3: Web3, deployed: DeployResult, tmp_path: Path
) -> None:
    empty = DeployedContract("0x" + "44" * 20, "0x" + "00" * 32, 1, 1)
    book = AddressBook(tmp_path)
    book.save(replace(deployed.deployment, contracts={"ParticipantRegistry": empty}))
    with pytest.raises(DeploymentNotFoundError, match="no contract code for ParticipantRegistry"):
        attach(w3, book)


def test_deploy_writes_the_address_book_it_returns(
    deployed: DeployResult, deployments_dir: Path
) -> None:
    data = json.loads((deployments_dir / "31337.json").read_text())
    assert Deployment.from_json(data) == deployed.deployment
