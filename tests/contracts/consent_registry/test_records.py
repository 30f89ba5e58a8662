"""ConsentRegistry: delegates, record anchors (ids derived from patient, author and salt; both
CIDs committed in storage), amendments with history, and crypto-shredding."""

from __future__ import annotations

import hashlib

import pytest
from eth_abi import encode
from eth_utils import keccak

from tests.brownie_support import ZERO_ADDRESS, assert_event, norm
from tests.contracts.consent_registry.support import (
    ACCESS,
    BUNDLE_1,
    BUNDLE_2,
    CID_1,
    CID_2,
    CIDS_DIGEST_1,
    CIDS_DIGEST_2,
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
    SALT_1,
    SALT_2,
    TREAT,
    ZERO32,
    access,
    cids_digest,
    record_id,
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


def test_the_patient_anchors_version_one_of_its_record(consent, anchor, patient, record_1, now):
    tx = anchor(SALT_1, OBSERVATION)

    assert tx.return_value == "0x" + record_1.hex()
    assert norm(consent.recordOf(record_1)) == norm([patient, 1, False, [OBSERVATION]])
    assert tuple(consent.recordVersion(record_1, 1)) == (
        "0x" + CIDS_DIGEST_1.hex(),
        "0x" + CT_1.hex(),
        patient,
        now(),
    )
    assert_event(
        tx,
        "RecordAnchored",
        patient=patient,
        recordId=record_1,
        anchoredBy=patient,
        version=1,
        previousVersion=0,
        dataClasses=[OBSERVATION],
        ciphertextDigest=CT_1,
        cid=CID_1,
        keyBundleCid=BUNDLE_1,
    )


def test_a_delegate_anchors_a_record_for_the_patient(consent, anchor, patient, guardian):
    consent.appointDelegate(guardian, {"from": patient})
    tx = anchor(sender=guardian)

    anchored = record_id(patient, guardian, SALT_1)
    assert tx.return_value == "0x" + anchored.hex()
    assert tx.events["RecordAnchored"]["anchoredBy"] == guardian
    assert tx.events["RecordAnchored"]["recordId"] == "0x" + anchored.hex()
    assert consent.recordOf(anchored)[0] == patient


def test_a_provider_anchors_under_a_consent_to_collect_the_class_for_treatment(
    consent, grant, anchor, patient, provider
):
    grant(provider, actions=COLLECT, purposes=TREAT, targets=[OBSERVATION])
    tx = anchor(SALT_1, OBSERVATION, sender=provider)

    assert tx.events["RecordAnchored"]["anchoredBy"] == provider
    assert tx.return_value == "0x" + record_id(patient, provider, SALT_1).hex()


def test_a_provider_without_a_collect_consent_may_not_anchor(
    anchor, grant, patient, provider, reverts_with
):
    grant(provider, actions=ACCESS, targets=[OBSERVATION])
    with reverts_with("ConsentRegistryAccessDenied", patient, provider, R_NO_PERMIT):
        anchor(SALT_1, OBSERVATION, sender=provider)


def test_a_provider_with_a_collect_consent_for_another_purpose_may_not_anchor(
    anchor, grant, patient, provider, reverts_with
):
    grant(provider, actions=COLLECT, purposes=HPAYMT, targets=[OBSERVATION])
    with reverts_with("ConsentRegistryAccessDenied", patient, provider, R_NO_PERMIT):
        anchor(SALT_1, OBSERVATION, sender=provider)


def test_a_denied_provider_may_not_anchor(anchor, grant, patient, provider, reverts_with):
    grant(provider, actions=COLLECT, targets=[])
    grant(provider, kind=DENY, actions=COLLECT, targets=[OBSERVATION])
    with reverts_with("ConsentRegistryAccessDenied", patient, provider, R_DENIED):
        anchor(SALT_1, OBSERVATION, sender=provider)


def test_a_suspended_provider_may_not_anchor_even_with_consent(
    anchor, grant, participants, patient, provider, regulator, reverts_with
):
    grant(provider, actions=COLLECT)
    participants.suspendCredential(provider, participants.PROVIDER_ROLE(), {"from": regulator})
    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, provider):
        anchor(SALT_1, OBSERVATION, sender=provider)


@pytest.mark.parametrize("name", ["insurer", "stranger", "guardian"])
def test_anyone_but_a_provider_may_not_anchor_even_with_a_collect_consent(
    anchor, grant, named, patient, reverts_with, name
):
    grant(named[name], actions=COLLECT)
    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, named[name]):
        anchor(sender=named[name])


def test_anchor_refuses_a_salt_the_author_used_for_the_patient_before(
    anchor, record_1, reverts_with
):
    anchor()
    with reverts_with("ConsentRegistryRecordExists", record_1):
        anchor(data_class=LABORATORY, cid=CID_2, ciphertext=CT_2, key_bundle=BUNDLE_2)


def test_anchor_refuses_a_zero_digest(anchor, reverts_with):
    with reverts_with("ConsentRegistryInvalidRecord"):
        anchor(ciphertext=ZERO32)


def test_anchor_accepts_a_zero_salt(consent, anchor, patient):
    tx = anchor(ZERO32)

    anchored = record_id(patient, patient, ZERO32)
    assert tx.return_value == "0x" + anchored.hex()
    assert consent.recordOf(anchored)[0] == patient


@pytest.mark.parametrize("field", ["cid", "key_bundle"])
@pytest.mark.parametrize("length", [0, MAX_CID_LENGTH + 1])
def test_anchor_refuses_an_empty_or_over_long_cid(anchor, reverts_with, field, length):
    with reverts_with("ConsentRegistryInvalidRecord"):
        anchor(**{field: b"\x01" * length})


def test_anchor_accepts_cids_of_the_longest_length(consent, anchor, record_1):
    longest = b"\x01" * MAX_CID_LENGTH
    tx = anchor(cid=longest, key_bundle=longest)
    assert tx.events["RecordAnchored"]["cid"] == "0x" + longest.hex()
    assert consent.recordVersion(record_1, 1)[0] == "0x" + cids_digest(longest, longest).hex()


def test_anchor_refuses_the_zero_patient(consent, patient, reverts_with):
    with reverts_with("ConsentRegistryZeroAddress"):
        consent.anchorRecord(
            ZERO_ADDRESS, SALT_1, [OBSERVATION], CID_1, CT_1, BUNDLE_1, {"from": patient}
        )


# ------------------------------------------------------------------------------ record ids


def test_record_id_of_is_the_hash_of_patient_author_and_salt(consent, patient, provider):
    for author, salt in ((patient, SALT_1), (provider, SALT_1), (patient, ZERO32)):
        assert (
            consent.recordIdOf(patient, author, salt)
            == "0x" + record_id(patient, author, salt).hex()
        )


def test_the_anchored_record_id_is_record_id_of_patient_sender_and_salt(
    consent, anchor, patient, guardian
):
    consent.appointDelegate(guardian, {"from": patient})

    for sender, salt in ((patient, SALT_1), (patient, SALT_2), (guardian, SALT_1)):
        tx = anchor(salt, sender=sender)
        assert tx.return_value == consent.recordIdOf(patient, sender, salt)


def test_the_same_salt_by_another_author_anchors_another_record(
    consent, anchor, patient, guardian, record_1
):
    consent.appointDelegate(guardian, {"from": patient})
    anchor()

    tx = anchor(sender=guardian, cid=CID_2, ciphertext=CT_2, key_bundle=BUNDLE_2)

    other = record_id(patient, guardian, SALT_1)
    assert other != record_1
    assert tx.return_value == "0x" + other.hex()
    assert consent.recordVersion(record_1, 1)[1] == "0x" + CT_1.hex()
    assert consent.recordVersion(other, 1)[1] == "0x" + CT_2.hex()


def test_the_same_salt_for_another_patient_anchors_another_record(
    consent, anchor, patient, guardian, record_1
):
    anchor()

    tx = anchor(patient=guardian)

    other = record_id(guardian, guardian, SALT_1)
    assert other != record_1
    assert tx.return_value == "0x" + other.hex()
    assert consent.recordOf(record_1)[0] == patient
    assert consent.recordOf(other)[0] == guardian


def test_nobody_can_take_a_record_id_first_by_copying_a_pending_anchor(
    consent, grant, anchor, patient, provider, stranger, record_1
):
    """Regression: record ids were chosen by the caller, so anyone allowed to anchor for the
    patient (or for itself) who saw the patient's pending anchor could anchor the same id first
    and make the patient's anchor fail; now the id is bound to its author."""
    grant(provider, actions=COLLECT)
    front_runs = [
        anchor(sender=provider, cid=CID_2, ciphertext=CT_2, key_bundle=BUNDLE_2),
        anchor(patient=stranger, cid=CID_2, ciphertext=CT_2, key_bundle=BUNDLE_2),
    ]

    tx = anchor()

    assert tx.return_value == "0x" + record_1.hex()
    assert record_1.hex() not in {str(front.return_value)[2:] for front in front_runs}
    assert norm(consent.recordOf(record_1)) == norm([patient, 1, False, [OBSERVATION]])
    assert consent.recordVersion(record_1, 1)[:3] == (
        "0x" + CIDS_DIGEST_1.hex(),
        "0x" + CT_1.hex(),
        patient,
    )


def test_a_record_id_cannot_be_made_to_equal_a_data_class(
    consent, anchor, patient, grant, provider
):
    """The salt is hashed with the patient and the author: anchoring with a data class id as the
    salt yields a record that is no data class, so a record permit cannot widen to the class."""
    tx = anchor(LABORATORY, LABORATORY)
    anchored = bytes.fromhex(str(tx.return_value)[2:])
    grant(provider, targets=[anchored])

    assert anchored != LABORATORY
    assert access(consent, patient, provider, anchored)[0] is True
    assert access(consent, patient, provider, LABORATORY) == (False, R_NO_PERMIT, 0)


# ------------------------------------------------------------------------------ cidsDigest


def test_a_version_keeps_the_keccak_of_its_abi_encoded_cids_and_data_classes(
    consent, anchor, record_1
):
    """Regression: only sha256(cid) was kept, so the key bundle CID of an event could not be
    checked against storage; then the classes of versions but the latest could not be."""
    anchor()

    expected = keccak(
        encode(["bytes", "bytes", "bytes32[]"], [CID_1, BUNDLE_1, [keccak(text="Observation")]])
    )
    assert consent.recordVersion(record_1, 1)[0] == "0x" + expected.hex()
    assert expected != hashlib.sha256(CID_1).digest()


def test_the_cids_digest_changes_with_the_key_bundle_cid_alone(consent, anchor, patient):
    anchor(SALT_1)
    anchor(SALT_2, key_bundle=BUNDLE_2)

    first = consent.recordVersion(record_id(patient, patient, SALT_1), 1)[0]
    second = consent.recordVersion(record_id(patient, patient, SALT_2), 1)[0]
    assert first == "0x" + cids_digest(CID_1, BUNDLE_1).hex()
    assert second == "0x" + cids_digest(CID_1, BUNDLE_2).hex()
    assert first != second


def test_the_cids_digest_is_not_fooled_by_moving_bytes_between_the_two_cids(
    consent, anchor, patient
):
    """abi.encode keeps the boundary between the CIDs (a packed encoding would not)."""
    anchor(SALT_1, cid=CID_1 + BUNDLE_1[:4], key_bundle=BUNDLE_1[4:])
    anchor(SALT_2, cid=CID_1, key_bundle=BUNDLE_1)

    first = consent.recordVersion(record_id(patient, patient, SALT_1), 1)[0]
    second = consent.recordVersion(record_id(patient, patient, SALT_2), 1)[0]
    assert first != second


# ------------------------------------------------------------------------------------ amendments


def test_an_amendment_adds_a_version_pointing_to_the_previous_and_keeps_history(
    consent, anchor, patient, record_1
):
    anchor()
    tx = consent.amendRecord(record_1, CID_2, CT_2, BUNDLE_2, {"from": patient})

    assert tx.return_value == 2
    assert consent.recordOf(record_1)[1] == 2
    assert consent.recordVersion(record_1, 1)[0] == "0x" + CIDS_DIGEST_1.hex()
    assert consent.recordVersion(record_1, 2)[:2] == (
        "0x" + CIDS_DIGEST_2.hex(),
        "0x" + CT_2.hex(),
    )
    assert_event(
        tx,
        "RecordAnchored",
        patient=patient,
        recordId=record_1,
        anchoredBy=patient,
        version=2,
        previousVersion=1,
        dataClasses=[OBSERVATION],
        ciphertextDigest=CT_2,
        cid=CID_2,
        keyBundleCid=BUNDLE_2,
    )


def test_a_provider_amends_under_a_consent_to_correct_the_record(
    consent, grant, anchor, provider, record_1
):
    anchor()
    grant(provider, actions=CORRECT, targets=[record_1])
    assert (
        consent.amendRecord(record_1, CID_2, CT_2, BUNDLE_2, {"from": provider}).return_value == 2
    )


def test_a_provider_without_a_correct_consent_may_not_amend(
    consent, grant, anchor, patient, provider, reverts_with, record_1
):
    anchor()
    grant(provider, actions=ACCESS, targets=[record_1])
    with reverts_with("ConsentRegistryAccessDenied", patient, provider, R_NO_PERMIT):
        consent.amendRecord(record_1, CID_2, CT_2, BUNDLE_2, {"from": provider})


def test_a_stranger_may_not_amend(consent, anchor, patient, stranger, reverts_with, record_1):
    anchor()
    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, stranger):
        consent.amendRecord(record_1, CID_2, CT_2, BUNDLE_2, {"from": stranger})


def test_amend_refuses_an_unknown_record_and_zero_digests(
    consent, anchor, patient, reverts_with, record_1
):
    with reverts_with("ConsentRegistryRecordNotFound", record_1):
        consent.amendRecord(record_1, CID_2, CT_2, BUNDLE_2, {"from": patient})
    anchor()
    with reverts_with("ConsentRegistryInvalidRecord"):
        consent.amendRecord(record_1, CID_2, ZERO32, BUNDLE_2, {"from": patient})
    with reverts_with("ConsentRegistryInvalidRecord"):
        consent.amendRecord(record_1, b"", CT_2, BUNDLE_2, {"from": patient})
    with reverts_with("ConsentRegistryInvalidRecord"):
        consent.amendRecord(record_1, CID_2, CT_2, b"", {"from": patient})


# ------------------------------------------------------------------------------------ erasure


def test_erasure_marks_the_record_erased_and_keeps_its_ids_and_digests(
    consent, anchor, patient, record_1
):
    anchor()
    tx = consent.eraseRecord(record_1, {"from": patient})

    assert norm(consent.recordOf(record_1)) == norm([patient, 1, True, [OBSERVATION]])
    assert consent.recordVersion(record_1, 1)[1] == "0x" + CT_1.hex()
    assert_event(tx, "RecordErased", patient=patient, recordId=record_1, eraser=patient)


def test_a_delegate_erases_for_the_patient(consent, anchor, patient, guardian, record_1):
    anchor()
    consent.appointDelegate(guardian, {"from": patient})
    tx = consent.eraseRecord(record_1, {"from": guardian})
    assert tx.events["RecordErased"]["eraser"] == guardian


@pytest.mark.parametrize("name", ["provider", "stranger"])
def test_nobody_else_erases_a_record(
    consent, anchor, grant, named, patient, reverts_with, name, record_1
):
    anchor()
    grant(named[name], actions=15, targets=[])
    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, named[name]):
        consent.eraseRecord(record_1, {"from": named[name]})


def test_an_erased_record_cannot_be_erased_amended_or_re_anchored(
    consent, anchor, patient, reverts_with, record_1
):
    anchor()
    consent.eraseRecord(record_1, {"from": patient})

    with reverts_with("ConsentRegistryRecordErased", record_1):
        consent.eraseRecord(record_1, {"from": patient})
    with reverts_with("ConsentRegistryRecordErased", record_1):
        consent.amendRecord(record_1, CID_2, CT_2, BUNDLE_2, {"from": patient})
    with reverts_with("ConsentRegistryRecordExists", record_1):
        anchor()


def test_erase_refuses_an_unknown_record(consent, patient, reverts_with, record_1):
    with reverts_with("ConsentRegistryRecordNotFound", record_1):
        consent.eraseRecord(record_1, {"from": patient})


def test_access_to_an_erased_record_is_refused_whatever_the_consent(
    consent, grant, anchor, patient, provider, record_1
):
    anchor(SALT_1, LABORATORY)
    grant(provider, targets=[])
    consent.eraseRecord(record_1, {"from": patient})

    assert access(consent, patient, provider, record_1) == (False, R_RECORD_ERASED, 0)
