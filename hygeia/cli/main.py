"""Entry point of the `hygeia` command."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from hygeia import __version__
from hygeia.cli.commands import COMMANDS
from hygeia.cli.errors import BROKEN_PIPE, ERROR, INTERRUPTED, USAGE, UsageError
from hygeia.cli.output import Output
from hygeia.core.errors import HygeiaError, InvalidInputError

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


class _Parser(argparse.ArgumentParser):
    """No abbreviated options: `--key` must never be read as `--keystore` where only one exists.
    A refused command line raises UsageError (printed by `main`, as JSON with --json) instead of
    exiting from inside argparse.

    Sub-command parsers are made of the same class, so both rules hold at every level.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)
        self._refused: Any = None

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError:
            self._refused = arg_string
            raise

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        try:
            super()._check_value(action, value)
        except argparse.ArgumentError:
            self._refused = value
            raise

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # argparse ignores a failed write (a closed pipe under `--help | head`); `main` handles it.
        stream = file or sys.stderr
        if message and stream is not None:
            stream.write(message)

    def error(self, message: str) -> NoReturn:
        # argparse calls this while handling the ArgumentError that names the argument, if any.
        cause = sys.exc_info()[1]
        argument = cause.argument_name if isinstance(cause, argparse.ArgumentError) else None
        value = self._refused if argument is not None else None
        raise UsageError(message, parser=self, argument=argument, value=value)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser: every command in full, or, given the words to parse, only what
    they need. Words that name a command get that command's parser, and no other command's
    module is imported. Words that name none (`--help`, a misspelt command) get each command's
    name and summary, and no command module is imported."""
    parser = _Parser(
        prog="hygeia",
        description="Consent, drug provenance and claims adjudication on an EVM chain.",
        epilog="Exit status: 0 success, 1 error, 2 usage error, 3 the answer is no "
        "(consent check, provenance verify, provenance dispense, node status).",
    )
    parser.add_argument("--version", action="version", version=f"hygeia {__version__}")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON document, errors included; taken anywhere on the line (before a "
        "`--`), as every command's own --json",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    named, first = _command_of(argv) if argv is not None else (None, None)
    if argv is None or named is not None:
        wanted = [named] if named is not None else list(COMMANDS)
        for module in dict.fromkeys(COMMANDS[name].module for name in wanted):
            importlib.import_module(module).register(sub)
    elif first != "--version":  # argparse answers that before it looks at any command
        for name, listed in COMMANDS.items():
            sub.add_parser(name, help=listed.summary)
    return parser


def _command_of(argv: Sequence[str]) -> tuple[str | None, str | None]:
    """The command `argv` names (None if none), and the first word that decides it: the command
    word, `--version`, `-h`/`--help`, or None. Top-level options take no value, so the first word
    that is not an option is the command; `--version` or a help option before it names none."""
    for word in argv:
        if word in ("--version", "-h", "--help"):
            return None, word
        if not word.startswith("-"):
            return (word if word in COMMANDS else None), word
    return None, None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit status (hygeia.cli.errors: 0, 1, 2, 3, 130 or 141)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            return _run(arguments)
        finally:  # also after --help: a closed pipe shows here, not in the interpreter's exit
            sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
        return BROKEN_PIPE


def _run(argv: list[str]) -> int:
    words, as_json = _take_json(argv)
    parser = build_parser(words)
    try:
        args = parser.parse_args(words)
    except UsageError as exc:
        Output(as_json=as_json).usage_error(exc)
        return USAGE
    args.json = as_json
    out = Output(as_json=as_json)
    try:
        if not COMMANDS[args.command].chain_context:
            return int(args.handler(args, out))
        # The chain, signer and store of the other commands: not even imported for these.
        from hygeia.cli.context import Context

        return int(args.handler(Context(args, out)))
    except UsageError as exc:
        if exc.parser is None:
            exc.parser = _command_parser(parser, args)
        out.usage_error(exc)
        return USAGE
    except HygeiaError as exc:
        out.error(exc)
        return ERROR
    except OSError as exc:
        if exc.filename is None or isinstance(exc, BrokenPipeError):
            raise
        # A file named on the command line that cannot be read or written.
        out.error(InvalidInputError(f"{exc.filename}: {exc.strerror or exc}"))
        return ERROR
    except KeyboardInterrupt:
        out.err.print("interrupted")
        return INTERRUPTED


def _take_json(argv: Sequence[str]) -> tuple[list[str], bool]:
    """The command line without its --json flags, and whether it had one: --json counts
    anywhere before a `--` (after it, it is a value), so a command line the parser refuses
    still gets its error as JSON, and `hygeia --json provenance verify ...` works too."""
    words = list(argv)
    end = words.index("--") if "--" in words else len(words)
    flags = [w for w in words[:end] if w != "--json"]
    return flags + words[end:], len(flags) < end


def _command_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Any:
    """The sub-command parser that parsed `args` (whose usage a usage error shows)."""
    current = parser
    for dest in ("command", "action"):
        name = getattr(args, dest, None)
        subs = [a for a in current._actions if isinstance(a, argparse._SubParsersAction)]
        if name is None or not subs:
            break
        current = subs[0].choices[name]
    return current


def _discard_stdout() -> None:
    """After a reader closed stdout: point it at /dev/null so Python's own flush at exit does
    not report the broken pipe again (the recipe in Python's `signal` documentation)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (a test's captured stdout)
        pass


if __name__ == "__main__":
    sys.exit(main())
