"""The commands of `hygeia`: each one's module and summary, and one module per command group of
the command line's own (deploy, store).

`hygeia --help` lists the commands from this table without importing their modules; a command
line that names a command imports only that command's module.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Command:
    """A top-level command: the module whose `register` adds it, its line in `--help`, and
    whether its handlers take the chain context (`handler(Context)`) or only the parsed
    arguments and the output (`handler(args, out)`: no chain, signer or store is loaded)."""

    module: str
    summary: str
    chain_context: bool = True


#: Every top-level command, in the order `hygeia --help` lists them.
COMMANDS: dict[str, Command] = {
    "node": Command(
        "hygeia.dev.nodes.cli", "start, stop or inspect the local nodes", chain_context=False
    ),
    "demo": Command("hygeia.dev.demo.cli", "deploy the suite and narrate one day (local chain)"),
    "accounts": Command("hygeia.dev.cli", "list the named dev accounts of a local chain"),
    "deploy": Command(
        "hygeia.cli.commands.deploy", "deploy the suite (the signer becomes governance admin)"
    ),
    "participants": Command("hygeia.participants.cli", "patients, credentials and encryption keys"),
    "keys": Command("hygeia.records.cli", "record-encryption keys (X25519)"),
    "records": Command("hygeia.records.cli", "store, read, amend and erase encrypted FHIR records"),
    "consent": Command("hygeia.consent.cli", "grant, revoke, check and audit patients' consents"),
    "emergency": Command("hygeia.consent.cli", "break-glass emergency access (ETREAT)"),
    "store": Command("hygeia.cli.commands.store", "add, read, pin and unpin content by CID"),
    "provenance": Command(
        "hygeia.provenance.cli", "drug provenance: DSCSA / GS1 EPCIS supply chain"
    ),
    "claims": Command("hygeia.claims.cli", "plans, claims adjudication, escrow and remittances"),
    "index": Command(
        "hygeia.index.cli", "follow the suite's events into a database (SQLite or PostgreSQL)"
    ),
    "serve": Command(
        "hygeia.gateway.cli",
        "serve the suite over HTTP: DSCSA verification, claims, FHIR, pages (the gateway)",
    ),
}


def add_command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, **kwargs: Any
) -> argparse.ArgumentParser:
    """The parser of top-level command `name`, listed in `hygeia --help` with its summary."""
    return sub.add_parser(name, help=COMMANDS[name].summary, **kwargs)
