"""Build what a command needs (connection, signer, suite) from the common command-line options."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from web3 import Web3

from hygeia.cli.output import Output
from hygeia.core import artifacts
from hygeia.core.chain.connection import connect
from hygeia.core.chain.signers import Signer, dev_signer, keystore_signer
from hygeia.core.chain.transactions import TxSender
from hygeia.core.deployments import AddressBook, Deployment
from hygeia.core.errors import AccountError, ChainIdMismatchError, InvalidInputError
from hygeia.core.store import ContentStore, KuboStore, open_store
from hygeia.dev.nodes import local
from hygeia.index.reader import IndexedLogs
from hygeia.records.keys import load_private_key
from hygeia.suite import Suite, attach


@dataclass
class Context:
    args: argparse.Namespace
    out: Output

    @property
    def rpc(self) -> str:
        """The chain's URL: --rpc, else the local chain (attached to, or started)."""
        if self.args.rpc is None:
            self.args.rpc = local.ensure_chain(self.out.progress)
        return str(self.args.rpc)

    def web3(self) -> Web3:
        return connect(self.rpc, expected_chain_id=self.args.chain_id)

    def signer(self, w3: Web3, default_account: str | None = None) -> Signer:
        """The --keystore signer, else the --account (or default) dev account of a local chain."""
        if self.args.keystore is not None:
            if self.args.chain_id is None:
                raise ChainIdMismatchError(
                    "--keystore needs --chain-id, so a key for one network never signs on another"
                )
            return keystore_signer(self.args.keystore, _keystore_password(self.args.keystore))
        name = self.args.account or default_account
        if name is None:
            raise AccountError(
                "choose who signs: --account NAME on a local chain, or --keystore FILE"
            )
        return dev_signer(w3, name)

    def sender(self, w3: Web3, default_account: str | None = None) -> TxSender:
        signer = self.signer(w3, default_account)
        return TxSender(
            w3, signer, artifacts.suite_decoder(), confirmations=self.args.confirmations
        )

    def store(self) -> ContentStore:
        if self.args.ipfs is not None:
            return KuboStore(self.args.ipfs, timeout=self.args.timeout)
        spec = str(self.args.store)
        if spec == "auto":
            spec = local.running_ipfs() or "local"
        elif spec == "ipfs":
            spec = local.ensure_ipfs(self.out.progress)
        if spec.startswith(("http://", "https://")):
            return KuboStore(spec, timeout=self.args.timeout)
        return open_store(spec)

    def record_key(self, *, required: bool = True) -> X25519PrivateKey | None:
        path: Path | None = getattr(self.args, "key", None)
        if path is None:
            if required:
                raise AccountError("this needs your record-encryption key: --key FILE.pem")
            return None
        return self.record_key_from(path)

    def record_key_from(self, path: Path) -> X25519PrivateKey:
        if not path.is_file():  # before asking for its password
            raise InvalidInputError(f"no key file {path} (create one with `hygeia keys new`)")
        return load_private_key(path, secret("HYGEIA_KEY_PASSWORD", f"password for {path}: "))

    def suite(self, default_account: str | None = None, *, read_only: bool = False) -> Suite:
        w3 = self.web3()
        deployment = attach(w3, AddressBook(self.args.deployments))
        sender = None if read_only else self.sender(w3, default_account)
        return Suite(w3, deployment, sender, logs=self._index(w3, deployment))

    def _index(self, w3: Web3, deployment: Deployment) -> IndexedLogs | None:
        """The event index of --index, checked to serve this deployment; a lag is reported."""
        url = getattr(self.args, "index", None)
        if not url:
            return None
        logs = IndexedLogs.for_deployment(url, w3, deployment)
        lag = logs.lag(w3)
        if lag:
            self.out.progress(
                f"reading events from {logs.store.shown_url()}, {lag} block(s) behind the chain"
            )
        return logs


def resolve_address(on: Suite | Web3, who: str) -> str:
    """An address as given, or a dev account's by name (on the suite's, or this, connection)."""
    if who.startswith("0x"):
        return who
    return dev_signer(on.w3 if isinstance(on, Suite) else on, who).address


def _keystore_password(path: Path) -> str:
    return secret("HYGEIA_KEYSTORE_PASSWORD", f"password for {path}: ")


def secret(env: str, prompt: str) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise AccountError(f"no password given: set {env} or run in a terminal")
    return getpass.getpass(prompt)
