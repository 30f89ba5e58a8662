"""`hygeia store add|cat|pin|unpin`: the content store directly (embedded or an IPFS node)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from hygeia.cli.commands import add_command
from hygeia.cli.context import Context
from hygeia.cli.options import add_json_option, add_store_options
from hygeia.core.store.base import ContentStore

Handler = Callable[[Context], int]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(sub, "store")
    actions = parser.add_subparsers(dest="action", required=True)

    def action(name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
        p = actions.add_parser(name, help=help_text)
        add_store_options(p)
        add_json_option(p)
        p.set_defaults(handler=handler)
        return p

    p = action("add", "store a file (or - for stdin) and print its CID", _add)
    p.add_argument("file", metavar="FILE", help="the file to store, or - for stdin")
    p.add_argument("--no-pin", action="store_true", help="do not pin (may be garbage-collected)")
    p = action("cat", "print the content of a CID (checked against the CID)", _cat)
    _cid(p)
    p.add_argument(
        "--out", metavar="FILE", type=Path, default=None, help="write to this file, not stdout"
    )
    _cid(action("pin", "keep a CID from garbage collection", _pin))
    _cid(action("unpin", "let a CID be garbage-collected", _unpin))


def _cid(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "cid",
        metavar="CID",
        help="content id, as `store add` prints it (e.g. bafkrei... or Qm...)",
    )


def _with_store(ctx: Context, work: Callable[[ContentStore], int]) -> int:
    store = ctx.store()
    try:
        return work(store)
    finally:
        store.close()


def _add(ctx: Context) -> int:
    data = sys.stdin.buffer.read() if ctx.args.file == "-" else Path(ctx.args.file).read_bytes()

    def work(store: ContentStore) -> int:
        cid = store.add(data, pin=not ctx.args.no_pin)
        ctx.out.result(
            {"cid": cid, "size": len(data), "pinned": not ctx.args.no_pin},
            human=f"added {cid} ({len(data):,} bytes)",
        )
        return 0

    return _with_store(ctx, work)


def _cat(ctx: Context) -> int:
    def work(store: ContentStore) -> int:
        data = store.cat(ctx.args.cid)
        if ctx.args.out is not None:
            ctx.args.out.write_bytes(data)
            ctx.out.result(
                {"cid": ctx.args.cid, "size": len(data), "out": str(ctx.args.out)},
                human=f"wrote {len(data):,} bytes to {ctx.args.out}",
            )
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        return 0

    return _with_store(ctx, work)


def _pin(ctx: Context) -> int:
    def work(store: ContentStore) -> int:
        store.pin(ctx.args.cid)
        ctx.out.result({"cid": ctx.args.cid, "pinned": True}, human=f"pinned {ctx.args.cid}")
        return 0

    return _with_store(ctx, work)


def _unpin(ctx: Context) -> int:
    def work(store: ContentStore) -> int:
        store.unpin(ctx.args.cid)
        ctx.out.result({"cid": ctx.args.cid, "pinned": False}, human=f"unpinned {ctx.args.cid}")
        return 0

    return _with_store(ctx, work)
