"""The claims API as a practice-management system and an insurer use it: claim status and
remittance per claim and per provider, for the submitting provider and the plan's insurer only,
with the same signed requests as verification."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account

from hygeia.claims.batch import parse_batch
from hygeia.claims.ids import payer_claim_number
from hygeia.claims.runner import BatchRunner
from hygeia.claims.x12.edi835 import write_remittances
from hygeia.claims.x12.profile import load_profile
from hygeia.claims.x12.state import RemittanceState
from hygeia.core.chain import dev_signer
from hygeia.core.chain.signers import KeySigner, Signer
from hygeia.core.store import LocalStore
from hygeia.gateway.services import GatewayServices
from tests.chains import Chain
from tests.claims.conftest import claim_ids_of
from tests.gateway.stack import Gateway, catch_up, make_gateway

DATA = Path(__file__).parents[1] / "claims" / "data"
PROVIDER_A, PROVIDER_B = "1234567893", "1999999984"


@dataclass(frozen=True)
class Claims:
    ids: dict[str, bytes]  # batch claim id -> on-chain id
    providers: dict[str, Signer]
    expected: dict[str, Any]  # the remittance worked out by hand, by batch claim id
    provider_of: dict[str, str]  # batch claim id -> its provider's NPI
    x12_dir: Path  # the insurer's 835s of the run

    def of(self, npi: str) -> set[str]:
        return {ref for ref, provider in self.provider_of.items() if provider == npi}


@pytest.fixture(scope="module")
def claims(
    provenance_chain: Chain,
    services: GatewayServices,
    tmp_path_factory: pytest.TempPathFactory,
) -> Claims:
    """The sample batch of tests/claims run by the insurer, its 835s written, then indexed."""
    w3 = provenance_chain.w3
    data = json.loads((DATA / "batch.json").read_text())
    batch = parse_batch(data)
    runner = BatchRunner.on_local_chain(
        w3,
        services.suite.deployment,
        insurer=dev_signer(w3, "insurer"),
        regulator=dev_signer(w3, "regulator"),
        funder=dev_signer(w3, "admin"),
        salt=secrets.token_bytes(32),
    )
    result = runner.run(batch)
    x12_dir = tmp_path_factory.mktemp("remit-835")
    write_remittances(
        result.claims,
        runner.claims.claim_lines,
        profile=load_profile(DATA / "payer.json"),
        state=RemittanceState(tmp_path_factory.mktemp("remit-state"), "GOLDHEALTH"),
        scope="31337:gateway",
        out_dir=x12_dir,
        created=datetime(2025, 11, 3, 14, 5, tzinfo=timezone.utc),
    )
    catch_up(provenance_chain, services.index_url)
    expected = json.loads((DATA / "remittance.json").read_text())
    return Claims(
        claim_ids_of(runner, batch),
        {npi: runner.parties.provider(npi) for npi in (PROVIDER_A, PROVIDER_B)},
        {c["claim_id"]: c for c in expected["claims"]},
        {c["claim_id"]: c["provider"] for c in data["claims"]},
        x12_dir,
    )


@pytest.fixture
def gateway(
    services: GatewayServices, drug_store: LocalStore, claims: Claims, tmp_path: Path
) -> Iterator[Gateway]:
    """The gateway serving the insurer's 835 folder too."""
    made = make_gateway(services, drug_store, tmp_path / "state.sqlite", remittances=claims.x12_dir)
    yield made
    made.ledger.close()


def _id(claims: Claims, ref: str) -> str:
    return "0x" + claims.ids[ref].hex()


def test_the_submitting_provider_reads_its_claims_status_and_remittance(
    gateway: Gateway, claims: Claims
) -> None:
    response = gateway.get(f"/claims/{_id(claims, 'C-1')}", signer=claims.providers[PROVIDER_A])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["provider"] == claims.providers[PROVIDER_A].address
    assert body["state"] in ("SETTLED", "PAYMENT_PENDING")
    (remittance,) = body["remittance"]
    expected = claims.expected["C-1"]
    for field in ("status", "charge", "paid", "patient_responsibility"):
        assert remittance[field] == expected[field], field
    assert [line["paid"] for line in remittance["lines"]] == [
        line["paid"] for line in expected["lines"]
    ]


def test_the_plans_insurer_reads_any_of_its_claims(gateway: Gateway, claims: Claims) -> None:
    response = gateway.get(f"/claims/{_id(claims, 'C-3')}", signer="insurer")
    assert response.status_code == 200, response.text
    assert response.json()["remittance"][0]["paid"] == claims.expected["C-3"]["paid"]


def test_another_provider_or_a_stranger_may_not_read_a_claim(
    gateway: Gateway, claims: Claims
) -> None:
    target = f"/claims/{_id(claims, 'C-1')}"
    for reader in (claims.providers[PROVIDER_B], KeySigner(Account.create()), "pharmacy"):
        response = gateway.get(target, signer=reader)
        assert response.status_code == 403, response.text
        assert response.json()["error"]["type"] == "RequesterNotAuthorisedError"


def test_an_unknown_claim_is_404_and_a_malformed_id_400(gateway: Gateway, claims: Claims) -> None:
    unknown = gateway.get("/claims/0x" + "00" * 32, signer="insurer")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["type"] == "ClaimNotFoundError"
    malformed = gateway.get("/claims/0x1234", signer="insurer")
    assert malformed.status_code == 400
    assert malformed.json()["error"]["type"] == "InvalidInputError"


def test_an_unsigned_claims_request_is_401(gateway: Gateway, claims: Claims) -> None:
    response = gateway.client.get(f"/claims/{_id(claims, 'C-1')}")
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "RequestAuthError"


def test_a_provider_lists_its_own_claims_from_the_index(gateway: Gateway, claims: Claims) -> None:
    provider = claims.providers[PROVIDER_B]
    response = gateway.get(f"/claims/provider/{provider.address}", signer=provider)
    assert response.status_code == 200, response.text
    body = response.json()
    mine = claims.of(PROVIDER_B)
    assert body["total"] == len(mine) == len(body["claims"])
    assert {c["claim_id"] for c in body["claims"]} == {_id(claims, ref) for ref in mine}


def test_the_insurer_lists_a_providers_claims_under_its_plans(
    gateway: Gateway, claims: Claims
) -> None:
    provider = claims.providers[PROVIDER_A].address
    response = gateway.get(f"/claims/provider/{provider}", signer="insurer")
    assert response.status_code == 200, response.text
    assert response.json()["total"] == len(claims.of(PROVIDER_A))


def test_a_provider_may_not_list_another_providers_claims(gateway: Gateway, claims: Claims) -> None:
    other = claims.providers[PROVIDER_A].address
    response = gateway.get(f"/claims/provider/{other}", signer=claims.providers[PROVIDER_B])
    assert response.status_code == 403
    response = gateway.get("/claims/provider/0xnot-an-address", signer="insurer")
    assert response.status_code == 400


def test_the_provider_downloads_the_835_that_remits_its_claim(
    gateway: Gateway, claims: Claims
) -> None:
    response = gateway.get(f"/claims/{_id(claims, 'C-1')}/835", signer=claims.providers[PROVIDER_A])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/EDI-X12")
    assert f'filename="835-{PROVIDER_A}-' in response.headers["content-disposition"]
    text = response.text
    assert text.startswith("ISA") and payer_claim_number(claims.ids["C-1"]) in text
    assert all(payer_claim_number(claims.ids[ref]) not in text for ref in claims.of(PROVIDER_B))


def test_a_providers_835s_are_listed_and_downloaded_by_name(
    gateway: Gateway, claims: Claims
) -> None:
    provider = claims.providers[PROVIDER_B]
    listed = gateway.get(f"/claims/provider/{provider.address}/835", signer=provider)
    assert listed.status_code == 200, listed.text
    (entry,) = listed.json()["files"]
    assert entry["name"].startswith(f"835-{PROVIDER_B}-")
    assert entry["claims"] == len(claims.of(PROVIDER_B))
    file = gateway.get(entry["url"], signer=provider)
    assert file.status_code == 200 and file.text.startswith("ISA")
    assert gateway.get(entry["url"], signer="insurer").status_code == 200


def test_another_provider_may_not_download_an_835_nor_name_a_file_outside_the_folder(
    gateway: Gateway, claims: Claims
) -> None:
    other = gateway.get(f"/claims/{_id(claims, 'C-1')}/835", signer=claims.providers[PROVIDER_B])
    assert other.status_code == 403
    name = f"835-{PROVIDER_A}-000000001.x12"
    assert (
        gateway.get(f"/claims/835/{name}", signer=claims.providers[PROVIDER_B]).status_code == 403
    )
    for sneaky in ("..%2F..%2Fetc%2Fpasswd", "835-1234567893-000000001.x12.bak", "payer.json"):
        response = gateway.get(f"/claims/835/{sneaky}", signer="insurer")
        assert response.status_code in (400, 404), (sneaky, response.text)
        assert "ISA" not in response.text
