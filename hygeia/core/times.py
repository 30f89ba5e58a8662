"""Time across the SDK: an instant is a timezone-aware `datetime` in UTC, a span a `timedelta`,
and a calendar day with no time of day (a GS1 expiry date, a claim's date of service) a `date`,
as FHIR tells `dateTime` from `date`. Other shapes exist only at the edges, converted here or in
the format that owns them: unix seconds in contract calls and events, YYMMDD in GS1 element
strings (hygeia.provenance.gs1), CCYYMMDD in X12.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hygeia.core.errors import InvalidInputError

UTC = timezone.utc

#: The end the contracts store for "until revoked" (the largest uint40): None in the SDK.
OPEN_END = 2**40 - 1

_LATEST = int(datetime.max.replace(tzinfo=UTC).timestamp())


def instant(moment: datetime, what: str = "time") -> datetime:
    """`moment` in UTC, to the second (what the chain keeps); a naive datetime is refused, as its
    zone would be a guess."""
    if not isinstance(moment, datetime):
        raise InvalidInputError(f"{what} must be a datetime, got {moment!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInputError(f"{what} has no time zone: {moment.isoformat()}")
    return moment.astimezone(UTC).replace(microsecond=0)


def now() -> datetime:
    """The current instant, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def to_unix(moment: datetime, what: str = "time") -> int:
    """Unix seconds, for a contract call."""
    return int(instant(moment, what).timestamp())


def from_unix(seconds: int) -> datetime:
    """The instant of unix `seconds` from the chain."""
    return datetime.fromtimestamp(min(int(seconds), _LATEST), tz=UTC)


def end_to_unix(end: datetime | None, what: str = "end") -> int:
    """A period's end for a contract call: None (open-ended) is OPEN_END."""
    return OPEN_END if end is None else to_unix(end, what)


def end_from_unix(seconds: int) -> datetime | None:
    """A period's end from the chain: OPEN_END, or anything past what a datetime holds, is None."""
    return None if seconds >= min(OPEN_END, _LATEST) else from_unix(seconds)


def seconds(span: timedelta, what: str = "duration") -> int:
    """Whole seconds of a positive span, for a contract call."""
    if not isinstance(span, timedelta):
        raise InvalidInputError(f"{what} must be a timedelta, got {span!r}")
    return int(span.total_seconds())


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, as people and JSON read an instant."""
    return instant(moment).isoformat().replace("+00:00", "Z")


def parse_iso(text: str, what: str = "time") -> datetime:
    """An ISO 8601 date-time with a zone (Z or an offset), as `iso` writes it."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (TypeError, ValueError, AttributeError):
        raise InvalidInputError(f"{what} is not an ISO 8601 date-time: {text!r}") from None
    return instant(moment, what)
