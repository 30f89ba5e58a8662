"""ConsentRegistry.shareConsentKeys: more record keys published for the account grantee of an
unrevoked permit (an event only; nothing is stored)."""

from __future__ import annotations

import pytest

from tests.brownie_support import ZERO_ADDRESS, assert_event, event_names
from tests.contracts.consent_registry.support import (
    ALL_DATA,
    DENY,
    FOREVER,
    IMAGING,
    LABORATORY,
    MAX_CID_LENGTH,
    OBSERVATION,
    PROVIDER_ROLE,
    ZERO32,
    account_key,
)

SHARED = bytes.fromhex("01551220") + bytes(range(100, 132))  # a key manifest CID


def stored(consent, patient, grantee_key, target):
    return [tuple(p) for p in consent.provisionsOf(patient, grantee_key, target)]


@pytest.fixture
def share(consent, patient):
    """`share(consent_id, grantee, target=OBSERVATION, cid=SHARED, sender=of, of=patient)`."""

    def _share(consent_id, grantee, target=OBSERVATION, *, cid=SHARED, sender=None, of=None):
        of = of or patient
        return consent.shareConsentKeys(
            of, consent_id, grantee, target, cid, {"from": sender or of}
        )

    return _share


def test_the_patient_shares_keys_under_a_permit_to_an_account(
    consent, grant, share, patient, provider
):
    consent_id = grant(provider).return_value
    provisions = stored(consent, patient, account_key(provider), OBSERVATION)

    tx = share(consent_id, provider)

    assert event_names(tx) == ["ConsentKeysShared"]
    assert_event(
        tx,
        "ConsentKeysShared",
        patient=patient,
        consentId=consent_id,
        grantee=provider,
        sharer=patient,
        keyBundleCid=SHARED,
    )
    assert stored(consent, patient, account_key(provider), OBSERVATION) == provisions


def test_keys_are_shared_under_an_all_data_permit_at_the_all_data_target(
    grant, share, patient, provider
):
    consent_id = grant(provider, targets=[]).return_value

    tx = share(consent_id, provider, ALL_DATA)

    assert tx.events["ConsentKeysShared"]["consentId"] == consent_id


def test_keys_are_shared_under_any_target_of_a_permit(grant, share, provider):
    consent_id = grant(provider, targets=[OBSERVATION, LABORATORY]).return_value

    for target in (OBSERVATION, LABORATORY):
        assert share(consent_id, provider, target).events["ConsentKeysShared"]["grantee"] == (
            provider
        )


def test_share_consent_keys_refuses_a_permit_that_has_not_started_yet(
    grant, share, patient, provider, now, reverts_with, mine_at
):
    """Keys go to readers the consents let read today: a consent that starts later gets its keys
    once it is in force."""
    start = now() + 3600
    consent_id = grant(provider, start=start).return_value

    with reverts_with("ConsentRegistryConsentNotInForce", patient, consent_id, start, FOREVER):
        share(consent_id, provider)
    mine_at(start)
    assert share(consent_id, provider).events["ConsentKeysShared"]["consentId"] == consent_id


def test_share_consent_keys_refuses_a_permit_that_has_ended(
    grant, share, patient, provider, now, reverts_with, mine_at
):
    start = now()
    consent_id = grant(provider, start=start, end=start + 3600).return_value
    mine_at(start + 3601)

    with reverts_with("ConsentRegistryConsentNotInForce", patient, consent_id, start, start + 3600):
        share(consent_id, provider)


def test_a_delegate_shares_keys_for_the_patient(consent, grant, share, patient, guardian, provider):
    consent_id = grant(provider).return_value
    consent.appointDelegate(guardian, {"from": patient})

    tx = share(consent_id, provider, sender=guardian)

    assert_event(
        tx,
        "ConsentKeysShared",
        patient=patient,
        consentId=consent_id,
        grantee=provider,
        sharer=guardian,
        keyBundleCid=SHARED,
    )


def test_a_guardian_shares_keys_for_its_ward(grant, share, ward, guardian, provider):
    consent_id = grant(provider, patient=ward, sender=guardian).return_value

    tx = share(consent_id, provider, of=ward, sender=guardian)

    assert tx.events["ConsentKeysShared"]["sharer"] == guardian


@pytest.mark.parametrize("cid_length", [1, MAX_CID_LENGTH])
def test_share_consent_keys_accepts_cids_of_one_to_sixty_four_bytes(
    grant, share, provider, cid_length
):
    consent_id = grant(provider).return_value
    cid = b"\x01" * cid_length

    tx = share(consent_id, provider, cid=cid)

    assert tx.events["ConsentKeysShared"]["keyBundleCid"] == "0x" + cid.hex()


# ------------------------------------------------------------------------------------ refusals


def test_share_consent_keys_refuses_a_revoked_permit(
    consent, grant, share, patient, provider, reverts_with
):
    consent_id = grant(provider).return_value
    consent.revoke(patient, consent_id, provider, ZERO32, [OBSERVATION], {"from": patient})

    with reverts_with("ConsentRegistryConsentNotFound", patient, consent_id):
        share(consent_id, provider)


def test_share_consent_keys_refuses_the_revoked_target_of_a_partly_revoked_permit(
    consent, grant, share, patient, provider, reverts_with
):
    consent_id = grant(provider, targets=[OBSERVATION, LABORATORY]).return_value
    consent.revoke(patient, consent_id, provider, ZERO32, [LABORATORY], {"from": patient})

    with reverts_with("ConsentRegistryConsentNotFound", patient, consent_id):
        share(consent_id, provider, LABORATORY)
    assert share(consent_id, provider, OBSERVATION).events["ConsentKeysShared"]


def test_share_consent_keys_refuses_a_deny(grant, share, patient, provider, reverts_with):
    consent_id = grant(provider, kind=DENY).return_value

    with reverts_with("ConsentRegistryConsentNotFound", patient, consent_id):
        share(consent_id, provider)


def test_share_consent_keys_refuses_a_consent_to_a_role(
    grant, share, patient, provider, reverts_with
):
    """Keys go to accounts: a role grant (every active provider) shares none."""
    consent_id = grant(role=PROVIDER_ROLE).return_value

    with reverts_with("ConsentRegistryConsentNotFound", patient, consent_id):
        share(consent_id, provider)


def test_share_consent_keys_refuses_another_grantee(
    grant, share, patient, provider, insurer, reverts_with
):
    consent_id = grant(provider).return_value
    grant(insurer, targets=[LABORATORY])

    with reverts_with("ConsentRegistryConsentNotFound", patient, consent_id):
        share(consent_id, insurer)
    with reverts_with("ConsentRegistryConsentNotFound", patient, consent_id):
        share(consent_id, ZERO_ADDRESS)


def test_share_consent_keys_refuses_a_target_the_permit_does_not_have(
    grant, share, patient, provider, reverts_with
):
    consent_id = grant(provider, targets=[OBSERVATION]).return_value
    grant(provider, targets=[IMAGING])

    for target in (LABORATORY, IMAGING, ALL_DATA):
        with reverts_with("ConsentRegistryConsentNotFound", patient, consent_id):
            share(consent_id, provider, target)


def test_share_consent_keys_refuses_an_unknown_consent_id(
    grant, share, patient, provider, reverts_with
):
    grant(provider)

    for consent_id in (0, 2, 12345):
        with reverts_with("ConsentRegistryConsentNotFound", patient, consent_id):
            share(consent_id, provider)


def test_share_consent_keys_refuses_another_patients_consent(
    grant, share, patient, guardian, provider, reverts_with
):
    consent_id = grant(provider, patient=guardian).return_value

    with reverts_with("ConsentRegistryConsentNotFound", patient, consent_id):
        share(consent_id, provider)


def test_share_consent_keys_refuses_a_permit_whose_slot_was_reused(
    consent, grant, share, patient, provider, reverts_with, now, at_time
):
    end = now() + 100
    expired = grant(provider, end=end, purposes=1).return_value
    for purposes in (2, 4, 8):
        grant(provider, purposes=purposes)
    at_time(end + 1)
    grant(provider, purposes=16)  # takes the expired provision's slot

    with reverts_with("ConsentRegistryConsentNotFound", patient, expired):
        share(expired, provider)


@pytest.mark.parametrize("name", ["provider", "insurer", "guardian", "stranger", "admin"])
def test_share_consent_keys_refuses_anyone_but_the_patient_and_its_delegates(
    grant, share, named, patient, reverts_with, name
):
    """Not even the grantee publishes keys under its own consent."""
    consent_id = grant(named["provider"]).return_value

    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, named[name]):
        share(consent_id, named["provider"], sender=named[name])


def test_share_consent_keys_refuses_a_revoked_delegate(
    consent, grant, share, patient, guardian, provider, reverts_with
):
    consent_id = grant(provider).return_value
    consent.appointDelegate(guardian, {"from": patient})
    consent.revokeDelegate(guardian, {"from": patient})

    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, guardian):
        share(consent_id, provider, sender=guardian)


@pytest.mark.parametrize("cid_length", [0, MAX_CID_LENGTH + 1])
def test_share_consent_keys_refuses_an_empty_or_over_long_cid(
    grant, share, provider, reverts_with, cid_length
):
    consent_id = grant(provider).return_value

    with reverts_with("ConsentRegistryInvalidRecord"):
        share(consent_id, provider, cid=b"\x01" * cid_length)


def test_share_consent_keys_checks_the_caller_before_the_cid(
    grant, share, patient, provider, stranger, reverts_with
):
    consent_id = grant(provider).return_value

    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, stranger):
        share(consent_id, provider, cid=b"", sender=stranger)


def test_share_consent_keys_checks_the_cid_before_the_consent(share, provider, reverts_with):
    with reverts_with("ConsentRegistryInvalidRecord"):
        share(999, provider, cid=b"")
