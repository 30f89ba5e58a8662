"""`hygeia claims adjudicate-file|adjudicate|remittance|plan|enrol|fund|withdraw-escrow|withdraw|
show|balance|reverse|appeal|decide`."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hygeia.claims.batch import load_batch
from hygeia.claims.client import ClaimsAdjudicatorClient
from hygeia.claims.ids import Pseudonyms, load_salt, parse_claim_id, payer_claim_number
from hygeia.claims.model import Enrolment
from hygeia.claims.runner import DEFAULT_BATCH_SIZE, BatchRunner, RunResult, adjudicate_pending
from hygeia.claims.runner import Progress as RunProgress
from hygeia.claims.token import PaymentTokenClient
from hygeia.claims.x12.edi835 import RemittanceFile, remit
from hygeia.claims.x12.profile import load_profile
from hygeia.claims.x12.state import DEFAULT_STATE_DIR
from hygeia.cli.commands import add_command
from hygeia.cli.context import Context, resolve_address
from hygeia.cli.options import add_common_options
from hygeia.cli.output import Output
from hygeia.core import artifacts
from hygeia.core.chain.signers import dev_signer
from hygeia.core.chain.transactions import Receipt, TxSender
from hygeia.core.contract_types import AppealStatus
from hygeia.core.errors import InvalidInputError
from hygeia.core.files import write_owner_only
from hygeia.core.values import bytes32

Handler = Callable[[Context], int]

DEFAULT_SALT_FILE = Path(".hygeia") / "claims-salt"
_STAGES = {
    "plan": "plan registered",
    "services": "fee schedule",
    "members": "members enrolled",
    "authorizations": "authorizations",
    "consents": "payment consents",
    "submit": "claims submitted",
    "fund": "escrow funded",
    "adjudicate": "claims adjudicated",
    "settle": "payments settled",
    "remittance": "remittances read",
}
_OUTCOMES = {"upheld": AppealStatus.UPHELD, "overturned": AppealStatus.OVERTURNED}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(sub, "claims")
    actions = parser.add_subparsers(dest="action", required=True)

    def action(name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
        p = actions.add_parser(name, help=help_text)
        add_common_options(p)
        p.set_defaults(handler=handler)
        return p

    p = action(
        "adjudicate-file",
        "run a batch file end to end on a local chain and write the remittance (insurer)",
        _adjudicate_file,
    )
    p.add_argument(
        "batch",
        metavar="BATCH",
        type=Path,
        help="batch JSON file (plan, members, authorizations, claims), e.g. batch.json, or an "
        "X12 837P claim file (005010X222A1) with --plan, e.g. claims.837",
    )
    p.add_argument(
        "--plan",
        metavar="FILE",
        type=Path,
        default=None,
        help="with an 837P BATCH: the JSON plan file (plan, members, authorizations; a batch "
        "without claims) its claims are adjudicated under, e.g. plan.json",
    )
    _run_options(p)
    _salt_option(p)
    p.add_argument(
        "--regulator",
        metavar="WHO",
        default="regulator",
        help="dev account credentialing stand-in providers (default %(default)s)",
    )
    p.add_argument(
        "--funder",
        metavar="WHO",
        default="admin",
        help="dev account paying gas money and minting test dollars (default %(default)s)",
    )
    p.add_argument(
        "--no-fund",
        action="store_true",
        help="do not mint and fund the escrow: unfunded payments stay pending",
    )

    p = action(
        "adjudicate", "adjudicate claims already submitted to the signer's plans (insurer)",
        _adjudicate,
    )  # fmt: skip
    p.add_argument(
        "--pending",
        action="store_true",
        required=True,
        help="every claim still pending adjudication, in submission order",
    )
    _window_options(p)
    _run_options(p)

    p = action(
        "remittance",
        "write the 835s of claims adjudicated on-chain not remitted yet (insurer)",
        _remittance,
    )
    _window_options(p)
    _run_options(p, x12_required=True)

    p = action("plan", "show a plan's terms", _plan)
    p.add_argument("plan_id", metavar="PLAN_ID", type=int, help="the plan's number, e.g. 1")

    p = action("enrol", "enrol a member in a plan, linked to its patient (insurer)", _enrol)
    p.add_argument(
        "--plan", metavar="ID", type=int, required=True, help="the plan's number, e.g. 1"
    )
    p.add_argument(
        "--member",
        required=True,
        help="member number, e.g. M-1 (only its salted hash is sent)",
    )
    p.add_argument(
        "--patient", metavar="WHO", required=True, help="the patient's account: address or dev name"
    )
    p.add_argument(
        "--start",
        metavar="DATE",
        type=date.fromisoformat,
        required=True,
        help="first day of coverage, e.g. 2025-01-01",
    )
    p.add_argument(
        "--end",
        metavar="DATE",
        type=date.fromisoformat,
        required=True,
        help="last day of coverage, e.g. 2025-12-31",
    )
    _salt_option(p)

    p = action("fund", "move payment tokens into the signer's escrow (insurer)", _fund)
    p.add_argument(
        "amount", metavar="CENTS", type=_cents, help="amount in cents, e.g. 500000 for $5,000"
    )
    p.add_argument(
        "--mint-from",
        metavar="WHO",
        default=None,
        help="first mint the amount with this dev account (owner of the test stablecoin)",
    )

    p = action("withdraw-escrow", "take unspent escrow back (insurer)", _withdraw_escrow)
    p.add_argument("amount", metavar="CENTS", type=_cents, help="amount in cents, e.g. 10000")

    action("withdraw", "withdraw the payments credited to the signer (provider)", _withdraw)

    p = action("show", "a claim: its record and its remittance", _show)
    _claim_id_argument(p)

    p = action("balance", "escrow, credited payments and token balance of an account", _balance)
    p.add_argument(
        "who", metavar="ACCOUNT", help="address, or dev account name on a local chain, e.g. insurer"
    )

    p = action("reverse", "reverse an adjudicated claim (insurer)", _reverse)
    _claim_id_argument(p)

    p = action("appeal", "appeal the denial in a claim (its provider)", _appeal)
    _claim_id_argument(p)
    p.add_argument(
        "--reason-digest",
        metavar="HEX",
        type=_digest,
        required=True,
        help="sha256 of the appeal letter's CID: 0x + 64 hex digits",
    )

    p = action("decide", "record the decision on an appeal (insurer)", _decide)
    _claim_id_argument(p)
    p.add_argument(
        "--outcome",
        choices=sorted(_OUTCOMES),
        required=True,
        help="upheld (the denial stands) or overturned",
    )
    p.add_argument(
        "--decision-digest",
        metavar="HEX",
        type=_digest,
        required=True,
        help="sha256 of the decision letter's CID: 0x + 64 hex digits",
    )


def _claim_id_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "claim_id",
        metavar="CLAIM_ID",
        type=_claim_id,
        help="the claim: its on-chain id (0x + 64 hex digits) or its payer claim control number "
        "(the 835's CLP07, 50 digits and capitals), as remittance.json lists both",
    )


def _window_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plan", metavar="ID", type=int, action="append", help="only this plan id (repeatable)"
    )
    parser.add_argument(
        "--from-block",
        metavar="N",
        type=int,
        default=0,
        help="only claims submitted from this block on (default %(default)s)",
    )


def _run_options(parser: argparse.ArgumentParser, *, x12_required: bool = False) -> None:
    parser.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        default=None,
        help="write the remittance JSON here, e.g. remit.json",
    )
    parser.add_argument(
        "--x12-dir",
        metavar="DIR",
        type=Path,
        required=x12_required,
        default=None,
        help="write an X12 835 (005010X221A1) per payee into this folder, e.g. remit-835 "
        "(needs --profile); claims already remitted are not written again",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        type=Path,
        default=_env_path("HYGEIA_PAYER_PROFILE"),
        help="the payer profile (payer name, address, contact, tax id, bank; payees by NPI) "
        "the 835 identifies payer and payees from, e.g. payer.json (env HYGEIA_PAYER_PROFILE)",
    )
    parser.add_argument(
        "--x12-state",
        metavar="DIR",
        type=Path,
        default=Path(os.environ.get("HYGEIA_X12_STATE", DEFAULT_STATE_DIR)),
        help="where control numbers and the claims already remitted are kept (env "
        "HYGEIA_X12_STATE; default %(default)s)",
    )
    parser.add_argument(
        "--batch-size",
        metavar="N",
        type=int,
        default=DEFAULT_BATCH_SIZE,
        help="claims per transaction (default %(default)s)",
    )


def _salt_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--salt-file",
        metavar="FILE",
        type=Path,
        default=Path(os.environ.get("HYGEIA_CLAIMS_SALT_FILE", DEFAULT_SALT_FILE)),
        help="the payer's secret pseudonym salt, created on first use (env "
        "HYGEIA_CLAIMS_SALT_FILE; default %(default)s); a rerun needs the same salt",
    )


# ---------------------------------------------------------------------------- values


def _cents(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number of cents, got {text!r}")
    return int(text)


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def _claim_id(text: str) -> bytes:
    try:
        return parse_claim_id(text)
    except InvalidInputError:
        raise argparse.ArgumentTypeError(
            f"a claim id is 0x + 64 hex digits or its 50-character payer claim control "
            f"number, got {text!r}"
        ) from None


def _digest(text: str) -> bytes:
    try:
        return bytes32(text, "digest")
    except InvalidInputError:
        raise argparse.ArgumentTypeError(f"a digest is 32 bytes of hex, got {text!r}") from None


# ---------------------------------------------------------------------------- progress


@contextmanager
def _progress_bars(out: Output) -> Iterator[Callable[[RunProgress], None]]:
    """A progress bar per stage of a run, on stderr."""
    bars = Progress(
        TextColumn("{task.description:<20}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=out.err,
    )
    tasks: dict[str, Any] = {}

    def update(progress: RunProgress) -> None:
        if progress.stage not in tasks:
            tasks[progress.stage] = bars.add_task(_STAGES[progress.stage], total=progress.total)
        bars.update(tasks[progress.stage], completed=progress.done, total=progress.total)

    with bars:
        yield update


def _report(ctx: Context, result: RunResult, client: ClaimsAdjudicatorClient) -> int:
    args = ctx.args
    profile = None
    if args.x12_dir is not None:
        # Before anything is written: a missing profile is said at once.
        if args.profile is None:
            raise InvalidInputError(
                "--x12-dir needs the payer profile: --profile FILE (or HYGEIA_PAYER_PROFILE)"
            )
        profile = load_profile(args.profile)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        write_owner_only(args.out, (json.dumps(result.document, indent=2) + "\n").encode())
    files: list[RemittanceFile] = []
    if profile is not None:
        files = remit(
            client, result.claims, profile=profile, state_dir=args.x12_state, out_dir=args.x12_dir
        )
    claims = len(result.document["claims"])
    rate = result.adjudicated / result.seconds if result.seconds else 0.0
    summary = {
        "plan_ids": result.plan_ids,
        "claims": claims,
        "paid": sum(c["paid"] for c in result.document["claims"]),
        "submitted": result.submitted,
        "adjudicated": result.adjudicated,
        "settled": result.settled,
        "rejected": [r.as_dict() for r in result.rejected],
        "gas_used": result.gas_used,
        "seconds": round(result.seconds, 3),
        "claims_per_second": round(rate, 1),
        "remittance": str(args.out) if args.out else None,
        "x12_files": [str(f.path) for f in files],
        "x12": [
            {
                "file": str(f.path),
                "payee_npi": f.payee_npi,
                "control_number": f.control,
                "claims": f.claims,
                "payment": f.payment,
                "valid": f.verdict.ok,
            }
            for f in files
        ],  # fmt: skip
    }
    if args.out is None and ctx.out.as_json:
        summary["document"] = result.document
    human = (
        f"{claims} claims remitted ({result.submitted} submitted, {result.adjudicated} "
        f"adjudicated, {result.settled} settled now; {result.gas_used:,} gas, "
        f"{result.seconds:.1f} s)" + (f"; remittance {args.out}" if args.out else "")
    )
    if args.x12_dir is not None:
        human += f"; {len(files)} new 835 file(s), validated with pyx12"
    ctx.out.result(summary, human=human)
    for rejected in result.rejected:
        ctx.out.err.print(
            f"rejected claim {rejected.claim_ref} (provider {rejected.provider}): "
            + "; ".join(str(issue) for issue in rejected.issues)
        )
    return 0


# ---------------------------------------------------------------------------- commands


def _adjudicate_file(ctx: Context) -> int:
    args = ctx.args
    batch = load_batch(args.batch, args.plan)
    suite = ctx.suite(default_account="insurer")
    assert suite.sender is not None
    w3 = suite.w3
    with _progress_bars(ctx.out) as on_progress:
        runner = BatchRunner.on_local_chain(
            w3,
            suite.deployment,
            insurer=suite.sender.signer,
            regulator=dev_signer(w3, args.regulator),
            funder=dev_signer(w3, args.funder),
            salt=load_salt(args.salt_file),
            fund=not args.no_fund,
            batch_size=args.batch_size,
            on_progress=on_progress,
            confirmations=args.confirmations,
        )
        result = runner.run(batch)
    return _report(ctx, result, runner.claims)


def _adjudicate(ctx: Context) -> int:
    args = ctx.args
    suite = ctx.suite(default_account="insurer")
    with _progress_bars(ctx.out) as on_progress:
        result = adjudicate_pending(
            suite.claims,
            plan_ids=args.plan,
            from_block=args.from_block,
            batch_size=args.batch_size,
            on_progress=on_progress,
        )
    return _report(ctx, result, suite.claims)


def _remittance(ctx: Context) -> int:
    args = ctx.args
    suite = ctx.suite(default_account="insurer")
    with _progress_bars(ctx.out) as on_progress:
        result = adjudicate_pending(
            suite.claims,
            plan_ids=args.plan,
            from_block=args.from_block,
            batch_size=args.batch_size,
            on_progress=on_progress,
            adjudicate=False,
        )
    return _report(ctx, result, suite.claims)


def _plan(ctx: Context) -> int:
    suite = ctx.suite(read_only=True)
    plan = suite.claims.plan_of(ctx.args.plan_id)
    if plan is None:
        raise InvalidInputError(f"there is no plan {ctx.args.plan_id}")
    data = {
        "plan_id": ctx.args.plan_id,
        "insurer": plan.insurer,
        "plan_year": {"start": plan.year_start.isoformat(), "end": plan.year_end.isoformat()},
        "deductible": plan.deductible,
        "oop_max": plan.oop_max,
        "coinsurance_bps": plan.coinsurance_bps,
        "timely_filing_days": plan.timely_filing_days,
        "receipt_mode": plan.receipt_mode.name.lower(),
    }
    ctx.out.result(data)
    return 0


def _enrol(ctx: Context) -> int:
    args = ctx.args
    if args.start > args.end:
        raise InvalidInputError(f"coverage starts {args.start}, after it ends {args.end}")
    suite = ctx.suite(default_account="insurer")
    member_id = Pseudonyms(load_salt(args.salt_file)).member_id(args.member)
    patient = resolve_address(suite, args.patient)
    receipt = suite.claims.enrol_members(
        args.plan, [Enrolment(member_id, patient, args.start, args.end)]
    )
    return _done(
        ctx,
        f"enrolled member 0x{member_id.hex()} in plan {args.plan} for patient {patient}",
        receipt,
        {"member_id": "0x" + member_id.hex()},
    )


def _fund(ctx: Context) -> int:
    args = ctx.args
    suite = ctx.suite(default_account="insurer")
    assert suite.sender is not None
    token_address = suite.claims.token()
    insurer = suite.sender.address
    if args.mint_from is not None:
        minter = TxSender(suite.w3, dev_signer(suite.w3, args.mint_from), artifacts.suite_decoder())
        PaymentTokenClient(suite.w3, token_address, minter).mint(insurer, args.amount)
    # fund_escrow approves the escrow (which holds the tokens) when its allowance is short.
    receipt = suite.claims.fund_escrow(args.amount)
    return _done(
        ctx, f"funded the escrow of {insurer} with {args.amount:,} cents", receipt,
        {"escrow": suite.claims.escrow_of(insurer)},
    )  # fmt: skip


def _withdraw_escrow(ctx: Context) -> int:
    suite = ctx.suite(default_account="insurer")
    receipt = suite.claims.withdraw_escrow(ctx.args.amount)
    return _done(ctx, f"took {ctx.args.amount:,} cents of escrow back", receipt)


def _withdraw(ctx: Context) -> int:
    suite = ctx.suite(default_account="provider")
    assert suite.sender is not None
    amount = suite.claims.credit_of(suite.sender.address)
    receipt = suite.claims.withdraw()
    return _done(ctx, f"withdrew {amount:,} cents", receipt, {"amount": amount})


def _show(ctx: Context) -> int:
    suite = ctx.suite(read_only=True)
    claim_id = ctx.args.claim_id
    record = suite.claims.claim_of(claim_id)
    if record is None:
        raise InvalidInputError(f"there is no claim 0x{claim_id.hex()}")
    data: dict[str, Any] = {
        "claim_id": "0x" + claim_id.hex(),
        "payer_claim_control_number": payer_claim_number(claim_id),
        "provider": record.provider,
        "plan_id": record.plan_id,
        "member_id": "0x" + record.member_id.hex(),
        "received": record.received.isoformat(),
        "state": record.state.name.lower(),
        "appeal": suite.claims.appeal_of(claim_id).name.lower(),
        "lines": [
            {
                "code": line.code,
                "service_date": line.service_date.isoformat(),
                "units": line.units,
                "charge": line.charge,
            }
            for line in suite.claims.claim_lines(claim_id)
        ],
    }
    if record.status:
        remit = suite.claims.remittance_of(claim_id)
        data["remittance"] = {
            "status": str(remit.status),
            "charge": remit.charge,
            "paid": remit.paid,
            "patient_responsibility": remit.patient_responsibility,
            "lines": [
                {
                    "charge": line.charge,
                    "allowed": line.allowed,
                    "paid": line.paid,
                    "adjustments": [f"{a.group}-{a.reason} {a.amount}" for a in line.adjustments],
                }
                for line in remit.lines
            ],
        }
    ctx.out.result(data, human=f"claim {data['claim_id']}: {data['state']}")
    remitted = data.get("remittance", {}).get("lines")
    rows = []
    for number, line in enumerate(data["lines"], start=1):
        result = (
            remitted[number - 1] if remitted else {"allowed": "-", "paid": "-", "adjustments": []}
        )
        rows.append(
            [number, line["code"], line["service_date"], line["units"], line["charge"],
             result["allowed"], result["paid"], result["adjustments"]]
        )  # fmt: skip
    ctx.out.table(
        None,
        ["line", "code", "service date", "units", "charge", "allowed", "paid", "adjustments"],
        rows,
    )
    return 0


def _balance(ctx: Context) -> int:
    suite = ctx.suite(read_only=True)
    account = resolve_address(suite, ctx.args.who)
    token = PaymentTokenClient(suite.w3, suite.claims.token())
    data = {
        "account": account,
        "escrow": suite.claims.escrow_of(account),
        "credit": suite.claims.credit_of(account),
        "token_balance": token.balance_of(account),
    }
    ctx.out.result(data)
    return 0


def _reverse(ctx: Context) -> int:
    suite = ctx.suite(default_account="insurer")
    receipt = suite.claims.reverse_claim(ctx.args.claim_id)
    return _done(ctx, f"reversed claim 0x{ctx.args.claim_id.hex()}", receipt)


def _appeal(ctx: Context) -> int:
    suite = ctx.suite(default_account="provider")
    receipt = suite.claims.file_appeal(ctx.args.claim_id, ctx.args.reason_digest)
    return _done(ctx, f"appealed claim 0x{ctx.args.claim_id.hex()}", receipt)


def _decide(ctx: Context) -> int:
    suite = ctx.suite(default_account="insurer")
    outcome = _OUTCOMES[ctx.args.outcome]
    receipt = suite.claims.decide_appeal(ctx.args.claim_id, outcome, ctx.args.decision_digest)
    return _done(ctx, f"appeal of claim 0x{ctx.args.claim_id.hex()} {ctx.args.outcome}", receipt)


def _done(ctx: Context, what: str, receipt: Receipt, extra: dict[str, Any] | None = None) -> int:
    data = {
        "action": what,
        "tx": receipt.tx_hash,
        "block": receipt.block_number,
        "gas_used": receipt.gas_used,
        **(extra or {}),
    }
    ctx.out.result(data, human=f"{what} (tx {receipt.tx_hash}, {receipt.gas_used:,} gas)")
    return 0
