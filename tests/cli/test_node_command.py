"""`hygeia node up|down|status`: a background Anvil whose chain state survives a restart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hygeia.chain import connect
from hygeia.cli.main import main
from hygeia.nodes import anvil


def _node(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(["node", *argv, "--json"]) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_node_up_down_keeps_chain_state_and_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.support import free_port

    args = ("--state-dir", str(tmp_path), "--port", str(free_port()))
    try:
        assert _node(capsys, "up", *args)["started"] is True
        assert _node(capsys, "up", *args)["started"] is False  # second run: already running
        url = str(_node(capsys, "status", *args)["anvil"]["rpc_url"])  # type: ignore[index]
        w3 = connect(url)
        tx = w3.eth.send_transaction(
            {"from": w3.eth.accounts[0], "to": w3.eth.accounts[1], "value": 12345}
        )
        w3.eth.wait_for_transaction_receipt(tx)
        balance = w3.eth.get_balance(w3.eth.accounts[1])
        assert _node(capsys, "down", *args)["stopped"] is True
        assert _node(capsys, "status", *args)["anvil"] == {"running": False}
        _node(capsys, "up", *args)
        assert connect(url).eth.get_balance(w3.eth.accounts[1]) == balance
    finally:
        anvil.stop(tmp_path)
    assert _node(capsys, "down", *args)["stopped"] is False
