"""The command line as a new user meets it, without a chain: help for every option, usage
errors (human and --json) with exit 2, and a reader that closes the pipe early."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hygeia.cli import values
from hygeia.cli.commands import COMMANDS
from hygeia.cli.errors import BROKEN_PIPE, ERROR, NO, USAGE
from hygeia.cli.main import build_parser, main
from tests.support import ROOT

# Types whose values need no example: words, numbers, file names, whole numbers of at least 1.
_PLAIN_TYPES = {None, str, int, float, Path, values.positive, values.non_negative}


def _parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ("hygeia",)
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, (*path, name))


def _arguments() -> Iterator[tuple[str, argparse.Action]]:
    for path, parser in _parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
                continue
            if isinstance(action, argparse._SubParsersAction):
                continue
            name = "/".join(action.option_strings) or action.dest
            yield f"{' '.join(path)} {name}", action


def test_the_parser_tree_is_walked_whole() -> None:
    commands = {" ".join(path) for path, _ in _parsers(build_parser())}
    # A few from each group, so a walk that stops early cannot pass the tests below.
    assert {
        "hygeia node status",
        "hygeia consent check",
        "hygeia emergency open",
        "hygeia provenance clear",
        "hygeia claims decide",
        "hygeia store cat",
        "hygeia keys show",
    } <= commands
    assert len(commands) > 70


def test_each_command_is_added_by_the_module_the_command_table_names() -> None:
    for module in dict.fromkeys(command.module for command in COMMANDS.values()):
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module).register(sub)
        named = [name for name, command in COMMANDS.items() if command.module == module]
        assert list(sub.choices) == named, module
        helps = {choice.dest: choice.help for choice in sub._choices_actions}
        assert helps == {name: COMMANDS[name].summary for name in named}, module
    top = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert list(top.choices) == list(COMMANDS)


def test_a_command_line_builds_and_imports_only_the_command_it_names() -> None:
    def commands(argv: list[str]) -> list[str]:
        parser = build_parser(argv)
        top = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        return list(top.choices)

    assert commands(["provenance", "verify", "--help"]) == ["provenance"]
    assert commands(["emergency", "open", "--version"]) == ["consent", "emergency"]
    assert commands(["--version"]) == []
    for whole in (
        [],
        ["--help"],
        ["-h", "provenance"],
        ["-h", "--version"],
        ["provenanse", "verify"],
        ["provenanse", "--version"],
    ):
        assert commands(whole) == list(COMMANDS), whole
    # In a fresh interpreter: the other capabilities (the gateway's web framework, the demo, the
    # X12 reader) are not imported for a command that does not use them.
    probe = (
        "import sys\n"
        "from hygeia.cli.main import main\n"
        "try:\n    main(['provenance', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(m for m in ('hygeia.gateway.cli', 'hygeia.dev.demo.setup', "
        "'hygeia.claims.x12', 'fastapi') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.splitlines()[-1] == ""


def test_the_help_that_lists_the_commands_imports_none_of_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    listed = capsys.readouterr().out
    for name, command in COMMANDS.items():
        summary = r"\s+".join(map(re.escape, command.summary.split()))  # argparse wraps it
        assert re.search(rf"^ +{name}\s+{summary}", listed, re.M), name
    # In a fresh interpreter: --help and a misspelt command load no command's module.
    modules = sorted({command.module for command in COMMANDS.values()})
    probe = (
        "import sys\n"
        "from hygeia.cli.main import main\n"
        "for argv in (['--help'], ['provenanse']):\n"
        "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
        f"print(' '.join(m for m in {modules!r} + ['web3'] if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.splitlines()[-1] == ""
    assert "invalid choice: 'provenanse'" in done.stderr


def test_the_node_commands_start_without_the_chain_client(tmp_path: Path) -> None:
    """`hygeia node up|down|status` manage processes: web3 and the suite's clients, most of a
    command's start-up, are not loaded for them."""
    probe = (
        "import sys\n"
        "from hygeia.cli.main import main\n"
        f"main(['node', 'status', '--state-dir', {str(tmp_path)!r}, '--json'])\n"
        "print(' '.join(m for m in ('web3', 'hygeia.suite', 'hygeia.cli.context') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert json.loads(done.stdout[: done.stdout.rindex("}") + 1])["anvil"] == {"running": False}
    assert done.stdout.splitlines()[-1] == ""


def test_every_option_and_positional_argument_has_help_text() -> None:
    missing = [name for name, action in _arguments() if not (action.help or "").strip()]
    assert missing == [], "options and arguments without help text: " + ", ".join(missing)


def test_every_value_in_a_format_of_its_own_comes_with_an_example() -> None:
    """Ids, dates, GTINs, digests... say what they look like: an example, the hex shape, or the
    words accepted."""

    def shows_format(text: str) -> bool:
        return "e.g." in text or "0x + 64 hex digits" in text or bool(re.search(r", \w+ or ", text))

    vague = [
        name
        for name, action in _arguments()
        if action.type not in _PLAIN_TYPES and not shows_format(action.help or "")
    ]
    assert vague == [], "values in a format of their own without an example: " + ", ".join(vague)


def test_every_command_has_help_text_and_its_help_renders() -> None:
    for path, parser in _parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helps = {choice.dest: choice.help for choice in action._choices_actions}
                assert all(helps.get(name) for name in action.choices), (path, helps)
        assert parser.format_help()  # a stray % in a help text fails here


# ---------------------------------------------------------------------------- usage errors

USAGE_ERRORS = [
    # (argv, message, argument, value)
    (
        ["provenance", "verify", "00614141000419", "S1", "--lot", "L", "--expiry", "301231"],
        "wrong GTIN check digit",
        "GTIN",
        "00614141000419",
    ),
    (["consent", "check", "--grantee", "specialist"], "required: --patient, --target", None, None),
    (
        [
            "consent",
            "check",
            "--patient",
            "p",
            "--grantee",
            "g",
            "--target",
            "lab",
            "--purpose",
            "FUN",
        ],
        "unknown purpose 'FUN'",
        "--purpose",
        "FUN",
    ),  # fmt: skip
    (
        [
            "claims",
            "decide",
            "0x" + "11" * 32,
            "--outcome",
            "maybe",
            "--decision-digest",
            "0x" + "22" * 32,
        ],
        "invalid choice: 'maybe'",
        "--outcome",
        "maybe",
    ),  # fmt: skip
    (["records", "get", "0x1234"], "record id must be 32 bytes", "RECORD_ID", "0x1234"),
    (
        ["emergency", "open", "--patient", "p", "--reason", "r", "--minutes", "0"],
        "at least 1",
        "--minutes",
        "0",
    ),  # fmt: skip
    (["index", "--confirmations", "-1"], "must be 0 or more", "--confirmations", "-1"),
    (["serve", "--max-lag", "-1"], "must be 0 or more", "--max-lag", "-1"),
    (["provenanse", "verify"], "invalid choice: 'provenanse'", "COMMAND", "provenanse"),
    (
        ["participants", "show", "admin", "--key", "me.pem"],
        "unrecognized arguments: --key",
        None,
        None,
    ),  # fmt: skip
    (
        ["participants", "register", "--encryption-key", "0x" + "aa" * 32, "--consent", "w.json"],
        "not allowed with argument",
        "--consent",
        None,
    ),
]


@pytest.mark.parametrize(("argv", "message", "argument", "value"), USAGE_ERRORS)
def test_a_usage_error_is_one_json_document_with_json_anywhere_on_the_line(
    argv: list[str],
    message: str,
    argument: str | None,
    value: str | None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for line in ([*argv, "--json"], ["--json", *argv], [*argv[:1], "--json", *argv[1:]]):
        assert main(line) == USAGE, line
        out, err = capsys.readouterr()
        error = json.loads(out)["error"]  # one document, nothing else on stdout
        assert err == ""
        assert error["type"] == "UsageError" and message in error["message"], error
        assert error["args"].get("argument") == argument
        assert error["args"].get("value") == value
        assert error["args"]["usage"].startswith("hygeia")


@pytest.mark.parametrize(("argv", "message", "argument", "value"), USAGE_ERRORS)
def test_a_usage_error_without_json_is_the_usage_on_stderr(
    argv: list[str],
    message: str,
    argument: str | None,
    value: str | None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(argv) == USAGE
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("usage: hygeia") and "error: " in err and message in err
    assert "Traceback" not in err


def test_the_usage_of_the_command_that_refused_is_shown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["provenance", "void", "0x" + "ab" * 32]) == USAGE
    err = capsys.readouterr().err
    assert err.startswith("usage: hygeia provenance void")
    assert "hygeia provenance void: error: the following arguments are required: --reason" in err


def test_json_after_a_double_dash_is_a_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The file named "--json" does not exist: a named error (exit 1), printed for people.
    assert main(["store", "add", "--store", f"local:{tmp_path}", "--", "--json"]) == ERROR
    out, err = capsys.readouterr()
    assert out == "" and "InvalidInputError" in err and "--json: No such file" in err


def test_a_missing_file_is_a_named_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "missing.json")
    assert main(["records", "put", missing, "--rpc", "http://127.0.0.1:9", "--json"]) == ERROR
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["type"] == "InvalidInputError" and missing in error["message"]


def test_help_and_version_still_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["provenance", "verify", "--help"], ["--version"]):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 0
    assert "Exit status: 0 success" in build_parser().format_help()


def test_node_status_answers_no_with_exit_3_when_nothing_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["node", "status", "--state-dir", str(tmp_path), "--json"]) == NO
    assert json.loads(capsys.readouterr().out)["anvil"] == {"running": False}


# ---------------------------------------------------------------------------- broken pipes


def _hygeia() -> list[str]:
    script = Path(sys.executable).parent / "hygeia"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "hygeia.cli.main"]


def _into_closed_pipe(argv: list[str], cwd: Path) -> tuple[int, str]:
    """Run `hygeia argv` with stdout a pipe whose reader is gone (as after `| head -1` has read
    its line): the exit status and everything on stderr."""
    read, write = os.pipe()
    os.close(read)
    env = {**os.environ, "HYGEIA_RPC_URL": "http://127.0.0.1:9"}
    try:
        done = subprocess.run(
            [*_hygeia(), *argv],
            stdout=write,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write)
    return done.returncode, done.stderr.decode()


@pytest.mark.parametrize(
    "argv",
    [
        ["provenance", "--help"],  # argparse's own output
        ["node", "status", "--state-dir", "."],  # a rich console's output
        ["node", "status", "--state-dir", ".", "--json"],  # JSON
    ],
    ids=["help", "human", "json"],
)
def test_output_into_a_closed_pipe_exits_quietly_with_141(argv: list[str], tmp_path: Path) -> None:
    assert _into_closed_pipe(argv, tmp_path) == (BROKEN_PIPE, "")


def test_content_into_a_closed_pipe_exits_quietly_with_141(tmp_path: Path) -> None:
    blob = tmp_path / "blob.bin"
    blob.write_bytes(os.urandom(1 << 20))
    store = f"local:{tmp_path / 'store'}"
    added = subprocess.run(
        [*_hygeia(), "store", "add", str(blob), "--store", store, "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    cid = json.loads(added.stdout)["cid"]
    code, err = _into_closed_pipe(["store", "cat", cid, "--store", store], tmp_path)
    assert code == BROKEN_PIPE
    assert "Traceback" not in err and "BrokenPipeError" not in err and err == ""


def test_a_shell_pipe_into_head_shows_no_traceback(tmp_path: Path) -> None:
    """What a user types: the first line only, nothing on stderr, and the shell sees 141."""
    script = " ".join(_hygeia()) + ' provenance --help | head -1; echo "status ${PIPESTATUS[0]}"'
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    lines = done.stdout.splitlines()
    assert lines[0].startswith("usage: hygeia provenance")
    assert lines[-1] in ("status 0", f"status {BROKEN_PIPE}")  # 0 when head read it all in time
    assert done.stderr == ""


def test_the_docs_document_the_exit_codes() -> None:
    page = (ROOT / "docs" / "cli.md").read_text()
    section = page[page.index("## Exit codes") :]
    for code in ("`0`", "`1`", "`2`", "`3`", "`130`", "`141`"):
        assert code in section, code
