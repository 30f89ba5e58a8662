"""A local, offline IPFS node: Kubo when ``ipfs`` is on PATH, else js-ipfs from the project's npm.

No Kubo binary installs from PyPI, npm or Debian, so the fallback is npm ``ipfs`` (js-ipfs 0.66),
a real node that serves the same RPC API. Either way the node is configured to stay on this
machine (no bootstrap peers, no swarm listeners, no MDNS, API on loopback only) and keeps its
repo under ``state_dir``, one folder per implementation since their repo formats differ.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from hygeia.core.errors import StoreError
from hygeia.core.store.kubo import KuboStore
from hygeia.dev.nodes import process
from hygeia.dev.nodes.process import NodeError, NodeProcess

NAME = "ipfs"
JS_IPFS = Path("node_modules/.bin/jsipfs")
# js-ipfs's libp2p calls Promise.withResolvers, which Node 20 lacks.
PROMISE_POLYFILL = Path("tools/ipfs/promise-with-resolvers.cjs")


def api_answers(url: str) -> bool:
    """Whether an IPFS RPC API answers ``version`` at ``url``."""
    store = KuboStore(url, timeout=1.0)
    try:
        store.version()
    except StoreError:
        return False
    finally:
        store.close()
    return True


def start(
    state_dir: Path,
    *,
    port: int = 5001,
    project_root: Path | None = None,
    timeout: float = 60.0,
) -> NodeProcess:
    """Start an offline IPFS node with its API on ``127.0.0.1:port``; wait until it answers.

    ``project_root`` (default: the current folder) is where js-ipfs was installed by npm. The
    node runs detached, logs to ``state_dir/ipfs.log`` and is recorded in ``state_dir/ipfs.json``
    so that :func:`running` and :func:`stop` find it from another process.
    """
    url = f"http://127.0.0.1:{port}"
    if api_answers(url):
        raise NodeError(f"something already answers at {url}; stop it or choose another port")
    state_dir.mkdir(parents=True, exist_ok=True)
    api = f"/ip4/127.0.0.1/tcp/{port}"
    kubo = shutil.which("ipfs")
    if kubo is not None:
        command, env = _kubo(kubo, state_dir / "kubo", api)
    else:
        command, env = _js_ipfs(project_root or Path.cwd(), state_dir, api)
    return process.start(
        state_dir, NAME, command, url, lambda: api_answers(url), env=env, timeout=timeout
    )


def running(state_dir: Path) -> NodeProcess | None:
    """The node recorded in ``state_dir`` if it is still running."""
    return process.read(state_dir, NAME)


def stop(state_dir: Path) -> bool:
    """Stop the recorded node; False when none was running."""
    node = running(state_dir)
    if node is None:
        return False
    process.stop(node, state_dir=state_dir)
    return True


def _kubo(executable: str, repo: Path, api: str) -> tuple[list[str], dict[str, str]]:
    """Initialize the Kubo repo once, then rewrite its config for an offline loopback node."""
    env = {"IPFS_PATH": str(repo)}
    config_path = repo / "config"
    if not config_path.exists():
        init = subprocess.run(
            [executable, "init", "--empty-repo"],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=False,
        )
        if init.returncode != 0:
            raise NodeError(f"`ipfs init` failed in {repo}: {init.stderr.strip()}")
    config = json.loads(config_path.read_text())
    config["Bootstrap"] = []
    config["Addresses"].update(API=api, Gateway=[], Swarm=[])
    config.setdefault("Discovery", {}).setdefault("MDNS", {})["Enabled"] = False
    config_path.write_text(json.dumps(config, indent=2))
    return [executable, "daemon", "--offline"], env


def _js_ipfs(project_root: Path, state_dir: Path, api: str) -> tuple[list[str], dict[str, str]]:
    """The js-ipfs daemon command; its ``--init-config`` is merged into the repo on every start."""
    executable = project_root / JS_IPFS
    if not executable.is_file():
        raise NodeError(
            f"no IPFS node to run: put Kubo's `ipfs` on PATH, or run `npm install` in "
            f"{project_root} for js-ipfs ({JS_IPFS})"
        )
    overlay = {
        "Addresses": {"API": api, "Gateway": [], "RPC": "", "Swarm": []},
        "Bootstrap": [],
        "Discovery": {"MDNS": {"Enabled": False}, "webRTCStar": {"Enabled": False}},
    }
    overlay_path = state_dir / "js-ipfs-config.json"
    overlay_path.write_text(json.dumps(overlay, indent=2))
    polyfill = (project_root / PROMISE_POLYFILL).resolve()
    node_options = f'{os.environ.get("NODE_OPTIONS", "")} --require "{polyfill}"'.strip()
    env = {"IPFS_PATH": str(state_dir / "js-ipfs"), "NODE_OPTIONS": node_options}
    command = [
        str(executable.absolute()), "daemon", "--offline", "--enable-preload=false",
        "--init-config", str(overlay_path),
    ]  # fmt: skip
    return command, env
