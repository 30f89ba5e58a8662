"""`hygeia demo`: deploy the suite on a local chain and narrate one realistic day.

Attaches to the local nodes `hygeia node up` runs, and starts them when there are none (or runs
on `--rpc URL`). Records go to that IPFS node, or with `--store local` to the embedded store.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hygeia.cli.context import Context, add_common_options
from hygeia.demo import claims_day, drug_day, records_day
from hygeia.demo.setup import prepare
from hygeia.demo.story import Story
from hygeia.nodes import local
from hygeia.store import KuboStore, LocalStore
from hygeia.store.base import ContentStore


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("demo", help="deploy the suite and narrate one day (local chain)")
    add_common_options(parser)
    parser.add_argument(
        "--store",
        choices=("ipfs", "local"),
        default="ipfs",
        help="records on the local IPFS node (default) or in the embedded store",
    )
    parser.add_argument(
        "--state-dir", type=Path, default=Path(".hygeia/demo"), help="demo keys and store"
    )
    parser.add_argument(
        "--serials", type=int, default=10_000, help="packs in the commissioned lot (%(default)s)"
    )
    parser.set_defaults(handler=run)


def run(ctx: Context) -> int:
    out = ctx.out
    story = Story() if out.as_json else Story(show=_printer(ctx), bar=out.bar)
    url = ctx.rpc
    cast = prepare(url, ctx.args.deployments, ctx.args.state_dir, out.progress)
    for name, contract in cast.suite("admin").deployment.contracts.items():
        story.wrote(f"{name} contract", contract.address)
    store = _store(ctx)
    try:
        records_day.run(cast, store, story)
        drug_day.run(cast, store, ctx.args.state_dir, story, serials=ctx.args.serials)
    finally:
        store.close()
    claims_day.run(cast, ctx.args.state_dir, story)
    summary = story.summary()
    summary["setup_gas"] = cast.setup_gas
    if out.as_json:
        out.result(summary)
        return 0
    out.table(
        "gas per operation",
        ["operation", "calls", "average gas"],
        [[op, g["calls"], f"{g['average']:,}"] for op, g in summary["gas"].items()],
    )
    out.table("written", ["what", "where"], [[w["what"], w["where"]] for w in story.written])
    return 0


def _store(ctx: Context) -> ContentStore:
    if ctx.args.store == "local":
        return LocalStore(ctx.args.state_dir / "store")
    return KuboStore(local.ensure_ipfs(ctx.out.progress))


def _printer(ctx: Context) -> Callable[[str, Any], None]:
    console = ctx.out.console

    def show(kind: str, payload: Any) -> None:
        if kind == "chapter":
            console.rule(f"[bold]{payload}")
        elif kind == "say":
            console.print(f"  {payload}")
        elif kind == "table":
            ctx.out.table(payload["title"], payload["columns"], payload["rows"])

    return show
