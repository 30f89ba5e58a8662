"""Unix seconds as people and JSON read them: ISO 8601, UTC, with a Z."""

from __future__ import annotations

from datetime import datetime, timezone


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat().replace("+00:00", "Z")
