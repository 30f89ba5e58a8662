"""TxSender nonce handling when two senders share one account (e.g. two backend workers)."""

from __future__ import annotations

from web3 import Web3

from hygeia.core import artifacts
from hygeia.core.chain import TxSender, dev_signer
from hygeia.deploy import DeployResult
from hygeia.participants.client import ParticipantRegistryClient


def test_a_sender_recovers_when_another_sender_used_its_next_nonce(
    w3: Web3, deployed: DeployResult
) -> None:
    address = deployed.deployment.address_of("ParticipantRegistry")
    signer = dev_signer(w3, "regulator")
    first, second = (
        ParticipantRegistryClient(w3, address, TxSender(w3, signer, artifacts.suite_decoder()))
        for _ in range(2)
    )
    first.set_encryption_key("11" * 32)
    second.set_encryption_key("22" * 32)  # the first sender's cached nonce is now stale

    first.set_encryption_key("33" * 32)

    assert first.encryption_key_of(signer.address) == bytes.fromhex("33" * 32)
