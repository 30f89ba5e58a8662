"""The command line's own errors, and the exit codes every `hygeia` command keeps to.

Exit codes (docs/cli.md, "Exit codes"):

    0  success
    1  an error: a named HygeiaError (a contract's custom error, a dead node, bad input...)
    2  a usage error: a missing or unknown option, a bad value, options that do not go together
    3  a negative answer to the question the command asks: `consent check` refused,
       `provenance verify` anything but VALID, `provenance dispense` refused a suspect unit,
       `node status` with a node not running
  130  interrupted (Ctrl-C)
  141  stdout closed early (`hygeia ... | head`): 128 + SIGPIPE, as a shell reports a pipe's
       writer ended by SIGPIPE
"""

from __future__ import annotations

import argparse
from typing import Any

OK = 0
ERROR = 1
USAGE = 2
NO = 3
INTERRUPTED = 130
BROKEN_PIPE = 141


class UsageError(Exception):
    """The command line is wrong: exit 2, with the usage of the command that refused it.

    Raised by the parser for anything argparse refuses, and by a command for options that do
    not go together (checks argparse cannot express)."""

    def __init__(
        self,
        message: str,
        *,
        parser: argparse.ArgumentParser | None = None,
        argument: str | None = None,
        value: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.parser = parser
        self.argument = argument
        self.value = value

    def details(self) -> dict[str, Any]:
        """The `args` of the JSON error document: the command, and what was refused."""
        data: dict[str, Any] = {}
        if self.parser is not None:
            data["command"] = self.parser.prog
        if self.argument is not None:
            data["argument"] = self.argument
        if self.value is not None:
            data["value"] = self.value
        if self.parser is not None:
            data["usage"] = " ".join(self.parser.format_usage().split()).removeprefix("usage: ")
        return data
