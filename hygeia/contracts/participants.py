"""Typed client for ParticipantRegistry: patients, credentials, roles and encryption keys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from eth_abi.abi import encode
from eth_utils.crypto import keccak
from web3 import Web3

from hygeia.chain.transactions import Receipt
from hygeia.contracts.base import ContractClient
from hygeia.contracts.roles import Role
from hygeia.errors import InvalidInputError
from hygeia.times import iso

X25519_KEY_BYTES = 32
JURISDICTION_BYTES = 8
# ISO 3166-1 alpha-2, optionally with an ISO 3166-2 subdivision of up to three characters.
_JURISDICTION = re.compile(r"[A-Z]{2}(-[A-Z0-9]{1,3})?")


class CredentialStatus(IntEnum):
    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2
    REVOKED = 3


@dataclass(frozen=True)
class Credential:
    license_hash: str
    jurisdiction: str
    valid_from: int
    valid_until: int
    status: CredentialStatus

    def as_json(self) -> dict[str, object]:
        return {
            "license_hash": self.license_hash,
            "jurisdiction": self.jurisdiction,
            "valid_from": iso(self.valid_from),
            "valid_until": iso(self.valid_until),
            "status": self.status.name.lower(),
        }


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


def _address(value: str) -> str:
    if not Web3.is_address(value):
        raise InvalidInputError(f"not an Ethereum address: {value!r}")
    return Web3.to_checksum_address(value)


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

    def register_patient_for(self, patient: str, encryption_key: bytes | str) -> Receipt:
        fn = self.contract.functions.registerPatientFor(
            _address(patient), parse_x25519_key(encryption_key)
        )
        return self._transact(fn)

    # ------------------------------------------------------------ credentials
    def issue_credential(
        self,
        account: str,
        role: Role,
        *,
        license_id: str,
        jurisdiction: str,
        valid_from: int,
        valid_until: int,
    ) -> Receipt:
        fn = self.contract.functions.issueCredential(
            _address(account),
            _licensed(role).id,
            license_hash(jurisdiction, license_id),
            encode_jurisdiction(jurisdiction),
            valid_from,
            valid_until,
        )
        return self._transact(fn)

    def renew_credential(self, account: str, role: Role, valid_until: int) -> Receipt:
        fn = self.contract.functions.renewCredential(
            _address(account), _licensed(role).id, valid_until
        )
        return self._transact(fn)

    def suspend_credential(self, account: str, role: Role) -> Receipt:
        return self._transact(
            self.contract.functions.suspendCredential(_address(account), _licensed(role).id)
        )

    def reinstate_credential(self, account: str, role: Role) -> Receipt:
        fn = self.contract.functions.reinstateCredential(_address(account), _licensed(role).id)
        return self._transact(fn)

    def revoke_credential(self, account: str, role: Role) -> Receipt:
        return self._transact(
            self.contract.functions.revokeCredential(_address(account), _licensed(role).id)
        )

    # ------------------------------------------------------------ governance
    def grant_regulator(self, account: str) -> Receipt:
        return self._transact(
            self.contract.functions.grantRole(Role.REGULATOR.id, _address(account))
        )

    def revoke_regulator(self, account: str) -> Receipt:
        return self._transact(
            self.contract.functions.revokeRole(Role.REGULATOR.id, _address(account))
        )

    # ------------------------------------------------------------ keys
    def set_encryption_key(self, key: bytes | str) -> Receipt:
        return self._transact(self.contract.functions.setEncryptionKey(parse_x25519_key(key)))

    # ------------------------------------------------------------ views
    def is_active(self, account: str, role: Role) -> bool:
        return bool(self._call(self.contract.functions.isActive(_address(account), role.id)))

    def credential_of(self, account: str, role: Role) -> Credential:
        raw = self._call(
            self.contract.functions.credentialOf(_address(account), _licensed(role).id)
        )
        license_hash_, jurisdiction, valid_from, valid_until, status = raw
        return Credential(
            license_hash="0x" + bytes(license_hash_).hex(),
            jurisdiction=bytes(jurisdiction).rstrip(b"\0").decode("ascii"),
            valid_from=int(valid_from),
            valid_until=int(valid_until),
            status=CredentialStatus(status),
        )

    def encryption_key_of(self, account: str) -> bytes | None:
        key = bytes(self._call(self.contract.functions.encryptionKeyOf(_address(account))))
        return None if key == bytes(X25519_KEY_BYTES) else key

    def roles_of(self, account: str) -> list[Role]:
        bits = int(self._call(self.contract.functions.rolesOf(_address(account))))
        return Role.from_bits(bits)
