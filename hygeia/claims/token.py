"""Typed client for the claims escrow's payment token: any ERC-20, plus minting on the
TestStablecoin of local chains. Amounts are cents (the token has 2 decimals)."""

from __future__ import annotations

from web3 import Web3

from hygeia.core.chain.contract import ContractClient
from hygeia.core.chain.transactions import Receipt


class PaymentTokenClient(ContractClient):
    # The TestStablecoin ABI holds the ERC-20 functions, so it serves any ERC-20 token.
    contract_name = "TestStablecoin"

    def balance_of(self, account: str) -> int:
        return int(self._call(self.contract.functions.balanceOf(Web3.to_checksum_address(account))))

    def allowance(self, owner: str, spender: str) -> int:
        fn = self.contract.functions.allowance(
            Web3.to_checksum_address(owner), Web3.to_checksum_address(spender)
        )
        return int(self._call(fn))

    def decimals(self) -> int:
        return int(self._call(self.contract.functions.decimals()))

    def approve(self, spender: str, amount: int) -> Receipt:
        return self._transact(
            self.contract.functions.approve(Web3.to_checksum_address(spender), amount)
        )

    def mint(self, to: str, amount: int) -> Receipt:
        """TestStablecoin only: create `amount` cents for `to` (the sender must own the token)."""
        return self._transact(self.contract.functions.mint(Web3.to_checksum_address(to), amount))
