"""ParticipantRegistry: property tests (hypothesis) against a plain-Python model.

1. Credential validity over time: two random credentials of one account (provider and insurer)
   go through random issue / renew / suspend / reinstate / revoke calls and queries at random,
   strictly increasing block times (pinned with evm_setNextBlockTimestamp). After every step
   isActive of each role must equal `status == Active and validFrom <= t <= validUntil`,
   activeRolesOf must name exactly those roles (asked about one role or both, so its one-read
   answer within every Active window and its per-credential answer outside them are both
   checked), credentialOf must equal the model, and every call must succeed or revert exactly as
   the model predicts (error name and arguments).
2. Role bookkeeping: random grant / revoke / renounce / register / issue / revoke-credential
   calls by random senders. After every step the rolesOf bit set of the account acted on (and,
   at the end, of every account) must equal the set of suite roles hasRole reports, and both
   must equal the model, and activeRolesOf must name the same roles (every credential issued
   here is current); every call must succeed or revert exactly as the model predicts.
3. Guardianship: random registrations (by oneself, by a relayed signature, by a guardian with the
   ward's signature) and ends of guardianship by random senders. After every step guardianOf of
   every account must equal the model, a ConsentRegistry wired to the registry must count the
   guardian (and nobody else) as the ward's delegate, and every call must succeed or revert
   exactly as the model predicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from brownie.test import given
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

from tests.brownie_support import ZERO_ADDRESS, latest_timestamp
from tests.contracts.participant_registry.support import (
    ACTIVE,
    ADMIN_ROLE,
    FAR_DEADLINE,
    FOREIGN_ROLE,
    INSURER_ROLE,
    JURISDICTION,
    KEY_A,
    LICENSE_HASH,
    NONE,
    PATIENT_ROLE,
    PROVIDER_ROLE,
    REGULATOR_ROLE,
    REVOKED,
    ROLE_BIT,
    SUITE_ROLES,
    SUSPENDED,
    ZERO_BYTES32,
    bits_of,
    credential_of,
    expected_credential,
    sign_guardianship,
    sign_registration,
)

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# ------------------------------------------------------------------------- credential validity

# A step: (kind, delay in seconds before it, a, b). For "issue" a and b are validFrom and
# validUntil relative to the start time; for "renew" b is the new validUntil; for "edge" the
# query lands next to validFrom (a even) or validUntil (a odd), at offset b % 3 - 1.
STEP_KINDS = ("issue", "renew", "suspend", "reinstate", "revoke", "query", "edge")
OFFSET = st.integers(min_value=-300, max_value=2500)
DELAY = st.integers(min_value=1, max_value=400)
STEP = st.tuples(st.sampled_from(STEP_KINDS), DELAY, OFFSET, OFFSET, st.booleans())


@dataclass
class CredentialModel:
    status: int = NONE
    valid_from: int = 0
    valid_until: int = 0

    @property
    def live(self) -> bool:
        return self.status in (ACTIVE, SUSPENDED)

    def active_at(self, t: int) -> bool:
        return self.status == ACTIVE and self.valid_from <= t <= self.valid_until

    def as_credential(self) -> dict:
        if self.status == NONE:
            return expected_credential(
                license_hash=ZERO_BYTES32, jurisdiction=bytes(8), status=NONE
            )
        return expected_credential(
            valid_from=self.valid_from, valid_until=self.valid_until, status=self.status
        )


@given(
    first_window=st.tuples(
        st.integers(min_value=-300, max_value=1500), st.integers(min_value=1, max_value=2000)
    ),
    steps=st.lists(STEP, min_size=1, max_size=10),
)
@SETTINGS
def test_is_active_equals_active_status_within_the_validity_window(
    registry, provider, regulator, reverts_with, at_time, mine_at, first_window, steps
):
    account = provider
    sender = {"from": regulator}
    start = latest_timestamp() + 10
    models = {PROVIDER_ROLE: CredentialModel(), INSURER_ROLE: CredentialModel()}
    t = start
    first_from, first_length = first_window
    all_steps = [("issue", 0, first_from, first_from + first_length, False), *steps]

    for kind, delay, a, b, insurer in all_steps:
        role = INSURER_ROLE if insurer else PROVIDER_ROLE
        model = models[role]
        t += delay
        if kind == "edge":
            anchor = model.valid_from if a % 2 == 0 else model.valid_until
            t = max(t, anchor + b % 3 - 1)

        expected_error = None
        if kind == "issue":
            valid_from, valid_until = start + a, start + b
            if valid_from >= valid_until or valid_until < t:
                expected_error = ("ParticipantRegistryInvalidValidity", valid_from, valid_until)
            elif model.live:
                expected_error = ("ParticipantRegistryCredentialExists", account, role)
            call = (
                registry.issueCredential,
                (account, role, LICENSE_HASH, JURISDICTION, valid_from, valid_until),
            )
        elif kind == "renew":
            valid_until = start + b
            if not model.live:
                expected_error = ("ParticipantRegistryCredentialNotFound", account, role)
            elif model.valid_from >= valid_until or valid_until < t:
                expected_error = (
                    "ParticipantRegistryInvalidValidity",
                    model.valid_from,
                    valid_until,
                )
            call = (registry.renewCredential, (account, role, valid_until))
        elif kind in ("suspend", "reinstate"):
            needed = ACTIVE if kind == "suspend" else SUSPENDED
            if not model.live:
                expected_error = ("ParticipantRegistryCredentialNotFound", account, role)
            elif model.status != needed:
                expected_error = (
                    "ParticipantRegistryUnexpectedCredentialStatus",
                    account,
                    role,
                    model.status,
                )
            if kind == "suspend":
                call = (registry.suspendCredential, (account, role))
            else:
                call = (registry.reinstateCredential, (account, role))
        elif kind == "revoke":
            if not model.live:
                expected_error = ("ParticipantRegistryCredentialNotFound", account, role)
            call = (registry.revokeCredential, (account, role))
        else:  # a query: only time passes
            call = None

        event(f"{kind}: {expected_error[0] if expected_error else 'ok'}")
        if call is None:
            mine_at(t)
        else:
            function, args = call
            at_time(t)
            if expected_error is None:
                tx = function(*args, sender)
                assert tx.timestamp == t
                if kind == "issue":
                    model.status, model.valid_from, model.valid_until = ACTIVE, *args[4:6]
                elif kind == "renew":
                    model.valid_until = args[2]
                elif kind == "suspend":
                    model.status = SUSPENDED
                elif kind == "reinstate":
                    model.status = ACTIVE
                else:
                    model.status = REVOKED
            else:
                with reverts_with(*expected_error):
                    function(*args, sender)
                if latest_timestamp() != t:  # brownie did not mine the reverting transaction
                    mine_at(t)

        assert latest_timestamp() == t
        both = 0
        for each, each_model in models.items():
            bit = ROLE_BIT[each] if each_model.active_at(t) else 0
            assert registry.isActive(account, each) == bool(bit), (kind, t, models)
            assert registry.activeRolesOf(account, ROLE_BIT[each]) == bit, (kind, t, models)
            assert credential_of(registry, account, each) == each_model.as_credential()
            assert registry.hasRole(each, account) == each_model.live
            both |= bit
        asked = ROLE_BIT[PROVIDER_ROLE] | ROLE_BIT[INSURER_ROLE]
        assert registry.activeRolesOf(account, asked) == both, (kind, t, models)


# ----------------------------------------------------------------------------- role bookkeeping

ACTORS = ("admin", "regulator", "provider", "patient", "stranger")
ROLE_CHOICES = {
    "ADMIN": ADMIN_ROLE,
    "REGULATOR": REGULATOR_ROLE,
    "FOREIGN": FOREIGN_ROLE,
    "PROVIDER": PROVIDER_ROLE,
    "INSURER": INSURER_ROLE,
    "PATIENT": PATIENT_ROLE,
}
MANAGED = {PROVIDER_ROLE, INSURER_ROLE, PATIENT_ROLE}
LICENSED = {PROVIDER_ROLE, INSURER_ROLE}
ACTION_KINDS = (
    "grant",
    "revoke",
    "renounce",
    "register",
    "register_for",
    "issue",
    "revoke_credential",
)
# (kind, role, sender, target, natural): with `natural` the sender is the one that may make the
# call (admin for grant/revoke, regulator for credentials, a patient for register_for, the target
# itself for renounce) and revoke_credential picks a credential that exists, so that successful
# calls are as common as refused ones.
ACTION = st.tuples(
    st.sampled_from(ACTION_KINDS),
    st.sampled_from(sorted(ROLE_CHOICES)),
    st.sampled_from(ACTORS),
    st.sampled_from(ACTORS),
    st.booleans(),
)
NATURAL_SENDER = {"grant": "admin", "revoke": "admin", "issue": "regulator"}
NATURAL_SENDER["revoke_credential"] = "regulator"


@dataclass
class RolesModel:
    roles: dict[str, set[bytes]] = field(default_factory=dict)
    keys: set[str] = field(default_factory=set)  # accounts that have published a key

    def has(self, name: str, role: bytes) -> bool:
        return role in self.roles[name]

    def bits(self, name: str) -> int:
        return bits_of(*(r for r in self.roles[name] if r != FOREIGN_ROLE))


def assert_roles_consistent(registry, named, model: RolesModel, name: str) -> None:
    account = named[name]
    held = {role for _, role in SUITE_ROLES if registry.hasRole(role, account)}
    bits = registry.rolesOf(account)
    assert bits == bits_of(*held), (name, bits, held)
    assert bits == model.bits(name), (name, bits, model.roles[name])
    assert registry.hasRole(FOREIGN_ROLE, account) == model.has(name, FOREIGN_ROLE)
    # Every credential this test issues is current, so the active roles are the roles held.
    assert registry.activeRolesOf(account, 2**256 - 1) == bits, (name, bits)


@given(actions=st.lists(ACTION, min_size=1, max_size=10))
@settings(SETTINGS, max_examples=30)
def test_roles_of_always_equals_the_roles_has_role_reports(registry, named, reverts_with, actions):
    model = RolesModel({name: set() for name in ACTORS})
    model.roles["admin"].add(ADMIN_ROLE)
    model.roles["regulator"].add(REGULATOR_ROLE)

    for kind, role_name, sender_name, target_name, natural in actions:
        if natural and kind == "register_for":
            patients = [name for name in ACTORS if model.has(name, PATIENT_ROLE)]
            sender_name = patients[0] if patients else sender_name
        elif natural:
            sender_name = NATURAL_SENDER.get(kind, target_name)
            holders = [(n, r) for n in ACTORS for r in sorted(LICENSED) if model.has(n, r)]
            if kind == "revoke_credential" and holders:
                target_name, held_role = holders[0]
                role_name = "PROVIDER" if held_role == PROVIDER_ROLE else "INSURER"
        role = ROLE_CHOICES[role_name]
        sender, target = named[sender_name], named[target_name]
        held = model.roles
        error = None
        if kind in ("grant", "revoke"):
            if role in MANAGED:
                error = ("ParticipantRegistryRoleManagedByRegistry", role)
            elif not model.has(sender_name, ADMIN_ROLE):
                error = ("AccessControlUnauthorizedAccount", sender, ADMIN_ROLE)
            function = registry.grantRole if kind == "grant" else registry.revokeRole
            call, args = function, (role, target)
        elif kind == "renounce":
            if role in MANAGED:
                error = ("ParticipantRegistryRoleManagedByRegistry", role)
            elif target_name != sender_name:
                error = ("AccessControlBadConfirmation",)
            call, args = registry.renounceRole, (role, target)
        elif kind == "register":
            role, target_name, target = PATIENT_ROLE, sender_name, sender
            if model.has(sender_name, PATIENT_ROLE):
                error = ("ParticipantRegistryAlreadyRegistered", sender)
            call, args = registry.registerPatient, (KEY_A,)
        elif kind == "register_for":
            role = PATIENT_ROLE
            if not model.has(sender_name, PATIENT_ROLE):
                error = ("ParticipantRegistryNotPatient", sender)
            elif model.has(target_name, PATIENT_ROLE):
                error = ("ParticipantRegistryAlreadyRegistered", target)
            elif model.bits(target_name) != 0 or target_name in model.keys:
                error = ("ParticipantRegistryAccountInUse", target)
            # The ward's own consent to this guardian and key, so only the roles decide.
            signature = sign_guardianship(registry, target, sender, KEY_A, FAR_DEADLINE)
            call, args = registry.registerPatientFor, (target, KEY_A, FAR_DEADLINE, signature)
        else:  # issue / revoke_credential of a licensed role
            role = PROVIDER_ROLE if role_name in ("PROVIDER", "ADMIN", "FOREIGN") else INSURER_ROLE
            if kind == "issue":
                now = latest_timestamp()
                call = registry.issueCredential
                args = (target, role, LICENSE_HASH, JURISDICTION, now - 10, now + 10**6)
                if model.has(target_name, role):
                    error = ("ParticipantRegistryCredentialExists", target, role)
            else:
                call, args = registry.revokeCredential, (target, role)
                if not model.has(target_name, role):
                    error = ("ParticipantRegistryCredentialNotFound", target, role)
            if not model.has(sender_name, REGULATOR_ROLE):
                error = ("AccessControlUnauthorizedAccount", sender, REGULATOR_ROLE)

        event(f"{kind}: {error[0] if error else 'ok'}")
        if error is None:
            call(*args, {"from": sender})
            if kind in ("register", "register_for"):
                model.keys.add(target_name)
            if kind in ("grant", "register", "register_for", "issue"):
                held[target_name].add(role)
            else:
                held[target_name].discard(role)
        else:
            with reverts_with(*error):
                call(*args, {"from": sender})

        # Only the target's roles can change (register and renounce act on the sender, which is
        # then the target); every account is checked once more at the end.
        assert_roles_consistent(registry, named, model, target_name)

    for name in ACTORS:
        assert_roles_consistent(registry, named, model, name)


# ----------------------------------------------------------------------------------- guardianship

WARDS = ("patient", "guardian", "stranger", "pharmacy")
GUARDIANSHIP_KINDS = ("register", "register_by_sig", "register_for", "end")
# (kind, sender, target, natural): with `natural` the sender of "register_for" is a registered
# patient and that of "end" the target or its guardian, so successful calls are common.
GUARDIANSHIP_STEP = st.tuples(
    st.sampled_from(GUARDIANSHIP_KINDS),
    st.sampled_from(WARDS),
    st.sampled_from(WARDS),
    st.booleans(),
)


@pytest.fixture(scope="module")
def consent_registry(ConsentRegistry, registry, admin):
    """A ConsentRegistry asking this registry who guards whom."""
    return ConsentRegistry.deploy(registry, {"from": admin})


@given(steps=st.lists(GUARDIANSHIP_STEP, min_size=1, max_size=10))
@settings(SETTINGS, max_examples=30)
def test_guardian_of_and_the_guardians_delegate_powers_follow_the_model(
    registry, consent_registry, named, reverts_with, steps
):
    patients: set[str] = set()
    guardians: dict[str, str] = {}

    for kind, sender_name, target_name, natural in steps:
        if natural and kind == "register_for" and patients:
            sender_name = sorted(patients)[0]
        elif natural and kind == "end" and sender_name != target_name:
            sender_name = guardians.get(target_name, target_name)  # the guardian, else the ward
        sender, target = named[sender_name], named[target_name]
        error = None
        if kind == "register":
            target_name, target = sender_name, sender
            if sender_name in patients:
                error = ("ParticipantRegistryAlreadyRegistered", sender)
            call, args = registry.registerPatient, (KEY_A,)
        elif kind == "register_by_sig":
            if target_name in patients:
                error = ("ParticipantRegistryAlreadyRegistered", target)
            signature = sign_registration(registry, target, KEY_A, FAR_DEADLINE)
            call, args = registry.registerPatientBySig, (target, KEY_A, FAR_DEADLINE, signature)
        elif kind == "register_for":
            if sender_name not in patients:
                error = ("ParticipantRegistryNotPatient", sender)
            elif target_name in patients:
                error = ("ParticipantRegistryAlreadyRegistered", target)
            signature = sign_guardianship(registry, target, sender, KEY_A, FAR_DEADLINE)
            call, args = registry.registerPatientFor, (target, KEY_A, FAR_DEADLINE, signature)
        else:
            if target_name not in guardians:
                error = ("ParticipantRegistryNoGuardian", target)
            elif sender_name not in (target_name, guardians[target_name]):
                error = ("ParticipantRegistryNotWardOrGuardian", target, sender)
            call, args = registry.endGuardianship, (target,)

        event(f"{kind}: {error[0] if error else 'ok'}")
        if error is None:
            call(*args, {"from": sender})
            if kind == "end":
                del guardians[target_name]
            else:
                patients.add(target_name)
                if kind == "register_for":
                    guardians[target_name] = sender_name
        else:
            with reverts_with(*error):
                call(*args, {"from": sender})

        for ward_name in WARDS:
            ward = named[ward_name]
            expected = guardians.get(ward_name)
            assert registry.guardianOf(ward) == (named[expected] if expected else ZERO_ADDRESS)
            for other_name in WARDS:
                acts_for = consent_registry.isDelegate(ward, named[other_name])
                assert acts_for == (other_name == expected), (ward_name, other_name, guardians)
