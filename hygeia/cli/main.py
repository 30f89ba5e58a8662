"""Entry point of the `hygeia` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from hygeia import __version__
from hygeia.claims import cli as claims
from hygeia.cli.commands import deploy, store
from hygeia.cli.context import Context
from hygeia.cli.output import Output
from hygeia.consent import cli as consent
from hygeia.core.errors import HygeiaError
from hygeia.dev import cli as dev
from hygeia.participants import cli as participants
from hygeia.provenance import cli as provenance
from hygeia.records import cli as records


class _Parser(argparse.ArgumentParser):
    """No abbreviated options: `--key` must never be read as `--keystore` where only one exists.

    Sub-command parsers are made of the same class, so the rule holds at every level.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hygeia",
        description="Consent, drug provenance and claims adjudication on an EVM chain.",
    )
    parser.add_argument("--version", action="version", version=f"hygeia {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (dev, deploy, participants, records, consent, store, provenance, claims):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = Output(as_json=getattr(args, "json", False))
    try:
        if args.command == "node":
            return int(args.handler(args, out))
        return int(args.handler(Context(args, out)))
    except HygeiaError as exc:
        out.error(exc)
        return 1
    except KeyboardInterrupt:
        out.err.print("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
