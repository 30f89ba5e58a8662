"""`hygeia records put|get|amend|history|list|erase` (encrypted FHIR records under consent) and
`hygeia keys new|show` (X25519 record-encryption keys in password-protected PEM files)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from hygeia.cli import values
from hygeia.cli.commands import add_command
from hygeia.cli.context import Context, resolve_address, secret
from hygeia.cli.options import (
    add_common_options,
    add_json_option,
    add_key_option,
    add_store_options,
)
from hygeia.core.contract_types import Purpose
from hygeia.core.errors import InvalidInputError
from hygeia.core.files import write_owner_only
from hygeia.records.keys import generate_private_key, public_key_bytes, save_private_key
from hygeia.records.manifests import cid_text
from hygeia.records.vault import RecordVault

Handler = Callable[[Context], int]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    register_keys(sub)
    register_records(sub)


def register_records(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(sub, "records")
    actions = parser.add_subparsers(dest="action", required=True)

    def action(name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
        p = actions.add_parser(name, help=help_text)
        add_common_options(p)
        add_store_options(p)
        add_key_option(p)
        p.set_defaults(handler=handler)
        return p

    p = action("put", "validate, encrypt, store and anchor a new FHIR record", _put)
    p.add_argument(
        "file", metavar="FILE", type=Path, help="a FHIR R4 resource as JSON, e.g. glucose.json"
    )
    _patient_option(p, "whose record: address or dev name (default: the signer)")
    _class_option(p)

    p = action("get", "read and decrypt a record (logged on-chain for a provider)", _get)
    _record_id(p)
    p.add_argument(
        "--version", metavar="N", type=int, default=None, help="version number (default: latest)"
    )
    p.add_argument(
        "--purpose",
        type=values.purpose,
        default="TREAT",
        help="purpose of use, logged with the read: TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH or "
        "PUBHLTH (default %(default)s)",
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        default=None,
        help="write the decrypted FHIR JSON to this file (created readable by you only, 0600)",
    )

    p = action(
        "amend",
        "add a version to a record (it keeps its classes and gains those of the new content)",
        _amend,
    )
    _record_id(p)
    p.add_argument(
        "file", metavar="FILE", type=Path, help="the new version: a FHIR R4 resource as JSON"
    )
    _class_option(p)
    p.add_argument(
        "--drop-class",
        dest="drop_classes",
        metavar="CLASS",
        action="append",
        default=[],
        help="a class the record leaves, e.g. laboratory after a miscategorised result was "
        "corrected (repeat); without it a record keeps every class it had",
    )

    _record_id(action("history", "every version of a record", _history))
    p = action("list", "a patient's records (latest versions)", _list)
    _patient_option(p, "whose records: address or dev name (default: the signer)")
    _record_id(action("erase", "crypto-shred a record: erase on-chain, unpin all its keys", _erase))


def _record_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "record_id",
        metavar="RECORD_ID",
        type=values.hex32("record id"),
        help="0x + 64 hex digits, as `records put` or `records list` prints it",
    )


def _class_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--class",
        dest="data_classes",
        metavar="CLASS",
        action="append",
        default=[],
        help="one more data class consents name it by, e.g. research-cohort-7 (repeatable); "
        "the record is always filed under its resource type and categories, e.g. Observation "
        "and laboratory",
    )


def _classes_text(names: tuple[str, ...]) -> str:
    return ", ".join(names)


def _patient_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--patient", metavar="WHO", default=None, help=help_text)


def _vault(ctx: Context, *, key_required: bool) -> RecordVault:
    return RecordVault(
        ctx.suite(default_account="patient"), ctx.store(), ctx.record_key(required=key_required)
    )


def _patient(ctx: Context, vault: RecordVault) -> str:
    who = ctx.args.patient
    return vault.me if who is None else resolve_address(vault.suite, who)


def _put(ctx: Context) -> int:
    resource = ctx.args.file.read_bytes()  # a wrong path fails before any node is started
    vault = _vault(ctx, key_required=False)
    stored = vault.put(_patient(ctx, vault), resource, extra_classes=ctx.args.data_classes)
    ctx.out.result(
        stored.as_json(),
        human=f"stored record 0x{stored.record_id.hex()} v1 as {stored.cid}\n"
        f"  filed under data classes {_classes_text(stored.data_classes)}: consents name them "
        f"with --class (a grant to any covers it, a deny on any wins)\n"
        f"  readers besides the patient: {', '.join(stored.readers) or '-'}\n"
        f"  tx {stored.tx_hash}, {stored.gas_used:,} gas",
    )
    return 0


def _get(ctx: Context) -> int:
    vault = _vault(ctx, key_required=True)
    opened = vault.get(
        ctx.args.record_id,
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
            write_owner_only(ctx.args.out, (text + "\n").encode())
        except OSError as exc:
            raise InvalidInputError(f"cannot write {ctx.args.out}: {exc.strerror}") from None
        ctx.out.result({**meta, "out": str(ctx.args.out)}, human=f"wrote {ctx.args.out}")
    else:
        ctx.out.result({**meta, "resource": opened.record.resource}, human=text)
    if opened.access_logged_in and not ctx.args.json:
        ctx.out.progress(f"access logged on-chain in tx {opened.access_logged_in}")
    return 0


def _amend(ctx: Context) -> int:
    resource = ctx.args.file.read_bytes()
    vault = _vault(ctx, key_required=False)
    stored = vault.amend(
        ctx.args.record_id,
        resource,
        extra_classes=ctx.args.data_classes,
        drop_classes=ctx.args.drop_classes,
    )
    ctx.out.result(
        stored.as_json(),
        human=f"record 0x{stored.record_id.hex()} is now at v{stored.version} ({stored.cid}), "
        f"filed under data classes {_classes_text(stored.data_classes)}",
    )
    return 0


def _history(ctx: Context) -> int:
    vault = _vault(ctx, key_required=False)
    record_id: bytes = ctx.args.record_id
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
            "record_id": "0x" + record_id.hex(),
            "patient": state.patient,
            "erased": state.erased,
            "versions": rows,
        },
        human=f"record 0x{record_id.hex()} of {state.patient}"
        + (" [ERASED]" if state.erased else ""),
    )
    ctx.out.table(None, list(rows[0]) if rows else [], [list(r.values()) for r in rows])
    return 0


def _list(ctx: Context) -> int:
    vault = _vault(ctx, key_required=False)
    patient = _patient(ctx, vault)
    rows, table = [], []
    for anchor in vault.records_of(patient):
        state = vault.consent.record_of(anchor.record_id)
        classes = ["0x" + c.hex() for c in anchor.data_classes]
        row = {
            "record_id": "0x" + anchor.record_id.hex(),
            "latest_version": anchor.version,
            "data_class_ids": classes,
            "erased": state.erased,
            "cid": cid_text(anchor.cid),
        }
        rows.append(row)
        table.append(
            [row["record_id"], anchor.version, " ".join(classes), state.erased, row["cid"]]
        )
    ctx.out.result({"patient": patient, "records": rows}, human=f"records of {patient}")
    ctx.out.table(None, ["record id", "version", "data class ids", "erased", "cid"], table)
    return 0


def _erase(ctx: Context) -> int:
    vault = _vault(ctx, key_required=False)
    report = vault.erase(ctx.args.record_id)
    ctx.out.result(
        {
            "record_id": "0x" + report.record_id.hex(),
            "tx": report.tx_hash,
            "unpinned": list(report.unpinned),
            "kept": list(report.kept),
        },
        human=f"erased record 0x{report.record_id.hex()} "
        + (f"(tx {report.tx_hash})" if report.tx_hash else "(erased on chain already)")
        + f"; unpinned {len(report.unpinned)} objects. Copies on other IPFS nodes and data "
        "already read cannot be recalled; without the keys they are unreadable."
        + (
            f" Kept {len(report.kept)} object(s) the record names but that are not shown to be "
            "its own (another record's, or an envelope your key does not open)."
            if report.kept
            else ""
        ),
    )
    return 0


def register_keys(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(sub, "keys")
    actions = parser.add_subparsers(dest="action", required=True)
    p = actions.add_parser("new", help="create a key file and print the public key to publish")
    p.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        required=True,
        help="PEM file to write, e.g. me.pem (must not exist; password from env "
        "HYGEIA_KEY_PASSWORD or a prompt)",
    )
    add_json_option(p)
    p.set_defaults(handler=_new_key)
    p = actions.add_parser("show", help="print the public key of a key file")
    p.add_argument("file", metavar="FILE", type=Path, help="a PEM key file from `hygeia keys new`")
    add_json_option(p)
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
        f"\n  (a new patient: hygeia participants register --encryption-key {public})",
    )
    return 0


def _show_key(ctx: Context) -> int:
    key = ctx.record_key_from(ctx.args.file)
    public = "0x" + public_key_bytes(key).hex()
    ctx.out.result({"file": str(ctx.args.file), "public_key": public}, human=public)
    return 0
