"""`hygeia serve --rpc URL --index URL --host 127.0.0.1 --port 8080`: the gateway over HTTP
(uvicorn), reading past events from the event index that `hygeia index` keeps."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hygeia.cli import values
from hygeia.cli.commands import add_command
from hygeia.cli.context import Context
from hygeia.cli.errors import OK
from hygeia.cli.options import add_connection_options, add_json_option, add_store_options
from hygeia.core import times
from hygeia.core.deployments import AddressBook
from hygeia.gateway.auth import DEFAULT_WINDOW
from hygeia.gateway.health import DEFAULT_MAX_LAG
from hygeia.gateway.ledger import DEFAULT_DIR, Ledger
from hygeia.index.store import default_url
from hygeia.provenance import gs1
from hygeia.provenance.index import SerialIndex, default_index_dir

DEFAULT_PORT = 8080


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(
        sub,
        "serve",
        description="Serve the deployment over HTTP: the DSCSA verification responder (GS1 "
        "Lightweight Messaging on GS1 Digital Link paths), claim status and remittance, sign-in "
        "with Ethereum and the FHIR R4 read API, the verify and patient pages, health and "
        "readiness, and the OpenAPI document at /openapi.json. Past events are read from "
        "the event index (keep it current with `hygeia index`). Example: hygeia serve --rpc "
        "http://127.0.0.1:8545 --index sqlite:///.hygeia/index/31337.sqlite --port 8080",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default %(default)s)")
    p.add_argument(
        "--port",
        type=values.positive,
        default=int(os.environ.get("HYGEIA_GATEWAY_PORT", DEFAULT_PORT)),
        help="port to listen on (env HYGEIA_GATEWAY_PORT; default %(default)s)",
    )
    p.add_argument(
        "--public-url",
        metavar="URL",
        default=os.environ.get("HYGEIA_GATEWAY_URL"),
        help="the origin browsers and clients reach the gateway at, which sign-in messages name "
        "(env HYGEIA_GATEWAY_URL; default http://HOST:PORT)",
    )
    p.add_argument(
        "--index",
        metavar="URL",
        default=os.environ.get("HYGEIA_INDEX"),
        help="the event index (env HYGEIA_INDEX; default sqlite:///.hygeia/index/<chain id>"
        ".sqlite)",
    )
    p.add_argument(
        "--state",
        metavar="DIR",
        type=Path,
        default=DEFAULT_DIR,
        help="folder of the gateway's own records: request nonces and the verification audit, "
        "one <chain id>.sqlite, owner-only (default %(default)s)",
    )
    p.add_argument(
        "--responder-gln",
        metavar="GLN",
        type=gs1.parse_gln,
        default=None,
        help="the GLN the verification responder answers as (responderGLN), e.g. 0614141000005 "
        "(default: the DrugProvenance contract's account URI)",
    )
    p.add_argument(
        "--serial-index",
        metavar="DIR",
        type=Path,
        default=Path(os.environ.get("HYGEIA_PROVENANCE_INDEX") or default_index_dir()),
        help="folder of the serial index that finds a serial's lot (default %(default)s)",
    )
    p.add_argument(
        "--remittances",
        metavar="DIR",
        type=Path,
        default=None,
        help="the insurer's folder of 835 files (`hygeia claims remit --x12-dir`) the claims "
        "API serves (default: none, so no 835s)",
    )
    p.add_argument(
        "--window",
        metavar="SECONDS",
        type=values.positive,
        default=DEFAULT_WINDOW,
        help="how far a signed request's timestamp may be from the clock (default %(default)s)",
    )
    p.add_argument(
        "--max-lag",
        metavar="BLOCKS",
        type=values.non_negative,
        default=DEFAULT_MAX_LAG,
        help="blocks the index may be behind while /ready says ready (default %(default)s)",
    )
    add_connection_options(p)
    add_store_options(p)
    add_json_option(p)
    p.set_defaults(handler=_serve)


def _serve(ctx: Context) -> int:
    import uvicorn

    from hygeia.gateway.app import ACCESS_LOG, create_app
    from hygeia.gateway.services import GatewayServices
    from hygeia.gateway.session import SessionManager
    from hygeia.index.reader import IndexedLogs
    from hygeia.suite import Suite, attach

    args = ctx.args
    w3 = ctx.web3()
    deployment = attach(w3, AddressBook(args.deployments))
    url = args.index or default_url(deployment.chain_id)
    logs = IndexedLogs.for_deployment(url, w3, deployment)
    services = GatewayServices(Suite(w3, deployment, logs=logs), url, times.now)
    ledger = Ledger(args.state / f"{deployment.chain_id}.sqlite")
    base = f"http://{_url_host(args.host)}:{args.port}"
    public = (args.public_url or base).rstrip("/")
    sessions = SessionManager(services, domain=urlsplit(public).netloc, uri=public)
    app = create_app(
        services,
        store=ctx.store(),
        ledger=ledger,
        sessions=sessions,
        responder_gln=args.responder_gln,
        serial_index=SerialIndex(args.serial_index),
        remittances=args.remittances,
        window=args.window,
        max_lag=args.max_lag,
    )
    ctx.out.result(_urls(public, deployment.chain_id, logs.store.shown_url()), human=_human(public))
    sys.stdout.flush()
    handler = logging.StreamHandler(sys.stderr)
    access = logging.getLogger(ACCESS_LOG)
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
    try:
        uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="warning")
    finally:
        access.removeHandler(handler)
        ledger.close()
        logs.store.close()
    return OK


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def gateway_urls(base: str) -> dict[str, str]:
    """What a gateway at `base` serves, by name (printed by `hygeia serve` and the demo)."""
    return {
        "url": base,
        "openapi": f"{base}/openapi.json",
        "docs": f"{base}/docs",
        "health": f"{base}/health",
        "ready": f"{base}/ready",
        "verify": f"{base}/01/{{gtin}}/10/{{lot}}/21/{{serial}}?exp=YYMMDD&linkType="
        "verificationService&context=dscsaSaleableReturn&reqGLN={gln}&corrUUID={uuid}",
        "claims": f"{base}/claims/{{claim id}}",
        "fhir": f"{base}/fhir",
        "verify_page": f"{base}/verify",
        "patient_page": f"{base}/patient",
    }


def _urls(base: str, chain_id: int, index: str) -> dict[str, Any]:
    return {"chain_id": chain_id, "index": index, **gateway_urls(base)}


def _human(base: str) -> str:
    return (
        f"gateway on {base}\n"
        f"  OpenAPI  {base}/openapi.json (browse: {base}/docs)\n"
        f"  verify   {base}/01/{{gtin}}/10/{{lot}}/21/{{serial}}?exp=...&linkType="
        "verificationService&...\n"
        f"  claims   {base}/claims/{{claim id}}, {base}/claims/provider/{{address}}\n"
        f"  FHIR     {base}/fhir/metadata, {base}/fhir/Consent?patient=...\n"
        f"  pages    {base}/verify (pharmacist), {base}/patient (patient)\n"
        f"  health   {base}/health, {base}/ready"
    )
