"""The README's two commands work in a fresh clone with an empty HOME, and rerun quickly.

Slow (a full set-up from the registries): CI runs it through `make test`; skip it locally with
`make test PYTEST_ARGS="-m 'not slow'"`. Inside the clone the test command runs only the checks
of the clone's own toolchain (tests/toolchain/test_toolchain.py: the solc shim, and a fresh
compile equal to the packaged artifacts), so the suite does not recurse into itself; the rest of
tests/toolchain runs in the suite itself.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.support import ROOT, free_port

pytestmark = pytest.mark.slow

README = ROOT / "README.md"


def _run(
    cmd: str, cwd: Path, env: dict[str, str], timeout: int = 1500
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["bash", "-c", cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, (
        f"`{cmd}` failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return result


def _readme_commands() -> tuple[str, str]:
    """The commands of the README's Quick start block, exactly two: the demo, then the tests."""
    found = re.search(r"^## Quick start\n.*?^```sh\n(.*?)^```", README.read_text(), re.S | re.M)
    assert found, "README.md has no Quick start block"
    block = found.group(1)
    demo, test = [line.strip() for line in block.splitlines() if line.strip()]
    assert demo.startswith("make demo") and test.startswith("make test"), block
    return demo, test


def test_readme_commands_work_in_a_fresh_clone_with_an_empty_home(tmp_path: Path) -> None:
    clone, home = tmp_path / "clone", tmp_path / "home"
    home.mkdir()
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    port = free_port()
    env = {
        "HOME": str(home),
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
        "HYGEIA_NODE_PORT": str(port),
        "HYGEIA_IPFS_PORT": str(free_port()),
        "HYGEIA_GATEWAY_PORT": str(free_port()),  # the demo leaves its gateway running
        "HYGEIA_RPC_URL": f"http://127.0.0.1:{port}",
    }
    demo, test = _readme_commands()
    try:
        out = _run(demo, clone, env).stdout
        assert "ParticipantRegistry contract" in out and "gas per operation" in out
        started = time.monotonic()
        _run("make setup", clone, env)
        assert time.monotonic() - started < 15, "a second set-up must skip finished steps"
        _run(demo, clone, env)  # idempotent: the nodes are up, the suite and cast are reused
        _run(f'{test} PYTEST_ARGS="tests/toolchain/test_toolchain.py -q"', clone, env)
    finally:
        subprocess.run(
            ["bash", "-c", ".venv/bin/hygeia node down"], cwd=clone, env=env, capture_output=True
        )
    assert not (home / ".brownie").exists() and not (home / ".solcx").exists(), (
        "nothing written to the user's HOME"
    )
