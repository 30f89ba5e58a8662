"""CI deploys the suite to Ganache 7 (shanghai) with the brownie script and calls it once."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import yaml

from hygeia.core import contract_errors as errors
from hygeia.core.chain import block_time, dev_signer
from hygeia.core.contract_types import Role
from hygeia.dev.nodes import process
from hygeia.suite import Suite
from tests.support import ROOT


def _ganache_port() -> int:
    """The port of brownie's `ganache` network, where brownie attaches to the Ganache started
    here: from the brownie home the tests run with (`make test` sets HOME to it), else from the
    project's list (tools/brownie/network-config.yaml)."""
    for config in (
        Path.home() / ".brownie" / "network-config.yaml",
        ROOT / "tools" / "brownie" / "network-config.yaml",
    ):
        if config.exists():
            networks = yaml.safe_load(config.read_text())["development"]
            return int(next(n for n in networks if n["id"] == "ganache")["cmd_settings"]["port"])
    raise FileNotFoundError("no brownie network list")


GANACHE_PORT = _ganache_port()


def _answers(url: str) -> bool:
    try:
        return requests.post(
            url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}, timeout=1
        ).ok
    except requests.RequestException:
        return False


@pytest.fixture(scope="module")
def ganache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    state = tmp_path_factory.mktemp("ganache")
    url = f"http://127.0.0.1:{GANACHE_PORT}"
    command = [
        str(ROOT / "node_modules/.bin/ganache"),
        "--chain.hardfork",
        "shanghai",
        "--chain.chainId",
        "1337",
        "--server.port",
        str(GANACHE_PORT),
        "--logging.quiet",
    ]
    node = process.start(state, "ganache", command, url, lambda: _answers(url), timeout=60)
    yield url
    process.stop(node, state_dir=state)


def test_brownie_deploy_script_deploys_to_ganache_and_the_sdk_calls_it(
    ganache: str, tmp_path: Path
) -> None:
    env = {**os.environ, "HYGEIA_DEPLOYMENTS": str(tmp_path)}
    run = subprocess.run(
        [str(ROOT / "bin/brownie"), "run", "scripts/deploy.py", "--network", "ganache"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ParticipantRegistry deployed at" in run.stdout

    regulator = Suite.connect(ganache, deployments=tmp_path, chain_id=1337)
    regulator = regulator.as_signer(dev_signer(regulator.w3, "regulator"))
    provider = regulator.w3.eth.accounts[2]
    now = block_time(regulator.w3)
    regulator.participants.issue_credential(
        provider,
        Role.PROVIDER,
        license_id="NPI-1",
        jurisdiction="US",
        valid_from=now - timedelta(seconds=1),
        valid_until=now + timedelta(hours=1),
    )
    assert regulator.participants.is_active(provider, Role.PROVIDER)
    # Ganache reports reverts differently from Anvil; the SDK still names the custom error.
    with pytest.raises(errors.ParticipantRegistryCredentialExists):
        regulator.participants.issue_credential(
            provider,
            Role.PROVIDER,
            license_id="NPI-1",
            jurisdiction="US",
            valid_from=now - timedelta(seconds=1),
            valid_until=now + timedelta(hours=1),
        )
