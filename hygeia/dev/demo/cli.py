"""`hygeia demo`: deploy the suite on a local chain and narrate one realistic day."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hygeia.cli.commands import add_command
from hygeia.cli.context import Context
from hygeia.cli.options import add_common_options
from hygeia.core.store import KuboStore, LocalStore
from hygeia.core.store.base import ContentStore
from hygeia.dev.demo import claims_day, provenance_day, records_day
from hygeia.dev.demo.setup import prepare
from hygeia.dev.demo.story import Story
from hygeia.dev.nodes import gateway, local
from hygeia.gateway.cli import gateway_urls


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(sub, "demo")
    add_common_options(parser)
    parser.add_argument(
        "--store",
        choices=("ipfs", "local"),
        default="ipfs",
        help="records on the local IPFS node (ipfs, the default) or in the embedded store (local)",
    )
    parser.add_argument(
        "--state-dir",
        metavar="DIR",
        type=Path,
        default=Path(".hygeia/dev/demo"),
        help="the cast's key files, the embedded store and the files the demo writes "
        "(default %(default)s)",
    )
    parser.add_argument(
        "--serials",
        metavar="N",
        type=int,
        default=10_000,
        help="packs in the commissioned lot (default %(default)s)",
    )
    parser.add_argument(
        "--serve",
        action="store_true",
        help="then leave the gateway running over the demo's chain (`hygeia index` and "
        "`hygeia serve` in the background, beside the nodes; `hygeia node down` stops them) "
        "and print its URLs",
    )
    parser.add_argument(
        "--gateway-port",
        metavar="PORT",
        type=int,
        default=int(os.environ.get("HYGEIA_GATEWAY_PORT", gateway.DEFAULT_PORT)),
        help="the gateway's port with --serve (env HYGEIA_GATEWAY_PORT; default %(default)s)",
    )
    parser.set_defaults(handler=run_demo)


def run_demo(ctx: Context) -> int:
    out = ctx.out
    story = Story() if out.as_json else Story(show=_printer(ctx), bar=out.bar)
    url = ctx.rpc
    cast = prepare(url, ctx.args.deployments, ctx.args.state_dir, out.progress)
    for name, contract in cast.suite("admin").deployment.contracts.items():
        story.wrote(f"{name} contract", contract.address)
    store = _store(ctx)
    try:
        records_day.run(cast, store, story)
        provenance_day.run(cast, store, ctx.args.state_dir, story, serials=ctx.args.serials)
    finally:
        store.close()
    claims_day.run(cast, ctx.args.state_dir, story)
    summary = story.summary()
    summary["setup_gas"] = cast.setup_gas
    if ctx.args.serve:
        summary["gateway"] = _serve(ctx, url, cast.suite("admin").deployment.chain_id)
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


def _serve(ctx: Context, rpc: str, chain_id: int) -> dict[str, Any]:
    """Start the gateway and its indexer in the background (or find them), and say where."""
    from hygeia.index.store import default_url

    if ctx.args.store == "local":
        store = ["--store", f"local:{(ctx.args.state_dir / 'store').resolve()}"]
    else:
        store = ["--ipfs", local.ensure_ipfs(ctx.out.progress)]
    indexer, served = gateway.start(
        local.state_dir(),
        rpc=rpc,
        deployments=ctx.args.deployments.resolve(),
        index=default_url(chain_id),
        store=store,
        port=ctx.args.gateway_port,
        extra=["--state", str((ctx.args.state_dir / "gateway").resolve())],
    )
    base = served.url
    urls: dict[str, Any] = {
        **gateway_urls(base),
        "pid": served.pid,
        "log": served.log_file,
        "indexer_pid": indexer.pid,
    }
    if not ctx.out.as_json:
        ctx.out.table(
            "the gateway (running; `hygeia node down` stops it)",
            ["what", "where"],
            [[k, str(v)] for k, v in urls.items()],
        )
    return urls


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
