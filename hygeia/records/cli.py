"""`hygeia records put|get|amend|history|list|erase` (encrypted FHIR records under consent) and
`hygeia keys new|show` (X25519 record-encryption keys in password-protected PEM files)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from hygeia.cli.context import (
    Context,
    add_common_options,
    add_key_option,
    add_store_options,
    resolve_address,
    secret,
)
from hygeia.cli.output import write_private_file
from hygeia.core.contract_types import Purpose
from hygeia.core.errors import InvalidInputError
from hygeia.core.values import bytes32
from hygeia.records.keys import generate_private_key, public_key_bytes, save_private_key
from hygeia.records.manifests import cid_text
from hygeia.records.vault import RecordVault

Handler = Callable[[Context], int]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    register_keys(sub)
    register_records(sub)


def register_records(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("records", help="store, read, amend and erase encrypted FHIR records")
    actions = parser.add_subparsers(dest="action", required=True)

    def action(name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
        p = actions.add_parser(name, help=help_text)
        add_common_options(p)
        add_store_options(p)
        add_key_option(p)
        p.set_defaults(handler=handler)
        return p

    p = action("put", "validate, encrypt, store and anchor a new FHIR record", _put)
    p.add_argument("file", type=Path, help="FHIR R4 JSON resource")
    p.add_argument("--patient", default=None, help="whose record (default: the signer)")
    p.add_argument("--class", dest="data_class", default=None, help="data class (default: type)")

    p = action("get", "read and decrypt a record (logged on-chain for a provider)", _get)
    p.add_argument("record_id")
    p.add_argument("--version", type=int, default=None, help="default: the latest")
    p.add_argument("--purpose", default="TREAT", help="purpose of use (default %(default)s)")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="write the decrypted FHIR JSON to this file (created readable by you only, 0600)",
    )

    p = action("amend", "add a version to a record", _amend)
    p.add_argument("record_id")
    p.add_argument("file", type=Path)

    action("history", "every version of a record", _history).add_argument("record_id")
    p = action("list", "a patient's records (latest versions)", _list)
    p.add_argument("--patient", default=None, help="default: the signer")
    action(
        "erase", "crypto-shred a record: erase on-chain, unpin all its keys", _erase
    ).add_argument("record_id")


def _vault(ctx: Context, *, key_required: bool) -> RecordVault:
    return RecordVault(
        ctx.suite(default_account="patient"), ctx.store(), ctx.record_key(required=key_required)
    )


def _patient(ctx: Context, vault: RecordVault) -> str:
    who = ctx.args.patient
    return vault.me if who is None else resolve_address(vault.suite, who)


def _put(ctx: Context) -> int:
    vault = _vault(ctx, key_required=False)
    stored = vault.put(
        _patient(ctx, vault), ctx.args.file.read_bytes(), data_class=ctx.args.data_class
    )
    ctx.out.result(
        stored.as_json(),
        human=f"stored record 0x{stored.record_id.hex()} v1 ({stored.data_class}) as "
        f"{stored.cid}\n  readers besides the patient: {', '.join(stored.readers) or '-'}\n"
        f"  tx {stored.tx_hash}, {stored.gas_used:,} gas",
    )
    return 0


def _get(ctx: Context) -> int:
    vault = _vault(ctx, key_required=True)
    opened = vault.get(
        bytes32(ctx.args.record_id, "record id"),
        version=ctx.args.version,
        purpose=Purpose.parse([ctx.args.purpose]),
    )
    text = json.dumps(opened.record.resource, indent=2)
    meta = {
        "record_id": "0x" + opened.record_id.hex(),
        "version": opened.version,
        "patient": opened.patient,
        "resource_type": opened.record.resource_type,
        "cid": opened.cid,
        "access_logged_in": opened.access_logged_in,
    }
    if ctx.args.out is not None:
        try:
            write_private_file(ctx.args.out, (text + "\n").encode())
        except OSError as exc:
            raise InvalidInputError(f"cannot write {ctx.args.out}: {exc.strerror}") from None
        ctx.out.result({**meta, "out": str(ctx.args.out)}, human=f"wrote {ctx.args.out}")
    else:
        ctx.out.result({**meta, "resource": opened.record.resource}, human=text)
    if opened.access_logged_in and not ctx.args.json:
        ctx.out.progress(f"access logged on-chain in tx {opened.access_logged_in}")
    return 0


def _amend(ctx: Context) -> int:
    vault = _vault(ctx, key_required=False)
    stored = vault.amend(bytes32(ctx.args.record_id, "record id"), ctx.args.file.read_bytes())
    ctx.out.result(
        stored.as_json(),
        human=f"record 0x{stored.record_id.hex()} is now at v{stored.version} ({stored.cid})",
    )
    return 0


def _history(ctx: Context) -> int:
    vault = _vault(ctx, key_required=False)
    record_id = bytes32(ctx.args.record_id, "record id")
    state, versions = vault.history(record_id)
    rows = [
        {
            "version": v.version,
            "previous": v.previous_version,
            "anchored_by": v.anchored_by,
            "block": v.block_number,
            "cid": cid_text(v.cid),
            "ciphertext_digest": "0x" + v.ciphertext_digest.hex(),
        }
        for v in versions
    ]
    ctx.out.result(
        {
            "record_id": ctx.args.record_id,
            "patient": state.patient,
            "erased": state.erased,
            "versions": rows,
        },
        human=f"record {ctx.args.record_id} of {state.patient}"
        + (" [ERASED]" if state.erased else ""),
    )
    ctx.out.table(None, list(rows[0]) if rows else [], [list(r.values()) for r in rows])
    return 0


def _list(ctx: Context) -> int:
    vault = _vault(ctx, key_required=False)
    patient = _patient(ctx, vault)
    rows = []
    for anchor in vault.records_of(patient):
        state = vault.consent.record_of(anchor.record_id)
        rows.append(
            {
                "record_id": "0x" + anchor.record_id.hex(),
                "latest_version": anchor.version,
                "data_class": "0x" + anchor.data_class.hex(),
                "erased": state.erased,
                "cid": cid_text(anchor.cid),
            }
        )
    ctx.out.result({"patient": patient, "records": rows}, human=f"records of {patient}")
    ctx.out.table(
        None,
        ["record id", "version", "erased", "cid"],
        [[r["record_id"], r["latest_version"], r["erased"], r["cid"]] for r in rows],
    )
    return 0


def _erase(ctx: Context) -> int:
    vault = _vault(ctx, key_required=False)
    report = vault.erase(bytes32(ctx.args.record_id, "record id"))
    ctx.out.result(
        {
            "record_id": "0x" + report.record_id.hex(),
            "tx": report.tx_hash,
            "unpinned": list(report.unpinned),
        },
        human=f"erased record 0x{report.record_id.hex()} (tx {report.tx_hash}); unpinned "
        f"{len(report.unpinned)} objects. Copies on other IPFS nodes and data already read "
        "cannot be recalled; without the keys they are unreadable.",
    )
    return 0


def register_keys(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("keys", help="record-encryption keys (X25519)")
    actions = parser.add_subparsers(dest="action", required=True)
    p = actions.add_parser("new", help="create a key file and print the public key to publish")
    p.add_argument("--out", type=Path, required=True, help="PEM file to write (must not exist)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_new_key)
    p = actions.add_parser("show", help="print the public key of a key file")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_show_key)


def _new_key(ctx: Context) -> int:
    path: Path = ctx.args.out
    if path.exists():
        raise InvalidInputError(f"{path} exists; a key file is never overwritten")
    key = generate_private_key()
    save_private_key(key, path, secret("HYGEIA_KEY_PASSWORD", f"new password for {path}: "))
    public = "0x" + public_key_bytes(key).hex()
    ctx.out.result(
        {"file": str(path), "public_key": public},
        human=f"wrote {path}\npublic key {public}\npublish it: hygeia participants set-key {public}"
        " (or register_keys --encryption-key)",
    )
    return 0


def _show_key(ctx: Context) -> int:
    key = ctx.record_key_from(ctx.args.file)
    public = "0x" + public_key_bytes(key).hex()
    ctx.out.result({"file": str(ctx.args.file), "public_key": public}, human=public)
    return 0
