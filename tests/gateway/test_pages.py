"""The pages' server side without a browser, as an attacker would call it: the revoke
transaction only for the patient or a delegate, and only for a consent that is theirs; the
verify page's bad input answered on the page; the pages' security headers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_abi.abi import decode
from eth_utils.crypto import keccak

from hygeia.consent.fhir import consent_resource_id
from tests.gateway import web
from tests.gateway.web import Gateway, World, gateway_over, sign_in

# The fixture these tests use, found by name.
world = web.world


@pytest.fixture
def site(world: World, tmp_path: Path) -> Iterator[Gateway]:
    with gateway_over(world, tmp_path) as made:
        yield made


def _revoke(site: Gateway, consent: str, token: str | None) -> tuple[int, dict[str, str]]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = site.http.post(
        "/patient/revoke-transaction", json={"consent": consent}, headers=headers
    )
    return answer.status_code, answer.json()


def test_the_patient_gets_the_unsigned_revoke_transaction_of_its_consent(site: Gateway) -> None:
    world = site.world
    status, tx = _revoke(
        site, consent_resource_id(world.consents["provider"]), sign_in(site, "patient")
    )
    assert status == 200
    assert tx["from"] == world.patient
    assert tx["to"] == site.services.suite.consent.address
    selector = keccak(text="revoke(address,uint256,address,bytes32,bytes32[])")[:4].hex()
    assert tx["data"].startswith("0x" + selector)
    patient, consent_id, *_ = decode(
        ["address", "uint256", "address", "bytes32", "bytes32[]"], bytes.fromhex(tx["data"][10:])
    )
    assert (patient.lower(), consent_id) == (world.patient.lower(), world.consents["provider"])


def test_a_delegate_gets_it_too(site: Gateway) -> None:
    consent = consent_resource_id(site.world.consents["provider"])
    status, tx = _revoke(site, consent, sign_in(site, "guardian"))
    assert status == 200 and tx["from"] == site.world.address("guardian")


@pytest.mark.parametrize("name", ["provider", "pharmacy"], ids=["the grantee", "an outsider"])
def test_nobody_else_gets_a_revoke_transaction_or_learns_the_consent_exists(
    site: Gateway, name: str
) -> None:
    consent = consent_resource_id(site.world.consents["provider"])
    status, body = _revoke(site, consent, sign_in(site, name))
    assert status == 404 and body["error"] == "not_found"


def test_a_revoke_transaction_needs_a_valid_token_and_a_consent_id(site: Gateway) -> None:
    consent = consent_resource_id(site.world.consents["provider"])
    assert _revoke(site, consent, None)[0] == 401
    assert _revoke(site, consent, "v1.e30.AAAA")[0] == 401
    token = sign_in(site, "patient")
    assert _revoke(site, "Consent/1; DROP", token)[0] == 400
    assert _revoke(site, consent_resource_id(10_000), token)[0] == 404
    revoked = consent_resource_id(site.world.consents["specialist"])
    status, body = _revoke(site, revoked, token)
    assert status == 400 and "already revoked" in body["error_description"]


def test_the_verify_page_answers_bad_input_on_the_page(site: Gateway) -> None:
    for barcode, said in (
        ("hello", "UNREADABLE"),
        ("(01)00614141000419(21)X(17)301231(10)L", "UNREADABLE"),  # a wrong check digit
        ("(01)00614141000418(21)X", "UNREADABLE"),  # no lot, no expiry
        ("01" + "9" * 199, "UNREADABLE"),  # oversized
        ("<script>alert(1)</script>", "UNREADABLE"),
    ):
        page = site.http.get("/verify", params={"barcode": barcode})
        assert page.status_code == 200, barcode
        assert said in page.text
        assert "<script>alert" not in page.text  # escaped, never run
    assert site.http.get("/verify", params={"barcode": "x" * 500}).status_code == 400


def test_the_verify_page_reads_the_group_separator_symbol_as_a_separator(site: Gateway) -> None:
    # A scanner set to print U+241D; no lot has been commissioned on this chain, so the
    # identifier is read and verified, and found in no lot (NOT VALID, not UNREADABLE).
    page = site.http.get(
        "/verify", params={"barcode": "01006141410004181730123121SN0001\u241d10LOT-1"}
    )
    assert "NOT VALID" in page.text and "SN0001" in page.text and "LOT-1" in page.text


def test_the_pages_forbid_inline_scripts_and_framing(site: Gateway) -> None:
    for path in ("/verify", "/patient", "/pages/static/patient.js"):
        headers = site.http.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"
    assert site.http.get("/pages/static/..%2Fverify.py").status_code == 404
    assert site.http.get("/pages/static/secrets.txt").status_code == 404
