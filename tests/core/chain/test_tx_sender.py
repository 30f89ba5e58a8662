"""TxSender: nonces when two senders share one account (e.g. two backend workers), and fees
read once for a burst of transactions yet never left below a risen base fee."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.types import RPCEndpoint, Wei

from hygeia.core import artifacts
from hygeia.core import contract_errors as errors
from hygeia.core.chain import TxSender, dev_signer, transactions
from hygeia.core.chain.signers import KeySigner
from hygeia.core.errors import TransactionFailedError
from hygeia.deploy import DeployResult
from hygeia.participants.client import ParticipantRegistryClient
from tests.chains import Chain, anvil_chain


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


def _count_requests(w3: Web3, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count the JSON-RPC methods `w3` asks its node from now on."""
    counts: Counter[str] = Counter()
    ask = w3.manager.request_blocking

    def counting(method: str, params: Any, *args: Any, **kwargs: Any) -> Any:
        counts[str(method)] += 1
        return ask(method, params, *args, **kwargs)

    monkeypatch.setattr(w3.manager, "request_blocking", counting)
    return counts


def _local_patient(chain: Chain) -> tuple[LocalAccount, TxSender, ParticipantRegistryClient]:
    """A registered patient signing with a key of its own (funded by a dev account), on the
    chain's newly deployed suite."""
    address = chain.deploy().deployment.address_of("ParticipantRegistry")
    key: LocalAccount = Account.create()
    chain.w3.eth.wait_for_transaction_receipt(
        chain.w3.eth.send_transaction(
            {"from": chain.w3.eth.accounts[0], "to": key.address, "value": Wei(10**18)}
        )
    )
    sender = TxSender(chain.w3, KeySigner(key), artifacts.suite_decoder())
    registry = ParticipantRegistryClient(chain.w3, address, sender)
    registry.register_patient("aa" * 32)
    return key, sender, registry


def test_a_locally_signing_sender_reads_fees_once_for_a_burst_of_transactions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # However slowly a loaded host sends it, a burst here stays within the fees' lifetime.
    monkeypatch.setattr(transactions, "FEE_TTL_SECONDS", 3600.0)
    with anvil_chain(tmp_path) as chain:
        key, sender, registry = _local_patient(chain)
        sender = TxSender(chain.w3, KeySigner(key), artifacts.suite_decoder())
        counts = _count_requests(chain.w3, monkeypatch)
        hashes = [
            sender.send(registry.contract.functions.setEncryptionKey(bytes([i + 1]) * 32))
            for i in range(5)
        ]
        for tx_hash in hashes:
            sender.wait(tx_hash)
    assert counts["eth_maxPriorityFeePerGas"] == 1 and counts["eth_getBlockByNumber"] == 1
    assert counts["eth_sendRawTransaction"] == 5
    per_transaction = {"eth_estimateGas", "eth_sendRawTransaction", "eth_getTransactionReceipt"}
    once = {"eth_maxPriorityFeePerGas", "eth_getBlockByNumber", "eth_getTransactionCount"}
    # web3's validation asks the chain id per request; connect() has the provider answer it
    # from its cache, so it does not reach the node.
    once.add("eth_chainId")
    assert set(counts) <= per_transaction | once


def test_a_locally_signing_sender_reads_fees_again_once_they_are_older_than_their_lifetime(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transactions, "FEE_TTL_SECONDS", 0.0)  # every read is already stale
    with anvil_chain(tmp_path) as chain:
        key, _, registry = _local_patient(chain)
        sender = TxSender(chain.w3, KeySigner(key), artifacts.suite_decoder())
        counts = _count_requests(chain.w3, monkeypatch)
        for i in range(3):
            sender.wait(
                sender.send(registry.contract.functions.setEncryptionKey(bytes([i + 1]) * 32))
            )
    assert counts["eth_maxPriorityFeePerGas"] == 3 and counts["eth_getBlockByNumber"] == 3


def test_a_sender_whose_reused_fees_fall_below_a_risen_base_fee_reads_them_again(
    tmp_path: Path,
) -> None:
    with anvil_chain(tmp_path) as chain:
        sender = chain.sender("regulator")
        registry = ParticipantRegistryClient(
            chain.w3, chain.deploy().deployment.address_of("ParticipantRegistry"), sender
        )
        registry.set_encryption_key("11" * 32)  # fees read and kept
        risen = 50 * 10**9
        chain.w3.provider.make_request(RPCEndpoint("anvil_setNextBlockBaseFeePerGas"), [hex(risen)])

        receipt = registry.set_encryption_key("22" * 32)

        block = chain.w3.eth.get_block(receipt.block_number)
        assert block["baseFeePerGas"] == risen
        assert registry.encryption_key_of(sender.address) == bytes.fromhex("22" * 32)


def test_a_connection_with_its_own_gas_price_strategy_is_priced_by_it(tmp_path: Path) -> None:
    """brownie sets a gas price strategy on its web3: the sender then adds no fees of its own
    (web3 refuses a transaction with both a legacy price and EIP-1559 fees)."""
    with anvil_chain(tmp_path) as chain:
        address = chain.deploy().deployment.address_of("ParticipantRegistry")
        chain.w3.eth.set_gas_price_strategy(lambda w3, tx: Wei(7 * 10**9))
        sender = chain.sender("regulator")
        registry = ParticipantRegistryClient(chain.w3, address, sender)
        receipt = registry.set_encryption_key("44" * 32)
        sent = chain.w3.eth.get_transaction(receipt.tx_hash)  # type: ignore[arg-type]
    assert sent["gasPrice"] == 7 * 10**9 and sent["type"] == 0


def test_transact_all_sends_calls_back_to_back_with_one_estimate_and_returns_every_receipt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with anvil_chain(tmp_path) as chain:
        key, sender, registry = _local_patient(chain)
        keys = [bytes([i + 1]) * 32 for i in range(5)]
        counts = _count_requests(chain.w3, monkeypatch)
        receipts = sender.transact_all(
            [registry.contract.functions.setEncryptionKey(k) for k in keys]
        )
        monkeypatch.undo()
        assert registry.encryption_key_of(key.address) == keys[-1]  # mined in order
        assert len({r.tx_hash for r in receipts}) == 5 and all(r.gas_used for r in receipts)
        assert counts["eth_estimateGas"] == 1 and counts["eth_sendRawTransaction"] == 5


def test_transact_all_raises_a_revert_found_by_its_estimate_before_sending_anything(
    w3: Web3, deployed: DeployResult
) -> None:
    address = deployed.deployment.address_of("ParticipantRegistry")
    stranger = TxSender(w3, KeySigner(Account.create()), artifacts.suite_decoder())
    registry = ParticipantRegistryClient(w3, address, stranger)
    calls = [registry.contract.functions.setEncryptionKey(bytes([i + 1]) * 32) for i in range(3)]
    with pytest.raises(errors.ParticipantRegistryNotParticipant):
        stranger.transact_all(calls, estimate_each=True)
    assert w3.eth.get_transaction_count(stranger.address) == 0


def test_estimates_go_to_the_node_in_batches_small_enough_to_answer_in_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with anvil_chain(tmp_path) as chain:
        key, sender, registry = _local_patient(chain)
        keys = [bytes([i + 1]) * 32 for i in range(5)]
        batches: list[list[str]] = []
        ask = chain.w3.provider.make_batch_request

        def counting(requests: Any) -> Any:
            batches.append([str(method) for method, _ in requests])
            return ask(requests)

        monkeypatch.setattr(chain.w3.provider, "make_batch_request", counting)
        monkeypatch.setattr(transactions, "ESTIMATES_PER_BATCH", 2)
        receipts = sender.transact_all(
            [registry.contract.functions.setEncryptionKey(k) for k in keys], estimate_each=True
        )
        monkeypatch.undo()

        assert [len(batch) for batch in batches] == [2, 2, 1]
        assert {method for batch in batches for method in batch} == {"eth_estimateGas"}
        assert len(receipts) == 5 and registry.encryption_key_of(key.address) == keys[-1]


def _mine_later(w3: Web3, seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, lambda: w3.provider.make_request(RPCEndpoint("evm_mine"), []))
    timer.start()
    return timer


def _registry_of(w3: Web3, deployed: DeployResult, sender: TxSender) -> ParticipantRegistryClient:
    return ParticipantRegistryClient(
        w3, deployed.deployment.address_of("ParticipantRegistry"), sender
    )


def test_await_pending_returns_once_what_the_account_sent_is_mined(
    w3: Web3, deployed: DeployResult
) -> None:
    signer = dev_signer(w3, "regulator")
    sender = TxSender(w3, signer, artifacts.suite_decoder())
    registry = _registry_of(w3, deployed, sender)
    assert sender.await_pending() == 0
    w3.provider.make_request(RPCEndpoint("evm_setAutomine"), [False])
    try:
        sender.send(registry.contract.functions.setEncryptionKey(b"\x07" * 32))
        timer = _mine_later(w3, 0.3)
        assert sender.await_pending() == 1
        timer.join()
    finally:
        w3.provider.make_request(RPCEndpoint("evm_setAutomine"), [True])
    assert registry.encryption_key_of(signer.address) == b"\x07" * 32


def test_await_pending_gives_up_after_the_senders_timeout_naming_what_is_left(
    w3: Web3, deployed: DeployResult
) -> None:
    signer = dev_signer(w3, "regulator")
    sender = TxSender(w3, signer, artifacts.suite_decoder())
    impatient = TxSender(w3, signer, artifacts.suite_decoder(), timeout=0.2)
    w3.provider.make_request(RPCEndpoint("evm_setAutomine"), [False])
    try:
        sender.send(
            _registry_of(w3, deployed, sender).contract.functions.setEncryptionKey(b"\x08" * 32)
        )
        with pytest.raises(TransactionFailedError, match="1 transaction"):
            impatient.await_pending()
    finally:
        w3.provider.make_request(RPCEndpoint("evm_setAutomine"), [True])
        w3.provider.make_request(RPCEndpoint("evm_mine"), [])
