"""The record vault over a real IPFS node (Kubo RPC API), and over a node that never answers."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator

import pytest

from hygeia.core.errors import ContentNotFoundError, StoreTimeoutError
from hygeia.core.store import KuboStore
from hygeia.dev.nodes.process import NodeProcess
from hygeia.records.vault import RecordVault
from tests.records.samples import GLUCOSE
from tests.records.world import World


@pytest.fixture
def node_store(ipfs_node: NodeProcess) -> Iterator[KuboStore]:
    store = KuboStore(ipfs_node.url, timeout=1.0)
    yield store
    store.close()


@pytest.fixture
def silent_node() -> Iterator[str]:
    """A TCP server that accepts connections and never answers: a hung IPFS daemon."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_a_record_stored_on_the_ipfs_node_is_read_back_through_it(
    world: World, node_store: KuboStore
) -> None:
    patient = world.address("patient")
    vault = RecordVault(world.suite("patient"), node_store, world.keys["patient"])
    stored = vault.put(patient, GLUCOSE, data_class=f"lab-{uuid.uuid4().hex[:8]}")
    assert stored.cid in node_store.pins()
    assert vault.get(stored.record_id).record.resource == GLUCOSE


def test_a_record_missing_from_the_node_is_a_clear_error(
    world: World, node_store: KuboStore
) -> None:
    patient = world.address("patient")
    stored = world.vault("patient").put(patient, GLUCOSE)  # only in the embedded store
    reader = RecordVault(world.suite("patient"), node_store, world.keys["patient"])
    with pytest.raises((ContentNotFoundError, StoreTimeoutError)):
        reader.get(stored.record_id)


def test_a_node_that_never_answers_times_out_and_nothing_is_anchored(
    world: World, silent_node: str
) -> None:
    patient = world.address("patient")
    before = len(world.suite("patient").consent.anchors(patient=patient))
    store = KuboStore(silent_node, timeout=0.5)
    try:
        with pytest.raises(StoreTimeoutError):
            RecordVault(world.suite("patient"), store, world.keys["patient"]).put(patient, GLUCOSE)
    finally:
        store.close()
    assert len(world.suite("patient").consent.anchors(patient=patient)) == before
