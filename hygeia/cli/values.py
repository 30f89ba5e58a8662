"""Parse command-line values (dates, roles, ids, purposes) while parsing, so a bad one is a usage
error that names it."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from hygeia.core.contract_types import Action, Purpose, Role
from hygeia.core.errors import InvalidInputError
from hygeia.core.times import UTC, from_unix, instant
from hygeia.core.values import bytes32

LAST_SECOND_OF_DAY = timedelta(days=1, seconds=-1)


def timestamp(text: str) -> datetime:
    """An instant from an ISO date (start of day, UTC), an ISO date-time (UTC when it names no
    zone), or unix seconds."""
    if text.isdigit():
        return from_unix(int(text))
    try:
        if len(text) == len("2026-01-31"):
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date: {text!r} (use 2026-01-31 or 2026-01-31T12:00:00Z)"
        ) from None
    return instant(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def end_of_day(text: str) -> datetime:
    """Like `timestamp`, but a bare date means its last second (validity ends are inclusive)."""
    moment = timestamp(text)
    return moment + LAST_SECOND_OF_DAY if len(text) == len("2026-01-31") else moment


def role(text: str) -> Role:
    try:
        return Role.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def json_file(path: Path) -> Any:
    """The JSON document in `path` (a signed grant, a ward's consent...), or a named error."""
    try:
        return json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"cannot read {path}: {exc}") from None


def hex32(what: str) -> Callable[[str], bytes]:
    """An argument type for 32 bytes of hex, 0x optional (a record id, a digest...): a typo is a
    usage error naming `what`."""

    def parse(text: str) -> bytes:
        try:
            return bytes32(text, what)
        except InvalidInputError as exc:
            raise argparse.ArgumentTypeError(f"{exc} (0x + 64 hex digits)") from None

    parse.__name__ = what.replace(" ", "_")
    return parse


def purpose(text: str) -> str:
    """A purpose of use by name (TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH, PUBHLTH), checked
    while parsing, so a typo is a usage error."""
    _check(Purpose.parse, text)
    return text


def action(text: str) -> str:
    """A consent action by name (access, collect, disclose, correct), checked while parsing."""
    _check(Action.parse, text)
    return text


def positive(text: str) -> int:
    """A whole number of at least 1 (days, minutes, a batch size)."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def non_negative(text: str) -> int:
    """A whole number of 0 or more (confirmations, block counts)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _check(parse: Callable[[list[str]], Any], text: str) -> None:
    try:
        parse([text])
    except InvalidInputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
