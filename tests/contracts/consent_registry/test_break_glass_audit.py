"""ConsentRegistry: break-glass emergency access (capped openings per window, closable by the
patient, a delegate or the guardian) and the access audit trail (logAccess)."""

from __future__ import annotations

import pytest

from tests.brownie_support import ZERO_ADDRESS, assert_event, event_names
from tests.contracts.consent_registry.support import (
    ACCESS,
    BREAK_GLASS_WINDOW,
    COLLECT,
    DAY,
    DENY,
    ETREAT,
    HRESCH,
    MAX_BREAK_GLASS_OPENINGS,
    OBSERVATION,
    R_BREAK_GLASS,
    R_DENIED,
    R_NO_PERMIT,
    R_PERMITTED,
    REASON,
    TREAT,
    ZERO32,
    access,
    break_glass,
)

HOUR = 3600

# ------------------------------------------------------------------------------------ break-glass


def test_an_active_provider_opens_time_boxed_break_glass_access(consent, patient, provider, now):
    tx = consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})

    ends = now() + HOUR - 1
    assert break_glass(consent, patient, provider) == (ends, now(), 1)
    assert_event(
        tx,
        "BreakGlassOpened",
        patient=patient,
        provider=provider,
        reasonHash=REASON,
        endsAt=ends,
        opening=1,
    )
    assert access(consent, patient, provider, OBSERVATION, ACCESS, ETREAT) == (
        True,
        R_BREAK_GLASS,
        0,
    )


def test_break_glass_ends_by_itself_after_its_duration(consent, patient, provider, now, mine_at):
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    ends = break_glass(consent, patient, provider)[0]

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

    mine_at(break_glass(consent, patient, provider)[0] + 1)
    tx = consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    assert tx.events["BreakGlassOpened"]["opening"] == 2


def test_the_provider_closes_break_glass_early(consent, patient, provider):
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    window_start = break_glass(consent, patient, provider)[1]
    tx = consent.closeBreakGlass(patient, provider, {"from": provider})

    assert break_glass(consent, patient, provider) == (0, window_start, 1)
    assert event_names(tx) == ["BreakGlassClosed"]
    assert_event(tx, "BreakGlassClosed", patient=patient, provider=provider, closedBy=provider)
    assert not access(consent, patient, provider, OBSERVATION, ACCESS, ETREAT)[0]


def test_close_break_glass_refuses_when_none_is_open(
    consent, patient, provider, insurer, reverts_with, mine_at
):
    with reverts_with("ConsentRegistryBreakGlassNotOpen", patient, provider):
        consent.closeBreakGlass(patient, provider, {"from": provider})
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    with reverts_with("ConsentRegistryBreakGlassNotOpen", patient, insurer):
        consent.closeBreakGlass(patient, insurer, {"from": insurer})
    mine_at(break_glass(consent, patient, provider)[0] + 1)
    with reverts_with("ConsentRegistryBreakGlassNotOpen", patient, provider):
        consent.closeBreakGlass(patient, provider, {"from": provider})


def test_the_break_glass_limits_are_three_openings_per_day(consent):
    assert consent.MAX_BREAK_GLASS_OPENINGS() == MAX_BREAK_GLASS_OPENINGS == 3
    assert consent.BREAK_GLASS_WINDOW() == BREAK_GLASS_WINDOW == DAY


def open_and_close(consent, patient, provider, times):
    """`times` openings of `provider`'s break-glass, each closed by the provider at once."""
    for _ in range(times):
        consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
        consent.closeBreakGlass(patient, provider, {"from": provider})


# ------------------------------------------------------------------- break-glass: the cap


def test_each_opening_in_a_window_is_counted_in_its_event_and_its_state(
    consent, patient, provider, now
):
    for opening in (1, 2, 3):
        tx = consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
        if opening == 1:
            window_start = now()
        assert tx.events["BreakGlassOpened"]["opening"] == opening
        assert break_glass(consent, patient, provider) == (now() + HOUR - 1, window_start, opening)
        consent.closeBreakGlass(patient, provider, {"from": provider})


def test_a_fourth_opening_in_a_window_is_refused_until_the_window_ends(
    consent, patient, provider, reverts_with, now, at_time
):
    """Regression: a provider could open break-glass on a patient again and again, one day at a
    time, an emergency with no end."""
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    window_start = now()
    consent.closeBreakGlass(patient, provider, {"from": provider})
    open_and_close(consent, patient, provider, 2)

    with reverts_with(
        "ConsentRegistryBreakGlassLimitReached", patient, provider, window_start + DAY
    ):
        consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    at_time(window_start + DAY - 1)
    with reverts_with(
        "ConsentRegistryBreakGlassLimitReached", patient, provider, window_start + DAY
    ):
        consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    assert not access(consent, patient, provider, OBSERVATION, ACCESS, ETREAT)[0]


def test_the_count_starts_again_once_the_window_has_ended(consent, patient, provider, now, at_time):
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    window_start = now()
    consent.closeBreakGlass(patient, provider, {"from": provider})
    open_and_close(consent, patient, provider, 2)

    at_time(window_start + DAY)
    tx = consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})

    assert tx.events["BreakGlassOpened"]["opening"] == 1
    assert break_glass(consent, patient, provider) == (
        window_start + DAY + HOUR - 1,
        window_start + DAY,
        1,
    )
    consent.closeBreakGlass(patient, provider, {"from": provider})
    open_and_close(consent, patient, provider, 2)
    assert break_glass(consent, patient, provider)[2] == 3


def test_openings_that_ran_out_by_themselves_count_too(
    consent, patient, provider, reverts_with, now, at_time
):
    consent.openBreakGlass(patient, REASON, 60, {"from": provider})
    window_start = now()
    for k in (1, 2):
        at_time(window_start + k * HOUR)
        consent.openBreakGlass(patient, REASON, 60, {"from": provider})

    at_time(window_start + 3 * HOUR)
    with reverts_with(
        "ConsentRegistryBreakGlassLimitReached", patient, provider, window_start + DAY
    ):
        consent.openBreakGlass(patient, REASON, 60, {"from": provider})


def test_a_full_day_opening_started_late_in_a_window_runs_into_the_next(
    consent, patient, provider, now, at_time, mine_at
):
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    window_start = now()
    consent.closeBreakGlass(patient, provider, {"from": provider})
    at_time(window_start + DAY - 10)
    consent.openBreakGlass(patient, REASON, DAY, {"from": provider})

    mine_at(window_start + DAY + HOUR)
    assert access(consent, patient, provider, OBSERVATION, ACCESS, ETREAT) == (
        True,
        R_BREAK_GLASS,
        0,
    )
    assert break_glass(consent, patient, provider) == (
        window_start + 2 * DAY - 11,
        window_start,
        2,
    )


def test_the_cap_is_counted_per_provider_and_per_patient(
    consent, patient, guardian, provider, other_provider
):
    open_and_close(consent, patient, provider, 3)

    consent.openBreakGlass(guardian, REASON, HOUR, {"from": provider})
    consent.openBreakGlass(patient, REASON, HOUR, {"from": other_provider})

    assert break_glass(consent, guardian, provider)[2] == 1
    assert break_glass(consent, patient, other_provider)[2] == 1


# -------------------------------------------------- break-glass: closing by the patient's side


@pytest.mark.parametrize("closer", ["patient", "delegate"])
def test_the_patient_or_a_delegate_closes_a_providers_break_glass(
    consent, patient, guardian, provider, now, closer
):
    consent.appointDelegate(guardian, {"from": patient})
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    closed_by = patient if closer == "patient" else guardian

    tx = consent.closeBreakGlass(patient, provider, {"from": closed_by})

    assert event_names(tx) == ["BreakGlassClosed"]
    assert_event(tx, "BreakGlassClosed", patient=patient, provider=provider, closedBy=closed_by)
    assert break_glass(consent, patient, provider) == (0, now(), MAX_BREAK_GLASS_OPENINGS)
    assert access(consent, patient, provider, OBSERVATION, ACCESS, ETREAT) == (
        False,
        R_NO_PERMIT,
        0,
    )


def test_the_guardian_closes_a_providers_break_glass_on_its_ward(
    consent, ward, guardian, provider, now
):
    consent.openBreakGlass(ward, REASON, HOUR, {"from": provider})

    tx = consent.closeBreakGlass(ward, provider, {"from": guardian})

    assert_event(tx, "BreakGlassClosed", patient=ward, provider=provider, closedBy=guardian)
    assert break_glass(consent, ward, provider) == (0, now(), MAX_BREAK_GLASS_OPENINGS)


@pytest.mark.parametrize("closer", ["patient", "delegate", "guardian"])
def test_a_provider_whose_break_glass_the_patient_side_closed_may_not_reopen_for_a_day(
    consent, patient, ward, guardian, provider, reverts_with, now, at_time, closer
):
    """Regression: the patient could not end a provider's emergency access at all, and the
    provider could reopen it at once; once the patient (or who acts for it) can consent, the
    emergency is over."""
    subject = ward if closer == "guardian" else patient
    if closer == "delegate":
        consent.appointDelegate(guardian, {"from": patient})
    closed_by = patient if closer == "patient" else guardian
    consent.openBreakGlass(subject, REASON, HOUR, {"from": provider})
    at_time(now() + 600)
    consent.closeBreakGlass(subject, provider, {"from": closed_by})
    closed_at = now()

    with reverts_with("ConsentRegistryBreakGlassLimitReached", subject, provider, closed_at + DAY):
        consent.openBreakGlass(subject, REASON, HOUR, {"from": provider})
    at_time(closed_at + DAY - 1)
    with reverts_with("ConsentRegistryBreakGlassLimitReached", subject, provider, closed_at + DAY):
        consent.openBreakGlass(subject, REASON, HOUR, {"from": provider})

    at_time(closed_at + DAY)
    tx = consent.openBreakGlass(subject, REASON, HOUR, {"from": provider})
    assert tx.events["BreakGlassOpened"]["opening"] == 1
    assert break_glass(consent, subject, provider) == (
        closed_at + DAY + HOUR - 1,
        closed_at + DAY,
        1,
    )


def test_a_provider_that_closes_its_own_break_glass_may_reopen_at_once(consent, patient, provider):
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    consent.closeBreakGlass(patient, provider, {"from": provider})

    tx = consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})

    assert tx.events["BreakGlassOpened"]["opening"] == 2


def test_closing_by_the_patient_locks_out_only_that_provider(
    consent, patient, provider, other_provider
):
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    consent.openBreakGlass(patient, REASON, HOUR, {"from": other_provider})

    consent.closeBreakGlass(patient, provider, {"from": patient})

    assert access(consent, patient, other_provider, OBSERVATION, ACCESS, ETREAT)[0]
    consent.closeBreakGlass(patient, other_provider, {"from": other_provider})
    consent.openBreakGlass(patient, REASON, HOUR, {"from": other_provider})


@pytest.mark.parametrize("name", ["insurer", "guardian", "stranger", "admin", "regulator"])
def test_nobody_else_closes_a_providers_break_glass(
    consent, named, patient, provider, reverts_with, name
):
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})

    state = break_glass(consent, patient, provider)

    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, named[name]):
        consent.closeBreakGlass(patient, provider, {"from": named[name]})

    assert break_glass(consent, patient, provider) == state
    assert access(consent, patient, provider, OBSERVATION, ACCESS, ETREAT)[0]


def test_another_provider_does_not_close_a_providers_break_glass(
    consent, patient, provider, other_provider, reverts_with
):
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})

    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, other_provider):
        consent.closeBreakGlass(patient, provider, {"from": other_provider})


def test_a_revoked_delegate_no_longer_closes_break_glass(
    consent, patient, guardian, provider, reverts_with
):
    consent.appointDelegate(guardian, {"from": patient})
    consent.revokeDelegate(guardian, {"from": patient})
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})

    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, guardian):
        consent.closeBreakGlass(patient, provider, {"from": guardian})


def test_the_patient_cannot_close_a_break_glass_that_is_not_open(
    consent, patient, provider, reverts_with, mine_at
):
    """So the patient cannot lock a provider out ahead of an emergency."""
    with reverts_with("ConsentRegistryBreakGlassNotOpen", patient, provider):
        consent.closeBreakGlass(patient, provider, {"from": patient})
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})
    mine_at(break_glass(consent, patient, provider)[0] + 1)

    with reverts_with("ConsentRegistryBreakGlassNotOpen", patient, provider):
        consent.closeBreakGlass(patient, provider, {"from": patient})
    assert break_glass(consent, patient, provider)[2] == 1


def test_close_break_glass_checks_the_caller_before_the_break_glass(
    consent, patient, provider, stranger, reverts_with
):
    with reverts_with("ConsentRegistryNotPatientOrDelegate", patient, stranger):
        consent.closeBreakGlass(patient, provider, {"from": stranger})


# ------------------------------------------------------------------------------------ audit trail


def test_log_access_records_a_permitted_read_with_its_purpose(
    consent, grant, anchor, patient, provider, record_1
):
    anchor()
    consent_id = grant(provider).return_value

    tx = consent.logAccess(patient, record_1, TREAT, consent_id, {"from": provider})

    assert_event(
        tx,
        "RecordAccessed",
        patient=patient,
        recordId=record_1,
        accessor=provider,
        purpose=TREAT,
        consentId=consent_id,
    )


def test_log_access_under_break_glass_names_no_consent(
    consent, anchor, patient, provider, record_1
):
    anchor()
    consent.openBreakGlass(patient, REASON, HOUR, {"from": provider})

    tx = consent.logAccess(patient, record_1, ETREAT, 0, {"from": provider})

    assert_event(
        tx,
        "RecordAccessed",
        patient=patient,
        recordId=record_1,
        accessor=provider,
        purpose=ETREAT,
        consentId=0,
    )


def test_a_research_study_logs_its_reads_for_research(
    consent, grant, anchor, patient, stranger, record_1
):
    anchor()
    consent_id = grant(stranger, purposes=HRESCH).return_value
    tx = consent.logAccess(patient, record_1, HRESCH, consent_id, {"from": stranger})
    assert tx.events["RecordAccessed"]["purpose"] == HRESCH


def test_log_access_refuses_a_read_the_consents_do_not_allow(
    consent, grant, anchor, patient, provider, insurer, reverts_with, record_1
):
    anchor()
    grant(provider)
    deny_id = grant(provider, kind=DENY, targets=[record_1]).return_value

    with reverts_with("ConsentRegistryAccessDenied", patient, provider, R_DENIED):
        consent.logAccess(patient, record_1, TREAT, deny_id, {"from": provider})
    with reverts_with("ConsentRegistryAccessDenied", patient, insurer, R_NO_PERMIT):
        consent.logAccess(patient, record_1, TREAT, 0, {"from": insurer})


def test_log_access_refuses_a_consent_id_that_did_not_decide(
    consent, grant, anchor, patient, provider, reverts_with, record_1
):
    anchor()
    consent_id = grant(provider).return_value
    with reverts_with("ConsentRegistryConsentMismatch", consent_id, 7):
        consent.logAccess(patient, record_1, TREAT, 7, {"from": provider})


def test_log_access_refuses_an_erased_record(
    consent, grant, anchor, patient, provider, reverts_with, record_1
):
    anchor()
    consent_id = grant(provider).return_value
    consent.eraseRecord(record_1, {"from": patient})

    with reverts_with("ConsentRegistryRecordErased", record_1):
        consent.logAccess(patient, record_1, TREAT, consent_id, {"from": provider})


def test_log_access_refuses_an_unknown_record_or_another_patient(
    consent, grant, anchor, patient, guardian, provider, reverts_with, record_1, record_2
):
    with reverts_with("ConsentRegistryRecordNotFound", record_2):
        consent.logAccess(patient, record_2, TREAT, 0, {"from": provider})
    anchor()
    with reverts_with("ConsentRegistryRecordNotFound", record_1):
        consent.logAccess(guardian, record_1, TREAT, 0, {"from": provider})


def test_log_access_refuses_an_invalid_purpose(
    consent, grant, anchor, patient, provider, reverts_with, record_1
):
    anchor()
    with reverts_with("ConsentRegistryInvalidPurposes", 3):
        consent.logAccess(patient, record_1, 3, 0, {"from": provider})
