"""The OpenAPI document: served at /openapi.json, and committed as docs/gateway-openapi.json for
those who write a client without running the gateway. This test fails when the committed one is
stale; `HYGEIA_WRITE_OPENAPI=1` makes it write the current one instead."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.gateway.stack import Gateway

COMMITTED = Path(__file__).parents[2] / "docs" / "gateway-openapi.json"


def _text(document: object) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def test_the_committed_openapi_document_is_the_one_served(gateway: Gateway) -> None:
    response = gateway.client.get("/openapi.json")
    assert response.status_code == 200
    served = _text(response.json())
    if os.environ.get("HYGEIA_WRITE_OPENAPI") == "1":
        COMMITTED.write_text(served)
    assert COMMITTED.is_file(), "no docs/gateway-openapi.json: run with HYGEIA_WRITE_OPENAPI=1"
    assert COMMITTED.read_text() == served, (
        "docs/gateway-openapi.json is stale: rerun this test with HYGEIA_WRITE_OPENAPI=1 and "
        "commit the file"
    )


def test_the_document_describes_every_route_and_its_errors(gateway: Gateway) -> None:
    paths = json.loads(COMMITTED.read_text())["paths"]
    assert {
        "/01/{gtin}/10/{lot}/21/{serial}",
        "/01/{gtin}/21/{serial}",
        "/claims/{claim_id}",
        "/claims/{claim_id}/835",
        "/claims/provider/{provider}",
        "/claims/provider/{provider}/835",
        "/claims/835/{name}",
        "/health",
        "/ready",
    } <= set(paths)
    verify = paths["/01/{gtin}/10/{lot}/21/{serial}"]["get"]
    assert {"200", "400", "401", "403", "404"} <= set(verify["responses"])
    names = {p["name"] for p in verify["parameters"]}
    assert {"linkType", "exp", "context", "reqGLN", "corrUUID"} <= names
