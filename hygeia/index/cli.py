"""`hygeia index [--once] [--index URL] [--confirmations N]`: follow the deployment's events into
the index database (progress on stderr; `--json` prints the result as one document)."""

from __future__ import annotations

import argparse
import os
import time

from hygeia.cli import values
from hygeia.cli.commands import add_command
from hygeia.cli.context import Context
from hygeia.cli.errors import OK
from hygeia.cli.options import add_connection_options, add_json_option
from hygeia.core.chain.connection import LOCAL_CHAIN_IDS
from hygeia.core.deployments import AddressBook
from hygeia.index.follower import DEFAULT_MAX_RANGE, Indexer, Progress
from hygeia.index.store import IndexStore, default_url

#: Confirmations on a chain that is not a local dev chain, unless --confirmations says otherwise.
REMOTE_CONFIRMATIONS = 12
_REPORT_EVERY = 1.0  # seconds between progress lines


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(
        sub,
        "index",
        description="Follow the deployment's events into the index database: reorg-safe "
        "(blocks are final --confirmations deep; a changed block hash rolls the index back to "
        "the fork point) and resumable (progress is stored with the events). Example: "
        "hygeia index --once --index postgresql://hygeia@127.0.0.1:5432/hygeia",
    )
    p.add_argument(
        "--once", action="store_true", help="catch up to the head and exit (default: follow)"
    )
    p.add_argument(
        "--index",
        metavar="URL",
        default=os.environ.get("HYGEIA_INDEX"),
        help="database URL: sqlite:///path or postgresql://user@host:port/db (env "
        "HYGEIA_INDEX; default sqlite:///.hygeia/index/<chain id>.sqlite)",
    )
    p.add_argument(
        "--confirmations",
        metavar="N",
        type=values.non_negative,
        default=None,
        help="blocks below the head before a block is indexed, e.g. 12 (default 0 on a local "
        f"chain, {REMOTE_CONFIRMATIONS} elsewhere)",
    )
    p.add_argument(
        "--max-range",
        metavar="BLOCKS",
        type=values.positive,
        default=DEFAULT_MAX_RANGE,
        help="blocks per eth_getLogs at most; halved while the node refuses a range "
        "(default %(default)s)",
    )
    p.add_argument(
        "--poll",
        metavar="SECONDS",
        type=float,
        default=1.0,
        help="seconds between looks at the head when following (default %(default)s)",
    )
    add_connection_options(p)
    add_json_option(p)
    p.set_defaults(handler=_index)


def _index(ctx: Context) -> int:
    from hygeia.suite import attach

    args = ctx.args
    w3 = ctx.web3()
    deployment = attach(w3, AddressBook(args.deployments))
    url = args.index or default_url(deployment.chain_id)
    confirmations = args.confirmations
    if confirmations is None:
        confirmations = 0 if deployment.chain_id in LOCAL_CHAIN_IDS else REMOTE_CONFIRMATIONS
    store = IndexStore(url)
    try:
        indexer = Indexer(
            w3,
            deployment,
            store,
            confirmations=confirmations,
            max_range=args.max_range,
            rpc_url=ctx.rpc,
        )
        last_report = [0.0]

        def report(progress: Progress) -> None:
            now = time.monotonic()
            if args.json or now - last_report[0] < _REPORT_EVERY:
                return
            last_report[0] = now
            ctx.out.progress(_line(progress))

        indexer.prepare()
        ctx.out.progress(f"indexing chain {deployment.chain_id} into {store.shown_url()}")
        if args.once:
            progress = indexer.run_once(report=report)
        else:
            progress = indexer.follow(poll=args.poll, report=report)
        data = {"index": store.shown_url(), "confirmations": confirmations, **progress.as_json()}
        ctx.out.result(data, human=_line(progress))
    finally:
        store.close()
    return OK


def _line(p: Progress) -> str:
    data = p.as_json()
    return (
        f"block {data['cursor']} of {data['head']} (lag {data['lag']}): {data['blocks']:,} blocks "
        f"and {data['events']:,} events in {data['seconds']:.1f} s "
        f"({data['blocks_per_second']:,} blocks/s, {data['events_per_second']:,} events/s)"
        + (f", {data['reorgs']} reorg(s) rolled back" if data["reorgs"] else "")
    )
