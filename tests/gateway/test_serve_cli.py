"""`hygeia serve` as an operator starts it: a real uvicorn on a loopback port over a real chain and
index, printing its URLs, answering a signed verification over HTTP, logging JSON lines, and
refusing a bad command line before it listens."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest

from hygeia.core.store import LocalStore
from hygeia.gateway.services import GatewayServices
from hygeia.provenance import gs1
from tests.chains import Chain
from tests.gateway.stack import RESPONDER_GLN, Gateway, lms_target
from tests.support import free_port

HYGEIA = str(Path(sys.executable).parent / "hygeia")


def _command(chain: Chain, services: GatewayServices, store: LocalStore, state: Path) -> list[str]:
    return [
        HYGEIA,
        "serve",
        "--rpc",
        chain.url,
        "--deployments",
        str(chain.deployments),
        "--index",
        services.index_url,
        "--store",
        f"local:{store.root}",
        "--state",
        str(state),
        "--serial-index",
        str(state / "serials"),
        "--responder-gln",
        gs1.gln13(RESPONDER_GLN),
    ]


@pytest.fixture
def served(
    provenance_chain: Chain,
    services: GatewayServices,
    drug_store: LocalStore,
    tmp_path: Path,
) -> Iterator[tuple[str, IO[str], Path]]:
    """A running `hygeia serve --json`: its base URL, its printed URLs, its stderr file."""
    port = free_port()
    stderr = tmp_path / "stderr.log"
    command = [
        *_command(provenance_chain, services, drug_store, tmp_path / "state"),
        "--port",
        str(port),
        "--json",
    ]
    with stderr.open("w") as err:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, stderr.read_text()
            assert time.monotonic() < deadline, "hygeia serve did not start"
            time.sleep(0.2)
        assert process.stdout is not None
        yield base, process.stdout, stderr
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_serve_prints_its_urls_and_answers_a_signed_verification_over_http(
    served: tuple[str, IO[str], Path], gateway: Gateway
) -> None:
    base, stdout, stderr = served
    target = lms_target("SN0001")
    response = httpx.get(base + target, headers={"Authorization": gateway.header(target)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] == {"verified": True}
    assert body["responderGLN"] == gs1.gln13(RESPONDER_GLN)
    assert httpx.get(f"{base}/ready").json()["chain"]["reachable"] is True
    assert httpx.get(f"{base}/openapi.json").json()["info"]["title"] == "hygeia gateway"

    printed = ""
    while not printed.rstrip().endswith("}"):
        printed += stdout.readline()
    urls = json.loads(printed)
    assert urls["url"] == base and urls["openapi"] == f"{base}/openapi.json"
    assert urls["health"] == f"{base}/health" and urls["ready"] == f"{base}/ready"

    deadline = time.monotonic() + 10
    while '"/01/{gtin}/10/{lot}/21/{serial}"' not in stderr.read_text():
        assert time.monotonic() < deadline, stderr.read_text()
        time.sleep(0.1)
    lines = [json.loads(x) for x in stderr.read_text().splitlines() if x.startswith("{")]
    verified = [x for x in lines if x["route"] == "/01/{gtin}/10/{lot}/21/{serial}"]
    assert verified[0]["status"] == 200
    assert "SN0001" not in stderr.read_text()


def test_serve_refuses_a_bad_responder_gln_before_listening(
    provenance_chain: Chain, services: GatewayServices, drug_store: LocalStore, tmp_path: Path
) -> None:
    command = _command(provenance_chain, services, drug_store, tmp_path / "state")
    command[command.index("--responder-gln") + 1] = "0614141999990"
    done = subprocess.run(
        [*command, "--port", str(free_port()), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
    )
    assert done.returncode == 2
    error = json.loads(done.stdout)["error"]
    assert error["type"] == "UsageError" and "--responder-gln" in error["message"]


def test_serve_refuses_an_index_of_another_chain(
    provenance_chain: Chain, services: GatewayServices, drug_store: LocalStore, tmp_path: Path
) -> None:
    command = _command(provenance_chain, services, drug_store, tmp_path / "state")
    command[command.index("--index") + 1] = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    done = subprocess.run(
        [*command, "--port", str(free_port()), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert json.loads(done.stdout)["error"]["type"].startswith("Index")
