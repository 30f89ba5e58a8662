"""The demo's cast on a local chain: deploy (or reuse) the suite, credentials and record keys.

Idempotent: a second run finds the deployment, the credentials and the key files and reuses them.
Record keys live in `<state>/keys/<name>.pem`, protected by a fixed demo password: dev chains only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from web3 import Web3

from hygeia.core import artifacts
from hygeia.core.chain.connection import LOCAL_CHAIN_IDS, block_time, connect
from hygeia.core.chain.signers import DEV_ACCOUNT_NAMES, dev_signer
from hygeia.core.chain.transactions import TxSender
from hygeia.core.contract_types import Role
from hygeia.core.deployments import AddressBook
from hygeia.core.errors import ChainIdMismatchError, DeploymentNotFoundError
from hygeia.deploy import deploy_suite
from hygeia.records.keys import (
    generate_private_key,
    load_private_key,
    public_key_bytes,
    save_private_key,
)
from hygeia.suite import Suite, attach

DEMO_KEY_PASSWORD = "hygeia-demo"  # dev chains only: the demo's keys protect no real data
#: Who needs a licensed role, and which.
CREDENTIALS = {
    "provider": Role.PROVIDER,
    "specialist": Role.PROVIDER,
    "insurer": Role.INSURER,
    "manufacturer": Role.MANUFACTURER,
    "distributor": Role.DISTRIBUTOR,
    "pharmacy": Role.DISPENSER,
}
PATIENTS = ("patient", "guardian")
YEAR = timedelta(days=365)


@dataclass
class Cast:
    """The deployed suite and everyone's signer-bound suite and record key."""

    w3: Web3
    url: str
    deployments: Path
    keys: dict[str, X25519PrivateKey] = field(default_factory=dict)
    setup_gas: dict[str, int] = field(default_factory=dict)

    def suite(self, name: str) -> Suite:
        return Suite.connect(
            self.url, deployments=self.deployments, signer=dev_signer(self.w3, name)
        )

    def address(self, name: str) -> str:
        return dev_signer(self.w3, name).address

    @cached_property
    def _dev_names(self) -> dict[str, str]:
        return {a.lower(): n for a, n in zip(self.w3.eth.accounts, DEV_ACCOUNT_NAMES, strict=False)}

    def name_of(self, address: str) -> str:
        """The dev name of one of the node's accounts (the address itself for any other)."""
        return self._dev_names.get(address.lower(), address)

    def now(self) -> datetime:
        return block_time(self.w3)


def prepare(url: str, deployments: Path, state: Path, log: Callable[[str], None]) -> Cast:
    """Deploy the suite unless this chain has it, then credential and key everyone once."""
    w3 = connect(url)
    if int(w3.eth.chain_id) not in LOCAL_CHAIN_IDS:
        raise ChainIdMismatchError("the demo uses the node's dev accounts: run it on a local chain")
    cast = Cast(w3, url, deployments)
    book = AddressBook(deployments)
    try:
        attach(w3, book)
        log("suite already deployed on this chain: reusing it")
    except DeploymentNotFoundError as missing:
        if book.path(int(w3.eth.chain_id)).exists():  # say why a recorded suite is replaced
            log(f"not using the recorded suite: {missing}")
        admin = TxSender(w3, dev_signer(w3, "admin"), artifacts.suite_decoder())
        result = deploy_suite(admin, regulators=(cast.address("regulator"),), address_book=book)
        for step in result.steps:
            cast.setup_gas[step.name] = step.receipt.gas_used
        log(f"deployed the suite ({result.total_gas:,} gas)")
    regulator = cast.suite("regulator").participants
    now = cast.now()
    for name, role in CREDENTIALS.items():
        receipt = regulator.ensure_credential(
            cast.address(name), role, license_id=f"DEMO-{name.upper()}", jurisdiction="US-NY",
            valid_from=now - timedelta(minutes=1), valid_until=now + 5 * YEAR,
        )  # fmt: skip
        if receipt is not None:
            cast.setup_gas[f"issue credential to {name}"] = receipt.gas_used
    for name in (*PATIENTS, *CREDENTIALS):
        cast.keys[name] = _key(state / "keys" / f"{name}.pem")
        published = regulator.encryption_key_of(cast.address(name))
        mine = public_key_bytes(cast.keys[name])
        if published == mine:
            continue
        participants = cast.suite(name).participants
        if name in PATIENTS and not participants.roles_of(cast.address(name)):
            receipt = participants.register_patient(mine)
        else:
            receipt = participants.set_encryption_key(mine)
        cast.setup_gas[f"publish {name}'s encryption key"] = receipt.gas_used
    return cast


def _key(path: Path) -> X25519PrivateKey:
    if path.exists():
        return load_private_key(path, DEMO_KEY_PASSWORD)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = generate_private_key()
    save_private_key(key, path, DEMO_KEY_PASSWORD)
    return key
