"""ParticipantRegistry: patient self-registration (direct or gasless, by signature), registration
of a ward by a guardian with the ward's signed consent, and the end of a guardianship."""

from __future__ import annotations

import pytest
from brownie import web3
from eth_abi import encode
from eth_utils import keccak

from tests.brownie_support import ACCOUNT_NAMES, ZERO_ADDRESS, assert_event, event_names, norm
from tests.contracts.participant_registry.support import (
    FAR_DEADLINE,
    FOREIGN_ROLE,
    GUARDIANSHIP_TYPE,
    KEY_A,
    KEY_B,
    NONE,
    PATIENT_ROLE,
    PROVIDER_ROLE,
    REGISTRATION_TYPE,
    REGULATOR_ROLE,
    ROLE_BIT,
    ZERO_BYTES32,
    credential_of,
    expected_credential,
    guardianship_signer,
    register_ward,
    registration_signer,
    sign_guardianship,
    sign_registration,
)

NOT_PATIENTS = tuple(name for name in ACCOUNT_NAMES if name not in ("patient", "guardian"))
OTHER_KEY = bytes.fromhex("66" * 32)
MALFORMED_SIGNATURE = b"\x01" * 10


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
    register_ward(registry, registered_guardian, patient, KEY_A)

    assert registry.hasRole(PATIENT_ROLE, patient)
    assert registry.isActive(patient, PATIENT_ROLE)
    assert registry.rolesOf(patient) == ROLE_BIT[PATIENT_ROLE]
    assert norm(registry.encryptionKeyOf(patient)) == norm(KEY_A)


def test_register_patient_for_records_the_guardian_of_the_ward(
    registry, registered_guardian, patient
):
    register_ward(registry, registered_guardian, patient, KEY_A)

    assert registry.guardianOf(patient) == registered_guardian
    assert registry.guardianOf(registered_guardian) == ZERO_ADDRESS


def test_register_patient_for_leaves_the_guardian_unchanged(registry, registered_guardian, patient):
    register_ward(registry, registered_guardian, patient, KEY_A)

    assert registry.rolesOf(registered_guardian) == ROLE_BIT[PATIENT_ROLE]
    assert norm(registry.encryptionKeyOf(registered_guardian)) == norm(KEY_B)


def test_register_patient_for_emits_events_naming_the_guardian_as_registrar(
    registry, registered_guardian, patient
):
    tx = register_ward(registry, registered_guardian, patient, KEY_A)

    assert event_names(tx) == [
        "RoleGranted",
        "PatientRegistered",
        "EncryptionKeyRotated",
        "GuardianshipStarted",
    ]
    assert_event(tx, "RoleGranted", role=PATIENT_ROLE, account=patient, sender=registered_guardian)
    assert_event(tx, "PatientRegistered", patient=patient, registrar=registered_guardian)
    assert_event(
        tx, "EncryptionKeyRotated", account=patient, previousKey=ZERO_BYTES32, newKey=KEY_A
    )
    assert_event(tx, "GuardianshipStarted", ward=patient, guardian=registered_guardian)


def test_register_patient_for_lets_a_ward_register_by_a_guardian_act_as_guardian(
    registry, registered_guardian, patient, stranger
):
    register_ward(registry, registered_guardian, patient, KEY_A)

    tx = register_ward(registry, patient, stranger, KEY_B)

    assert registry.hasRole(PATIENT_ROLE, stranger)
    assert registry.guardianOf(stranger) == patient
    assert_event(tx, "PatientRegistered", patient=stranger, registrar=patient)


def test_registered_ward_can_rotate_the_key_it_was_registered_with(
    registry, registered_guardian, patient
):
    register_ward(registry, registered_guardian, patient, KEY_A)

    tx = registry.setEncryptionKey(KEY_B, {"from": patient})

    assert_event(tx, "EncryptionKeyRotated", account=patient, previousKey=KEY_A, newKey=KEY_B)
    assert norm(registry.encryptionKeyOf(patient)) == norm(KEY_B)


def test_register_patient_for_accepts_a_signature_in_the_second_of_its_deadline(
    registry, registered_guardian, patient, now, at_time
):
    deadline = now() + 60
    signature = sign_guardianship(registry, patient, registered_guardian, KEY_A, deadline)
    at_time(deadline)

    registry.registerPatientFor(patient, KEY_A, deadline, signature, {"from": registered_guardian})

    assert registry.guardianOf(patient) == registered_guardian


@pytest.mark.parametrize("name", NOT_PATIENTS)
def test_register_patient_for_reverts_when_caller_is_not_a_patient(
    registry, enrol, patient, reverts_with, name
):
    caller = enrol(name)
    signature = sign_guardianship(registry, patient, caller, KEY_A)

    with reverts_with("ParticipantRegistryNotPatient", caller):
        registry.registerPatientFor(patient, KEY_A, FAR_DEADLINE, signature, {"from": caller})

    assert not registry.hasRole(PATIENT_ROLE, patient)
    assert registry.guardianOf(patient) == ZERO_ADDRESS


def test_register_patient_for_reverts_when_the_ward_is_the_zero_address(
    registry, registered_guardian, reverts_with
):
    with reverts_with("ParticipantRegistryZeroAddress"):
        registry.registerPatientFor(
            ZERO_ADDRESS, KEY_A, FAR_DEADLINE, MALFORMED_SIGNATURE, {"from": registered_guardian}
        )

    assert registry.rolesOf(ZERO_ADDRESS) == 0


def test_register_patient_for_checks_the_caller_before_the_ward_address(
    registry, stranger, reverts_with
):
    with reverts_with("ParticipantRegistryNotPatient", stranger):
        registry.registerPatientFor(
            ZERO_ADDRESS, KEY_A, FAR_DEADLINE, MALFORMED_SIGNATURE, {"from": stranger}
        )


def test_register_patient_for_reverts_when_the_ward_is_already_a_patient(
    registry, registered_guardian, patient, reverts_with
):
    registry.registerPatient(KEY_A, {"from": patient})
    signature = sign_guardianship(registry, patient, registered_guardian, KEY_B)

    with reverts_with("ParticipantRegistryAlreadyRegistered", patient):
        registry.registerPatientFor(
            patient, KEY_B, FAR_DEADLINE, signature, {"from": registered_guardian}
        )

    assert norm(registry.encryptionKeyOf(patient)) == norm(KEY_A)
    assert registry.guardianOf(patient) == ZERO_ADDRESS


def test_register_patient_for_reverts_when_the_guardian_registers_itself_again(
    registry, registered_guardian, reverts_with
):
    with reverts_with("ParticipantRegistryAlreadyRegistered", registered_guardian):
        register_ward(registry, registered_guardian, registered_guardian, KEY_A)

    assert registry.guardianOf(registered_guardian) == ZERO_ADDRESS


def test_register_patient_for_reverts_when_the_encryption_key_is_zero(
    registry, registered_guardian, patient, reverts_with
):
    with reverts_with("ParticipantRegistryInvalidEncryptionKey"):
        register_ward(registry, registered_guardian, patient, ZERO_BYTES32)

    assert not registry.hasRole(PATIENT_ROLE, patient)
    assert registry.rolesOf(patient) == 0
    assert registry.guardianOf(patient) == ZERO_ADDRESS


@pytest.mark.parametrize("victim_name", ["provider", "regulator"])
def test_register_patient_for_does_not_replace_the_key_an_existing_participant_published(
    registry, issue, named, registered_guardian, reverts_with, victim_name
):
    """Regression: any self-registered patient could "register" a participant that was not yet a
    patient (a credentialed provider, a regulator) as its ward and so overwrite the X25519 key
    record keys are wrapped to with one of its own choosing. Refused even when the victim was
    tricked into signing the guardianship."""
    victim = named[victim_name]
    if victim_name == "provider":
        issue(victim, PROVIDER_ROLE)
    else:
        assert registry.hasRole(REGULATOR_ROLE, victim)
    registry.setEncryptionKey(KEY_A, {"from": victim})

    with reverts_with("ParticipantRegistryAccountInUse", victim):
        register_ward(registry, registered_guardian, victim, OTHER_KEY)

    assert norm(registry.encryptionKeyOf(victim)) == norm(KEY_A)
    assert not registry.hasRole(PATIENT_ROLE, victim)
    assert registry.guardianOf(victim) == ZERO_ADDRESS


@pytest.mark.parametrize("name", ["admin", "regulator", "provider", "pharmacy"])
def test_register_patient_for_reverts_when_the_ward_holds_a_suite_role(
    registry, enrol, registered_guardian, reverts_with, name
):
    ward = enrol(name)
    bits_before = registry.rolesOf(ward)
    assert bits_before != 0
    assert norm(registry.encryptionKeyOf(ward)) == norm(ZERO_BYTES32)

    with reverts_with("ParticipantRegistryAccountInUse", ward):
        register_ward(registry, registered_guardian, ward, KEY_A)

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
        register_ward(registry, registered_guardian, provider, KEY_B)

    assert norm(registry.encryptionKeyOf(provider)) == norm(KEY_A)


def test_register_patient_for_accepts_a_ward_whose_credential_was_revoked_before_any_key(
    registry, issue, provider, regulator, registered_guardian
):
    issue(provider, PROVIDER_ROLE)
    registry.revokeCredential(provider, PROVIDER_ROLE, {"from": regulator})

    register_ward(registry, registered_guardian, provider, KEY_B)

    assert registry.rolesOf(provider) == ROLE_BIT[PATIENT_ROLE]
    assert norm(registry.encryptionKeyOf(provider)) == norm(KEY_B)


def test_register_patient_for_accepts_a_ward_holding_only_a_foreign_role(
    registry, admin, stranger, registered_guardian
):
    """Only suite roles count as taking part: a role the suite does not know sets no bit."""
    registry.grantRole(FOREIGN_ROLE, stranger, {"from": admin})

    register_ward(registry, registered_guardian, stranger, KEY_A)

    assert registry.rolesOf(stranger) == ROLE_BIT[PATIENT_ROLE]
    assert registry.hasRole(FOREIGN_ROLE, stranger)


def test_register_patient_for_checks_already_registered_before_account_in_use(
    registry, issue, patient, registered_guardian, reverts_with
):
    registry.registerPatient(KEY_A, {"from": patient})
    issue(patient, PROVIDER_ROLE)

    with reverts_with("ParticipantRegistryAlreadyRegistered", patient):
        register_ward(registry, registered_guardian, patient, KEY_B)


def test_register_patient_for_checks_account_in_use_before_the_key(
    registry, regulator, registered_guardian, reverts_with
):
    with reverts_with("ParticipantRegistryAccountInUse", regulator):
        register_ward(registry, registered_guardian, regulator, ZERO_BYTES32)


# ---------------------------------------------------- registerPatientFor: the ward's signature


def test_register_patient_for_reverts_without_the_ward_signature(
    registry, registered_guardian, patient, stranger, reverts_with
):
    """Regression: a registered patient could make itself the "guardian" of any fresh account,
    choose its key and read what is wrapped to it; now only the ward's own signature will do."""
    signature = sign_guardianship(registry, patient, registered_guardian, KEY_A, signer=stranger)
    seen = guardianship_signer(registry, signature, patient, registered_guardian, KEY_A)
    assert seen == stranger

    with reverts_with("ParticipantRegistryInvalidSigner", stranger, patient):
        registry.registerPatientFor(
            patient, KEY_A, FAR_DEADLINE, signature, {"from": registered_guardian}
        )

    assert not registry.hasRole(PATIENT_ROLE, patient)
    assert registry.guardianOf(patient) == ZERO_ADDRESS


def test_register_patient_for_reverts_when_the_guardian_signs_for_its_ward(
    registry, registered_guardian, patient, reverts_with
):
    signature = sign_guardianship(
        registry, patient, registered_guardian, KEY_A, signer=registered_guardian
    )

    with reverts_with("ParticipantRegistryInvalidSigner", registered_guardian, patient):
        registry.registerPatientFor(
            patient, KEY_A, FAR_DEADLINE, signature, {"from": registered_guardian}
        )


def test_register_patient_for_reverts_when_the_signature_names_another_guardian(
    registry, registered_guardian, patient, stranger, reverts_with
):
    registry.registerPatient(KEY_B, {"from": stranger})
    signature = sign_guardianship(registry, patient, registered_guardian, KEY_A)
    seen = guardianship_signer(registry, signature, patient, stranger, KEY_A)

    with reverts_with("ParticipantRegistryInvalidSigner", seen, patient):
        registry.registerPatientFor(patient, KEY_A, FAR_DEADLINE, signature, {"from": stranger})

    assert registry.guardianOf(patient) == ZERO_ADDRESS


def test_register_patient_for_reverts_when_the_signature_names_another_key(
    registry, registered_guardian, patient, reverts_with
):
    signature = sign_guardianship(registry, patient, registered_guardian, KEY_A)
    seen = guardianship_signer(registry, signature, patient, registered_guardian, OTHER_KEY)

    with reverts_with("ParticipantRegistryInvalidSigner", seen, patient):
        registry.registerPatientFor(
            patient, OTHER_KEY, FAR_DEADLINE, signature, {"from": registered_guardian}
        )

    assert norm(registry.encryptionKeyOf(patient)) == norm(ZERO_BYTES32)


def test_register_patient_for_reverts_when_the_signature_names_another_deadline(
    registry, registered_guardian, patient, now, reverts_with
):
    signed_deadline = now() + 60
    signature = sign_guardianship(registry, patient, registered_guardian, KEY_A, signed_deadline)
    seen = guardianship_signer(
        registry, signature, patient, registered_guardian, KEY_A, FAR_DEADLINE
    )

    with reverts_with("ParticipantRegistryInvalidSigner", seen, patient):
        registry.registerPatientFor(
            patient, KEY_A, FAR_DEADLINE, signature, {"from": registered_guardian}
        )


def test_register_patient_for_reverts_when_the_signature_expired(
    registry, registered_guardian, patient, now, at_time, reverts_with
):
    deadline = now() + 60
    signature = sign_guardianship(registry, patient, registered_guardian, KEY_A, deadline)
    at_time(deadline + 1)

    with reverts_with("ParticipantRegistrySignatureExpired", deadline):
        registry.registerPatientFor(
            patient, KEY_A, deadline, signature, {"from": registered_guardian}
        )

    assert not registry.hasRole(PATIENT_ROLE, patient)


@pytest.mark.parametrize("domain", ["chain", "deployment"])
def test_register_patient_for_reverts_when_the_signature_is_for_another_domain(
    ParticipantRegistry, registry, admin, registered_guardian, patient, reverts_with, domain
):
    if domain == "chain":
        other = {"chain_id": web3.eth.chain_id + 1}
    else:
        other = {"verifying_contract": ParticipantRegistry.deploy(admin, {"from": admin})}
    signature = sign_guardianship(registry, patient, registered_guardian, KEY_A, **other)
    seen = guardianship_signer(registry, signature, patient, registered_guardian, KEY_A)
    assert seen != patient

    with reverts_with("ParticipantRegistryInvalidSigner", seen, patient):
        registry.registerPatientFor(
            patient, KEY_A, FAR_DEADLINE, signature, {"from": registered_guardian}
        )


def test_register_patient_for_does_not_take_a_registration_signature(
    registry, registered_guardian, patient, reverts_with
):
    """The ward's signature of its own (gasless) registration is no consent to a guardian."""
    signature = sign_registration(registry, patient, KEY_A)
    seen = guardianship_signer(registry, signature, patient, registered_guardian, KEY_A)

    with reverts_with("ParticipantRegistryInvalidSigner", seen, patient):
        registry.registerPatientFor(
            patient, KEY_A, FAR_DEADLINE, signature, {"from": registered_guardian}
        )


def test_register_patient_for_reverts_on_a_malformed_signature_as_the_zero_signer(
    registry, registered_guardian, patient, reverts_with
):
    with reverts_with("ParticipantRegistryInvalidSigner", ZERO_ADDRESS, patient):
        registry.registerPatientFor(
            patient, KEY_A, FAR_DEADLINE, MALFORMED_SIGNATURE, {"from": registered_guardian}
        )


def test_register_patient_for_refuses_the_signature_once_it_was_used(
    registry, registered_guardian, patient, reverts_with
):
    signature = sign_guardianship(registry, patient, registered_guardian, KEY_A)
    registry.registerPatientFor(
        patient, KEY_A, FAR_DEADLINE, signature, {"from": registered_guardian}
    )

    with reverts_with("ParticipantRegistryAlreadyRegistered", patient):
        registry.registerPatientFor(
            patient, KEY_A, FAR_DEADLINE, signature, {"from": registered_guardian}
        )


def test_register_patient_for_refuses_the_signature_after_the_guardianship_ended(
    registry, registered_guardian, patient, reverts_with
):
    signature = sign_guardianship(registry, patient, registered_guardian, KEY_A)
    registry.registerPatientFor(
        patient, KEY_A, FAR_DEADLINE, signature, {"from": registered_guardian}
    )
    registry.endGuardianship(patient, {"from": patient})

    with reverts_with("ParticipantRegistryAlreadyRegistered", patient):
        registry.registerPatientFor(
            patient, KEY_A, FAR_DEADLINE, signature, {"from": registered_guardian}
        )

    assert registry.guardianOf(patient) == ZERO_ADDRESS


@pytest.mark.parametrize("how", ["registerPatient", "registerPatientBySig"])
def test_a_ward_cancels_a_guardianship_it_signed_by_registering_itself_first(
    registry, registered_guardian, patient, stranger, reverts_with, how
):
    signature = sign_guardianship(registry, patient, registered_guardian, KEY_A)
    if how == "registerPatient":
        registry.registerPatient(KEY_B, {"from": patient})
    else:
        own = sign_registration(registry, patient, KEY_B)
        registry.registerPatientBySig(patient, KEY_B, FAR_DEADLINE, own, {"from": stranger})

    with reverts_with("ParticipantRegistryAlreadyRegistered", patient):
        registry.registerPatientFor(
            patient, KEY_A, FAR_DEADLINE, signature, {"from": registered_guardian}
        )

    assert registry.guardianOf(patient) == ZERO_ADDRESS
    assert norm(registry.encryptionKeyOf(patient)) == norm(KEY_B)


def test_register_patient_for_checks_account_in_use_before_the_deadline(
    registry, regulator, registered_guardian, now, at_time, reverts_with
):
    deadline = now() + 60
    signature = sign_guardianship(registry, regulator, registered_guardian, KEY_A, deadline)
    at_time(deadline + 1)

    with reverts_with("ParticipantRegistryAccountInUse", regulator):
        registry.registerPatientFor(
            regulator, KEY_A, deadline, signature, {"from": registered_guardian}
        )


def test_register_patient_for_checks_the_deadline_before_the_signer(
    registry, registered_guardian, patient, now, at_time, reverts_with
):
    deadline = now() + 60
    at_time(deadline + 1)

    with reverts_with("ParticipantRegistrySignatureExpired", deadline):
        registry.registerPatientFor(
            patient, KEY_A, deadline, MALFORMED_SIGNATURE, {"from": registered_guardian}
        )


def test_register_patient_for_checks_the_signer_before_the_key(
    registry, registered_guardian, patient, reverts_with
):
    with reverts_with("ParticipantRegistryInvalidSigner", ZERO_ADDRESS, patient):
        registry.registerPatientFor(
            patient, ZERO_BYTES32, FAR_DEADLINE, MALFORMED_SIGNATURE, {"from": registered_guardian}
        )


# ------------------------------------------------------------------------- registerPatientBySig


def test_register_patient_by_sig_registers_the_signer_with_the_signed_key(
    registry, patient, stranger
):
    signature = sign_registration(registry, patient, KEY_A)

    registry.registerPatientBySig(patient, KEY_A, FAR_DEADLINE, signature, {"from": stranger})

    assert registry.hasRole(PATIENT_ROLE, patient)
    assert registry.isActive(patient, PATIENT_ROLE)
    assert registry.rolesOf(patient) == ROLE_BIT[PATIENT_ROLE]
    assert norm(registry.encryptionKeyOf(patient)) == norm(KEY_A)
    assert registry.guardianOf(patient) == ZERO_ADDRESS


def test_register_patient_by_sig_leaves_the_relayer_unchanged(registry, patient, stranger):
    signature = sign_registration(registry, patient, KEY_A)

    registry.registerPatientBySig(patient, KEY_A, FAR_DEADLINE, signature, {"from": stranger})

    assert registry.rolesOf(stranger) == 0
    assert norm(registry.encryptionKeyOf(stranger)) == norm(ZERO_BYTES32)


def test_register_patient_by_sig_emits_events_naming_the_relayer_as_registrar(
    registry, patient, stranger
):
    signature = sign_registration(registry, patient, KEY_A)

    tx = registry.registerPatientBySig(patient, KEY_A, FAR_DEADLINE, signature, {"from": stranger})

    assert event_names(tx) == ["RoleGranted", "PatientRegistered", "EncryptionKeyRotated"]
    assert_event(tx, "RoleGranted", role=PATIENT_ROLE, account=patient, sender=stranger)
    assert_event(tx, "PatientRegistered", patient=patient, registrar=stranger)
    assert_event(
        tx, "EncryptionKeyRotated", account=patient, previousKey=ZERO_BYTES32, newKey=KEY_A
    )


@pytest.mark.parametrize("name", ACCOUNT_NAMES)
def test_register_patient_by_sig_is_relayed_by_any_account(registry, named, patient, name):
    signature = sign_registration(registry, patient, KEY_A)

    registry.registerPatientBySig(patient, KEY_A, FAR_DEADLINE, signature, {"from": named[name]})

    assert registry.hasRole(PATIENT_ROLE, patient)


def test_register_patient_by_sig_adds_the_patient_bit_to_a_licensed_participant(
    registry, issue, provider, stranger
):
    issue(provider, PROVIDER_ROLE)
    signature = sign_registration(registry, provider, KEY_A)

    registry.registerPatientBySig(provider, KEY_A, FAR_DEADLINE, signature, {"from": stranger})

    assert registry.rolesOf(provider) == ROLE_BIT[PROVIDER_ROLE] | ROLE_BIT[PATIENT_ROLE]
    assert registry.isActive(provider, PROVIDER_ROLE)


def test_register_patient_by_sig_accepts_a_signature_in_the_second_of_its_deadline(
    registry, patient, stranger, now, at_time
):
    deadline = now() + 60
    signature = sign_registration(registry, patient, KEY_A, deadline)
    at_time(deadline)

    registry.registerPatientBySig(patient, KEY_A, deadline, signature, {"from": stranger})

    assert registry.hasRole(PATIENT_ROLE, patient)


def test_register_patient_by_sig_reverts_when_the_signature_expired(
    registry, patient, stranger, now, at_time, reverts_with
):
    deadline = now() + 60
    signature = sign_registration(registry, patient, KEY_A, deadline)
    at_time(deadline + 1)

    with reverts_with("ParticipantRegistrySignatureExpired", deadline):
        registry.registerPatientBySig(patient, KEY_A, deadline, signature, {"from": stranger})

    assert not registry.hasRole(PATIENT_ROLE, patient)


def test_register_patient_by_sig_reverts_when_someone_else_signed(
    registry, patient, stranger, reverts_with
):
    signature = sign_registration(registry, patient, KEY_A, signer=stranger)

    with reverts_with("ParticipantRegistryInvalidSigner", stranger, patient):
        registry.registerPatientBySig(patient, KEY_A, FAR_DEADLINE, signature, {"from": stranger})

    assert not registry.hasRole(PATIENT_ROLE, patient)


def test_register_patient_by_sig_reverts_when_the_signature_names_another_key(
    registry, patient, stranger, reverts_with
):
    """Nobody who relays a registration can swap in a key of its own."""
    signature = sign_registration(registry, patient, KEY_A)
    seen = registration_signer(registry, signature, patient, OTHER_KEY, FAR_DEADLINE)

    with reverts_with("ParticipantRegistryInvalidSigner", seen, patient):
        registry.registerPatientBySig(
            patient, OTHER_KEY, FAR_DEADLINE, signature, {"from": stranger}
        )

    assert norm(registry.encryptionKeyOf(patient)) == norm(ZERO_BYTES32)


def test_register_patient_by_sig_reverts_when_the_signature_names_another_patient(
    registry, patient, stranger, reverts_with
):
    signature = sign_registration(registry, patient, KEY_A)
    seen = registration_signer(registry, signature, stranger, KEY_A, FAR_DEADLINE)

    with reverts_with("ParticipantRegistryInvalidSigner", seen, stranger):
        registry.registerPatientBySig(stranger, KEY_A, FAR_DEADLINE, signature, {"from": stranger})

    assert not registry.hasRole(PATIENT_ROLE, stranger)


@pytest.mark.parametrize("domain", ["chain", "deployment"])
def test_register_patient_by_sig_reverts_when_the_signature_is_for_another_domain(
    ParticipantRegistry, registry, admin, patient, stranger, reverts_with, domain
):
    if domain == "chain":
        other = {"chain_id": web3.eth.chain_id + 1}
    else:
        other = {"verifying_contract": ParticipantRegistry.deploy(admin, {"from": admin})}
    signature = sign_registration(registry, patient, KEY_A, **other)
    seen = registration_signer(registry, signature, patient, KEY_A, FAR_DEADLINE)
    assert seen != patient

    with reverts_with("ParticipantRegistryInvalidSigner", seen, patient):
        registry.registerPatientBySig(patient, KEY_A, FAR_DEADLINE, signature, {"from": stranger})


def test_register_patient_by_sig_does_not_take_a_guardianship_signature(
    registry, registered_guardian, patient, reverts_with
):
    """A ward's consent to a guardian cannot be turned into a plain registration that leaves the
    guardian out (or in) without the ward having said so."""
    signature = sign_guardianship(registry, patient, registered_guardian, KEY_A)
    seen = registration_signer(registry, signature, patient, KEY_A, FAR_DEADLINE)

    with reverts_with("ParticipantRegistryInvalidSigner", seen, patient):
        registry.registerPatientBySig(
            patient, KEY_A, FAR_DEADLINE, signature, {"from": registered_guardian}
        )


def test_register_patient_by_sig_reverts_on_a_malformed_signature_as_the_zero_signer(
    registry, patient, stranger, reverts_with
):
    with reverts_with("ParticipantRegistryInvalidSigner", ZERO_ADDRESS, patient):
        registry.registerPatientBySig(
            patient, KEY_A, FAR_DEADLINE, MALFORMED_SIGNATURE, {"from": stranger}
        )


def test_register_patient_by_sig_reverts_for_the_zero_address(registry, stranger, reverts_with):
    with reverts_with("ParticipantRegistryZeroAddress"):
        registry.registerPatientBySig(
            ZERO_ADDRESS, KEY_A, FAR_DEADLINE, MALFORMED_SIGNATURE, {"from": stranger}
        )


def test_register_patient_by_sig_refuses_a_replayed_signature(
    registry, patient, stranger, reverts_with
):
    signature = sign_registration(registry, patient, KEY_A)
    registry.registerPatientBySig(patient, KEY_A, FAR_DEADLINE, signature, {"from": stranger})
    registry.setEncryptionKey(KEY_B, {"from": patient})

    with reverts_with("ParticipantRegistryAlreadyRegistered", patient):
        registry.registerPatientBySig(patient, KEY_A, FAR_DEADLINE, signature, {"from": stranger})

    assert norm(registry.encryptionKeyOf(patient)) == norm(KEY_B)


def test_register_patient_by_sig_reverts_when_the_patient_registered_itself(
    registry, patient, stranger, reverts_with
):
    signature = sign_registration(registry, patient, KEY_B)
    registry.registerPatient(KEY_A, {"from": patient})

    with reverts_with("ParticipantRegistryAlreadyRegistered", patient):
        registry.registerPatientBySig(patient, KEY_B, FAR_DEADLINE, signature, {"from": stranger})

    assert norm(registry.encryptionKeyOf(patient)) == norm(KEY_A)


def test_register_patient_by_sig_reverts_when_the_signed_key_is_zero(
    registry, patient, stranger, reverts_with
):
    signature = sign_registration(registry, patient, ZERO_BYTES32)

    with reverts_with("ParticipantRegistryInvalidEncryptionKey"):
        registry.registerPatientBySig(
            patient, ZERO_BYTES32, FAR_DEADLINE, signature, {"from": stranger}
        )

    assert registry.rolesOf(patient) == 0


def test_register_patient_by_sig_checks_the_deadline_before_the_signer(
    registry, patient, stranger, now, at_time, reverts_with
):
    deadline = now() + 60
    at_time(deadline + 1)

    with reverts_with("ParticipantRegistrySignatureExpired", deadline):
        registry.registerPatientBySig(
            patient, KEY_A, deadline, MALFORMED_SIGNATURE, {"from": stranger}
        )


# ------------------------------------------------------------------------ endGuardianship


@pytest.fixture
def ward(registry, registered_guardian, patient):
    """The patient, registered by the guardian with its signed consent."""
    register_ward(registry, registered_guardian, patient, KEY_A)
    return patient


@pytest.mark.parametrize("by", ["ward", "guardian"])
def test_end_guardianship_by_the_ward_or_the_guardian_clears_the_guardian(
    registry, ward, registered_guardian, by
):
    caller = ward if by == "ward" else registered_guardian

    tx = registry.endGuardianship(ward, {"from": caller})

    assert registry.guardianOf(ward) == ZERO_ADDRESS
    assert event_names(tx) == ["GuardianshipEnded"]
    assert_event(tx, "GuardianshipEnded", ward=ward, guardian=registered_guardian, endedBy=caller)


def test_end_guardianship_leaves_the_ward_a_patient_with_its_key(
    registry, ward, registered_guardian
):
    registry.endGuardianship(ward, {"from": registered_guardian})

    assert registry.hasRole(PATIENT_ROLE, ward)
    assert registry.rolesOf(ward) == ROLE_BIT[PATIENT_ROLE]
    assert norm(registry.encryptionKeyOf(ward)) == norm(KEY_A)
    assert registry.hasRole(PATIENT_ROLE, registered_guardian)


@pytest.mark.parametrize("name", [n for n in ACCOUNT_NAMES if n not in ("patient", "guardian")])
def test_end_guardianship_reverts_for_anyone_but_the_ward_and_the_guardian(
    registry, enrol, named, ward, registered_guardian, reverts_with, name
):
    caller = enrol(name)

    with reverts_with("ParticipantRegistryNotWardOrGuardian", ward, caller):
        registry.endGuardianship(ward, {"from": caller})

    assert registry.guardianOf(ward) == registered_guardian


def test_end_guardianship_reverts_for_the_ward_of_another_guardian(
    registry, ward, stranger, reverts_with
):
    """A ward's own ward (the ward acting as guardian) cannot end its guardian's guardianship."""
    register_ward(registry, ward, stranger, KEY_B)

    with reverts_with("ParticipantRegistryNotWardOrGuardian", ward, stranger):
        registry.endGuardianship(ward, {"from": stranger})


def test_end_guardianship_reverts_for_a_patient_who_registered_itself(
    registry, patient, reverts_with
):
    registry.registerPatient(KEY_A, {"from": patient})

    with reverts_with("ParticipantRegistryNoGuardian", patient):
        registry.endGuardianship(patient, {"from": patient})


def test_end_guardianship_reverts_for_an_account_that_is_no_patient(
    registry, stranger, reverts_with
):
    with reverts_with("ParticipantRegistryNoGuardian", stranger):
        registry.endGuardianship(stranger, {"from": stranger})
    with reverts_with("ParticipantRegistryNoGuardian", ZERO_ADDRESS):
        registry.endGuardianship(ZERO_ADDRESS, {"from": stranger})


def test_end_guardianship_reverts_once_it_has_ended(
    registry, ward, registered_guardian, reverts_with
):
    registry.endGuardianship(ward, {"from": ward})

    with reverts_with("ParticipantRegistryNoGuardian", ward):
        registry.endGuardianship(ward, {"from": registered_guardian})
    with reverts_with("ParticipantRegistryNoGuardian", ward):
        registry.endGuardianship(ward, {"from": ward})


def test_end_guardianship_checks_for_a_guardian_before_the_caller(
    registry, patient, stranger, reverts_with
):
    registry.registerPatient(KEY_A, {"from": patient})

    with reverts_with("ParticipantRegistryNoGuardian", patient):
        registry.endGuardianship(patient, {"from": stranger})


def test_end_guardianship_ends_only_the_named_wards_guardianship(
    registry, ward, registered_guardian, stranger
):
    register_ward(registry, registered_guardian, stranger, KEY_B)

    registry.endGuardianship(ward, {"from": ward})

    assert registry.guardianOf(ward) == ZERO_ADDRESS
    assert registry.guardianOf(stranger) == registered_guardian


# ------------------------------------------------------------------------------- guardianOf


def test_guardian_of_is_zero_for_accounts_without_a_guardian(registry, patient, stranger):
    signature = sign_registration(registry, stranger, KEY_B)
    registry.registerPatient(KEY_A, {"from": patient})
    registry.registerPatientBySig(stranger, KEY_B, FAR_DEADLINE, signature, {"from": patient})

    assert registry.guardianOf(patient) == ZERO_ADDRESS  # registered itself
    assert registry.guardianOf(stranger) == ZERO_ADDRESS  # registered by its own signature
    assert registry.guardianOf(ZERO_ADDRESS) == ZERO_ADDRESS


# -------------------------------------------------------------------------------- EIP-712


def test_the_domain_separator_binds_name_version_chain_and_registry(registry):
    expected = keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [
                keccak(
                    text="EIP712Domain(string name,string version,uint256 chainId,"
                    "address verifyingContract)"
                ),
                keccak(text="hygeia.ParticipantRegistry"),
                keccak(text="1"),
                web3.eth.chain_id,
                registry.address,
            ],
        )
    )
    assert bytes(registry.DOMAIN_SEPARATOR()) == expected


def test_the_type_hashes_are_those_of_the_documented_types(registry):
    assert bytes(registry.GUARDIANSHIP_TYPEHASH()) == keccak(text=GUARDIANSHIP_TYPE)
    assert bytes(registry.REGISTRATION_TYPEHASH()) == keccak(text=REGISTRATION_TYPE)
