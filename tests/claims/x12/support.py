"""Checks every test applies to every 835 it produces: pyx12's own `x12valid` command says OK
(its verdict line is read, not its exit code: it can fail writing its 999 after validating),
the in-process validator agrees, and the file balances."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hygeia.claims.x12.edi835 import balance_issues
from hygeia.claims.x12.validate import validate_x12

X12VALID = Path(sys.executable).parent / "x12valid"


def x12valid_verdict(path: Path) -> tuple[bool, str]:
    """pyx12's command-line verdict on `path` (OK or Failure) and everything it printed."""
    done = subprocess.run(
        [str(X12VALID), str(path)], capture_output=True, text=True, cwd=path.parent, check=False
    )
    output = done.stdout + done.stderr
    for line in output.splitlines():
        if line.startswith(f"{path}: "):
            return line.endswith(": OK"), output
    raise AssertionError(f"x12valid gave no verdict on {path}:\n{output}")


def assert_valid_835(path: Path) -> None:
    ok, output = x12valid_verdict(path)
    # Defects are `ERROR Line:N ...`; its own failure writing a 999 after an OK is not one.
    assert ok and " ERROR Line:" not in output, output
    assert validate_x12(path).ok
    assert balance_issues(path.read_text()) == []
    assert os.stat(path).st_mode & 0o777 == 0o600


def segments(path: Path) -> list[list[str]]:
    text = path.read_text()
    assert text.endswith("~\n")
    return [segment.strip().split("*") for segment in text.split("~") if segment.strip()]
