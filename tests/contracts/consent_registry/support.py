"""Fixtures and helpers of the ConsentRegistry contract tests (brownie + Anvil).

The provider and the insurer hold active credentials; the patient and guardian are registered
patients. `signer` is a fresh local key, a patient registered by its own relayed signature that
signs EIP-712 grants without gas; `ward` is a fresh local key the guardian registered with the
ward's signed consent, so the guardian acts as the ward's delegate; `outsider` is a fresh local
key that never registers. Record ids are derived by the contract from (patient, author, salt):
`record_id` computes them, and the fixtures `record_1`/`record_2` are the ids of the patient's
own records anchored with SALT_1/SALT_2 (what `anchor()` anchors by default).
The generic pieces (named accounts, time pinning, exact revert and event matching, EIP-712
signing) are in tests/brownie_support.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from eth_abi import encode
from eth_utils import keccak

from tests.brownie_support import (
    ZERO_ADDRESS,
    RevertMatcher,
    latest_timestamp,
    norm,
    recover_typed_data,
    revert_matcher,
    role_id,
    sign_typed_data,
    typed_data,
)
from tests.contracts.participant_registry.support import register_ward, sign_registration

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
# The salts the patient anchors its records 1 and 2 with (the ids: fixtures record_1, record_2).
SALT_1 = keccak(text="salt-1")
SALT_2 = keccak(text="salt-2")
# Binary CIDv1 (raw codec, sha2-256 multihash) of two envelopes and their record key bundles.
CID_1 = bytes.fromhex("01551220") + keccak(text="envelope-1")
CID_2 = bytes.fromhex("01551220") + keccak(text="envelope-2")
BUNDLE_1 = bytes.fromhex("01551220") + keccak(text="record-bundle-1")
BUNDLE_2 = bytes.fromhex("01551220") + keccak(text="record-bundle-2")
MAX_CID_LENGTH = 64
CT_1 = keccak(text="ciphertext-1")
CT_2 = keccak(text="ciphertext-2")
KEY_BUNDLE = bytes.fromhex("0155122000") + bytes(range(32))  # a binary CIDv1-like value
REASON = keccak(text="unconscious patient in ED")
SIGNER_KEY = keccak(text="hygeia consent test signer")
LICENSE_HASH = keccak(text="US-NY|LIC-0001")
JURISDICTION = b"US-NY".ljust(8, b"\0")
HOUR = 3600
DAY = 24 * HOUR
YEAR = 365 * DAY
FOREVER = 2**40 - 1
DEADLINE = 2**40  # a signature deadline no test reaches
MAX_BREAK_GLASS_OPENINGS = 3
BREAK_GLASS_WINDOW = DAY
PATIENT_KEY = keccak(text="k-patient")


GRANT_FIELDS = [
    ("patient", "address"),
    ("kind", "uint8"),
    ("grantee", "address"),
    ("granteeRole", "bytes32"),
    ("actions", "uint8"),
    ("purposes", "uint8"),
    ("start", "uint40"),
    ("end", "uint40"),
    ("targets", "bytes32[]"),
    ("keyBundleCid", "bytes"),
    ("nonce", "uint256"),
    ("deadline", "uint256"),
]


def record_id(patient: Any, author: Any, salt: bytes) -> bytes:
    """The id ConsentRegistry gives the record `author` anchors for `patient` with `salt`:
    keccak256(abi.encode(patient, author, salt)), as recordIdOf answers."""
    return keccak(
        encode(["address", "address", "bytes32"], [str(norm(patient)), str(norm(author)), salt])
    )


def cids_digest(cid: bytes, key_bundle: bytes, classes: Sequence[bytes] = (OBSERVATION,)) -> bytes:
    """What a RecordVersion keeps of its two CIDs and its data classes (the anchor fixture's
    class by default): keccak256(abi.encode(cid, keyBundleCid, dataClasses))."""
    return keccak(encode(["bytes", "bytes", "bytes32[]"], [cid, key_bundle, list(classes)]))


CIDS_DIGEST_1 = cids_digest(CID_1, BUNDLE_1)
CIDS_DIGEST_2 = cids_digest(CID_2, BUNDLE_2)


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


def break_glass(registry: Any, patient: Any, provider: Any) -> tuple[int, int, int]:
    """breakGlassOf as (endsAt, windowStart, openings)."""
    ends_at, window_start, openings = registry.breakGlassOf(patient, provider)
    return int(ends_at), int(window_start), int(openings)


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


# ------------------------------------------------------------------------------------- accounts


@pytest.fixture(scope="session")
def signer(accounts: Any) -> Any:
    """A patient with a local private key, for EIP-712 grants relayed by others (registered by
    the `participants` fixture through its own relayed registration)."""
    return accounts.add(SIGNER_KEY)


@pytest.fixture(scope="session")
def ward(accounts: Any) -> Any:
    """A patient with a local private key whom the guardian registered with the ward's signed
    consent (by the `participants` fixture): the guardian acts as its delegate."""
    return accounts.add(keccak(text="hygeia consent test ward"))


@pytest.fixture(scope="session")
def outsider(accounts: Any) -> Any:
    """An account with a local private key that is no registered patient."""
    return accounts.add(keccak(text="hygeia consent test outsider"))


@pytest.fixture(scope="session")
def record_1(named: dict[str, Any]) -> bytes:
    """The id of the patient's own record anchored with SALT_1 (the default of `anchor`)."""
    return record_id(named["patient"], named["patient"], SALT_1)


@pytest.fixture(scope="session")
def record_2(named: dict[str, Any]) -> bytes:
    """The id of the patient's own record anchored with SALT_2."""
    return record_id(named["patient"], named["patient"], SALT_2)


# ------------------------------------------------------------------------------------- contracts


@pytest.fixture(scope="module")
def participants(
    ParticipantRegistry: Any, named: dict[str, Any], signer: Any, ward: Any, outsider: Any
) -> Any:
    """The ParticipantRegistry: provider and insurer credentialed; patient and guardian
    registered patients; the signer registered by its relayed signature; the ward registered by
    the guardian. The local-key accounts get ether for the transactions they send themselves."""
    admin, regulator = named["admin"], named["regulator"]
    for account in (signer, ward, outsider):
        if account.balance() == 0:
            admin.transfer(account, "10 ether")
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
    deployed.registerPatient(PATIENT_KEY, {"from": named["patient"]})
    deployed.registerPatient(keccak(text="k-guardian"), {"from": named["guardian"]})
    signer_key = keccak(text="k-signer")
    signature = sign_registration(deployed, signer, signer_key)
    deployed.registerPatientBySig(signer, signer_key, DEADLINE, signature, {"from": admin})
    register_ward(deployed, named["guardian"], ward, keccak(text="k-ward"))
    return deployed


@pytest.fixture
def other_provider(participants: Any, named: dict[str, Any]) -> Any:
    """A second active provider (the dev account otherwise named "distributor")."""
    account = named["distributor"]
    current = latest_timestamp()
    participants.issueCredential(
        account,
        PROVIDER_ROLE,
        LICENSE_HASH,
        JURISDICTION,
        current - DAY,
        current + YEAR,
        {"from": named["regulator"]},
    )
    return account


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
    """`anchor(salt=SALT_1, data_class=OBSERVATION, sender=patient, patient=patient)` -> tx;
    the new record's id is `tx.return_value`, i.e. record_id(patient, sender, salt).
    `data_class` is one class id or a list of them (a record of several classes)."""

    def _anchor(
        salt: bytes = SALT_1,
        data_class: bytes | list[bytes] = OBSERVATION,
        *,
        sender: Any = None,
        patient: Any = None,
        cid: bytes = CID_1,
        ciphertext: bytes = CT_1,
        key_bundle: bytes = BUNDLE_1,
    ) -> Any:
        patient = patient or named["patient"]
        classes = [data_class] if isinstance(data_class, bytes) else data_class
        return consent.anchorRecord(
            patient, salt, classes, cid, ciphertext, key_bundle, {"from": sender or patient}
        )

    return _anchor


def grant_data(
    consent: Any,
    patient: Any,
    req: tuple[Any, ...],
    key_bundle: bytes,
    nonce: int,
    deadline: int,
    chain_id: int | None = None,
    verifying_contract: Any = None,
) -> dict[str, Any]:
    """The EIP-712 Grant document of a request (default domain: this registry on this chain)."""
    kind, grantee, role, actions, purposes, start, end, targets = req
    message = {
        "patient": patient,
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
    return typed_data(
        "hygeia.ConsentRegistry",
        verifying_contract or consent,
        "Grant",
        GRANT_FIELDS,
        message,
        chain_id=chain_id,
    )


def sign_grant(
    consent: Any,
    key: Any,
    patient: Any,
    req: tuple[Any, ...],
    key_bundle: bytes,
    nonce: int,
    deadline: int,
    chain_id: int | None = None,
    verifying_contract: Any = None,
) -> bytes:
    """The EIP-712 signature of a Grant by `key` (a private key, or an account: a local-key one
    or a node's unlocked one), for the given domain (default: the real one)."""
    data = grant_data(
        consent, patient, req, key_bundle, nonce, deadline, chain_id, verifying_contract
    )
    return sign_typed_data(key, data)


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
    data = grant_data(consent, patient, req, key_bundle, nonce, deadline)
    return recover_typed_data(data, signature)


@pytest.fixture(scope="session")
def reverts_with(ConsentRegistry: Any) -> RevertMatcher:
    """`with reverts_with("ErrorName", *args): ...`: an exact ConsentRegistry revert."""
    return revert_matcher("ConsentRegistry", ConsentRegistry.abi)
