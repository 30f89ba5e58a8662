"""`hygeia keys new|show`: X25519 record-encryption keys, kept in password-protected PEM files."""

from __future__ import annotations

import argparse
from pathlib import Path

from hygeia.cli.context import Context, secret
from hygeia.errors import InvalidInputError
from hygeia.records.keys import generate_private_key, public_key_bytes, save_private_key


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("keys", help="record-encryption keys (X25519)")
    actions = parser.add_subparsers(dest="action", required=True)
    p = actions.add_parser("new", help="create a key file and print the public key to publish")
    p.add_argument("--out", type=Path, required=True, help="PEM file to write (must not exist)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_new)
    p = actions.add_parser("show", help="print the public key of a key file")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_show)


def _new(ctx: Context) -> int:
    path: Path = ctx.args.out
    if path.exists():
        raise InvalidInputError(f"{path} exists; a key file is never overwritten")
    key = generate_private_key()
    save_private_key(key, path, secret("HYGEIA_KEY_PASSWORD", f"new password for {path}: "))
    public = "0x" + public_key_bytes(key).hex()
    ctx.out.result(
        {"file": str(path), "public_key": public},
        human=f"wrote {path}\npublic key {public}\npublish it: hygeia participants set-key {public}"
        " (or register --encryption-key)",
    )
    return 0


def _show(ctx: Context) -> int:
    key = ctx.record_key_from(ctx.args.file)
    public = "0x" + public_key_bytes(key).hex()
    ctx.out.result({"file": str(ctx.args.file), "public_key": public}, human=public)
    return 0
