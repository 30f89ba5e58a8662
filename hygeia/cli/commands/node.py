"""`hygeia node up|down|status`: the local chain, run in the background with its state kept."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from hygeia.cli.output import Output
from hygeia.nodes import anvil
from hygeia.nodes.process import NodeProcess


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("node", help="start, stop or inspect the local nodes")
    actions = parser.add_subparsers(dest="action", required=True)
    for name, help_text in (
        ("up", "start the local Anvil chain (no-op when running)"),
        ("down", "stop it, saving its state"),
        ("status", "show what runs"),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument(
            "--state-dir",
            type=Path,
            default=Path(os.environ.get("HYGEIA_STATE_DIR", ".hygeia/nodes")),
            help="pid, log and chain-state files (default %(default)s)",
        )
        action.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("HYGEIA_NODE_PORT", "8545")),
            help="Anvil port (env HYGEIA_NODE_PORT; default %(default)s)",
        )
        action.add_argument("--json", action="store_true", help="machine-readable output")
        action.set_defaults(handler=_HANDLERS[name])


def _describe(node: NodeProcess | None) -> dict[str, object]:
    if node is None:
        return {"anvil": {"running": False}}
    return {"anvil": {"running": True, "rpc_url": node.url, "pid": node.pid, "log": node.log_file}}


def _up(args: argparse.Namespace, out: Output) -> int:
    node = anvil.running(args.state_dir)
    started = node is None
    if node is None:
        out.progress(f"starting anvil on 127.0.0.1:{args.port} (state in {args.state_dir})")
        node = anvil.start(args.state_dir, port=args.port)
    verb = "started" if started else "already running"
    out.result(
        {**_describe(node), "started": started},
        human=f"anvil {verb} at {node.url} (pid {node.pid}, log {node.log_file})",
    )
    return 0


def _down(args: argparse.Namespace, out: Output) -> int:
    stopped = anvil.stop(args.state_dir)
    out.result(
        {"stopped": stopped},
        human="anvil stopped, state saved" if stopped else "anvil was not running",
    )
    return 0


def _status(args: argparse.Namespace, out: Output) -> int:
    node = anvil.running(args.state_dir)
    human = f"anvil running at {node.url} (pid {node.pid})" if node else "anvil not running"
    out.result(_describe(node), human=human)
    return 0


_HANDLERS = {"up": _up, "down": _down, "status": _status}
