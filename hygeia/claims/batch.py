"""Read and check an adjudication batch (the JSON input of `hygeia claims adjudicate-file`).

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
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hygeia.claims.ids import encode_code
from hygeia.core.contract_types import ClaimsAdjudicatorConstants
from hygeia.core.errors import InvalidInputError

MAX_CENTS = 2**40 - 1  # the contract's uint40 amounts
MAX_UNITS = 2**32 - 1
MAX_BPS = 10_000
MAX_FILING_DAYS = 2**16 - 1
MAX_LINES_PER_CLAIM = ClaimsAdjudicatorConstants.MAX_LINES_PER_CLAIM


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    allowed: int
    copay: int = 0
    deductible_applies: bool = True
    coinsurance_applies: bool = True
    prior_auth: bool = False
    annual_limit: int | None = None


@dataclass(frozen=True)
class PlanSpec:
    plan_id: str
    year_start: date
    year_end: date
    deductible: int
    oop_max: int
    coinsurance_bps: int
    timely_filing_days: int
    services: tuple[ServiceSpec, ...]


@dataclass(frozen=True)
class MemberSpec:
    member_id: str
    coverage_start: date
    coverage_end: date


@dataclass(frozen=True)
class AuthorizationSpec:
    member_id: str
    code: str
    auth_id: str
    start: date
    end: date


@dataclass(frozen=True)
class LineSpec:
    line: int
    code: str
    service_date: date
    units: int
    charge: int
    auth_id: str | None = None


@dataclass(frozen=True)
class ClaimSpec:
    claim_id: str
    member_id: str
    provider: str
    received: date
    lines: tuple[LineSpec, ...]


@dataclass(frozen=True)
class Batch:
    plan: PlanSpec
    members: tuple[MemberSpec, ...]
    authorizations: tuple[AuthorizationSpec, ...]
    claims: tuple[ClaimSpec, ...]


def load_batch(path: Path) -> Batch:
    """Parse and check the batch file at `path`."""
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise InvalidInputError(f"batch file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"cannot read batch file {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{path} is not valid JSON: {exc}") from None
    return parse_batch(data)


def parse_batch(data: Any) -> Batch:
    """Check a decoded batch document and return it typed, with the defaults filled in."""
    root = _object(data, "batch")
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
    claims = tuple(
        _claim(_object(c, f"claims[{i}]"), f"claims[{i}]")
        for i, c in enumerate(_list(_field(root, "claims", "batch"), "claims"))
    )
    _unique([c.claim_id for c in claims], "claims", "claim_id")
    return Batch(plan, members, authorizations, claims)


# ---------------------------------------------------------------------------- sections


def _plan(raw: Mapping[str, Any]) -> PlanSpec:
    where = "plan"
    year = _object(_field(raw, "plan_year", where), "plan.plan_year")
    start, end = _period(year, "plan.plan_year", "start", "end")
    services_raw = _object(_field(raw, "services", where), "plan.services")
    services = tuple(
        _service(code, _object(entry, f"plan.services.{code}"), f"plan.services.{code}")
        for code, entry in services_raw.items()
    )
    _unique([encode_code(s.code) for s in services], "plan.services", "code")
    return PlanSpec(
        plan_id=_identifier(raw, "plan_id", where),
        year_start=start,
        year_end=end,
        deductible=_cents(raw, "deductible", where),
        oop_max=_cents(raw, "oop_max", where),
        coinsurance_bps=_integer(raw, "coinsurance_bps", where, 0, MAX_BPS),
        timely_filing_days=_integer(raw, "timely_filing_days", where, 0, MAX_FILING_DAYS),
        services=services,
    )


def _service(code: str, raw: Mapping[str, Any], where: str) -> ServiceSpec:
    try:
        encode_code(code)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{where}: {exc}") from None
    limit = raw.get("annual_limit")
    return ServiceSpec(
        code=code.upper(),
        allowed=_cents(raw, "allowed", where),
        copay=_cents(raw, "copay", where, default=0),
        deductible_applies=_boolean(raw, "deductible_applies", where, default=True),
        coinsurance_applies=_boolean(raw, "coinsurance_applies", where, default=True),
        prior_auth=_boolean(raw, "prior_auth", where, default=False),
        annual_limit=None if limit is None else _integer(raw, "annual_limit", where, 0, MAX_UNITS),
    )


def _member(raw: Mapping[str, Any], where: str) -> MemberSpec:
    coverage = _object(_field(raw, "coverage", where), f"{where}.coverage")
    start, end = _period(coverage, f"{where}.coverage", "start", "end")
    return MemberSpec(_identifier(raw, "member_id", where), start, end)


def _authorization(raw: Mapping[str, Any], where: str, enrolled: set[str]) -> AuthorizationSpec:
    member = _identifier(raw, "member_id", where)
    if member not in enrolled:
        raise InvalidInputError(f"{where}.member_id: {member!r} is not among the members")
    start, end = _period(raw, where, "start", "end")
    return AuthorizationSpec(
        member_id=member,
        code=_code(raw, where),
        auth_id=_identifier(raw, "auth_id", where),
        start=start,
        end=end,
    )


def _claim(raw: Mapping[str, Any], where: str) -> ClaimSpec:
    lines_raw = _list(_field(raw, "lines", where), f"{where}.lines")
    if not 1 <= len(lines_raw) <= MAX_LINES_PER_CLAIM:
        raise InvalidInputError(
            f"{where}.lines: a claim has 1 to {MAX_LINES_PER_CLAIM} lines, got {len(lines_raw)}"
        )
    lines = tuple(
        _line(_object(item, f"{where}.lines[{i}]"), f"{where}.lines[{i}]", i + 1)
        for i, item in enumerate(lines_raw)
    )
    _unique([line.line for line in lines], f"{where}.lines", "line")
    received = _date(raw, "received", where)
    for i, line in enumerate(lines):
        # The contract refuses it too; said here, the batch fails before any transaction.
        if line.service_date > received:
            raise InvalidInputError(
                f"{where}.lines[{i}].service_date: {line.service_date} is after the claim's "
                f"received day {received}"
            )
    return ClaimSpec(
        claim_id=_identifier(raw, "claim_id", where),
        member_id=_identifier(raw, "member_id", where),
        provider=_identifier(raw, "provider", where),
        received=received,
        lines=lines,
    )


def _line(raw: Mapping[str, Any], where: str, position: int) -> LineSpec:
    auth = raw.get("auth_id")
    return LineSpec(
        line=_integer(raw, "line", where, 1, MAX_UNITS, default=position),
        code=_code(raw, where),
        service_date=_date(raw, "service_date", where),
        units=_integer(raw, "units", where, 1, MAX_UNITS),
        charge=_integer(raw, "charge", where, 1, MAX_CENTS),
        auth_id=None if auth is None else _identifier(raw, "auth_id", where),
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
