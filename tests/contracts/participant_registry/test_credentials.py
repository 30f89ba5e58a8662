"""ParticipantRegistry: the credential lifecycle of the licensed roles and isActive."""

from __future__ import annotations

import pytest
from eth_utils import keccak

from tests.brownie_support import ZERO_ADDRESS, assert_event, event_names, norm
from tests.contracts.participant_registry.support import (
    ACTIVE,
    ADMIN_ROLE,
    DAY,
    FOREIGN_ROLE,
    INSURER_ROLE,
    JURISDICTION,
    KEY_A,
    LICENSE_HASH,
    LICENSED_HOLDER,
    LICENSED_ROLES,
    NON_REGULATORS,
    NONE,
    PATIENT_ROLE,
    PROVIDER_ROLE,
    REGULATOR_ROLE,
    REVOKED,
    ROLE_BIT,
    SUSPENDED,
    YEAR,
    ZERO_BYTES32,
    credential_of,
    expected_credential,
)

LICENSED = sorted(LICENSED_ROLES)
NOT_LICENSED = {
    "ADMIN": ADMIN_ROLE,
    "REGULATOR": REGULATOR_ROLE,
    "PATIENT": PATIENT_ROLE,
    "FOREIGN": FOREIGN_ROLE,
}
OTHER_LICENSE = keccak(text="US-CA|LIC-0002")
OTHER_JURISDICTION = b"US-CA".ljust(8, b"\0")


@pytest.fixture
def window(now):
    """(validFrom, validUntil) of a credential valid from a day ago for a year."""
    current = now()
    return current - DAY, current + YEAR


@pytest.fixture
def credentialed(issue, provider, window):
    """The provider holds an Active PROVIDER credential for `window`."""
    issue(provider, PROVIDER_ROLE, *window)
    return provider


@pytest.fixture
def suspended(registry, credentialed, regulator):
    registry.suspendCredential(credentialed, PROVIDER_ROLE, {"from": regulator})
    return credentialed


@pytest.fixture
def revoked(registry, credentialed, regulator):
    registry.revokeCredential(credentialed, PROVIDER_ROLE, {"from": regulator})
    return credentialed


def issue_args(account, role=PROVIDER_ROLE, window=(0, 0), license_hash=LICENSE_HASH):
    return (account, role, license_hash, JURISDICTION, *window)


# ------------------------------------------------------------------------------ issueCredential


@pytest.mark.parametrize("role_name", LICENSED)
def test_issue_credential_stores_the_credential_and_grants_the_role(
    registry, named, regulator, window, role_name
):
    role = LICENSED_ROLES[role_name]
    holder = named[LICENSED_HOLDER[role_name]]

    registry.issueCredential(holder, role, LICENSE_HASH, JURISDICTION, *window, {"from": regulator})

    assert credential_of(registry, holder, role) == expected_credential(
        valid_from=window[0], valid_until=window[1], status=ACTIVE
    )
    assert registry.hasRole(role, holder)
    assert registry.isActive(holder, role)
    assert registry.rolesOf(holder) == ROLE_BIT[role]


@pytest.mark.parametrize("role_name", LICENSED)
def test_issue_credential_emits_role_granted_then_credential_issued(
    registry, named, regulator, window, role_name
):
    role = LICENSED_ROLES[role_name]
    holder = named[LICENSED_HOLDER[role_name]]

    tx = registry.issueCredential(
        holder, role, LICENSE_HASH, JURISDICTION, *window, {"from": regulator}
    )

    assert event_names(tx) == ["RoleGranted", "CredentialIssued"]
    assert_event(tx, "RoleGranted", role=role, account=holder, sender=regulator)
    assert_event(
        tx,
        "CredentialIssued",
        account=holder,
        role=role,
        regulator=regulator,
        licenseHash=LICENSE_HASH,
        jurisdiction=JURISDICTION,
        validFrom=window[0],
        validUntil=window[1],
    )


def test_issue_credential_keeps_credentials_for_different_roles_apart(
    registry, issue, provider, regulator, window
):
    issue(provider, PROVIDER_ROLE, *window)
    issue(provider, INSURER_ROLE, window[0] + 1, window[1] + 1, license_hash=OTHER_LICENSE)

    registry.suspendCredential(provider, INSURER_ROLE, {"from": regulator})

    assert registry.isActive(provider, PROVIDER_ROLE)
    assert not registry.isActive(provider, INSURER_ROLE)
    assert credential_of(registry, provider, PROVIDER_ROLE) == expected_credential(
        valid_from=window[0], valid_until=window[1]
    )
    assert credential_of(registry, provider, INSURER_ROLE) == expected_credential(
        license_hash=OTHER_LICENSE,
        valid_from=window[0] + 1,
        valid_until=window[1] + 1,
        status=SUSPENDED,
    )
    assert registry.rolesOf(provider) == ROLE_BIT[PROVIDER_ROLE] | ROLE_BIT[INSURER_ROLE]


def test_issue_credential_accepts_a_window_that_started_in_the_past(registry, issue, provider):
    issue(provider, PROVIDER_ROLE, 0, 2**64 - 1)

    assert registry.isActive(provider, PROVIDER_ROLE)
    assert credential_of(registry, provider, PROVIDER_ROLE)["validUntil"] == 2**64 - 1


def test_issue_credential_accepts_a_window_ending_in_the_block_it_is_mined(
    registry, provider, regulator, now, at_time
):
    t = now() + 50
    at_time(t)

    tx = registry.issueCredential(*issue_args(provider, window=(t - 10, t)), {"from": regulator})

    assert tx.timestamp == t
    assert registry.isActive(provider, PROVIDER_ROLE)


def test_issue_credential_works_for_a_second_regulator(registry, admin, stranger, provider, window):
    registry.grantRole(REGULATOR_ROLE, stranger, {"from": admin})

    tx = registry.issueCredential(*issue_args(provider, window=window), {"from": stranger})

    assert_event(tx, "RoleGranted", role=PROVIDER_ROLE, account=provider, sender=stranger)
    assert norm(tx.events["CredentialIssued"]["regulator"]) == norm(stranger)
    assert registry.isActive(provider, PROVIDER_ROLE)


@pytest.mark.parametrize("name", NON_REGULATORS)
def test_issue_credential_reverts_when_caller_is_not_regulator(
    registry, enrol, guardian, window, reverts_with, name
):
    caller = enrol(name)

    with reverts_with("AccessControlUnauthorizedAccount", caller, REGULATOR_ROLE):
        registry.issueCredential(*issue_args(guardian, window=window), {"from": caller})

    assert credential_of(registry, guardian, PROVIDER_ROLE)["status"] == NONE
    assert not registry.hasRole(PROVIDER_ROLE, guardian)


def test_issue_credential_reverts_when_caller_regulator_role_was_revoked(
    registry, admin, regulator, provider, window, reverts_with
):
    registry.revokeRole(REGULATOR_ROLE, regulator, {"from": admin})

    with reverts_with("AccessControlUnauthorizedAccount", regulator, REGULATOR_ROLE):
        registry.issueCredential(*issue_args(provider, window=window), {"from": regulator})


@pytest.mark.parametrize("role_name", sorted(NOT_LICENSED))
def test_issue_credential_reverts_when_role_is_not_licensed(
    registry, regulator, provider, window, reverts_with, role_name
):
    role = NOT_LICENSED[role_name]

    with reverts_with("ParticipantRegistryRoleNotLicensed", role):
        registry.issueCredential(*issue_args(provider, role, window), {"from": regulator})

    assert not registry.hasRole(role, provider)
    assert registry.rolesOf(provider) == 0


def test_issue_credential_checks_the_caller_before_the_role(
    registry, stranger, provider, window, reverts_with
):
    with reverts_with("AccessControlUnauthorizedAccount", stranger, REGULATOR_ROLE):
        registry.issueCredential(*issue_args(provider, PATIENT_ROLE, window), {"from": stranger})


def test_issue_credential_reverts_when_account_is_zero_address(
    registry, regulator, window, reverts_with
):
    with reverts_with("ParticipantRegistryZeroAddress"):
        registry.issueCredential(*issue_args(ZERO_ADDRESS, window=window), {"from": regulator})


def test_issue_credential_reverts_when_license_hash_is_zero(
    registry, regulator, provider, window, reverts_with
):
    with reverts_with("ParticipantRegistryInvalidLicense"):
        registry.issueCredential(
            provider, PROVIDER_ROLE, ZERO_BYTES32, JURISDICTION, *window, {"from": regulator}
        )

    assert credential_of(registry, provider, PROVIDER_ROLE)["status"] == NONE


def test_issue_credential_reverts_when_jurisdiction_is_zero(
    registry, regulator, provider, window, reverts_with
):
    with reverts_with("ParticipantRegistryInvalidLicense"):
        registry.issueCredential(
            provider, PROVIDER_ROLE, LICENSE_HASH, bytes(8), *window, {"from": regulator}
        )

    assert credential_of(registry, provider, PROVIDER_ROLE)["status"] == NONE


@pytest.mark.parametrize("valid_until_offset", [0, -1], ids=["empty", "reversed"])
def test_issue_credential_reverts_when_validity_window_is_empty(
    registry, regulator, provider, now, reverts_with, valid_until_offset
):
    valid_from = now() + DAY
    valid_until = valid_from + valid_until_offset

    with reverts_with("ParticipantRegistryInvalidValidity", valid_from, valid_until):
        registry.issueCredential(
            *issue_args(provider, window=(valid_from, valid_until)), {"from": regulator}
        )

    assert credential_of(registry, provider, PROVIDER_ROLE)["status"] == NONE


def test_issue_credential_reverts_when_validity_already_ended(
    registry, regulator, provider, now, at_time, reverts_with
):
    t = now() + 50
    at_time(t)

    with reverts_with("ParticipantRegistryInvalidValidity", t - 100, t - 1):
        registry.issueCredential(
            *issue_args(provider, window=(t - 100, t - 1)), {"from": regulator}
        )

    assert not registry.hasRole(PROVIDER_ROLE, provider)


def test_issue_credential_reverts_when_a_credential_is_active(
    registry, credentialed, regulator, window, reverts_with
):
    with reverts_with("ParticipantRegistryCredentialExists", credentialed, PROVIDER_ROLE):
        registry.issueCredential(
            credentialed,
            PROVIDER_ROLE,
            OTHER_LICENSE,
            OTHER_JURISDICTION,
            *window,
            {"from": regulator},
        )

    assert credential_of(registry, credentialed, PROVIDER_ROLE) == expected_credential(
        valid_from=window[0], valid_until=window[1], status=ACTIVE
    )


def test_issue_credential_reverts_when_a_credential_is_suspended(
    registry, suspended, regulator, window, reverts_with
):
    with reverts_with("ParticipantRegistryCredentialExists", suspended, PROVIDER_ROLE):
        registry.issueCredential(*issue_args(suspended, window=window), {"from": regulator})

    assert credential_of(registry, suspended, PROVIDER_ROLE)["status"] == SUSPENDED


def test_issue_credential_reverts_when_the_live_credential_has_expired(
    registry, issue, provider, regulator, now, mine_at, reverts_with
):
    t = now()
    issue(provider, PROVIDER_ROLE, t - DAY, t + 100)
    mine_at(t + 101)
    assert not registry.isActive(provider, PROVIDER_ROLE)

    with reverts_with("ParticipantRegistryCredentialExists", provider, PROVIDER_ROLE):
        registry.issueCredential(*issue_args(provider, window=(t, t + YEAR)), {"from": regulator})


def test_issue_credential_after_revocation_replaces_the_old_credential(
    registry, revoked, regulator, now
):
    t = now()
    tx = registry.issueCredential(
        revoked,
        PROVIDER_ROLE,
        OTHER_LICENSE,
        OTHER_JURISDICTION,
        t - 5,
        t + 2 * YEAR,
        {"from": regulator},
    )

    assert event_names(tx) == ["RoleGranted", "CredentialIssued"]
    assert credential_of(registry, revoked, PROVIDER_ROLE) == expected_credential(
        license_hash=OTHER_LICENSE,
        jurisdiction=OTHER_JURISDICTION,
        valid_from=t - 5,
        valid_until=t + 2 * YEAR,
        status=ACTIVE,
    )
    assert registry.hasRole(PROVIDER_ROLE, revoked)
    assert registry.isActive(revoked, PROVIDER_ROLE)
    assert registry.rolesOf(revoked) == ROLE_BIT[PROVIDER_ROLE]


# ------------------------------------------------------------------------------ renewCredential


def test_renew_credential_moves_the_end_of_validity(registry, credentialed, regulator, window):
    new_until = window[1] + YEAR

    registry.renewCredential(credentialed, PROVIDER_ROLE, new_until, {"from": regulator})

    assert credential_of(registry, credentialed, PROVIDER_ROLE) == expected_credential(
        valid_from=window[0], valid_until=new_until, status=ACTIVE
    )
    assert registry.isActive(credentialed, PROVIDER_ROLE)


def test_renew_credential_emits_credential_renewed(registry, credentialed, regulator, window):
    new_until = window[1] + YEAR

    tx = registry.renewCredential(credentialed, PROVIDER_ROLE, new_until, {"from": regulator})

    assert event_names(tx) == ["CredentialRenewed"]
    assert_event(
        tx,
        "CredentialRenewed",
        account=credentialed,
        role=PROVIDER_ROLE,
        regulator=regulator,
        validUntil=new_until,
    )


def test_renew_credential_may_shorten_the_validity(registry, credentialed, regulator, now, mine_at):
    t = now()
    registry.renewCredential(credentialed, PROVIDER_ROLE, t + 100, {"from": regulator})

    assert credential_of(registry, credentialed, PROVIDER_ROLE)["validUntil"] == t + 100
    mine_at(t + 100)
    assert registry.isActive(credentialed, PROVIDER_ROLE)
    mine_at(t + 101)
    assert not registry.isActive(credentialed, PROVIDER_ROLE)


def test_renew_credential_brings_an_expired_credential_back(
    registry, issue, provider, regulator, now, mine_at
):
    t = now()
    issue(provider, PROVIDER_ROLE, t - DAY, t + 100)
    mine_at(t + 200)
    assert not registry.isActive(provider, PROVIDER_ROLE)

    registry.renewCredential(provider, PROVIDER_ROLE, t + YEAR, {"from": regulator})

    assert registry.isActive(provider, PROVIDER_ROLE)


def test_renew_credential_of_a_suspended_credential_keeps_it_suspended(
    registry, suspended, regulator, window
):
    tx = registry.renewCredential(suspended, PROVIDER_ROLE, window[1] + DAY, {"from": regulator})

    assert_event(
        tx,
        "CredentialRenewed",
        account=suspended,
        role=PROVIDER_ROLE,
        regulator=regulator,
        validUntil=window[1] + DAY,
    )
    assert credential_of(registry, suspended, PROVIDER_ROLE) == expected_credential(
        valid_from=window[0], valid_until=window[1] + DAY, status=SUSPENDED
    )
    assert not registry.isActive(suspended, PROVIDER_ROLE)


def test_renew_credential_accepts_a_validity_ending_in_the_block_it_is_mined(
    registry, credentialed, regulator, now, at_time
):
    t = now() + 50
    at_time(t)

    registry.renewCredential(credentialed, PROVIDER_ROLE, t, {"from": regulator})

    assert credential_of(registry, credentialed, PROVIDER_ROLE)["validUntil"] == t
    assert registry.isActive(credentialed, PROVIDER_ROLE)


@pytest.mark.parametrize("name", NON_REGULATORS)
def test_renew_credential_reverts_when_caller_is_not_regulator(
    registry, credentialed, enrol, window, reverts_with, name
):
    caller = enrol(name)

    with reverts_with("AccessControlUnauthorizedAccount", caller, REGULATOR_ROLE):
        registry.renewCredential(credentialed, PROVIDER_ROLE, window[1] + YEAR, {"from": caller})

    assert credential_of(registry, credentialed, PROVIDER_ROLE)["validUntil"] == window[1]


def test_renew_credential_reverts_when_no_credential_was_issued(
    registry, provider, regulator, window, reverts_with
):
    with reverts_with("ParticipantRegistryCredentialNotFound", provider, PROVIDER_ROLE):
        registry.renewCredential(provider, PROVIDER_ROLE, window[1], {"from": regulator})


def test_renew_credential_reverts_when_the_credential_is_revoked(
    registry, revoked, regulator, window, reverts_with
):
    with reverts_with("ParticipantRegistryCredentialNotFound", revoked, PROVIDER_ROLE):
        registry.renewCredential(revoked, PROVIDER_ROLE, window[1] + YEAR, {"from": regulator})

    assert credential_of(registry, revoked, PROVIDER_ROLE)["validUntil"] == window[1]


def test_renew_credential_reverts_when_the_role_is_not_licensed(registry, regulator, reverts_with):
    with reverts_with("ParticipantRegistryCredentialNotFound", regulator, REGULATOR_ROLE):
        registry.renewCredential(regulator, REGULATOR_ROLE, 2**63, {"from": regulator})


@pytest.mark.parametrize("until_offset", [0, -1], ids=["equal", "before"])
def test_renew_credential_reverts_when_validity_would_end_before_it_starts(
    registry, issue, provider, regulator, now, reverts_with, until_offset
):
    valid_from = now() + DAY
    issue(provider, PROVIDER_ROLE, valid_from, valid_from + YEAR)

    with reverts_with("ParticipantRegistryInvalidValidity", valid_from, valid_from + until_offset):
        registry.renewCredential(
            provider, PROVIDER_ROLE, valid_from + until_offset, {"from": regulator}
        )

    assert credential_of(registry, provider, PROVIDER_ROLE)["validUntil"] == valid_from + YEAR


def test_renew_credential_reverts_when_new_end_is_in_the_past(
    registry, credentialed, regulator, window, now, at_time, reverts_with
):
    t = now() + 50
    at_time(t)

    with reverts_with("ParticipantRegistryInvalidValidity", window[0], t - 1):
        registry.renewCredential(credentialed, PROVIDER_ROLE, t - 1, {"from": regulator})

    assert credential_of(registry, credentialed, PROVIDER_ROLE)["validUntil"] == window[1]


# ---------------------------------------------------------------------------- suspendCredential


def test_suspend_credential_makes_the_credential_inactive_but_keeps_the_role(
    registry, credentialed, regulator, window
):
    registry.suspendCredential(credentialed, PROVIDER_ROLE, {"from": regulator})

    assert credential_of(registry, credentialed, PROVIDER_ROLE) == expected_credential(
        valid_from=window[0], valid_until=window[1], status=SUSPENDED
    )
    assert not registry.isActive(credentialed, PROVIDER_ROLE)
    assert registry.hasRole(PROVIDER_ROLE, credentialed)
    assert registry.rolesOf(credentialed) == ROLE_BIT[PROVIDER_ROLE]


def test_suspend_credential_emits_credential_suspended(registry, credentialed, regulator):
    tx = registry.suspendCredential(credentialed, PROVIDER_ROLE, {"from": regulator})

    assert event_names(tx) == ["CredentialSuspended"]
    assert_event(
        tx, "CredentialSuspended", account=credentialed, role=PROVIDER_ROLE, regulator=regulator
    )


def test_suspend_credential_works_on_an_expired_credential(
    registry, issue, provider, regulator, now, mine_at
):
    t = now()
    issue(provider, PROVIDER_ROLE, t - DAY, t + 10)
    mine_at(t + 20)

    registry.suspendCredential(provider, PROVIDER_ROLE, {"from": regulator})

    assert credential_of(registry, provider, PROVIDER_ROLE)["status"] == SUSPENDED


@pytest.mark.parametrize("name", NON_REGULATORS)
def test_suspend_credential_reverts_when_caller_is_not_regulator(
    registry, credentialed, enrol, reverts_with, name
):
    caller = enrol(name)

    with reverts_with("AccessControlUnauthorizedAccount", caller, REGULATOR_ROLE):
        registry.suspendCredential(credentialed, PROVIDER_ROLE, {"from": caller})

    assert credential_of(registry, credentialed, PROVIDER_ROLE)["status"] == ACTIVE
    assert registry.isActive(credentialed, PROVIDER_ROLE)


def test_suspend_credential_reverts_when_no_credential_was_issued(
    registry, provider, regulator, reverts_with
):
    with reverts_with("ParticipantRegistryCredentialNotFound", provider, PROVIDER_ROLE):
        registry.suspendCredential(provider, PROVIDER_ROLE, {"from": regulator})


def test_suspend_credential_reverts_when_the_credential_is_revoked(
    registry, revoked, regulator, reverts_with
):
    with reverts_with("ParticipantRegistryCredentialNotFound", revoked, PROVIDER_ROLE):
        registry.suspendCredential(revoked, PROVIDER_ROLE, {"from": regulator})

    assert credential_of(registry, revoked, PROVIDER_ROLE)["status"] == REVOKED


def test_suspend_credential_reverts_when_already_suspended(
    registry, suspended, regulator, reverts_with
):
    with reverts_with(
        "ParticipantRegistryUnexpectedCredentialStatus", suspended, PROVIDER_ROLE, SUSPENDED
    ):
        registry.suspendCredential(suspended, PROVIDER_ROLE, {"from": regulator})


# -------------------------------------------------------------------------- reinstateCredential


def test_reinstate_credential_makes_a_suspended_credential_active_again(
    registry, suspended, regulator, window
):
    registry.reinstateCredential(suspended, PROVIDER_ROLE, {"from": regulator})

    assert credential_of(registry, suspended, PROVIDER_ROLE) == expected_credential(
        valid_from=window[0], valid_until=window[1], status=ACTIVE
    )
    assert registry.isActive(suspended, PROVIDER_ROLE)
    assert registry.rolesOf(suspended) == ROLE_BIT[PROVIDER_ROLE]


def test_reinstate_credential_emits_credential_reinstated(registry, suspended, regulator):
    tx = registry.reinstateCredential(suspended, PROVIDER_ROLE, {"from": regulator})

    assert event_names(tx) == ["CredentialReinstated"]
    assert_event(
        tx, "CredentialReinstated", account=suspended, role=PROVIDER_ROLE, regulator=regulator
    )


def test_reinstate_credential_of_an_expired_credential_does_not_make_it_active(
    registry, issue, provider, regulator, now, mine_at
):
    t = now()
    issue(provider, PROVIDER_ROLE, t - DAY, t + 10)
    registry.suspendCredential(provider, PROVIDER_ROLE, {"from": regulator})
    mine_at(t + 20)

    registry.reinstateCredential(provider, PROVIDER_ROLE, {"from": regulator})

    assert credential_of(registry, provider, PROVIDER_ROLE)["status"] == ACTIVE
    assert not registry.isActive(provider, PROVIDER_ROLE)


@pytest.mark.parametrize("name", NON_REGULATORS)
def test_reinstate_credential_reverts_when_caller_is_not_regulator(
    registry, suspended, enrol, reverts_with, name
):
    caller = enrol(name)

    with reverts_with("AccessControlUnauthorizedAccount", caller, REGULATOR_ROLE):
        registry.reinstateCredential(suspended, PROVIDER_ROLE, {"from": caller})

    assert credential_of(registry, suspended, PROVIDER_ROLE)["status"] == SUSPENDED


def test_reinstate_credential_reverts_when_no_credential_was_issued(
    registry, provider, regulator, reverts_with
):
    with reverts_with("ParticipantRegistryCredentialNotFound", provider, PROVIDER_ROLE):
        registry.reinstateCredential(provider, PROVIDER_ROLE, {"from": regulator})


def test_reinstate_credential_reverts_when_the_credential_is_revoked(
    registry, revoked, regulator, reverts_with
):
    with reverts_with("ParticipantRegistryCredentialNotFound", revoked, PROVIDER_ROLE):
        registry.reinstateCredential(revoked, PROVIDER_ROLE, {"from": regulator})

    assert credential_of(registry, revoked, PROVIDER_ROLE)["status"] == REVOKED


def test_reinstate_credential_reverts_when_the_credential_is_active(
    registry, credentialed, regulator, reverts_with
):
    with reverts_with(
        "ParticipantRegistryUnexpectedCredentialStatus", credentialed, PROVIDER_ROLE, ACTIVE
    ):
        registry.reinstateCredential(credentialed, PROVIDER_ROLE, {"from": regulator})


# ----------------------------------------------------------------------------- revokeCredential


@pytest.mark.parametrize("from_status", ["active", "suspended"])
def test_revoke_credential_takes_the_role_away(
    registry, credentialed, regulator, window, from_status
):
    if from_status == "suspended":
        registry.suspendCredential(credentialed, PROVIDER_ROLE, {"from": regulator})

    registry.revokeCredential(credentialed, PROVIDER_ROLE, {"from": regulator})

    assert credential_of(registry, credentialed, PROVIDER_ROLE) == expected_credential(
        valid_from=window[0], valid_until=window[1], status=REVOKED
    )
    assert not registry.hasRole(PROVIDER_ROLE, credentialed)
    assert not registry.isActive(credentialed, PROVIDER_ROLE)
    assert registry.rolesOf(credentialed) == 0


@pytest.mark.parametrize("from_status", ["active", "suspended"])
def test_revoke_credential_emits_role_revoked_then_credential_revoked(
    registry, credentialed, regulator, from_status
):
    if from_status == "suspended":
        registry.suspendCredential(credentialed, PROVIDER_ROLE, {"from": regulator})

    tx = registry.revokeCredential(credentialed, PROVIDER_ROLE, {"from": regulator})

    assert event_names(tx) == ["RoleRevoked", "CredentialRevoked"]
    assert_event(tx, "RoleRevoked", role=PROVIDER_ROLE, account=credentialed, sender=regulator)
    assert_event(
        tx, "CredentialRevoked", account=credentialed, role=PROVIDER_ROLE, regulator=regulator
    )


def test_revoke_credential_leaves_the_other_roles_and_the_key_alone(
    registry, issue, provider, regulator
):
    issue(provider, PROVIDER_ROLE)
    issue(provider, INSURER_ROLE)
    registry.registerPatient(KEY_A, {"from": provider})

    registry.revokeCredential(provider, PROVIDER_ROLE, {"from": regulator})

    assert registry.rolesOf(provider) == ROLE_BIT[INSURER_ROLE] | ROLE_BIT[PATIENT_ROLE]
    assert registry.isActive(provider, INSURER_ROLE)
    assert norm(registry.encryptionKeyOf(provider)) == norm(KEY_A)


@pytest.mark.parametrize("name", NON_REGULATORS)
def test_revoke_credential_reverts_when_caller_is_not_regulator(
    registry, credentialed, enrol, reverts_with, name
):
    caller = enrol(name)

    with reverts_with("AccessControlUnauthorizedAccount", caller, REGULATOR_ROLE):
        registry.revokeCredential(credentialed, PROVIDER_ROLE, {"from": caller})

    assert registry.hasRole(PROVIDER_ROLE, credentialed)
    assert credential_of(registry, credentialed, PROVIDER_ROLE)["status"] == ACTIVE


def test_revoke_credential_reverts_when_no_credential_was_issued(
    registry, provider, regulator, reverts_with
):
    with reverts_with("ParticipantRegistryCredentialNotFound", provider, PROVIDER_ROLE):
        registry.revokeCredential(provider, PROVIDER_ROLE, {"from": regulator})


def test_revoke_credential_reverts_when_already_revoked(registry, revoked, regulator, reverts_with):
    with reverts_with("ParticipantRegistryCredentialNotFound", revoked, PROVIDER_ROLE):
        registry.revokeCredential(revoked, PROVIDER_ROLE, {"from": regulator})


def test_revoke_credential_cannot_take_a_patient_role_away(
    registry, patient, regulator, reverts_with
):
    registry.registerPatient(KEY_A, {"from": patient})

    with reverts_with("ParticipantRegistryCredentialNotFound", patient, PATIENT_ROLE):
        registry.revokeCredential(patient, PATIENT_ROLE, {"from": regulator})

    assert registry.hasRole(PATIENT_ROLE, patient)


# ------------------------------------------------------------------------------------ lifecycle


def test_credential_lifecycle_issue_suspend_reinstate_revoke_reissue(
    registry, provider, regulator, window
):
    args = issue_args(provider, window=window)
    registry.issueCredential(*args, {"from": regulator})
    assert registry.isActive(provider, PROVIDER_ROLE)

    registry.suspendCredential(provider, PROVIDER_ROLE, {"from": regulator})
    assert not registry.isActive(provider, PROVIDER_ROLE)
    assert registry.hasRole(PROVIDER_ROLE, provider)

    registry.reinstateCredential(provider, PROVIDER_ROLE, {"from": regulator})
    assert registry.isActive(provider, PROVIDER_ROLE)

    registry.revokeCredential(provider, PROVIDER_ROLE, {"from": regulator})
    assert not registry.isActive(provider, PROVIDER_ROLE)
    assert not registry.hasRole(PROVIDER_ROLE, provider)
    assert credential_of(registry, provider, PROVIDER_ROLE)["status"] == REVOKED

    registry.issueCredential(*args, {"from": regulator})
    assert registry.isActive(provider, PROVIDER_ROLE)
    assert registry.hasRole(PROVIDER_ROLE, provider)
    assert credential_of(registry, provider, PROVIDER_ROLE)["status"] == ACTIVE


@pytest.mark.parametrize("role_name", LICENSED)
def test_each_licensed_role_goes_through_the_whole_lifecycle(
    registry, named, regulator, window, role_name
):
    role = LICENSED_ROLES[role_name]
    holder = named[LICENSED_HOLDER[role_name]]

    registry.issueCredential(holder, role, LICENSE_HASH, JURISDICTION, *window, {"from": regulator})
    registry.suspendCredential(holder, role, {"from": regulator})
    assert not registry.isActive(holder, role)
    registry.renewCredential(holder, role, window[1] + YEAR, {"from": regulator})
    registry.reinstateCredential(holder, role, {"from": regulator})
    assert registry.isActive(holder, role)
    registry.revokeCredential(holder, role, {"from": regulator})

    assert not registry.isActive(holder, role)
    assert registry.rolesOf(holder) == 0
    assert credential_of(registry, holder, role) == expected_credential(
        valid_from=window[0], valid_until=window[1] + YEAR, status=REVOKED
    )


def test_credential_is_not_active_before_valid_from(registry, issue, provider, now, mine_at):
    start = now() + 1000
    issue(provider, PROVIDER_ROLE, start, start + YEAR)

    assert registry.hasRole(PROVIDER_ROLE, provider)
    assert not registry.isActive(provider, PROVIDER_ROLE)
    mine_at(start - 1)
    assert not registry.isActive(provider, PROVIDER_ROLE)
    mine_at(start)
    assert registry.isActive(provider, PROVIDER_ROLE)


def test_credential_expires_after_valid_until_inclusive(registry, issue, provider, now, mine_at):
    t = now()
    end = t + 1000
    issue(provider, PROVIDER_ROLE, t - DAY, end)

    mine_at(end - 1)
    assert registry.isActive(provider, PROVIDER_ROLE)
    mine_at(end)
    assert registry.isActive(provider, PROVIDER_ROLE)
    mine_at(end + 1)
    assert not registry.isActive(provider, PROVIDER_ROLE)
    assert registry.hasRole(PROVIDER_ROLE, provider)
    assert credential_of(registry, provider, PROVIDER_ROLE)["status"] == ACTIVE


def test_credential_expires_when_time_passes_valid_until(registry, issue, provider, chain, now):
    t = now()
    issue(provider, PROVIDER_ROLE, t - DAY, t + DAY)
    assert registry.isActive(provider, PROVIDER_ROLE)

    chain.sleep(2 * DAY)
    chain.mine()

    assert not registry.isActive(provider, PROVIDER_ROLE)


def test_is_active_is_false_for_a_licensed_role_without_credential(registry, provider, issue):
    issue(provider, INSURER_ROLE)

    assert not registry.isActive(provider, PROVIDER_ROLE)
    assert registry.isActive(provider, INSURER_ROLE)


def test_is_active_for_the_patient_role_follows_has_role(registry, patient):
    assert not registry.isActive(patient, PATIENT_ROLE)

    registry.registerPatient(KEY_A, {"from": patient})

    assert registry.isActive(patient, PATIENT_ROLE)
    assert registry.hasRole(PATIENT_ROLE, patient)


def test_is_active_for_the_regulator_role_follows_has_role(registry, admin, regulator, stranger):
    assert registry.isActive(regulator, REGULATOR_ROLE)
    assert not registry.isActive(stranger, REGULATOR_ROLE)

    registry.revokeRole(REGULATOR_ROLE, regulator, {"from": admin})

    assert not registry.isActive(regulator, REGULATOR_ROLE)


def test_is_active_for_admin_and_foreign_roles_follows_has_role(registry, admin, stranger):
    assert registry.isActive(admin, ADMIN_ROLE)
    assert not registry.isActive(stranger, ADMIN_ROLE)
    assert not registry.isActive(stranger, FOREIGN_ROLE)

    registry.grantRole(FOREIGN_ROLE, stranger, {"from": admin})

    assert registry.isActive(stranger, FOREIGN_ROLE)


ALL_ROLE_BITS = sum(ROLE_BIT.values())


def test_active_roles_of_names_each_role_with_a_current_credential(registry, issue, provider):
    issue(provider, PROVIDER_ROLE)
    issue(provider, INSURER_ROLE)

    assert registry.activeRolesOf(provider, ALL_ROLE_BITS) == (
        ROLE_BIT[PROVIDER_ROLE] | ROLE_BIT[INSURER_ROLE]
    )


@pytest.mark.parametrize("role_name", LICENSED)
def test_active_roles_of_answers_for_every_licensed_role(registry, issue, named, role_name):
    role = LICENSED_ROLES[role_name]
    holder = named[LICENSED_HOLDER[role_name]]
    assert registry.activeRolesOf(holder, ROLE_BIT[role]) == 0

    issue(holder, role)

    assert registry.activeRolesOf(holder, ROLE_BIT[role]) == ROLE_BIT[role]
    assert registry.activeRolesOf(holder, ALL_ROLE_BITS & ~ROLE_BIT[role]) == 0


def test_active_roles_of_leaves_out_the_roles_not_asked_about(registry, issue, provider):
    issue(provider, PROVIDER_ROLE)
    issue(provider, INSURER_ROLE)

    assert registry.activeRolesOf(provider, ROLE_BIT[INSURER_ROLE]) == ROLE_BIT[INSURER_ROLE]
    assert registry.activeRolesOf(provider, 0) == 0


def test_active_roles_of_leaves_out_a_suspended_or_revoked_credential(
    registry, issue, regulator, provider
):
    issue(provider, PROVIDER_ROLE)
    issue(provider, INSURER_ROLE)

    registry.suspendCredential(provider, INSURER_ROLE, {"from": regulator})
    assert registry.activeRolesOf(provider, ALL_ROLE_BITS) == ROLE_BIT[PROVIDER_ROLE]

    registry.revokeCredential(provider, PROVIDER_ROLE, {"from": regulator})
    assert registry.activeRolesOf(provider, ALL_ROLE_BITS) == 0


def test_active_roles_of_leaves_out_a_credential_outside_its_window(
    registry, issue, provider, now, mine_at
):
    t = now()
    issue(provider, PROVIDER_ROLE, t - DAY, t + 1000)
    issue(provider, INSURER_ROLE, t + 500, t + YEAR)
    assert registry.activeRolesOf(provider, ALL_ROLE_BITS) == ROLE_BIT[PROVIDER_ROLE]

    mine_at(t + 500)
    assert registry.activeRolesOf(provider, ALL_ROLE_BITS) == (
        ROLE_BIT[PROVIDER_ROLE] | ROLE_BIT[INSURER_ROLE]
    )
    mine_at(t + 1001)
    assert registry.activeRolesOf(provider, ALL_ROLE_BITS) == ROLE_BIT[INSURER_ROLE]


def test_active_roles_of_counts_held_roles_that_need_no_credential(
    registry, admin, regulator, patient, stranger
):
    registry.registerPatient(KEY_A, {"from": patient})

    assert registry.activeRolesOf(admin, ALL_ROLE_BITS) == ROLE_BIT[ADMIN_ROLE]
    assert registry.activeRolesOf(regulator, ALL_ROLE_BITS) == ROLE_BIT[REGULATOR_ROLE]
    assert registry.activeRolesOf(patient, ALL_ROLE_BITS) == ROLE_BIT[PATIENT_ROLE]
    assert registry.activeRolesOf(stranger, ALL_ROLE_BITS) == 0
    assert registry.activeRolesOf(stranger, 2**256 - 1) == 0


def test_credential_of_is_empty_for_an_account_never_credentialed(registry, stranger):
    assert credential_of(registry, stranger, PROVIDER_ROLE) == expected_credential(
        license_hash=ZERO_BYTES32, jurisdiction=bytes(8), status=NONE
    )
