"""Fresh parties for the attack tests: a patient with a local key, gas, a record key, registered
on the chain; and raw web3 calls that bypass the SDK's own checks, as an attacker's script would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.exceptions import ContractLogicError

from hygeia.core import artifacts
from hygeia.core.chain.signers import KeySigner
from hygeia.core.errors import ContractRevertError
from hygeia.records import generate_private_key, public_key_bytes
from hygeia.records.sharing import ConsentManager
from hygeia.records.vault import RecordVault
from hygeia.suite import Suite
from tests.records.world import World

GAS_MONEY = Web3.to_wei(10, "ether")


@dataclass
class Patient:
    """A registered patient of its own: its account key, record key and SDK views."""

    world: World
    account: LocalAccount
    key: X25519PrivateKey

    @property
    def address(self) -> str:
        return str(self.account.address)

    @property
    def signer(self) -> KeySigner:
        return KeySigner(self.account)

    def suite(self) -> Suite:
        return Suite.connect(self.world.url, deployments=self.world.deployments, signer=self.signer)

    def vault(self) -> RecordVault:
        return RecordVault(self.suite(), self.world.store, self.key)

    def consents(self) -> ConsentManager:
        return ConsentManager(self.vault())


def fund(world: World, address: str) -> None:
    tx = world.w3.eth.send_transaction(
        {"from": world.address("admin"), "to": address, "value": GAS_MONEY}
    )
    world.w3.eth.wait_for_transaction_receipt(tx)


def new_account(world: World) -> LocalAccount:
    """A fresh local account with gas money and no role."""
    account: LocalAccount = Account.create()
    fund(world, account.address)
    return account


def new_patient(world: World) -> Patient:
    """A fresh account registered as a patient with its own X25519 record key."""
    patient = Patient(world, new_account(world), generate_private_key())
    patient.suite().participants.register_patient(public_key_bytes(patient.key))
    return patient


def raw_revert(
    world: World, sender: str, contract: Any, fn: str, *args: Any
) -> ContractRevertError:
    """Send `contract.fn(*args)` from `sender` with plain web3 (no SDK checks) and return the
    decoded custom error it reverts with; fails the test if it does not revert."""
    with pytest.raises(ContractLogicError) as caught:
        getattr(contract.functions, fn)(*args).transact({"from": sender})
    decoded = artifacts.suite_decoder().from_exception(caught.value)
    assert isinstance(decoded, ContractRevertError), decoded
    return decoded
