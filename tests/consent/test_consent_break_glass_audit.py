"""ConsentRegistry: break-glass emergency access and the access audit trail (logAccess)."""

from __future__ import annotations

import pytest

from tests.brownie_support import ZERO_ADDRESS, assert_event
from tests.consent.consent_support import (
    ACCESS,
    COLLECT,
    DAY,
    DENY,
    ETREAT,
    HRESCH,
    OBSERVATION,
    R_BREAK_GLASS,
    R_DENIED,
    R_NO_PERMIT,
    R_PERMITTED,
    REASON,
    RECORD_1,
    RECORD_2,
    TREAT,
    ZERO32,
    access,
)

HOUR = 3600

# ------------------------------------------------------------------------------------ break-glass


def test_an_active_provider_opens_time_boxed_break_glass_access(consent, patient, provider, now):
    tx = consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})

    ends = now() + HOUR - 1
    assert consent.breakGlassEndsAt(patient, provider) == ends
    assert_event(
        tx, "BreakGlassOpened", patient=patient, provider=provider, reasonHash=REASON, endsAt=ends
    )
    assert access(consent, patient, provider, OBSERVATION, ACCESS, ETREAT) == (
        True,
        R_BREAK_GLASS,
        0,
    )


def test_break_glass_ends_by_itself_after_its_duration(consent, patient, provider, now, mine_at):
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    ends = consent.breakGlassEndsAt(patient, provider)

    mine_at(ends)
    assert access(consent, patient, provider, OBSERVATION, ACCESS, ETREAT)[0]
    mine_at(ends + 1)
    assert access(consent, patient, provider, OBSERVATION, ACCESS, ETREAT) == (
        False,
        R_NO_PERMIT,
        0,
    )


def test_break_glass_allows_only_reading_for_emergency_treatment(consent, patient, provider):
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})

    assert access(consent, patient, provider, OBSERVATION, ACCESS, TREAT) == (False, R_NO_PERMIT, 0)
    assert access(consent, patient, provider, OBSERVATION, COLLECT, ETREAT) == (
        False,
        R_NO_PERMIT,
        0,
    )


def test_break_glass_overrides_a_deny_as_an_audited_emergency_override(
    consent, grant, patient, provider
):
    deny_id = grant(provider, kind=DENY, purposes=ETREAT | TREAT).return_value
    assert access(consent, patient, provider, OBSERVATION, ACCESS, ETREAT) == (
        False,
        R_DENIED,
        deny_id,
    )

    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})

    assert access(consent, patient, provider, OBSERVATION, ACCESS, ETREAT) == (
        True,
        R_BREAK_GLASS,
        0,
    )


def test_a_consent_permit_is_reported_before_break_glass(consent, grant, patient, provider):
    permit_id = grant(provider, purposes=ETREAT).return_value
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})

    assert access(consent, patient, provider, OBSERVATION, ACCESS, ETREAT) == (
        True,
        R_PERMITTED,
        permit_id,
    )


def test_break_glass_stops_when_the_provider_credential_is_suspended(
    consent, participants, patient, provider, regulator
):
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    participants.suspendCredential(provider, participants.PROVIDER_ROLE(), {"from": regulator})

    assert access(consent, patient, provider, OBSERVATION, ACCESS, ETREAT) == (
        False,
        R_NO_PERMIT,
        0,
    )


def test_break_glass_lasts_at_most_twenty_four_hours(consent, patient, provider, reverts_with):
    consent.openBreakGlass(patient, REASON, DAY, {"from": provider})
    with reverts_with("ConsentRegistryInvalidBreakGlassDuration", DAY + 1):
        consent.openBreakGlass(patient, REASON, DAY + 1, {"from": provider})
    with reverts_with("ConsentRegistryInvalidBreakGlassDuration", 0):
        consent.openBreakGlass(patient, REASON, 0, {"from": provider})


def test_break_glass_needs_a_reason_and_a_patient(consent, patient, provider, reverts_with):
    with reverts_with("ConsentRegistryInvalidReason"):
        consent.openBreakGlass(patient, ZERO32, HOUR, {"from": provider})
    with reverts_with("ConsentRegistryZeroAddress"):
        consent.openBreakGlass(ZERO_ADDRESS, REASON, HOUR, {"from": provider})


@pytest.mark.parametrize("name", ["insurer", "patient", "guardian", "stranger", "regulator"])
def test_only_an_active_provider_opens_break_glass(consent, named, patient, reverts_with, name):
    with reverts_with("ConsentRegistryNotActiveProvider", named[name]):
        consent.openBreakGlass(patient, REASON, HOUR, {"from": named[name]})


def test_break_glass_cannot_be_opened_twice_but_again_after_it_ended(
    consent, patient, provider, reverts_with, mine_at
):
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    with reverts_with("ConsentRegistryBreakGlassOpen", patient, provider):
        consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})

    mine_at(consent.breakGlassEndsAt(patient, provider) + 1)
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})


def test_the_provider_closes_break_glass_early(consent, patient, provider):
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    tx = consent.closeBreakGlass(patient, {"from": provider})

    assert consent.breakGlassEndsAt(patient, provider) == 0
    assert_event(tx, "BreakGlassClosed", patient=patient, provider=provider)
    assert not access(consent, patient, provider, OBSERVATION, ACCESS, ETREAT)[0]


def test_close_break_glass_refuses_when_none_is_open(
    consent, patient, provider, insurer, reverts_with, mine_at
):
    with reverts_with("ConsentRegistryBreakGlassNotOpen", patient, provider):
        consent.closeBreakGlass(patient, {"from": provider})
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    with reverts_with("ConsentRegistryBreakGlassNotOpen", patient, insurer):
        consent.closeBreakGlass(patient, {"from": insurer})
    mine_at(consent.breakGlassEndsAt(patient, provider) + 1)
    with reverts_with("ConsentRegistryBreakGlassNotOpen", patient, provider):
        consent.closeBreakGlass(patient, {"from": provider})


# ------------------------------------------------------------------------------------ audit trail


def test_log_access_records_a_permitted_read_with_its_purpose(
    consent, grant, anchor, patient, provider
):
    anchor()
    consent_id = grant(provider).return_value

    tx = consent.logAccess(patient, RECORD_1, TREAT, consent_id, {"from": provider})

    assert_event(
        tx,
        "RecordAccessed",
        patient=patient,
        recordId=RECORD_1,
        accessor=provider,
        purpose=TREAT,
        consentId=consent_id,
    )


def test_log_access_under_break_glass_names_no_consent(consent, anchor, patient, provider):
    anchor()
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})

    tx = consent.logAccess(patient, RECORD_1, ETREAT, 0, {"from": provider})

    assert_event(
        tx,
        "RecordAccessed",
        patient=patient,
        recordId=RECORD_1,
        accessor=provider,
        purpose=ETREAT,
        consentId=0,
    )


def test_a_research_study_logs_its_reads_for_research(consent, grant, anchor, patient, stranger):
    anchor()
    consent_id = grant(stranger, purposes=HRESCH).return_value
    tx = consent.logAccess(patient, RECORD_1, HRESCH, consent_id, {"from": stranger})
    assert tx.events["RecordAccessed"]["purpose"] == HRESCH


def test_log_access_refuses_a_read_the_consents_do_not_allow(
    consent, grant, anchor, patient, provider, insurer, reverts_with
):
    anchor()
    grant(provider)
    deny_id = grant(provider, kind=DENY, targets=[RECORD_1]).return_value

    with reverts_with("ConsentRegistryAccessDenied", patient, provider, R_DENIED):
        consent.logAccess(patient, RECORD_1, TREAT, deny_id, {"from": provider})
    with reverts_with("ConsentRegistryAccessDenied", patient, insurer, R_NO_PERMIT):
        consent.logAccess(patient, RECORD_1, TREAT, 0, {"from": insurer})


def test_log_access_refuses_a_consent_id_that_did_not_decide(
    consent, grant, anchor, patient, provider, reverts_with
):
    anchor()
    consent_id = grant(provider).return_value
    with reverts_with("ConsentRegistryConsentMismatch", consent_id, 7):
        consent.logAccess(patient, RECORD_1, TREAT, 7, {"from": provider})


def test_log_access_refuses_an_erased_record(
    consent, grant, anchor, patient, provider, reverts_with
):
    anchor()
    consent_id = grant(provider).return_value
    consent.eraseRecord(RECORD_1, {"from": patient})

    with reverts_with("ConsentRegistryRecordErased", RECORD_1):
        consent.logAccess(patient, RECORD_1, TREAT, consent_id, {"from": provider})


def test_log_access_refuses_an_unknown_record_or_another_patient(
    consent, grant, anchor, patient, guardian, provider, reverts_with
):
    with reverts_with("ConsentRegistryRecordNotFound", RECORD_2):
        consent.logAccess(patient, RECORD_2, TREAT, 0, {"from": provider})
    anchor()
    with reverts_with("ConsentRegistryRecordNotFound", RECORD_1):
        consent.logAccess(guardian, RECORD_1, TREAT, 0, {"from": provider})


def test_log_access_refuses_an_invalid_purpose(
    consent, grant, anchor, patient, provider, reverts_with
):
    anchor()
    with reverts_with("ConsentRegistryInvalidPurposes", 3):
        consent.logAccess(patient, RECORD_1, 3, 0, {"from": provider})
