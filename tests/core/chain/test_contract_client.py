"""ContractClient's batched sends: calls of one contract as its OpenZeppelin multicall, several
to a transaction, each transaction's estimate asked in one JSON-RPC batch."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from web3 import Web3
from web3.types import Wei

from hygeia.core import artifacts
from hygeia.core import contract_errors as errors
from hygeia.core.chain import TxSender, dev_signer
from hygeia.core.chain.connection import block_time
from hygeia.core.chain.signers import KeySigner
from hygeia.core.contract_types import Role
from hygeia.core.errors import InvalidInputError
from hygeia.deploy import DeployResult
from hygeia.participants.client import ParticipantRegistryClient
from tests.chains import anvil_chain


def _selector(w3: Web3, tx_hash: str) -> bytes:
    return bytes(w3.eth.get_transaction(tx_hash)["input"])[:4]  # type: ignore[arg-type]


def test_calls_go_per_transaction_as_multicalls_and_a_lone_call_as_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with anvil_chain(tmp_path) as chain:
        w3 = chain.w3
        registry = ParticipantRegistryClient(
            w3, chain.deploy().deployment.address_of("ParticipantRegistry"), chain.sender("admin")
        )
        patients = [Account.create() for _ in range(5)]
        deadline = block_time(w3) + timedelta(hours=1)
        calls = [
            registry.register_patient_by_sig_call(KeySigner(p), bytes([i + 1]) * 32, deadline)
            for i, p in enumerate(patients)
        ]
        batches: list[int] = []
        ask = w3.provider.make_batch_request

        def counting(requests: Any) -> Any:
            batches.append(len(requests))
            return ask(requests)

        monkeypatch.setattr(w3.provider, "make_batch_request", counting)
        receipts = registry.transact_batched(calls, per_transaction=2)
        monkeypatch.undo()

        assert len(receipts) == 3
        multicall = Web3.keccak(text="multicall(bytes[])")[:4]
        single = Web3.keccak(text="registerPatientBySig(address,bytes32,uint256,bytes)")[:4]
        assert [_selector(w3, r.tx_hash) for r in receipts] == [multicall, multicall, single]
        assert batches == [3]  # the three estimates, asked together
        assert registry.are_active([p.address for p in patients], Role.PATIENT) == [True] * 5
        assert registry.encryption_key_of(patients[4].address) == bytes([5]) * 32


def test_a_batch_with_a_failing_call_is_refused_decoded_before_anything_is_sent(
    w3: Web3, deployed: DeployResult
) -> None:
    address = deployed.deployment.address_of("ParticipantRegistry")
    stranger_key = Account.create()
    w3.eth.wait_for_transaction_receipt(
        w3.eth.send_transaction(
            {"from": w3.eth.accounts[0], "to": stranger_key.address, "value": Wei(10**18)}
        )
    )
    stranger = TxSender(w3, KeySigner(stranger_key), artifacts.suite_decoder())
    registry = ParticipantRegistryClient(w3, address, stranger)
    calls = [registry.contract.functions.setEncryptionKey(bytes([i + 1]) * 32) for i in range(4)]

    with pytest.raises(errors.ParticipantRegistryNotParticipant):
        registry.transact_batched(calls, per_transaction=2)

    assert w3.eth.get_transaction_count(stranger.address) == 0


def test_a_multicall_refuses_a_call_of_another_contract(w3: Web3, deployed: DeployResult) -> None:
    registry = ParticipantRegistryClient(w3, deployed.deployment.address_of("ParticipantRegistry"))
    foreign = w3.eth.contract(
        address=deployed.deployment.address_of("ConsentRegistry"),
        abi=artifacts.abi("ParticipantRegistry"),
    ).functions.setEncryptionKey(bytes(32))

    with pytest.raises(InvalidInputError, match="runs only its own functions"):
        registry.multicall_call([foreign])


def test_batched_sends_need_at_least_one_call_per_transaction(
    w3: Web3, deployed: DeployResult
) -> None:
    registry = ParticipantRegistryClient(
        w3,
        deployed.deployment.address_of("ParticipantRegistry"),
        TxSender(w3, dev_signer(w3, "regulator"), artifacts.suite_decoder()),
    )

    with pytest.raises(InvalidInputError, match="at least 1"):
        registry.transact_batched([], per_transaction=0)
