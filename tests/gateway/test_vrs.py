"""The DSCSA verification responder as a verification client sees it: GS1 Lightweight Messaging
requests on GS1 Digital Link paths, answered from the chain, each recorded for the audit."""

from __future__ import annotations

import stat
import uuid
from collections.abc import Callable
from pathlib import Path

from hygeia.gateway.ledger import Ledger
from hygeia.provenance import gs1
from hygeia.provenance.workflow import ProvenanceFlow
from tests.gateway.stack import (
    DISPENSED,
    GTIN,
    RECALLED_LOT,
    RECALLED_SERIAL,
    REQ_GLN,
    RESPONDER_GLN,
    UNKNOWN_GTIN,
    Gateway,
    lms_target,
)


def test_a_pack_of_the_lot_is_verified_with_the_request_correlated(gateway: Gateway) -> None:
    corr = str(uuid.uuid4())
    response = gateway.get(lms_target("SN0001", corr=corr))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] == {"verified": True}
    assert body["corrUUID"] == corr
    assert body["responderGLN"] == gs1.gln13(RESPONDER_GLN)
    assert body["verificationTimestamp"].endswith("Z")


def test_the_lot_may_come_as_the_querys_10(gateway: Gateway) -> None:
    response = gateway.get(lms_target("SN0004", lot=None, query_lot="LOT-1"))
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"verified": True}


def test_an_unknown_serial_is_not_verified(gateway: Gateway) -> None:
    body = gateway.get(lms_target("SN9999")).json()
    assert body["data"] == {"verified": False, "verificationFailureReason": "No_match_GTIN_Serial"}


def test_a_serial_claimed_under_another_lot_or_expiry_names_the_mismatch(
    gateway: Gateway,
) -> None:
    other_lot = gateway.get(lms_target("SN0001", lot=RECALLED_LOT)).json()["data"]
    assert other_lot["verificationFailureReason"] == "No_match_GTIN_Serial_Lot"
    other_expiry = gateway.get(lms_target("SN0001", exp="291231")).json()["data"]
    assert other_expiry["verificationFailureReason"] == "No_match_GTIN_Serial_Expiry"


def test_a_dispensed_pack_is_not_for_redistribution(gateway: Gateway) -> None:
    data = gateway.get(lms_target(DISPENSED)).json()["data"]
    assert data == {"verified": False, "verificationFailureReason": "Not_for_re-distribution"}


def test_a_recalled_pack_is_verified_but_flagged_recalled(gateway: Gateway) -> None:
    data = gateway.get(lms_target(RECALLED_SERIAL, lot=RECALLED_LOT)).json()["data"]
    assert data == {"verified": True, "additionalInfo": "Recalled"}


def test_an_unknown_gtin_is_404_without_a_json_payload(gateway: Gateway) -> None:
    response = gateway.get(lms_target(gtin=gs1.gtin14(UNKNOWN_GTIN)))
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("UnknownProductError: ")


def test_malformed_requests_are_400_naming_what_is_wrong(gateway: Gateway) -> None:
    bad_check_digit = gs1.gtin14(GTIN)[:-1] + str((GTIN % 10 + 1) % 10)
    cases = {
        lms_target(gtin=bad_check_digit): "check digit",
        lms_target(gtin="0614141000418"): "14 digits",
        lms_target(exp="301332"): "",
        lms_target(exp=""): "exp",
        lms_target(linkType="pip"): "linkType",
        lms_target(corr="not-a-uuid"): "corrUUID",
        lms_target(reqGLN=REQ_GLN[:-1] + str((int(REQ_GLN[-1]) + 1) % 10)): "check digit",
        lms_target(lot=None): "lot (10)",
        lms_target(lot="LOT-1", query_lot="LOT-2"): "twice",
        lms_target("SN%201"): "serial",
        lms_target(context="dscsa;drop"): "context",
        lms_target() + "&exp=301231": "exp 2 times",
    }
    for target, words in cases.items():
        response = gateway.get(target)
        assert response.status_code == 400, (target, response.text)
        assert response.text.startswith("InvalidInputError: "), target
        assert words in response.text, (target, response.text)


def test_a_digital_link_path_that_is_not_a_verification_path_is_400(gateway: Gateway) -> None:
    for path in ("/01/00614141000418", "/01/00614141000418/21", "/01/x/10/y/21/z/extra"):
        response = gateway.client.get(path)
        assert response.status_code == 400, path
        assert "GS1 Digital Link" in response.text


def test_every_verification_is_recorded_and_the_record_survives_a_restart(
    gateway: Gateway, ledger_path: Path
) -> None:
    corr = str(uuid.uuid4())
    gateway.get(lms_target("SN0002", corr=corr))
    gateway.get(lms_target("SN9999"))
    gateway.get(lms_target(gtin=gs1.gtin14(UNKNOWN_GTIN)))
    gateway.get(lms_target(exp="301332"))
    gateway.ledger.close()

    reopened = Ledger(ledger_path)
    try:
        audit = reopened.audit()
    finally:
        reopened.close()
    assert [(e.http_status, e.serial, e.verified) for e in audit] == [
        (200, "SN0002", True),
        (200, "SN9999", False),
        (404, "SN0001", None),
        (400, "SN0001", None),
    ]
    first = audit[0]
    assert first.corr_uuid == corr and first.req_gln == REQ_GLN
    assert first.context == "dscsaSaleableReturn" and first.lot == "LOT-1"
    assert first.requester == gateway.signer("pharmacy").address
    assert audit[1].failure_reason == "No_match_GTIN_Serial"


def test_the_gateways_records_are_its_owners_only(gateway: Gateway, ledger_path: Path) -> None:
    gateway.get(lms_target())
    assert stat.S_IMODE(ledger_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(ledger_path.parent.stat().st_mode) == 0o700


def test_an_oversized_request_target_is_414(gateway: Gateway) -> None:
    target = lms_target("S" * 3000)
    response = gateway.client.get(target, headers={"Authorization": "EIP712 x"})
    assert response.status_code == 414
    assert response.text.startswith("RequestTooLargeError")


def test_an_oversized_body_is_413(gateway: Gateway) -> None:
    response = gateway.client.request("GET", lms_target(), content=b"x" * (65 * 1024))
    assert response.status_code == 413
    assert response.text.startswith("RequestTooLargeError")


def test_a_gtin_registered_after_a_404_is_known_at_once(
    gateway: Gateway, flow_as: Callable[[str], ProvenanceFlow]
) -> None:
    body = "0061414100099"
    later = int(body + str(gs1.check_digit(body)))
    target = lms_target(gtin=gs1.gtin14(later))
    assert gateway.get(target).status_code == 404
    flow_as("manufacturer").register_product(later, 7, "Registered later", 2.0, 25.0)
    response = gateway.get(lms_target(gtin=gs1.gtin14(later)))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["verificationFailureReason"] == "No_match_GTIN_Serial"
