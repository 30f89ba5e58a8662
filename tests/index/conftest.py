"""Fixtures of the index's tests: every test that takes `new_index` runs on both backends, SQLite
and a real PostgreSQL (a throwaway cluster for the session; skipped, with the reason, only where
no PostgreSQL can be had); chains with events of their own."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from web3 import Web3

from hygeia.core import artifacts
from hygeia.core.chain import block_time, dev_signer
from hygeia.core.contract_types import Role
from hygeia.core.deployments import AddressBook, Deployment
from hygeia.core.times import to_unix
from hygeia.index import Indexer, IndexStore
from tests.chains import Chain, anvil_chain
from tests.index import postgres

NewIndex = Callable[[], str]
_CREDENTIALED = ("provider", "insurer", "manufacturer")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[postgres.Cluster]:
    reason = postgres.why_unavailable()
    if reason is not None:
        pytest.skip(f"PostgreSQL: {reason}")
    cluster = postgres.start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


_databases = itertools.count()


@pytest.fixture
def new_index(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> NewIndex:
    """new_index() -> the URL of a fresh, empty index database on this test's backend."""
    if backend == "postgresql":
        cluster: postgres.Cluster = request.getfixturevalue("pg_cluster")
        return lambda: cluster.create_database(f"index_{next(_databases)}")
    return lambda: f"sqlite:///{tmp_path / f'index-{next(_databases)}.sqlite'}"


def deployment_of(chain: Chain) -> Deployment:
    return AddressBook(chain.deployments).load(chain.w3.eth.chain_id)


def index_once(chain: Chain, url: str, **options: int) -> IndexStore:
    """A store at `url` caught up with `chain` (the caller closes it)."""
    store = IndexStore(url)
    Indexer(chain.w3, deployment_of(chain), store, **options).run_once()
    return store


def fresh_dump(chain: Chain, url: str) -> dict[str, object]:
    store = index_once(chain, url)
    try:
        return store.dump()
    finally:
        store.close()


def credential(chain: Chain) -> None:
    """The regulator credentials a few dev accounts (CredentialIssued events)."""
    regulator = chain.suite("regulator").participants
    now = block_time(chain.w3)
    for name, role in zip(
        _CREDENTIALED, (Role.PROVIDER, Role.INSURER, Role.MANUFACTURER), strict=True
    ):
        regulator.issue_credential(
            dev_signer(chain.w3, name).address,
            role,
            license_id=f"L-{name}",
            jurisdiction="US-CA",
            valid_from=now - timedelta(days=1),
            valid_until=now + timedelta(days=365),
        )


def emit(chain: Chain, count: int, *, salt: int = 0) -> None:
    """`count` CredentialRenewed events, one block each, sent without waiting for each receipt."""
    w3 = chain.w3
    registry = w3.eth.contract(
        address=Web3.to_checksum_address(deployment_of(chain).address_of("ParticipantRegistry")),
        abi=artifacts.abi("ParticipantRegistry"),
    )
    regulator = dev_signer(w3, "regulator").address
    roles = (Role.PROVIDER, Role.INSURER, Role.MANUFACTURER)
    base = to_unix(block_time(w3) + timedelta(days=400), "valid until")
    last = None
    for n in range(count):
        k = n % len(_CREDENTIALED)
        account = dev_signer(w3, _CREDENTIALED[k]).address
        fn = registry.functions.renewCredential(account, roles[k].id, base + salt * 10_000 + n)
        last = fn.transact({"from": regulator, "gas": 200_000})
    if last is not None:
        w3.eth.wait_for_transaction_receipt(last, poll_latency=0.01)


@pytest.fixture(scope="module")
def events_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    """A chain with the suite deployed, three credentials and 60 renewals: read-only for tests."""
    with anvil_chain(tmp_path_factory.mktemp("index-chain")) as chain:
        chain.deploy()
        credential(chain)
        emit(chain, 60)
        yield chain


@pytest.fixture
def own_chain(tmp_path: Path) -> Iterator[Chain]:
    """A chain of this test's own (to fork or extend), with the suite and three credentials."""
    with anvil_chain(tmp_path / "chain") as chain:
        chain.deploy()
        credential(chain)
        yield chain
