"""`hygeia node up|down|status`: the local chain and IPFS node in the background, their state
kept between runs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from hygeia.cli.commands import add_command
from hygeia.cli.errors import NO, OK
from hygeia.cli.options import add_json_option
from hygeia.cli.output import Output
from hygeia.dev.nodes import anvil, gateway, ipfs, local
from hygeia.dev.nodes.process import NodeProcess


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(sub, "node")
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
