"""The consent a claim needs: the patient permits the plan's insurer to DISCLOSE its Claim data
for payment (HPAYMT), asked of and recorded in the suite's ConsentRegistry.

A patient signs the grant (EIP-712) and anyone relays it, so patients need no gas.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak
from web3 import Web3

from hygeia.chain.connection import call_node
from hygeia.chain.transactions import Receipt
from hygeia.contracts.base import ContractClient
from hygeia.errors import TransactionFailedError

#: keccak256("Claim"): the FHIR resource type a claim discloses (its CLAIM_DATA_CLASS).
CLAIM_DATA_CLASS = keccak(text="Claim")
# ConsentPolicy bits
ACTION_DISCLOSE = 1 << 2
PURPOSE_HPAYMT = 1 << 2
PERMIT = 0
# The last second a uint40 period can name: the consent stands until the patient revokes it.
UNTIL_REVOKED = 2**40 - 1
ZERO32 = bytes(32)
ZERO_ADDRESS = "0x" + "00" * 20

_GRANT_TYPES = {
    "EIP712Domain": [
        {"name": "name", "type": "string"},
        {"name": "version", "type": "string"},
        {"name": "chainId", "type": "uint256"},
        {"name": "verifyingContract", "type": "address"},
    ],
    "Grant": [
        {"name": "patient", "type": "address"},
        {"name": "kind", "type": "uint8"},
        {"name": "grantee", "type": "address"},
        {"name": "granteeRole", "type": "bytes32"},
        {"name": "actions", "type": "uint8"},
        {"name": "purposes", "type": "uint8"},
        {"name": "start", "type": "uint40"},
        {"name": "end", "type": "uint40"},
        {"name": "targets", "type": "bytes32[]"},
        {"name": "keyBundleCid", "type": "bytes"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
}
_DOMAIN_NAME, _DOMAIN_VERSION = "hygeia.ConsentRegistry", "1"
# Patients asked about per batch of JSON-RPC calls.
_READ_CHUNK = 100


class PaymentConsentClient(ContractClient):
    """ConsentRegistry as claims use it: is there a payment consent, and record one."""

    contract_name = "ConsentRegistry"

    def allows_claims(self, patient: str, insurer: str) -> bool:
        """Whether `patient` allows `insurer` DISCLOSE for HPAYMT on Claim data now."""
        return self.allow_claims([patient], insurer)[0]

    def allow_claims(self, patients: Sequence[str], insurer: str) -> list[bool]:
        """allows_claims for many patients, in JSON-RPC batches."""
        results: list[bool] = []
        for start in range(0, len(patients), _READ_CHUNK):
            chunk = patients[start : start + _READ_CHUNK]

            def ask(chunk: Sequence[str] = chunk) -> list[Any]:
                with self.w3.batch_requests() as batch:
                    for patient in chunk:
                        batch.add(self._check(patient, insurer))
                    return list(batch.execute())

            results.extend(bool(allowed) for allowed, _, _ in call_node(self._rpc, ask))
        return results

    def grant_by_signature(self, patient: LocalAccount, insurer: str, deadline: int) -> Receipt:
        """Relay (as this client's sender) the patient's signed consent for claims to `insurer`:
        a permit of DISCLOSE for HPAYMT on Claim data until revoked."""
        return self.grant_by_signatures([patient], insurer, deadline)[0]

    def grant_by_signatures(
        self, patients: Sequence[LocalAccount], insurer: str, deadline: int
    ) -> list[Receipt]:
        """grant_by_signature for many patients, one transaction each. Not pipelined: Anvil with
        --prune-history can fail a gas estimate made while the previous transaction is mined."""
        if self.sender is None:
            raise TransactionFailedError("the consent client is read-only: give it a TxSender")
        request = (
            PERMIT,
            Web3.to_checksum_address(insurer),
            ZERO32,
            ACTION_DISCLOSE,
            PURPOSE_HPAYMT,
            0,
            UNTIL_REVOKED,
            [CLAIM_DATA_CLASS],
        )
        chain_id = int(call_node(self._rpc, lambda: self.w3.eth.chain_id))
        receipts = []
        for patient in patients:
            nonce = int(self._call(self.contract.functions.nonces(patient.address)))
            signature = self._sign(patient, request, nonce, deadline, chain_id)
            fn = self.contract.functions.grantBySig(
                patient.address, request, b"", deadline, signature
            )
            receipts.append(self.sender.transact(fn))
        return receipts

    def _check(self, patient: str, insurer: str) -> Any:
        return self.contract.functions.checkAccess(
            Web3.to_checksum_address(patient),
            Web3.to_checksum_address(insurer),
            CLAIM_DATA_CLASS,
            ACTION_DISCLOSE,
            PURPOSE_HPAYMT,
        )

    def _sign(
        self,
        patient: LocalAccount,
        request: tuple[Any, ...],
        nonce: int,
        deadline: int,
        chain_id: int,
    ) -> bytes:
        kind, grantee, role, actions, purposes, start, end, targets = request
        message = {
            "patient": patient.address,
            "kind": kind,
            "grantee": grantee,
            "granteeRole": role,
            "actions": actions,
            "purposes": purposes,
            "start": start,
            "end": end,
            "targets": list(targets),
            "keyBundleCid": b"",
            "nonce": nonce,
            "deadline": deadline,
        }
        domain = {
            "name": _DOMAIN_NAME,
            "version": _DOMAIN_VERSION,
            "chainId": chain_id,
            "verifyingContract": self.address,
        }
        signable = encode_typed_data(
            full_message={
                "types": _GRANT_TYPES,
                "primaryType": "Grant",
                "domain": domain,
                "message": message,
            }
        )
        return bytes(Account.sign_message(signable, private_key=patient.key).signature)
