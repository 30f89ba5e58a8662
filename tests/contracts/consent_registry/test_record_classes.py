"""Records of several data classes (a FHIR resource type and its categories): a provision on any
class covers the record, a deny on any class overrides every permit, for reading, writing and
amending; changing a record's classes is an amendment (amendRecordClasses)."""

from __future__ import annotations

import pytest
from eth_utils import keccak

from tests.brownie_support import assert_event, norm
from tests.contracts.consent_registry.support import (
    BUNDLE_1,
    BUNDLE_2,
    CID_1,
    CID_2,
    COLLECT,
    CORRECT,
    CT_1,
    CT_2,
    DENY,
    IMAGING,
    LABORATORY,
    OBSERVATION,
    R_DENIED,
    R_NO_PERMIT,
    R_PERMITTED,
    SALT_1,
    SALT_2,
    TREAT,
    ZERO32,
    access,
    cids_digest,
)

MAX_RECORD_CLASSES = 8
LAB_OBSERVATION = [OBSERVATION, LABORATORY]


def test_a_record_carries_all_its_classes_in_storage_and_in_its_event(
    consent, anchor, patient, record_1
):
    tx = anchor(SALT_1, LAB_OBSERVATION)
    assert norm(consent.recordOf(record_1)) == norm([patient, 1, False, LAB_OBSERVATION])
    assert norm(tx.events["RecordAnchored"]["dataClasses"]) == norm(LAB_OBSERVATION)


def test_a_grant_to_any_class_of_a_record_covers_it(
    consent, anchor, grant, patient, insurer, record_1
):
    anchor(SALT_1, LAB_OBSERVATION)
    granted = grant(insurer, targets=[LABORATORY]).return_value
    assert access(consent, patient, insurer, record_1) == (True, R_PERMITTED, granted)


def test_a_deny_on_any_class_of_a_record_overrides_a_permit_on_another(
    consent, anchor, grant, patient, insurer, reverts_with, record_1
):
    anchor(SALT_1, LAB_OBSERVATION)
    grant(insurer, targets=[OBSERVATION])
    denied = grant(insurer, kind=DENY, targets=[LABORATORY]).return_value
    assert access(consent, patient, insurer, record_1) == (False, R_DENIED, denied)
    with reverts_with("ConsentRegistryAccessDenied", patient, insurer, R_DENIED):
        consent.logAccess(patient, record_1, TREAT, 0, {"from": insurer})


def test_a_class_the_record_does_not_carry_neither_covers_nor_denies_it(
    consent, anchor, grant, patient, insurer, record_1
):
    anchor(SALT_1, LAB_OBSERVATION)
    granted = grant(insurer, targets=[OBSERVATION]).return_value
    grant(insurer, kind=DENY, targets=[IMAGING])
    assert access(consent, patient, insurer, record_1) == (True, R_PERMITTED, granted)
    assert access(consent, patient, insurer, IMAGING)[1] == R_DENIED


def test_a_provider_collects_a_record_under_a_permit_on_one_of_its_classes(
    consent, anchor, grant, provider
):
    grant(provider, actions=COLLECT, targets=[LABORATORY])
    tx = anchor(SALT_1, LAB_OBSERVATION, sender=provider)
    assert tx.events["RecordAnchored"]["anchoredBy"] == provider


def test_a_deny_to_collect_one_class_stops_a_provider_writing_a_record_that_carries_it(
    anchor, grant, patient, provider, reverts_with
):
    grant(provider, actions=COLLECT, targets=[OBSERVATION])
    grant(provider, kind=DENY, actions=COLLECT, targets=[LABORATORY])
    with reverts_with("ConsentRegistryAccessDenied", patient, provider, R_DENIED):
        anchor(SALT_1, LAB_OBSERVATION, sender=provider)
    anchor(SALT_1, OBSERVATION, sender=provider)  # a record without that class is allowed


@pytest.mark.parametrize("count", [0, MAX_RECORD_CLASSES + 1])
def test_anchor_refuses_no_class_or_too_many(anchor, reverts_with, count):
    classes = [keccak(text=f"class-{i}") for i in range(count)]
    with reverts_with("ConsentRegistryInvalidClassCount", count):
        anchor(SALT_1, classes)


def test_anchor_accepts_the_most_classes_and_checks_access_over_all_of_them(
    consent, anchor, grant, patient, insurer, record_1
):
    classes = [keccak(text=f"class-{i}") for i in range(MAX_RECORD_CLASSES)]
    anchor(SALT_1, classes)
    granted = grant(insurer, targets=[classes[-1]]).return_value
    assert access(consent, patient, insurer, record_1) == (True, R_PERMITTED, granted)
    denied = grant(insurer, kind=DENY, targets=[classes[-2]]).return_value
    assert access(consent, patient, insurer, record_1) == (False, R_DENIED, denied)


@pytest.mark.parametrize(
    "classes", [[ZERO32], [OBSERVATION, ZERO32], [OBSERVATION, LABORATORY, OBSERVATION]]
)
def test_anchor_refuses_a_zero_or_repeated_class(anchor, reverts_with, classes):
    bad = ZERO32 if ZERO32 in classes else OBSERVATION
    with reverts_with("ConsentRegistryInvalidDataClass", bad):
        anchor(SALT_1, classes)


def test_a_provider_cannot_file_a_record_under_another_records_id_as_a_class(
    consent, anchor, grant, patient, provider, insurer, reverts_with, record_1
):
    """The insurer may read record 1 only. A provider allowed to collect Observations files a new
    record of the patient under record 1's id as a class, so the insurer's permit would cover it,
    then tries the same by amending a record of its own: both refused."""
    anchor(SALT_1, LAB_OBSERVATION)
    grant(insurer, targets=[record_1])
    grant(provider, actions=COLLECT | CORRECT, targets=[OBSERVATION])
    with reverts_with("ConsentRegistryClassIsRecord", record_1):
        anchor(SALT_2, [OBSERVATION, record_1], sender=provider)
    own = anchor(SALT_2, OBSERVATION, sender=provider).return_value
    with reverts_with("ConsentRegistryClassIsRecord", record_1):
        consent.amendRecordClasses(
            own, [OBSERVATION, record_1], CID_2, CT_2, BUNDLE_2, {"from": provider}
        )
    with reverts_with("ConsentRegistryClassIsRecord", record_1):  # nor the patient, by mistake
        consent.amendRecordClasses(own, [record_1], CID_2, CT_2, BUNDLE_2, {"from": patient})
    assert access(consent, patient, insurer, own)[1] == R_NO_PERMIT


# ------------------------------------------------------------------------------ amending classes


def test_each_versions_digest_covers_the_classes_it_had(consent, anchor, patient, record_1):
    """Storage keeps the latest version's classes only; each version's digest keeps its own, so
    a reader checks an older version's classes (read from its event) against storage too."""
    anchor(SALT_1, [OBSERVATION, LABORATORY])
    consent.amendRecordClasses(record_1, [OBSERVATION], CID_2, CT_2, BUNDLE_2, {"from": patient})
    consent.amendRecord(record_1, CID_1, CT_1, BUNDLE_1, {"from": patient})

    digests = [consent.recordVersion(record_1, v)[0] for v in (1, 2, 3)]
    assert digests == [
        "0x" + cids_digest(CID_1, BUNDLE_1, [OBSERVATION, LABORATORY]).hex(),
        "0x" + cids_digest(CID_2, BUNDLE_2, [OBSERVATION]).hex(),
        "0x" + cids_digest(CID_1, BUNDLE_1, [OBSERVATION]).hex(),
    ]
    # The same CIDs under the classes the record no longer has is another digest.
    assert digests[0] != "0x" + cids_digest(CID_1, BUNDLE_1, [OBSERVATION]).hex()


def test_changing_a_records_classes_is_an_amendment(consent, anchor, patient, record_1):
    anchor(SALT_1, LAB_OBSERVATION)
    tx = consent.amendRecordClasses(
        record_1, [OBSERVATION, IMAGING], CID_2, CT_2, BUNDLE_2, {"from": patient}
    )
    assert tx.return_value == 2
    assert norm(consent.recordOf(record_1)) == norm([patient, 2, False, [OBSERVATION, IMAGING]])
    assert_event(
        tx,
        "RecordAnchored",
        patient=patient,
        recordId=record_1,
        anchoredBy=patient,
        version=2,
        previousVersion=1,
        dataClasses=[OBSERVATION, IMAGING],
        ciphertextDigest=CT_2,
        cid=CID_2,
        keyBundleCid=BUNDLE_2,
    )
    # A plain amendment keeps the classes.
    again = consent.amendRecord(record_1, CID_2, CT_2, BUNDLE_2, {"from": patient})
    assert norm(again.events["RecordAnchored"]["dataClasses"]) == norm([OBSERVATION, IMAGING])


def test_access_follows_the_classes_of_the_latest_amendment(
    consent, anchor, grant, patient, insurer, record_1
):
    anchor(SALT_1, LAB_OBSERVATION)
    grant(insurer, targets=[LABORATORY])
    consent.amendRecordClasses(
        record_1, [OBSERVATION, IMAGING], CID_2, CT_2, BUNDLE_2, {"from": patient}
    )
    assert access(consent, patient, insurer, record_1)[:2] == (False, R_NO_PERMIT)


def test_a_provider_reclasses_only_with_correct_on_the_record_and_collect_on_its_new_classes(
    consent, anchor, grant, patient, provider, reverts_with, record_1
):
    anchor(SALT_1, LAB_OBSERVATION)
    grant(provider, actions=CORRECT, targets=[record_1])
    with reverts_with("ConsentRegistryAccessDenied", patient, provider, R_NO_PERMIT):
        consent.amendRecordClasses(
            record_1, [*LAB_OBSERVATION, IMAGING], CID_2, CT_2, BUNDLE_2, {"from": provider}
        )
    grant(provider, actions=COLLECT, targets=[IMAGING])
    tx = consent.amendRecordClasses(
        record_1, [*LAB_OBSERVATION, IMAGING], CID_2, CT_2, BUNDLE_2, {"from": provider}
    )
    assert tx.return_value == 2


def test_a_provider_adds_classes_but_never_drops_one_the_patient_does(
    consent, anchor, grant, patient, provider, reverts_with, record_1
):
    anchor(SALT_1, LAB_OBSERVATION)
    grant(provider, actions=CORRECT | COLLECT, targets=[OBSERVATION])
    # Dropping `laboratory` would take the record out from under a deny on it (for anyone).
    with reverts_with("ConsentRegistryClassDropped", record_1, LABORATORY):
        consent.amendRecordClasses(
            record_1, [OBSERVATION], CID_2, CT_2, BUNDLE_2, {"from": provider}
        )
    tx = consent.amendRecordClasses(
        record_1, [OBSERVATION], CID_2, CT_2, BUNDLE_2, {"from": patient}
    )
    assert norm(tx.events["RecordAnchored"]["dataClasses"]) == norm([OBSERVATION])


def test_a_provider_denied_correcting_one_class_may_not_amend_the_record_at_all(
    consent, anchor, grant, patient, provider, reverts_with, record_1
):
    anchor(SALT_1, LAB_OBSERVATION)
    grant(provider, actions=CORRECT | COLLECT, targets=[OBSERVATION])
    denied = grant(provider, kind=DENY, actions=CORRECT, targets=[LABORATORY])
    assert denied.return_value
    with reverts_with("ConsentRegistryAccessDenied", patient, provider, R_DENIED):
        consent.amendRecord(record_1, CID_2, CT_2, BUNDLE_2, {"from": provider})
    # ... nor drop the denied class by reclassing the record.
    with reverts_with("ConsentRegistryAccessDenied", patient, provider, R_DENIED):
        consent.amendRecordClasses(
            record_1, [OBSERVATION], CID_2, CT_2, BUNDLE_2, {"from": provider}
        )


def test_amend_record_classes_checks_its_classes_and_the_record(
    consent, anchor, patient, reverts_with, record_1
):
    with reverts_with("ConsentRegistryRecordNotFound", record_1):
        consent.amendRecordClasses(
            record_1, [OBSERVATION], CID_2, CT_2, BUNDLE_2, {"from": patient}
        )
    anchor()
    with reverts_with("ConsentRegistryInvalidClassCount", 0):
        consent.amendRecordClasses(record_1, [], CID_2, CT_2, BUNDLE_2, {"from": patient})
    with reverts_with("ConsentRegistryInvalidDataClass", LABORATORY):
        consent.amendRecordClasses(
            record_1, [LABORATORY, LABORATORY], CID_2, CT_2, BUNDLE_2, {"from": patient}
        )
    consent.eraseRecord(record_1, {"from": patient})
    with reverts_with("ConsentRegistryRecordErased", record_1):
        consent.amendRecordClasses(
            record_1, [OBSERVATION], CID_2, CT_2, BUNDLE_2, {"from": patient}
        )


def test_access_is_still_evaluated_for_a_data_class_target(consent, grant, patient, insurer):
    granted = grant(insurer, targets=[LABORATORY]).return_value
    assert access(consent, patient, insurer, LABORATORY) == (True, R_PERMITTED, granted)
    assert access(consent, patient, insurer, OBSERVATION)[:2] == (False, R_NO_PERMIT)
