"""ConsentRegistry: granting and revoking consent provisions, by the patient or a delegate; only
registered patients grant; consent ids from one counter; revocations name their targets."""

from __future__ import annotations

import pytest
from brownie import web3

from tests.brownie_support import ZERO_ADDRESS, assert_event
from tests.contracts.consent_registry.support import (
    ACCESS,
    ALL_DATA,
    COLLECT,
    DENY,
    FOREIGN_ROLE,
    FOREVER,
    HRESCH,
    IMAGING,
    KEY_BUNDLE,
    LABORATORY,
    OBSERVATION,
    PERMIT,
    PROVIDER_ROLE,
    R_PERMITTED,
    R_REVOKED,
    TREAT,
    ZERO32,
    access,
    account_key,
    request,
)


def stored(consent, patient, grantee_key, target):
    return [tuple(p) for p in consent.provisionsOf(patient, grantee_key, target)]


# ------------------------------------------------------------------------------------ grant


def test_grant_stores_one_provision_under_the_grantee_and_the_target(
    consent, grant, patient, provider
):
    tx = grant(provider, actions=ACCESS | COLLECT, purposes=TREAT, start=10, end=FOREVER)
    consent_id = tx.return_value

    assert consent_id != 0
    assert stored(consent, patient, account_key(provider), OBSERVATION) == [
        (consent_id, 10, FOREVER, ACCESS | COLLECT, TREAT, PERMIT, False)
    ]
    assert stored(consent, patient, account_key(provider), ALL_DATA) == []


def test_grant_emits_consent_granted_with_the_request_and_the_key_bundle_cid(
    grant, patient, provider
):
    tx = grant(provider, targets=[OBSERVATION, LABORATORY], start=5, end=FOREVER)

    assert_event(
        tx,
        "ConsentGranted",
        patient=patient,
        consentId=tx.return_value,
        granteeKey=account_key(provider),
        kind=PERMIT,
        actions=ACCESS,
        purposes=TREAT,
        start=5,
        end=FOREVER,
        targets=[OBSERVATION, LABORATORY],
        keyBundleCid=KEY_BUNDLE,
    )


def test_grant_of_several_targets_stores_the_same_consent_under_each(
    consent, grant, patient, provider, record_1
):
    consent_id = grant(provider, targets=[OBSERVATION, LABORATORY, record_1]).return_value

    for target in (OBSERVATION, LABORATORY, record_1):
        assert stored(consent, patient, account_key(provider), target)[0][0] == consent_id


def test_grant_without_targets_covers_all_data(consent, grant, patient, provider):
    consent_id = grant(provider, targets=[]).return_value

    assert stored(consent, patient, account_key(provider), ALL_DATA)[0][0] == consent_id
    assert access(consent, patient, provider, IMAGING) == (True, R_PERMITTED, consent_id)


def test_grant_to_a_role_is_stored_under_the_role_id(consent, grant, patient):
    consent_id = grant(role=PROVIDER_ROLE).return_value

    assert stored(consent, patient, PROVIDER_ROLE, OBSERVATION)[0][0] == consent_id


def test_the_key_bundle_cid_is_emitted_but_never_stored(consent, grant, patient, provider):
    consent_id = grant(provider, key_bundle=b"\xaa" * 40).return_value

    assert stored(consent, patient, account_key(provider), OBSERVATION) == [
        (consent_id, 0, FOREVER, ACCESS, TREAT, PERMIT, False)
    ]


def test_a_delegate_may_grant_for_the_patient(consent, grant, patient, guardian, provider):
    consent.appointDelegate(guardian, {"from": patient})

    tx = grant(provider, sender=guardian)

    assert tx.events["ConsentGranted"]["patient"] == patient
    assert access(consent, patient, provider, OBSERVATION)[0]


def test_a_study_is_a_grantee_account_with_purpose_research(consent, grant, patient, stranger):
    study = stranger
    consent_id = grant(study, purposes=HRESCH, targets=[LABORATORY]).return_value

    assert access(consent, patient, study, LABORATORY, ACCESS, HRESCH) == (
        True,
        R_PERMITTED,
        consent_id,
    )
    assert not access(consent, patient, study, LABORATORY, ACCESS, TREAT)[0]


@pytest.mark.parametrize("name", ["provider", "insurer", "guardian", "stranger", "admin"])
def test_grant_refuses_anyone_but_the_patient_and_its_delegates(
    grant, named, patient, reverts_with, name
):
    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, named[name]):
        grant(named["provider"], sender=named[name])


def test_grant_refuses_a_revoked_delegate(
    consent, grant, patient, guardian, provider, reverts_with
):
    consent.appointDelegate(guardian, {"from": patient})
    consent.revokeDelegate(guardian, {"from": patient})

    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, guardian):
        grant(provider, sender=guardian)


def test_grant_refuses_both_an_account_and_a_role(grant, provider, reverts_with):
    with reverts_with("ConsentRegistryInvalidGrantee", provider, PROVIDER_ROLE):
        grant(provider, role=PROVIDER_ROLE)


def test_grant_refuses_neither_an_account_nor_a_role(grant, reverts_with):
    with reverts_with("ConsentRegistryInvalidGrantee", ZERO_ADDRESS, ZERO32):
        grant(ZERO_ADDRESS)


def test_grant_refuses_the_patient_as_its_own_grantee(grant, patient, reverts_with):
    with reverts_with("ConsentRegistryInvalidGrantee", patient, ZERO32):
        grant(patient)


def test_grant_refuses_a_role_the_suite_does_not_know(grant, reverts_with):
    with reverts_with("ConsentRegistryUnknownRole", FOREIGN_ROLE):
        grant(role=FOREIGN_ROLE)


@pytest.mark.parametrize("actions", [0, 16, 255])
def test_grant_refuses_empty_or_unknown_actions(grant, provider, reverts_with, actions):
    with reverts_with("ConsentRegistryInvalidActions", actions):
        grant(provider, actions=actions)


@pytest.mark.parametrize("purposes", [0, 64, 128])
def test_grant_refuses_empty_or_unknown_purposes(grant, provider, reverts_with, purposes):
    with reverts_with("ConsentRegistryInvalidPurposes", purposes):
        grant(provider, purposes=purposes)


def test_grant_refuses_a_period_that_ends_before_it_starts(grant, provider, reverts_with, now):
    start = now() + 100
    with reverts_with("ConsentRegistryInvalidPeriod", start, start - 1):
        grant(provider, start=start, end=start - 1)


def test_grant_refuses_a_period_that_is_already_over(grant, provider, reverts_with, now, at_time):
    end = now() + 10
    at_time(end + 1)
    with reverts_with("ConsentRegistryInvalidPeriod", 0, end):
        grant(provider, end=end)


def test_grant_accepts_a_period_ending_in_the_very_block(grant, provider, now, at_time):
    end = now() + 10
    at_time(end)
    assert grant(provider, end=end).return_value != 0


def test_grant_refuses_more_than_eight_targets(grant, provider, reverts_with):
    targets = [bytes([i + 1]) * 32 for i in range(9)]
    with reverts_with("ConsentRegistryTooManyTargets", 9):
        grant(provider, targets=targets)


def test_grant_refuses_a_zero_target(grant, provider, reverts_with):
    with reverts_with("ConsentRegistryInvalidTarget", ZERO32):
        grant(provider, targets=[OBSERVATION, ZERO32])


def test_grant_refuses_a_repeated_target(grant, provider, reverts_with):
    with reverts_with("ConsentRegistryInvalidTarget", OBSERVATION):
        grant(provider, targets=[OBSERVATION, LABORATORY, OBSERVATION])


def test_grant_refuses_a_fifth_provision_in_force_for_one_grantee_and_target(
    grant, patient, provider, reverts_with
):
    for purposes in (1, 2, 4, 8):
        grant(provider, purposes=purposes)

    with reverts_with(
        "ConsentRegistryProvisionLimitReached", patient, account_key(provider), OBSERVATION
    ):
        grant(provider, purposes=16)


def test_grant_reuses_the_slot_of_a_revoked_provision(consent, grant, patient, provider):
    ids = [grant(provider, purposes=p).return_value for p in (1, 2, 4, 8)]
    consent.revoke(patient, ids[1], provider, ZERO32, [OBSERVATION], {"from": patient})

    new_id = grant(provider, purposes=16).return_value

    assert [p[0] for p in stored(consent, patient, account_key(provider), OBSERVATION)] == [
        ids[0],
        new_id,
        ids[2],
        ids[3],
    ]


def test_grant_reuses_the_slot_of_an_expired_provision(
    consent, grant, patient, provider, now, at_time
):
    end = now() + 100
    ids = [
        grant(provider, purposes=p, end=end if p == 1 else FOREVER).return_value
        for p in (1, 2, 4, 8)
    ]
    at_time(end + 1)

    new_id = grant(provider, purposes=16).return_value

    assert [p[0] for p in stored(consent, patient, account_key(provider), OBSERVATION)] == [
        new_id,
        ids[1],
        ids[2],
        ids[3],
    ]


def test_deny_provisions_are_stored_with_their_type(consent, grant, patient, provider):
    consent_id = grant(provider, kind=DENY).return_value

    assert stored(consent, patient, account_key(provider), OBSERVATION)[0] == (
        consent_id,
        0,
        FOREVER,
        ACCESS,
        TREAT,
        DENY,
        False,
    )


# ------------------------------------------------------------------------------------ revoke


def test_revoke_marks_every_target_of_the_consent_revoked(consent, grant, patient, provider):
    consent_id = grant(provider, targets=[OBSERVATION, LABORATORY]).return_value

    consent.revoke(
        patient, consent_id, provider, ZERO32, [OBSERVATION, LABORATORY], {"from": patient}
    )

    for target in (OBSERVATION, LABORATORY):
        assert stored(consent, patient, account_key(provider), target)[0][6] is True
        assert access(consent, patient, provider, target) == (False, R_REVOKED, 0)


def test_revoke_emits_consent_revoked_with_the_grantee_key_and_the_targets(
    consent, grant, patient, provider
):
    consent_id = grant(provider).return_value

    tx = consent.revoke(patient, consent_id, provider, ZERO32, [OBSERVATION], {"from": patient})

    assert_event(
        tx,
        "ConsentRevoked",
        patient=patient,
        consentId=consent_id,
        revoker=patient,
        granteeKey=account_key(provider),
        targets=[OBSERVATION],
    )


def test_revoke_of_an_all_data_consent_takes_no_targets(consent, grant, patient, provider):
    consent_id = grant(provider, targets=[]).return_value

    tx = consent.revoke(patient, consent_id, provider, ZERO32, [], {"from": patient})

    assert stored(consent, patient, account_key(provider), ALL_DATA)[0][6] is True
    assert_event(
        tx,
        "ConsentRevoked",
        patient=patient,
        consentId=consent_id,
        revoker=patient,
        granteeKey=account_key(provider),
        targets=[],
    )


def test_revoke_of_a_role_consent_names_the_role(consent, grant, patient):
    consent_id = grant(role=PROVIDER_ROLE).return_value

    tx = consent.revoke(
        patient, consent_id, ZERO_ADDRESS, PROVIDER_ROLE, [OBSERVATION], {"from": patient}
    )

    assert stored(consent, patient, PROVIDER_ROLE, OBSERVATION)[0][6] is True
    assert_event(
        tx,
        "ConsentRevoked",
        patient=patient,
        consentId=consent_id,
        revoker=patient,
        granteeKey=PROVIDER_ROLE,
        targets=[OBSERVATION],
    )


def test_a_delegate_may_revoke_for_the_patient(consent, grant, patient, guardian, provider):
    consent_id = grant(provider).return_value
    consent.appointDelegate(guardian, {"from": patient})

    tx = consent.revoke(patient, consent_id, provider, ZERO32, [OBSERVATION], {"from": guardian})

    assert_event(
        tx,
        "ConsentRevoked",
        patient=patient,
        consentId=consent_id,
        revoker=guardian,
        granteeKey=account_key(provider),
        targets=[OBSERVATION],
    )


@pytest.mark.parametrize("name", ["provider", "guardian", "stranger"])
def test_revoke_refuses_anyone_but_the_patient_and_its_delegates(
    consent, grant, named, patient, reverts_with, name
):
    consent_id = grant(named["provider"]).return_value
    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, named[name]):
        consent.revoke(
            patient, consent_id, named["provider"], ZERO32, [OBSERVATION], {"from": named[name]}
        )


def test_revoke_refuses_a_consent_that_is_not_at_the_given_place(
    consent, grant, patient, provider, insurer, reverts_with
):
    consent_id = grant(provider).return_value

    with reverts_with("ConsentRegistryConsentNotFound", patient, consent_id):
        consent.revoke(patient, consent_id, insurer, ZERO32, [OBSERVATION], {"from": patient})
    with reverts_with("ConsentRegistryConsentNotFound", patient, consent_id):
        consent.revoke(patient, consent_id, provider, ZERO32, [LABORATORY], {"from": patient})
    with reverts_with("ConsentRegistryConsentNotFound", patient, 12345):
        consent.revoke(patient, 12345, provider, ZERO32, [OBSERVATION], {"from": patient})


def test_revoke_refuses_a_consent_already_revoked(consent, grant, patient, provider, reverts_with):
    consent_id = grant(provider).return_value
    consent.revoke(patient, consent_id, provider, ZERO32, [OBSERVATION], {"from": patient})

    with reverts_with("ConsentRegistryConsentNotFound", patient, consent_id):
        consent.revoke(patient, consent_id, provider, ZERO32, [OBSERVATION], {"from": patient})


def test_revoke_is_all_or_nothing_across_targets(consent, grant, patient, provider, reverts_with):
    consent_id = grant(provider, targets=[OBSERVATION]).return_value

    with reverts_with("ConsentRegistryConsentNotFound", patient, consent_id):
        consent.revoke(
            patient, consent_id, provider, ZERO32, [OBSERVATION, LABORATORY], {"from": patient}
        )
    assert stored(consent, patient, account_key(provider), OBSERVATION)[0][6] is False


def test_two_grants_get_different_consent_ids(grant, provider):
    assert grant(provider).return_value != grant(provider).return_value


def test_a_partial_revoke_names_exactly_the_targets_it_revoked(consent, grant, patient, provider):
    """Regression: a revoke of some targets emitted a plain ConsentRevoked, read as the whole
    consent revoked while its other targets still permitted."""
    consent_id = grant(provider, targets=[OBSERVATION, LABORATORY, IMAGING]).return_value

    tx = consent.revoke(patient, consent_id, provider, ZERO32, [LABORATORY], {"from": patient})

    assert_event(
        tx,
        "ConsentRevoked",
        patient=patient,
        consentId=consent_id,
        revoker=patient,
        granteeKey=account_key(provider),
        targets=[LABORATORY],
    )
    assert access(consent, patient, provider, LABORATORY) == (False, R_REVOKED, 0)
    assert access(consent, patient, provider, OBSERVATION) == (True, R_PERMITTED, consent_id)
    assert access(consent, patient, provider, IMAGING) == (True, R_PERMITTED, consent_id)


def test_the_rest_of_a_partly_revoked_consent_is_revoked_by_naming_the_remaining_targets(
    consent, grant, patient, provider, reverts_with
):
    consent_id = grant(provider, targets=[OBSERVATION, LABORATORY, IMAGING]).return_value
    consent.revoke(patient, consent_id, provider, ZERO32, [LABORATORY], {"from": patient})

    tx = consent.revoke(
        patient, consent_id, provider, ZERO32, [IMAGING, OBSERVATION], {"from": patient}
    )

    assert tx.events["ConsentRevoked"]["targets"] == [
        "0x" + IMAGING.hex(),
        "0x" + OBSERVATION.hex(),
    ]
    for target in (OBSERVATION, LABORATORY, IMAGING):
        assert access(consent, patient, provider, target) == (False, R_REVOKED, 0)
    with reverts_with("ConsentRegistryConsentNotFound", patient, consent_id):
        consent.revoke(patient, consent_id, provider, ZERO32, [LABORATORY], {"from": patient})


def test_revoke_refuses_a_target_named_twice(consent, grant, patient, provider, reverts_with):
    consent_id = grant(provider, targets=[OBSERVATION, LABORATORY]).return_value

    with reverts_with("ConsentRegistryConsentNotFound", patient, consent_id):
        consent.revoke(
            patient, consent_id, provider, ZERO32, [OBSERVATION, OBSERVATION], {"from": patient}
        )
    assert stored(consent, patient, account_key(provider), OBSERVATION)[0][6] is False


# ------------------------------------------------------------------ only registered patients grant


@pytest.mark.parametrize("name", ["provider", "insurer", "stranger", "regulator", "admin"])
def test_grant_refuses_an_account_that_is_no_registered_patient(
    consent, grant, named, patient, reverts_with, name
):
    """Regression: any account could record consents about itself (a provider about itself, a
    stranger about an address it controls), which the suite then treated as a patient's."""
    grantor = named[name]

    with reverts_with("ConsentRegistryNotPatient", grantor):
        grant(patient, patient=grantor)

    assert stored(consent, grantor, account_key(patient), OBSERVATION) == []


def test_grant_refuses_a_delegate_of_an_account_that_is_no_patient(
    consent, grant, stranger, guardian, provider, reverts_with
):
    consent.appointDelegate(guardian, {"from": stranger})

    with reverts_with("ConsentRegistryNotPatient", stranger):
        grant(provider, patient=stranger, sender=guardian)


def test_grant_checks_the_caller_before_the_patient_registration(
    grant, stranger, provider, reverts_with
):
    with reverts_with("ConsentRegistryNotPatientOrDelegate", stranger, provider):
        grant(provider, patient=stranger, sender=provider)


def test_grant_checks_the_patient_registration_before_the_request(grant, provider, reverts_with):
    with reverts_with("ConsentRegistryNotPatient", provider):
        grant(provider, patient=provider, actions=0)


def test_a_patient_registered_by_its_guardian_or_by_signature_grants(
    consent, grant, ward, signer, provider
):
    for grantor in (ward, signer):
        consent_id = grant(provider, patient=grantor).return_value

        assert access(consent, grantor, provider, OBSERVATION) == (True, R_PERMITTED, consent_id)


# ------------------------------------------------------------------------------ consent ids


def test_consent_ids_count_up_from_one_across_patients_and_grantors(
    consent, grant, patient, guardian, ward, provider
):
    consent.appointDelegate(guardian, {"from": patient})

    ids = [
        grant(provider).return_value,
        grant(provider, patient=guardian).return_value,
        grant(provider, sender=guardian).return_value,
        grant(provider, patient=ward, sender=guardian).return_value,
        grant(role=PROVIDER_ROLE).return_value,
    ]

    assert ids == [1, 2, 3, 4, 5]


def test_the_consent_id_returned_is_the_one_emitted_and_stored(consent, grant, patient, provider):
    grant(provider, targets=[LABORATORY])
    tx = grant(provider)

    assert tx.return_value == 2
    assert tx.events["ConsentGranted"]["consentId"] == 2
    assert stored(consent, patient, account_key(provider), OBSERVATION)[0][0] == 2


def test_a_refused_grant_uses_no_consent_id(grant, provider, stranger, reverts_with):
    assert grant(provider).return_value == 1
    with reverts_with("ConsentRegistryNotPatient", stranger):
        grant(provider, patient=stranger)
    with reverts_with("ConsentRegistryInvalidActions", 0):
        grant(provider, actions=0)

    assert grant(provider).return_value == 2


def test_identical_grants_in_one_block_get_different_consent_ids(consent, patient, provider, chain):
    """Regression: ids were a hash of the grantee key, the block number and the call data, so two
    identical grants in one block shared an id and one revocation revoked the other's slot too."""
    req = request(provider)
    web3.provider.make_request("evm_setAutomine", [False])
    try:
        sent = [
            consent.grant(
                patient,
                req,
                KEY_BUNDLE,
                {"from": patient, "required_confs": 0, "gas_limit": 500_000},
            )
            for _ in range(2)
        ]
        # A raw evm_mine: brownie's chain.mine() waits for a lock the pending receipts hold.
        web3.provider.make_request("evm_mine", [])
    finally:
        web3.provider.make_request("evm_setAutomine", [True])
    for tx in sent:
        tx.wait(1)

    assert sent[0].block_number == sent[1].block_number
    ids = [tx.events["ConsentGranted"]["consentId"] for tx in sent]
    assert ids == [1, 2]
    assert [p[0] for p in stored(consent, patient, account_key(provider), OBSERVATION)] == ids

    consent.revoke(patient, ids[0], provider, ZERO32, [OBSERVATION], {"from": patient})
    assert access(consent, patient, provider, OBSERVATION) == (True, R_PERMITTED, ids[1])
