"""Run a node as a detached background process with a pid file, a log file and a readiness probe."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from hygeia.core.errors import HygeiaError


class NodeError(HygeiaError):
    """A local node could not be started, found or stopped."""


@dataclass(frozen=True)
class NodeProcess:
    """A running node as recorded in its pid file."""

    name: str
    pid: int
    url: str
    log_file: str
    command: tuple[str, ...]

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return _not_zombie(self.pid)


def _not_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def pid_file(state_dir: Path, name: str) -> Path:
    return state_dir / f"{name}.json"


def read(state_dir: Path, name: str) -> NodeProcess | None:
    """The recorded node if its process is still alive, else None (a stale pid file is removed)."""
    path = pid_file(state_dir, name)
    try:
        data = json.loads(path.read_text())
        node = NodeProcess(**{**data, "command": tuple(data["command"])})
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if node.alive():
        return node
    path.unlink(missing_ok=True)
    return None


def start(
    state_dir: Path,
    name: str,
    command: Sequence[str],
    url: str,
    ready: Callable[[], bool],
    *,
    env: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> NodeProcess:
    """Start `command` detached, wait until `ready()` answers true, and record it."""
    state_dir.mkdir(parents=True, exist_ok=True)
    log_path = state_dir / f"{name}.log"
    with open(log_path, "ab") as log:
        try:
            proc = subprocess.Popen(
                list(command),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                start_new_session=True,  # outlives the CLI; Ctrl-C there does not reach it
            )
        except FileNotFoundError as exc:
            raise NodeError(
                f"cannot start {name}: {command[0]} not found (run `make setup`)"
            ) from exc
    node = NodeProcess(name, proc.pid, url, str(log_path), tuple(command))
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            raise NodeError(f"{name} exited with code {proc.returncode} at start; see {log_path}")
        if time.monotonic() > deadline:
            stop(node)
            raise NodeError(
                f"{name} did not answer at {url} within {timeout:.0f} s; see {log_path}"
            )
        time.sleep(0.05)
    pid_file(state_dir, name).write_text(json.dumps(asdict(node), indent=2))
    return node


def stop(node: NodeProcess, *, state_dir: Path | None = None, timeout: float = 15.0) -> None:
    """Stop with SIGINT (nodes save their state on it), then SIGKILL if it lingers."""
    for sig, wait in ((signal.SIGINT, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.kill(node.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while node.alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not node.alive():
            break
    _reap(node.pid)
    if state_dir is not None:
        pid_file(state_dir, node.name).unlink(missing_ok=True)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
