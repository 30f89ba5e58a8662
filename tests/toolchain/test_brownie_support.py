"""The contract tests' own patch of brownie: the receipt of a transaction Anvil has mined is asked
again when Anvil answers none (tests/brownie_support.py)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests import brownie_support
from tests.brownie_support import ReceiptOfAMinedTransaction

RECEIPT = {"transactionHash": "0xab", "blockNumber": "0x5", "status": "0x1"}


class Node:
    """Answers receipts as Anvil does in its race: none for the first `misses` asks."""

    def __init__(self, misses: int, block_number: str | None = "0x5") -> None:
        self.misses, self.block_number = misses, block_number
        self.asked: list[str] = []

    def __call__(self, method: str, params: Any) -> dict[str, Any]:
        self.asked.append(method)
        if method == "eth_getTransactionByHash":
            return {"result": {"hash": "0xab", "blockNumber": self.block_number}}
        if method == "eth_getTransactionReceipt":
            if self.misses > 0:
                self.misses -= 1
                return {"result": None}
            return {"result": RECEIPT}
        return {"result": "0x1"}


def middleware() -> Any:
    layer = ReceiptOfAMinedTransaction(None)
    layer.PAUSE = 0.0
    return layer


def test_the_receipt_of_a_mined_transaction_is_asked_again_until_it_comes() -> None:
    node = Node(misses=3)
    answer = middleware().wrap_make_request(node)("eth_getTransactionReceipt", ["0xab"])
    assert answer == {"result": RECEIPT}
    assert node.asked.count("eth_getTransactionReceipt") == 4


def test_a_pending_transaction_keeps_its_empty_answer_without_asking_again() -> None:
    node = Node(misses=3, block_number=None)
    answer = middleware().wrap_make_request(node)("eth_getTransactionReceipt", ["0xab"])
    assert answer == {"result": None}
    assert node.asked == ["eth_getTransactionReceipt", "eth_getTransactionByHash"]


def test_other_requests_and_receipts_that_come_pass_as_they_are() -> None:
    node = Node(misses=0)
    ask = middleware().wrap_make_request(node)
    assert ask("eth_getTransactionReceipt", ["0xab"]) == {"result": RECEIPT}
    assert ask("eth_blockNumber", []) == {"result": "0x1"}
    assert node.asked == ["eth_getTransactionReceipt", "eth_blockNumber"]


def test_brownies_web3_carries_it() -> None:
    from brownie import web3

    assert web3.is_connected()  # brownie's connect keeps it: it removes only its own
    assert (ReceiptOfAMinedTransaction, "receipt of a mined transaction") in (
        web3.middleware_onion.middleware
    )


class Receipt:
    """What brownie's confirmation touches of a receipt: the event its waiter waits on."""

    def __init__(self) -> None:
        self._confirmed = threading.Event()


def test_a_confirmation_whose_request_fails_is_tried_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tries: list[int] = []

    def flaky(receipt: Receipt, *args: Any, **kwargs: Any) -> None:
        tries.append(1)
        if len(tries) < 3:
            raise ConnectionError("the node reset the connection")
        receipt._confirmed.set()

    monkeypatch.setattr(brownie_support, "_await_confirmation", flaky)
    receipt = Receipt()
    brownie_support._confirm_past_a_failed_request(receipt)
    assert len(tries) == 3 and receipt._confirmed.is_set()


def test_a_confirmation_that_keeps_failing_releases_its_waiter_and_raises(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(receipt: Receipt, *args: Any, **kwargs: Any) -> None:
        raise ConnectionError("the node is gone")

    monkeypatch.setattr(brownie_support, "_await_confirmation", broken)
    receipt = Receipt()
    with pytest.raises(ConnectionError):
        brownie_support._confirm_past_a_failed_request(receipt)
    assert receipt._confirmed.is_set()  # the test waiting on it goes on instead of hanging
