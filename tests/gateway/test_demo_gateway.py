"""The demo's gateway in the background (what `make demo` leaves running): `hygeia index`
following the chain and `hygeia serve` over that index, ready; `hygeia node down` stops both."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from hygeia.cli.main import main
from hygeia.core.store import LocalStore
from hygeia.dev.nodes import gateway
from hygeia.dev.nodes.process import NodeProcess
from tests.chains import Chain
from tests.gateway.stack import supply  # noqa: F401 (the chain has a supply chain on it)
from tests.support import free_port


def test_the_demo_gateway_runs_in_the_background_until_node_down(
    provenance_chain: Chain,
    supply: None,  # noqa: F811
    drug_store: LocalStore,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    nodes = tmp_path / "nodes"
    indexer, served = gateway.start(
        nodes,
        rpc=provenance_chain.url,
        deployments=provenance_chain.deployments,
        index=f"sqlite:///{tmp_path / 'index.sqlite'}",
        store=["--store", f"local:{drug_store.root}"],
        port=free_port(),
        extra=["--state", str(tmp_path / "gateway-state")],
    )
    try:
        assert gateway.running(nodes) == served
        again = gateway.start(
            nodes,
            rpc=provenance_chain.url,
            deployments=provenance_chain.deployments,
            index="unused",
            store=[],
        )
        assert again == (indexer, served)  # found, not started twice
        deadline = time.monotonic() + 30
        while (ready := httpx.get(f"{served.url}/ready")).status_code != 200:
            assert time.monotonic() < deadline, ready.text
            time.sleep(0.2)
        assert ready.json()["index"]["lag"] <= 10
    finally:
        assert main(["node", "down", "--state-dir", str(nodes), "--json"]) == 0
    stopped = json.loads(capsys.readouterr().out)["stopped"]
    assert stopped == {"gateway": True, "anvil": False, "ipfs": False}
    for process in (indexer, served):
        assert not _alive(process)
    assert gateway.running(nodes) is None


def _alive(node: NodeProcess) -> bool:
    return node.alive()
