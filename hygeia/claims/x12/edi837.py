"""Claims from an X12 837P professional claim file (005010X222A1), read and validated with pyx12.

From each claim (loop 2300): the billing provider's NPI (2010AA NM109), the subscriber's member
id (2010BA NM109), the claim number (CLM01) and charge (CLM02), the prior authorization (REF*G1
of the claim, or of a line), the received day (DTP*050 of the claim, else the transaction's
creation date BHT04), and per service line (2400) its number (LX01), procedure code (SV101-2),
charge (SV102), units (SV104) and service date (DTP*472, the first day of a range).

A file pyx12 cannot read, or whose defects lie outside any claim (the envelope, the submitter,
a billing provider or subscriber loop), is refused whole with each defect's line, segment and
element: nothing is sent. A defect inside a claim, or a claim the suite cannot take (CLM02 not
the sum of its lines, a service date after it was received, more lines than a claim holds, a
claim number repeated), rejects that claim only, as a 277CA would, and the others run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyx12.error_handler
import pyx12.errors
import pyx12.params
import pyx12.x12context

from hygeia.claims.batch import RejectedClaim, check_claim
from hygeia.claims.model import Claim, ClaimLine
from hygeia.claims.x12.validate import validate_x12
from hygeia.core.errors import InvalidInputError, X12Error, X12Issue

IMPLEMENTATION = "005010X222A1"
_MISSING_SEGMENT = "(code 3)"


class _Defect(InvalidInputError):
    """A claim the suite cannot take, at this segment and element."""

    def __init__(self, line: int, segment: str, element: str | None, message: str) -> None:
        super().__init__(message)
        self.issue = X12Issue(line, segment, element, message)


@dataclass
class _RawLine:
    line: int
    number: str | None
    code: str | None
    charge: str | None
    units: str | None
    service_date: str | None
    auth: str | None


@dataclass
class _RawClaim:
    line: int
    claim_ref: str
    charge: str | None
    provider: str | None
    member: str | None
    received: str | None
    auth: str | None
    lines: list[_RawLine] = field(default_factory=list)
    last_line: int = 0
    issues: list[X12Issue] = field(default_factory=list)


def read_837p(path: Path) -> tuple[tuple[Claim[str], ...], tuple[RejectedClaim, ...]]:
    """The claims of the 837P file at `path` that can be adjudicated, and those rejected."""
    try:
        text = Path(path).read_text(encoding="ascii")
    except FileNotFoundError:
        raise InvalidInputError(f"837P file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise X12Error(
            f"{path} is not an X12 file", [X12Issue(None, None, None, str(exc))]
        ) from None
    verdict = validate_x12(text)
    raw = _read(text, path)
    outside: list[X12Issue] = []
    for issue in verdict.issues:
        line = issue.line
        if line is not None and _MISSING_SEGMENT in issue.message:
            line -= 1  # pyx12 names a missing segment at the segment after the loop it ends
        owner = next((c for c in raw if line is not None and c.line <= line <= c.last_line), None)
        if owner is None:
            outside.append(issue)
        else:
            owner.issues.append(issue)
    if outside:
        raise X12Error(f"{path} is refused (nothing was sent)", outside)

    claims: list[Claim[str]] = []
    rejected: list[RejectedClaim] = []
    seen: set[str] = set()
    for item in raw:
        if not item.issues and item.claim_ref in seen:
            item.issues.append(
                X12Issue(
                    item.line, "CLM", "CLM01", f"claim {item.claim_ref!r} appears twice in the file"
                )
            )
        if not item.issues:
            try:
                claim = _claim(item)
                check_claim(claim, f"claim {item.claim_ref}")
            except _Defect as exc:
                item.issues.append(exc.issue)
            except InvalidInputError as exc:
                item.issues.append(X12Issue(item.line, "CLM", None, str(exc)))
            else:
                claims.append(claim)
                seen.add(item.claim_ref)
                continue
        rejected.append(RejectedClaim(item.claim_ref, item.provider or "", tuple(item.issues)))
    return tuple(claims), tuple(rejected)


def _read(text: str, path: Path) -> list[_RawClaim]:
    """The claims of the file as pyx12 reads them, with the lines each spans."""
    import io

    claims: list[_RawClaim] = []
    provider = member = created = None
    param = pyx12.params.params()
    try:
        with pyx12.x12context.X12ContextReader(
            param, pyx12.error_handler.errh_null(), io.StringIO(text)
        ) as reader:
            for node in reader.iter_segments("2300"):
                start = int(node.cur_line_number or 0)
                if claims and claims[-1].last_line == 0:
                    claims[-1].last_line = start - 1
                loop_path = node.cur_path
                if node.id == "GS" and node.get_value("GS08") != IMPLEMENTATION:
                    raise X12Error(
                        f"{path} is not an 837P",
                        [X12Issue(start, "GS", "GS08", f"expected {IMPLEMENTATION}, got "
                                  f"{node.get_value('GS08')!r}")],
                    )  # fmt: skip
                if node.id == "BHT":
                    created = node.get_value("BHT04")
                elif loop_path.endswith("2010AA/NM1"):
                    provider = node.get_value("NM109")
                elif loop_path.endswith("2010BA/NM1"):
                    member = node.get_value("NM109")
                elif node.id == "2300":
                    claims.append(_raw_claim(node, start, provider, member, created))
    except (pyx12.errors.X12Error, pyx12.errors.EngineError) as exc:
        raise X12Error(
            f"{path} cannot be read as X12", [X12Issue(None, None, None, str(exc))]
        ) from None
    if claims and claims[-1].last_line == 0:
        claims[-1].last_line = 10**9
    return claims


def _raw_claim(
    node: pyx12.x12context.X12DataNode,
    start: int,
    provider: str | None,
    member: str | None,
    created: str | None,
) -> _RawClaim:
    claim = _RawClaim(
        line=start,
        claim_ref=node.get_value("CLM01") or "",
        charge=node.get_value("CLM02"),
        provider=provider,
        member=member,
        received=node.get_value("DTP[050]03") or created,
        auth=node.get_value("REF[G1]02"),
    )
    for service in node.select("2400"):
        claim.lines.append(
            _RawLine(
                line=int(service.cur_line_number or start),
                number=service.get_value("LX01"),
                code=service.get_value("SV101-2"),
                charge=service.get_value("SV102"),
                units=service.get_value("SV104"),
                service_date=service.get_value("DTP[472]03"),
                auth=service.get_value("REF[G1]02"),
            )
        )
    return claim


def _claim(raw: _RawClaim) -> Claim[str]:
    where = f"claim {raw.claim_ref}"
    if not raw.provider:
        raise _Defect(raw.line, "NM1", "NM109", f"{where}: no billing provider NPI (2010AA)")
    if not raw.member:
        raise _Defect(raw.line, "NM1", "NM109", f"{where}: no subscriber member id (2010BA)")
    lines = tuple(
        ClaimLine(
            code=(item.code or "").upper(),
            service_date=_date(item.service_date, f"{where} line {item.number} DTP*472"),
            units=_whole(item.units, f"{where} line {item.number} SV104"),
            charge=_cents(item.charge, f"{where} line {item.number} SV102"),
            auth_id=item.auth or raw.auth,
            line=_whole(item.number, f"{where} LX01"),
        )
        for item in raw.lines
    )
    charge = _cents(raw.charge, f"{where} CLM02")
    if charge != sum(line.charge for line in lines):
        raise _Defect(
            raw.line, "CLM", "CLM02",
            f"{where}: CLM02 {raw.charge} is not the sum of its lines' charges (SV102)",
        )  # fmt: skip
    return Claim(
        claim_ref=raw.claim_ref,
        plan_id=0,
        member_id=raw.member,
        received=_date(raw.received, f"{where} received (DTP*050 or BHT04)"),
        lines=lines,
        provider=raw.provider,
    )


def _date(value: str | None, where: str) -> date:
    text = (value or "").split("-")[0]
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise InvalidInputError(f"{where}: expected a date CCYYMMDD, got {value!r}") from None


def _cents(value: str | None, where: str) -> int:
    try:
        cents = Decimal(value or "") * 100
    except InvalidOperation:
        raise InvalidInputError(f"{where}: expected an amount, got {value!r}") from None
    if cents != cents.to_integral_value():
        raise InvalidInputError(f"{where}: {value} has fractions of a cent")
    return int(cents)


def _whole(value: str | None, where: str) -> int:
    try:
        number = Decimal(value or "")
    except InvalidOperation:
        raise InvalidInputError(f"{where}: expected a number, got {value!r}") from None
    if number != number.to_integral_value():
        raise InvalidInputError(f"{where}: expected a whole number, got {value}")
    return int(number)
