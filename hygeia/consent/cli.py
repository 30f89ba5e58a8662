"""`hygeia consent grant|sign|relay|cancel|revoke|share-keys|check|list|audit|delegate|delegates`
and `hygeia emergency open|close`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from hygeia.cli import values
from hygeia.cli.commands import add_command
from hygeia.cli.context import Context, resolve_address
from hygeia.cli.errors import NO, OK, UsageError
from hygeia.cli.options import add_common_options, add_key_option, add_store_options
from hygeia.consent.audit_events import audit_events_to_fhir
from hygeia.consent.client import ALL_DATA, GrantRequest, data_class_id
from hygeia.consent.disclosures import accounting_of_disclosures
from hygeia.consent.fhir import export_consents
from hygeia.core.chain.connection import block_time
from hygeia.core.contract_types import Action, ProvisionType, Purpose
from hygeia.core.errors import InvalidInputError
from hygeia.core.files import write_owner_only
from hygeia.core.times import iso
from hygeia.records.sharing import ConsentManager, SignedGrant
from hygeia.records.vault import RecordVault
from hygeia.suite import Suite

Handler = Callable[[Context], int]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(sub, "consent")
    actions = parser.add_subparsers(dest="action", required=True)

    def action(
        name: str, help_text: str, handler: Handler, *, store: bool = False
    ) -> argparse.ArgumentParser:
        p = actions.add_parser(name, help=help_text)
        add_common_options(p)
        if store:
            add_store_options(p)
            add_key_option(p)
        p.set_defaults(handler=handler)
        return p

    p = action("grant", "record a consent (shares record keys)", _grant, store=True)
    _grant_options(p, fhir=True)
    p = action("sign", "sign a consent off-chain (EIP-712) for anyone to relay", _sign, store=True)
    _grant_options(p)
    p.add_argument(
        "--out", metavar="FILE", type=Path, required=True, help="signed grant JSON to write"
    )
    p.add_argument(
        "--valid-minutes",
        metavar="N",
        type=values.positive,
        default=60,
        help="minutes anyone may relay the signature (default %(default)s)",
    )
    p = action("relay", "submit a signed consent, paying its gas", _relay, store=True)
    _signed_file(p)
    p = action(
        "cancel", "cancel a signed consent nobody relayed yet (patient or delegate)", _cancel
    )
    _signed_file(p)
    p = action("revoke", "revoke a consent at once", _revoke, store=True)
    _consent_id(p)
    _patient_option(p, "whose consent: address or dev name (default: the signer, or as delegate)")
    p = action(
        "share-keys",
        "share record keys under a consent again: once it has started, or after the grantee "
        "published a new encryption key",
        _share_keys,
        store=True,
    )
    _consent_id(p)
    _patient_option(p, "whose consent: address or dev name (default: the signer, or as delegate)")
    p = action(
        "delegate",
        "appoint an account to act for you (consents, records), or end it with --revoke",
        _delegate,
    )
    p.add_argument("who", metavar="WHO", help="the delegate's account: address or dev name")
    p.add_argument("--revoke", action="store_true", help="end the appointment")
    p = action(
        "delegates", "who acts for a patient: its guardian and appointed delegates", _delegates
    )
    _patient_option(p, "whose: address or dev name (default: the signer)")
    p = action(
        "check",
        "would the patient's consents allow this access now? (exit 0 allowed, 3 refused)",
        _check,
    )
    p.add_argument(
        "--patient", metavar="WHO", required=True, help="the patient: address or dev name"
    )
    p.add_argument(
        "--grantee",
        metavar="WHO",
        required=True,
        help="who would access: address or dev name, e.g. specialist",
    )
    p.add_argument(
        "--target",
        type=_target,
        required=True,
        help="a record id (0x + 64 hex digits) or a data class name, e.g. laboratory",
    )
    p.add_argument(
        "--action",
        dest="what",
        metavar="ACTION",
        type=values.action,
        default="access",
        help="access, collect, disclose or correct (default %(default)s)",
    )
    p.add_argument(
        "--purpose",
        type=values.purpose,
        default="TREAT",
        help="purpose of use: TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH or PUBHLTH "
        "(default %(default)s)",
    )
    p = action("list", "a patient's consents and their status", _list)
    _patient_option(p, "whose: address or dev name (default: the signer)")
    _fhir_out_options(p, "the consents as a FHIR R4 Bundle of Consent resources")
    p = action("audit", "accounting of disclosures: who read what, when, why", _audit)
    _patient_option(p, "whose: address or dev name (default: the signer)")
    _fhir_out_options(p, "the accounting as a FHIR R4 Bundle of AuditEvent resources")

    emergency = add_command(sub, "emergency")
    steps = emergency.add_subparsers(dest="action", required=True)
    p = steps.add_parser("open", help="open time-boxed emergency access to a patient's data")
    add_common_options(p)
    p.add_argument(
        "--patient", metavar="WHO", required=True, help="the patient: address or dev name"
    )
    p.add_argument(
        "--reason",
        required=True,
        help='why, in words, e.g. "unconscious in the ER" (only its hash goes on-chain)',
    )
    p.add_argument(
        "--minutes",
        metavar="N",
        type=values.positive,
        default=60,
        help="how long it stays open, at most 1440 (default %(default)s)",
    )
    p.set_defaults(handler=_open)
    p = steps.add_parser(
        "close",
        help="close emergency access early: your own as provider, or (patient or delegate) a "
        "provider's, who then may not reopen it for a day",
    )
    add_common_options(p)
    p.add_argument(
        "--patient", metavar="WHO", required=True, help="the patient: address or dev name"
    )
    p.add_argument(
        "--provider",
        metavar="WHO",
        default=None,
        help="whose access to close (default: your own); the patient or a delegate names it",
    )
    p.set_defaults(handler=_close)


def _fhir_out_options(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--fhir", action="store_true", help=f"print {what} (JSON) instead of a table")
    p.add_argument(
        "--bundle",
        dest="bundle_type",
        choices=("collection", "searchset"),
        default="collection",
        help="with --fhir: the Bundle's type (default %(default)s)",
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        default=None,
        help="with --fhir: write the Bundle to FILE instead of stdout",
    )


def _grant_options(p: argparse.ArgumentParser, *, fhir: bool = False) -> None:
    who = p.add_mutually_exclusive_group(required=True)
    if fhir:
        who.add_argument(
            "--fhir",
            metavar="FILE",
            type=Path,
            default=None,
            help="record a FHIR R4 Consent resource (JSON), e.g. consent.json: each provision it "
            "states becomes a grant, or the whole is refused naming the element the chain cannot "
            "express (the other options below do not apply)",
        )
        p.add_argument(
            "--ref",
            dest="refs",
            metavar="REFERENCE=WHO",
            action="append",
            default=[],
            help="with --fhir: the account a literal reference of the Consent stands for, e.g. "
            "Practitioner/f204=specialist (repeat)",
        )
    who.add_argument("--to", metavar="WHO", default=None, help="the grantee: address or dev name")
    who.add_argument(
        "--role",
        type=values.role,
        default=None,
        help="every active holder of a role instead, e.g. provider (decides access, shares no "
        "keys)",
    )
    _patient_option(p, "whose consent: address or dev name (default: the signer)")
    p.add_argument("--deny", action="store_true", help="a deny provision (overrides permits)")
    p.add_argument(
        "--action",
        dest="actions",
        metavar="ACTION",
        type=values.action,
        action="append",
        default=None,
        help="access, collect, disclose or correct (repeat for several; default access)",
    )
    p.add_argument(
        "--purpose",
        dest="purposes",
        metavar="PURPOSE",
        type=values.purpose,
        action="append",
        default=None,
        help="TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH or PUBHLTH (repeat; default TREAT)",
    )
    p.add_argument(
        "--class",
        dest="classes",
        metavar="CLASS",
        action="append",
        default=[],
        help="a data class the consent covers, e.g. laboratory (repeat; with no --class or "
        "--record: all data)",
    )
    p.add_argument(
        "--record",
        dest="records",
        metavar="RECORD_ID",
        type=values.hex32("record id"),
        action="append",
        default=[],
        help="a record the consent covers: 0x + 64 hex digits (repeat)",
    )
    p.add_argument(
        "--start",
        metavar="DATE",
        type=values.timestamp,
        default=None,
        help="when it starts, e.g. 2026-01-31 or 2026-01-31T12:00:00Z (default: now)",
    )
    until = p.add_mutually_exclusive_group()
    until.add_argument(
        "--days",
        metavar="N",
        type=values.positive,
        default=None,
        help="in force this many days from the start (default 30)",
    )
    until.add_argument(
        "--until",
        metavar="DATE",
        type=values.end_of_day,
        default=None,
        help="last day in force, inclusive, e.g. 2026-12-31",
    )


def _target(text: str) -> bytes:
    """`--target`: a record id (0x...) or a data class name, as the id the chain compares."""
    if text.startswith("0x"):
        return values.hex32("record id")(text)
    if not text.strip():
        raise argparse.ArgumentTypeError("name a data class or a record id")
    return data_class_id(text)


def _patient_option(p: argparse.ArgumentParser, help_text: str) -> None:
    p.add_argument("--patient", metavar="WHO", default=None, help=help_text)


def _consent_id(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "consent_id",
        metavar="CONSENT_ID",
        type=int,
        help="the consent's number, as `consent grant` or `consent list` prints it, e.g. 7",
    )


def _signed_file(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "file", metavar="FILE", type=Path, help="signed grant JSON from `hygeia consent sign`"
    )


def _request(ctx: Context, suite: Suite) -> GrantRequest:
    args = ctx.args
    start = args.start if args.start is not None else _now(suite)
    if args.until is not None:
        end = args.until
    else:
        end = start + timedelta(days=args.days if args.days is not None else 30)
    targets = tuple(data_class_id(c) for c in args.classes) + tuple(args.records)
    return GrantRequest(
        kind=ProvisionType.DENY if args.deny else ProvisionType.PERMIT,
        grantee=resolve_address(suite, args.to) if args.to else None,
        grantee_role=args.role,
        actions=Action.parse(args.actions or ["access"]),
        purposes=Purpose.parse(args.purposes or ["TREAT"]),
        start=start,
        end=end,
        targets=targets,
    )


def _manager(ctx: Context) -> ConsentManager:
    suite = ctx.suite(default_account="patient")
    return ConsentManager(RecordVault(suite, ctx.store(), ctx.record_key(required=False)))


def _patient(ctx: Context, suite: Suite, default: str) -> str:
    return default if ctx.args.patient is None else resolve_address(suite, ctx.args.patient)


def _grant(ctx: Context) -> int:
    if ctx.args.fhir is not None:
        return _grant_fhir(ctx)
    if ctx.args.refs:
        raise UsageError("--ref goes with --fhir", argument="--ref", value=ctx.args.refs[0])
    manager = _manager(ctx)
    suite = manager.vault.suite
    request = _request(ctx, suite)
    result = manager.grant(_patient(ctx, suite, manager.vault.me), request)
    ctx.out.result(
        {**result.as_json(), "request": request.to_json()},
        human=f"consent {result.consent_id} granted; keys to {result.records_shared} record "
        f"version(s) shared (tx {result.tx_hash}, {result.gas_used:,} gas)"
        + _unshared_text(result.records_unshared),
    )
    return 0


_NOT_WITH_FHIR = {
    "deny": "--deny",
    "actions": "--action",
    "purposes": "--purpose",
    "classes": "--class",
    "records": "--record",
    "start": "--start",
    "days": "--days",
    "until": "--until",
}


def _grant_fhir(ctx: Context) -> int:
    args = ctx.args
    for name, option in _NOT_WITH_FHIR.items():
        if getattr(args, name) not in (None, False, []):
            raise UsageError(
                f"{option} does not go with --fhir: the Consent states its own provisions",
                argument=option,
            )
    resource = values.json_file(args.fhir)  # a wrong path fails before any node is started
    if not isinstance(resource, dict):
        raise InvalidInputError(f"{args.fhir} holds no FHIR resource (a JSON object)")
    manager = _manager(ctx)
    suite = manager.vault.suite
    references = {}
    for item in args.refs:
        reference, sep, who = item.partition("=")
        if not sep or not reference or not who:
            raise UsageError("--ref is REFERENCE=WHO", argument="--ref", value=item)
        references[reference] = resolve_address(suite, who)
    imported, results = manager.grant_fhir(
        _patient(ctx, suite, manager.vault.me), resource, references
    )
    rows = [
        {**result.as_json(), "provision": source, "request": request.to_json()}
        for result, source, request in zip(results, imported.sources, imported.grants, strict=True)
    ]
    ctx.out.result(
        {"consents": rows},
        human=f"FHIR Consent {args.fhir} recorded as {len(rows)} consent(s), denies first",
    )
    ctx.out.table(
        None,
        ["consent", "from", "kind", "grantee", "records shared", "not shared", "tx"],
        [
            [
                r["consent_id"],
                r["provision"],
                r["request"]["kind"],
                r["request"]["grantee"] or r["request"]["grantee_role"],
                r["records_shared"],
                len(r["records_unshared"]),
                r["tx"],
            ]
            for r in rows
        ],
    )
    for r in rows:
        if r["records_unshared"] and not ctx.out.as_json:
            ctx.out.console.print(
                f"consent {r['consent_id']}:" + _unshared_text(tuple(r["records_unshared"]))
            )
    return 0


def _write_fhir(ctx: Context, document: dict[str, object]) -> None:
    text = json.dumps(document, indent=2) + "\n"
    if ctx.args.out is None:
        print(text, end="")
        return
    try:
        write_owner_only(ctx.args.out, text)  # a disclosure trail names readers and records
    except OSError as exc:
        raise InvalidInputError(f"cannot write {ctx.args.out}: {exc.strerror}") from None
    ctx.out.progress(f"wrote {ctx.args.out}")


def _sign(ctx: Context) -> int:
    manager = _manager(ctx)
    suite = manager.vault.suite
    assert suite.sender is not None
    if ctx.args.patient is not None:
        named = resolve_address(suite, ctx.args.patient)
        if named.lower() != suite.sender.address.lower():
            raise InvalidInputError(
                f"a signed consent is the patient's own signature, and you sign as "
                f"{suite.sender.address}, not {named}: sign with the patient's account, or, as "
                "its delegate, record the consent directly with `hygeia consent grant --patient`"
            )
    request = _request(ctx, suite)
    deadline = _now(suite) + timedelta(minutes=ctx.args.valid_minutes)
    signed = manager.sign(suite.sender.signer, request, deadline)
    write_owner_only(ctx.args.out, json.dumps(signed.to_json(), indent=2) + "\n")
    ctx.out.result(
        {"out": str(ctx.args.out), **signed.to_json()},
        human=f"signed consent written to {ctx.args.out}; anyone can submit it with "
        f"`hygeia consent relay {ctx.args.out}` before {iso(deadline)}"
        + _unshared_text(signed.records_unshared),
    )
    return 0


def _relay(ctx: Context) -> int:
    signed = _read_signed(ctx.args.file)
    suite = ctx.suite(default_account="admin")
    result = ConsentManager(RecordVault(suite, ctx.store())).relay(signed)
    ctx.out.result(
        result.as_json(),
        human=f"relayed consent {result.consent_id} (tx {result.tx_hash}, {result.gas_used:,} gas)",
    )
    return 0


def _cancel(ctx: Context) -> int:
    signed = _read_signed(ctx.args.file)
    suite = ctx.suite(default_account="patient")
    receipt = suite.consent.cancel_signed_grant(signed.patient, signed.nonce)
    ctx.out.transaction(
        f"cancelled the signed consent in {ctx.args.file} (nonce {signed.nonce} of "
        f"{signed.patient}): it can no longer be relayed",
        receipt,
        {"patient": signed.patient, "nonce": signed.nonce},
    )
    return 0


def _read_signed(path: Path) -> SignedGrant:
    return SignedGrant.from_json(values.json_file(path))


def _unshared_text(unshared: tuple[str, ...]) -> str:
    """The covered record versions whose keys could not be shared, one per line, for people."""
    if not unshared:
        return ""
    lines = "".join(f"\n  {line}" for line in unshared)
    return (
        f"\nkeys to {len(unshared)} covered record version(s) not shared (content missing from "
        f"this store, or not a key bundle of that version):{lines}"
    )


def _share_keys(ctx: Context) -> int:
    manager = _manager(ctx)
    patient = _patient(ctx, manager.vault.suite, manager.vault.me)
    result = manager.share_keys(patient, ctx.args.consent_id)
    ctx.out.result(
        result.as_json(),
        human=f"keys to {result.records_shared} record version(s) shared under consent "
        f"{result.consent_id} (tx {result.tx_hash}, {result.gas_used:,} gas)"
        + _unshared_text(result.records_unshared),
    )
    return 0


def _delegate(ctx: Context) -> int:
    suite = ctx.suite(default_account="patient")
    delegate = resolve_address(suite, ctx.args.who)
    if ctx.args.revoke:
        receipt = suite.consent.revoke_delegate(delegate)
        what = f"{delegate} no longer acts for you"
    else:
        receipt = suite.consent.appoint_delegate(delegate)
        what = f"{delegate} now acts for you (consents, records, audit)"
    ctx.out.transaction(what, receipt, {"delegate": delegate, "appointed": not ctx.args.revoke})
    return 0


def _delegates(ctx: Context) -> int:
    suite = ctx.suite(default_account="patient")
    assert suite.sender is not None
    patient = _patient(ctx, suite, suite.sender.address)
    from_block = suite.deployment.contracts["ConsentRegistry"].block_number
    guardian = suite.participants.guardian_of(patient)
    delegates = suite.consent.delegates_of(patient, from_block)
    rows = ([{"account": guardian, "as": "guardian"}] if guardian else []) + [
        {"account": d, "as": "delegate"} for d in delegates
    ]
    ctx.out.result({"patient": patient, "acting_for": rows}, human=f"who acts for {patient}")
    ctx.out.table(None, ["account", "as"], [[r["account"], r["as"]] for r in rows])
    return 0


def _revoke(ctx: Context) -> int:
    manager = _manager(ctx)
    patient = _patient(ctx, manager.vault.suite, manager.vault.me)
    receipt = manager.revoke(patient, ctx.args.consent_id)
    ctx.out.transaction(
        f"revoked consent {ctx.args.consent_id} of {patient}; later record versions get keys "
        "the grantee never sees (what it already read cannot be recalled)",
        receipt,
        {"consent_id": str(ctx.args.consent_id), "patient": patient},
    )
    return 0


def _check(ctx: Context) -> int:
    suite = ctx.suite(read_only=True)
    decision = suite.consent.check_access(
        resolve_address(suite, ctx.args.patient),
        resolve_address(suite, ctx.args.grantee),
        ctx.args.target,
        Action.parse([ctx.args.what]),
        Purpose.parse([ctx.args.purpose]),
    )
    data = {
        "allowed": decision.allowed,
        "reason": decision.reason.name.lower(),
        "consent_id": str(decision.consent_id),
    }
    verdict = "allowed" if decision.allowed else "refused"
    ctx.out.result(
        data, human=f"{verdict}: {decision.reason.name.lower()} (consent {decision.consent_id})"
    )
    return OK if decision.allowed else NO


def _list(ctx: Context) -> int:
    suite = ctx.suite(default_account="patient")
    assert suite.sender is not None
    patient = _patient(ctx, suite, suite.sender.address)
    from_block = suite.deployment.contracts["ConsentRegistry"].block_number
    if ctx.args.fhir:
        _write_fhir(
            ctx,
            export_consents(suite.consent, patient, from_block, bundle_type=ctx.args.bundle_type),
        )
        return 0
    _no_fhir_options(ctx)
    now = _now(suite)
    consents = suite.consent.consents(patient, from_block)
    rows = [
        {
            "consent_id": str(c.consent_id),
            "status": c.status(now),
            "kind": c.kind.name.lower(),
            "grantee": c.grantee or (c.grantee_role.name.lower() if c.grantee_role else "?"),
            "actions": [str(a.name).lower() for a in Action if c.actions & a],
            "purposes": [str(p.name) for p in Purpose if c.purposes & p],
            "start": iso(c.start),
            "end": iso(c.end) if c.end else None,
            "targets": ["0x" + t.hex() for t in c.targets] or ["all data"],
            "revoked_targets": sorted(
                "all data" if t == ALL_DATA else "0x" + t.hex() for t in c.revoked_targets
            ),
        }
        for c in consents
    ]
    ctx.out.result({"patient": patient, "consents": rows}, human=f"consents of {patient}")
    ctx.out.table(
        None,
        ["consent", "status", "kind", "grantee", "actions", "purposes", "until"],
        [
            [
                r["consent_id"],
                r["status"],
                r["kind"],
                r["grantee"],
                r["actions"],
                r["purposes"],
                r["end"] or "revoked",
            ]
            for r in rows
        ],
    )
    return 0


def _audit(ctx: Context) -> int:
    suite = ctx.suite(default_account="patient")
    assert suite.sender is not None
    patient = _patient(ctx, suite, suite.sender.address)
    from_block = suite.deployment.contracts["ConsentRegistry"].block_number
    if ctx.args.fhir:
        _write_fhir(
            ctx,
            audit_events_to_fhir(
                suite.consent, patient, from_block, bundle_type=ctx.args.bundle_type
            ),
        )
        return 0
    _no_fhir_options(ctx)
    rows = accounting_of_disclosures(suite.consent, patient, from_block)
    ctx.out.result(
        {"patient": patient, "disclosures": [r.as_json() for r in rows]},
        human=f"accounting of disclosures for {patient}",
    )
    ctx.out.table(
        None,
        ["when", "event", "who", "record", "purpose", "consent"],
        [[r.when, r.event, r.actor, r.record_id, r.purpose, r.consent_id] for r in rows],
    )
    return 0


def _no_fhir_options(ctx: Context) -> None:
    if ctx.args.out is not None:
        raise UsageError("--out goes with --fhir", argument="--out", value=str(ctx.args.out))
    if ctx.args.bundle_type != "collection":
        raise UsageError("--bundle goes with --fhir", argument="--bundle")


def _open(ctx: Context) -> int:
    suite = ctx.suite(default_account="provider")
    patient = resolve_address(suite, ctx.args.patient)
    duration = timedelta(minutes=ctx.args.minutes)
    receipt = suite.consent.open_break_glass(patient, ctx.args.reason, duration)
    assert suite.sender is not None
    ends = suite.consent.break_glass_of(patient, suite.sender.address).ends_at
    ctx.out.transaction(
        f"break-glass access to {patient} open for {ctx.args.minutes} min (ETREAT), until "
        f"{iso(ends)}; it is on the patient's audit trail (close it early with `hygeia "
        f"emergency close --patient {ctx.args.patient}`)",
        receipt,
        {"patient": patient, "provider": suite.sender.address, "until": iso(ends)},
    )
    return 0


def _close(ctx: Context) -> int:
    suite = ctx.suite(default_account="provider")
    patient = resolve_address(suite, ctx.args.patient)
    provider = None if ctx.args.provider is None else resolve_address(suite, ctx.args.provider)
    receipt = suite.consent.close_break_glass(patient, provider)
    assert suite.sender is not None
    closed = provider or suite.sender.address
    ctx.out.transaction(
        f"break-glass access of {closed} to {patient} closed",
        receipt,
        {"patient": patient, "provider": closed},
    )
    return 0


def _now(suite: Suite) -> datetime:
    return block_time(suite.w3)
