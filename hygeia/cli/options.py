"""The options commands share (which chain and deployment, who signs, which store and key,
--json): argparse only, so a command's parser is built without loading what runs it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def add_connection_options(parser: argparse.ArgumentParser) -> argparse._ArgumentGroup:
    """Which chain and deployment: --rpc, --chain-id, --deployments (the group, for more)."""
    group = parser.add_argument_group("connection")
    group.add_argument(
        "--rpc",
        metavar="URL",
        default=os.environ.get("HYGEIA_RPC_URL"),
        help="JSON-RPC URL of the chain, e.g. http://127.0.0.1:8545 (env HYGEIA_RPC_URL); "
        "without it, the local Anvil of `hygeia node up`, started when none runs",
    )
    group.add_argument(
        "--chain-id",
        metavar="ID",
        type=int,
        default=None,
        help="refuse to act unless the node serves this chain id, e.g. 1981",
    )
    group.add_argument(
        "--deployments",
        metavar="DIR",
        type=Path,
        default=Path(os.environ.get("HYGEIA_DEPLOYMENTS", "deployments")),
        help="address book folder, one <chain id>.json per chain (default %(default)s)",
    )
    return group


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """Options every chain command accepts, after its name: `hygeia deploy --rpc URL --json`."""
    group = add_connection_options(parser)
    group.add_argument(
        "--account",
        metavar="NAME",
        default=None,
        help="who signs on a local chain: a dev account name (e.g. patient), index or address "
        "(see `hygeia accounts`)",
    )
    group.add_argument(
        "--keystore",
        metavar="FILE",
        type=Path,
        default=None,
        help="encrypted JSON keystore to sign with (password from env "
        "HYGEIA_KEYSTORE_PASSWORD or a prompt); needs --chain-id",
    )
    group.add_argument(
        "--confirmations",
        metavar="N",
        type=int,
        default=1,
        help="blocks to wait for after each transaction (default %(default)s)",
    )
    group.add_argument(
        "--index",
        metavar="URL",
        default=os.environ.get("HYGEIA_INDEX"),
        help="read past events from this event index (kept by `hygeia index`), e.g. "
        "sqlite:///.hygeia/index/31337.sqlite (env HYGEIA_INDEX; default: from the chain)",
    )
    add_json_option(parser)


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help='print one JSON document (errors too: {"error": {type, message, args}})',
    )


def add_store_options(parser: argparse.ArgumentParser) -> None:
    """Where encrypted records and key bundles live: the embedded store or an IPFS node."""
    group = parser.add_argument_group("content store")
    choice = group.add_mutually_exclusive_group()
    choice.add_argument(
        "--store",
        metavar="STORE",
        default=os.environ.get("HYGEIA_STORE", "auto"),
        help="'auto': the local IPFS node of `hygeia node up` when it runs, else the embedded "
        "store; 'ipfs': that node (started when none runs); 'local' (embedded, "
        "~/.local/share/hygeia/store) or 'local:/path'; or an IPFS API URL (env HYGEIA_STORE; "
        "default %(default)s)",
    )
    choice.add_argument(
        "--ipfs", metavar="URL", default=None, help="IPFS node RPC API, e.g. http://127.0.0.1:5001"
    )
    group.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=30.0,
        help="seconds to wait for the IPFS node (default %(default)s)",
    )


def add_key_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--key",
        metavar="FILE",
        type=Path,
        default=os.environ.get("HYGEIA_KEY_FILE"),
        help="your X25519 record-encryption key (PEM from `hygeia keys new`; env "
        "HYGEIA_KEY_FILE; password from env HYGEIA_KEY_PASSWORD or a prompt)",
    )
