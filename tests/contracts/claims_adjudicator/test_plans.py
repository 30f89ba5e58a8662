"""ClaimsAdjudicator: deployment, plans, fee schedules, enrolment and prior authorizations."""

from __future__ import annotations

import pytest
from brownie import ZERO_ADDRESS, web3

from tests.brownie_support import assert_event, norm
from tests.contracts.claims_adjudicator.support import (
    CLAIM_CLASS,
    INSURER_ROLE,
    M1,
    M9,
    MAIN,
    MAIN_KEY,
    MAIN_TERMS,
    MRI,
    PA1,
    RECEIPT_LIVE,
    TIGHT,
    YEAR_END,
    YEAR_START,
    ZERO32,
    ServiceSpec,
    code,
    plan_tuple,
    ref,
)

# Everyone in the cast who is not an active INSURER.
NOT_INSURERS = ["admin", "regulator", "provider", "clinic", "patient", "guardian", "stranger"]
# Everyone who is not the insurer owning MAIN (the rival is an active insurer of no plan here).
NOT_PLAN_INSURER = ["rival", *NOT_INSURERS]

NEW_KEY = ref("a new plan key")
NEW_SERVICE = ServiceSpec("J1100", allowed=15, copay=100, coinsurance=False, limit=40)


# ------------------------------------------------------------------------------ deployment


def test_the_constructor_records_the_suite_contracts_and_creates_its_escrow_and_reader(
    adjudicator, escrow, participants, consent, stablecoin
):
    assert adjudicator.participants() == participants
    assert adjudicator.consent() == consent
    assert escrow.adjudicator() == adjudicator
    assert escrow.participants() == participants
    assert escrow.token() == stablecoin
    reader = adjudicator.reader()
    assert reader not in (adjudicator.address, escrow.address)
    assert reader != ZERO_ADDRESS and len(web3.eth.get_code(reader)) > 0


@pytest.mark.parametrize("zero", [0, 1, 2])
def test_the_constructor_refuses_a_zero_address(
    ClaimsAdjudicator, participants, consent, stablecoin, admin, reverts_with, zero
):
    args = [participants, consent, stablecoin]
    args[zero] = ZERO_ADDRESS
    with reverts_with("ClaimsAdjudicatorZeroAddress"):
        ClaimsAdjudicator.deploy(*args, {"from": admin})


def test_the_claim_data_class_is_the_fhir_claim_resource_type(adjudicator):
    assert norm(adjudicator.CLAIM_DATA_CLASS()) == norm(CLAIM_CLASS)


# ------------------------------------------------------------------------------ registerPlan


def test_register_plan_stores_the_plan_with_the_caller_as_insurer(adjudicator, plan, insurer):
    tx = adjudicator.registerPlan(
        NEW_KEY, plan_tuple(MAIN_TERMS, insurer=ZERO_ADDRESS), {"from": insurer}
    )

    assert tx.return_value == 3
    assert adjudicator.planIdOf(insurer, NEW_KEY) == 3
    assert tuple(adjudicator.planOf(3)) == plan_tuple(MAIN_TERMS, insurer=insurer)


def test_register_plan_ignores_the_insurer_field_of_the_terms(adjudicator, plan, insurer, rival):
    tx = adjudicator.registerPlan(NEW_KEY, plan_tuple(MAIN_TERMS, insurer=rival), {"from": insurer})

    assert adjudicator.planOf(tx.return_value)[0] == insurer


def test_register_plan_emits_plan_registered(adjudicator, plan, insurer):
    tx = adjudicator.registerPlan(NEW_KEY, plan_tuple(MAIN_TERMS), {"from": insurer})

    assert_event(
        tx,
        "PlanRegistered",
        planId=3,
        insurer=insurer,
        planKey=NEW_KEY,
        plan=plan_tuple(MAIN_TERMS, insurer=insurer),
    )


def test_plan_keys_are_per_insurer(adjudicator, plan, rival):
    tx = adjudicator.registerPlan(MAIN_KEY, plan_tuple(MAIN_TERMS), {"from": rival})

    assert adjudicator.planIdOf(rival, MAIN_KEY) == tx.return_value == 3


def test_register_plan_refuses_a_key_the_insurer_used(adjudicator, plan, insurer, reverts_with):
    with reverts_with("ClaimsAdjudicatorPlanExists", insurer, MAIN_KEY):
        adjudicator.registerPlan(MAIN_KEY, plan_tuple(MAIN_TERMS), {"from": insurer})


@pytest.mark.parametrize(
    "key, change",
    [
        (ZERO32, {}),
        (NEW_KEY, {"start": YEAR_END + 1}),
        (NEW_KEY, {"bps": 10_001}),
    ],
    ids=["zero key", "year ends before it starts", "coinsurance above 100%"],
)
def test_register_plan_refuses_invalid_terms(adjudicator, insurer, reverts_with, key, change):
    terms = list(plan_tuple(MAIN_TERMS))
    terms[1] = change.get("start", YEAR_START)
    terms[3] = change.get("bps", terms[3])
    with reverts_with("ClaimsAdjudicatorInvalidPlan", key):
        adjudicator.registerPlan(key, tuple(terms), {"from": insurer})


def test_register_plan_accepts_a_one_day_year_and_full_coinsurance(adjudicator, plan, insurer):
    terms = (ZERO_ADDRESS, YEAR_START, YEAR_START, 10_000, RECEIPT_LIVE, 0, 0, 0)
    assert adjudicator.registerPlan(NEW_KEY, terms, {"from": insurer}).return_value == 3


@pytest.mark.parametrize("name", NOT_INSURERS)
def test_register_plan_refuses_anyone_but_an_active_insurer(adjudicator, cast, reverts_with, name):
    with reverts_with("ClaimsAdjudicatorNotActiveInsurer", cast[name]):
        adjudicator.registerPlan(NEW_KEY, plan_tuple(MAIN_TERMS), {"from": cast[name]})


def test_register_plan_refuses_a_suspended_insurer(
    adjudicator, participants, insurer, regulator, reverts_with
):
    participants.suspendCredential(insurer, INSURER_ROLE, {"from": regulator})
    with reverts_with("ClaimsAdjudicatorNotActiveInsurer", insurer):
        adjudicator.registerPlan(NEW_KEY, plan_tuple(MAIN_TERMS), {"from": insurer})


# ------------------------------------------------------------------------------ addServices


def test_add_services_lists_the_codes_with_their_terms(adjudicator, plan, insurer):
    adjudicator.addServices(MAIN, [NEW_SERVICE.as_input()], {"from": insurer})

    assert tuple(adjudicator.serviceOf(MAIN, code("J1100"))) == (
        15, 100, 40, True, True, True, False, False,
    )  # fmt: skip
    assert adjudicator.serviceOf(TIGHT, code("J1100"))[3] is False


def test_add_services_emits_service_added_per_code(adjudicator, plan, insurer):
    other = ServiceSpec("J1200", allowed=99)
    tx = adjudicator.addServices(
        MAIN, [NEW_SERVICE.as_input(), other.as_input()], {"from": insurer}
    )

    assert [e["code"] for e in tx.events["ServiceAdded"]] == [
        "0x" + code("J1100").hex(),
        "0x" + code("J1200").hex(),
    ]
    assert [tuple(e["service"]) for e in tx.events["ServiceAdded"]] == [
        (15, 100, 40, True, True, True, False, False),
        (99, 0, 0, True, False, True, True, False),
    ]
    assert {e["planId"] for e in tx.events["ServiceAdded"]} == {MAIN}


def test_add_services_refuses_a_listed_code(adjudicator, plan, insurer, reverts_with):
    with reverts_with("ClaimsAdjudicatorServiceExists", MAIN, code(MRI)):
        adjudicator.addServices(MAIN, [ServiceSpec(MRI, allowed=1).as_input()], {"from": insurer})


def test_add_services_refuses_a_code_repeated_in_the_call(adjudicator, plan, insurer, reverts_with):
    with reverts_with("ClaimsAdjudicatorServiceExists", MAIN, code("J1100")):
        adjudicator.addServices(
            MAIN, [NEW_SERVICE.as_input(), NEW_SERVICE.as_input()], {"from": insurer}
        )


def test_add_services_refuses_a_zero_code(adjudicator, plan, insurer, reverts_with):
    entry = list(NEW_SERVICE.as_input())
    entry[0] = bytes(8)
    with reverts_with("ClaimsAdjudicatorInvalidCode"):
        adjudicator.addServices(MAIN, [tuple(entry)], {"from": insurer})


def test_add_services_refuses_an_unknown_plan(adjudicator, plan, insurer, reverts_with):
    with reverts_with("ClaimsAdjudicatorPlanNotFound", 7):
        adjudicator.addServices(7, [NEW_SERVICE.as_input()], {"from": insurer})


@pytest.mark.parametrize("name", NOT_PLAN_INSURER)
def test_add_services_refuses_anyone_but_the_plan_insurer(
    adjudicator, plan, cast, reverts_with, name
):
    with reverts_with("ClaimsAdjudicatorNotPlanInsurer", MAIN, cast[name]):
        adjudicator.addServices(MAIN, [NEW_SERVICE.as_input()], {"from": cast[name]})


def test_add_services_refuses_the_plan_insurer_once_suspended(
    adjudicator, plan, participants, insurer, regulator, reverts_with
):
    participants.suspendCredential(insurer, INSURER_ROLE, {"from": regulator})
    with reverts_with("ClaimsAdjudicatorNotActiveInsurer", insurer):
        adjudicator.addServices(MAIN, [NEW_SERVICE.as_input()], {"from": insurer})


# ------------------------------------------------------------------------------ enrolMembers

M4 = ref("M4")


def test_enrol_members_links_each_member_to_its_patient_with_coverage(
    adjudicator, plan, insurer, guardian
):
    adjudicator.enrolMembers(MAIN, [(M4, guardian, YEAR_START + 10, YEAR_END)], {"from": insurer})

    assert tuple(adjudicator.memberOf(MAIN, M4)) == (guardian, YEAR_START + 10, YEAR_END)
    assert adjudicator.memberOf(TIGHT, M4)[0] == ZERO_ADDRESS


def test_enrol_members_emits_member_enrolled(adjudicator, plan, insurer, guardian):
    tx = adjudicator.enrolMembers(MAIN, [(M4, guardian, YEAR_START, YEAR_START)], {"from": insurer})

    assert_event(
        tx,
        "MemberEnrolled",
        planId=MAIN,
        memberId=M4,
        patient=guardian,
        coverageStart=YEAR_START,
        coverageEnd=YEAR_START,
    )


def test_enrol_members_refuses_an_enrolled_member(
    adjudicator, plan, insurer, patient, reverts_with
):
    with reverts_with("ClaimsAdjudicatorMemberExists", MAIN, M1):
        adjudicator.enrolMembers(MAIN, [(M1, patient, YEAR_START, YEAR_END)], {"from": insurer})


@pytest.mark.parametrize(
    "member, zero_patient, start, end",
    [
        (ZERO32, False, YEAR_START, YEAR_END),
        (M4, True, YEAR_START, YEAR_END),
        (M4, False, YEAR_END, YEAR_START),
    ],
    ids=["zero member id", "zero patient", "coverage ends before it starts"],
)
def test_enrol_members_refuses_invalid_enrolments(
    adjudicator, plan, insurer, guardian, reverts_with, member, zero_patient, start, end
):
    patient = ZERO_ADDRESS if zero_patient else guardian
    with reverts_with("ClaimsAdjudicatorInvalidEnrolment", member):
        adjudicator.enrolMembers(MAIN, [(member, patient, start, end)], {"from": insurer})


def test_enrol_members_refuses_an_unknown_plan(adjudicator, plan, insurer, guardian, reverts_with):
    with reverts_with("ClaimsAdjudicatorPlanNotFound", 0):
        adjudicator.enrolMembers(0, [(M4, guardian, YEAR_START, YEAR_END)], {"from": insurer})


@pytest.mark.parametrize("name", NOT_PLAN_INSURER)
def test_enrol_members_refuses_anyone_but_the_plan_insurer(
    adjudicator, plan, cast, guardian, reverts_with, name
):
    with reverts_with("ClaimsAdjudicatorNotPlanInsurer", MAIN, cast[name]):
        adjudicator.enrolMembers(MAIN, [(M4, guardian, YEAR_START, YEAR_END)], {"from": cast[name]})


def test_enrol_members_refuses_the_plan_insurer_once_suspended(
    adjudicator, plan, participants, insurer, regulator, guardian, reverts_with
):
    participants.suspendCredential(insurer, INSURER_ROLE, {"from": regulator})
    with reverts_with("ClaimsAdjudicatorNotActiveInsurer", insurer):
        adjudicator.enrolMembers(MAIN, [(M4, guardian, YEAR_START, YEAR_END)], {"from": insurer})


# ------------------------------------------------------------------------------ authorizations

PA3 = ref("PA3")


def test_record_authorizations_stores_code_and_period_per_member(adjudicator, plan, insurer):
    adjudicator.recordAuthorizations(
        MAIN, [(M1, PA3, code(MRI), YEAR_START, YEAR_START + 5)], {"from": insurer}
    )

    assert tuple(adjudicator.authorizationOf(MAIN, M1, PA3)) == (
        "0x" + code(MRI).hex(),
        YEAR_START,
        YEAR_START + 5,
    )
    assert adjudicator.authorizationOf(TIGHT, M1, PA3)[0] == "0x" + bytes(8).hex()


def test_record_authorizations_emits_authorization_recorded(adjudicator, plan, insurer):
    tx = adjudicator.recordAuthorizations(
        MAIN, [(M1, PA3, code(MRI), YEAR_START, YEAR_END)], {"from": insurer}
    )

    assert_event(
        tx,
        "AuthorizationRecorded",
        planId=MAIN,
        memberId=M1,
        authId=PA3,
        code=code(MRI),
        start=YEAR_START,
        end=YEAR_END,
    )


def test_record_authorizations_refuses_an_existing_id(adjudicator, plan, insurer, reverts_with):
    with reverts_with("ClaimsAdjudicatorAuthorizationExists", MAIN, M1, PA1):
        adjudicator.recordAuthorizations(
            MAIN, [(M1, PA1, code(MRI), YEAR_START, YEAR_END)], {"from": insurer}
        )


def test_record_authorizations_refuses_a_member_not_enrolled(
    adjudicator, plan, insurer, reverts_with
):
    with reverts_with("ClaimsAdjudicatorMemberNotFound", MAIN, M9):
        adjudicator.recordAuthorizations(
            MAIN, [(M9, PA3, code(MRI), YEAR_START, YEAR_END)], {"from": insurer}
        )


@pytest.mark.parametrize(
    "auth_id, code_text, start, end",
    [
        (ZERO32, MRI, YEAR_START, YEAR_END),
        (PA3, "", YEAR_START, YEAR_END),
        (PA3, MRI, YEAR_END, YEAR_START),
    ],
    ids=["zero id", "zero code", "period ends before it starts"],
)
def test_record_authorizations_refuses_invalid_authorizations(
    adjudicator, plan, insurer, reverts_with, auth_id, code_text, start, end
):
    with reverts_with("ClaimsAdjudicatorInvalidAuthorization", auth_id):
        adjudicator.recordAuthorizations(
            MAIN, [(M1, auth_id, code(code_text), start, end)], {"from": insurer}
        )


@pytest.mark.parametrize("name", NOT_PLAN_INSURER)
def test_record_authorizations_refuses_anyone_but_the_plan_insurer(
    adjudicator, plan, cast, reverts_with, name
):
    with reverts_with("ClaimsAdjudicatorNotPlanInsurer", MAIN, cast[name]):
        adjudicator.recordAuthorizations(
            MAIN, [(M1, PA3, code(MRI), YEAR_START, YEAR_END)], {"from": cast[name]}
        )


def test_record_authorizations_refuses_an_unknown_plan(adjudicator, plan, insurer, reverts_with):
    with reverts_with("ClaimsAdjudicatorPlanNotFound", 9):
        adjudicator.recordAuthorizations(
            9, [(M1, PA3, code(MRI), YEAR_START, YEAR_END)], {"from": insurer}
        )


def test_record_authorizations_refuses_the_plan_insurer_once_suspended(
    adjudicator, plan, participants, insurer, regulator, reverts_with
):
    participants.suspendCredential(insurer, INSURER_ROLE, {"from": regulator})
    with reverts_with("ClaimsAdjudicatorNotActiveInsurer", insurer):
        adjudicator.recordAuthorizations(
            MAIN, [(M1, PA3, code(MRI), YEAR_START, YEAR_END)], {"from": insurer}
        )
