"""Health (the process answers) and readiness (the chain answers and the index keeps up)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from hygeia.core.chain.connection import call_node
from hygeia.core.errors import HygeiaError
from hygeia.gateway.services import GatewayServices
from hygeia.index.reader import IndexedLogs
from hygeia.index.store import IndexStore

#: Blocks the index may be behind the chain's head while the gateway says it is ready.
DEFAULT_MAX_LAG = 10


def index_store(services: GatewayServices) -> IndexStore:
    """The index the suite reads its events from (or, for a suite reading from the node, the
    one at the services' index URL)."""
    logs = services.suite.logs
    return logs.store if isinstance(logs, IndexedLogs) else IndexStore(services.index_url)


def readiness(
    services: GatewayServices, store: IndexStore, *, max_lag: int = DEFAULT_MAX_LAG
) -> dict[str, Any]:
    """{"ready", "chain": {"reachable", "head"}, "index": {"cursor", "lag"}}; never raises."""
    w3 = services.suite.w3
    chain: dict[str, Any] = {"reachable": False, "head": None}
    index: dict[str, Any] = {"reachable": False, "cursor": None, "lag": None, "max_lag": max_lag}
    try:
        chain["head"] = int(call_node("the chain", lambda: w3.eth.block_number))
        chain["reachable"] = True
    except HygeiaError as exc:
        chain["error"] = type(exc).__name__
    try:
        cursor = store.cursor()
        index["reachable"] = True
        if cursor is not None:
            index["cursor"] = cursor.number
            if chain["head"] is not None:
                index["lag"] = max(0, chain["head"] - cursor.number)
    except HygeiaError as exc:
        index["error"] = type(exc).__name__
    ready = bool(chain["reachable"] and index["lag"] is not None and index["lag"] <= max_lag)
    return {"ready": ready, "chain": chain, "index": index}


def health_router(services: GatewayServices, *, max_lag: int = DEFAULT_MAX_LAG) -> APIRouter:
    router = APIRouter(tags=["health"])
    store = index_store(services)

    @router.get("/health", summary="The gateway answers (liveness)")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/ready",
        summary="The chain answers and the index is at most max_lag blocks behind (readiness)",
        responses={503: {"description": "not ready: the body says which part"}},
    )
    def ready() -> JSONResponse:
        state = readiness(services, store, max_lag=max_lag)
        return JSONResponse(state, 200 if state["ready"] else 503)

    return router
