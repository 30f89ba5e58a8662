"""What a chapter tells and what it leaves behind: narration, gas per operation, files written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

ProgressBar = AbstractContextManager[Callable[[int], None]]


@dataclass
class Story:
    """Collects a demo run; `show` (set by the CLI) prints each line as it happens."""

    show: Callable[[str, Any], None] = lambda kind, payload: None
    #: A progress bar for a long step: (label, total) -> a context yielding `advance(done)`.
    bar: Callable[[str, int], ProgressBar] = lambda label, total: nullcontext(lambda done: None)
    events: list[dict[str, Any]] = field(default_factory=list)
    gas: dict[str, list[int]] = field(default_factory=dict)
    written: list[dict[str, str]] = field(default_factory=list)

    def chapter(self, title: str) -> None:
        self._emit("chapter", title)

    def say(self, text: str) -> None:
        self._emit("say", text)

    def table(self, title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self._emit(
            "table", {"title": title, "columns": list(columns), "rows": [list(r) for r in rows]}
        )

    def spent(self, operation: str, gas_used: int) -> None:
        self.gas.setdefault(operation, []).append(gas_used)

    def wrote(self, what: str, where: str) -> None:
        self.written.append({"what": what, "where": where})

    def summary(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "written": self.written,
            "gas": {
                op: {"calls": len(v), "average": sum(v) // len(v), "total": sum(v)}
                for op, v in sorted(self.gas.items())
            },
        }

    def _emit(self, kind: str, payload: Any) -> None:
        self.events.append({"kind": kind, "payload": payload})
        self.show(kind, payload)
