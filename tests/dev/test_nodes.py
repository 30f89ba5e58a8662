"""Commands given no --rpc attach to the local chain of `hygeia node up`, or start it; the store
`auto` is that node's IPFS when it runs, else the embedded store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from hygeia.cli.main import main
from hygeia.dev.nodes import anvil, ipfs
from tests.support import free_port


@pytest.fixture
def local_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    state = tmp_path / "nodes"
    monkeypatch.setenv("HYGEIA_STATE_DIR", str(state))
    monkeypatch.setenv("HYGEIA_NODE_PORT", str(free_port()))
    monkeypatch.setenv("HYGEIA_IPFS_PORT", str(free_port()))
    monkeypatch.delenv("HYGEIA_RPC_URL", raising=False)
    monkeypatch.delenv("HYGEIA_STORE", raising=False)
    yield state
    anvil.stop(state)
    ipfs.stop(state)


def test_a_command_without_rpc_starts_the_local_chain_once_and_then_attaches(
    local_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deployments = ["--deployments", str(tmp_path / "deployments"), "--json"]
    assert anvil.running(local_env) is None

    assert main(["deploy", *deployments]) == 0
    first = capsys.readouterr()
    assert "starting Anvil" in first.err
    node = anvil.running(local_env)
    assert node is not None

    assert main(["participants", "show", "admin", *deployments]) == 0
    second = capsys.readouterr()
    assert "starting Anvil" not in second.err
    assert json.loads(second.out)["roles"] == ["admin"]
    assert anvil.running(local_env) == node


def test_the_auto_store_is_the_running_ipfs_node_else_the_embedded_store(
    local_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    blob = tmp_path / "blob"
    blob.write_bytes(b"auto store")
    assert main(["store", "add", str(blob), "--json"]) == 0
    cid = json.loads(capsys.readouterr().out)["cid"]
    assert (tmp_path / "data" / "hygeia" / "store").is_dir()  # no node: the embedded store

    assert main(["store", "cat", cid, "--store", "ipfs", "--timeout", "1", "--json"]) == 1
    assert "starting one" in capsys.readouterr().err  # `ipfs` started the node, which lacks it
    assert ipfs.running(local_env) is not None
    assert main(["store", "add", str(blob), "--json"]) == 0  # `auto` now finds the node
    capsys.readouterr()
    assert main(["store", "pin", cid, "--store", "ipfs", "--timeout", "1", "--json"]) == 0
