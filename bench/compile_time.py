"""Compile time of the contracts with brownie: cold (no build folder) and no-op (nothing changed).

The project's compile inputs are copied to a scratch folder (``node_modules`` linked, for the
OpenZeppelin remapping) and compiled there, with the toolchain ``bin/brownie`` uses (solc-js shim,
project-local brownie HOME). A cold compile is then ``rm -rf build`` without deleting the working
tree's own artifacts, which the tests and the artifact export read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.progress import Progress

from hygeia.core.errors import HygeiaError
from tests.support import ROOT

COMPILE_INPUTS = ("contracts", "interfaces", "brownie-config.yaml")


class CompileError(HygeiaError):
    """brownie compile failed; the message carries its output."""


@dataclass(frozen=True)
class CompileTimes:
    artifacts: int
    cold_seconds: float
    noop_seconds: float


def run(progress: Progress, project: Path = ROOT, toolchain: Path = ROOT) -> CompileTimes:
    """Time two compiles of ``project``'s contracts with ``toolchain``'s brownie and solc."""
    task = progress.add_task("compile: cold, then no-op", total=2)
    with tempfile.TemporaryDirectory(prefix="hygeia-bench-compile-") as scratch:
        folder = Path(scratch)
        for name in COMPILE_INPUTS:
            source = project / name
            if source.is_dir():
                shutil.copytree(source, folder / name)
            else:
                shutil.copy2(source, folder / name)
        (folder / "node_modules").symlink_to(toolchain / "node_modules")
        cold = _compile(folder, toolchain)
        progress.advance(task)
        noop = _compile(folder, toolchain)
        progress.advance(task)
        artifacts = len(list((folder / "build" / "contracts").glob("*.json")))
    return CompileTimes(artifacts=artifacts, cold_seconds=cold, noop_seconds=noop)


def _compile(folder: Path, toolchain: Path) -> float:
    env = {
        **os.environ,
        "PATH": f"{toolchain / 'node_modules' / '.bin'}:{toolchain / '.venv' / 'bin'}:"
        f"{os.environ.get('PATH', '')}",
        "SOLCX_BINARY_PATH": str(toolchain / ".hygeia" / "solcx"),
        "HOME": str(toolchain / ".hygeia" / "brownie-home"),
    }
    started = time.perf_counter()
    done = subprocess.run(
        [str(toolchain / ".venv" / "bin" / "brownie"), "compile"],
        cwd=folder, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise CompileError(f"brownie compile failed in {folder}:\n{done.stdout}{done.stderr}")
    return seconds
