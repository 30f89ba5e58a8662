"""Headless Chromium (Debian's chromium and chromium-driver, installed by `make setup`) driven by
Selenium with the system chromedriver; a chain with a patient's consents and a drug supply; the
gateway's pages on the real server. Without Chromium the browser tests skip and say why."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI

from hygeia.core.chain import block_time, dev_signer
from hygeia.core.contract_types import Role
from hygeia.core.store import LocalStore
from hygeia.gateway.ledger import Ledger
from hygeia.gateway.session import SessionManager
from hygeia.provenance.workflow import ProvenanceFlow
from tests.chains import Chain
from tests.gateway.web import (
    Clock,
    World,
    services_over,
    serving,
    web_app,
    world_on_chain,
)
from tests.provenance.chain import PREFIXES, gln
from tests.support import free_port

GTIN = 614141000418
EXPIRY = date(2030, 12, 31)
SERIALS = [f"SN{i:04d}" for i in range(6)]


def chromium_paths() -> tuple[str, str] | str:
    """(chromium, chromedriver), or why they cannot be used."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        return (
            "no Chromium: Debian's chromium and chromium-driver are not installed "
            "(`make setup` installs them where apt-get may)"
        )
    return browser, driver


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    found = chromium_paths()
    if isinstance(found, str):
        pytest.skip(found)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1100,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=found[1]), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Callable[[object, str], Path]:
    """shots(driver, name) saves a PNG of the page: under $HYGEIA_SCREENSHOTS when set (the docs'
    pictures: HYGEIA_SCREENSHOTS=docs/images), else in a temporary folder."""
    folder = Path(os.environ.get("HYGEIA_SCREENSHOTS") or tmp_path_factory.mktemp("screens"))
    folder.mkdir(parents=True, exist_ok=True)

    def shoot(driver: object, name: str) -> Path:
        path = folder / f"{name}.png"
        assert driver.save_screenshot(str(path))  # type: ignore[attr-defined]
        assert path.stat().st_size > 1000
        return path

    return shoot


def supply_chain(chain: Chain, store: LocalStore) -> None:
    """LOT-1 commissioned and sold through the distributor to the pharmacy; LOT-R recalled;
    a unit of LOT-S quarantined as suspect."""
    w3 = chain.w3
    now = block_time(w3)
    regulator = chain.suite("regulator")
    for name, role in (
        ("manufacturer", Role.MANUFACTURER),
        ("distributor", Role.DISTRIBUTOR),
        ("pharmacy", Role.DISPENSER),
    ):
        regulator.participants.issue_credential(
            dev_signer(w3, name).address,
            role,
            license_id=f"LIC-{name}",
            jurisdiction="US-NJ",
            valid_from=now - timedelta(minutes=1),
            valid_until=now + timedelta(days=3650),
        )
    # Every EPCIS event names its parties by GLN: each partner licenses a prefix and binds its
    # party GLN under it.
    for name, prefix in PREFIXES.items():
        partner = dev_signer(w3, name).address
        regulator.provenance.license_company_prefix(prefix, partner)
        chain.suite(name).provenance.register_gln(gln(prefix, 1), len(prefix), party=True)

    def flow(name: str) -> ProvenanceFlow:
        return ProvenanceFlow(
            chain.suite(name).provenance,
            store,
            chain_id=w3.eth.chain_id,
            clock=lambda: block_time(w3),
        )

    maker, wholesaler, pharmacy = flow("manufacturer"), flow("distributor"), flow("pharmacy")
    maker.register_product(GTIN, 7, "Amoxicillin 500 mg capsules", 2.0, 25.0)
    stock = maker.commission(GTIN, "LOT-1", EXPIRY, SERIALS).id
    sold = maker.ship(stock, dev_signer(w3, "distributor").address).id
    wholesaler.receive(sold)
    pharmacy.receive(wholesaler.ship(sold, dev_signer(w3, "pharmacy").address, SERIALS[:3]).id)
    maker.commission(GTIN, "LOT-R", EXPIRY, ["R1", "R2"])
    maker.recall(GTIN, "LOT-R", "sterility failure")
    maker.commission(GTIN, "LOT-S", EXPIRY, ["S1", "S2"])
    maker.quarantine(GTIN, "seal broken", serial="S1")


class Site:
    def __init__(self, world: World, base: str, clock: Clock) -> None:
        self.world, self.base, self.clock = world, base, clock


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    state = tmp_path_factory.mktemp("gateway-pages")
    store = LocalStore(state / "store")
    with world_on_chain(state) as world:
        supply_chain(world.chain, store)
        world.reindex()
        clock = Clock()
        services, index = services_over(world, clock)
        port = free_port()
        origin = f"http://127.0.0.1:{port}"
        sessions = SessionManager(services, domain=f"127.0.0.1:{port}", uri=origin)
        ledger = Ledger(state / "gateway.sqlite")
        app: FastAPI = web_app(services, sessions, store, ledger)
        try:
            with serving(app, port) as base:
                yield Site(world, base, clock)
        finally:
            ledger.close()
            index.close()
