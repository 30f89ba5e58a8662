"""What the gateway's sign-in, FHIR and page tests share: a chain with a patient's consents and
disclosures, an event index caught up with it, the gateway's services over that index, an app of
the routers under test, the real server on a loopback port, and signing in as a wallet does
(the node's `personal_sign` for its unlocked dev accounts, a fresh key for an outsider).

The test modules import the fixtures they use from here by name."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from eth_account import Account
from eth_account.messages import encode_defunct
from fastapi import FastAPI
from fastapi.testclient import TestClient
from siwe import SiweMessage, generate_nonce
from web3 import Web3

from hygeia.consent.client import GrantRequest, data_class_id
from hygeia.core.chain import block_time, dev_signer
from hygeia.core.contract_types import Action, Purpose, Role
from hygeia.core.deployments import AddressBook
from hygeia.core.store import LocalStore
from hygeia.core.times import iso
from hygeia.gateway.app import create_app
from hygeia.gateway.ledger import Ledger
from hygeia.gateway.services import GatewayServices
from hygeia.gateway.session import SessionManager
from hygeia.index import Indexer, IndexStore
from hygeia.index.reader import IndexedLogs
from hygeia.records.keys import generate_private_key, public_key_bytes
from hygeia.suite import Suite
from tests.chains import Chain, anvil_chain
from tests.support import free_port

LAB = data_class_id("laboratory")


@dataclass
class Clock:
    """The gateway's clock in the tests: the real time, moved on when a test says so."""

    offset: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset


@dataclass
class World:
    chain: Chain
    index_url: str
    patient: str
    consents: dict[str, int]  # grantee name -> consent id

    def address(self, name: str) -> str:
        return dev_signer(self.chain.w3, name).address

    def reindex(self) -> None:
        store = IndexStore(self.index_url)
        try:
            deployment = AddressBook(self.chain.deployments).load(self.chain.w3.eth.chain_id)
            Indexer(self.chain.w3, deployment, store).run_once()
        finally:
            store.close()


def patient_history(chain: Chain) -> tuple[str, dict[str, int]]:
    """The patient registers, permits the provider and the specialist to read its lab results
    (the specialist's consent revoked since) and every active insurer to read them for payment
    (the insurer is credentialed, the pharmacy is not), appoints the guardian as delegate; the
    provider opens and closes break-glass (the disclosures)."""
    w3 = chain.w3
    patient = chain.suite("patient")
    me = dev_signer(w3, "patient").address
    patient.participants.register_patient(public_key_bytes(generate_private_key()))
    now = block_time(w3)
    ids = {}
    for grantee, purpose in (("provider", Purpose.TREAT), ("specialist", Purpose.TREAT)):
        request = GrantRequest(
            Action.ACCESS,
            purpose,
            start=now - timedelta(minutes=1),
            end=now + timedelta(days=30),
            grantee=dev_signer(w3, grantee).address,
            targets=(LAB,),
        )
        _, ids[grantee] = patient.consent.grant(me, request)
    patient.consent.revoke(patient.consent.consent(me, ids["specialist"]))
    every_insurer = GrantRequest(
        Action.ACCESS,
        Purpose.HPAYMT,
        start=now - timedelta(minutes=1),
        end=None,
        grantee_role=Role.INSURER,
        targets=(LAB,),
    )
    _, ids["insurers"] = patient.consent.grant(me, every_insurer)
    patient.consent.appoint_delegate(dev_signer(w3, "guardian").address)
    for name, role in (("provider", Role.PROVIDER), ("insurer", Role.INSURER)):
        chain.suite("regulator").participants.issue_credential(
            dev_signer(w3, name).address,
            role,
            license_id=f"L-{name}",
            jurisdiction="US-CA",
            valid_from=now - timedelta(days=1),
            valid_until=now + timedelta(days=365),
        )
    doctor = chain.suite("provider").consent
    doctor.open_break_glass(me, "unconscious on arrival", timedelta(hours=1))
    doctor.close_break_glass(me)
    return me, ids


@contextmanager
def world_on_chain(state: Path) -> Iterator[World]:
    with anvil_chain(state) as chain:
        chain.deploy()
        patient, ids = patient_history(chain)
        world = World(chain, f"sqlite:///{state / 'index.sqlite'}", patient, ids)
        world.reindex()
        yield world


def services_over(world: World, clock: Clock) -> tuple[GatewayServices, IndexStore]:
    w3 = world.chain.w3
    deployment = AddressBook(world.chain.deployments).load(w3.eth.chain_id)
    logs = IndexedLogs.for_deployment(world.index_url, w3, deployment)
    return GatewayServices(Suite(w3, deployment, logs=logs), world.index_url, clock), logs.store


DOMAIN = "gateway.test"
ORIGIN = "http://gateway.test"


@dataclass
class Gateway:
    world: World
    clock: Clock
    services: GatewayServices
    sessions: SessionManager
    app: FastAPI
    http: TestClient
    store: LocalStore


def web_app(
    services: GatewayServices, sessions: SessionManager, store: LocalStore, ledger: Ledger
) -> FastAPI:
    """The whole gateway, as `hygeia serve` builds it, over the world's index."""
    return create_app(services, store=store, ledger=ledger, sessions=sessions)


@contextmanager
def gateway_over(
    world: World, state: Path, *, domain: str = DOMAIN, origin: str = ORIGIN
) -> Iterator[Gateway]:
    clock = Clock()
    services, store = services_over(world, clock)
    sessions = SessionManager(services, domain=domain, uri=origin)
    documents = LocalStore(state)
    ledger = Ledger(state / "gateway.sqlite")
    app = web_app(services, sessions, documents, ledger)
    try:
        with TestClient(app, base_url=origin) as http:
            yield Gateway(world, clock, services, sessions, app, http, documents)
    finally:
        ledger.close()
        store.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with world_on_chain(tmp_path_factory.mktemp("gateway-web")) as made:
        yield made


@pytest.fixture
def gateway(world: World, tmp_path: Path) -> Iterator[Gateway]:
    with gateway_over(world, tmp_path) as made:
        yield made


# ------------------------------------------------------------------------------ signing in


def siwe_text(
    address: str,
    nonce: str,
    *,
    chain_id: int,
    domain: str = DOMAIN,
    uri: str = ORIGIN + "/",
    issued: datetime | None = None,
    expires: datetime | None = None,
) -> str:
    issued = issued or datetime.now(timezone.utc)
    fields: dict[str, Any] = {
        "domain": domain,
        "address": Web3.to_checksum_address(address),
        "statement": "Sign in.",
        "uri": uri,
        "version": "1",
        "chain_id": chain_id,
        "nonce": nonce,
        "issued_at": iso(issued),
    }
    if expires is not None:
        fields["expiration_time"] = iso(expires)
    return str(SiweMessage(**fields).prepare_message())


def wallet_sign(w3: Web3, address: str, text: str) -> str:
    """What a wallet answers to `personal_sign`: here the node signs for its dev account."""
    answer = w3.provider.make_request(  # type: ignore[attr-defined]
        "personal_sign", ["0x" + text.encode().hex(), address]
    )
    return str(answer["result"])


def key_sign(key: Any, text: str) -> str:
    return "0x" + Account.sign_message(encode_defunct(text=text), key).signature.hex()


def sign_in(gateway: Gateway, name: str) -> str:
    """A bearer token for the dev account `name`, signed in the way a page does it."""
    w3 = gateway.world.chain.w3
    address = gateway.world.address(name)
    text = gateway.http.post("/auth/challenge", json={"address": address}).json()["message"]
    answer = gateway.http.post(
        "/auth/verify", json={"message": text, "signature": wallet_sign(w3, address, text)}
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def fresh_nonce() -> str:
    return generate_nonce()


# ------------------------------------------------------------------------------ the real server


@contextmanager
def serving(app: FastAPI, port: int | None = None) -> Iterator[str]:
    """`app` under uvicorn on loopback (`port`, or a free one); its base URL."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the gateway did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
