"""ConsentRegistry: the guardian who registered a ward with the ward's signed consent
(ParticipantRegistry.guardianOf) acts as the ward's delegate, and stops at once when the ward or
the guardian ends the guardianship."""

from __future__ import annotations

import pytest

from tests.brownie_support import ZERO_ADDRESS, assert_event
from tests.contracts.consent_registry.support import (
    BUNDLE_2,
    CID_2,
    CT_2,
    OBSERVATION,
    R_PERMITTED,
    REASON,
    SALT_1,
    SALT_2,
    ZERO32,
    access,
    record_id,
)

HOUR = 3600


def test_the_guardian_is_a_delegate_of_its_ward(consent, participants, ward, guardian, patient):
    assert participants.guardianOf(ward) == guardian
    assert consent.isDelegate(ward, guardian)
    assert not consent.isDelegate(ward, patient)
    assert not consent.isDelegate(patient, guardian)


def test_the_guardian_grants_and_revokes_for_its_ward(consent, grant, ward, guardian, provider):
    tx = grant(provider, patient=ward, sender=guardian)
    consent_id = tx.return_value

    assert tx.events["ConsentGranted"]["patient"] == ward
    assert access(consent, ward, provider, OBSERVATION) == (True, R_PERMITTED, consent_id)

    revoked = consent.revoke(ward, consent_id, provider, ZERO32, [OBSERVATION], {"from": guardian})
    assert revoked.events["ConsentRevoked"]["revoker"] == guardian
    assert not access(consent, ward, provider, OBSERVATION)[0]


def test_the_guardian_anchors_amends_and_erases_its_wards_records(consent, anchor, ward, guardian):
    tx = anchor(patient=ward, sender=guardian)
    anchored = record_id(ward, guardian, SALT_1)
    assert tx.return_value == "0x" + anchored.hex()

    amended = consent.amendRecord(anchored, CID_2, CT_2, BUNDLE_2, {"from": guardian})
    erased = consent.eraseRecord(anchored, {"from": guardian})

    assert amended.return_value == 2
    assert_event(erased, "RecordErased", patient=ward, recordId=anchored, eraser=guardian)


def test_the_guardian_of_one_ward_acts_for_no_other_patient(
    consent, grant, patient, guardian, provider, reverts_with
):
    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, guardian):
        grant(provider, sender=guardian)


def test_the_ward_cannot_dismiss_its_guardian_as_an_appointed_delegate(
    consent, ward, guardian, reverts_with
):
    """The guardianship ends in the ParticipantRegistry (endGuardianship), not here."""
    with reverts_with("ConsentRegistryDelegateNotFound", ward, guardian):
        consent.revokeDelegate(guardian, {"from": ward})

    assert consent.isDelegate(ward, guardian)


# --------------------------------------------------------------------- end of the guardianship


@pytest.mark.parametrize("by", ["ward", "guardian"])
def test_the_guardian_is_no_delegate_once_the_guardianship_ended(
    consent, participants, ward, guardian, by
):
    participants.endGuardianship(ward, {"from": ward if by == "ward" else guardian})

    assert participants.guardianOf(ward) == ZERO_ADDRESS
    assert not consent.isDelegate(ward, guardian)


@pytest.mark.parametrize("by", ["ward", "guardian"])
def test_the_guardian_loses_every_delegate_power_at_once_when_the_guardianship_ends(
    consent, participants, grant, anchor, ward, guardian, provider, reverts_with, by
):
    """Grant, revoke, anchor, amend, erase, cancel a signed grant, share keys and close
    break-glass: all refused the moment the guardianship ends, whoever ends it."""
    consent_id = grant(provider, patient=ward, sender=guardian).return_value
    anchored = anchor(patient=ward, sender=guardian).return_value
    consent.openBreakGlass(ward, REASON, HOUR, {"from": provider})
    participants.endGuardianship(ward, {"from": ward if by == "ward" else guardian})

    refused = ("ConsentRegistryNotPatientOrDelegate", ward, guardian)
    with reverts_with(*refused):
        grant(provider, patient=ward, sender=guardian)
    with reverts_with(*refused):
        consent.revoke(ward, consent_id, provider, ZERO32, [OBSERVATION], {"from": guardian})
    with reverts_with(*refused):
        anchor(SALT_2, patient=ward, sender=guardian)
    with reverts_with(*refused):
        consent.amendRecord(anchored, CID_2, CT_2, BUNDLE_2, {"from": guardian})
    with reverts_with(*refused):
        consent.eraseRecord(anchored, {"from": guardian})
    with reverts_with(*refused):
        consent.cancelSignedGrant(ward, 0, {"from": guardian})
    with reverts_with(*refused):
        consent.shareConsentKeys(ward, consent_id, provider, OBSERVATION, CID_2, {"from": guardian})
    with reverts_with(*refused):
        consent.closeBreakGlass(ward, provider, {"from": guardian})

    # What the guardian did while it acted for the ward stands.
    assert access(consent, ward, provider, OBSERVATION) == (True, R_PERMITTED, consent_id)
    assert consent.recordOf(anchored)[0] == ward


def test_the_ward_acts_for_itself_after_the_guardianship_ended(
    consent, grant, participants, ward, guardian, provider
):
    participants.endGuardianship(ward, {"from": guardian})

    consent_id = grant(provider, patient=ward).return_value

    assert access(consent, ward, provider, OBSERVATION) == (True, R_PERMITTED, consent_id)


def test_a_guardian_the_ward_also_appointed_stays_a_delegate_after_the_guardianship_ended(
    consent, grant, participants, ward, guardian, provider
):
    consent.appointDelegate(guardian, {"from": ward})
    participants.endGuardianship(ward, {"from": ward})

    assert consent.isDelegate(ward, guardian)
    assert grant(provider, patient=ward, sender=guardian).return_value
