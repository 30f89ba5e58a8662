"""Contract custom errors become Python exceptions with the error's name and decoded arguments."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak
from web3 import Web3

from hygeia.core import artifacts
from hygeia.core import contract_errors as errors
from hygeia.core.contract_types import Role
from hygeia.core.errors import ContractRevertError, HygeiaError
from hygeia.suite import Suite

Factory = Callable[[str], Suite]


def _selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def test_decoder_decodes_a_custom_error_with_named_checksummed_arguments() -> None:
    account = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"
    data = _selector("ParticipantRegistryCredentialExists(address,bytes32)") + encode(
        ["address", "bytes32"], [account, Role.PROVIDER.id]
    )
    exc = artifacts.suite_decoder().decode(data)
    assert isinstance(exc, errors.ParticipantRegistryCredentialExists)
    assert exc.error_args == {
        "account": Web3.to_checksum_address(account),
        "role": "0x" + Role.PROVIDER.id.hex(),
    }
    assert exc.contract == "ParticipantRegistry"


def test_decoder_decodes_error_string_and_panic() -> None:
    decoder = artifacts.suite_decoder()
    reason = decoder.decode(_selector("Error(string)") + encode(["string"], ["nope"]))
    panic = decoder.decode(_selector("Panic(uint256)") + encode(["uint256"], [0x11]))
    assert (
        reason is not None
        and reason.error_name == "Error"
        and reason.error_args == {"reason": "nope"}
    )
    assert (
        panic is not None and panic.error_name == "Panic" and panic.error_args == {"code": "0x11"}
    )


def test_decoder_returns_none_for_an_unknown_selector() -> None:
    assert artifacts.suite_decoder().decode(b"\xde\xad\xbe\xef") is None


def test_error_classes_are_one_per_name_and_derive_from_hygeia_error() -> None:
    assert errors.ParticipantRegistryZeroAddress is errors.ParticipantRegistryZeroAddress
    assert issubclass(errors.ParticipantRegistryZeroAddress, ContractRevertError)
    assert issubclass(errors.ParticipantRegistryZeroAddress, HygeiaError)


def test_a_reverting_transaction_raises_the_named_error_with_its_arguments(
    suite_as: Factory, w3: Web3
) -> None:
    stranger = suite_as("specialist")
    provider = stranger.participants.w3.eth.accounts[2]
    with pytest.raises(errors.AccessControlUnauthorizedAccount) as caught:
        stranger.participants.suspend_credential(provider, Role.PROVIDER)
    assert caught.value.error_args == {
        "account": w3.eth.accounts[9],
        "neededRole": "0x" + Role.REGULATOR.id.hex(),
    }


def test_a_reverted_send_does_not_consume_the_senders_nonce(suite_as: Factory, w3: Web3) -> None:
    guardian = suite_as("guardian")
    address = w3.eth.accounts[8]
    nonce = w3.eth.get_transaction_count(address)
    with pytest.raises(errors.ParticipantRegistryNotParticipant):
        guardian.participants.set_encryption_key("11" * 32)  # holds no role yet
    guardian.participants.register_patient("22" * 32)  # would wait forever on a nonce gap
    assert w3.eth.get_transaction_count(address) == nonce + 1
