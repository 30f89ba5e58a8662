"""Typed client for ClaimsEscrow: the insurers' escrows, the providers' credit and what providers
owe insurers after reversals. Amounts are cents (the payment token has 2 decimals).

The escrow holds the tokens, so an insurer approves the escrow (not the adjudicator) before
funding it; `ensure_allowance` does that when the allowance is short. Its adjudicator alone pays
and recoups; `ClaimsAdjudicatorClient.escrow` finds it from the adjudicator's address.
"""

from __future__ import annotations

from hygeia.claims.token import PaymentTokenClient
from hygeia.core.chain.contract import ContractClient
from hygeia.core.chain.transactions import Receipt
from hygeia.core.errors import TransactionFailedError
from hygeia.core.values import checksum_address


class ClaimsEscrowClient(ContractClient):
    contract_name = "ClaimsEscrow"

    # ------------------------------------------------------------ insurers
    def ensure_allowance(self, amount: int) -> Receipt | None:
        """Approve the escrow for `amount` of the sender's tokens unless its allowance already
        covers it; returns the approval's receipt, or None when none was needed."""
        if self.sender is None:
            raise TransactionFailedError(
                "ClaimsEscrow client is read-only: give it a TxSender to send transactions"
            )
        token = PaymentTokenClient(self.w3, self.token(), self.sender)
        if token.allowance(self.sender.address, self.address) >= amount:
            return None
        return token.approve(self.address, amount)

    def fund_escrow(self, amount: int) -> Receipt:
        """Move `amount` of the sender's tokens into its escrow (the allowance must cover it)."""
        return self._transact(self.contract.functions.fundEscrow(amount))

    def withdraw_escrow(self, amount: int) -> Receipt:
        return self._transact(self.contract.functions.withdrawEscrow(amount))

    # ------------------------------------------------------------ providers
    def withdraw(self) -> Receipt:
        """Transfer all payments credited to the sender."""
        return self._transact(self.contract.functions.withdraw())

    # ------------------------------------------------------------ views
    def token(self) -> str:
        return str(self._call(self.contract.functions.token()))

    def adjudicator(self) -> str:
        return str(self._call(self.contract.functions.adjudicator()))

    def escrow_of(self, insurer: str) -> int:
        return int(self._call(self.contract.functions.escrowOf(checksum_address(insurer))))

    def credit_of(self, provider: str) -> int:
        return int(self._call(self.contract.functions.creditOf(checksum_address(provider))))

    def recoupment_of(self, insurer: str, provider: str) -> int:
        fn = self.contract.functions.recoupmentOf(
            checksum_address(insurer), checksum_address(provider)
        )
        return int(self._call(fn))
