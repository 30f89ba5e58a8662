"""The FHIR R4 read API over a real chain and event index: what the patient, its delegate, a
grantee and an outsider each get, in FHIR's REST forms, and a FHIR client (fhirpy) reading it
from the real server."""

from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhirpy import SyncFHIRClient

from hygeia.consent.fhir import consent_resource_id
from tests.gateway import web
from tests.gateway.web import (
    Gateway,
    serving,
    sign_in,
)

# The fixtures these tests use, found by name.
world = web.world
gateway = web.gateway


def _get(gateway: Gateway, path: str, token: str | None) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = gateway.http.get(path, headers=headers)
    assert answer.headers["content-type"].startswith("application/fhir+json")
    return answer.status_code, answer.json()


def _outcome(body: dict[str, Any]) -> str:
    OperationOutcome.model_validate(body)
    return str(body["issue"][0]["code"])


def _consent_ids(bundle: dict[str, Any]) -> set[str]:
    Bundle.model_validate(bundle)
    assert bundle["type"] == "searchset"
    return {e["resource"]["id"] for e in bundle.get("entry", [])}


def test_metadata_is_a_capability_statement_anyone_may_read(gateway: Gateway) -> None:
    status, body = _get(gateway, "/fhir/metadata", None)
    assert status == 200
    CapabilityStatement.model_validate(body)
    assert {r["type"] for r in body["rest"][0]["resource"]} == {"Consent", "AuditEvent"}


def test_the_patient_reads_all_its_consents_with_their_status(gateway: Gateway) -> None:
    world = gateway.world
    token = sign_in(gateway, "patient")
    status, bundle = _get(gateway, f"/fhir/Consent?patient={world.patient}", token)
    assert status == 200
    assert _consent_ids(bundle) == {consent_resource_id(i) for i in world.consents.values()}
    by_id = {e["resource"]["id"]: e["resource"] for e in bundle["entry"]}
    assert by_id[consent_resource_id(world.consents["provider"])]["status"] == "active"
    assert by_id[consent_resource_id(world.consents["specialist"])]["status"] == "inactive"
    # The did:pkh identifier the export writes names the same patient.
    did = f"did:pkh:eip155:{world.chain.w3.eth.chain_id}:{world.patient}"
    assert _consent_ids(_get(gateway, f"/fhir/Consent?patient={did}", token)[1]) == set(by_id)


def test_the_patient_reads_one_consent_by_id(gateway: Gateway) -> None:
    token = sign_in(gateway, "patient")
    rid = consent_resource_id(gateway.world.consents["provider"])
    status, consent = _get(gateway, f"/fhir/Consent/{rid}", token)
    assert status == 200 and consent["resourceType"] == "Consent" and consent["id"] == rid


def test_the_patient_reads_its_accounting_of_disclosures(gateway: Gateway) -> None:
    token = sign_in(gateway, "patient")
    status, bundle = _get(gateway, f"/fhir/AuditEvent?patient={gateway.world.patient}", token)
    assert status == 200
    Bundle.model_validate(bundle)
    subtypes = [e["resource"]["subtype"][0]["code"] for e in bundle["entry"]]
    assert subtypes == ["110127", "110138"]  # break-glass opened, then closed


def test_a_delegate_reads_what_the_patient_reads(gateway: Gateway) -> None:
    token = sign_in(gateway, "guardian")
    patient = gateway.world.patient
    assert _get(gateway, f"/fhir/Consent?patient={patient}", token)[0] == 200
    assert _get(gateway, f"/fhir/AuditEvent?patient={patient}", token)[0] == 200


def test_a_grantee_with_a_permit_in_force_reads_only_the_consents_naming_it(
    gateway: Gateway,
) -> None:
    world = gateway.world
    token = sign_in(gateway, "provider")
    status, bundle = _get(gateway, f"/fhir/Consent?patient={world.patient}", token)
    assert status == 200
    assert _consent_ids(bundle) == {consent_resource_id(world.consents["provider"])}
    other = consent_resource_id(world.consents["specialist"])
    assert _get(gateway, f"/fhir/Consent/{other}", token)[0] == 404
    status, body = _get(gateway, f"/fhir/AuditEvent?patient={world.patient}", token)
    assert status == 403 and _outcome(body) == "forbidden"


def test_a_holder_of_a_role_granted_a_permit_reads_the_consents_naming_the_role(
    gateway: Gateway,
) -> None:
    world = gateway.world
    token = sign_in(gateway, "insurer")
    status, bundle = _get(gateway, f"/fhir/Consent?patient={world.patient}", token)
    assert status == 200
    assert _consent_ids(bundle) == {consent_resource_id(world.consents["insurers"])}
    status, body = _get(gateway, f"/fhir/AuditEvent?patient={world.patient}", token)
    assert status == 403 and _outcome(body) == "forbidden"


def test_a_grantee_whose_consent_was_revoked_reads_nothing(gateway: Gateway) -> None:
    token = sign_in(gateway, "specialist")
    status, body = _get(gateway, f"/fhir/Consent?patient={gateway.world.patient}", token)
    assert status == 403 and _outcome(body) == "forbidden"


def test_an_outsider_reads_nothing_and_learns_no_consent_ids(gateway: Gateway) -> None:
    world = gateway.world
    token = sign_in(gateway, "pharmacy")
    status, body = _get(gateway, f"/fhir/Consent?patient={world.patient}", token)
    assert status == 403 and _outcome(body) == "forbidden"
    real = consent_resource_id(world.consents["provider"])
    missing = consent_resource_id(999)
    assert _get(gateway, f"/fhir/Consent/{real}", token)[0] == 404
    assert _get(gateway, f"/fhir/Consent/{missing}", token)[0] == 404
    assert _get(gateway, f"/fhir/AuditEvent?patient={world.patient}", token)[0] == 403


@pytest.mark.parametrize(
    "token", [None, "v1.e30.AAAA", "garbage"], ids=["no token", "forged", "malformed"]
)
def test_reads_without_a_valid_token_answer_401_with_an_operation_outcome(
    gateway: Gateway, token: str | None
) -> None:
    status, body = _get(gateway, f"/fhir/Consent?patient={gateway.world.patient}", token)
    assert status == 401 and _outcome(body) == "login"


def test_bad_searches_answer_400_with_an_operation_outcome(gateway: Gateway) -> None:
    token = sign_in(gateway, "patient")
    for path in (
        "/fhir/Consent",
        "/fhir/Consent?patient=Robert%20Tables",
        "/fhir/AuditEvent?patient=did:pkh:eip155:1:0x0000000000000000000000000000000000000001",
        "/fhir/Consent/Patient-1",
    ):
        status, body = _get(gateway, path, token)
        assert status == 400, path
        assert _outcome(body) == "invalid"


def test_a_fhir_client_reads_the_api_from_the_real_server(gateway: Gateway) -> None:
    world = gateway.world
    token = sign_in(gateway, "patient")
    with serving(gateway.app) as base:
        client = SyncFHIRClient(f"{base}/fhir", authorization=f"Bearer {token}")
        consents = client.resources("Consent").search(patient=world.patient).fetch()
        assert {c["id"] for c in consents} == {
            consent_resource_id(i) for i in world.consents.values()
        }
        one = client.reference("Consent", consent_resource_id(world.consents["provider"]))
        assert one.to_resource()["status"] == "active"
        events = client.resources("AuditEvent").search(patient=world.patient).fetch()
        assert len(events) == 2
        outsider = SyncFHIRClient(f"{base}/fhir", authorization="Bearer v1.e30.AAAA")
        with pytest.raises(Exception, match="401|login|Unauthorized"):
            outsider.resources("Consent").search(patient=world.patient).fetch()
