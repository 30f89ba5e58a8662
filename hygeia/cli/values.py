"""Parse command-line values: dates and roles, with errors that name the bad value."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from hygeia.core.contract_types import Role
from hygeia.core.errors import InvalidInputError


def timestamp(text: str) -> int:
    """Unix seconds from an ISO date (start of day, UTC), ISO date-time, or an integer."""
    if text.isdigit():
        return int(text)
    try:
        if len(text) == len("2026-01-31"):
            day = date.fromisoformat(text)
            return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp())
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date: {text!r} (use 2026-01-31 or 2026-01-31T12:00:00Z)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


def end_of_day(text: str) -> int:
    """Like `timestamp`, but a bare date means its last second (validity ends are inclusive)."""
    value = timestamp(text)
    return value + 86_399 if len(text) == len("2026-01-31") else value


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
