"""`hygeia node up|down|status`: a background Anvil whose chain state survives a restart."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import pytest

from hygeia.cli.main import main
from hygeia.core.chain import connect
from hygeia.core.store import KuboStore
from hygeia.dev.nodes import anvil, ipfs
from tests.support import free_port


def _node(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> dict[str, object]:
    assert main(["node", *argv, "--json"]) == code
    return dict(json.loads(capsys.readouterr().out))


def test_node_up_down_keeps_chain_and_ipfs_state_and_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = (
        "--state-dir", str(tmp_path), "--port", str(free_port()), "--ipfs-port", str(free_port()),
    )  # fmt: skip
    try:
        up = _node(capsys, "up", *args)
        assert up["anvil"]["started"] is True and up["ipfs"]["started"] is True  # type: ignore[index]
        again = _node(capsys, "up", *args)  # second run: already running
        assert again["anvil"]["started"] is False and again["ipfs"]["started"] is False  # type: ignore[index]
        status = _node(capsys, "status", *args)
        url, ipfs_url = str(status["anvil"]["url"]), str(status["ipfs"]["url"])  # type: ignore[index]
        w3 = connect(url)
        tx = w3.eth.send_transaction(
            {"from": w3.eth.accounts[0], "to": w3.eth.accounts[1], "value": 12345}
        )
        w3.eth.wait_for_transaction_receipt(tx)
        balance = w3.eth.get_balance(w3.eth.accounts[1])
        with closing(KuboStore(ipfs_url)) as store:
            cid = store.add(b"kept across a restart")
        assert _node(capsys, "down", *args)["stopped"] == {
            "gateway": False,
            "anvil": True,
            "ipfs": True,
        }
        # Nothing runs: `status` answers no (exit 3), as an init script's status does.
        assert _node(capsys, "status", *args, code=3)["anvil"] == {"running": False}
        _node(capsys, "up", *args)
        assert connect(url).eth.get_balance(w3.eth.accounts[1]) == balance
        with closing(KuboStore(ipfs_url)) as store:
            assert store.cat(cid) == b"kept across a restart"
    finally:
        anvil.stop(tmp_path)
        ipfs.stop(tmp_path)
    assert _node(capsys, "down", *args)["stopped"] == {
        "gateway": False,
        "anvil": False,
        "ipfs": False,
    }
