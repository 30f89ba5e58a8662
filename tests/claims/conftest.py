"""Fixtures of the claims SDK tests: a chain of their own, the sample batch (with a plan id unique
to the test, as the tests share that chain and its insurer), its remittance written by hand, and
runners.

The chain fixtures of tests/conftest.py are bound again here to a chain of its own
(tests/chains.py): running a batch credentials dev accounts (the insurer, for one), which the
other SDK and CLI tests expect bare.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from hygeia.claims.batch import Batch, parse_batch
from hygeia.claims.client import ClaimsAdjudicatorClient
from hygeia.claims.ids import Pseudonyms, claim_id
from hygeia.claims.runner import BatchRunner, ProgressCallback
from hygeia.core.chain import dev_signer
from hygeia.deploy import DeployResult
from tests.chains import session_chain_fixtures

DATA = Path(__file__).parent / "data"

#: How often and how long wait_until_mined polls the node (seconds).
_MINE_POLL, _MINE_TIMEOUT = 0.05, 120.0


# A chain of its own: running a batch credentials dev accounts (the insurer, for one), which the
# other SDK and CLI tests expect bare.
suite_chain, w3, deployments_dir, deployed, suite_as = session_chain_fixtures("claims")


@pytest.fixture
def batch_data() -> dict[str, Any]:
    """The sample batch as JSON data, under a plan id no other test uses."""
    data: dict[str, Any] = json.loads((DATA / "batch.json").read_text())
    data["plan"]["plan_id"] = f"PPO-GOLD-{secrets.token_hex(4)}"
    return data


@pytest.fixture
def batch(batch_data: dict[str, Any]) -> Batch:
    return parse_batch(batch_data)


@pytest.fixture
def expected() -> dict[str, Any]:
    """The sample batch's remittance, worked out by hand from the adjudication rules."""
    data: dict[str, Any] = json.loads((DATA / "remittance.json").read_text())
    return data


@pytest.fixture
def salt() -> bytes:
    return secrets.token_bytes(32)


RunnerFactory = Callable[..., BatchRunner]


@pytest.fixture
def make_runner(w3: Web3, deployed: DeployResult, salt: bytes) -> RunnerFactory:
    """make_runner(batch_size=50, on_progress=None, fund=True, insurer="insurer") -> BatchRunner."""

    def make(
        *,
        batch_size: int = 50,
        on_progress: ProgressCallback | None = None,
        fund: bool = True,
        insurer: str = "insurer",
        run_salt: bytes | None = None,
    ) -> BatchRunner:
        return BatchRunner.on_local_chain(
            w3,
            deployed.deployment,
            insurer=dev_signer(w3, insurer),
            regulator=dev_signer(w3, "regulator"),
            funder=dev_signer(w3, "admin"),
            salt=run_salt or salt,
            fund=fund,
            batch_size=batch_size,
            on_progress=on_progress,
        )

    return make


@pytest.fixture
def reader(w3: Web3, deployed: DeployResult) -> ClaimsAdjudicatorClient:
    """A read-only ClaimsAdjudicator client."""
    return ClaimsAdjudicatorClient(w3, deployed.deployment.address_of("ClaimsAdjudicator"))


def claim_ids_of(runner: BatchRunner, batch: Batch) -> dict[str, bytes]:
    """The on-chain id of each batch claim, by its batch claim_id."""
    pseudonyms: Pseudonyms = runner.parties.pseudonyms
    return {
        c.claim_ref: claim_id(
            runner.parties.provider(c.provider).address, pseudonyms.claim_ref(c.claim_ref)
        )
        for c in batch.claims
    }


def event_count(client: ClaimsAdjudicatorClient, event: str, claim_id_: bytes) -> int:
    """How many `event` logs the chain holds for `claim_id_`: the adjudicator's events, or its
    escrow's (PaymentCredited, PaymentRecouped)."""
    names = {item["name"] for item in client.contract.abi if item["type"] == "event"}
    contract = client.contract if event in names else client.escrow.contract
    logs = getattr(contract.events, event).get_logs(
        from_block=0, argument_filters={"claimId": claim_id_}
    )
    return len(logs)


#: The fields of a remittance document that name a claim by its on-chain id (salt-dependent).
ID_FIELDS = ("payer_claim_control_number", "onchain_claim_id")


def plain(document: dict[str, Any]) -> dict[str, Any]:
    """`document` without the on-chain id fields of its claims, to compare with the
    hand-written remittance (whose ids depend on each test's salt)."""
    return {
        **document,
        "claims": [
            {k: v for k, v in claim.items() if k not in ID_FIELDS} for claim in document["claims"]
        ],
    }


def wait_until_mined(reader: ClaimsAdjudicatorClient) -> None:
    """Until the node has no pending transaction and mined no block in the last poll."""
    deadline = time.monotonic() + _MINE_TIMEOUT
    height = -1
    while True:
        status = reader.w3.provider.make_request("txpool_status", [])  # type: ignore[arg-type]
        waiting = int(str(status["result"]["pending"]), 16)
        now = reader.w3.eth.block_number
        if waiting == 0 and now == height:
            return
        assert time.monotonic() < deadline, f"{waiting} transactions were never mined"
        height = now
        time.sleep(_MINE_POLL)
