"""The payer's adjudication script with brownie: the same command and arguments as
`hygeia claims`, run against brownie's connected network.

    bin/brownie run scripts/adjudicate.py main --network development -- \
        adjudicate-file BATCH.json --out REMIT.json [--x12-dir DIR] [--batch-size N]
    bin/brownie run scripts/adjudicate.py main --network development -- \
        adjudicate --pending --out REMIT.json

brownie takes its own options (`--network`) before `--` and hands everything after it to
`main`; the command then runs exactly as `hygeia claims ...` with `--rpc` set to brownie's node
(other options, e.g. --deployments, --account or --salt-file, as documented by
`hygeia claims adjudicate-file --help`).
"""

from __future__ import annotations

from brownie import web3

from hygeia.cli.main import main as hygeia


def command_line(argv: tuple[str, ...], rpc_url: str) -> list[str]:
    """The `hygeia` arguments for brownie's `main` arguments: without the `--` brownie keeps."""
    args = list(argv[1:] if argv[:1] == ("--",) else argv)
    if not args:
        raise SystemExit(
            "usage: brownie run scripts/adjudicate.py main --network NET -- "
            "adjudicate-file BATCH.json --out REMIT.json"
        )
    return ["claims", *args, "--rpc", rpc_url]


def main(*argv: str) -> None:
    code = hygeia(command_line(argv, web3.provider.endpoint_uri))
    if code:
        raise SystemExit(code)
