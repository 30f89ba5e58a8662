"""The 835 health care claim payment advice (005010X221A1) of what settled on-chain, one file per
payee and run, validated with pyx12 and balanced before it is written.

What goes in an 835: every claim record not remitted yet whose payment settled (paid, $0 or
denied) and every reversal record (CLP02 22, amounts negated). A claim whose payment is pending
(the escrow was short) is left for the 835 of the run that settles it: an 835 is the advice of
money that moved. A rerun finds every record in the remittance state and writes nothing.

Money: BPR02 = sum of CLP04 - sum of PLB. When a reversal takes back more than the file pays, the
rest is carried forward (PLB FB with a negative amount, so BPR02 is 0) and recovered from the
payee's next 835s (PLB FB, positive), as the chain recoups it from the provider's credit or later
payments. Identification comes from the payer profile: payer name, address and contact (N1*PR,
N3, N4, PER*BL), payee NPI (N1*PE ... XX), tax id (REF*TJ) and banks (BPR, ACH when both have
one, else CHK); CLP07 is the payer claim control number (hygeia.claims.ids.payer_claim_number).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pyx12.errors
import pyx12.x12file

from hygeia.claims.client import ClaimsAdjudicatorClient
from hygeia.claims.model import ClaimLine
from hygeia.claims.remittance import PROCESSED_AS_PRIMARY, ReportedClaim
from hygeia.claims.x12.profile import Payee, PayerProfile
from hygeia.claims.x12.state import Forward, Ledger, RemittanceState
from hygeia.claims.x12.validate import Verdict, validate_x12
from hygeia.core.chain.connection import call_node
from hygeia.core.contract_types import ClaimState
from hygeia.core.errors import InvalidInputError, RemittanceStateError, X12Error, X12Issue
from hygeia.core.files import write_owner_only

_CENTS = 100
_ID_WIDTH = 15
_CLP01_MAX = 38
_CAS_TRIPLETS = 6
#: What an element of ours may carry: no delimiter (* ~ : ^) and nothing outside X12's sets.
_ELEMENT = re.compile(r"^[A-Za-z0-9 .,&'()/#@!?;=+_-]+$")
_REMITTED_STATES = (ClaimState.SETTLED, ClaimState.REVERSED, ClaimState.REVERSAL)

LinesOf = Callable[[bytes], Sequence[ClaimLine[bytes]]]


@dataclass(frozen=True)
class RemittanceFile:
    """An 835 written: where, for whom, its control number, its claims and the money."""

    path: Path
    payee_npi: str
    control: int
    claims: int
    payment: int
    verdict: Verdict


def remit(
    client: ClaimsAdjudicatorClient,
    claims: Sequence[ReportedClaim],
    *,
    profile: PayerProfile,
    state_dir: Path,
    out_dir: Path,
    created: datetime | None = None,
) -> list[RemittanceFile]:
    """write_remittances for claims read from `client`'s deployment: the state is kept per
    sender (the profile's interchange id) and deployment (chain id and adjudicator address);
    the files are dated `created`, by default the chain's latest block time."""
    w3 = client.w3
    rpc = getattr(w3.provider, "endpoint_uri", None) or "the node"
    chain_id = call_node(rpc, lambda: w3.eth.chain_id)
    if created is None:
        block = call_node(rpc, lambda: w3.eth.get_block("latest"))
        created = datetime.fromtimestamp(int(block["timestamp"]), tz=timezone.utc)
    return write_remittances(
        claims,
        client.claim_lines,
        profile=profile,
        state=RemittanceState(state_dir, profile.interchange_id),
        scope=f"{chain_id}:{client.address}",
        out_dir=out_dir,
        created=created,
    )


def write_remittances(
    claims: Sequence[ReportedClaim],
    lines_of: LinesOf,
    *,
    profile: PayerProfile,
    state: RemittanceState,
    scope: str,
    out_dir: Path,
    created: datetime,
) -> list[RemittanceFile]:
    """Write an 835 per payee with the records of `claims` not remitted yet (see the module).
    `lines_of` gives a record's submitted lines (ClaimsAdjudicatorClient.claim_lines); `scope`
    names the deployment in the remittance state; `created` (UTC) dates the files. Every file
    passes pyx12's validator and the balancing rules, or nothing is written (X12Error)."""
    if created.tzinfo is None:
        raise InvalidInputError("the 835 creation time must be timezone-aware (UTC)")
    groups: dict[str, tuple[Payee, list[ReportedClaim]]] = {}
    for claim in claims:
        if claim.record.state not in _REMITTED_STATES:
            continue
        payee = profile.payee(label=claim.entry.provider_label, address=claim.record.provider)
        groups.setdefault(payee.npi, (payee, []))[1].append(claim)

    pending: list[tuple[Path, str, RemittanceFile]] = []
    with state.open() as ledger:
        _publish_pending(ledger)  # what a stopped run numbered, first
        for npi in sorted(groups):
            payee, group = groups[npi]
            new = [c for c in group if ledger.remitted_in(scope, c.record.claim_id) is None]
            if not new:
                continue
            control = ledger.next_control()
            text, payment = _transaction(
                new, lines_of, profile, payee, control, created, ledger, scope
            )
            verdict = validate_x12(text)
            if not verdict.ok:
                raise X12Error(
                    f"the 835 for payee {npi} fails pyx12's validation", list(verdict.issues)
                )
            unbalanced = balance_issues(text)
            if unbalanced:
                raise X12Error(f"the 835 for payee {npi} does not balance", unbalanced)
            for claim in new:
                ledger.mark_remitted(scope, claim.record.claim_id, control)
            path = out_dir / f"835-{npi}-{control:09d}.x12"
            pending.append(
                (path, text, RemittanceFile(path, npi, control, len(new), payment, verdict))
            )
        if not pending:
            return []
        # Crash safety: the files go to temporary names first, then the ledger (their control
        # numbers, the records they remit) is saved, then they are published under their own
        # names, never over another file. A run stopped before the save published nothing (its
        # numbers are free again); one stopped after it is finished by the next run.
        out_dir.mkdir(parents=True, exist_ok=True)
        for path, text, _ in pending:
            write_owner_only(_temporary(path), text, sync=True)  # names members and claims
            ledger.pending[str(path.absolute())] = _digest(text)
        state.commit(ledger)
        _publish_pending(ledger)
    return [written for _, _, written in pending]


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _publish_pending(ledger: Ledger) -> None:
    """Move the 835s the ledger numbered to their own names (see write_remittances): a file
    already there is kept if it is the same text, and is never replaced by another."""
    for name, digest in sorted(ledger.pending.items()):
        path = Path(name)
        temporary = _temporary(path)
        try:
            os.link(temporary, path)
        except FileExistsError:
            if _file_digest(path) != digest:
                raise RemittanceStateError(
                    f"{path} exists with other content: the 835 numbered for it is left in "
                    f"{temporary}; nothing was overwritten"
                ) from None
        except FileNotFoundError:
            if _file_digest(path) != digest:
                raise RemittanceStateError(
                    f"the 835 {path} was numbered in the remittance state but neither it nor "
                    f"{temporary} is there"
                ) from None
        except OSError as exc:
            raise RemittanceStateError(f"cannot publish {path}: {exc}") from None
        temporary.unlink(missing_ok=True)
        del ledger.pending[name]


def _file_digest(path: Path) -> str | None:
    try:
        return _digest(path.read_text())
    except (FileNotFoundError, UnicodeDecodeError):
        return None


def _transaction(
    claims: Sequence[ReportedClaim],
    lines_of: LinesOf,
    profile: PayerProfile,
    payee: Payee,
    control: int,
    created: datetime,
    ledger: Ledger,
    scope: str,
) -> tuple[str, int]:
    """The interchange text of one 835, and what it pays (BPR02, cents)."""
    day = created.strftime("%Y%m%d")
    total = sum(c.remittance.paid for c in claims)
    adjustments: list[tuple[str, int]] = []  # PLB FB (reference, amount)
    carried = ledger.carried(scope, payee.npi)
    if total < 0:
        reference = carried.reference if carried else _reference(claims)
        adjustments.append((reference, total))
        owed = (carried.amount if carried else 0) - total
        ledger.carry(scope, payee.npi, Forward(owed, reference))
    elif carried is not None and total > 0:
        recovered = min(carried.amount, total)
        adjustments.append((carried.reference, recovered))
        ledger.carry(scope, payee.npi, Forward(carried.amount - recovered, carried.reference))
    payment = total - sum(amount for _, amount in adjustments)

    body = [
        _bpr(payment, profile, payee, day),
        _seg("TRN", "1", str(control), "1" + profile.tax_id),
    ]
    body.append(_seg("DTM", "405", day))
    body += [
        _seg("N1", "PR", profile.name),
        _seg("N3", profile.address.line),
        _seg("N4", profile.address.city, profile.address.state, profile.address.zip),
    ]
    contact = profile.contact
    numbers: list[str] = []
    if contact.phone:
        numbers += ["TE", contact.phone]
    if contact.email:
        numbers += ["EM", contact.email]
    body.append(_seg("PER", "BL", contact.name, *numbers))
    body.append(_seg("N1", "PE", payee.name, "XX", payee.npi))
    if payee.address is not None:
        body += [
            _seg("N3", payee.address.line),
            _seg("N4", payee.address.city, payee.address.state, payee.address.zip),
        ]
    if payee.tax_id:
        body.append(_seg("REF", "TJ", payee.tax_id))
    body.append(_seg("LX", "1"))
    for claim in claims:
        body += _claim_segments(claim, lines_of(claim.record.claim_id), profile)
    fiscal_end = f"{created.year}1231"
    body += [
        _seg("PLB", payee.npi, fiscal_end, f"FB:{ref}", _money(amount))
        for ref, amount in adjustments
    ]

    st02 = f"{control:04d}"
    transaction = [_seg("ST", "835", st02), *body]
    transaction.append(_seg("SE", str(len(transaction) + 1), st02))
    sender = profile.interchange_id.ljust(_ID_WIDTH)
    receiver = payee.npi.ljust(_ID_WIDTH)
    isa = (
        f"ISA*00*{' ' * 10}*00*{' ' * 10}*{profile.interchange_qualifier.ljust(2)}*{sender}"
        f"*ZZ*{receiver}*{created.strftime('%y%m%d')}*{created.strftime('%H%M')}*^*00501"
        f"*{control:09d}*0*{profile.usage}*:"
    )
    segments = [
        isa,
        _seg(
            "GS",
            "HP",
            profile.application_id,
            payee.npi,
            day,
            created.strftime("%H%M"),
            str(control),
            "X",
            "005010X221A1",
        ),  # fmt: skip
        *transaction,
        _seg("GE", "1", str(control)),
        _seg("IEA", "1", f"{control:09d}"),
    ]
    return "~\n".join(segments) + "~\n", payment


def _claim_segments(
    claim: ReportedClaim, lines: Sequence[ClaimLine[bytes]], profile: PayerProfile
) -> list[str]:
    remit, record = claim.remittance, claim.record
    icn = claim.payer_claim_number
    label = claim.entry.label
    clp01 = label if len(label) <= _CLP01_MAX and _ELEMENT.match(label) else icn[:_CLP01_MAX]
    member = claim.entry.member_label
    if member is None or len(member) > 80 or not _ELEMENT.match(member):
        member = "0x" + record.member_id.hex()
    patient = remit.patient_responsibility
    out = [
        _seg(
            "CLP",
            clp01,
            str(claim.status),
            _money(remit.charge),
            _money(remit.paid),
            _money(patient) if patient else "",
            profile.claim_filing_indicator,
            icn,
        ),  # fmt: skip
        _seg("NM1", "QC", "1", "", "", "", "", "", "MI", member),
        _seg("DTM", "050", record.received.strftime("%Y%m%d")),
    ]
    labels = claim.entry.line_labels or tuple(range(1, len(remit.lines) + 1))
    for number, line, submitted in zip(labels, remit.lines, lines, strict=True):
        out.append(
            _seg(
                "SVC",
                f"HC:{submitted.code}",
                _money(line.charge),
                _money(line.paid),
                "",
                str(submitted.units),
            )  # fmt: skip
        )
        out.append(_seg("DTM", "472", submitted.service_date.strftime("%Y%m%d")))
        by_group: dict[str, list[tuple[int, int]]] = {}
        for adjustment in line.adjustments:
            by_group.setdefault(adjustment.group, []).append((adjustment.reason, adjustment.amount))
        for group, pairs in by_group.items():
            for start in range(0, len(pairs), _CAS_TRIPLETS):
                elements: list[str] = [group]
                for reason, amount in pairs[start : start + _CAS_TRIPLETS]:
                    elements += [str(reason), _money(amount), ""]
                out.append(_seg("CAS", *elements))
        out.append(_seg("REF", "6R", str(number)))
        out.append(_seg("AMT", "B6", _money(line.allowed)))
    return out


def _bpr(payment: int, profile: PayerProfile, payee: Payee, day: str) -> str:
    empty = [""] * 11  # BPR05-BPR15
    if payment == 0:
        return _seg("BPR", "H", "0", "C", "NON", *empty, day)
    if profile.bank is not None and payee.bank is not None:
        return _seg(
            "BPR", "I", _money(payment), "C", "ACH", "CCP",
            "01", profile.bank.routing, "DA", profile.bank.account, "1" + profile.tax_id, "",
            "01", payee.bank.routing, "DA", payee.bank.account, day,
        )  # fmt: skip
    return _seg("BPR", "C", _money(payment), "C", "CHK", *empty, day)


def _reference(claims: Sequence[ReportedClaim]) -> str:
    """What a balance carried forward is carried under: the first reversed claim's number."""
    reversals = [c for c in claims if c.status != PROCESSED_AS_PRIMARY and c.remittance.paid < 0]
    return (reversals or list(claims))[0].payer_claim_number


def _seg(segment_id: str, *elements: str) -> str:
    values = list(elements)
    while values and values[-1] == "":
        values.pop()
    return "*".join([segment_id, *values])


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), _CENTS)
    return f"{sign}{whole}.{part:02d}"


# ---------------------------------------------------------------------------- balancing


def balance_issues(text: str) -> list[X12Issue]:
    """The 835 balancing rules an 835 breaks (none: it balances): BPR02 = sum CLP04 - sum PLB;
    per claim CLP03 - CLP04 = sum of its CAS and CLP05 = sum of its PR adjustments; per service
    line SVC02 - SVC03 = sum of its CAS. Read with pyx12's segment reader."""
    issues: list[X12Issue] = []
    bpr: tuple[int, Decimal] | None = None
    paid_total = plb_total = Decimal(0)
    claim: dict[str, Decimal] | None = None
    claim_line = 0
    service: tuple[int, Decimal] | None = None

    def close_service() -> None:
        nonlocal service
        if service is not None and service[1] != 0:
            issues.append(
                X12Issue(service[0], "SVC", "SVC03", f"SVC02 - SVC03 - CAS = {service[1]}")
            )
        service = None

    def close_claim() -> None:
        nonlocal claim
        close_service()
        if claim is not None:
            if claim["unexplained"] != 0:
                issues.append(
                    X12Issue(
                        claim_line, "CLP", "CLP04", f"CLP03 - CLP04 - CAS = {claim['unexplained']}"
                    )
                )
            if claim["patient"] != claim["pr"]:
                issues.append(
                    X12Issue(
                        claim_line,
                        "CLP",
                        "CLP05",
                        f"CLP05 {claim['patient']} != sum of PR {claim['pr']}",
                    )
                )
        claim = None

    try:
        reader = pyx12.x12file.X12Reader(io.StringIO(text))
        for seg in reader:
            seg_id = seg.get_seg_id()
            line = reader.get_cur_line()
            if seg_id == "BPR":
                bpr = (line, _amount(seg.get_value("BPR02")))
            elif seg_id == "CLP":
                close_claim()
                charge, paid = _amount(seg.get_value("CLP03")), _amount(seg.get_value("CLP04"))
                paid_total += paid
                claim = {"unexplained": charge - paid, "patient": _amount(seg.get_value("CLP05")),
                         "pr": Decimal(0)}  # fmt: skip
                claim_line = line
            elif seg_id == "SVC":
                close_service()
                charge, paid = _amount(seg.get_value("SVC02")), _amount(seg.get_value("SVC03"))
                service = (line, charge - paid)
            elif seg_id == "CAS" and claim is not None:
                group = seg.get_value("CAS01")
                for position in range(2, 20, 3):
                    amount = _amount(seg.get_value(f"CAS{position + 1:02d}"))
                    claim["unexplained"] -= amount
                    if group == "PR":
                        claim["pr"] += amount
                    if service is not None:
                        service = (service[0], service[1] - amount)
            elif seg_id == "PLB":
                close_claim()
                for position in range(4, 16, 2):
                    plb_total += _amount(seg.get_value(f"PLB{position:02d}"))
            elif seg_id in ("SE", "LX"):
                close_claim()
    except pyx12.errors.X12Error as exc:
        return [X12Issue(None, None, None, f"not an X12 document: {exc}")]
    if bpr is None:
        issues.append(X12Issue(None, "BPR", None, "no BPR segment"))
    elif bpr[1] != paid_total - plb_total:
        issues.append(
            X12Issue(
                bpr[0],
                "BPR",
                "BPR02",
                f"BPR02 {bpr[1]} != sum CLP04 {paid_total} - sum PLB {plb_total}",
            )
        )
    return issues


def _amount(value: str | None) -> Decimal:
    return Decimal(value) if value else Decimal(0)
