"""`hygeia participants register|accept-guardian|end-guardianship|credential|renew|suspend|
reinstate|revoke|set-key|show`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from hygeia.cli import values
from hygeia.cli.commands import add_command
from hygeia.cli.context import Context, resolve_address
from hygeia.cli.options import add_common_options
from hygeia.core.chain.connection import block_time
from hygeia.core.chain.transactions import Receipt
from hygeia.core.contract_types import Role
from hygeia.participants.client import GuardianshipConsent

Handler = Callable[[Context], int]

_PAST = {"suspend": "suspended", "reinstate": "reinstated", "revoke": "revoked"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(sub, "participants")
    actions = parser.add_subparsers(dest="action", required=True)

    def action(name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
        p = actions.add_parser(name, help=help_text)
        add_common_options(p)
        p.set_defaults(handler=handler)
        return p

    p = action(
        "register",
        "register the signer as a patient, or (with --consent) a ward as its guardian",
        _register,
    )
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument(
        "--encryption-key",
        metavar="HEX",
        default=None,
        help="register yourself: your X25519 public key, 0x + 64 hex digits, as `hygeia keys "
        "new` prints it",
    )
    how.add_argument(
        "--consent",
        metavar="FILE",
        type=Path,
        default=None,
        help="register a ward as its guardian, with the ward's signed consent "
        "(the file `hygeia participants accept-guardian` wrote), e.g. ward-consent.json",
    )

    p = action(
        "accept-guardian",
        "as a ward, sign your consent to be registered by a guardian with a key",
        _accept_guardian,
    )
    p.add_argument(
        "--guardian",
        metavar="WHO",
        required=True,
        help="the guardian's account: address or dev name",
    )
    p.add_argument(
        "--encryption-key",
        metavar="HEX",
        required=True,
        help="the ward's X25519 public key (0x + 64 hex digits, from `hygeia keys new`) that "
        "its records will be wrapped to",
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        required=True,
        help="signed consent JSON to write, e.g. ward-consent.json",
    )
    p.add_argument(
        "--valid-days",
        metavar="N",
        type=values.positive,
        default=7,
        help="days the guardian may use the consent (default %(default)s)",
    )

    p = action(
        "end-guardianship",
        "end a guardianship (as the ward or as its guardian): the guardian no longer acts for it",
        _end_guardianship,
    )
    p.add_argument("ward", metavar="WARD", help="the ward's account: address or dev name")

    p = action("credential", "issue a credential for a licensed role (regulator)", _credential)
    _account_and_role(p)
    p.add_argument(
        "--license",
        metavar="ID",
        required=True,
        help="license id, e.g. an NPI 1234567893 (only its hash goes on-chain)",
    )
    p.add_argument(
        "--jurisdiction",
        metavar="CODE",
        required=True,
        help="ISO 3166 code of the issuer, e.g. US-NY",
    )
    p.add_argument(
        "--valid-from",
        metavar="DATE",
        type=values.timestamp,
        default=None,
        help="first day valid, e.g. 2026-01-31 or 2026-01-31T12:00:00Z (default: now)",
    )
    _valid_until(p)

    p = action("renew", "move a credential's end of validity (regulator)", _renew)
    _account_and_role(p)
    _valid_until(p)

    for name, verb in (
        ("suspend", "suspend"),
        ("reinstate", "lift the suspension of"),
        ("revoke", "revoke"),
    ):
        _account_and_role(action(name, f"{verb} a credential (regulator)", _status_change))

    p = action("set-key", "publish or rotate the signer's X25519 encryption key", _set_key)
    p.add_argument(
        "key",
        metavar="HEX",
        help="X25519 public key, 0x + 64 hex digits, as `hygeia keys new` prints it",
    )

    p = action("show", "roles, credentials and encryption key of an account", _show)
    _who(p)


def _who(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "who",
        metavar="ACCOUNT",
        help="address, or dev account name on a local chain, e.g. provider",
    )


def _valid_until(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--valid-until",
        metavar="DATE",
        type=values.end_of_day,
        required=True,
        help="last day valid, inclusive, e.g. 2027-12-31",
    )


def _account_and_role(parser: argparse.ArgumentParser) -> None:
    _who(parser)
    parser.add_argument(
        "--role",
        type=values.role,
        required=True,
        help="provider, insurer, manufacturer, distributor or dispenser (pharmacy)",
    )


def _done(ctx: Context, what: str, receipt: Receipt, extra: dict[str, Any] | None = None) -> int:
    ctx.out.transaction(what, receipt, extra)
    return 0


def _register(ctx: Context) -> int:
    suite = ctx.suite(default_account="patient")
    if ctx.args.consent is None:  # argparse took exactly one of --encryption-key and --consent
        assert suite.sender is not None
        receipt = suite.participants.register_patient(ctx.args.encryption_key)
        me = suite.sender.address
        return _done(ctx, f"registered patient {me}", receipt, {"patient": me})
    consent = GuardianshipConsent.from_json(values.json_file(ctx.args.consent))
    receipt = suite.participants.register_patient_for(consent)
    return _done(
        ctx,
        f"registered patient {consent.ward} with you as its guardian: you act for it "
        "(consents, records, audit) until it or you end the guardianship",
        receipt,
        {"ward": consent.ward, "guardian": consent.guardian},
    )


def _accept_guardian(ctx: Context) -> int:
    suite = ctx.suite()
    assert suite.sender is not None
    guardian = resolve_address(suite, ctx.args.guardian)
    deadline = block_time(suite.w3) + timedelta(days=ctx.args.valid_days)
    consent = suite.participants.sign_guardianship(
        suite.sender.signer, guardian, ctx.args.encryption_key, deadline
    )
    ctx.args.out.write_text(json.dumps(consent.to_json(), indent=2) + "\n")
    ctx.out.result(
        {"out": str(ctx.args.out), **consent.to_json()},
        human=f"consent to be registered by guardian {guardian} written to {ctx.args.out}; "
        f"the guardian runs `hygeia participants register --consent {ctx.args.out}`",
    )
    return 0


def _end_guardianship(ctx: Context) -> int:
    suite = ctx.suite()
    ward = resolve_address(suite, ctx.args.ward)
    guardian = suite.participants.guardian_of(ward)
    receipt = suite.participants.end_guardianship(ward)
    return _done(
        ctx,
        f"guardianship of {guardian} over {ward} ended",
        receipt,
        {"ward": ward, "guardian": guardian},
    )


def _credential(ctx: Context) -> int:
    suite = ctx.suite(default_account="regulator")
    account = resolve_address(suite, ctx.args.who)
    valid_from = ctx.args.valid_from
    if valid_from is None:
        valid_from = block_time(suite.w3)
    receipt = suite.participants.issue_credential(
        account,
        ctx.args.role,
        license_id=ctx.args.license,
        jurisdiction=ctx.args.jurisdiction,
        valid_from=valid_from,
        valid_until=ctx.args.valid_until,
    )
    return _done(
        ctx,
        f"issued {ctx.args.role.name.lower()} credential to {account}",
        receipt,
        {"account": account, "role": ctx.args.role.name.lower()},
    )


def _renew(ctx: Context) -> int:
    suite = ctx.suite(default_account="regulator")
    account = resolve_address(suite, ctx.args.who)
    receipt = suite.participants.renew_credential(account, ctx.args.role, ctx.args.valid_until)
    return _done(
        ctx,
        f"renewed {ctx.args.role.name.lower()} credential of {account}",
        receipt,
        {"account": account, "role": ctx.args.role.name.lower()},
    )


def _status_change(ctx: Context) -> int:
    suite = ctx.suite(default_account="regulator")
    account = resolve_address(suite, ctx.args.who)
    method = {
        "suspend": suite.participants.suspend_credential,
        "reinstate": suite.participants.reinstate_credential,
        "revoke": suite.participants.revoke_credential,
    }[ctx.args.action]
    receipt = method(account, ctx.args.role)
    return _done(
        ctx,
        f"{_PAST[ctx.args.action]} {ctx.args.role.name.lower()} credential of {account}",
        receipt,
    )


def _set_key(ctx: Context) -> int:
    suite = ctx.suite()
    assert suite.sender is not None
    receipt = suite.participants.set_encryption_key(ctx.args.key)
    return _done(
        ctx,
        f"encryption key of {suite.sender.address} published",
        receipt,
        {"account": suite.sender.address},
    )


def _show(ctx: Context) -> int:
    suite = ctx.suite(read_only=True)
    account = resolve_address(suite, ctx.args.who)
    registry = suite.participants
    roles = registry.roles_of(account)
    key = registry.encryption_key_of(account)
    active = registry.active_roles(account)
    credentials = {}
    for role in Role:
        if role.licensed:
            credential = registry.credential_of(account, role)
            if credential.status.value:
                credentials[role.name.lower()] = {
                    **credential.as_json(),
                    "active": role in active,
                }
    guardian = registry.guardian_of(account)
    data = {
        "account": account,
        "roles": [r.name.lower() for r in roles],
        "encryption_key": "0x" + key.hex() if key else None,
        "guardian": guardian,
        "credentials": credentials,
    }
    ctx.out.result(
        data,
        human=f"{account}\n  roles: {', '.join(data['roles']) or '-'}\n"  # type: ignore[arg-type]
        f"  encryption key: {data['encryption_key'] or '-'}"
        + (f"\n  guardian: {guardian}" if guardian else ""),
    )
    ctx.out.table(
        None,
        ["role", "status", "active now", "jurisdiction", "valid from", "valid until"],
        [
            [r, c["status"], c["active"], c["jurisdiction"], c["valid_from"], c["valid_until"]]
            for r, c in credentials.items()
        ],
    )
    return 0
