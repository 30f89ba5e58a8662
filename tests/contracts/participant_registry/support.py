"""Fixtures and helpers of the ParticipantRegistry contract tests (brownie + Anvil).

The generic pieces (named accounts, time pinning, exact revert and event matching, EIP-712
signing) are in tests/brownie_support.py; this module holds the registry's vocabulary, its two
signed messages (a ward's Guardianship consent, a patient's own Registration) and fixtures.
The ConsentRegistry tests import the signing helpers too: their guardians register wards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from eth_utils import keccak

from tests.brownie_support import (
    RevertMatcher,
    latest_timestamp,
    norm,
    recover_typed_data,
    revert_matcher,
    role_id,
    sign_typed_data,
    typed_data,
)

# brownie 1.22.2 warns about its own fixtures (fn_isolation calls rpc.snapshot/rpc.revert) on
# every test; the noise hides real warnings, so it is silenced for the tests in this directory.
_BROWNIE_SELF_WARNING = pytest.mark.filterwarnings(
    r"ignore:rpc\.\w+ should not be called directly:FutureWarning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(_BROWNIE_SELF_WARNING)


# ------------------------------------------------------------------------------------- roles

ADMIN_ROLE = bytes(32)  # OpenZeppelin's DEFAULT_ADMIN_ROLE


REGULATOR_ROLE = role_id("REGULATOR")
PROVIDER_ROLE = role_id("PROVIDER")
INSURER_ROLE = role_id("INSURER")
MANUFACTURER_ROLE = role_id("MANUFACTURER")
DISTRIBUTOR_ROLE = role_id("DISTRIBUTOR")
DISPENSER_ROLE = role_id("DISPENSER")
PATIENT_ROLE = role_id("PATIENT")
FOREIGN_ROLE = role_id("SOMETHING_ELSE")  # a role the suite does not know

# Order of the bits in rolesOf (Roles.bit): admin, regulator, provider, insurer, manufacturer,
# distributor, dispenser, patient.
SUITE_ROLES = (
    ("ADMIN", ADMIN_ROLE),
    ("REGULATOR", REGULATOR_ROLE),
    ("PROVIDER", PROVIDER_ROLE),
    ("INSURER", INSURER_ROLE),
    ("MANUFACTURER", MANUFACTURER_ROLE),
    ("DISTRIBUTOR", DISTRIBUTOR_ROLE),
    ("DISPENSER", DISPENSER_ROLE),
    ("PATIENT", PATIENT_ROLE),
)
ROLE_BIT = {role: 1 << index for index, (_, role) in enumerate(SUITE_ROLES)}
LICENSED_ROLES = {
    "PROVIDER": PROVIDER_ROLE,
    "INSURER": INSURER_ROLE,
    "MANUFACTURER": MANUFACTURER_ROLE,
    "DISTRIBUTOR": DISTRIBUTOR_ROLE,
    "DISPENSER": DISPENSER_ROLE,
}
# The dev account that naturally holds each licensed role (the pharmacy is the dispenser).
LICENSED_HOLDER = {
    "PROVIDER": "provider",
    "INSURER": "insurer",
    "MANUFACTURER": "manufacturer",
    "DISTRIBUTOR": "distributor",
    "DISPENSER": "pharmacy",
}

# CredentialStatus
NONE, ACTIVE, SUSPENDED, REVOKED = 0, 1, 2, 3

ZERO_BYTES32 = bytes(32)
LICENSE_HASH = keccak(text="US-NY|LIC-0001")
JURISDICTION = b"US-NY".ljust(8, b"\0")
KEY_A = bytes.fromhex("11" * 32)
KEY_B = bytes.fromhex("22" * 32)
DAY = 24 * 3600
YEAR = 365 * DAY

# Everyone but the regulator: none of them may call a regulator-only function.
NON_REGULATORS = (
    "admin",
    "provider",
    "insurer",
    "manufacturer",
    "distributor",
    "pharmacy",
    "patient",
    "stranger",
)


def bits_of(*roles: bytes) -> int:
    bits = 0
    for role in roles:
        bits |= ROLE_BIT[role]
    return bits


# ------------------------------------------------------------------------------------- EIP-712

EIP712_NAME = "hygeia.ParticipantRegistry"
GUARDIANSHIP_FIELDS = [
    ("ward", "address"),
    ("guardian", "address"),
    ("encryptionKey", "bytes32"),
    ("deadline", "uint256"),
]
REGISTRATION_FIELDS = [
    ("patient", "address"),
    ("encryptionKey", "bytes32"),
    ("deadline", "uint256"),
]
GUARDIANSHIP_TYPE = (
    "Guardianship(address ward,address guardian,bytes32 encryptionKey,uint256 deadline)"
)
REGISTRATION_TYPE = "Registration(address patient,bytes32 encryptionKey,uint256 deadline)"
# A deadline no test reaches (a signature good "for ever").
FAR_DEADLINE = 2**40


def guardianship_data(
    registry: Any,
    ward: Any,
    guardian: Any,
    encryption_key: bytes,
    deadline: int = FAR_DEADLINE,
    *,
    chain_id: int | None = None,
    verifying_contract: Any = None,
) -> dict[str, Any]:
    """The Guardianship document a ward signs (default domain: this registry on this chain)."""
    message = {
        "ward": ward,
        "guardian": guardian,
        "encryptionKey": encryption_key,
        "deadline": deadline,
    }
    return typed_data(
        EIP712_NAME,
        verifying_contract or registry,
        "Guardianship",
        GUARDIANSHIP_FIELDS,
        message,
        chain_id=chain_id,
    )


def registration_data(
    registry: Any,
    patient: Any,
    encryption_key: bytes,
    deadline: int = FAR_DEADLINE,
    *,
    chain_id: int | None = None,
    verifying_contract: Any = None,
) -> dict[str, Any]:
    """The Registration document a patient signs to be registered by a relayer."""
    message = {"patient": patient, "encryptionKey": encryption_key, "deadline": deadline}
    return typed_data(
        EIP712_NAME,
        verifying_contract or registry,
        "Registration",
        REGISTRATION_FIELDS,
        message,
        chain_id=chain_id,
    )


def sign_guardianship(
    registry: Any,
    ward: Any,
    guardian: Any,
    encryption_key: bytes,
    deadline: int = FAR_DEADLINE,
    *,
    signer: Any = None,
    **domain: Any,
) -> bytes:
    """The ward's (or `signer`'s) signature accepting `guardian` and `encryption_key`."""
    data = guardianship_data(registry, ward, guardian, encryption_key, deadline, **domain)
    return sign_typed_data(signer if signer is not None else ward, data)


def sign_registration(
    registry: Any,
    patient: Any,
    encryption_key: bytes,
    deadline: int = FAR_DEADLINE,
    *,
    signer: Any = None,
    **domain: Any,
) -> bytes:
    """The patient's (or `signer`'s) signature of its own registration with `encryption_key`."""
    data = registration_data(registry, patient, encryption_key, deadline, **domain)
    return sign_typed_data(signer if signer is not None else patient, data)


def guardianship_signer(
    registry: Any,
    signature: bytes,
    ward: Any,
    guardian: Any,
    encryption_key: bytes,
    deadline: int = FAR_DEADLINE,
) -> str:
    """Whom the registry recovers from `signature` for these registerPatientFor arguments."""
    data = guardianship_data(registry, ward, guardian, encryption_key, deadline)
    return recover_typed_data(data, signature)


def registration_signer(
    registry: Any, signature: bytes, patient: Any, encryption_key: bytes, deadline: int
) -> str:
    """Whom the registry recovers from `signature` for these registerPatientBySig arguments."""
    return recover_typed_data(
        registration_data(registry, patient, encryption_key, deadline), signature
    )


def register_ward(
    registry: Any,
    guardian: Any,
    ward: Any,
    encryption_key: bytes,
    deadline: int = FAR_DEADLINE,
    *,
    signer: Any = None,
) -> Any:
    """`guardian` registers `ward` with the ward's own Guardianship signature; the transaction."""
    signature = sign_guardianship(registry, ward, guardian, encryption_key, deadline, signer=signer)
    return registry.registerPatientFor(
        ward, encryption_key, deadline, signature, {"from": guardian}
    )


# ------------------------------------------------------------------------------------- values


def credential_of(registry: Any, account: Any, role: bytes) -> dict[str, Any]:
    license_hash, jurisdiction, valid_from, valid_until, status = registry.credentialOf(
        account, role
    )
    return {
        "licenseHash": norm(license_hash),
        "jurisdiction": norm(jurisdiction),
        "validFrom": valid_from,
        "validUntil": valid_until,
        "status": status,
    }


def expected_credential(
    license_hash: bytes = LICENSE_HASH,
    jurisdiction: bytes = JURISDICTION,
    valid_from: int = 0,
    valid_until: int = 0,
    status: int = ACTIVE,
) -> dict[str, Any]:
    return {
        "licenseHash": norm(license_hash),
        "jurisdiction": norm(jurisdiction),
        "validFrom": valid_from,
        "validUntil": valid_until,
        "status": status,
    }


# ------------------------------------------------------------------------------------- reverts


# ------------------------------------------------------------------------------------- time


# ------------------------------------------------------------------------------------- accounts


# ------------------------------------------------------------------------------------- roles


@pytest.fixture(scope="session")
def admin_role() -> bytes:
    return ADMIN_ROLE


@pytest.fixture(scope="session")
def regulator_role() -> bytes:
    return REGULATOR_ROLE


@pytest.fixture(scope="session")
def provider_role() -> bytes:
    return PROVIDER_ROLE


@pytest.fixture(scope="session")
def insurer_role() -> bytes:
    return INSURER_ROLE


@pytest.fixture(scope="session")
def manufacturer_role() -> bytes:
    return MANUFACTURER_ROLE


@pytest.fixture(scope="session")
def distributor_role() -> bytes:
    return DISTRIBUTOR_ROLE


@pytest.fixture(scope="session")
def dispenser_role() -> bytes:
    return DISPENSER_ROLE


@pytest.fixture(scope="session")
def patient_role() -> bytes:
    return PATIENT_ROLE


# ------------------------------------------------------------------------------------- registry


@pytest.fixture(scope="module")
def registry(ParticipantRegistry: Any, admin: Any, regulator: Any) -> Any:
    """The registry deployed by the admin, with the regulator granted REGULATOR_ROLE."""
    deployed = ParticipantRegistry.deploy(admin, {"from": admin})
    deployed.grantRole(REGULATOR_ROLE, regulator, {"from": admin})
    return deployed


@pytest.fixture
def issue(registry: Any, regulator: Any) -> Any:
    """`issue(account, role=PROVIDER_ROLE, valid_from=None, valid_until=None, **overrides)`:
    a valid credential issued by the regulator; by default valid from a day ago for a year."""

    def _issue(
        account: Any,
        role: bytes = PROVIDER_ROLE,
        valid_from: int | None = None,
        valid_until: int | None = None,
        license_hash: bytes = LICENSE_HASH,
        jurisdiction: bytes = JURISDICTION,
        sender: Any = None,
    ) -> Any:
        current = latest_timestamp()
        if valid_from is None:
            valid_from = current - DAY
        if valid_until is None:
            valid_until = current + YEAR
        return registry.issueCredential(
            account,
            role,
            license_hash,
            jurisdiction,
            valid_from,
            valid_until,
            {"from": sender or regulator},
        )

    return _issue


@pytest.fixture
def enrol(registry: Any, issue: Any, named: dict[str, Any]) -> Any:
    """`enrol(name)`: the dev account `name` with its natural role, returned. The licensed
    holders get their credential, the patient and the guardian register themselves, the admin
    and the regulator already hold theirs, the stranger stays without a role."""

    def _enrol(name: str) -> Any:
        account = named[name]
        role_name = next((r for r, holder in LICENSED_HOLDER.items() if holder == name), None)
        if role_name is not None:
            if not registry.hasRole(LICENSED_ROLES[role_name], account):
                issue(account, LICENSED_ROLES[role_name])
        elif name in ("patient", "guardian") and not registry.hasRole(PATIENT_ROLE, account):
            registry.registerPatient(KEY_A, {"from": account})
        return account

    return _enrol


@pytest.fixture(scope="session")
def reverts_with(ParticipantRegistry: Any) -> RevertMatcher:
    """`with reverts_with("ErrorName", *args): ...`: an exact ParticipantRegistry revert."""
    return revert_matcher("ParticipantRegistry", ParticipantRegistry.abi)
