"""The consent a claim needs: the patient permits the plan's insurer to DISCLOSE its Claim data
for payment (HPAYMT), asked of and recorded in the suite's ConsentRegistry.

A patient signs the grant (EIP-712, as :class:`ConsentRegistryClient` builds it) and anyone
relays it, so patients need no gas.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from eth_account.signers.local import LocalAccount
from web3 import Web3

from hygeia.consent.client import ConsentRegistryClient, GrantRequest, data_class_id
from hygeia.core.chain.signers import KeySigner
from hygeia.core.chain.transactions import Receipt
from hygeia.core.contract_types import Action, Purpose
from hygeia.core.errors import TransactionFailedError
from hygeia.core.times import from_unix

#: keccak256("Claim"): the FHIR resource type a claim discloses (its CLAIM_DATA_CLASS).
CLAIM_DATA_CLASS = data_class_id("Claim")
#: Relayed grants per transaction: at most about 100k gas each, so 50 take about a sixth of a
#: 30M-gas block.
DEFAULT_GRANTS_PER_TRANSACTION = 50


def payment_consent(insurer: str) -> GrantRequest:
    """A permit of DISCLOSE for HPAYMT on Claim data to `insurer`, until revoked."""
    return GrantRequest(
        Action.DISCLOSE,
        Purpose.HPAYMT,
        start=from_unix(0),
        end=None,
        grantee=Web3.to_checksum_address(insurer),
        targets=(CLAIM_DATA_CLASS,),
    )


class PaymentConsentClient(ConsentRegistryClient):
    """ConsentRegistry as claims use it: is there a payment consent, and record one."""

    def allows_claims(self, patient: str, insurer: str) -> bool:
        """Whether `patient` allows `insurer` DISCLOSE for HPAYMT on Claim data now."""
        return self.allow_claims([patient], insurer)[0]

    def allow_claims(self, patients: Sequence[str], insurer: str) -> list[bool]:
        """allows_claims for many patients, in JSON-RPC batches."""
        insurer = Web3.to_checksum_address(insurer)
        asked = [
            (
                Web3.to_checksum_address(patient),
                insurer,
                CLAIM_DATA_CLASS,
                int(Action.DISCLOSE),
                int(Purpose.HPAYMT),
            )
            for patient in patients
        ]
        return [bool(allowed) for allowed, _, _ in self._call_many("checkAccess", asked)]

    def grant_by_signature(
        self, patient: LocalAccount, insurer: str, deadline: datetime
    ) -> Receipt:
        """Relay (as this client's sender) the patient's signed consent for claims to `insurer`:
        a permit of DISCLOSE for HPAYMT on Claim data until revoked."""
        return self.grant_by_signatures([patient], insurer, deadline)[0]

    def grant_by_signatures(
        self,
        patients: Sequence[LocalAccount],
        insurer: str,
        deadline: datetime,
        *,
        per_transaction: int = DEFAULT_GRANTS_PER_TRANSACTION,
    ) -> list[Receipt]:
        """grant_by_signature for many patients, `per_transaction` grants a transaction (the
        registry's multicall), sent back to back and their receipts awaited together: one
        receipt per transaction, each all of its grants or none."""
        if self.sender is None:
            raise TransactionFailedError("the consent client is read-only: give it a TxSender")
        request = payment_consent(insurer)
        calls = []
        nonces = self.grant_nonces([p.address for p in patients])
        for patient, nonce in zip(patients, nonces, strict=True):
            signed = self.sign_grant(KeySigner(patient), request, b"", deadline, nonce=nonce)
            calls.append(self.grant_by_sig_call(patient.address, request, b"", signed))
        return self.transact_batched(calls, per_transaction=per_transaction)
