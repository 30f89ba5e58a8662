"""brownie's chains apart from the local node's: chain ids of their own, so their address books
never overwrite `hygeia node up`'s, and the README's brownie commands work as written (each run
on a fresh chain, or attached to a chain kept running)."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from hygeia.core.chain import LOCAL_CHAIN_IDS, connect
from hygeia.core.deployments import AddressBook
from hygeia.dev.nodes import anvil
from hygeia.suite import attach
from tests.support import ROOT, free_port

BATCH = ROOT / "tests" / "claims" / "data" / "batch.json"
DEPLOYING = "deploying the suite on this chain first"


def _networks(path: Path) -> dict[str, dict[str, Any]]:
    config = yaml.safe_load(path.read_text())
    return {n["id"]: n for n in config["development"]}


def _node_chain_id() -> int:
    return int(inspect.signature(anvil.start).parameters["chain_id"].default)


def test_brownie_networks_have_chain_ids_of_their_own() -> None:
    networks = _networks(ROOT / "tools" / "brownie" / "network-config.yaml")
    ids = {name: network["cmd_settings"]["chain_id"] for name, network in networks.items()}
    assert ids == {"development": 31338, "ganache": 1338}
    assert _node_chain_id() == 31337 and _node_chain_id() not in ids.values()
    assert set(ids.values()) <= LOCAL_CHAIN_IDS  # dev accounts, local deploy defaults
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    for chain_id in LOCAL_CHAIN_IDS:  # local chains' address books are never committed
        assert f"/deployments/{chain_id}.json" in ignored


@pytest.fixture
def brownie_home(tmp_path: Path) -> tuple[Path, int]:
    """A brownie home with the project's network list on free ports (the session's own brownie
    chain holds the development port, and other checkouts may run theirs), and that port."""
    config = yaml.safe_load((ROOT / "tools" / "brownie" / "network-config.yaml").read_text())
    for network in config["development"]:
        network["cmd_settings"]["port"] = free_port()
    home = tmp_path / "brownie-home"
    (home / ".brownie").mkdir(parents=True)
    (home / ".brownie" / "network-config.yaml").write_text(yaml.safe_dump(config))
    port = {n["id"]: n["cmd_settings"]["port"] for n in config["development"]}["development"]
    return home, int(port)


def _brownie(*args: str, home: Path, book: Path) -> subprocess.CompletedProcess[str]:
    """bin/brownie's environment (the project's tools first on PATH), with `home` for HOME."""
    path = f"{ROOT / 'node_modules' / '.bin'}:{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"
    env = {
        **os.environ,
        "PATH": path,
        "SOLCX_BINARY_PATH": str(ROOT / ".hygeia" / "solcx"),
        "HOME": str(home),
        "HYGEIA_DEPLOYMENTS": str(book),
    }
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "brownie"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _deploy(home: Path, book: Path) -> subprocess.CompletedProcess[str]:
    return _brownie("run", "scripts/deploy.py", "--network", "development", home=home, book=book)


def _adjudicate(home: Path, book: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return _brownie(
        "run", "scripts/adjudicate.py", "main", "--network", "development", "--",
        "adjudicate-file", str(BATCH), "--out", str(out / "remit.json"),
        "--salt-file", str(out / "salt"), home=home, book=book,
    )  # fmt: skip


def test_the_brownie_commands_of_the_readme_each_on_a_fresh_chain(
    brownie_home: tuple[Path, int], tmp_path: Path
) -> None:
    home, _ = brownie_home
    book = tmp_path / "deployments"
    book.mkdir()
    # The local node's address book, which a brownie run used to overwrite.
    node_book = book / f"{_node_chain_id()}.json"
    node_book.write_text('{"chain_id": 31337, "kept": true}\n')

    deployed = _deploy(home, book)
    assert "Launching 'anvil" in deployed.stdout  # a chain of its own for this run
    assert "ParticipantRegistry deployed at" in deployed.stdout
    assert "address book " + str(book / "31338.json") in deployed.stdout
    # A separate run is a fresh chain: the script deploys there first, then adjudicates.
    ran = _adjudicate(home, book, tmp_path)
    assert DEPLOYING in ran.stdout and "9 claims remitted" in ran.stdout
    assert len(json.loads((tmp_path / "remit.json").read_text())["claims"]) == 9

    assert node_book.read_text() == '{"chain_id": 31337, "kept": true}\n'
    assert sorted(p.name for p in book.glob("*.json")) == ["31337.json", "31338.json"]


@pytest.fixture
def kept_chain(brownie_home: tuple[Path, int], tmp_path: Path) -> Iterator[str]:
    """An Anvil on brownie's development port with its chain id, started by hand (as the README
    says), so that brownie attaches to it instead of launching a chain for each run."""
    _, port = brownie_home
    state = tmp_path / "kept-chain"
    state.mkdir()
    node = anvil.start(state, port=port, chain_id=31338, persist=False)
    yield node.url
    anvil.stop(state)


def test_the_brownie_commands_of_the_readme_on_a_chain_kept_running(
    brownie_home: tuple[Path, int], kept_chain: str, tmp_path: Path
) -> None:
    home, _ = brownie_home
    book = tmp_path / "deployments"
    assert "Attached to local RPC client" in _deploy(home, book).stdout
    ran = _adjudicate(home, book, tmp_path)
    assert DEPLOYING not in ran.stdout and "9 claims remitted" in ran.stdout
    w3 = connect(kept_chain)
    assert w3.eth.chain_id == 31338
    assert attach(w3, AddressBook(book)).chain_id == 31338  # the suite stayed on the chain
