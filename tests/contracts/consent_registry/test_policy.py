"""ConsentRegistry.checkAccess: FHIR Consent evaluation (deny over permit, periods, purposes,
classes, records, roles, revocation) and a property test against a reference model."""

from __future__ import annotations

import pytest
from brownie.test import given, strategy

from tests.brownie_support import latest_timestamp
from tests.contracts.consent_registry.support import (
    ACCESS,
    COLLECT,
    CORRECT,
    DENY,
    DISCLOSE,
    HPAYMT,
    IMAGING,
    INSURER_ROLE,
    LABORATORY,
    OBSERVATION,
    PATIENT_ROLE,
    PROVIDER_ROLE,
    R_DENIED,
    R_EXPIRED,
    R_NO_PERMIT,
    R_NOT_YET,
    R_PERMITTED,
    R_REVOKED,
    SALT_1,
    SALT_2,
    TREAT,
    ZERO32,
    access,
)


def test_no_provision_means_no_access(consent, patient, provider):
    assert access(consent, patient, provider, OBSERVATION) == (False, R_NO_PERMIT, 0)


def test_a_matching_permit_allows_access(consent, grant, patient, provider):
    consent_id = grant(provider).return_value
    assert access(consent, patient, provider, OBSERVATION) == (True, R_PERMITTED, consent_id)


def test_a_matching_deny_overrides_a_matching_permit(consent, grant, patient, provider):
    grant(provider, targets=[])
    deny_id = grant(provider, kind=DENY, targets=[LABORATORY]).return_value

    assert access(consent, patient, provider, LABORATORY) == (False, R_DENIED, deny_id)
    assert access(consent, patient, provider, OBSERVATION)[0]


def test_a_deny_alone_is_reported_as_denied(consent, grant, patient, provider):
    deny_id = grant(provider, kind=DENY).return_value
    assert access(consent, patient, provider, OBSERVATION) == (False, R_DENIED, deny_id)


def test_a_deny_for_another_purpose_does_not_override_the_permit(consent, grant, patient, provider):
    permit_id = grant(provider).return_value
    grant(provider, kind=DENY, purposes=HPAYMT)

    assert access(consent, patient, provider, OBSERVATION) == (True, R_PERMITTED, permit_id)


def test_a_permit_for_another_purpose_does_not_match(consent, grant, patient, provider):
    grant(provider, purposes=TREAT)
    assert access(consent, patient, provider, OBSERVATION, ACCESS, HPAYMT) == (
        False,
        R_NO_PERMIT,
        0,
    )


@pytest.mark.parametrize("action", [COLLECT, DISCLOSE, CORRECT])
def test_a_permit_for_another_action_does_not_match(consent, grant, patient, provider, action):
    grant(provider, actions=ACCESS)
    assert access(consent, patient, provider, OBSERVATION, action) == (False, R_NO_PERMIT, 0)


def test_a_permit_for_another_data_class_does_not_match(consent, grant, patient, provider):
    grant(provider, targets=[OBSERVATION])
    assert access(consent, patient, provider, IMAGING) == (False, R_NO_PERMIT, 0)


def test_a_permit_for_another_grantee_does_not_match(consent, grant, patient, insurer):
    grant(insurer)
    assert access(consent, patient, patient, OBSERVATION)[1] == R_NO_PERMIT


def test_a_permit_of_another_patient_does_not_match(consent, grant, guardian, provider):
    grant(provider, patient=guardian)
    assert not access(consent, "0x" + "11" * 20, provider, OBSERVATION)[0]


def test_the_period_includes_its_start_and_its_end(consent, grant, patient, provider, now, mine_at):
    start, end = now() + 100, now() + 200
    consent_id = grant(provider, start=start, end=end).return_value

    mine_at(start - 1)
    assert access(consent, patient, provider, OBSERVATION) == (False, R_NOT_YET, 0)
    mine_at(start)
    assert access(consent, patient, provider, OBSERVATION) == (True, R_PERMITTED, consent_id)
    mine_at(end)
    assert access(consent, patient, provider, OBSERVATION) == (True, R_PERMITTED, consent_id)
    mine_at(end + 1)
    assert access(consent, patient, provider, OBSERVATION) == (False, R_EXPIRED, 0)


def test_a_deny_outside_its_period_does_not_override(
    consent, grant, patient, provider, now, mine_at
):
    permit_id = grant(provider).return_value
    end = now() + 50
    grant(provider, kind=DENY, end=end)

    assert access(consent, patient, provider, OBSERVATION)[1] == R_DENIED
    mine_at(end + 1)
    assert access(consent, patient, provider, OBSERVATION) == (True, R_PERMITTED, permit_id)


def test_a_revoked_permit_no_longer_matches(consent, grant, patient, provider):
    consent_id = grant(provider).return_value
    consent.revoke(patient, consent_id, provider, ZERO32, [OBSERVATION], {"from": patient})

    assert access(consent, patient, provider, OBSERVATION) == (False, R_REVOKED, 0)


def test_a_revoked_deny_no_longer_overrides(consent, grant, patient, provider):
    permit_id = grant(provider).return_value
    deny_id = grant(provider, kind=DENY).return_value
    consent.revoke(patient, deny_id, provider, ZERO32, [OBSERVATION], {"from": patient})

    assert access(consent, patient, provider, OBSERVATION) == (True, R_PERMITTED, permit_id)


def test_an_expired_permit_is_a_more_telling_miss_than_a_revoked_one(
    consent, grant, patient, provider, now, mine_at
):
    end = now() + 50
    revoked = grant(provider).return_value
    grant(provider, end=end)
    consent.revoke(patient, revoked, provider, ZERO32, [OBSERVATION], {"from": patient})
    mine_at(end + 1)

    assert access(consent, patient, provider, OBSERVATION) == (False, R_EXPIRED, 0)


def test_a_record_is_covered_by_its_id_its_data_class_or_all_data(
    consent, grant, anchor, patient, provider, insurer, stranger, record_1
):
    anchor(SALT_1, LABORATORY)
    by_id = grant(provider, targets=[record_1]).return_value
    by_class = grant(insurer, targets=[LABORATORY]).return_value
    by_all = grant(stranger, targets=[]).return_value

    assert access(consent, patient, provider, record_1) == (True, R_PERMITTED, by_id)
    assert access(consent, patient, insurer, record_1) == (True, R_PERMITTED, by_class)
    assert access(consent, patient, stranger, record_1) == (True, R_PERMITTED, by_all)


def test_a_permit_for_one_record_does_not_cover_another_of_the_same_class(
    consent, grant, anchor, patient, provider, record_1, record_2
):
    anchor(SALT_1, LABORATORY)
    anchor(SALT_2, LABORATORY)
    grant(provider, targets=[record_1])

    assert access(consent, patient, provider, record_2) == (False, R_NO_PERMIT, 0)
    assert access(consent, patient, provider, LABORATORY) == (False, R_NO_PERMIT, 0)


def test_a_deny_of_one_record_overrides_a_permit_of_its_class(
    consent, grant, anchor, patient, provider, record_1, record_2
):
    anchor(SALT_1, LABORATORY)
    anchor(SALT_2, LABORATORY)
    permit_id = grant(provider, targets=[LABORATORY]).return_value
    deny_id = grant(provider, kind=DENY, targets=[record_1]).return_value

    assert access(consent, patient, provider, record_1) == (False, R_DENIED, deny_id)
    assert access(consent, patient, provider, record_2) == (True, R_PERMITTED, permit_id)


def test_a_role_permit_allows_every_active_holder_of_the_role(
    consent, grant, patient, provider, insurer
):
    consent_id = grant(role=PROVIDER_ROLE).return_value

    assert access(consent, patient, provider, OBSERVATION) == (True, R_PERMITTED, consent_id)
    assert access(consent, patient, insurer, OBSERVATION) == (False, R_NO_PERMIT, 0)


def test_a_role_permit_stops_when_the_credential_is_suspended(
    consent, participants, grant, patient, provider, regulator
):
    grant(role=PROVIDER_ROLE)
    participants.suspendCredential(provider, PROVIDER_ROLE, {"from": regulator})

    assert access(consent, patient, provider, OBSERVATION) == (False, R_NO_PERMIT, 0)


def test_a_role_deny_applies_even_to_a_suspended_holder(
    consent, participants, grant, patient, provider, regulator
):
    grant(provider)
    deny_id = grant(role=PROVIDER_ROLE, kind=DENY).return_value
    participants.suspendCredential(provider, PROVIDER_ROLE, {"from": regulator})

    assert access(consent, patient, provider, OBSERVATION) == (False, R_DENIED, deny_id)


def test_a_role_deny_overrides_a_permit_to_the_account(consent, grant, patient, insurer):
    grant(insurer)
    deny_id = grant(role=INSURER_ROLE, kind=DENY).return_value

    assert access(consent, patient, insurer, OBSERVATION) == (False, R_DENIED, deny_id)


def test_a_patient_role_permit_allows_other_registered_patients(
    consent, grant, patient, guardian, stranger
):
    consent_id = grant(role=PATIENT_ROLE).return_value

    assert access(consent, patient, guardian, OBSERVATION) == (True, R_PERMITTED, consent_id)
    assert access(consent, patient, stranger, OBSERVATION)[0] is False


@pytest.mark.parametrize("action", [0, 3, 16])
def test_check_access_refuses_a_query_that_is_not_one_known_action(
    consent, patient, provider, reverts_with, action
):
    with reverts_with("ConsentRegistryInvalidActions", action):
        consent.checkAccess(patient, provider, OBSERVATION, action, TREAT)


@pytest.mark.parametrize("purpose", [0, 3, 64])
def test_check_access_refuses_a_query_that_is_not_one_known_purpose(
    consent, patient, provider, reverts_with, purpose
):
    with reverts_with("ConsentRegistryInvalidPurposes", purpose):
        consent.checkAccess(patient, provider, OBSERVATION, ACCESS, purpose)


# ------------------------------------------------------------------------------ property test

CLASSES = (OBSERVATION, LABORATORY, IMAGING)


@given(
    provisions=strategy(
        "(uint8,uint8,uint8,uint8,uint8,uint8,bool)[]",
        max_length=4,
    ),
    query=strategy("(uint8,uint8,uint8)"),
)
def test_check_access_allows_exactly_when_a_permit_matches_and_no_deny_matches(
    consent, chain, patient, provider, provisions, query
):
    """Random provisions (kind, actions, purposes, target, start offset, length, revoked) about
    one grantee, queried at a random later time; the answer equals the reference model of FHIR
    Consent evaluation."""
    t0 = latest_timestamp()
    model = []
    for kind_bit, actions, purposes, target_pick, start_off, length, revoked in provisions:
        kind = kind_bit % 2
        actions = actions % 15 + 1
        purposes = purposes % 63 + 1
        target = ZERO32 if target_pick % 4 == 3 else CLASSES[target_pick % 3]
        start = t0 - 50 + start_off % 100
        end = max(start, t0 + 5) + length % 60
        targets = [] if target == ZERO32 else [target]
        tx = consent.grant(
            patient,
            (kind, provider.address, ZERO32, actions, purposes, start, end, targets),
            b"",
            {"from": patient},
        )
        consent_id = tx.return_value
        if revoked:
            consent.revoke(patient, consent_id, provider, ZERO32, targets, {"from": patient})
        model.append((kind, actions, purposes, target, start, end, revoked, consent_id))

    action = 1 << (query[0] % 4)
    purpose = 1 << (query[1] % 6)
    cls = CLASSES[query[2] % 3]
    chain.sleep(query[2] // 3 % 90)  # let some periods start and some end
    chain.mine()
    time = latest_timestamp()

    def matches(kind: int) -> list[int]:
        return [
            cid
            for k, a, p, tgt, s, e, rv, cid in model
            if k == kind
            and a & action
            and p & purpose
            and tgt in (ZERO32, cls)
            and s <= time <= e
            and not rv
        ]

    permits, denies = matches(0), matches(1)
    allowed, reason, consent_id = consent.checkAccess(patient, provider, cls, action, purpose)

    assert bool(allowed) == (bool(permits) and not denies)
    if allowed:
        assert reason == R_PERMITTED and consent_id in permits
    elif denies:
        assert reason == R_DENIED and consent_id in denies
    else:
        assert consent_id == 0 and reason in (R_NO_PERMIT, R_EXPIRED, R_NOT_YET, R_REVOKED)
