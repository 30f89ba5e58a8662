"""ConsentRegistry: delegates, record anchors, amendments with history, and crypto-shredding."""

from __future__ import annotations

import hashlib

import pytest

from tests.brownie_support import ZERO_ADDRESS, assert_event
from tests.consent.consent_support import (
    ACCESS,
    BUNDLE_1,
    BUNDLE_2,
    CID_1,
    CID_2,
    CID_DIGEST_1,
    CID_DIGEST_2,
    COLLECT,
    CORRECT,
    CT_1,
    CT_2,
    DENY,
    HPAYMT,
    LABORATORY,
    MAX_CID_LENGTH,
    OBSERVATION,
    R_DENIED,
    R_NO_PERMIT,
    R_RECORD_ERASED,
    RECORD_1,
    TREAT,
    ZERO32,
    access,
)

# ------------------------------------------------------------------------------------ deployment


def test_deployment_refuses_the_zero_participant_registry(ConsentRegistry, patient, reverts_with):
    with reverts_with("ConsentRegistryZeroAddress"):
        ConsentRegistry.deploy(ZERO_ADDRESS, {"from": patient})


def test_deployment_wires_the_participant_registry(consent, participants):
    assert consent.participants() == participants


# ------------------------------------------------------------------------------------ delegates


def test_appoint_delegate_records_the_delegate_and_emits(consent, patient, guardian):
    tx = consent.appointDelegate(guardian, {"from": patient})

    assert consent.isDelegate(patient, guardian)
    assert_event(tx, "DelegateAppointed", patient=patient, delegate=guardian)


def test_appoint_delegate_refuses_zero_and_oneself(consent, patient, reverts_with):
    with reverts_with("ConsentRegistryInvalidDelegate", ZERO_ADDRESS):
        consent.appointDelegate(ZERO_ADDRESS, {"from": patient})
    with reverts_with("ConsentRegistryInvalidDelegate", patient):
        consent.appointDelegate(patient, {"from": patient})


def test_appoint_delegate_refuses_a_delegate_twice(consent, patient, guardian, reverts_with):
    consent.appointDelegate(guardian, {"from": patient})
    with reverts_with("ConsentRegistryDelegateExists", patient, guardian):
        consent.appointDelegate(guardian, {"from": patient})


def test_revoke_delegate_removes_the_delegate_and_emits(consent, patient, guardian):
    consent.appointDelegate(guardian, {"from": patient})
    tx = consent.revokeDelegate(guardian, {"from": patient})

    assert not consent.isDelegate(patient, guardian)
    assert_event(tx, "DelegateRevoked", patient=patient, delegate=guardian)


def test_revoke_delegate_refuses_an_unknown_delegate(consent, patient, guardian, reverts_with):
    with reverts_with("ConsentRegistryDelegateNotFound", patient, guardian):
        consent.revokeDelegate(guardian, {"from": patient})


def test_only_the_patient_revokes_its_delegates(consent, patient, guardian, stranger, reverts_with):
    consent.appointDelegate(guardian, {"from": patient})
    # A delegate's own call speaks for the delegate's own delegates, not the patient's.
    with reverts_with("ConsentRegistryDelegateNotFound", guardian, guardian):
        consent.revokeDelegate(guardian, {"from": guardian})
    with reverts_with("ConsentRegistryDelegateNotFound", stranger, guardian):
        consent.revokeDelegate(guardian, {"from": stranger})
    assert consent.isDelegate(patient, guardian)


# ------------------------------------------------------------------------------------ anchors


def test_the_patient_anchors_version_one_of_its_record(consent, anchor, patient, now):
    tx = anchor(RECORD_1, OBSERVATION)

    assert tuple(consent.recordOf(RECORD_1)) == (patient, 1, False, "0x" + OBSERVATION.hex())
    assert tuple(consent.recordVersion(RECORD_1, 1)) == (
        "0x" + CID_DIGEST_1.hex(),
        "0x" + CT_1.hex(),
        patient,
        now(),
    )
    assert_event(
        tx,
        "RecordAnchored",
        patient=patient,
        recordId=RECORD_1,
        anchoredBy=patient,
        version=1,
        previousVersion=0,
        dataClass=OBSERVATION,
        ciphertextDigest=CT_1,
        cid=CID_1,
        keyBundleCid=BUNDLE_1,
    )


def test_a_delegate_anchors_a_record_for_the_patient(consent, anchor, patient, guardian):
    consent.appointDelegate(guardian, {"from": patient})
    tx = anchor(sender=guardian)

    assert tx.events["RecordAnchored"]["anchoredBy"] == guardian
    assert consent.recordOf(RECORD_1)[0] == patient


def test_a_provider_anchors_under_a_consent_to_collect_the_class_for_treatment(
    consent, grant, anchor, patient, provider
):
    grant(provider, actions=COLLECT, purposes=TREAT, targets=[OBSERVATION])
    tx = anchor(RECORD_1, OBSERVATION, sender=provider)

    assert tx.events["RecordAnchored"]["anchoredBy"] == provider


def test_a_provider_without_a_collect_consent_may_not_anchor(
    anchor, grant, patient, provider, reverts_with
):
    grant(provider, actions=ACCESS, targets=[OBSERVATION])
    with reverts_with("ConsentRegistryAccessDenied", patient, provider, R_NO_PERMIT):
        anchor(RECORD_1, OBSERVATION, sender=provider)


def test_a_provider_with_a_collect_consent_for_another_purpose_may_not_anchor(
    anchor, grant, patient, provider, reverts_with
):
    grant(provider, actions=COLLECT, purposes=HPAYMT, targets=[OBSERVATION])
    with reverts_with("ConsentRegistryAccessDenied", patient, provider, R_NO_PERMIT):
        anchor(RECORD_1, OBSERVATION, sender=provider)


def test_a_denied_provider_may_not_anchor(anchor, grant, patient, provider, reverts_with):
    grant(provider, actions=COLLECT, targets=[])
    grant(provider, kind=DENY, actions=COLLECT, targets=[OBSERVATION])
    with reverts_with("ConsentRegistryAccessDenied", patient, provider, R_DENIED):
        anchor(RECORD_1, OBSERVATION, sender=provider)


def test_a_suspended_provider_may_not_anchor_even_with_consent(
    anchor, grant, participants, patient, provider, regulator, reverts_with
):
    grant(provider, actions=COLLECT)
    participants.suspendCredential(provider, participants.PROVIDER_ROLE(), {"from": regulator})
    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, provider):
        anchor(RECORD_1, OBSERVATION, sender=provider)


@pytest.mark.parametrize("name", ["insurer", "stranger", "guardian"])
def test_anyone_but_a_provider_may_not_anchor_even_with_a_collect_consent(
    anchor, grant, named, patient, reverts_with, name
):
    grant(named[name], actions=COLLECT)
    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, named[name]):
        anchor(sender=named[name])


def test_anchor_refuses_a_record_id_twice(anchor, guardian, reverts_with):
    anchor()
    with reverts_with("ConsentRegistryRecordExists", RECORD_1):
        anchor(patient=guardian)


@pytest.mark.parametrize("field", ["record_id", "data_class", "ciphertext"])
def test_anchor_refuses_zero_ids_and_digests(anchor, reverts_with, field):
    with reverts_with("ConsentRegistryInvalidRecord"):
        anchor(**{field: ZERO32})


@pytest.mark.parametrize("field", ["cid", "key_bundle"])
@pytest.mark.parametrize("length", [0, MAX_CID_LENGTH + 1])
def test_anchor_refuses_an_empty_or_over_long_cid(anchor, reverts_with, field, length):
    with reverts_with("ConsentRegistryInvalidRecord"):
        anchor(**{field: b"\x01" * length})


def test_anchor_accepts_cids_of_the_longest_length(consent, anchor):
    longest = b"\x01" * MAX_CID_LENGTH
    tx = anchor(cid=longest, key_bundle=longest)
    assert tx.events["RecordAnchored"]["cid"] == "0x" + longest.hex()
    assert consent.recordVersion(RECORD_1, 1)[0] == "0x" + hashlib.sha256(longest).hexdigest()


def test_anchor_refuses_the_zero_patient(consent, patient, reverts_with):
    with reverts_with("ConsentRegistryZeroAddress"):
        consent.anchorRecord(
            ZERO_ADDRESS, RECORD_1, OBSERVATION, CID_1, CT_1, BUNDLE_1, {"from": patient}
        )


# ------------------------------------------------------------------------------------ amendments


def test_an_amendment_adds_a_version_pointing_to_the_previous_and_keeps_history(
    consent, anchor, patient
):
    anchor()
    tx = consent.amendRecord(RECORD_1, CID_2, CT_2, BUNDLE_2, {"from": patient})

    assert tx.return_value == 2
    assert consent.recordOf(RECORD_1)[1] == 2
    assert consent.recordVersion(RECORD_1, 1)[0] == "0x" + CID_DIGEST_1.hex()
    assert consent.recordVersion(RECORD_1, 2)[:2] == ("0x" + CID_DIGEST_2.hex(), "0x" + CT_2.hex())
    assert_event(
        tx,
        "RecordAnchored",
        patient=patient,
        recordId=RECORD_1,
        anchoredBy=patient,
        version=2,
        previousVersion=1,
        dataClass=OBSERVATION,
        ciphertextDigest=CT_2,
        cid=CID_2,
        keyBundleCid=BUNDLE_2,
    )


def test_a_provider_amends_under_a_consent_to_correct_the_record(consent, grant, anchor, provider):
    anchor()
    grant(provider, actions=CORRECT, targets=[RECORD_1])
    assert (
        consent.amendRecord(RECORD_1, CID_2, CT_2, BUNDLE_2, {"from": provider}).return_value == 2
    )


def test_a_provider_without_a_correct_consent_may_not_amend(
    consent, grant, anchor, patient, provider, reverts_with
):
    anchor()
    grant(provider, actions=ACCESS, targets=[RECORD_1])
    with reverts_with("ConsentRegistryAccessDenied", patient, provider, R_NO_PERMIT):
        consent.amendRecord(RECORD_1, CID_2, CT_2, BUNDLE_2, {"from": provider})


def test_a_stranger_may_not_amend(consent, anchor, patient, stranger, reverts_with):
    anchor()
    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, stranger):
        consent.amendRecord(RECORD_1, CID_2, CT_2, BUNDLE_2, {"from": stranger})


def test_amend_refuses_an_unknown_record_and_zero_digests(consent, anchor, patient, reverts_with):
    with reverts_with("ConsentRegistryRecordNotFound", RECORD_1):
        consent.amendRecord(RECORD_1, CID_2, CT_2, BUNDLE_2, {"from": patient})
    anchor()
    with reverts_with("ConsentRegistryInvalidRecord"):
        consent.amendRecord(RECORD_1, CID_2, ZERO32, BUNDLE_2, {"from": patient})
    with reverts_with("ConsentRegistryInvalidRecord"):
        consent.amendRecord(RECORD_1, b"", CT_2, BUNDLE_2, {"from": patient})
    with reverts_with("ConsentRegistryInvalidRecord"):
        consent.amendRecord(RECORD_1, CID_2, CT_2, b"", {"from": patient})


# ------------------------------------------------------------------------------------ erasure


def test_erasure_marks_the_record_erased_and_keeps_its_ids_and_digests(consent, anchor, patient):
    anchor()
    tx = consent.eraseRecord(RECORD_1, {"from": patient})

    assert tuple(consent.recordOf(RECORD_1)) == (patient, 1, True, "0x" + OBSERVATION.hex())
    assert consent.recordVersion(RECORD_1, 1)[1] == "0x" + CT_1.hex()
    assert_event(tx, "RecordErased", patient=patient, recordId=RECORD_1, eraser=patient)


def test_a_delegate_erases_for_the_patient(consent, anchor, patient, guardian):
    anchor()
    consent.appointDelegate(guardian, {"from": patient})
    tx = consent.eraseRecord(RECORD_1, {"from": guardian})
    assert tx.events["RecordErased"]["eraser"] == guardian


@pytest.mark.parametrize("name", ["provider", "stranger"])
def test_nobody_else_erases_a_record(consent, anchor, grant, named, patient, reverts_with, name):
    anchor()
    grant(named[name], actions=15, targets=[])
    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, named[name]):
        consent.eraseRecord(RECORD_1, {"from": named[name]})


def test_an_erased_record_cannot_be_erased_amended_or_re_anchored(
    consent, anchor, patient, reverts_with
):
    anchor()
    consent.eraseRecord(RECORD_1, {"from": patient})

    with reverts_with("ConsentRegistryRecordErased", RECORD_1):
        consent.eraseRecord(RECORD_1, {"from": patient})
    with reverts_with("ConsentRegistryRecordErased", RECORD_1):
        consent.amendRecord(RECORD_1, CID_2, CT_2, BUNDLE_2, {"from": patient})
    with reverts_with("ConsentRegistryRecordExists", RECORD_1):
        anchor()


def test_erase_refuses_an_unknown_record(consent, patient, reverts_with):
    with reverts_with("ConsentRegistryRecordNotFound", RECORD_1):
        consent.eraseRecord(RECORD_1, {"from": patient})


def test_access_to_an_erased_record_is_refused_whatever_the_consent(
    consent, grant, anchor, patient, provider
):
    anchor(RECORD_1, LABORATORY)
    grant(provider, targets=[])
    consent.eraseRecord(RECORD_1, {"from": patient})

    assert access(consent, patient, provider, RECORD_1) == (False, R_RECORD_ERASED, 0)
