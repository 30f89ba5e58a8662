from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from web3 import Web3

from hygeia.core.chain import connect
from hygeia.core.chain.connection import block_time, block_times, node_session
from hygeia.core.errors import ChainIdMismatchError, InvalidInputError, RPCUnavailableError
from tests.chains import Chain
from tests.support import free_port


def test_connect_raises_rpc_unavailable_when_nothing_listens() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RPCUnavailableError, match=url):
        connect(url, timeout=2)


def test_connect_raises_chain_id_mismatch_for_the_wrong_chain(suite_chain: Chain) -> None:
    with pytest.raises(ChainIdMismatchError, match="serves chain id 31337, expected 1"):
        connect(suite_chain.url, expected_chain_id=1)


def test_connect_accepts_the_expected_chain_id(suite_chain: Chain) -> None:
    assert connect(suite_chain.url, expected_chain_id=31337).eth.chain_id == 31337


@pytest.mark.parametrize("url", ["127.0.0.1:8545", "ws://127.0.0.1:8545", ""])
def test_connect_rejects_a_url_that_is_not_http(url: str) -> None:
    with pytest.raises(InvalidInputError):
        connect(url)


def test_block_times_answers_each_block_once_as_block_time_would(suite_chain: Chain) -> None:
    w3 = suite_chain.w3
    head = w3.eth.block_number
    wanted = [0, head, 0, head // 2, head]
    times = block_times(w3, wanted)
    assert set(times) == {0, head // 2, head}
    for number, when in times.items():
        assert when == block_time(w3, number)
    assert block_times(w3, []) == {}


def test_block_times_of_a_dead_node_is_rpc_unavailable() -> None:
    w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{free_port()}"))
    with pytest.raises(RPCUnavailableError):
        block_times(w3, [1, 2])


class _Proxy(BaseHTTPRequestHandler):
    """An HTTP proxy that answers every JSON-RPC request itself, as chain 31337, and keeps the
    request lines it was sent (a proxied request names the whole URL)."""

    seen: list[str] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.seen.append(self.requestline)
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body = json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": "0x7a69"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def proxy() -> Iterator[str]:
    _Proxy.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def clean_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


def test_connect_goes_through_the_proxy_the_environment_names(
    proxy: str, clean_proxy_env: pytest.MonkeyPatch
) -> None:
    clean_proxy_env.setenv("HTTP_PROXY", proxy)
    w3 = connect("http://node.example:8545")
    assert w3.eth.chain_id == 31337
    assert _Proxy.seen and set(_Proxy.seen) == {"POST http://node.example:8545/ HTTP/1.1"}


def test_connect_goes_straight_to_a_node_that_no_proxy_names(
    suite_chain: Chain, clean_proxy_env: pytest.MonkeyPatch
) -> None:
    clean_proxy_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")  # nothing listens
    clean_proxy_env.setenv("NO_PROXY", "127.0.0.1")
    assert connect(suite_chain.url).eth.chain_id == 31337


def test_the_environment_is_read_when_connecting_not_on_each_request(
    proxy: str, clean_proxy_env: pytest.MonkeyPatch
) -> None:
    clean_proxy_env.setenv("HTTP_PROXY", proxy)
    w3 = connect("http://node.example:8545")
    asked = len(_Proxy.seen)
    clean_proxy_env.delenv("HTTP_PROXY")
    assert w3.eth.block_number == 31337
    assert len(_Proxy.seen) == asked + 1


def test_a_node_session_takes_its_ca_bundle_and_netrc_credentials_from_the_environment(
    tmp_path: Path, clean_proxy_env: pytest.MonkeyPatch
) -> None:
    folder = tmp_path
    netrc = folder / "netrc"
    netrc.write_text("machine node.example login alice password s3cret\n")
    netrc.chmod(0o600)
    clean_proxy_env.setenv("NETRC", str(netrc))
    clean_proxy_env.setenv("REQUESTS_CA_BUNDLE", str(folder / "consortium-ca.pem"))
    session = node_session("https://node.example:8545")
    assert session.verify == str(folder / "consortium-ca.pem")
    assert session.auth == ("alice", "s3cret")
    assert session.trust_env is False
