"""Typed client for ParticipantRegistry: patients, credentials, roles and encryption keys."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eth_abi.abi import encode
from eth_utils.crypto import keccak
from web3 import Web3
from web3.contract.contract import ContractFunction

from hygeia.core.chain.contract import ContractClient
from hygeia.core.chain.eip712 import typed_data
from hygeia.core.chain.signers import Signer
from hygeia.core.chain.transactions import Receipt
from hygeia.core.contract_types import CredentialStatus, Role
from hygeia.core.errors import AccountError, InvalidInputError
from hygeia.core.times import from_unix, iso, parse_iso, to_unix
from hygeia.core.values import checksum_address

X25519_KEY_BYTES = 32
EIP712_NAME, EIP712_VERSION = "hygeia.ParticipantRegistry", "1"
GUARDIANSHIP_FORMAT = "hygeia/guardianship/v1"
JURISDICTION_BYTES = 8
#: Credentials issued per transaction by ensure_credentials: about 120k gas each, so 50 take a
#: fifth of a 30M-gas block.
CREDENTIALS_PER_TRANSACTION = 50
# ISO 3166-1 alpha-2, optionally with an ISO 3166-2 subdivision of up to three characters.
_JURISDICTION = re.compile(r"[A-Z]{2}(-[A-Z0-9]{1,3})?")


@dataclass(frozen=True)
class Credential:
    license_hash: str
    jurisdiction: str
    valid_from: datetime
    valid_until: datetime
    status: CredentialStatus

    def as_json(self) -> dict[str, object]:
        return {
            "license_hash": self.license_hash,
            "jurisdiction": self.jurisdiction,
            "valid_from": iso(self.valid_from),
            "valid_until": iso(self.valid_until),
            "status": self.status.name.lower(),
        }


@dataclass(frozen=True)
class GuardianshipConsent:
    """A ward's EIP-712 consent to be registered as a patient by `guardian` with `encryption_key`.

    The ward signs it (`ParticipantRegistryClient.sign_guardianship`); the guardian submits it
    (`register_patient_for`) and then acts as the ward's delegate until either ends it.
    """

    chain_id: int
    contract: str
    ward: str
    guardian: str
    encryption_key: bytes
    deadline: datetime
    signature: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "format": GUARDIANSHIP_FORMAT,
            "chain_id": self.chain_id,
            "contract": self.contract,
            "ward": self.ward,
            "guardian": self.guardian,
            "encryption_key": "0x" + self.encryption_key.hex(),
            "deadline": iso(self.deadline),
            "signature": "0x" + self.signature.hex(),
        }

    @classmethod
    def from_json(cls, doc: Any) -> GuardianshipConsent:
        if not isinstance(doc, dict) or doc.get("format") != GUARDIANSHIP_FORMAT:
            raise InvalidInputError(f"not a guardianship consent (format {GUARDIANSHIP_FORMAT})")
        try:
            return cls(
                chain_id=int(doc["chain_id"]),
                contract=checksum_address(str(doc["contract"])),
                ward=checksum_address(str(doc["ward"])),
                guardian=checksum_address(str(doc["guardian"])),
                encryption_key=parse_x25519_key(str(doc["encryption_key"])),
                deadline=parse_iso(doc["deadline"], "deadline"),
                signature=bytes.fromhex(str(doc["signature"]).removeprefix("0x")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInputError(f"malformed guardianship consent: {exc}") from None


def license_hash(jurisdiction: str, license_id: str) -> bytes:
    """keccak256(abi.encode(jurisdiction, license id)): what the chain keeps of a license number."""
    if not license_id.strip():
        raise InvalidInputError("license id must not be empty")
    return keccak(encode(["string", "string"], [jurisdiction.upper(), license_id.strip()]))


def encode_jurisdiction(code: str) -> bytes:
    """An ISO 3166-1/3166-2 code ("US", "US-NY") as the contract's bytes8."""
    text = code.strip().upper()
    if not _JURISDICTION.fullmatch(text):
        raise InvalidInputError(f"jurisdiction must be an ISO 3166 code like 'US-NY', got {code!r}")
    return text.encode("ascii").ljust(JURISDICTION_BYTES, b"\0")


def parse_x25519_key(key: bytes | str) -> bytes:
    """A 32-byte X25519 public key from bytes or hex."""
    if isinstance(key, str):
        try:
            key = bytes.fromhex(key.removeprefix("0x"))
        except ValueError:
            raise InvalidInputError("encryption key must be hex") from None
    if len(key) != X25519_KEY_BYTES or key == bytes(X25519_KEY_BYTES):
        raise InvalidInputError(f"encryption key must be 32 non-zero bytes, got {len(key)} bytes")
    return key


def _licensed(role: Role) -> Role:
    if not role.licensed:
        raise InvalidInputError(f"role {role.name.lower()} takes no credential")
    return role


class ParticipantRegistryClient(ContractClient):
    contract_name = "ParticipantRegistry"

    # ------------------------------------------------------------ patients
    def register_patient(self, encryption_key: bytes | str) -> Receipt:
        return self._transact(
            self.contract.functions.registerPatient(parse_x25519_key(encryption_key))
        )

    def _typed_data(
        self, primary: str, fields: list[tuple[str, str]], message: dict[str, Any]
    ) -> dict[str, Any]:
        """An EIP-712 document bound to this chain and this registry."""
        return typed_data(
            name=EIP712_NAME,
            version=EIP712_VERSION,
            chain_id=int(self.w3.eth.chain_id),
            contract=self.address,
            primary=primary,
            fields=fields,
            message=message,
        )

    def register_patient_by_sig(
        self, patient: Signer, encryption_key: bytes | str, deadline: datetime
    ) -> Receipt:
        """Register `patient` with its own signature, the sender paying the gas (gasless
        onboarding)."""
        return self._transact(self.register_patient_by_sig_call(patient, encryption_key, deadline))

    def register_patient_by_sig_call(
        self, patient: Signer, encryption_key: bytes | str, deadline: datetime
    ) -> ContractFunction:
        """The relayed registration of `patient`, signed by it, ready to send."""
        key = parse_x25519_key(encryption_key)
        data = self._typed_data(
            "Registration",
            [("patient", "address"), ("encryptionKey", "bytes32"), ("deadline", "uint256")],
            {
                "patient": checksum_address(patient.address),
                "encryptionKey": key,
                "deadline": to_unix(deadline, "deadline"),
            },
        )
        signature = patient.sign_typed_data(self.w3, data)
        return self.contract.functions.registerPatientBySig(
            checksum_address(patient.address), key, to_unix(deadline, "deadline"), signature
        )

    def guardianship_typed_data(
        self, ward: str, guardian: str, encryption_key: bytes | str, deadline: datetime
    ) -> dict[str, Any]:
        """The EIP-712 document a ward signs to accept `guardian` and `encryption_key`."""
        return self._typed_data(
            "Guardianship",
            [
                ("ward", "address"),
                ("guardian", "address"),
                ("encryptionKey", "bytes32"),
                ("deadline", "uint256"),
            ],
            {
                "ward": checksum_address(ward),
                "guardian": checksum_address(guardian),
                "encryptionKey": parse_x25519_key(encryption_key),
                "deadline": to_unix(deadline, "deadline"),
            },
        )

    def sign_guardianship(
        self, ward: Signer, guardian: str, encryption_key: bytes | str, deadline: datetime
    ) -> GuardianshipConsent:
        """The ward's signed consent to be registered by `guardian` with `encryption_key`."""
        key = parse_x25519_key(encryption_key)
        data = self.guardianship_typed_data(ward.address, guardian, key, deadline)
        return GuardianshipConsent(
            chain_id=int(self.w3.eth.chain_id),
            contract=self.address,
            ward=checksum_address(ward.address),
            guardian=checksum_address(guardian),
            encryption_key=key,
            deadline=deadline,
            signature=ward.sign_typed_data(self.w3, data),
        )

    def register_patient_for(self, consent: GuardianshipConsent) -> Receipt:
        """The guardian registers its ward with the ward's signed consent."""
        chain_id = int(self.w3.eth.chain_id)
        if consent.chain_id != chain_id or consent.contract != self.address:
            raise InvalidInputError(
                f"this guardianship consent was signed for ParticipantRegistry {consent.contract} "
                f"on chain {consent.chain_id}, not {self.address} on chain {chain_id}"
            )
        if self.sender is not None and checksum_address(self.sender.address) != consent.guardian:
            raise InvalidInputError(
                f"the ward accepted {consent.guardian} as guardian, not {self.sender.address}"
            )
        fn = self.contract.functions.registerPatientFor(
            consent.ward,
            consent.encryption_key,
            to_unix(consent.deadline, "deadline"),
            consent.signature,
        )
        return self._transact(fn)

    def end_guardianship(self, ward: str) -> Receipt:
        """End the guardianship over `ward` (as the ward or as its guardian)."""
        return self._transact(self.contract.functions.endGuardianship(checksum_address(ward)))

    # ------------------------------------------------------------ credentials
    def issue_credential(
        self,
        account: str,
        role: Role,
        *,
        license_id: str,
        jurisdiction: str,
        valid_from: datetime,
        valid_until: datetime,
    ) -> Receipt:
        return self._transact(
            self.issue_credential_call(
                account,
                role,
                license_id=license_id,
                jurisdiction=jurisdiction,
                valid_from=valid_from,
                valid_until=valid_until,
            )
        )

    def issue_credential_call(
        self,
        account: str,
        role: Role,
        *,
        license_id: str,
        jurisdiction: str,
        valid_from: datetime,
        valid_until: datetime,
    ) -> ContractFunction:
        """The issue of `account`'s `role` credential, ready to send (alone or among others)."""
        return self.contract.functions.issueCredential(
            checksum_address(account),
            _licensed(role).id,
            license_hash(jurisdiction, license_id),
            encode_jurisdiction(jurisdiction),
            to_unix(valid_from, "valid from"),
            to_unix(valid_until, "valid until"),
        )

    def ensure_credential(
        self,
        account: str,
        role: Role,
        *,
        license_id: str,
        jurisdiction: str,
        valid_from: datetime,
        valid_until: datetime,
    ) -> Receipt | None:
        """Issue `account` a `role` credential unless it holds an active one (None then). A
        credential on record that is not active now (suspended, or outside its validity) is
        refused with AccountError: renewing or reinstating it is a regulator's decision, never a
        side effect of setting up."""
        receipts = self.ensure_credentials(
            [(account, license_id)],
            role,
            jurisdiction=jurisdiction,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        return receipts[0] if receipts else None

    def ensure_credentials(
        self,
        licenses: Sequence[tuple[str, str]],
        role: Role,
        *,
        jurisdiction: str,
        valid_from: datetime,
        valid_until: datetime,
        per_transaction: int = CREDENTIALS_PER_TRANSACTION,
    ) -> list[Receipt]:
        """ensure_credential for many (account, license id) pairs: every refusal is raised
        before anything is sent, and the missing credentials go `per_transaction` to a
        transaction (the registry's multicall). The receipts of those transactions."""
        accounts = [account for account, _ in licenses]
        calls = []
        for (account, license_id), active in zip(
            licenses, self.are_active(accounts, role), strict=True
        ):
            if active:
                continue
            status = self.credential_of(account, role).status
            if status in (CredentialStatus.ACTIVE, CredentialStatus.SUSPENDED):
                raise AccountError(
                    f"{account} holds a {status.name.lower()} {role.name.lower()} credential "
                    "that is not active now; a regulator must renew or reinstate it"
                )
            calls.append(
                self.issue_credential_call(
                    account,
                    role,
                    license_id=license_id,
                    jurisdiction=jurisdiction,
                    valid_from=valid_from,
                    valid_until=valid_until,
                )
            )
        return self.transact_batched(calls, per_transaction=per_transaction)

    def renew_credential(self, account: str, role: Role, valid_until: datetime) -> Receipt:
        fn = self.contract.functions.renewCredential(
            checksum_address(account), _licensed(role).id, to_unix(valid_until, "valid until")
        )
        return self._transact(fn)

    def suspend_credential(self, account: str, role: Role) -> Receipt:
        return self._transact(
            self.contract.functions.suspendCredential(checksum_address(account), _licensed(role).id)
        )

    def reinstate_credential(self, account: str, role: Role) -> Receipt:
        fn = self.contract.functions.reinstateCredential(
            checksum_address(account), _licensed(role).id
        )
        return self._transact(fn)

    def revoke_credential(self, account: str, role: Role) -> Receipt:
        return self._transact(
            self.contract.functions.revokeCredential(checksum_address(account), _licensed(role).id)
        )

    # ------------------------------------------------------------ governance
    def grant_regulator(self, account: str) -> Receipt:
        return self._transact(
            self.contract.functions.grantRole(Role.REGULATOR.id, checksum_address(account))
        )

    def revoke_regulator(self, account: str) -> Receipt:
        return self._transact(
            self.contract.functions.revokeRole(Role.REGULATOR.id, checksum_address(account))
        )

    # ------------------------------------------------------------ keys
    def set_encryption_key(self, key: bytes | str) -> Receipt:
        return self._transact(self.contract.functions.setEncryptionKey(parse_x25519_key(key)))

    # ------------------------------------------------------------ views
    def is_active(self, account: str, role: Role) -> bool:
        return bool(
            self._call(self.contract.functions.isActive(checksum_address(account), role.id))
        )

    def active_roles(self, account: str, roles: Iterable[Role] = tuple(Role)) -> list[Role]:
        """The roles of `roles` (every role by default) that `account` may act as now, each as
        `is_active` answers: one call, however many roles are asked about."""
        bits = sum(1 << role.value for role in set(roles))
        active = int(
            self._call(self.contract.functions.activeRolesOf(checksum_address(account), bits))
        )
        return Role.from_bits(active)

    def are_active(self, accounts: Sequence[str], role: Role) -> list[bool]:
        """is_active for many accounts, in JSON-RPC batches."""
        raw = self._call_many("isActive", [(checksum_address(a), role.id) for a in accounts])
        return [bool(active) for active in raw]

    def credential_of(self, account: str, role: Role) -> Credential:
        raw = self._call(
            self.contract.functions.credentialOf(checksum_address(account), _licensed(role).id)
        )
        license_hash_, jurisdiction, valid_from, valid_until, status = raw
        return Credential(
            license_hash="0x" + bytes(license_hash_).hex(),
            jurisdiction=bytes(jurisdiction).rstrip(b"\0").decode("ascii"),
            valid_from=from_unix(valid_from),
            valid_until=from_unix(valid_until),
            status=CredentialStatus(status),
        )

    def encryption_key_of(self, account: str) -> bytes | None:
        key = bytes(self._call(self.contract.functions.encryptionKeyOf(checksum_address(account))))
        return None if key == bytes(X25519_KEY_BYTES) else key

    def guardian_of(self, ward: str) -> str | None:
        guardian = str(self._call(self.contract.functions.guardianOf(checksum_address(ward))))
        return None if int(guardian, 16) == 0 else Web3.to_checksum_address(guardian)

    def roles_of(self, account: str) -> list[Role]:
        bits = int(self._call(self.contract.functions.rolesOf(checksum_address(account))))
        return Role.from_bits(bits)
