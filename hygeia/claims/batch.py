"""Read and check an adjudication batch: the JSON input of `hygeia claims adjudicate-file`, or an
X12 837P file of claims with a JSON file of the payer's plan, members and authorizations.

    {"plan": {"plan_id", "plan_year": {"start", "end"}, "deductible", "oop_max",
              "coinsurance_bps", "timely_filing_days",
              "services": {"<code>": {"allowed", "copay", "deductible_applies",
                                      "coinsurance_applies", "prior_auth", "annual_limit"}}},
     "members": [{"member_id", "coverage": {"start", "end"}}],
     "authorizations": [{"member_id", "code", "auth_id", "start", "end"}],
     "claims": [{"claim_id", "member_id", "provider", "received",
                 "lines": [{"line", "code", "service_date", "units", "charge", "auth_id"}]}]}

Dates are ISO 8601 (YYYY-MM-DD); amounts are integer cents. Service defaults: copay 0,
deductible and coinsurance apply, no prior authorization, no annual limit. A line's number
defaults to its position (from 1) and its authorization to none. Every error names the field.
The claims of an 837P file come from it (hygeia.claims.x12.edi837) and the plan file has no
"claims"; the types are those of hygeia.claims.model, in the payer's words (`str` ids).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hygeia.claims.ids import encode_code
from hygeia.claims.model import Authorization, Claim, ClaimLine, Enrolment, Plan, PlanTerms, Service
from hygeia.core.contract_types import ClaimsAdjudicatorConstants
from hygeia.core.errors import InvalidInputError, X12Issue

MAX_CENTS = 2**40 - 1  # the contract's uint40 amounts
MAX_UNITS = 2**32 - 1
MAX_BPS = 10_000
MAX_FILING_DAYS = 2**16 - 1
MAX_LINES_PER_CLAIM = ClaimsAdjudicatorConstants.MAX_LINES_PER_CLAIM


@dataclass(frozen=True)
class RejectedClaim:
    """A claim of an input file refused before anything was sent (as a 277CA rejects a claim):
    its claim number, its provider and why, with the line, segment and element of each defect."""

    claim_ref: str
    provider: str
    issues: tuple[X12Issue, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim_ref,
            "provider": self.provider,
            "issues": [issue.as_dict() for issue in self.issues],
        }


@dataclass(frozen=True)
class PayerSetup:
    """What the payer itself knows: the plan, its members and the prior authorizations."""

    plan: Plan
    members: tuple[Enrolment[str], ...]
    authorizations: tuple[Authorization[str], ...]


@dataclass(frozen=True)
class Batch:
    plan: Plan
    members: tuple[Enrolment[str], ...]
    authorizations: tuple[Authorization[str], ...]
    claims: tuple[Claim[str], ...]
    #: Claims of an 837P input refused before anything was sent (the rest run).
    rejected: tuple[RejectedClaim, ...] = ()


def is_x12(path: Path) -> bool:
    """Whether the file at `path` is an X12 interchange (begins with ISA), not a JSON batch."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(16)
    except FileNotFoundError:
        raise InvalidInputError(f"batch file not found: {path}") from None
    return head.lstrip().startswith(b"ISA")


def load_batch(path: Path, plan_file: Path | None = None) -> Batch:
    """Parse and check the batch at `path`: a JSON batch, or an X12 837P file whose plan,
    members and authorizations are in the JSON `plan_file`. A bad 837P claim is rejected (in
    `Batch.rejected`) and the rest kept; a malformed file raises X12Error before anything."""
    if is_x12(path):
        if plan_file is None:
            raise InvalidInputError(
                f"{path} is an X12 837P file: give the plan, members and authorizations it "
                "is adjudicated under as a JSON plan file (--plan FILE)"
            )
        from hygeia.claims.x12.edi837 import read_837p

        setup = parse_setup(_read_json(plan_file, "plan file"), claims_allowed=False)
        claims, rejected = read_837p(path)
        return Batch(setup.plan, setup.members, setup.authorizations, claims, rejected)
    if plan_file is not None:
        raise InvalidInputError(f"{path} is a JSON batch: it has its own plan (drop --plan)")
    return parse_batch(_read_json(path, "batch file"))


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise InvalidInputError(f"{what} not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"cannot read {what} {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{path} is not valid JSON: {exc}") from None


def parse_setup(data: Any, *, claims_allowed: bool = True) -> PayerSetup:
    """Check the plan, members and authorizations of a decoded batch or plan file."""
    root = _object(data, "batch")
    if not claims_allowed and "claims" in root:
        raise InvalidInputError(
            "plan file: has 'claims', but the claims come from the 837P file (use a plan file "
            "without them, or run the JSON batch alone)"
        )
    plan = _plan(_object(_field(root, "plan", "batch"), "plan"))
    members = tuple(
        _member(_object(m, f"members[{i}]"), f"members[{i}]")
        for i, m in enumerate(_list(root.get("members", []), "members"))
    )
    _unique([m.member_id for m in members], "members", "member_id")
    enrolled = {m.member_id for m in members}
    authorizations = tuple(
        _authorization(_object(a, f"authorizations[{i}]"), f"authorizations[{i}]", enrolled)
        for i, a in enumerate(_list(root.get("authorizations", []), "authorizations"))
    )
    _unique(
        [(a.member_id, a.auth_id) for a in authorizations], "authorizations", "auth_id of a member"
    )
    return PayerSetup(plan, members, authorizations)


def parse_batch(data: Any) -> Batch:
    """Check a decoded batch document and return it typed, with the defaults filled in."""
    setup = parse_setup(data)
    root = _object(data, "batch")
    claims = tuple(
        _claim(_object(c, f"claims[{i}]"), f"claims[{i}]")
        for i, c in enumerate(_list(_field(root, "claims", "batch"), "claims"))
    )
    _unique([c.claim_ref for c in claims], "claims", "claim_id")
    return Batch(setup.plan, setup.members, setup.authorizations, claims)


def check_claim(claim: Claim[str], where: str) -> None:
    """The checks every claim passes before it is sent, whatever file it came from; an
    InvalidInputError names the field (`where` + the field's name)."""
    if not 1 <= len(claim.lines) <= MAX_LINES_PER_CLAIM:
        raise InvalidInputError(
            f"{where}.lines: a claim has 1 to {MAX_LINES_PER_CLAIM} lines, got {len(claim.lines)}"
        )
    _unique(list(claim.line_numbers), f"{where}.lines", "line")
    for i, line in enumerate(claim.lines):
        at = f"{where}.lines[{i}]"
        try:
            encode_code(line.code)
        except InvalidInputError as exc:
            raise InvalidInputError(f"{at}.code: {exc}") from None
        if not 1 <= line.units <= MAX_UNITS:
            raise InvalidInputError(
                f"{at}.units: expected an integer from 1 to {MAX_UNITS:,}, got {line.units!r}"
            )
        if not 1 <= line.charge <= MAX_CENTS:
            raise InvalidInputError(
                f"{at}.charge: expected an integer from 1 to {MAX_CENTS:,}, got {line.charge!r}"
            )
        # The contract refuses it too; said here, the batch fails before any transaction.
        if line.service_date > claim.received:
            raise InvalidInputError(
                f"{at}.service_date: {line.service_date} is after the claim's received day "
                f"{claim.received}"
            )


# ---------------------------------------------------------------------------- sections


def _plan(raw: Mapping[str, Any]) -> Plan:
    where = "plan"
    year = _object(_field(raw, "plan_year", where), "plan.plan_year")
    start, end = _period(year, "plan.plan_year", "start", "end")
    services_raw = _object(_field(raw, "services", where), "plan.services")
    services = tuple(
        _service(code, _object(entry, f"plan.services.{code}"), f"plan.services.{code}")
        for code, entry in services_raw.items()
    )
    _unique([encode_code(s.code) for s in services], "plan.services", "code")
    terms = PlanTerms(
        year_start=start,
        year_end=end,
        deductible=_cents(raw, "deductible", where),
        oop_max=_cents(raw, "oop_max", where),
        coinsurance_bps=_integer(raw, "coinsurance_bps", where, 0, MAX_BPS),
        timely_filing_days=_integer(raw, "timely_filing_days", where, 0, MAX_FILING_DAYS),
    )
    return Plan(_identifier(raw, "plan_id", where), terms, services)


def _service(code: str, raw: Mapping[str, Any], where: str) -> Service:
    try:
        encode_code(code)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{where}: {exc}") from None
    limit = raw.get("annual_limit")
    return Service(
        code=code.upper(),
        allowed_per_unit=_cents(raw, "allowed", where),
        copay=_cents(raw, "copay", where, default=0),
        annual_limit=None if limit is None else _integer(raw, "annual_limit", where, 0, MAX_UNITS),
        deductible_applies=_boolean(raw, "deductible_applies", where, default=True),
        coinsurance_applies=_boolean(raw, "coinsurance_applies", where, default=True),
        prior_auth_required=_boolean(raw, "prior_auth", where, default=False),
    )


def _member(raw: Mapping[str, Any], where: str) -> Enrolment[str]:
    coverage = _object(_field(raw, "coverage", where), f"{where}.coverage")
    start, end = _period(coverage, f"{where}.coverage", "start", "end")
    return Enrolment(_identifier(raw, "member_id", where), "", start, end)


def _authorization(raw: Mapping[str, Any], where: str, enrolled: set[str]) -> Authorization[str]:
    member = _identifier(raw, "member_id", where)
    if member not in enrolled:
        raise InvalidInputError(f"{where}.member_id: {member!r} is not among the members")
    start, end = _period(raw, where, "start", "end")
    return Authorization(
        member_id=member,
        auth_id=_identifier(raw, "auth_id", where),
        code=_code(raw, where),
        start=start,
        end=end,
    )


def _claim(raw: Mapping[str, Any], where: str) -> Claim[str]:
    lines_raw = _list(_field(raw, "lines", where), f"{where}.lines")
    if not 1 <= len(lines_raw) <= MAX_LINES_PER_CLAIM:
        raise InvalidInputError(
            f"{where}.lines: a claim has 1 to {MAX_LINES_PER_CLAIM} lines, got {len(lines_raw)}"
        )
    lines = tuple(
        _line(_object(item, f"{where}.lines[{i}]"), f"{where}.lines[{i}]", i + 1)
        for i, item in enumerate(lines_raw)
    )
    claim = Claim(
        claim_ref=_identifier(raw, "claim_id", where),
        plan_id=0,
        member_id=_identifier(raw, "member_id", where),
        received=_date(raw, "received", where),
        lines=lines,
        provider=_identifier(raw, "provider", where),
    )
    check_claim(claim, where)
    return claim


def _line(raw: Mapping[str, Any], where: str, position: int) -> ClaimLine[str]:
    auth = raw.get("auth_id")
    return ClaimLine(
        code=_code(raw, where),
        service_date=_date(raw, "service_date", where),
        units=_integer(raw, "units", where, 1, MAX_UNITS),
        charge=_integer(raw, "charge", where, 1, MAX_CENTS),
        auth_id=None if auth is None else _identifier(raw, "auth_id", where),
        line=_integer(raw, "line", where, 1, MAX_UNITS, default=position),
    )


# ---------------------------------------------------------------------------- values


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInputError(f"{where}: expected an object, got {_kind(value)}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInputError(f"{where}: expected a list, got {_kind(value)}")
    return value


def _field(raw: Mapping[str, Any], name: str, where: str) -> Any:
    if name not in raw or raw[name] is None:
        raise InvalidInputError(f"{where}: missing {name!r}")
    return raw[name]


def _identifier(raw: Mapping[str, Any], name: str, where: str) -> str:
    value = _field(raw, name, where)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidInputError(f"{where}.{name}: expected a string, got {_kind(value)}")
    text = str(value).strip()
    if not text:
        raise InvalidInputError(f"{where}.{name}: must not be empty")
    return text


def _code(raw: Mapping[str, Any], where: str) -> str:
    text = _identifier(raw, "code", where)
    try:
        encode_code(text)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{where}.code: {exc}") from None
    return text.upper()


def _integer(
    raw: Mapping[str, Any],
    name: str,
    where: str,
    low: int,
    high: int,
    *,
    default: int | None = None,
) -> int:
    if default is not None and raw.get(name) is None:
        return default
    value = _field(raw, name, where)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInputError(
            f"{where}.{name}: expected an integer from {low:,} to {high:,}, got {value!r}"
        )
    return value


def _cents(raw: Mapping[str, Any], name: str, where: str, *, default: int | None = None) -> int:
    return _integer(raw, name, where, 0, MAX_CENTS, default=default)


def _boolean(raw: Mapping[str, Any], name: str, where: str, *, default: bool) -> bool:
    value = raw.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise InvalidInputError(f"{where}.{name}: expected true or false, got {value!r}")
    return value


def _date(raw: Mapping[str, Any], name: str, where: str) -> date:
    value = _field(raw, name, where)
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInputError(f"{where}.{name}: expected an ISO date like 2025-03-31, got {value!r}")


def _period(raw: Mapping[str, Any], where: str, first: str, last: str) -> tuple[date, date]:
    start, end = _date(raw, first, where), _date(raw, last, where)
    if start > end:
        raise InvalidInputError(f"{where}: {first} {start} is after {last} {end}")
    return start, end


def _unique(values: list[Any], where: str, what: str) -> None:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            shown = value.rstrip(b"\0").decode() if isinstance(value, bytes) else value
            raise InvalidInputError(f"{where}: {what} {shown!r} appears twice")
        seen.add(value)


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__
