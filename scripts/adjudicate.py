"""The payer's adjudication script with brownie: the same command and arguments as
`hygeia claims`, run against brownie's connected network.

    bin/brownie run scripts/adjudicate.py main --network development -- \
        adjudicate-file BATCH.json --out REMIT.json [--x12-dir DIR --profile PAYER.json]
    bin/brownie run scripts/adjudicate.py main --network development -- \
        adjudicate --pending --out REMIT.json

brownie takes its own options (`--network`) before `--` and hands everything after it to
`main`; the command then runs exactly as `hygeia claims ...` with `--rpc` set to brownie's node
(other options, e.g. --deployments, --account or --salt-file, as documented by
`hygeia claims adjudicate-file --help`).

brownie's development and ganache networks are a fresh chain for each run (unless a node already
answers on their port), with no suite on it: on such a local chain the script first deploys the
suite, as scripts/deploy.py does, into the address book the command reads, so one run
adjudicates. On any other chain the suite must be deployed already.
"""

from __future__ import annotations

from brownie import web3

from hygeia.cli.errors import UsageError
from hygeia.cli.main import build_parser
from hygeia.cli.main import main as hygeia
from hygeia.core.chain import LOCAL_CHAIN_IDS
from hygeia.core.deployments import AddressBook
from hygeia.core.errors import DeploymentNotFoundError
from hygeia.suite import attach
from scripts.deploy import deploy


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
    args = command_line(argv, web3.provider.endpoint_uri)
    deploy_unless_deployed(args)
    code = hygeia(args)
    if code:
        raise SystemExit(code)


def deploy_unless_deployed(args: list[str]) -> None:
    """On a local chain without the suite (brownie's fresh chain), deploy it first into the
    address book that `args` (`--deployments`, env HYGEIA_DEPLOYMENTS) names."""
    if int(web3.eth.chain_id) not in LOCAL_CHAIN_IDS or {"-h", "--help"} & set(args):
        return
    try:
        book = AddressBook(build_parser(args).parse_args(args).deployments)
    except UsageError:
        return  # the command itself reports what is wrong with its arguments
    try:
        attach(web3, book)
    except DeploymentNotFoundError as missing:
        print(f"deploying the suite on this chain first, as scripts/deploy.py does ({missing})")
        deploy(book)
