"""A local HTTP server answering as an IPFS node's RPC API would, for the tests of a node that
lies or fails: a handler class says what it answers, `serving` runs it behind a KuboStore."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from hygeia.core.store import KuboStore


class FakeNode(BaseHTTPRequestHandler):
    """The base of each fake node: subclasses answer do_POST with `_answer`."""

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep the test output clean."""


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], *, timeout: float = 1.0) -> Iterator[KuboStore]:
    """A KuboStore talking to `handler` on a free local port, for as long as the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    store = KuboStore(f"http://127.0.0.1:{server.server_address[1]}", timeout=timeout)
    try:
        yield store
    finally:
        store.close()
        server.shutdown()
        server.server_close()
