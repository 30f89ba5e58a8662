"""The importer gives the CIDs a real IPFS node gives, for CIDv0 and for CIDv1 with raw leaves."""

from __future__ import annotations

import functools
import hashlib
import json

import httpx
import pytest

from hygeia.core.store.cid import DAG_PB
from hygeia.core.store.dagpb import decode_node
from hygeia.core.store.unixfs import CHUNK_SIZE, MAX_LINKS, file_cid, import_file
from hygeia.dev.nodes.process import NodeProcess
from tests.core.store.vectors import VECTORS, Vector

CIDV0 = {"cid-version": "0"}
CIDV1_RAW_LEAVES = {"cid-version": "1", "raw-leaves": "true", "cid-base": "base32"}


def node_cid(node: NodeProcess, data: bytes, settings: dict[str, str]) -> str:
    """The CID the node computes for ``data`` (``only-hash``: nothing is stored)."""
    response = httpx.post(
        f"{node.url}/api/v0/add",
        params={"only-hash": "true", **settings},
        files={"file": ("data", data, "application/octet-stream")},
        timeout=60,
    )
    response.raise_for_status()
    return str(json.loads(response.text.strip().splitlines()[-1])["Hash"])


@functools.cache
def big_file(size: int) -> bytes:
    return hashlib.shake_256(b"hygeia-test:big-file").digest(size)


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_importer_reproduces_the_reference_cidv0(vector: Vector) -> None:
    assert str(file_cid(vector.content, cid_version=0)) == vector.cidv0


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_importer_reproduces_the_reference_cidv1_with_raw_leaves(vector: Vector) -> None:
    assert str(file_cid(vector.content)) == vector.cidv1_raw_leaves


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_the_test_node_agrees_with_the_reference_cids(
    ipfs_node: NodeProcess, vector: Vector
) -> None:
    assert node_cid(ipfs_node, vector.content, CIDV0) == vector.cidv0
    assert node_cid(ipfs_node, vector.content, CIDV1_RAW_LEAVES) == vector.cidv1_raw_leaves


@pytest.mark.parametrize(
    ("cid_version", "settings"), [(0, CIDV0), (1, CIDV1_RAW_LEAVES)], ids=["cidv0", "cidv1"]
)
@pytest.mark.parametrize(
    ("size", "root_links"),
    [(MAX_LINKS * CHUNK_SIZE, MAX_LINKS), (MAX_LINKS * CHUNK_SIZE + 1, 2)],
    ids=["174-chunks-one-level", "175-chunks-two-levels"],
)
def test_a_file_of_many_chunks_gets_the_node_cid(
    ipfs_node: NodeProcess, cid_version: int, settings: dict[str, str], size: int, root_links: int
) -> None:
    data = big_file(size)
    blocks = import_file(data, cid_version=cid_version)
    root = decode_node(blocks[-1].data)
    assert len(root.links) == root_links  # 175 chunks: a full subtree of 174 leaves, then one
    assert str(blocks[-1].cid) == node_cid(ipfs_node, data, settings)


def test_a_two_level_dag_is_made_of_full_subtrees_then_the_rest() -> None:
    blocks = import_file(big_file(MAX_LINKS * CHUNK_SIZE + 1))
    by_cid = {block.cid: block.data for block in blocks}
    first, last = decode_node(blocks[-1].data).links
    assert first.cid.codec == last.cid.codec == DAG_PB
    assert len(decode_node(by_cid[first.cid]).links) == MAX_LINKS
    assert len(decode_node(by_cid[last.cid]).links) == 1
    assert first.tsize == MAX_LINKS * CHUNK_SIZE + len(by_cid[first.cid])
