"""Small helpers for tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

from eth_account import Account

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The scrypt cost (N) of the keystores the CLI tests write. A keystore names its own cost and the
# SDK decrypts whatever it names; at brownie's and geth's 2**18 every encryption and every CLI
# command that opens the keystore took 0.8 s. tests/core/chain/test_signers.py keeps that cost.
TEST_KEYSTORE_COST = 2**12


def keystore_json(private_key: Any, password: str) -> str:
    """An eth-account (geth format) scrypt keystore of `private_key`, at TEST_KEYSTORE_COST."""
    return json.dumps(
        Account.encrypt(private_key, password, kdf="scrypt", iterations=TEST_KEYSTORE_COST)
    )
