"""ParticipantRegistry: role ids, the constructor, the guarded grantRole/revokeRole/renounceRole
and the rolesOf bit set."""

from __future__ import annotations

import pytest

from hygeia.core.contract_types import Role
from tests.brownie_support import ACCOUNT_NAMES, ZERO_ADDRESS, assert_event, event_names, norm
from tests.contracts.participant_registry.support import (
    ADMIN_ROLE,
    FOREIGN_ROLE,
    KEY_A,
    LICENSED_HOLDER,
    LICENSED_ROLES,
    PATIENT_ROLE,
    PROVIDER_ROLE,
    REGULATOR_ROLE,
    ROLE_BIT,
    SUITE_ROLES,
    bits_of,
)

MANAGED = {**LICENSED_ROLES, "PATIENT": PATIENT_ROLE}
UNMANAGED = {"ADMIN": ADMIN_ROLE, "REGULATOR": REGULATOR_ROLE, "FOREIGN": FOREIGN_ROLE}
NON_ADMINS = tuple(name for name in ACCOUNT_NAMES if name != "admin")
CONSTANTS = {
    "REGULATOR_ROLE": REGULATOR_ROLE,
    "PROVIDER_ROLE": PROVIDER_ROLE,
    "INSURER_ROLE": LICENSED_ROLES["INSURER"],
    "MANUFACTURER_ROLE": LICENSED_ROLES["MANUFACTURER"],
    "DISTRIBUTOR_ROLE": LICENSED_ROLES["DISTRIBUTOR"],
    "DISPENSER_ROLE": LICENSED_ROLES["DISPENSER"],
    "PATIENT_ROLE": PATIENT_ROLE,
    "DEFAULT_ADMIN_ROLE": ADMIN_ROLE,
}


def held_bits(registry, account):
    """The rolesOf bit set as it should be, from what hasRole reports for the suite roles."""
    return bits_of(*(role for _, role in SUITE_ROLES if registry.hasRole(role, account)))


# ------------------------------------------------------------------------------ ids and setup


@pytest.mark.parametrize("name", sorted(CONSTANTS))
def test_role_constant_is_the_keccak_of_its_hygeia_name(registry, name):
    assert norm(getattr(registry, name)()) == norm(CONSTANTS[name])


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.name)
def test_sdk_role_id_and_bit_match_the_contract(registry, admin, issue, named, role):
    """The SDK decodes rolesOf with the generated Role (hygeia.core.contract_types): ids and bit
    order must agree."""
    account = named["stranger"]
    if role in (Role.ADMIN, Role.REGULATOR):
        registry.grantRole(role.id, account, {"from": admin})
    elif role is Role.PATIENT:
        registry.registerPatient(KEY_A, {"from": account})
    else:
        issue(account, role.id)

    assert registry.rolesOf(account) == 1 << role.value
    assert Role.from_bits(registry.rolesOf(account)) == [role]


@pytest.mark.parametrize("name", sorted({**MANAGED, **UNMANAGED}))
def test_every_role_is_administered_by_the_governance_admin(registry, name):
    role = {**MANAGED, **UNMANAGED}[name]

    assert norm(registry.getRoleAdmin(role)) == norm(ADMIN_ROLE)


def test_constructor_makes_the_given_account_governance_admin(ParticipantRegistry, admin, stranger):
    deployed = ParticipantRegistry.deploy(stranger, {"from": admin})

    assert deployed.hasRole(ADMIN_ROLE, stranger)
    assert not deployed.hasRole(ADMIN_ROLE, admin)
    assert deployed.rolesOf(stranger) == ROLE_BIT[ADMIN_ROLE]
    assert deployed.rolesOf(admin) == 0
    assert event_names(deployed.tx) == ["RoleGranted"]
    assert_event(deployed.tx, "RoleGranted", role=ADMIN_ROLE, account=stranger, sender=admin)


def test_constructor_reverts_when_admin_is_zero_address(ParticipantRegistry, admin, reverts_with):
    with reverts_with("ParticipantRegistryZeroAddress"):
        ParticipantRegistry.deploy(ZERO_ADDRESS, {"from": admin})


def test_fixture_registry_has_admin_and_one_regulator(registry, named, admin, regulator):
    assert registry.rolesOf(admin) == ROLE_BIT[ADMIN_ROLE]
    assert registry.rolesOf(regulator) == ROLE_BIT[REGULATOR_ROLE]
    for name in ACCOUNT_NAMES[2:]:
        assert registry.rolesOf(named[name]) == 0


def test_supports_the_access_control_and_erc165_interfaces(registry):
    assert registry.supportsInterface("0x7965db0b")  # IAccessControl
    assert registry.supportsInterface("0x01ffc9a7")  # IERC165
    assert not registry.supportsInterface("0xffffffff")


# ------------------------------------------------------------------------------------ grantRole


def test_grant_role_makes_an_account_regulator(registry, admin, stranger):
    tx = registry.grantRole(REGULATOR_ROLE, stranger, {"from": admin})

    assert registry.hasRole(REGULATOR_ROLE, stranger)
    assert registry.isActive(stranger, REGULATOR_ROLE)
    assert registry.rolesOf(stranger) == ROLE_BIT[REGULATOR_ROLE]
    assert event_names(tx) == ["RoleGranted"]
    assert_event(tx, "RoleGranted", role=REGULATOR_ROLE, account=stranger, sender=admin)


def test_grant_role_makes_a_second_governance_admin(registry, admin, stranger, provider):
    tx = registry.grantRole(ADMIN_ROLE, stranger, {"from": admin})

    assert registry.rolesOf(stranger) == ROLE_BIT[ADMIN_ROLE]
    assert_event(tx, "RoleGranted", role=ADMIN_ROLE, account=stranger, sender=admin)
    tx = registry.grantRole(REGULATOR_ROLE, provider, {"from": stranger})
    assert_event(tx, "RoleGranted", role=REGULATOR_ROLE, account=provider, sender=stranger)


def test_grant_role_of_a_held_role_changes_nothing_and_emits_nothing(registry, admin, regulator):
    tx = registry.grantRole(REGULATOR_ROLE, regulator, {"from": admin})

    assert event_names(tx) == []
    assert registry.rolesOf(regulator) == ROLE_BIT[REGULATOR_ROLE]


def test_grant_role_of_a_foreign_role_leaves_the_bit_set_alone(registry, admin, stranger):
    tx = registry.grantRole(FOREIGN_ROLE, stranger, {"from": admin})

    assert registry.hasRole(FOREIGN_ROLE, stranger)
    assert registry.rolesOf(stranger) == 0
    assert_event(tx, "RoleGranted", role=FOREIGN_ROLE, account=stranger, sender=admin)


def test_grant_role_adds_to_the_roles_an_account_already_holds(registry, admin, issue, provider):
    issue(provider, PROVIDER_ROLE)

    registry.grantRole(REGULATOR_ROLE, provider, {"from": admin})

    assert registry.rolesOf(provider) == bits_of(PROVIDER_ROLE, REGULATOR_ROLE)


@pytest.mark.parametrize("name", NON_ADMINS)
def test_grant_role_reverts_when_caller_is_not_admin(registry, enrol, stranger, reverts_with, name):
    caller = enrol(name)

    with reverts_with("AccessControlUnauthorizedAccount", caller, ADMIN_ROLE):
        registry.grantRole(REGULATOR_ROLE, stranger, {"from": caller})

    assert not registry.hasRole(REGULATOR_ROLE, stranger)


@pytest.mark.parametrize("name", sorted(MANAGED))
def test_grant_role_reverts_when_role_is_managed_by_the_registry(
    registry, admin, stranger, reverts_with, name
):
    role = MANAGED[name]

    with reverts_with("ParticipantRegistryRoleManagedByRegistry", role):
        registry.grantRole(role, stranger, {"from": admin})

    assert not registry.hasRole(role, stranger)
    assert registry.rolesOf(stranger) == 0


def test_grant_role_checks_the_role_before_the_caller(registry, stranger, reverts_with):
    with reverts_with("ParticipantRegistryRoleManagedByRegistry", PROVIDER_ROLE):
        registry.grantRole(PROVIDER_ROLE, stranger, {"from": stranger})


def test_grant_role_reverts_for_a_regulator_granting_regulator(
    registry, regulator, stranger, reverts_with
):
    with reverts_with("AccessControlUnauthorizedAccount", regulator, ADMIN_ROLE):
        registry.grantRole(REGULATOR_ROLE, stranger, {"from": regulator})


# ----------------------------------------------------------------------------------- revokeRole


def test_revoke_role_takes_the_regulator_role_away(registry, admin, regulator):
    tx = registry.revokeRole(REGULATOR_ROLE, regulator, {"from": admin})

    assert not registry.hasRole(REGULATOR_ROLE, regulator)
    assert not registry.isActive(regulator, REGULATOR_ROLE)
    assert registry.rolesOf(regulator) == 0
    assert event_names(tx) == ["RoleRevoked"]
    assert_event(tx, "RoleRevoked", role=REGULATOR_ROLE, account=regulator, sender=admin)


def test_revoke_role_keeps_credentials_the_regulator_issued(
    registry, admin, regulator, issue, provider
):
    issue(provider, PROVIDER_ROLE)

    registry.revokeRole(REGULATOR_ROLE, regulator, {"from": admin})

    assert registry.isActive(provider, PROVIDER_ROLE)


def test_revoke_role_of_a_role_not_held_changes_nothing_and_emits_nothing(
    registry, admin, stranger
):
    tx = registry.revokeRole(REGULATOR_ROLE, stranger, {"from": admin})

    assert event_names(tx) == []
    assert registry.rolesOf(stranger) == 0


def test_revoke_role_of_a_foreign_role(registry, admin, stranger):
    registry.grantRole(FOREIGN_ROLE, stranger, {"from": admin})

    tx = registry.revokeRole(FOREIGN_ROLE, stranger, {"from": admin})

    assert not registry.hasRole(FOREIGN_ROLE, stranger)
    assert_event(tx, "RoleRevoked", role=FOREIGN_ROLE, account=stranger, sender=admin)


def test_revoke_role_lets_an_admin_remove_another_admin(registry, admin, stranger):
    registry.grantRole(ADMIN_ROLE, stranger, {"from": admin})

    tx = registry.revokeRole(ADMIN_ROLE, admin, {"from": stranger})

    assert_event(tx, "RoleRevoked", role=ADMIN_ROLE, account=admin, sender=stranger)
    assert registry.rolesOf(admin) == 0
    assert registry.rolesOf(stranger) == ROLE_BIT[ADMIN_ROLE]


@pytest.mark.parametrize("name", NON_ADMINS)
def test_revoke_role_reverts_when_caller_is_not_admin(
    registry, enrol, regulator, reverts_with, name
):
    caller = enrol(name)

    with reverts_with("AccessControlUnauthorizedAccount", caller, ADMIN_ROLE):
        registry.revokeRole(REGULATOR_ROLE, regulator, {"from": caller})

    assert registry.hasRole(REGULATOR_ROLE, regulator)


@pytest.mark.parametrize("name", sorted(MANAGED))
def test_revoke_role_reverts_when_role_is_managed_by_the_registry(
    registry, admin, issue, named, reverts_with, name
):
    role = MANAGED[name]
    if name == "PATIENT":
        holder = named["patient"]
        registry.registerPatient(KEY_A, {"from": holder})
    else:
        holder = named[LICENSED_HOLDER[name]]
        issue(holder, role)

    with reverts_with("ParticipantRegistryRoleManagedByRegistry", role):
        registry.revokeRole(role, holder, {"from": admin})

    assert registry.hasRole(role, holder)
    assert registry.rolesOf(holder) == ROLE_BIT[role]


# --------------------------------------------------------------------------------- renounceRole


def test_renounce_role_lets_a_regulator_step_down(registry, regulator):
    tx = registry.renounceRole(REGULATOR_ROLE, regulator, {"from": regulator})

    assert not registry.hasRole(REGULATOR_ROLE, regulator)
    assert registry.rolesOf(regulator) == 0
    assert event_names(tx) == ["RoleRevoked"]
    assert_event(tx, "RoleRevoked", role=REGULATOR_ROLE, account=regulator, sender=regulator)


def test_renounce_role_lets_the_admin_give_up_governance(registry, admin, stranger, reverts_with):
    tx = registry.renounceRole(ADMIN_ROLE, admin, {"from": admin})

    assert_event(tx, "RoleRevoked", role=ADMIN_ROLE, account=admin, sender=admin)
    assert registry.rolesOf(admin) == 0
    with reverts_with("AccessControlUnauthorizedAccount", admin, ADMIN_ROLE):
        registry.grantRole(REGULATOR_ROLE, stranger, {"from": admin})


def test_renounce_role_of_a_role_not_held_changes_nothing_and_emits_nothing(registry, stranger):
    tx = registry.renounceRole(REGULATOR_ROLE, stranger, {"from": stranger})

    assert event_names(tx) == []
    assert registry.rolesOf(stranger) == 0


@pytest.mark.parametrize("name", sorted(UNMANAGED))
def test_renounce_role_reverts_when_confirmation_is_not_the_caller(
    registry, admin, regulator, reverts_with, name
):
    role = UNMANAGED[name]
    registry.grantRole(role, regulator, {"from": admin})

    with reverts_with("AccessControlBadConfirmation"):
        registry.renounceRole(role, admin, {"from": regulator})

    assert registry.hasRole(role, regulator)
    assert registry.hasRole(ADMIN_ROLE, admin)


@pytest.mark.parametrize("name", sorted(MANAGED))
def test_renounce_role_reverts_when_role_is_managed_by_the_registry(
    registry, issue, named, reverts_with, name
):
    role = MANAGED[name]
    if name == "PATIENT":
        holder = named["patient"]
        registry.registerPatient(KEY_A, {"from": holder})
    else:
        holder = named[LICENSED_HOLDER[name]]
        issue(holder, role)

    with reverts_with("ParticipantRegistryRoleManagedByRegistry", role):
        registry.renounceRole(role, holder, {"from": holder})

    assert registry.hasRole(role, holder)
    assert registry.rolesOf(holder) == ROLE_BIT[role]


def test_renounce_role_checks_the_role_before_the_confirmation(
    registry, provider, stranger, reverts_with
):
    with reverts_with("ParticipantRegistryRoleManagedByRegistry", PATIENT_ROLE):
        registry.renounceRole(PATIENT_ROLE, stranger, {"from": provider})


# -------------------------------------------------------------------------------------- rolesOf


def test_roles_of_is_zero_for_an_unknown_account(registry, stranger):
    assert registry.rolesOf(stranger) == 0
    assert registry.rolesOf(ZERO_ADDRESS) == 0


def test_roles_of_tracks_every_suite_role_of_one_account(
    registry, admin, regulator, issue, stranger
):
    registry.grantRole(ADMIN_ROLE, stranger, {"from": admin})
    registry.grantRole(REGULATOR_ROLE, stranger, {"from": admin})
    registry.registerPatient(KEY_A, {"from": stranger})
    for role in LICENSED_ROLES.values():
        issue(stranger, role)
    registry.grantRole(FOREIGN_ROLE, stranger, {"from": admin})

    assert registry.rolesOf(stranger) == 0xFF
    assert registry.rolesOf(stranger) == held_bits(registry, stranger)

    registry.revokeCredential(stranger, LICENSED_ROLES["DISTRIBUTOR"], {"from": regulator})
    assert registry.rolesOf(stranger) == 0xFF & ~ROLE_BIT[LICENSED_ROLES["DISTRIBUTOR"]]

    registry.renounceRole(REGULATOR_ROLE, stranger, {"from": stranger})
    registry.revokeRole(ADMIN_ROLE, stranger, {"from": admin})
    registry.revokeRole(FOREIGN_ROLE, stranger, {"from": admin})

    assert registry.rolesOf(stranger) == bits_of(
        PROVIDER_ROLE,
        LICENSED_ROLES["INSURER"],
        LICENSED_ROLES["MANUFACTURER"],
        LICENSED_ROLES["DISPENSER"],
        PATIENT_ROLE,
    )
    assert registry.rolesOf(stranger) == held_bits(registry, stranger)


def test_roles_of_is_unchanged_by_suspension(registry, issue, provider, regulator):
    issue(provider, PROVIDER_ROLE)

    registry.suspendCredential(provider, PROVIDER_ROLE, {"from": regulator})

    assert registry.rolesOf(provider) == ROLE_BIT[PROVIDER_ROLE]
