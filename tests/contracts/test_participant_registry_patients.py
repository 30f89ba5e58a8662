"""ParticipantRegistry: patient self-registration and registration by a guardian."""

from __future__ import annotations

import pytest

from tests.brownie_support import ACCOUNT_NAMES, ZERO_ADDRESS, assert_event, event_names, norm
from tests.contracts.registry_support import (
    FOREIGN_ROLE,
    KEY_A,
    KEY_B,
    NONE,
    PATIENT_ROLE,
    PROVIDER_ROLE,
    REGULATOR_ROLE,
    ROLE_BIT,
    ZERO_BYTES32,
    credential_of,
    expected_credential,
)

NOT_PATIENTS = tuple(name for name in ACCOUNT_NAMES if name not in ("patient", "guardian"))


@pytest.fixture
def registered_guardian(registry, guardian):
    registry.registerPatient(KEY_B, {"from": guardian})
    return guardian


# ------------------------------------------------------------------------------ registerPatient


def test_register_patient_grants_the_patient_role_and_publishes_the_key(registry, patient):
    registry.registerPatient(KEY_A, {"from": patient})

    assert registry.hasRole(PATIENT_ROLE, patient)
    assert registry.isActive(patient, PATIENT_ROLE)
    assert registry.rolesOf(patient) == ROLE_BIT[PATIENT_ROLE]
    assert norm(registry.encryptionKeyOf(patient)) == norm(KEY_A)


def test_register_patient_takes_no_credential(registry, patient):
    registry.registerPatient(KEY_A, {"from": patient})

    assert credential_of(registry, patient, PATIENT_ROLE) == expected_credential(
        license_hash=ZERO_BYTES32, jurisdiction=bytes(8), status=NONE
    )


def test_register_patient_emits_role_granted_patient_registered_and_key_rotated(registry, patient):
    tx = registry.registerPatient(KEY_A, {"from": patient})

    assert event_names(tx) == ["RoleGranted", "PatientRegistered", "EncryptionKeyRotated"]
    assert_event(tx, "RoleGranted", role=PATIENT_ROLE, account=patient, sender=patient)
    assert_event(tx, "PatientRegistered", patient=patient, registrar=patient)
    assert_event(
        tx, "EncryptionKeyRotated", account=patient, previousKey=ZERO_BYTES32, newKey=KEY_A
    )


@pytest.mark.parametrize("name", ACCOUNT_NAMES)
def test_register_patient_is_open_to_every_account(registry, named, name):
    account = named[name]
    bits_before = registry.rolesOf(account)

    registry.registerPatient(KEY_A, {"from": account})

    assert registry.hasRole(PATIENT_ROLE, account)
    assert registry.rolesOf(account) == bits_before | ROLE_BIT[PATIENT_ROLE]


def test_register_patient_adds_the_patient_bit_to_a_licensed_participant(registry, issue, provider):
    issue(provider, PROVIDER_ROLE)
    registry.setEncryptionKey(KEY_B, {"from": provider})

    tx = registry.registerPatient(KEY_A, {"from": provider})

    assert registry.rolesOf(provider) == ROLE_BIT[PROVIDER_ROLE] | ROLE_BIT[PATIENT_ROLE]
    assert registry.isActive(provider, PROVIDER_ROLE)
    assert_event(tx, "EncryptionKeyRotated", account=provider, previousKey=KEY_B, newKey=KEY_A)
    assert norm(registry.encryptionKeyOf(provider)) == norm(KEY_A)


def test_register_patient_reverts_when_caller_is_already_a_patient(registry, patient, reverts_with):
    registry.registerPatient(KEY_A, {"from": patient})

    with reverts_with("ParticipantRegistryAlreadyRegistered", patient):
        registry.registerPatient(KEY_B, {"from": patient})

    assert norm(registry.encryptionKeyOf(patient)) == norm(KEY_A)


def test_register_patient_reverts_when_the_encryption_key_is_zero(registry, patient, reverts_with):
    with reverts_with("ParticipantRegistryInvalidEncryptionKey"):
        registry.registerPatient(ZERO_BYTES32, {"from": patient})

    assert not registry.hasRole(PATIENT_ROLE, patient)
    assert registry.rolesOf(patient) == 0
    assert norm(registry.encryptionKeyOf(patient)) == norm(ZERO_BYTES32)


def test_register_patient_checks_already_registered_before_the_key(registry, patient, reverts_with):
    registry.registerPatient(KEY_A, {"from": patient})

    with reverts_with("ParticipantRegistryAlreadyRegistered", patient):
        registry.registerPatient(ZERO_BYTES32, {"from": patient})


# --------------------------------------------------------------------------- registerPatientFor


def test_register_patient_for_registers_the_ward_with_the_given_key(
    registry, registered_guardian, patient
):
    registry.registerPatientFor(patient, KEY_A, {"from": registered_guardian})

    assert registry.hasRole(PATIENT_ROLE, patient)
    assert registry.isActive(patient, PATIENT_ROLE)
    assert registry.rolesOf(patient) == ROLE_BIT[PATIENT_ROLE]
    assert norm(registry.encryptionKeyOf(patient)) == norm(KEY_A)


def test_register_patient_for_leaves_the_guardian_unchanged(registry, registered_guardian, patient):
    registry.registerPatientFor(patient, KEY_A, {"from": registered_guardian})

    assert registry.rolesOf(registered_guardian) == ROLE_BIT[PATIENT_ROLE]
    assert norm(registry.encryptionKeyOf(registered_guardian)) == norm(KEY_B)


def test_register_patient_for_emits_events_naming_the_guardian_as_registrar(
    registry, registered_guardian, patient
):
    tx = registry.registerPatientFor(patient, KEY_A, {"from": registered_guardian})

    assert event_names(tx) == ["RoleGranted", "PatientRegistered", "EncryptionKeyRotated"]
    assert_event(tx, "RoleGranted", role=PATIENT_ROLE, account=patient, sender=registered_guardian)
    assert_event(tx, "PatientRegistered", patient=patient, registrar=registered_guardian)
    assert_event(
        tx, "EncryptionKeyRotated", account=patient, previousKey=ZERO_BYTES32, newKey=KEY_A
    )


def test_register_patient_for_lets_a_ward_register_by_a_guardian_act_as_guardian(
    registry, registered_guardian, patient, stranger
):
    registry.registerPatientFor(patient, KEY_A, {"from": registered_guardian})

    tx = registry.registerPatientFor(stranger, KEY_B, {"from": patient})

    assert registry.hasRole(PATIENT_ROLE, stranger)
    assert_event(tx, "PatientRegistered", patient=stranger, registrar=patient)


def test_registered_ward_can_rotate_the_key_its_guardian_chose(
    registry, registered_guardian, patient
):
    registry.registerPatientFor(patient, KEY_A, {"from": registered_guardian})

    tx = registry.setEncryptionKey(KEY_B, {"from": patient})

    assert_event(tx, "EncryptionKeyRotated", account=patient, previousKey=KEY_A, newKey=KEY_B)
    assert norm(registry.encryptionKeyOf(patient)) == norm(KEY_B)


@pytest.mark.parametrize("name", NOT_PATIENTS)
def test_register_patient_for_reverts_when_caller_is_not_a_patient(
    registry, enrol, patient, reverts_with, name
):
    caller = enrol(name)

    with reverts_with("ParticipantRegistryNotParticipant", caller):
        registry.registerPatientFor(patient, KEY_A, {"from": caller})

    assert not registry.hasRole(PATIENT_ROLE, patient)


def test_register_patient_for_reverts_when_the_ward_is_the_zero_address(
    registry, registered_guardian, reverts_with
):
    with reverts_with("ParticipantRegistryZeroAddress"):
        registry.registerPatientFor(ZERO_ADDRESS, KEY_A, {"from": registered_guardian})

    assert registry.rolesOf(ZERO_ADDRESS) == 0


def test_register_patient_for_checks_the_caller_before_the_ward_address(
    registry, stranger, reverts_with
):
    with reverts_with("ParticipantRegistryNotParticipant", stranger):
        registry.registerPatientFor(ZERO_ADDRESS, KEY_A, {"from": stranger})


def test_register_patient_for_reverts_when_the_ward_is_already_a_patient(
    registry, registered_guardian, patient, reverts_with
):
    registry.registerPatient(KEY_A, {"from": patient})

    with reverts_with("ParticipantRegistryAlreadyRegistered", patient):
        registry.registerPatientFor(patient, KEY_B, {"from": registered_guardian})

    assert norm(registry.encryptionKeyOf(patient)) == norm(KEY_A)


def test_register_patient_for_reverts_when_the_guardian_registers_itself_again(
    registry, registered_guardian, reverts_with
):
    with reverts_with("ParticipantRegistryAlreadyRegistered", registered_guardian):
        registry.registerPatientFor(registered_guardian, KEY_A, {"from": registered_guardian})


def test_register_patient_for_reverts_when_the_encryption_key_is_zero(
    registry, registered_guardian, patient, reverts_with
):
    with reverts_with("ParticipantRegistryInvalidEncryptionKey"):
        registry.registerPatientFor(patient, ZERO_BYTES32, {"from": registered_guardian})

    assert not registry.hasRole(PATIENT_ROLE, patient)
    assert registry.rolesOf(patient) == 0


@pytest.mark.parametrize("victim_name", ["provider", "regulator"])
def test_register_patient_for_does_not_replace_the_key_an_existing_participant_published(
    registry, issue, named, registered_guardian, reverts_with, victim_name
):
    """Regression: any self-registered patient could "register" a participant that was not yet a
    patient (a credentialed provider, a regulator) as its ward and so overwrite the X25519 key
    record keys are wrapped to with one of its own choosing."""
    victim = named[victim_name]
    if victim_name == "provider":
        issue(victim, PROVIDER_ROLE)
    else:
        assert registry.hasRole(REGULATOR_ROLE, victim)
    registry.setEncryptionKey(KEY_A, {"from": victim})
    attacker_key = bytes.fromhex("66" * 32)

    with reverts_with("ParticipantRegistryAccountInUse", victim):
        registry.registerPatientFor(victim, attacker_key, {"from": registered_guardian})

    assert norm(registry.encryptionKeyOf(victim)) == norm(KEY_A)
    assert not registry.hasRole(PATIENT_ROLE, victim)


@pytest.mark.parametrize("name", ["admin", "regulator", "provider", "pharmacy"])
def test_register_patient_for_reverts_when_the_ward_holds_a_suite_role(
    registry, enrol, registered_guardian, reverts_with, name
):
    ward = enrol(name)
    bits_before = registry.rolesOf(ward)
    assert bits_before != 0
    assert norm(registry.encryptionKeyOf(ward)) == norm(ZERO_BYTES32)

    with reverts_with("ParticipantRegistryAccountInUse", ward):
        registry.registerPatientFor(ward, KEY_A, {"from": registered_guardian})

    assert registry.rolesOf(ward) == bits_before
    assert norm(registry.encryptionKeyOf(ward)) == norm(ZERO_BYTES32)


def test_register_patient_for_reverts_when_the_ward_published_a_key_but_lost_its_roles(
    registry, issue, provider, regulator, registered_guardian, reverts_with
):
    issue(provider, PROVIDER_ROLE)
    registry.setEncryptionKey(KEY_A, {"from": provider})
    registry.revokeCredential(provider, PROVIDER_ROLE, {"from": regulator})
    assert registry.rolesOf(provider) == 0

    with reverts_with("ParticipantRegistryAccountInUse", provider):
        registry.registerPatientFor(provider, KEY_B, {"from": registered_guardian})

    assert norm(registry.encryptionKeyOf(provider)) == norm(KEY_A)


def test_register_patient_for_accepts_a_ward_whose_credential_was_revoked_before_any_key(
    registry, issue, provider, regulator, registered_guardian
):
    issue(provider, PROVIDER_ROLE)
    registry.revokeCredential(provider, PROVIDER_ROLE, {"from": regulator})

    registry.registerPatientFor(provider, KEY_B, {"from": registered_guardian})

    assert registry.rolesOf(provider) == ROLE_BIT[PATIENT_ROLE]
    assert norm(registry.encryptionKeyOf(provider)) == norm(KEY_B)


def test_register_patient_for_accepts_a_ward_holding_only_a_foreign_role(
    registry, admin, stranger, registered_guardian
):
    """Only suite roles count as taking part: a role the suite does not know sets no bit."""
    registry.grantRole(FOREIGN_ROLE, stranger, {"from": admin})

    registry.registerPatientFor(stranger, KEY_A, {"from": registered_guardian})

    assert registry.rolesOf(stranger) == ROLE_BIT[PATIENT_ROLE]
    assert registry.hasRole(FOREIGN_ROLE, stranger)


def test_register_patient_for_checks_already_registered_before_account_in_use(
    registry, issue, patient, registered_guardian, reverts_with
):
    registry.registerPatient(KEY_A, {"from": patient})
    issue(patient, PROVIDER_ROLE)

    with reverts_with("ParticipantRegistryAlreadyRegistered", patient):
        registry.registerPatientFor(patient, KEY_B, {"from": registered_guardian})


def test_register_patient_for_checks_account_in_use_before_the_key(
    registry, regulator, registered_guardian, reverts_with
):
    with reverts_with("ParticipantRegistryAccountInUse", regulator):
        registry.registerPatientFor(regulator, ZERO_BYTES32, {"from": registered_guardian})
