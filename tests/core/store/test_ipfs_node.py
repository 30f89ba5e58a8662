"""Starting and stopping the local IPFS node, as `hygeia node up|down` will."""

from __future__ import annotations

from pathlib import Path

import pytest

from hygeia.dev.nodes import ipfs
from hygeia.dev.nodes.process import NodeError, NodeProcess
from tests.support import ROOT, free_port


def test_the_running_node_is_found_from_its_state_folder(ipfs_node: NodeProcess) -> None:
    assert ipfs.running(Path(ipfs_node.log_file).parent) == ipfs_node
    assert ipfs.api_answers(ipfs_node.url)


def test_start_refuses_a_port_where_a_node_already_answers(
    ipfs_node: NodeProcess, tmp_path: Path
) -> None:
    port = int(ipfs_node.url.rsplit(":", 1)[1])
    with pytest.raises(NodeError, match="already answers"):
        ipfs.start(tmp_path, port=port, project_root=ROOT)


def test_stop_ends_the_node_and_a_second_stop_finds_nothing(tmp_path: Path) -> None:
    node = ipfs.start(tmp_path, port=free_port(), project_root=ROOT)
    assert ipfs.stop(tmp_path)
    assert not node.alive()
    assert not ipfs.api_answers(node.url)
    assert ipfs.running(tmp_path) is None
    assert not ipfs.stop(tmp_path)


def test_start_without_any_ipfs_implementation_says_how_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no Kubo `ipfs` on PATH
    with pytest.raises(NodeError, match="npm install"):
        ipfs.start(tmp_path / "state", port=free_port(), project_root=tmp_path)
