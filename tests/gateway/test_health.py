"""Health and readiness: the gateway answers; it is ready while the chain answers and the index
is at most max_lag blocks behind it."""

from __future__ import annotations

from pathlib import Path

import pytest

from hygeia.core import times
from hygeia.core.store import LocalStore
from hygeia.gateway.services import GatewayServices
from hygeia.suite import Suite
from tests.chains import Chain, anvil_chain
from tests.gateway.stack import Gateway, catch_up, deployment_of, make_gateway


def test_health_answers_without_a_signature(gateway: Gateway) -> None:
    response = gateway.client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_while_the_index_keeps_up_and_not_when_it_falls_behind(
    provenance_chain: Chain,
    services: GatewayServices,
    drug_store: LocalStore,
    tmp_path: Path,
) -> None:
    strict = make_gateway(services, drug_store, tmp_path / "s.sqlite", max_lag=0)
    try:
        catch_up(provenance_chain, services.index_url)
        ready = strict.client.get("/ready")
        assert ready.status_code == 200, ready.text
        state = ready.json()
        assert state["ready"] is True and state["index"]["lag"] == 0
        assert state["chain"]["head"] == state["index"]["cursor"]

        provenance_chain.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        behind = strict.client.get("/ready")
        assert behind.status_code == 503
        assert behind.json()["index"]["lag"] == 1
        catch_up(provenance_chain, services.index_url)
        assert strict.client.get("/ready").status_code == 200
    finally:
        strict.ledger.close()


def test_not_ready_when_the_chain_is_down(
    tmp_path_factory: pytest.TempPathFactory, drug_store: LocalStore, tmp_path: Path
) -> None:
    with anvil_chain(tmp_path_factory.mktemp("gone")) as chain:
        chain.deploy()
        url = f"sqlite:///{tmp_path / 'gone.sqlite'}"
        catch_up(chain, url)
        suite = Suite(chain.w3, deployment_of(chain))
        gone = make_gateway(GatewayServices(suite, url, times.now), drug_store, tmp_path / "g")
    try:
        response = gone.client.get("/ready")
        assert response.status_code == 503
        state = response.json()
        assert state["chain"] == {
            "reachable": False,
            "head": None,
            "error": "RPCUnavailableError",
        }
        assert state["index"]["reachable"] is True
    finally:
        gone.ledger.close()
