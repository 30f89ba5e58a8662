"""The gateway's test stack: a chain of its own with a supply chain on it (tests/provenance/
chain.py: credentials for the manufacturer, distributor and pharmacy, GS1's example prefix), the
event index caught up with it, and the gateway over them, driven through FastAPI's TestClient
with requests signed as a dev account. tests/gateway/conftest.py registers these fixtures."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from web3 import Web3

from hygeia.core import times
from hygeia.core.chain import dev_signer
from hygeia.core.chain.signers import Signer
from hygeia.core.deployments import AddressBook, Deployment
from hygeia.core.store import LocalStore
from hygeia.deploy import DeployResult
from hygeia.gateway.app import create_app
from hygeia.gateway.auth import sign_request
from hygeia.gateway.ledger import Ledger
from hygeia.gateway.services import GatewayServices
from hygeia.gateway.session import SessionManager
from hygeia.index.follower import Indexer
from hygeia.index.reader import IndexedLogs
from hygeia.index.store import IndexStore
from hygeia.provenance import gs1
from hygeia.provenance.workflow import ProvenanceFlow
from hygeia.suite import Suite
from tests.chains import Chain

GTIN = 614141000418
UNKNOWN_GTIN = 614141000425  # a right check digit, but no product registered under it
EXPIRY = date(2030, 12, 31)
SERIALS = [f"SN{i:04d}" for i in range(6)]
DISPENSED = "SN0000"
RECALLED_LOT, RECALLED_SERIAL = "LOT-R", "R1"
REQ_GLN = gs1.gln13(int("061414100001" + str(gs1.check_digit("061414100001"))))
RESPONDER_GLN = int("061414199999" + str(gs1.check_digit("061414199999")))


def lms_target(
    serial: str = "SN0001",
    *,
    lot: str | None = "LOT-1",
    gtin: str = gs1.gtin14(GTIN),
    exp: str = "301231",
    corr: str | None = None,
    query_lot: str | None = None,
    **extra: str,
) -> str:
    """A GS1 Lightweight Messaging request target (lot in the path, or as the query's 10)."""
    path = f"/01/{gtin}" + (f"/10/{lot}" if lot is not None else "") + f"/21/{serial}"
    query = {
        "exp": exp,
        "linkType": "verificationService",
        "context": "dscsaSaleableReturn",
        "reqGLN": REQ_GLN,
        "corrUUID": corr or str(uuid.uuid4()),
        **({"10": query_lot} if query_lot is not None else {}),
        **extra,
    }
    return path + "?" + "&".join(f"{k}={v}" for k, v in query.items() if v != "")


@pytest.fixture(scope="module")
def supply(
    flow_as: Callable[[str], ProvenanceFlow],
    address_of: Callable[[str], str],
    provenance_suite: DeployResult,
) -> None:
    """LOT-1 commissioned, three units shipped to the pharmacy (one dispensed), LOT-R recalled."""
    maker, pharmacy = flow_as("manufacturer"), flow_as("pharmacy")
    maker.register_product(GTIN, 7, "Amoxicillin 500 mg capsules", 2.0, 25.0)
    stock = maker.commission(GTIN, "LOT-1", EXPIRY, SERIALS).id
    to_pharmacy = maker.ship(stock, address_of("pharmacy"), SERIALS[:3]).id
    pharmacy.receive(to_pharmacy)
    pharmacy.dispense(to_pharmacy, DISPENSED)
    maker.commission(GTIN, RECALLED_LOT, EXPIRY, [RECALLED_SERIAL, "R2"])
    maker.recall(GTIN, RECALLED_LOT, "sterility failure")


def deployment_of(chain: Chain) -> Deployment:
    return AddressBook(chain.deployments).load(chain.w3.eth.chain_id)


def catch_up(chain: Chain, url: str) -> None:
    """Index `chain` into `url` up to its head, as `hygeia index --once` does."""
    store = IndexStore(url)
    try:
        Indexer(chain.w3, deployment_of(chain), store).run_once()
    finally:
        store.close()


@pytest.fixture(scope="module")
def index_url(
    provenance_chain: Chain, supply: None, tmp_path_factory: pytest.TempPathFactory
) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('gateway-index') / 'index.sqlite'}"
    catch_up(provenance_chain, url)
    return url


@pytest.fixture(scope="module")
def services(provenance_chain: Chain, index_url: str) -> Iterator[GatewayServices]:
    w3 = provenance_chain.w3
    deployment = deployment_of(provenance_chain)
    logs = IndexedLogs.for_deployment(index_url, w3, deployment)
    yield GatewayServices(Suite(w3, deployment, logs=logs), index_url, times.now)
    logs.store.close()


@dataclass
class Gateway:
    """The gateway app under a TestClient, its ledger, and signing as dev accounts."""

    client: TestClient
    ledger: Ledger
    w3: Web3
    registry: str

    def signer(self, name: str) -> Signer:
        return dev_signer(self.w3, name)

    def header(
        self,
        target: str,
        *,
        signer: Signer | str = "pharmacy",
        method: str = "GET",
        timestamp: int | None = None,
        nonce: bytes | None = None,
        registry: str | None = None,
    ) -> str:
        who = self.signer(signer) if isinstance(signer, str) else signer
        signed = sign_request(
            who,
            self.w3,
            registry=registry or self.registry,
            method=method,
            target=target,
            timestamp=int(times.now().timestamp()) if timestamp is None else timestamp,
            nonce=nonce,
        )
        return signed.header()

    def get(self, target: str, *, header: str | None = None, **signing: Any) -> httpx.Response:
        """GET `target` signed as `signing` says (as the pharmacy by default), or with
        `header` as the Authorization header when given."""
        value = header if header is not None else self.header(target, **signing)
        return self.client.get(target, headers={"Authorization": value})


def make_gateway(
    services: GatewayServices,
    store: LocalStore,
    ledger_path: Path,
    *,
    routers: tuple[APIRouter, ...] = (),
    **options: Any,
) -> Gateway:
    ledger = Ledger(ledger_path)
    app = create_app(
        services,
        store=store,
        ledger=ledger,
        sessions=SessionManager(services, domain="testserver", uri="http://testserver"),
        responder_gln=RESPONDER_GLN,
        routers=routers,
        **options,
    )
    return Gateway(
        TestClient(app, raise_server_exceptions=False),
        ledger,
        services.suite.w3,
        services.suite.deployment.address_of("ParticipantRegistry"),
    )


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    return tmp_path / "gateway-state" / "31337.sqlite"


@pytest.fixture
def gateway(
    services: GatewayServices, drug_store: LocalStore, ledger_path: Path
) -> Iterator[Gateway]:
    made = make_gateway(services, drug_store, ledger_path)
    yield made
    made.ledger.close()
