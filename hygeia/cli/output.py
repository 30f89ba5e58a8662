"""Print results for people (tables) or machines (--json), and errors as one clear line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hygeia.cli.errors import UsageError
from hygeia.core.contract_types import Role
from hygeia.core.errors import (
    ContractRevertError,
    DuplicateSerialError,
    FhirConsentError,
    HygeiaError,
    PartyWithoutGlnError,
    SsccError,
    X12Error,
)

if TYPE_CHECKING:
    from hygeia.core.chain.transactions import Receipt

_PIPE_WIDTH = 200


class _Console(Console):
    """rich exits with status 1 when its reader closes the pipe; `hygeia.cli.main` handles a
    closed pipe for every command alike (status 141)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


@dataclass
class Output:
    """Where a command writes. Human text goes to stdout; progress and errors to stderr."""

    as_json: bool

    def __post_init__(self) -> None:
        self.console = _Console(highlight=False)
        if not self.console.is_terminal:
            # Piped output: no wrapping inside addresses and hashes.
            self.console = _Console(highlight=False, width=_PIPE_WIDTH)
        self.err = _Console(stderr=True, highlight=False, width=_PIPE_WIDTH)

    def result(self, data: Any, *, human: str | None = None) -> None:
        """Print `data` as JSON with --json, else `human` (or a key/value table of `data`)."""
        if self.as_json:
            print(json.dumps(data, indent=2, default=str))
        elif human is not None:
            self.console.print(human)
        elif isinstance(data, Mapping):
            self.table(None, ["field", "value"], [[k, _text(v)] for k, v in data.items()])

    def transaction(
        self, what: str, receipt: Receipt, extra: Mapping[str, Any] | None = None
    ) -> None:
        """The result of one transaction: what it did, its hash and gas."""
        data = {
            "action": what,
            "tx": receipt.tx_hash,
            "block": receipt.block_number,
            "gas_used": receipt.gas_used,
            **(extra or {}),
        }
        self.result(data, human=f"{what} (tx {receipt.tx_hash}, {receipt.gas_used:,} gas)")

    def table(
        self, title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        if self.as_json:
            return
        table = Table(title=title, title_justify="left", header_style="bold")
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(_text(v) for v in row))
        self.console.print(table)

    def progress(self, message: str) -> None:
        """A step of a longer operation (stderr, so --json output stays clean)."""
        self.err.print(f"[dim]{message}[/dim]")

    @contextmanager
    def bar(self, label: str, total: int) -> Iterator[Callable[[int], None]]:
        """A progress bar on stderr (none with --json); yields `advance(done)`."""
        if self.as_json:
            yield lambda done: None
            return
        columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=self.err, transient=True) as progress:
            task = progress.add_task(label, total=total)
            yield lambda done: progress.update(task, completed=done)

    def error(self, exc: HygeiaError) -> None:
        if self.as_json:
            payload: dict[str, Any] = {"type": type(exc).__name__, "message": str(exc)}
            errors_with_args = (
                ContractRevertError,
                DuplicateSerialError,
                FhirConsentError,
                PartyWithoutGlnError,
                SsccError,
                X12Error,
            )
            if isinstance(exc, errors_with_args):
                payload["args"] = exc.error_args
            print(json.dumps({"error": payload}, indent=2, default=str))
        else:
            message = str(exc)
            for role in Role:  # role ids read better as names
                message = message.replace("0x" + role.id.hex(), role.name)
            self.err.print(
                f"[bold red]error[/bold red] ({type(exc).__name__}): {message}", markup=True
            )

    def usage_error(self, exc: UsageError) -> None:
        """A refused command line: one JSON error document on stdout with --json, else the
        command's usage and the error on stderr, as argparse prints them."""
        if self.as_json:
            payload = {"type": "UsageError", "message": exc.message, "args": exc.details()}
            print(json.dumps({"error": payload}, indent=2, default=str))
            return
        prog = "hygeia"
        if exc.parser is not None:
            exc.parser.print_usage(sys.stderr)
            prog = exc.parser.prog
        sys.stderr.write(f"{prog}: error: {exc.message}\n")


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value) or "-"
    if value is None:
        return "-"
    return str(value)
