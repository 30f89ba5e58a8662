"""ClaimsAdjudicator.submitClaims: who may submit, what is checked and stored, and consent."""

from __future__ import annotations

import pytest

from tests.brownie_support import assert_event, latest_timestamp, norm
from tests.contracts.claims_adjudicator.support import (
    ACCESS,
    CLAIM_CLASS,
    DENY,
    DISCLOSE,
    FOREVER,
    HPAYMT,
    INSURER_ROLE,
    M1,
    M2,
    M3,
    M9,
    MAIN,
    MRI,
    OFFICE,
    PA1,
    PERMIT,
    PROVIDER_ROLE,
    R_DENIED,
    R_NO_PERMIT,
    R_REVOKED,
    S_SUBMITTED,
    TREAT,
    ZERO32,
    claim,
    claim_id,
    code,
    day,
    grant_payment_consent,
    line,
    ref,
)

NOT_PROVIDERS = ["admin", "regulator", "insurer", "rival", "patient", "guardian", "stranger"]
CID = bytes.fromhex("01551220") + bytes(range(32))  # a binary CIDv1 of an encrypted attachment
OBSERVATION = bytes.fromhex(
    "e0b3a2d0c0e8e4f0a6a7c5e4d1f2b3a4c5d6e7f8091a2b3c4d5e6f708192a3b4"
)  # some other data class


def office(name="c1", member=M1, **kwargs):
    return claim(name, member, [line(OFFICE, "2025-10-01", 1, 15_000)], **kwargs)


def payment_consent_id(consent, patient, insurer):
    key = bytes(12) + bytes.fromhex(str(norm(insurer))[2:])
    return consent.provisionsOf(patient, key, ZERO32)[0][0]


# ------------------------------------------------------------------------------ happy path


def test_submit_stores_the_claim_under_an_id_derived_from_provider_and_reference(
    adjudicator, submit, provider
):
    tx = submit(
        claim(
            "c1",
            M1,
            [line(OFFICE, "2025-10-01", 1, 15_000), line(MRI, "2025-02-10", 2, 300_000, PA1)],
            received="2025-10-15",
            attachment=CID,
        )
    )
    [returned] = tx.return_value
    expected_id = claim_id(adjudicator, provider, "c1")

    assert bytes(returned) == expected_id
    assert tuple(adjudicator.claimOf(expected_id)) == (
        provider, MAIN, day("2025-10-15"), S_SUBMITTED, 0, 2, True, "0x" + M1.hex(),
    )  # fmt: skip
    assert [tuple(x) for x in adjudicator.claimLines(expected_id)] == [
        ("0x" + code(OFFICE).hex(), day("2025-10-01"), 1, 15_000, "0x" + ZERO32.hex()),
        ("0x" + code(MRI).hex(), day("2025-02-10"), 2, 300_000, "0x" + PA1.hex()),
    ]


def test_submit_emits_claim_submitted_with_the_attachment_cid(adjudicator, submit, provider):
    tx = submit(office(attachment=CID))

    assert_event(
        tx,
        "ClaimSubmitted",
        claimId=claim_id(adjudicator, provider, "c1"),
        provider=provider,
        planId=MAIN,
        claimRef=ref("c1"),
        memberId=M1,
        received=day("2025-10-15"),
        lineCount=1,
        attachmentCid=CID,
    )


def test_submit_takes_many_claims_in_one_transaction(adjudicator, submit, provider):
    tx = submit(office("c1"), office("c2", M2), office("c3", M9))

    assert [bytes(i) for i in tx.return_value] == [
        claim_id(adjudicator, provider, name) for name in ("c1", "c2", "c3")
    ]
    assert len(tx.events["ClaimSubmitted"]) == 3


def test_an_unknown_members_claim_is_accepted_without_consent_to_be_denied(
    adjudicator, submit, provider
):
    [cid] = submit(office(member=M9)).return_value

    assert adjudicator.claimOf(cid)[6] is False  # memberKnown


def test_two_providers_may_use_the_same_claim_reference(adjudicator, submit, provider, clinic):
    submit(office("c1"))
    submit(office("c1"), sender=clinic)

    assert claim_id(adjudicator, provider, "c1") != claim_id(adjudicator, clinic, "c1")
    assert adjudicator.claimOf(claim_id(adjudicator, clinic, "c1"))[0] == clinic


def test_fifty_lines_are_accepted(submit):
    lines = [line(OFFICE, "2025-10-01", 1, 100 + i) for i in range(50)]
    assert len(submit(claim("c1", M1, lines)).return_value) == 1


def test_received_may_be_today(adjudicator, plan, provider, at_time):
    moment = latest_timestamp() + 100
    today = moment // 86_400
    claim_input = (ref("c1"), MAIN, M1, today, [line(OFFICE, "2025-10-01", 1, 100)], b"")
    at_time(moment)
    tx = adjudicator.submitClaims([claim_input], {"from": provider})

    assert adjudicator.claimOf(tx.return_value[0])[2] == today


# ------------------------------------------------------------------------------ reverts


@pytest.mark.parametrize("name", NOT_PROVIDERS)
def test_submit_refuses_anyone_but_an_active_provider(submit, cast, reverts_with, name):
    with reverts_with("ClaimsAdjudicatorNotActiveProvider", cast[name]):
        submit(office(), sender=cast[name])


def test_submit_refuses_a_suspended_provider(
    submit, participants, provider, regulator, reverts_with
):
    participants.suspendCredential(provider, PROVIDER_ROLE, {"from": regulator})
    with reverts_with("ClaimsAdjudicatorNotActiveProvider", provider):
        submit(office())


@pytest.mark.parametrize(
    "make, bad_ref",
    [
        (
            lambda: (ZERO32, MAIN, M1, day("2025-10-15"), [line(OFFICE, "2025-10-01", 1, 1)], b""),
            ZERO32,
        ),
        (
            lambda: (
                ref("c1"),
                MAIN,
                ZERO32,
                day("2025-10-15"),
                [line(OFFICE, "2025-10-01", 1, 1)],
                b"",
            ),
            ref("c1"),
        ),
        (lambda: claim("c1", M1, []), ref("c1")),
        (lambda: claim("c1", M1, [line(OFFICE, "2025-10-01", 1, 1)] * 51), ref("c1")),
    ],
    ids=["zero claim reference", "zero member id", "no lines", "51 lines"],
)
def test_submit_refuses_an_invalid_claim(submit, reverts_with, make, bad_ref):
    with reverts_with("ClaimsAdjudicatorInvalidClaim", bad_ref):
        submit(make())


@pytest.mark.parametrize(
    "bad_line",
    [
        line("", "2025-10-01", 1, 100),
        line(OFFICE, "2025-10-01", 0, 100),
        line(OFFICE, "2025-10-01", 1, 0),
    ],
    ids=["zero code", "zero units", "zero charge"],
)
def test_submit_refuses_an_invalid_line_and_names_it(submit, reverts_with, bad_line):
    good = line(OFFICE, "2025-10-02", 1, 100)
    with reverts_with("ClaimsAdjudicatorInvalidLine", ref("c1"), 2):
        submit(claim("c1", M1, [good, bad_line]))


def test_submit_refuses_a_received_day_in_the_future(
    adjudicator, plan, provider, reverts_with, at_time
):
    moment = latest_timestamp() + 100
    today = moment // 86_400
    claim_input = (ref("c1"), MAIN, M1, today + 1, [line(OFFICE, "2025-10-01", 1, 100)], b"")
    at_time(moment)
    with reverts_with("ClaimsAdjudicatorReceivedInFuture", today + 1, today):
        adjudicator.submitClaims([claim_input], {"from": provider})


def test_submit_refuses_an_unknown_plan(submit, reverts_with):
    with reverts_with("ClaimsAdjudicatorPlanNotFound", 9):
        submit(office(plan_id=9))


def test_submit_refuses_a_claim_submitted_before(adjudicator, submit, provider, reverts_with):
    submit(office())
    with reverts_with("ClaimsAdjudicatorClaimExists", claim_id(adjudicator, provider, "c1")):
        submit(office())


def test_submit_refuses_the_same_claim_twice_in_one_batch(
    adjudicator, submit, provider, reverts_with
):
    with reverts_with("ClaimsAdjudicatorClaimExists", claim_id(adjudicator, provider, "c1")):
        submit(office(), office())


# ------------------------------------------------------------------------------ consent


def test_submit_refuses_a_member_whose_patient_never_consented(
    submit, stranger, insurer, reverts_with
):
    with reverts_with("ClaimsAdjudicatorConsentRequired", stranger, insurer, R_NO_PERMIT):
        submit(office(member=M3))


def test_a_consent_to_the_claim_data_class_suffices(submit, consent, stranger, insurer):
    grant_payment_consent(consent, stranger, insurer, [CLAIM_CLASS])
    assert len(submit(office(member=M3)).return_value) == 1


def test_a_consent_to_the_insurer_role_suffices(submit, consent, stranger):
    request = (PERMIT, "0x" + "00" * 20, INSURER_ROLE, DISCLOSE, HPAYMT, 0, FOREVER, [])
    consent.grant(stranger, request, b"", {"from": stranger})
    assert len(submit(office(member=M3)).return_value) == 1


@pytest.mark.parametrize(
    "actions, purposes, targets",
    [
        (ACCESS, HPAYMT, []),
        (DISCLOSE, TREAT, []),
        (DISCLOSE, HPAYMT, [OBSERVATION]),
    ],
    ids=["another action", "another purpose", "another data class"],
)
def test_a_consent_that_does_not_cover_disclosure_for_payment_is_not_enough(
    submit, consent, stranger, insurer, reverts_with, actions, purposes, targets
):
    request = (PERMIT, norm(insurer), ZERO32, actions, purposes, 0, FOREVER, targets)
    consent.grant(stranger, request, b"", {"from": stranger})
    with reverts_with("ClaimsAdjudicatorConsentRequired", stranger, insurer, R_NO_PERMIT):
        submit(office(member=M3))


def test_a_consent_to_another_insurer_is_not_enough(
    submit, consent, stranger, insurer, rival, reverts_with
):
    grant_payment_consent(consent, stranger, rival, [])
    with reverts_with("ClaimsAdjudicatorConsentRequired", stranger, insurer, R_NO_PERMIT):
        submit(office(member=M3))


def test_a_revoked_consent_stops_new_claims(submit, consent, patient, insurer, reverts_with):
    consent_id = payment_consent_id(consent, patient, insurer)
    consent.revoke(patient, consent_id, insurer, ZERO32, [], {"from": patient})
    with reverts_with("ClaimsAdjudicatorConsentRequired", patient, insurer, R_REVOKED):
        submit(office())


def test_a_deny_provision_overrides_the_consent(submit, consent, patient, insurer, reverts_with):
    request = (DENY, norm(insurer), ZERO32, DISCLOSE, HPAYMT, 0, FOREVER, [CLAIM_CLASS])
    consent.grant(patient, request, b"", {"from": patient})
    with reverts_with("ClaimsAdjudicatorConsentRequired", patient, insurer, R_DENIED):
        submit(office())


def test_consent_is_checked_for_every_patient_of_a_batch(submit, stranger, insurer, reverts_with):
    with reverts_with("ClaimsAdjudicatorConsentRequired", stranger, insurer, R_NO_PERMIT):
        submit(office("c1"), office("c2"), office("c3", M3))
