"""The application around the routes: every failure answered without a trace, unknown routes and
methods answered as errors, the chain going away answered as 503, and an access log of one JSON
object a line that names routes, never paths, queries or accounts."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi import APIRouter

from hygeia.core import times
from hygeia.core.store import LocalStore
from hygeia.gateway.app import ACCESS_LOG
from hygeia.gateway.services import GatewayServices
from hygeia.suite import Suite
from tests.chains import anvil_chain
from tests.gateway.stack import Gateway, catch_up, deployment_of, lms_target, make_gateway


def _failing_router() -> APIRouter:
    router = APIRouter()

    @router.get("/boom/{patient}")
    def boom(patient: str) -> None:
        raise RuntimeError(f"secret internals of {patient}")

    return router


def test_a_failure_inside_a_handler_is_a_bare_500_without_a_trace(
    services: GatewayServices,
    drug_store: LocalStore,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    failing = make_gateway(services, drug_store, tmp_path / "l", routers=(_failing_router(),))
    try:
        with caplog.at_level(logging.INFO, logger=ACCESS_LOG):
            response = failing.client.get("/boom/jane-doe")
    finally:
        failing.ledger.close()
    assert response.status_code == 500
    assert response.text == "InternalError: the gateway failed; retry later\n"
    entry = json.loads(caplog.records[-1].getMessage())
    assert entry["failure"] == "RuntimeError" and entry["route"] == "/boom/{patient}"
    assert "jane-doe" not in caplog.text and "secret" not in caplog.text


def test_unknown_routes_and_methods_are_json_errors(gateway: Gateway) -> None:
    missing = gateway.client.get("/nowhere")
    assert missing.status_code == 404
    assert missing.json()["error"]["type"] == "NotFound"
    wrong = gateway.client.post("/health")
    assert wrong.status_code == 405
    assert wrong.json()["error"]["type"] == "MethodNotAllowed"


def test_a_verification_while_the_chain_is_down_is_503_in_the_lms_form(
    tmp_path_factory: pytest.TempPathFactory, drug_store: LocalStore, tmp_path: Path
) -> None:
    with anvil_chain(tmp_path_factory.mktemp("down")) as chain:
        chain.deploy()
        url = f"sqlite:///{tmp_path / 'down.sqlite'}"
        catch_up(chain, url)
        suite = Suite(chain.w3, deployment_of(chain))
        down = make_gateway(GatewayServices(suite, url, times.now), drug_store, tmp_path / "d")
        target = lms_target()
        header = down.header(target)
    try:
        response = down.get(target, header=header)
    finally:
        down.ledger.close()
    assert response.status_code == 503
    assert response.text.startswith("RPCUnavailableError: the gateway cannot answer now")


def test_the_access_log_names_the_route_and_never_the_path_query_or_requester(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    target = lms_target("SN0003")
    with caplog.at_level(logging.INFO, logger=ACCESS_LOG):
        assert gateway.get(target).status_code == 200
        gateway.client.get("/claims/provider/0x" + "ab" * 20)
    first, second = (json.loads(r.getMessage()) for r in caplog.records[-2:])
    assert set(first) == {"time", "method", "route", "status", "ms"}
    assert first["route"] == "/01/{gtin}/10/{lot}/21/{serial}"
    assert (first["method"], first["status"]) == ("GET", 200)
    assert second["route"] == "/claims/provider/{provider}" and second["status"] == 401
    pharmacy = gateway.signer("pharmacy").address
    for secret in ("SN0003", "LOT-1", "corrUUID", "ab" * 20, pharmacy, pharmacy.lower()):
        assert secret not in caplog.text
