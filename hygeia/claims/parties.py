"""Stand-ins for a batch's providers and patients on a local chain.

A batch names providers (e.g. by NPI) and members, not accounts. To run it end to end on a dev
chain, each provider that is not already a node account gets an account whose key is derived
from the payer's salt and its name, some ETH for gas, and a PROVIDER credential from the
regulator; each member gets a pseudonymous patient account derived the same way, whose
registration as a patient and consent to the insurer the patient signs and the insurer relays
(the patient needs no gas). The same salt gives the same accounts, so a rerun finds what the
first run did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.types import TxParams

from hygeia.claims.ids import Pseudonyms
from hygeia.core import artifacts
from hygeia.core.chain.connection import LOCAL_CHAIN_IDS, block_time, call_node
from hygeia.core.chain.signers import DEV_ACCOUNT_NAMES, KeySigner, Signer, dev_signer
from hygeia.core.chain.transactions import Receipt, TxSender
from hygeia.core.contract_types import Role
from hygeia.core.errors import AccountError
from hygeia.participants.client import ParticipantRegistryClient
from hygeia.records.keys import public_key_bytes, stand_in_private_key

GAS_MONEY = Web3.to_wei(1, "ether")
# A provider credential issued for a batch is valid from a day before to ten years after now.
_DAY, _CREDENTIAL_LIFETIME = timedelta(days=1), timedelta(days=10 * 365)
_JURISDICTION = "US"
#: Relayed registrations per transaction: about 100k gas each, so 50 take about a sixth of a
#: 30M-gas block.
DEFAULT_REGISTRATIONS_PER_TRANSACTION = 50


@dataclass
class LocalParties:
    """Accounts for the parties of a batch on a local chain.

    `funder` sends providers' gas money (a dev account); `regulator` issues their credentials.
    """

    w3: Web3
    pseudonyms: Pseudonyms
    funder: str
    regulator: ParticipantRegistryClient
    confirmations: int = 1
    _providers: dict[str, Signer] = field(default_factory=dict)

    def __post_init__(self) -> None:
        chain_id = call_node(self._rpc, lambda: self.w3.eth.chain_id)
        if chain_id not in LOCAL_CHAIN_IDS:
            raise AccountError(
                f"stand-in providers and patients exist only on local chains, not chain "
                f"{chain_id}: on a live network providers submit their claims themselves "
                "(then run `hygeia claims adjudicate --pending`)"
            )

    @property
    def _rpc(self) -> str:
        return getattr(self.w3.provider, "endpoint_uri", None) or "the node"

    def patient(self, member: str) -> LocalAccount:
        """The pseudonymous account standing for `member`'s patient."""
        account: LocalAccount = Account.from_key(self.pseudonyms.account_key("patient", member))
        return account

    def provider(self, name: str) -> Signer:
        """The account that submits `name`'s claims: a node account when `name` is one (an
        address or a dev account name), else a derived one."""
        if name not in self._providers:
            if Web3.is_address(name) or name in DEV_ACCOUNT_NAMES:
                self._providers[name] = dev_signer(self.w3, name)
            else:
                key = self.pseudonyms.account_key("provider", name)
                self._providers[name] = KeySigner(Account.from_key(key))
        return self._providers[name]

    def sender(self, signer: Signer) -> TxSender:
        return TxSender(
            self.w3, signer, artifacts.suite_decoder(), confirmations=self.confirmations
        )

    def ensure_providers(self, names: Sequence[str]) -> list[Signer]:
        """The providers' accounts, each with a PROVIDER credential and gas money: the missing
        credentials issued in one transaction, the missing gas money sent back to back."""
        signers = [self.provider(name) for name in names]
        now = block_time(self.w3)
        self.regulator.ensure_credentials(
            [(signer.address, name) for signer, name in zip(signers, names, strict=True)],
            Role.PROVIDER,
            jurisdiction=_JURISDICTION,
            valid_from=now - _DAY,
            valid_until=now + _CREDENTIAL_LIFETIME,
        )
        self._ensure_gas([signer.address for signer in signers])
        return signers

    def ensure_credential(self, address: str, role: Role, *, license_id: str) -> None:
        """Have the regulator credential `address` for `role` unless it is active already."""
        now = block_time(self.w3)
        self.regulator.ensure_credential(
            address,
            role,
            license_id=license_id,
            jurisdiction=_JURISDICTION,
            valid_from=now - _DAY,
            valid_until=now + _CREDENTIAL_LIFETIME,
        )

    def ensure_patients(
        self,
        patients: Sequence[LocalAccount],
        deadline: datetime,
        *,
        per_transaction: int = DEFAULT_REGISTRATIONS_PER_TRANSACTION,
    ) -> list[Receipt]:
        """Register the stand-in patients that are not registered yet (see
        :func:`register_stand_in_patients`)."""
        return register_stand_in_patients(
            self.regulator, patients, deadline, per_transaction=per_transaction
        )

    def _ensure_gas(self, addresses: Sequence[str]) -> None:
        """Send GAS_MONEY to each of `addresses` holding less than half of it, back to back."""

        def send_all() -> None:
            # Balances and gas are read before anything is sent: a node that keeps no history
            # can refuse a read while a transaction is being mined.
            transfers: list[TxParams] = [
                {"from": self.funder, "to": to, "value": GAS_MONEY}
                for to in map(Web3.to_checksum_address, addresses)
                if self.w3.eth.get_balance(to) < GAS_MONEY // 2
            ]
            for transfer in transfers:
                transfer["gas"] = self.w3.eth.estimate_gas(transfer)
            hashes = [self.w3.eth.send_transaction(transfer) for transfer in transfers]
            for tx_hash in hashes:
                self.w3.eth.wait_for_transaction_receipt(tx_hash)

        call_node(self._rpc, send_all)


def register_stand_in_patients(
    registry: ParticipantRegistryClient,
    patients: Sequence[LocalAccount],
    deadline: datetime,
    *,
    per_transaction: int = DEFAULT_REGISTRATIONS_PER_TRANSACTION,
) -> list[Receipt]:
    """Register each stand-in patient that is not a patient yet, by its own signed registration
    relayed by `registry`'s sender, so a patient needs no gas. Its X25519 key is derived from its
    account key (a stand-in patient reads no records, but the registry wants a key). The
    registrations go `per_transaction` to a transaction (the registry's multicall), sent back to
    back and their receipts awaited together."""
    calls = []
    active = registry.are_active([p.address for p in patients], Role.PATIENT)
    for patient, registered in zip(patients, active, strict=True):
        if registered:
            continue
        key = public_key_bytes(stand_in_private_key(bytes(patient.key)))
        calls.append(registry.register_patient_by_sig_call(KeySigner(patient), key, deadline))
    return registry.transact_batched(calls, per_transaction=per_transaction)
