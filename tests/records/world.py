"""A fresh chain with the suite deployed and its participants set up: credentialed providers and
an insurer, registered patients, everyone's record-encryption keys, and an embedded store.

The record vault tests and the security tests each start one (they move time forward and
register accounts, so they do not share the session chain of the other SDK tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from hygeia.core.chain import block_time, connect, dev_signer
from hygeia.core.contract_types import Role
from hygeia.core.store import LocalStore
from hygeia.records import generate_private_key, public_key_bytes
from hygeia.records.sharing import ConsentManager
from hygeia.records.vault import RecordVault
from hygeia.suite import Suite
from tests.chains import anvil_chain

#: Accounts with a PROVIDER credential; the insurer holds an INSURER one.
PROVIDERS = ("provider", "specialist")


class World:
    """The chain, its suite deployment and everyone's record-encryption keys."""

    def __init__(self, url: str, deployments: Path, store: LocalStore) -> None:
        self.url = url
        self.w3 = connect(url)
        self.deployments = deployments
        self.store = store
        self.keys: dict[str, X25519PrivateKey] = {}

    def suite(self, name: str) -> Suite:
        return Suite.connect(
            self.url, deployments=self.deployments, signer=dev_signer(self.w3, name)
        )

    def address(self, name: str) -> str:
        return dev_signer(self.w3, name).address

    def vault(self, name: str, key: X25519PrivateKey | None = None) -> RecordVault:
        return RecordVault(self.suite(name), self.store, key or self.keys.get(name))

    def consents(self, name: str) -> ConsentManager:
        return ConsentManager(self.vault(name))

    def now(self) -> datetime:
        return block_time(self.w3)

    def advance(self, span: timedelta) -> None:
        seconds = int(span.total_seconds())
        self.w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
        self.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


@contextmanager
def running_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Start an Anvil (with traces, for the leak scans), deploy the suite and set up its parties."""
    with anvil_chain(tmp_path_factory.mktemp("records-chain"), traces=True) as chain:
        chain.deploy()
        world = World(
            chain.url, chain.deployments, LocalStore(tmp_path_factory.mktemp("records-store"))
        )
        regulator = world.suite("regulator").participants
        now = world.now()
        for name, role in [*((p, Role.PROVIDER) for p in PROVIDERS), ("insurer", Role.INSURER)]:
            regulator.issue_credential(
                world.address(name),
                role,
                license_id=f"LIC-{name}",
                jurisdiction="US-NY",
                valid_from=now - timedelta(minutes=1),
                valid_until=now + timedelta(days=10 * 365),
            )
        for name in ("patient", "guardian", "provider", "specialist", "insurer"):
            world.keys[name] = generate_private_key()
            participants = world.suite(name).participants
            if name in ("patient", "guardian"):
                participants.register_patient(public_key_bytes(world.keys[name]))
            else:
                participants.set_encryption_key(public_key_bytes(world.keys[name]))
        yield world
