"""Entry point of the `hygeia` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from hygeia import __version__
from hygeia.cli.commands import accounts, deploy, drug, node, participants
from hygeia.cli.context import Context
from hygeia.cli.output import Output
from hygeia.errors import HygeiaError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hygeia",
        description="Consent, drug provenance and claims adjudication on an EVM chain.",
    )
    parser.add_argument("--version", action="version", version=f"hygeia {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (node, deploy, accounts, participants, drug):
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
