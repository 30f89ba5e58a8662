"""`hygeia provenance prefix|gln|product|commission|ship|receive|void|dispense|verify|recall|
quarantine|report|bar|clear|sensor|trace`: DSCSA drug provenance (thin over hygeia.provenance).

Barcodes: verify, dispense, receive (and ship's --serials lines) take what a scanner reads from
the pack: a GS1 element string with FNC1/GS separators, the bracketed form
`(01)...(21)...(17)...(10)...`, or a GS1 Digital Link URI.

Who stops product: `quarantine` is for the product's manufacturer, a regulator, or a party that
holds or held units of the lot (the SDK finds its standing); any trading partner can `report`
suspect product, which alerts the manufacturer and regulators and stops nothing; a regulator can
`bar` a party that abuses quarantine; the manufacturer or a regulator `clear`s."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from hygeia.cli import values
from hygeia.cli.commands import add_command
from hygeia.cli.context import Context, resolve_address
from hygeia.cli.errors import NO, OK, UsageError
from hygeia.cli.options import add_common_options
from hygeia.core.chain.connection import block_time
from hygeia.core.contract_types import SuspectReason, VerificationStatus
from hygeia.core.errors import InvalidInputError
from hygeia.core.store import open_store
from hygeia.provenance import epcis, gs1
from hygeia.provenance.index import SerialIndex, default_index_dir
from hygeia.provenance.trace import ChainEvent, LotCustody, UnitCustody
from hygeia.provenance.workflow import Anchored, ProvenanceFlow

Handler = Callable[[Context], int]
DEFAULT_STORE = "local"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(sub, "provenance")
    actions = parser.add_subparsers(dest="action", required=True)

    def action(name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
        p = actions.add_parser(name, help=help_text)
        add_common_options(p)
        p.add_argument(
            "--store",
            default=os.environ.get("HYGEIA_STORE", DEFAULT_STORE),
            help="content store for EPCIS documents: 'local', 'local:/path' or an IPFS API URL "
            "(env HYGEIA_STORE; default %(default)s)",
        )
        p.add_argument(
            "--site",
            metavar="GLN",
            type=_gln,
            default=os.environ.get("HYGEIA_SITE"),
            help="GLN of the site you act at (readPoint, bizLocation), bound with "
            "`gln --as-site`, e.g. 0614141000029; default your party GLN (env HYGEIA_SITE)",
        )
        p.set_defaults(handler=handler)
        return p

    p = action(
        "prefix", "record the GS1 company prefix licensed to a manufacturer (regulator)", _prefix
    )
    p.add_argument(
        "prefix", metavar="PREFIX", help="GS1 company prefix, 6 to 12 digits, e.g. 0614141"
    )
    whom = p.add_mutually_exclusive_group(required=True)
    whom.add_argument(
        "--to", metavar="WHO", help="the licensee: address or dev account name, e.g. manufacturer"
    )
    whom.add_argument("--revoke", action="store_true", help="revoke the prefix's licence")

    p = action(
        "gln",
        "bind a GLN to you, as your party GLN (PGLN) or one of your sites (SGLN); you must be "
        "the licensee of its GS1 company prefix (see prefix). "
        "Example: hygeia provenance gln 0614141000012 --prefix-length 7 --account manufacturer",
        _gln_command,
    )
    p.add_argument("gln", metavar="GLN", type=_gln, help="GLN-13, e.g. 0614141000012")
    p.add_argument(
        "--prefix-length",
        metavar="N",
        type=int,
        required=True,
        help="digits of your GS1 company prefix at the start of the GLN, e.g. 7 for 0614141",
    )
    p.add_argument(
        "--as-site",
        action="store_true",
        help="bind it as one of your sites (SGLN) instead of your party GLN",
    )

    p = action("product", "register a product by GTIN (manufacturer)", _product)
    _gtin_argument(p)
    p.add_argument(
        "--name",
        required=True,
        help='product name, e.g. "Amoxicillin 500 mg" (only its hash goes on-chain)',
    )
    p.add_argument(
        "--prefix-length",
        metavar="N",
        type=int,
        required=True,
        help="digits of the GS1 company prefix inside the GTIN, e.g. 7 for 0614141",
    )
    p.add_argument(
        "--min-temp",
        metavar="CELSIUS",
        type=float,
        required=True,
        help="lowest storage temperature in degrees Celsius, e.g. 2",
    )
    p.add_argument(
        "--max-temp",
        metavar="CELSIUS",
        type=float,
        required=True,
        help="highest storage temperature in degrees Celsius, e.g. 25",
    )
    p.add_argument("--strength", default=None, help='strength, e.g. "500 mg" (master data)')
    p.add_argument("--dosage-form", default=None, help='dosage form, e.g. "CAPSULE" (master data)')
    p.add_argument(
        "--ndc", default=None, help="NDC of the product, e.g. 0614-1410-00 (master data)"
    )

    p = action(
        "commission",
        "commission a lot from a serial list (manufacturer); serials already commissioned in "
        "an earlier lot of the GTIN, or listed twice, are refused",
        _commission,
    )
    _gtin_argument(p)
    _lot(p, required=True)
    _expiry_option(p, "expiry date as YYMMDD, e.g. 301231 (day 00: the end of the month)")
    p.add_argument(
        "--serials",
        metavar="FILE",
        type=Path,
        required=True,
        help="file of serial numbers, one a line (- for stdin), e.g. serials.txt",
    )

    p = action(
        "ship",
        "ship a holding, or some of its units, to a trading partner. Example: hygeia provenance "
        "ship 0xHOLDING --to distributor --po PO-4711 --desadv DA-88 --account manufacturer",
        _ship,
    )
    _holding(p, "the holding to ship from: 0x + 64 hex digits, as commission or receive prints it")
    p.add_argument(
        "--to", metavar="WHO", required=True, help="receiver: address or dev account name"
    )
    p.add_argument(
        "--serials",
        metavar="FILE",
        type=Path,
        default=None,
        help="file of the units to ship, one a line: serial numbers or scanned barcodes "
        "(default: the whole holding)",
    )
    p.add_argument("--no-sale", action="store_true", help="move without selling (ownership stays)")
    p.add_argument(
        "--po", metavar="ID", default=None, help="the buyer's purchase order, e.g. PO-4711"
    )
    p.add_argument("--desadv", metavar="ID", default=None, help="your despatch advice, e.g. DA-88")
    p.add_argument("--invoice", metavar="ID", default=None, help="your invoice, e.g. INV-2031")
    p.add_argument(
        "--sscc",
        metavar="SSCC",
        default=None,
        help="the case or pallet the units travel in, packed by you: an SSCC (GS1 AI 00) under "
        "your company prefix, e.g. 106141501234567895 or (00)106141501234567895",
    )

    p = action(
        "receive",
        "confirm receipt of a shipment (its receiver); the shipment's id becomes your holding's. "
        "Name it by id, or scan a unit it carries: hygeia provenance receive "
        "'(01)00614141000418(21)SN0001(17)301231(10)LOT-1' --account distributor",
        _receive,
    )
    p.add_argument(
        "shipment",
        metavar="SHIPMENT|BARCODE",
        help="shipment id (0x + 64 hex digits, as ship prints it), or the barcode of a unit in it",
    )

    p = action(
        "void",
        "void a shipment before its receipt (its sender); a void mined before the receipt "
        "makes the receipt fail, so the reason is on the record",
        _void,
    )
    _shipment(p)
    _reason(p, "truck never left")

    p = action(
        "dispense",
        "dispense a unit to a patient (dispenser); exit 3 when it is refused as suspect. "
        "Example: hygeia provenance dispense '(01)00614141000418(21)SN0001(17)301231(10)LOT-1' "
        "--account pharmacy (the holding is found), or dispense 0xHOLDING SN0001",
        _dispense,
    )
    p.add_argument(
        "unit",
        metavar="HOLDING|BARCODE",
        help="your holding that has the unit (0x + 64 hex digits, as receive prints it), "
        "or the unit's barcode",
    )
    p.add_argument(
        "serial",
        metavar="SERIAL",
        nargs="?",
        default=None,
        help="with a HOLDING: the serial number (GS1 AI 21), e.g. SN0001",
    )

    p = action(
        "verify",
        "DSCSA verification of a product identifier (exit 0 VALID, 3 any other status), with "
        "the GS1 Lightweight Messaging answer (verified, verificationFailureReason, "
        "additionalInfo). Examples: hygeia provenance verify "
        "'https://id.gs1.org/01/00614141000418/10/LOT-1/21/SN0001?exp=301231'; "
        "hygeia provenance verify 00614141000418 SN0001 --lot LOT-1 --expiry 301231 "
        "--at 2031-01-01",
        _verify,
    )
    p.add_argument(
        "identifier",
        metavar="GTIN",
        type=_gtin_or_barcode,
        help="GTIN-14, e.g. 00614141000418 (then SERIAL, --lot and --expiry), or the scanned "
        "barcode: an element string with FNC1/GS, (01)...(21)...(17)...(10)..., or a GS1 "
        "Digital Link URI",
    )
    p.add_argument(
        "serial", metavar="SERIAL", nargs="?", default=None, help="serial number (GS1 AI 21)"
    )
    _lot(p, required=False)
    p.add_argument(
        "--expiry",
        metavar="YYMMDD",
        type=_expiry,
        default=None,
        help="expiry date as printed on the package, YYMMDD, e.g. 301231",
    )
    p.add_argument(
        "--at",
        metavar="TIME",
        type=values.timestamp,
        default=None,
        help="answer as of this time (expiry, recall, quarantine as they stood), e.g. "
        "2031-01-01 or 2031-01-01T12:00:00Z (default now)",
    )
    _serial_index(p)

    p = action("recall", "recall a lot (manufacturer or regulator)", _recall)
    _gtin_argument(p)
    _lot(p, required=True)
    _reason(p, "sterility failure")

    p = action(
        "quarantine",
        "quarantine a suspect lot or unit: the product's manufacturer, a regulator, or a "
        "party that holds or held units of the lot (its standing is found on-chain)",
        _quarantine,
    )
    _gtin_argument(p)
    _target(p)
    _reason(p, "damaged seal")

    p = action(
        "report",
        "report a suspect lot or unit (any trading partner): alerts the manufacturer and "
        "regulators, stops nothing",
        _report,
    )
    _gtin_argument(p)
    _target(p)
    _reason(p, "label misprinted")

    p = action(
        "bar",
        "bar a party from quarantining and opening temperature excursions (regulator)",
        _bar,
    )
    # Not `account`: that is --account, the signer (a regulator).
    p.add_argument(
        "party", metavar="ACCOUNT", help="the party: address or dev account name, e.g. pharmacy"
    )
    p.add_argument("--lift", action="store_true", help="lift the bar instead")

    p = action(
        "clear",
        "clear a quarantine, confirm it illegitimate, or clear a temperature excursion "
        "(manufacturer or regulator)",
        _clear,
    )
    p.add_argument(
        "gtin",
        metavar="GTIN",
        type=_gtin,
        nargs="?",
        default=None,
        help="GTIN-14 of the quarantined product, e.g. 00614141000418 (not with --excursion)",
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--lot", default=None, help="the quarantined lot: lot number (GS1 AI 10), e.g. LOT-1"
    )
    which.add_argument(
        "--serial",
        default=None,
        help="the quarantined unit: serial number (GS1 AI 21), e.g. SN0001",
    )
    p.add_argument(
        "--illegitimate",
        action="store_true",
        help="confirm the lot or unit illegitimate instead of clearing it (needs --reason)",
    )
    p.add_argument(
        "--reason",
        default=None,
        help='with --illegitimate: why, in words, e.g. "counterfeit" (only its hash goes on-chain)',
    )
    p.add_argument(
        "--excursion",
        metavar="HOLDING",
        type=_id,
        default=None,
        help="clear the temperature excursion of this holding (0x + 64 hex digits) instead",
    )

    p = action("sensor", "anchor a batch of temperature readings of a holding", _sensor)
    _holding(p, "the holding the logger travelled with: 0x + 64 hex digits")
    p.add_argument(
        "--readings",
        metavar="FILE",
        type=Path,
        required=True,
        help="CSV of time,celsius, one reading a line, e.g. 2026-01-31T12:00:00Z,4.5 "
        "(time as ISO or unix seconds)",
    )
    p.add_argument(
        "--device",
        metavar="URI",
        required=True,
        help="the data logger's id as a URI, e.g. urn:epc:id:giai:4000001.1",
    )

    p = action("trace", "chain of custody of a lot or unit, as EPCIS 2.0 JSON-LD", _trace)
    _gtin_argument(p)
    _lot(p, required=True)
    p.add_argument(
        "--serial", default=None, help="trace this unit only: serial number, e.g. SN0001"
    )
    _serial_index(p)
    p.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        default=None,
        help="write the EPCIS 2.0 JSON-LD document here, e.g. trace.jsonld",
    )


def _serial_index(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--serial-index",
        metavar="DIR",
        type=Path,
        default=Path(os.environ.get("HYGEIA_PROVENANCE_INDEX") or default_index_dir()),
        help="folder of the serial index, where each lot's units and tree are kept once read: "
        "a serial's lot and a unit's proof are found without reading every lot "
        "(env HYGEIA_PROVENANCE_INDEX; default %(default)s)",
    )


# ------------------------------------------------------------------ argument types


def _gln(text: str) -> int:
    try:
        return gs1.parse_gln(text)
    except InvalidInputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _gtin_or_barcode(text: str) -> int | gs1.ProductIdentifier:
    try:
        return gs1.parse_barcode(text) if gs1.looks_like_barcode(text) else gs1.parse_gtin(text)
    except InvalidInputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _gtin(text: str) -> int:
    try:
        return gs1.parse_gtin(text)
    except InvalidInputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _expiry(text: str) -> date:
    try:
        return gs1.parse_expiry(text)
    except InvalidInputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _id(text: str) -> bytes:
    raw = text.removeprefix("0x")
    if len(raw) != 64:
        raise argparse.ArgumentTypeError(f"an id is 32 bytes of hex, got {text!r}")
    try:
        return bytes.fromhex(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not hex: {text!r}") from None


def _gtin_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "gtin",
        metavar="GTIN",
        type=_gtin,
        help="GTIN-14 of the product, e.g. 00614141000418 (check digit verified)",
    )


def _serial_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "serial", metavar="SERIAL", help="serial number (GS1 AI 21) on the package, e.g. SN0001"
    )


def _lot(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--lot", required=required, help="lot number (GS1 AI 10) as printed, e.g. LOT-1"
    )


def _expiry_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--expiry", metavar="YYMMDD", type=_expiry, required=True, help=help_text)


def _holding(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("holding", metavar="HOLDING", type=_id, help=help_text)


def _shipment(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "shipment",
        metavar="SHIPMENT",
        type=_id,
        help="shipment id: 0x + 64 hex digits, as ship prints it",
    )


def _reason(parser: argparse.ArgumentParser, example: str) -> None:
    parser.add_argument(
        "--reason",
        required=True,
        help=f'why, in words, e.g. "{example}" (only its hash goes on-chain)',
    )


def _target(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument(
        "--lot", default=None, help="the whole lot: lot number (GS1 AI 10), e.g. LOT-1"
    )
    group.add_argument(
        "--serial", default=None, help="one unit: serial number (GS1 AI 21), e.g. SN0001"
    )


# ------------------------------------------------------------------ helpers


def _flow(
    ctx: Context,
    default_account: str | None = None,
    *,
    read_only: bool = False,
    index: SerialIndex | None = None,
) -> ProvenanceFlow:
    suite = ctx.suite(default_account, read_only=read_only)
    site = ctx.args.site
    return ProvenanceFlow(
        suite.provenance,
        open_store(ctx.args.store),
        chain_id=int(suite.w3.eth.chain_id),
        clock=lambda: block_time(suite.w3),
        site=None if site is None else gs1.parse_gln(site),
        index=index,
    )


def _scanned(text: str) -> gs1.ProductIdentifier | None:
    """The product identifier of a scanned barcode, or None for a bare id or serial."""
    return gs1.parse_barcode(text) if gs1.looks_like_barcode(text) else None


def _read_lines(path: Path) -> list[str]:
    text = sys.stdin.read() if str(path) == "-" else path.read_text()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise InvalidInputError(f"no serials in {path}")
    return lines


def _done(ctx: Context, what: str, anchored: Anchored, extra: dict[str, Any] | None = None) -> int:
    data = {"action": what, **anchored.as_json(), **(extra or {})}
    human = f"{what}\n  epcis {anchored.epcis_hash}\n  cid   {anchored.cid}\n" + (
        f"  tx    {anchored.receipt.tx_hash} ({anchored.receipt.gas_used:,} gas)"
    )
    for key, value in (extra or {}).items():
        human += f"\n  {key}: {value}"
    ctx.out.result(data, human=human)
    return 0


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


# ------------------------------------------------------------------ handlers


def _prefix(ctx: Context) -> int:
    flow = _flow(ctx, "regulator")
    if ctx.args.revoke:
        receipt = flow.client.revoke_company_prefix(ctx.args.prefix)
        what = f"revoked company prefix {ctx.args.prefix}"
        ctx.out.transaction(what, receipt, {"prefix": ctx.args.prefix})
        return 0
    manufacturer = resolve_address(flow.client.w3, ctx.args.to)
    receipt = flow.client.license_company_prefix(ctx.args.prefix, manufacturer)
    ctx.out.transaction(
        f"licensed company prefix {ctx.args.prefix} to {manufacturer}",
        receipt,
        {"prefix": ctx.args.prefix, "manufacturer": manufacturer},
    )
    return 0


def _gln_command(ctx: Context) -> int:
    flow = _flow(ctx)
    a = ctx.args
    receipt = flow.register_gln(a.gln, a.prefix_length, party=not a.as_site)
    kind = "site (SGLN)" if a.as_site else "party GLN (PGLN)"
    ctx.out.transaction(
        f"bound GLN {gs1.gln13(a.gln)} to {flow.me} as its {kind}",
        receipt,
        {
            "gln": gs1.gln13(a.gln),
            "uri": (gs1.sgln_uri if a.as_site else gs1.pgln_uri)(a.gln, a.prefix_length),
            "party": flow.me,
        },
    )
    return 0


def _product(ctx: Context) -> int:
    flow = _flow(ctx, "manufacturer")
    a = ctx.args
    anchored = flow.register_product(
        a.gtin,
        a.prefix_length,
        a.name,
        a.min_temp,
        a.max_temp,
        strength=a.strength,
        dosage_form=a.dosage_form,
        ndc=a.ndc,
    )
    return _done(
        ctx, f"registered product {gs1.gtin14(a.gtin)}", anchored, {"gtin": gs1.gtin14(a.gtin)}
    )


def _commission(ctx: Context) -> int:
    flow = _flow(ctx, "manufacturer")
    serials = _read_lines(ctx.args.serials)
    with ctx.out.bar("Merkle tree", max(len(serials) - 1, 1)) as advance:
        anchored = flow.commission(
            ctx.args.gtin, ctx.args.lot, ctx.args.expiry, serials, progress=advance
        )
    return _done(
        ctx,
        f"commissioned lot {ctx.args.lot} of {len(serials):,} units",
        anchored,
        {"holding": _hex(anchored.id)},
    )


def _ship(ctx: Context) -> int:
    flow = _flow(ctx)
    a = ctx.args
    serials = (
        None if a.serials is None else flow.serials_of_scans(a.holding, _read_lines(a.serials))
    )
    receiver = resolve_address(flow.client.w3, a.to)
    transactions = [
        (kind, ident)
        for kind, ident in (
            (epcis.PURCHASE_ORDER, a.po),
            (epcis.DESPATCH_ADVICE, a.desadv),
            (epcis.INVOICE, a.invoice),
        )
        if ident
    ]
    anchored = flow.ship(
        a.holding, receiver, serials, sale=not a.no_sale, transactions=transactions, sscc=a.sscc
    )
    count = "the whole holding" if serials is None else f"{len(serials):,} units"
    if a.sscc is not None:
        count += f" packed in SSCC {gs1.parse_sscc(a.sscc)}"
    extra = {"shipment": _hex(anchored.id), "from_holding": _hex(ctx.args.holding)}
    if a.sscc is not None:
        extra["sscc"] = gs1.parse_sscc(a.sscc)
    if serials is not None:
        extra["rest_stays_in"] = _hex(ctx.args.holding)
    return _done(ctx, f"shipped {count} to {receiver}", anchored, extra)


def _receive(ctx: Context) -> int:
    flow = _flow(ctx)
    unit = _scanned(ctx.args.shipment)
    if unit is None:
        try:
            shipment = _id(ctx.args.shipment)
        except argparse.ArgumentTypeError as exc:
            raise UsageError(
                f"SHIPMENT is a shipment id or a unit's barcode: {exc}",
                argument="shipment",
                value=ctx.args.shipment,
            ) from None
    else:
        shipment = flow.holding_of_unit(unit, in_transit=True)
    anchored = flow.receive(shipment)
    # The shipment's holding is now the receiver's: its id is what to ship or dispense from.
    return _done(
        ctx,
        f"received shipment {_hex(shipment)}: you now hold its units in holding {_hex(shipment)}",
        anchored,
        {"holding": _hex(shipment)},
    )


def _void(ctx: Context) -> int:
    anchored = _flow(ctx).void(ctx.args.shipment, ctx.args.reason)
    # A voided shipment stays a holding of its sender, with the units that never left.
    return _done(
        ctx,
        f"voided shipment {_hex(ctx.args.shipment)}: its units stay with you in holding "
        f"{_hex(ctx.args.shipment)} (ship or dispense from it)",
        anchored,
        {"holding": _hex(ctx.args.shipment)},
    )


def _dispense(ctx: Context) -> int:
    flow = _flow(ctx, "pharmacy")
    unit = _scanned(ctx.args.unit)
    if unit is not None:
        if ctx.args.serial is not None:
            raise UsageError(
                "a barcode names the unit: give no SERIAL", argument="serial", value=ctx.args.serial
            )
        unit.require("serial", "lot")
        assert unit.serial is not None
        holding, serial = flow.holding_of_unit(unit), unit.serial
    else:
        if ctx.args.serial is None:
            raise UsageError(
                "give HOLDING SERIAL, or the unit's barcode alone", argument="serial", value=None
            )
        try:
            holding = _id(ctx.args.unit)
        except argparse.ArgumentTypeError as exc:
            raise UsageError(str(exc), argument="unit", value=ctx.args.unit) from None
        serial = ctx.args.serial
    dispensed, anchored = flow.dispense(holding, serial)
    extra = {"holding": _hex(holding), "serial": serial}
    if dispensed:
        return _done(ctx, f"dispensed {serial}", anchored, {"dispensed": True, **extra})
    _done(
        ctx,
        f"ALERT: {serial} is suspect (cloned or unknown serial): not dispensed; the "
        "manufacturer and regulators are alerted (set the package aside)",
        anchored,
        {"dispensed": False, **extra},
    )
    return NO


def _verify(ctx: Context) -> int:
    a = ctx.args
    if isinstance(a.identifier, int):
        unit = gs1.ProductIdentifier(a.identifier, a.serial, a.lot, a.expiry)
        missing = [
            n
            for n, v in (("SERIAL", a.serial), ("--lot", a.lot), ("--expiry", a.expiry))
            if v is None
        ]
        if missing:
            raise UsageError(
                f"with a GTIN, give {', '.join(missing)} too (or scan the barcode)",
                argument=missing[0],
                value=None,
            )
    elif a.serial is not None or a.lot is not None or a.expiry is not None:
        raise UsageError(
            "a barcode carries the serial, lot and expiry: give no SERIAL, --lot or --expiry",
            argument="identifier",
            value=a.identifier.element_string(),
        )
    else:
        unit = a.identifier
    unit.require("serial", "lot", "expiry")
    assert unit.serial is not None and unit.lot is not None and unit.expiry is not None
    flow = _flow(ctx, read_only=True, index=SerialIndex(a.serial_index))
    answer = flow.verify(unit.gtin, unit.serial, unit.lot, unit.expiry, at=a.at)
    data = answer.as_json()
    lms = data["lms"]["data"]
    detail = ", ".join(f"{k} {v}" for k, v in lms.items() if k != "verified")
    human = (
        f"{answer.status.name}: GTIN {data['gtin']} serial {answer.serial} lot {answer.lot} "
        f"expiry {data['expiry']} (as of {data['at']})\n"
        f"  GS1 LMS: verified {str(answer.verified).lower()}" + (f", {detail}" if detail else "")
    )
    for part in answer.unchecked:
        human += f"\n  not checked: {part}"
    ctx.out.result(data, human=human)
    return OK if answer.status is VerificationStatus.VALID else NO


def _recall(ctx: Context) -> int:
    anchored, custodians = _flow(ctx, "manufacturer").recall(
        ctx.args.gtin, ctx.args.lot, ctx.args.reason
    )
    return _done(ctx, f"recalled lot {ctx.args.lot}", anchored, {"notify": sorted(custodians)})


def _quarantine(ctx: Context) -> int:
    anchored = _flow(ctx).quarantine(
        ctx.args.gtin, ctx.args.reason, lot=ctx.args.lot, serial=ctx.args.serial
    )
    return _done(ctx, f"quarantined {ctx.args.serial or 'lot ' + ctx.args.lot}", anchored)


def _report(ctx: Context) -> int:
    anchored = _flow(ctx).report_suspect(
        ctx.args.gtin, ctx.args.reason, lot=ctx.args.lot, serial=ctx.args.serial
    )
    what = ctx.args.serial or "lot " + ctx.args.lot
    return _done(ctx, f"reported {what} as suspect (nothing stopped)", anchored)


def _bar(ctx: Context) -> int:
    flow = _flow(ctx, "regulator")
    account = resolve_address(flow.client.w3, ctx.args.party)
    barred = not ctx.args.lift
    receipt = flow.client.set_quarantine_bar(account, barred)
    what = f"{'barred' if barred else 'lifted the bar of'} {account}" + (
        " from quarantining and opening excursions" if barred else ""
    )
    ctx.out.transaction(what, receipt, {"account": account, "barred": barred})
    return 0


def _clear(ctx: Context) -> int:
    a = ctx.args
    if a.excursion is not None:
        if a.gtin is not None or a.lot or a.serial or a.illegitimate or a.reason:
            raise UsageError("--excursion HOLDING goes alone: no GTIN, --lot, --serial or --reason")
    elif a.gtin is None or (a.lot is None and a.serial is None):
        raise UsageError("name a GTIN and --lot or --serial, or --excursion HOLDING")
    elif a.illegitimate and not a.reason:
        raise UsageError("--illegitimate needs --reason")
    elif a.reason and not a.illegitimate:
        raise UsageError("--reason goes with --illegitimate (clearing needs no reason)")
    flow = _flow(ctx, "manufacturer")
    if a.excursion is not None:
        return _done(
            ctx,
            f"cleared excursion of {_hex(a.excursion)}",
            flow.clear_excursion(a.excursion),
            {"holding": _hex(a.excursion)},
        )
    gtin: int = ctx.args.gtin  # not None here (checked above)
    what = a.serial or f"lot {a.lot}"
    if a.illegitimate:
        anchored, parties = flow.confirm_illegitimate(gtin, a.reason, lot=a.lot, serial=a.serial)
        return _done(ctx, f"confirmed {what} illegitimate", anchored, {"notify": sorted(parties)})
    return _done(ctx, f"cleared {what}", flow.clear(gtin, lot=a.lot, serial=a.serial))


def _sensor(ctx: Context) -> int:
    readings = []
    with ctx.args.readings.open(newline="") as handle:
        for row in csv.reader(handle):
            if not row or row[0].startswith("#") or row[0] == "time":
                continue
            try:
                readings.append(epcis.Reading(values.timestamp(row[0]), float(row[1])))
            except (argparse.ArgumentTypeError, IndexError, ValueError):
                raise InvalidInputError(f"not a reading (time,celsius): {row!r}") from None
    anchored = _flow(ctx).record_sensor_readings(ctx.args.holding, readings, device=ctx.args.device)
    excursion = _flow(ctx, read_only=True).client.holding_of(ctx.args.holding).excursion
    return _done(
        ctx,
        f"anchored {len(readings)} readings",
        anchored,
        {"holding": _hex(ctx.args.holding), "excursion_open": excursion},
    )


def _trace(ctx: Context) -> int:
    a = ctx.args
    flow = _flow(ctx, read_only=True, index=SerialIndex(a.serial_index))
    lot = flow.client.lot_of(flow.reader.lot_key(a.gtin, a.lot))
    custody: LotCustody | UnitCustody
    # A unit's trace builds the lot's tree only the first time the lot is read (then indexed).
    with ctx.out.bar("lot tree", max(lot.quantity - 1, 1)) as advance:
        if a.serial is not None:
            custody = flow.reader.unit(a.gtin, a.lot, a.serial, progress=advance)
        else:
            custody = flow.custody(a.gtin, a.lot, progress=advance)
    doc = flow.reader.export(custody)
    if a.out is not None:
        a.out.write_text(json.dumps(doc, indent=2))
    if ctx.out.as_json:
        print(json.dumps(doc, indent=2))
        return 0
    rows = [
        [
            e.get("eventTime"),
            e.get("bizStep", "-"),
            e.get("disposition", "-"),
            len(e.get("epcList", [])) or "lot",
            e.get("readPoint", {}).get("id", "-"),
        ]
        for e in doc["epcisBody"]["eventList"]
    ]
    who = f"unit {a.serial}" if a.serial else f"lot {a.lot}"
    ctx.out.table(
        f"chain of custody of {who}", ["time", "bizStep", "disposition", "units", "by"], rows
    )
    holders = [
        [_hex(h), v.custodian, v.owner, v.state.name.lower(), len(v.serials)]
        for h, v in custody.holdings.items()
    ]
    title = "holdings it passed through (units: 1 where it is now)" if a.serial else "holdings now"
    ctx.out.table(title, ["holding", "custodian", "owner", "state", "units"], holders)
    alerts = [_alert_row(custody, event) for event in custody.alerts()]
    if alerts:
        ctx.out.table(
            "suspect-product alerts (nothing stopped by them)",
            ["tx", "alert", "about", "by"],
            alerts,
        )
    if a.out is not None:
        ctx.out.console.print(f"EPCIS 2.0 document written to {a.out}")
    return 0


def _alert_row(custody: LotCustody | UnitCustody, event: ChainEvent) -> list[str]:
    if event.name == "SuspectUnitFlagged":
        unit = bytes(event.args["unitId"])
        about = custody.serial_of_unit.get(unit, _hex(unit))
        kind = f"dispense refused: {SuspectReason(event.args['reason']).name.lower()}"
    else:
        target = bytes(event.args["target"])
        about = (
            f"lot {custody.lot_number}"
            if target == custody.lot_key
            else custody.serial_of_unit.get(target, _hex(target))
        )
        kind = "reported suspect"
    return [event.tx_hash, kind, about, str(event.args["reporter"])]
