"""The gateway's DSCSA verification endpoint under load, on loopback: `hygeia serve` (uvicorn) over
a fresh Anvil and its index, asked by 1, 8 and 32 concurrent clients, each request signed
(EIP-712, a fresh nonce) beforehand so the clients time only the HTTP exchange. Beside it, the
same verification in-process (the SDK's verify, no HTTP) and the index query alone (a lot's
commissioning event read from the index), each one at a time.

Reported per level: requests per second and p50/p99 latency. The issue's goal: p99 under 50 ms
at 8 clients, at least 500 requests/s.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
from eth_account import Account
from rich.progress import Progress

from bench.nodes import fresh_anvil
from hygeia.core import artifacts
from hygeia.core.chain import TxSender, block_time, connect, dev_signer
from hygeia.core.chain.signers import KeySigner
from hygeia.core.contract_types import Role
from hygeia.core.deployments import AddressBook
from hygeia.core.store import LocalStore
from hygeia.deploy import deploy_suite
from hygeia.gateway.auth import sign_request
from hygeia.index.follower import Indexer
from hygeia.index.reader import IndexedLogs
from hygeia.index.store import IndexStore
from hygeia.participants.client import ParticipantRegistryClient
from hygeia.provenance import gs1
from hygeia.provenance.client import DrugProvenanceClient
from hygeia.provenance.workflow import ProvenanceFlow
from tests.support import free_port

GTIN = 614141000418
LOT, EXPIRY = "LOT-BENCH", date(2030, 12, 31)
REQ_GLN = "0614141000012"
MAKER_GLN = 614141000029  # the manufacturer's party GLN (0614141000029), under its prefix
LEVELS = (1, 8, 32)
DEFAULT_REQUESTS = 400  # per level
SERIALS = 1_000


@dataclass(frozen=True)
class LatencyRow:
    what: str  # "HTTP" or a reference
    clients: int
    requests: int
    per_second: float
    p50_ms: float
    p99_ms: float


def _row(what: str, clients: int, latencies: list[float], seconds: float) -> LatencyRow:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, max(0, round(0.99 * len(ordered)) - 1))]
    return LatencyRow(
        what,
        clients,
        len(ordered),
        round(len(ordered) / seconds, 1),
        round(statistics.median(ordered) * 1000, 2),
        round(p99 * 1000, 2),
    )


def _target(serial: str) -> str:
    return (
        f"/01/{gs1.gtin14(GTIN)}/10/{LOT}/21/{serial}?exp={gs1.expiry_text(EXPIRY)}"
        f"&linkType=verificationService&context=dscsaSaleableReturn&reqGLN={REQ_GLN}"
        f"&corrUUID={uuid.uuid4()}"
    )


async def _load(base: str, requests: list[tuple[str, str]], clients: int) -> list[float]:
    queue = list(reversed(requests))
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:

        async def client() -> None:
            while queue:
                target, header = queue.pop()
                started = time.perf_counter()
                response = await http.get(target, headers={"Authorization": header})
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise RuntimeError(f"the gateway answered {response.status_code}")

        await asyncio.gather(*(client() for _ in range(clients)))
    return latencies


def _one_at_a_time(what: str, count: int, call: Callable[[int], object]) -> LatencyRow:
    latencies = []
    started = time.perf_counter()
    for n in range(count):
        began = time.perf_counter()
        call(n)
        latencies.append(time.perf_counter() - began)
    return _row(what, 1, latencies, time.perf_counter() - started)


def run(
    progress: Progress,
    requests: int = DEFAULT_REQUESTS,
    *,
    serials: int = SERIALS,
    levels: tuple[int, ...] = LEVELS,
) -> list[LatencyRow]:
    task = progress.add_task("vrs: a lot on a fresh chain", total=None)
    with fresh_anvil() as node, tempfile.TemporaryDirectory(prefix="hygeia-bench-vrs-") as tmp:
        folder = Path(tmp)
        w3 = connect(node.url)
        admin = TxSender(w3, dev_signer(w3, "admin"), artifacts.suite_decoder())
        regulator = TxSender(w3, dev_signer(w3, "regulator"), artifacts.suite_decoder())
        book = folder / "deployments"
        deployment = deploy_suite(
            admin,
            regulators=(dev_signer(w3, "regulator").address,),
            address_book=AddressBook(book),
        ).deployment
        registry = ParticipantRegistryClient(
            w3, deployment.address_of("ParticipantRegistry"), regulator
        )
        pharmacy = KeySigner(Account.create())
        now = block_time(w3)
        for account, role in (
            (dev_signer(w3, "manufacturer").address, Role.MANUFACTURER),
            (pharmacy.address, Role.DISPENSER),
        ):
            registry.issue_credential(
                account,
                role,
                license_id="LIC-bench",
                jurisdiction="US-NJ",
                valid_from=now - timedelta(minutes=1),
                valid_until=now + timedelta(days=365),
            )
        address = deployment.address_of("DrugProvenance")
        DrugProvenanceClient(w3, address, regulator).license_company_prefix(
            "0614141", dev_signer(w3, "manufacturer").address
        )
        store = LocalStore(folder / "store")
        maker = ProvenanceFlow(
            DrugProvenanceClient(
                w3,
                address,
                TxSender(w3, dev_signer(w3, "manufacturer"), artifacts.suite_decoder()),
            ),
            store,
            chain_id=deployment.chain_id,
        )
        maker.register_gln(MAKER_GLN, 7)  # EPCIS documents name the manufacturer by its GLN
        maker.register_product(GTIN, 7, "Amoxicillin 500 mg capsules", 2.0, 25.0)
        names = [f"SN{n:06d}" for n in range(serials)]
        maker.commission(GTIN, LOT, EXPIRY, names)
        index_url = f"sqlite:///{folder / 'index.sqlite'}"
        index = IndexStore(index_url)
        Indexer(w3, deployment, index).run_once()
        index.close()

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [
            sys.executable, "-c", "import sys; from hygeia.cli.main import main; sys.exit(main())",
            "serve", "--rpc", node.url, "--deployments", str(book),
            "--index", index_url, "--store", f"local:{folder / 'store'}",
            "--state", str(folder / "gateway"), "--serial-index", str(folder / "serials"),
            "--port", str(port),
        ]  # fmt: skip
        log = (folder / "serve.log").open("w")
        server = subprocess.Popen(command, stdout=log, stderr=log)
        rows: list[LatencyRow] = []
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"hygeia serve did not start; see {folder / 'serve.log'}")
                time.sleep(0.1)
            registry_address = deployment.address_of("ParticipantRegistry")

            def signed(count: int) -> list[tuple[str, str]]:
                stamp = int(time.time())
                out = []
                for n in range(count):
                    target = _target(names[n % len(names)])
                    header = sign_request(
                        pharmacy,
                        w3,
                        registry=registry_address,
                        method="GET",
                        target=target,
                        timestamp=stamp,
                    ).header()
                    out.append((target, header))
                return out

            asyncio.run(_load(base, signed(min(requests, 20)), 1))  # warm up: caches, trees
            for clients in levels:
                progress.update(task, description=f"vrs: {clients} client(s)")
                batch = signed(requests)
                started = time.perf_counter()
                latencies = asyncio.run(_load(base, batch, clients))
                rows.append(_row("HTTP", clients, latencies, time.perf_counter() - started))
        finally:
            server.terminate()
            server.wait(timeout=20)
            log.close()

        progress.update(task, description="vrs: in-process verify and the index query alone")
        reader = ProvenanceFlow(
            DrugProvenanceClient(w3, address), store, chain_id=deployment.chain_id
        )
        reader.verify(GTIN, names[0], LOT, EXPIRY)  # warm up, as the server was
        rows.append(
            _one_at_a_time(
                "verify in-process (no HTTP)",
                requests,
                lambda n: reader.verify(GTIN, names[n % len(names)], LOT, EXPIRY),
            )
        )
        logs = IndexedLogs(IndexStore(index_url))
        try:
            rows.append(
                _one_at_a_time(
                    "index query alone",
                    requests,
                    lambda n: logs.get_logs("DrugProvenance", "LotCommissioned"),
                )
            )
        finally:
            logs.store.close()
    progress.update(task, description="vrs: done", total=1, completed=1)
    return rows
