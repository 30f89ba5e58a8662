"""ParticipantRegistry: publishing and rotating X25519 encryption keys."""

from __future__ import annotations

import pytest

from tests.brownie_support import assert_event, event_names, norm
from tests.contracts.participant_registry.support import (
    ADMIN_ROLE,
    FOREIGN_ROLE,
    KEY_A,
    KEY_B,
    LICENSED_HOLDER,
    LICENSED_ROLES,
    PROVIDER_ROLE,
    REGULATOR_ROLE,
    ZERO_BYTES32,
)

KEY_C = bytes.fromhex("33" * 32)


def key_of(registry, account):
    return norm(registry.encryptionKeyOf(account))


# ------------------------------------------------------------------------------ setEncryptionKey


def test_encryption_key_of_is_zero_for_an_account_that_never_published(registry, stranger):
    assert key_of(registry, stranger) == norm(ZERO_BYTES32)


def test_set_encryption_key_publishes_the_first_key_of_a_regulator(registry, regulator):
    tx = registry.setEncryptionKey(KEY_A, {"from": regulator})

    assert key_of(registry, regulator) == norm(KEY_A)
    assert event_names(tx) == ["EncryptionKeyRotated"]
    assert_event(
        tx, "EncryptionKeyRotated", account=regulator, previousKey=ZERO_BYTES32, newKey=KEY_A
    )


def test_set_encryption_key_is_open_to_the_governance_admin(registry, admin):
    tx = registry.setEncryptionKey(KEY_A, {"from": admin})

    assert_event(tx, "EncryptionKeyRotated", account=admin, previousKey=ZERO_BYTES32, newKey=KEY_A)
    assert key_of(registry, admin) == norm(KEY_A)


@pytest.mark.parametrize("role_name", sorted(LICENSED_ROLES))
def test_set_encryption_key_is_open_to_each_credentialed_party(registry, issue, named, role_name):
    holder = named[LICENSED_HOLDER[role_name]]
    issue(holder, LICENSED_ROLES[role_name])

    tx = registry.setEncryptionKey(KEY_A, {"from": holder})

    assert_event(tx, "EncryptionKeyRotated", account=holder, previousKey=ZERO_BYTES32, newKey=KEY_A)
    assert key_of(registry, holder) == norm(KEY_A)


def test_set_encryption_key_rotates_a_patient_key_and_reports_the_previous_one(registry, patient):
    registry.registerPatient(KEY_A, {"from": patient})

    tx = registry.setEncryptionKey(KEY_B, {"from": patient})

    assert event_names(tx) == ["EncryptionKeyRotated"]
    assert_event(tx, "EncryptionKeyRotated", account=patient, previousKey=KEY_A, newKey=KEY_B)
    assert key_of(registry, patient) == norm(KEY_B)


def test_set_encryption_key_rotates_repeatedly(registry, patient):
    registry.registerPatient(KEY_A, {"from": patient})
    registry.setEncryptionKey(KEY_B, {"from": patient})

    tx = registry.setEncryptionKey(KEY_C, {"from": patient})

    assert_event(tx, "EncryptionKeyRotated", account=patient, previousKey=KEY_B, newKey=KEY_C)
    assert key_of(registry, patient) == norm(KEY_C)


def test_set_encryption_key_to_the_same_key_is_accepted(registry, patient):
    registry.registerPatient(KEY_A, {"from": patient})

    tx = registry.setEncryptionKey(KEY_A, {"from": patient})

    assert_event(tx, "EncryptionKeyRotated", account=patient, previousKey=KEY_A, newKey=KEY_A)


def test_set_encryption_key_only_changes_the_caller_key(registry, patient, guardian, regulator):
    registry.registerPatient(KEY_A, {"from": patient})
    registry.registerPatient(KEY_B, {"from": guardian})

    registry.setEncryptionKey(KEY_C, {"from": patient})

    assert key_of(registry, guardian) == norm(KEY_B)
    assert key_of(registry, regulator) == norm(ZERO_BYTES32)


def test_set_encryption_key_is_open_to_a_party_whose_credential_is_suspended(
    registry, issue, provider, regulator
):
    issue(provider, PROVIDER_ROLE)
    registry.suspendCredential(provider, PROVIDER_ROLE, {"from": regulator})

    registry.setEncryptionKey(KEY_A, {"from": provider})

    assert key_of(registry, provider) == norm(KEY_A)


def test_set_encryption_key_reverts_when_caller_holds_no_role(registry, stranger, reverts_with):
    with reverts_with("ParticipantRegistryNotParticipant", stranger):
        registry.setEncryptionKey(KEY_A, {"from": stranger})

    assert key_of(registry, stranger) == norm(ZERO_BYTES32)


def test_set_encryption_key_checks_the_caller_before_the_key(registry, stranger, reverts_with):
    with reverts_with("ParticipantRegistryNotParticipant", stranger):
        registry.setEncryptionKey(ZERO_BYTES32, {"from": stranger})


def test_set_encryption_key_reverts_when_caller_holds_only_a_foreign_role(
    registry, admin, stranger, reverts_with
):
    registry.grantRole(FOREIGN_ROLE, stranger, {"from": admin})
    assert registry.hasRole(FOREIGN_ROLE, stranger)

    with reverts_with("ParticipantRegistryNotParticipant", stranger):
        registry.setEncryptionKey(KEY_A, {"from": stranger})


def test_set_encryption_key_reverts_when_the_credential_was_revoked(
    registry, issue, provider, regulator, reverts_with
):
    issue(provider, PROVIDER_ROLE)
    registry.setEncryptionKey(KEY_A, {"from": provider})
    registry.revokeCredential(provider, PROVIDER_ROLE, {"from": regulator})

    with reverts_with("ParticipantRegistryNotParticipant", provider):
        registry.setEncryptionKey(KEY_B, {"from": provider})

    assert key_of(registry, provider) == norm(KEY_A)


def test_set_encryption_key_reverts_when_the_regulator_role_was_revoked(
    registry, admin, regulator, reverts_with
):
    registry.revokeRole(REGULATOR_ROLE, regulator, {"from": admin})

    with reverts_with("ParticipantRegistryNotParticipant", regulator):
        registry.setEncryptionKey(KEY_A, {"from": regulator})


def test_set_encryption_key_reverts_when_the_admin_renounced(registry, admin, reverts_with):
    registry.renounceRole(ADMIN_ROLE, admin, {"from": admin})

    with reverts_with("ParticipantRegistryNotParticipant", admin):
        registry.setEncryptionKey(KEY_A, {"from": admin})


@pytest.mark.parametrize("who", ["patient", "regulator"])
def test_set_encryption_key_reverts_when_the_key_is_zero(registry, named, reverts_with, who):
    account = named[who]
    if who == "patient":
        registry.registerPatient(KEY_A, {"from": account})
    before = key_of(registry, account)

    with reverts_with("ParticipantRegistryInvalidEncryptionKey"):
        registry.setEncryptionKey(ZERO_BYTES32, {"from": account})

    assert key_of(registry, account) == before
