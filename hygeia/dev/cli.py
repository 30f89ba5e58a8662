"""Development commands: `hygeia node up|down|status` (the local chain and IPFS node, in the
background, state kept), `hygeia demo` (deploy the suite on a local chain and narrate one
realistic day) and `hygeia accounts` (the named dev accounts, with balances and suite roles)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hygeia.cli.context import Context, add_common_options, add_json_option
from hygeia.cli.errors import NO, OK
from hygeia.cli.output import Output
from hygeia.core.chain.signers import DEV_ACCOUNT_NAMES, dev_signer
from hygeia.core.deployments import AddressBook
from hygeia.core.errors import DeploymentNotFoundError
from hygeia.core.store import KuboStore, LocalStore
from hygeia.core.store.base import ContentStore
from hygeia.dev.demo import claims_day, provenance_day, records_day
from hygeia.dev.demo.setup import prepare
from hygeia.dev.demo.story import Story
from hygeia.dev.nodes import anvil, gateway, ipfs, local
from hygeia.dev.nodes.process import NodeProcess
from hygeia.gateway.cli import gateway_urls
from hygeia.participants.client import ParticipantRegistryClient
from hygeia.suite import attach


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    register_node(sub)
    register_demo(sub)
    register_accounts(sub)


def register_node(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("node", help="start, stop or inspect the local nodes")
    actions = parser.add_subparsers(dest="action", required=True)
    for name, help_text in (
        ("up", "start the local Anvil chain and IPFS node (no-op for what runs)"),
        ("down", "stop them (and the demo's gateway), saving their state"),
        ("status", "show what runs (exit 3 when a node is not running)"),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument(
            "--state-dir",
            metavar="DIR",
            type=Path,
            default=local.state_dir(),
            help="pid, log, chain-state and IPFS repo files (default %(default)s)",
        )
        action.add_argument(
            "--port",
            metavar="PORT",
            type=int,
            default=local.chain_port(),
            help="Anvil port (env HYGEIA_NODE_PORT; default %(default)s)",
        )
        action.add_argument(
            "--ipfs-port",
            metavar="PORT",
            type=int,
            default=local.ipfs_port(),
            help="IPFS RPC API port (env HYGEIA_IPFS_PORT; default %(default)s)",
        )
        action.add_argument(
            "--no-ipfs", action="store_true", help="only the chain (records use --store local)"
        )
        add_json_option(action)
        action.set_defaults(handler=_HANDLERS[name])


def _describe(node: NodeProcess | None, **extra: Any) -> dict[str, Any]:
    if node is None:
        return {"running": False, **extra}
    return {"running": True, "url": node.url, "pid": node.pid, "log": node.log_file, **extra}


def _up(args: argparse.Namespace, out: Output) -> int:
    chain = anvil.running(args.state_dir)
    chain_started = chain is None
    if chain is None:
        out.progress(f"starting anvil on 127.0.0.1:{args.port} (state in {args.state_dir})")
        chain = anvil.start(args.state_dir, port=args.port)
    data = {"anvil": _describe(chain, started=chain_started)}
    lines = [f"anvil {_verb(chain_started)} at {chain.url} (pid {chain.pid}, log {chain.log_file})"]
    if not args.no_ipfs:
        node = ipfs.running(args.state_dir)
        node_started = node is None
        if node is None:
            out.progress(f"starting IPFS on 127.0.0.1:{args.ipfs_port} (repo in {args.state_dir})")
            node = ipfs.start(args.state_dir, port=args.ipfs_port)
        data["ipfs"] = _describe(node, started=node_started)
        lines.append(
            f"ipfs  {_verb(node_started)} at {node.url} (pid {node.pid}, log {node.log_file}); "
            f"records use it with --ipfs {node.url}"
        )
    out.result(data, human="\n".join(lines))
    return 0


def _down(args: argparse.Namespace, out: Output) -> int:
    # The gateway and its indexer first: they read the chain.
    stopped = {
        "gateway": gateway.stop(args.state_dir),
        "anvil": anvil.stop(args.state_dir),
        "ipfs": ipfs.stop(args.state_dir),
    }
    human = [
        f"{name} {'stopped, state saved' if done else 'was not running'}"
        for name, done in stopped.items()
    ]
    out.result({"stopped": stopped}, human="\n".join(human))
    return 0


def _status(args: argparse.Namespace, out: Output) -> int:
    """What runs; exit 3 (the answer is no) when the chain, or the IPFS node (unless --no-ipfs),
    is not running, like an init script's `status`."""
    nodes = {"anvil": anvil.running(args.state_dir), "ipfs": ipfs.running(args.state_dir)}
    human = [
        f"{name} running at {node.url} (pid {node.pid})" if node else f"{name} not running"
        for name, node in nodes.items()
    ]
    out.result({name: _describe(node) for name, node in nodes.items()}, human="\n".join(human))
    wanted = ["anvil"] if args.no_ipfs else list(nodes)
    return OK if all(nodes[name] for name in wanted) else NO


def _verb(started: bool) -> str:
    return "started" if started else "already running"


_HANDLERS = {"up": _up, "down": _down, "status": _status}


def register_demo(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("demo", help="deploy the suite and narrate one day (local chain)")
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


def register_accounts(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("accounts", help="list the named dev accounts of a local chain")
    add_common_options(parser)
    parser.set_defaults(handler=run_accounts)


def run_accounts(ctx: Context) -> int:
    w3 = ctx.web3()
    registry = None
    try:
        deployment = attach(w3, AddressBook(ctx.args.deployments))
        registry = ParticipantRegistryClient(w3, deployment.address_of("ParticipantRegistry"))
    except DeploymentNotFoundError:
        ctx.out.progress("no suite deployed on this chain: roles are not shown")
    rows = []
    for index, name in enumerate(DEV_ACCOUNT_NAMES[: len(w3.eth.accounts)]):
        address = dev_signer(w3, index).address
        roles = [r.name.lower() for r in registry.roles_of(address)] if registry else []
        rows.append(
            {
                "name": name,
                "address": address,
                "balance_eth": float(w3.from_wei(w3.eth.get_balance(address), "ether")),  # type: ignore[arg-type]
                "roles": roles,
            }
        )
    ctx.out.table(
        "dev accounts",
        ["name", "address", "ETH", "roles"],
        [[r["name"], r["address"], f"{r['balance_eth']:,.2f}", r["roles"]] for r in rows],
    )
    ctx.out.result({"accounts": rows}, human="")
    return 0
