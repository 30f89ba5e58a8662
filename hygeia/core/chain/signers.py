"""Who signs transactions: a private key (keystore) or an unlocked account of a local dev node."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from eth_account import Account
from eth_account.signers.local import LocalAccount
from hexbytes import HexBytes
from web3 import Web3
from web3.types import RPCEndpoint

from hygeia.core.chain.connection import LOCAL_CHAIN_IDS
from hygeia.core.errors import AccountError

# Names for the unlocked accounts of a local Anvil/Ganache node, by index, so that commands read
# `--account regulator` rather than `--account 0x70997970...`.
DEV_ACCOUNT_NAMES = (
    "admin",
    "regulator",
    "provider",
    "insurer",
    "manufacturer",
    "distributor",
    "pharmacy",
    "patient",
    "guardian",
    "specialist",
)


class Signer(Protocol):
    """Sends a transaction dict (without nonce handling by the caller) and returns its hash."""

    @property
    def address(self) -> str: ...

    def send(self, w3: Web3, tx: dict[str, Any]) -> HexBytes: ...

    def sign_typed_data(self, w3: Web3, data: dict[str, Any]) -> bytes:
        """An EIP-712 signature (65 bytes r, s, v) of the full typed-data document."""
        ...


@dataclass(frozen=True)
class KeySigner:
    """Signs locally with a private key; the node never sees the key."""

    account: LocalAccount

    @property
    def address(self) -> str:
        return str(self.account.address)

    def send(self, w3: Web3, tx: dict[str, Any]) -> HexBytes:
        signed = self.account.sign_transaction(tx)
        return HexBytes(w3.eth.send_raw_transaction(signed.raw_transaction))

    def sign_typed_data(self, w3: Web3, data: dict[str, Any]) -> bytes:
        return bytes(self.account.sign_typed_data(full_message=data).signature)


@dataclass(frozen=True)
class NodeSigner:
    """An account the node itself unlocks (local dev chains only)."""

    address: str

    def send(self, w3: Web3, tx: dict[str, Any]) -> HexBytes:
        return HexBytes(w3.eth.send_transaction(tx))  # type: ignore[arg-type]

    def sign_typed_data(self, w3: Web3, data: dict[str, Any]) -> bytes:
        # eth_signTypedData_v4 takes the document as JSON, with bytes as 0x-hex.
        answer = w3.provider.make_request(
            RPCEndpoint("eth_signTypedData_v4"), [self.address, json.dumps(data, default=_hex_json)]
        )
        if "error" in answer:
            raise AccountError(f"the node refused to sign for {self.address}: {answer['error']}")
        return bytes(HexBytes(answer["result"]))


def keystore_signer(path: Path, password: str) -> KeySigner:
    """Load an encrypted JSON keystore (geth/eth-account format, as `brownie accounts` writes)."""
    try:
        keyfile = json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise AccountError(f"keystore file not found: {path}") from exc
    except (OSError, json.JSONDecodeError) as exc:
        raise AccountError(f"{path} is not a readable JSON keystore: {exc}") from exc
    try:
        key = Account.decrypt(keyfile, password)
    except ValueError as exc:
        raise AccountError(f"cannot decrypt keystore {path}: wrong password?") from exc
    except (KeyError, TypeError) as exc:
        raise AccountError(f"{path} is not a keystore file (missing {exc})") from exc
    return KeySigner(Account.from_key(key))


def dev_signer(w3: Web3, name_or_index: str | int) -> NodeSigner:
    """An unlocked account of a local dev node, by name (DEV_ACCOUNT_NAMES), index or address."""
    chain_id = w3.eth.chain_id
    if chain_id not in LOCAL_CHAIN_IDS:
        raise AccountError(
            f"named dev accounts exist only on local chains (ids {sorted(LOCAL_CHAIN_IDS)}); "
            f"chain {chain_id} needs --keystore"
        )
    accounts = list(w3.eth.accounts)
    if isinstance(name_or_index, str) and Web3.is_address(name_or_index):
        address = Web3.to_checksum_address(name_or_index)
        if address not in accounts:
            raise AccountError(f"{address} is not an unlocked account of this node")
        return NodeSigner(address)
    index = _dev_index(name_or_index)
    if index >= len(accounts):
        raise AccountError(
            f"the node has {len(accounts)} unlocked accounts; #{index} does not exist"
        )
    return NodeSigner(Web3.to_checksum_address(accounts[index]))


def _dev_index(name_or_index: str | int) -> int:
    if isinstance(name_or_index, int):
        return name_or_index
    if name_or_index.isdigit():
        return int(name_or_index)
    try:
        return DEV_ACCOUNT_NAMES.index(name_or_index)
    except ValueError:
        raise AccountError(
            f"unknown dev account {name_or_index!r}; names: {', '.join(DEV_ACCOUNT_NAMES)}"
        ) from None


def _hex_json(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    raise TypeError(f"cannot encode {type(value).__name__} in typed data")
