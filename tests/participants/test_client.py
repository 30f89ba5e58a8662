"""The typed ParticipantRegistry client: argument validation and round trips through the chain.

The contract's own behaviour is covered exhaustively in tests/contracts; these tests check the
SDK's encoding (roles, jurisdictions, license hashes, keys) and decoding of results.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from eth_abi.abi import encode
from eth_account import Account
from eth_utils.crypto import keccak
from web3 import Web3

from hygeia.core.contract_types import CredentialStatus, Role
from hygeia.core.errors import AccountError, InvalidInputError, TransactionFailedError
from hygeia.participants.client import encode_jurisdiction, license_hash, parse_x25519_key
from hygeia.suite import Suite

MINUTE, DAY = timedelta(minutes=1), timedelta(days=1)

Factory = Callable[[str], Suite]


def test_role_ids_match_the_contract_constants(suite_as: Factory) -> None:
    contract = suite_as("admin").participants.contract
    for role in Role:
        getter = "DEFAULT_ADMIN_ROLE" if role is Role.ADMIN else f"{role.name}_ROLE"
        assert getattr(contract.functions, getter)().call() == role.id


def test_role_parse_accepts_pharmacy_for_dispenser_and_rejects_unknown_names() -> None:
    assert Role.parse("pharmacy") is Role.DISPENSER
    assert Role.parse("Provider") is Role.PROVIDER
    with pytest.raises(ValueError, match="unknown role 'nurse'"):
        Role.parse("nurse")


def test_license_hash_is_keccak_of_the_abi_encoded_jurisdiction_and_id() -> None:
    expected = keccak(encode(["string", "string"], ["US-NY", "1234567893"]))
    assert license_hash("us-ny", " 1234567893 ") == expected


@pytest.mark.parametrize("code", ["", "U", "USA-NEWYORK", "US NY", "ÜS", "US-"])
def test_encode_jurisdiction_rejects_codes_that_are_not_iso_3166(code: str) -> None:
    with pytest.raises(InvalidInputError):
        encode_jurisdiction(code)


def test_encode_jurisdiction_pads_to_eight_bytes() -> None:
    assert encode_jurisdiction("us-ny") == b"US-NY\0\0\0"


@pytest.mark.parametrize("key", ["00" * 32, "11" * 31, "zz" * 32, b"\x01" * 33])
def test_parse_x25519_key_rejects_zero_short_long_and_non_hex_keys(key: str | bytes) -> None:
    with pytest.raises(InvalidInputError):
        parse_x25519_key(key)


def test_invalid_input_is_rejected_before_anything_is_sent(suite_as: Factory, w3: Web3) -> None:
    regulator = suite_as("regulator")
    nonce = w3.eth.get_transaction_count(w3.eth.accounts[1])
    with pytest.raises(InvalidInputError, match="not an Ethereum address"):
        regulator.participants.suspend_credential("0x1234", Role.PROVIDER)
    with pytest.raises(InvalidInputError, match="takes no credential"):
        regulator.participants.suspend_credential(w3.eth.accounts[2], Role.PATIENT)
    assert w3.eth.get_transaction_count(w3.eth.accounts[1]) == nonce


def test_credential_round_trip_through_the_chain(
    suite_as: Factory, w3: Web3, chain_now: datetime
) -> None:
    regulator = suite_as("regulator").participants
    distributor = w3.eth.accounts[5]
    receipt = regulator.issue_credential(
        distributor,
        Role.DISTRIBUTOR,
        license_id="WDD-0042",
        jurisdiction="US-NJ",
        valid_from=chain_now - MINUTE,
        valid_until=chain_now + DAY,
    )
    assert receipt.gas_used > 21_000 and receipt.tx_hash.startswith("0x")
    credential = regulator.credential_of(distributor, Role.DISTRIBUTOR)
    assert credential.status is CredentialStatus.ACTIVE
    assert credential.jurisdiction == "US-NJ"
    assert credential.license_hash == "0x" + license_hash("US-NJ", "WDD-0042").hex()
    assert (credential.valid_from, credential.valid_until) == (chain_now - MINUTE, chain_now + DAY)
    assert regulator.is_active(distributor, Role.DISTRIBUTOR)
    assert Role.DISTRIBUTOR in regulator.roles_of(distributor)
    regulator.suspend_credential(distributor, Role.DISTRIBUTOR)
    assert not regulator.is_active(distributor, Role.DISTRIBUTOR)
    assert (
        regulator.credential_of(distributor, Role.DISTRIBUTOR).status is CredentialStatus.SUSPENDED
    )


def test_ensure_credential_issues_once_and_never_overrides_a_regulators_suspension(
    suite_as: Factory, w3: Web3, chain_now: datetime
) -> None:
    regulator = suite_as("regulator").participants
    wholesaler = w3.eth.accounts[6]
    terms = dict(
        license_id="WDD-0077",
        jurisdiction="US-PA",
        valid_from=chain_now - MINUTE,
        valid_until=chain_now + DAY,
    )
    first = regulator.ensure_credential(wholesaler, Role.DISTRIBUTOR, **terms)  # type: ignore[arg-type]
    assert first is not None and regulator.is_active(wholesaler, Role.DISTRIBUTOR)
    nonce = w3.eth.get_transaction_count(w3.eth.accounts[1])
    assert regulator.ensure_credential(wholesaler, Role.DISTRIBUTOR, **terms) is None  # type: ignore[arg-type]
    regulator.suspend_credential(wholesaler, Role.DISTRIBUTOR)
    with pytest.raises(AccountError, match="suspended distributor credential"):
        regulator.ensure_credential(wholesaler, Role.DISTRIBUTOR, **terms)  # type: ignore[arg-type]
    assert w3.eth.get_transaction_count(w3.eth.accounts[1]) == nonce + 1  # only the suspension
    assert not regulator.is_active(wholesaler, Role.DISTRIBUTOR)


def test_ensure_credentials_issues_the_missing_ones_in_one_transaction(
    suite_as: Factory, w3: Web3, chain_now: datetime
) -> None:
    regulator = suite_as("regulator").participants
    clinics = [Account.create().address for _ in range(3)]
    terms = dict(jurisdiction="US-NY", valid_from=chain_now - MINUTE, valid_until=chain_now + DAY)
    regulator.ensure_credential(clinics[0], Role.PROVIDER, license_id="NPI-0", **terms)  # type: ignore[arg-type]

    receipts = regulator.ensure_credentials(
        [(clinic, f"NPI-{n}") for n, clinic in enumerate(clinics)],
        Role.PROVIDER,
        **terms,  # type: ignore[arg-type]
    )

    assert len(receipts) == 1  # the two missing ones, in one multicall
    assert regulator.are_active(clinics, Role.PROVIDER) == [True, True, True]
    issued = regulator.credential_of(clinics[2], Role.PROVIDER)
    assert issued.license_hash == "0x" + license_hash("US-NY", "NPI-2").hex()


def test_active_roles_answers_in_one_call_for_the_roles_asked(
    suite_as: Factory, w3: Web3, chain_now: datetime
) -> None:
    regulator = suite_as("regulator").participants
    wholesaler = Account.create().address
    terms = dict(jurisdiction="US-PA", valid_from=chain_now - MINUTE, valid_until=chain_now + DAY)
    regulator.ensure_credential(wholesaler, Role.DISTRIBUTOR, license_id="WDD-1", **terms)  # type: ignore[arg-type]
    regulator.ensure_credential(wholesaler, Role.DISPENSER, license_id="RX-1", **terms)  # type: ignore[arg-type]
    regulator.suspend_credential(wholesaler, Role.DISPENSER)

    assert regulator.active_roles(wholesaler) == [Role.DISTRIBUTOR]
    assert regulator.active_roles(wholesaler, [Role.DISPENSER, Role.PROVIDER]) == []
    assert regulator.active_roles(w3.eth.accounts[1]) == [Role.REGULATOR]
    assert regulator.active_roles(Account.create().address) == []


def test_ensure_credentials_refuses_a_suspended_one_before_issuing_any(
    suite_as: Factory, w3: Web3, chain_now: datetime
) -> None:
    regulator = suite_as("regulator").participants
    suspended, fresh = Account.create().address, Account.create().address
    terms = dict(jurisdiction="US-NY", valid_from=chain_now - MINUTE, valid_until=chain_now + DAY)
    regulator.ensure_credential(suspended, Role.DISPENSER, license_id="RX-1", **terms)  # type: ignore[arg-type]
    regulator.suspend_credential(suspended, Role.DISPENSER)
    nonce = w3.eth.get_transaction_count(w3.eth.accounts[1])

    with pytest.raises(AccountError, match="suspended dispenser credential"):
        regulator.ensure_credentials(
            [(fresh, "RX-2"), (suspended, "RX-1")],
            Role.DISPENSER,
            **terms,  # type: ignore[arg-type]
        )

    assert w3.eth.get_transaction_count(w3.eth.accounts[1]) == nonce
    assert not regulator.is_active(fresh, Role.DISPENSER)


def test_patient_registration_publishes_the_encryption_key(suite_as: Factory, w3: Web3) -> None:
    patient = suite_as("patient").participants
    key = bytes(range(1, 33))
    patient.register_patient(key)
    assert patient.encryption_key_of(w3.eth.accounts[7]) == key
    assert patient.roles_of(w3.eth.accounts[7]) == [Role.PATIENT]
    assert patient.is_active(w3.eth.accounts[7], Role.PATIENT)
    assert patient.encryption_key_of(w3.eth.accounts[6]) is None


def test_a_read_only_client_refuses_to_send(
    deployed: object, suite_chain: object, deployments_dir: object
) -> None:
    suite = Suite.connect(suite_chain.url, deployments=deployments_dir)  # type: ignore[attr-defined,arg-type]
    with pytest.raises(TransactionFailedError, match="read-only"):
        suite.participants.set_encryption_key("11" * 32)
