"""How the node backend fails: unreachable, silent, or serving the wrong bytes."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from hygeia.core.errors import IntegrityError, StoreError, StoreTimeoutError, StoreUnavailableError
from hygeia.core.store import KuboStore
from hygeia.core.store.unixfs import file_cid
from tests.core.store.fake_node import FakeNode, serving
from tests.support import free_port

ORIGINAL = b"the record as it was written"
ORIGINAL_CID = str(file_cid(ORIGINAL))


class _LyingNode(FakeNode):
    """Answers like an IPFS RPC API, but with other bytes and another CID than it should."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith(("/api/v0/cat?", "/api/v0/block/get?")):
            self._answer(200, b"the record after someone edited it")
        elif self.path.startswith("/api/v0/add?"):
            self._answer(200, json.dumps({"Name": "record", "Hash": ORIGINAL_CID}).encode())
        else:
            self._answer(404, b"404 page not found")


@pytest.fixture
def lying_node() -> Iterator[KuboStore]:
    with serving(_LyingNode) as store:
        yield store


def test_a_dead_port_raises_store_unavailable_naming_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    store = KuboStore(url)
    with pytest.raises(StoreUnavailableError, match=url):
        store.cat(ORIGINAL_CID)
    store.close()


def test_a_node_that_never_answers_raises_store_timeout() -> None:
    with socket.socket() as listener:  # accepts connections (kernel backlog), never replies
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        store = KuboStore(f"http://127.0.0.1:{listener.getsockname()[1]}", timeout=0.1)
        with pytest.raises(StoreTimeoutError, match="did not answer cat"):
            store.cat(ORIGINAL_CID)
        store.close()


def test_tampered_content_from_the_node_raises_integrity_error(lying_node: KuboStore) -> None:
    with pytest.raises(IntegrityError, match=ORIGINAL_CID):
        lying_node.cat(ORIGINAL_CID)


def test_a_tampered_block_from_the_node_fails_a_partial_read(lying_node: KuboStore) -> None:
    with pytest.raises(IntegrityError, match="another block"):
        lying_node.head(ORIGINAL_CID, 4)


def test_a_node_that_stores_content_under_another_cid_is_refused(lying_node: KuboStore) -> None:
    with pytest.raises(StoreError, match="import settings"):
        lying_node.add(b"some other record")


def test_a_server_that_is_not_an_ipfs_api_raises_store_error(lying_node: KuboStore) -> None:
    with pytest.raises(StoreError, match="does not serve the IPFS RPC API"):
        lying_node.pins()


class _GarbledNode(_LyingNode):
    """Says its answers are gzip, and sends bytes that are not."""

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_an_answer_that_cannot_be_decoded_is_a_store_error() -> None:
    with serving(_GarbledNode) as store:
        with pytest.raises(StoreError, match="cannot be decoded"):
            store.cat(ORIGINAL_CID)
        with pytest.raises(StoreError, match="cannot be decoded"):
            store.head(ORIGINAL_CID, 4)
