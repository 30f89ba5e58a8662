"""Fixtures and helpers of the ConsentRegistry contract tests (brownie + Anvil).

The provider and the insurer hold active credentials; the patient and guardian are registered
patients. `signer` is a fresh local key (a patient that signs EIP-712 grants without gas).
The generic pieces (named accounts, time pinning, exact revert and event matching) are in
tests/brownie_support.py.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from brownie import web3
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak

from tests.brownie_support import (
    ZERO_ADDRESS,
    RevertMatcher,
    latest_timestamp,
    norm,
    revert_matcher,
    role_id,
)

# ------------------------------------------------------------------------------------- vocabulary


REGULATOR_ROLE = role_id("REGULATOR")
PROVIDER_ROLE = role_id("PROVIDER")
INSURER_ROLE = role_id("INSURER")
PATIENT_ROLE = role_id("PATIENT")
FOREIGN_ROLE = role_id("SOMETHING_ELSE")

PERMIT, DENY = 0, 1
ACCESS, COLLECT, DISCLOSE, CORRECT = 1, 2, 4, 8
ALL_ACTIONS = 15
TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH, PUBHLTH = 1, 2, 4, 8, 16, 32
ALL_PURPOSES = 63

# AccessReason
(
    R_NONE,
    R_PERMITTED,
    R_BREAK_GLASS,
    R_NO_PERMIT,
    R_DENIED,
    R_EXPIRED,
    R_NOT_YET,
    R_REVOKED,
    R_RECORD_ERASED,
) = range(9)

ZERO32 = bytes(32)
ALL_DATA = ZERO32
OBSERVATION = keccak(text="Observation")
LABORATORY = keccak(text="laboratory")
IMAGING = keccak(text="imaging")
RECORD_1 = keccak(text="record-1")
RECORD_2 = keccak(text="record-2")
# Binary CIDv1 (raw codec, sha2-256 multihash) of two envelopes, their record key bundles, and
# what the contract stores of a CID: sha256 of its bytes.
CID_1 = bytes.fromhex("01551220") + keccak(text="envelope-1")
CID_2 = bytes.fromhex("01551220") + keccak(text="envelope-2")
BUNDLE_1 = bytes.fromhex("01551220") + keccak(text="record-bundle-1")
BUNDLE_2 = bytes.fromhex("01551220") + keccak(text="record-bundle-2")
CID_DIGEST_1 = hashlib.sha256(CID_1).digest()
CID_DIGEST_2 = hashlib.sha256(CID_2).digest()
MAX_CID_LENGTH = 64
CT_1 = keccak(text="ciphertext-1")
CT_2 = keccak(text="ciphertext-2")
KEY_BUNDLE = bytes.fromhex("0155122000") + bytes(range(32))  # a binary CIDv1-like value
REASON = keccak(text="unconscious patient in ED")
LICENSE_HASH = keccak(text="US-NY|LIC-0001")
JURISDICTION = b"US-NY".ljust(8, b"\0")
HOUR = 3600
DAY = 24 * HOUR
YEAR = 365 * DAY
FOREVER = 2**40 - 1


GRANT_TYPES = {
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


def account_key(account: Any) -> bytes:
    """The grantee key of an account: its address left-padded to 32 bytes."""
    return bytes(12) + bytes.fromhex(str(norm(account))[2:])


def request(
    grantee: Any = ZERO_ADDRESS,
    *,
    role: bytes = ZERO32,
    kind: int = PERMIT,
    actions: int = ACCESS,
    purposes: int = TREAT,
    start: int = 0,
    end: int = FOREVER,
    targets: tuple[bytes, ...] | list[bytes] = (OBSERVATION,),
) -> tuple[Any, ...]:
    """A GrantRequest tuple, by default: permit ACCESS for TREAT on Observation, forever."""
    return (kind, norm(grantee), role, actions, purposes, start, end, list(targets))


# ------------------------------------------------------------------------------------- values


def access(
    registry: Any,
    patient: Any,
    grantee: Any,
    target: bytes,
    action: int = ACCESS,
    purpose: int = TREAT,
) -> tuple[bool, int, int]:
    allowed, reason, consent_id = registry.checkAccess(patient, grantee, target, action, purpose)
    return bool(allowed), int(reason), int(consent_id)


# ------------------------------------------------------------------------------------- reverts


# ------------------------------------------------------------------------------------- time


# ------------------------------------------------------------------------------------- accounts


@pytest.fixture(scope="session")
def signer(accounts: Any) -> Any:
    """A patient with a local private key, for EIP-712 grants relayed by others."""
    return accounts.add(keccak(text="hygeia consent test signer"))


# ------------------------------------------------------------------------------------- contracts


@pytest.fixture(scope="module")
def participants(ParticipantRegistry: Any, named: dict[str, Any]) -> Any:
    """The ParticipantRegistry: provider and insurer credentialed, patient and guardian patients."""
    admin, regulator = named["admin"], named["regulator"]
    deployed = ParticipantRegistry.deploy(admin, {"from": admin})
    deployed.grantRole(REGULATOR_ROLE, regulator, {"from": admin})
    current = latest_timestamp()
    for holder, role in (("provider", PROVIDER_ROLE), ("insurer", INSURER_ROLE)):
        deployed.issueCredential(
            named[holder],
            role,
            LICENSE_HASH,
            JURISDICTION,
            current - DAY,
            current + YEAR,
            {"from": regulator},
        )
    deployed.registerPatient(keccak(text="k-patient"), {"from": named["patient"]})
    deployed.registerPatient(keccak(text="k-guardian"), {"from": named["guardian"]})
    return deployed


@pytest.fixture(scope="module")
def consent(ConsentRegistry: Any, participants: Any, named: dict[str, Any]) -> Any:
    return ConsentRegistry.deploy(participants, {"from": named["admin"]})


@pytest.fixture
def grant(consent: Any, named: dict[str, Any]) -> Any:
    """`grant(grantee, sender=patient, patient=patient, key_bundle=..., **request_fields)` -> tx."""

    def _grant(
        grantee: Any = ZERO_ADDRESS,
        *,
        sender: Any = None,
        patient: Any = None,
        key_bundle: bytes = KEY_BUNDLE,
        **fields: Any,
    ) -> Any:
        patient = patient or named["patient"]
        return consent.grant(
            patient, request(grantee, **fields), key_bundle, {"from": sender or patient}
        )

    return _grant


@pytest.fixture
def anchor(consent: Any, named: dict[str, Any]) -> Any:
    """`anchor(record_id=RECORD_1, data_class=OBSERVATION, sender=patient, patient=patient)`."""

    def _anchor(
        record_id: bytes = RECORD_1,
        data_class: bytes = OBSERVATION,
        *,
        sender: Any = None,
        patient: Any = None,
        cid: bytes = CID_1,
        ciphertext: bytes = CT_1,
        key_bundle: bytes = BUNDLE_1,
    ) -> Any:
        patient = patient or named["patient"]
        return consent.anchorRecord(
            patient, record_id, data_class, cid, ciphertext, key_bundle, {"from": sender or patient}
        )

    return _anchor


def sign_grant(
    consent: Any,
    key: bytes,
    patient: Any,
    req: tuple[Any, ...],
    key_bundle: bytes,
    nonce: int,
    deadline: int,
    chain_id: int | None = None,
    verifying_contract: Any = None,
) -> bytes:
    """The patient's EIP-712 signature of a Grant, for the given domain (default: the real one)."""
    kind, grantee, role, actions, purposes, start, end, targets = req
    message = {
        "patient": norm(patient),
        "kind": kind,
        "grantee": grantee,
        "granteeRole": role,
        "actions": actions,
        "purposes": purposes,
        "start": start,
        "end": end,
        "targets": list(targets),
        "keyBundleCid": key_bundle,
        "nonce": nonce,
        "deadline": deadline,
    }
    domain = {
        "name": "hygeia.ConsentRegistry",
        "version": "1",
        "chainId": chain_id if chain_id is not None else web3.eth.chain_id,
        "verifyingContract": norm(verifying_contract or consent),
    }
    signable = encode_typed_data(
        full_message={
            "types": GRANT_TYPES,
            "primaryType": "Grant",
            "domain": domain,
            "message": message,
        }
    )
    return bytes(Account.sign_message(signable, private_key=key).signature)


def recover_grant_signer(
    consent: Any,
    signature: bytes,
    patient: Any,
    req: tuple[Any, ...],
    key_bundle: bytes,
    nonce: int,
    deadline: int,
) -> str:
    """Who the contract will see as signer of `signature` over the real domain."""
    kind, grantee, role, actions, purposes, start, end, targets = req
    message = {
        "patient": norm(patient),
        "kind": kind,
        "grantee": grantee,
        "granteeRole": role,
        "actions": actions,
        "purposes": purposes,
        "start": start,
        "end": end,
        "targets": list(targets),
        "keyBundleCid": key_bundle,
        "nonce": nonce,
        "deadline": deadline,
    }
    domain = {
        "name": "hygeia.ConsentRegistry",
        "version": "1",
        "chainId": web3.eth.chain_id,
        "verifyingContract": norm(consent),
    }
    signable = encode_typed_data(
        full_message={
            "types": GRANT_TYPES,
            "primaryType": "Grant",
            "domain": domain,
            "message": message,
        }
    )
    return Account.recover_message(signable, signature=signature)


SIGNER_KEY = keccak(text="hygeia consent test signer")


@pytest.fixture(scope="session")
def reverts_with(ConsentRegistry: Any) -> RevertMatcher:
    """`with reverts_with("ErrorName", *args): ...`: an exact ConsentRegistry revert."""
    return revert_matcher("ConsentRegistry", ConsentRegistry.abi)
