"""What the gateway's handlers call: the SDK over the chain, reading past events from the event index."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from hygeia.suite import Suite


@dataclass(frozen=True)
class GatewayServices:
    """The suite the handlers read through (its `logs` are the event index) and the gateway's clock."""

    suite: Suite
    index_url: str
    now: Callable[[], datetime]
