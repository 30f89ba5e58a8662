"""What every contract client shares: a web3 contract bound to an address and a sender."""

from __future__ import annotations

from typing import Any

from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError

from hygeia.core import artifacts
from hygeia.core.chain.connection import call_node
from hygeia.core.chain.transactions import Receipt, TxSender
from hygeia.core.errors import ContractRevertError, TransactionFailedError


class ContractClient:
    """Base of the typed clients. `sender` may be None for a read-only client."""

    contract_name: str = ""

    def __init__(self, w3: Web3, address: str, sender: TxSender | None = None) -> None:
        self.w3 = w3
        self.address = Web3.to_checksum_address(address)
        self.contract: Contract = w3.eth.contract(
            address=self.address, abi=artifacts.abi(self.contract_name)
        )
        self.sender = sender
        self._rpc = getattr(w3.provider, "endpoint_uri", None) or "the node"

    def with_sender(self, sender: TxSender) -> ContractClient:
        """The same contract, sending as another signer."""
        return type(self)(self.w3, self.address, sender)

    def _transact(self, fn: ContractFunction) -> Receipt:
        if self.sender is None:
            raise TransactionFailedError(
                f"{self.contract_name} client is read-only: give it a TxSender to send transactions"
            )
        return self.sender.transact(fn)

    def _call(self, fn: ContractFunction) -> Any:
        """A view call; reverts are decoded like transactions'."""
        try:
            return call_node(self._rpc, fn.call)
        except ContractLogicError as exc:
            decoded: ContractRevertError | TransactionFailedError
            decoded = artifacts.suite_decoder().from_exception(exc)
            raise decoded from None
