"""Fresh parties for the attack tests: a patient with a local key, gas, a record key, registered
on the chain; and raw web3 calls that bypass the SDK's own checks, as an attacker's script would."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.exceptions import ContractLogicError

from hygeia.consent.client import GrantRequest, data_class_id, new_record_salt, record_id_of
from hygeia.core import artifacts
from hygeia.core.chain.signers import KeySigner
from hygeia.core.contract_types import Action, Purpose
from hygeia.core.errors import ContractRevertError
from hygeia.records import generate_private_key, public_key_bytes
from hygeia.records.envelope import RecordRef, ciphertext_digest
from hygeia.records.manifests import address_bytes, cid_bytes
from hygeia.records.sharing import ConsentManager
from hygeia.records.vault import RecordVault
from hygeia.suite import Suite
from tests.records.world import World

GAS_MONEY = Web3.to_wei(10, "ether")
DAY = timedelta(days=1)


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


def permit(world: World, grantee: str, *targets: bytes, **fields: object) -> GrantRequest:
    """A 30-day permit to ACCESS for treatment from now; `fields` override any of it."""
    now = world.now()
    values: dict[str, object] = {
        "actions": Action.ACCESS,
        "purposes": Purpose.TREAT,
        "start": now,
        "end": now + 30 * DAY,
        "grantee": grantee,
        "targets": targets,
    }
    values.update(fields)
    return GrantRequest(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Planted:
    """A record a provider anchored for the victim around the SDK."""

    record_id: bytes
    cid: str
    ref: RecordRef


def plant(
    world: World,
    victim: Patient,
    make: Callable[[RecordRef], bytes],
    key_bundle_cid: Callable[[str], bytes] = cid_bytes,
) -> Planted:
    """As a provider holding the victim's COLLECT consent for a class of its own: store what
    `make` makes for the new record's version 1 and anchor it, with its true digest, its CID as
    the envelope's and `key_bundle_cid` of it as the key bundle's (by default that CID too, as
    the vault anchors format 2)."""
    provider = world.address("provider")
    klass = data_class_id(f"planted-{uuid.uuid4().hex[:8]}")
    victim.consents().grant(victim.address, permit(world, provider, klass, actions=Action.COLLECT))
    salt = new_record_salt()
    record_id = record_id_of(victim.address, provider, salt)
    ref = RecordRef(record_id, address_bytes(victim.address), 1)
    content = make(ref)
    cid = world.store.add(content)
    world.suite("provider").consent.anchor_record(
        victim.address,
        salt,
        [klass],
        cid_bytes(cid),
        ciphertext_digest(content),
        key_bundle_cid(cid),
    )
    return Planted(record_id, cid, ref)
