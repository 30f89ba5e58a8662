"""The requester's signed request, attacked as an attacker would: no signature, another account's
signature, a signature over another request, a stale or future timestamp, a replay (also after a
restart), a signature made for another deployment, and a requester that is no trading partner."""

from __future__ import annotations

import secrets
import time
from datetime import timedelta
from pathlib import Path

from eth_account import Account
from web3 import Web3

from hygeia.core import artifacts
from hygeia.core.chain import TxSender, block_time, dev_signer
from hygeia.core.chain.signers import KeySigner
from hygeia.core.contract_types import Role
from hygeia.core.store import LocalStore
from hygeia.gateway.auth import DEFAULT_WINDOW, SignedRequest, parse_header
from hygeia.gateway.services import GatewayServices
from hygeia.participants.client import ParticipantRegistryClient
from tests.gateway.stack import Gateway, lms_target, make_gateway


def _refused(response_status: int, text: str, words: str) -> None:
    assert response_status == 401, text
    assert text.startswith("RequestAuthError: "), text
    assert words in text, text


def test_a_request_without_a_signature_is_401_with_the_scheme_to_use(gateway: Gateway) -> None:
    response = gateway.client.get(lms_target())
    _refused(response.status_code, response.text, "no Authorization header")
    assert response.headers["www-authenticate"] == "EIP712"


def test_headers_that_are_not_signed_requests_are_401(gateway: Gateway) -> None:
    target = lms_target()
    good = parse_header(gateway.header(target))
    nonce, sig = "0x" + good.nonce.hex(), "0x" + good.signature.hex()
    account, ts = good.account, good.timestamp
    for header in (
        "Bearer abc",
        "EIP712",
        f"EIP712 account={account},timestamp={ts},nonce={nonce}",
        f"EIP712 account={account},timestamp={ts},nonce={nonce},signature=0x1234",
        f"EIP712 account=0xdead,timestamp={ts},nonce={nonce},signature={sig}",
        f"EIP712 account={account},timestamp=-5,nonce={nonce},signature={sig}",
        f"EIP712 account={account},account={account},timestamp={ts},nonce={nonce},signature={sig}",
        f"EIP712 account={account},timestamp={ts},nonce=0x12,signature={sig}",
        "EIP712 " + "a" * 600,
    ):
        response = gateway.get(target, header=header)
        assert response.status_code == 401, header
        assert response.text.startswith("RequestAuthError: "), header


def test_a_signature_by_another_key_claiming_the_pharmacys_account_is_401(
    gateway: Gateway,
) -> None:
    target = lms_target()
    forged = parse_header(gateway.header(target, signer=KeySigner(Account.create())))
    claimed = SignedRequest(
        gateway.signer("pharmacy").address, forged.timestamp, forged.nonce, forged.signature
    )
    response = gateway.get(target, header=claimed.header())
    _refused(response.status_code, response.text, "does not verify")


def test_a_signature_over_another_request_does_not_carry_to_this_one(gateway: Gateway) -> None:
    signed_for = lms_target("SN0001")
    header = gateway.header(signed_for)
    for target in (lms_target("SN0002"), signed_for + "&x=1"):
        response = gateway.get(target, header=header)
        _refused(response.status_code, response.text, "does not verify")
    posted = gateway.header(signed_for, method="POST")
    response = gateway.get(signed_for, header=posted)
    _refused(response.status_code, response.text, "does not verify")


def test_a_signature_for_another_deployment_is_401(gateway: Gateway) -> None:
    target = lms_target()
    elsewhere = gateway.header(target, registry=Web3.to_checksum_address("0x" + "11" * 20))
    response = gateway.get(target, header=elsewhere)
    _refused(response.status_code, response.text, "does not verify")


def test_a_stale_or_future_timestamp_is_401(gateway: Gateway) -> None:
    target = lms_target()
    # A minute past each edge of the window, from the clock as each request is signed: a
    # verification can take seconds on a busy machine, so one `now` for both would drift.
    for offset in (-(DEFAULT_WINDOW + 60), DEFAULT_WINDOW + 60):
        response = gateway.get(target, timestamp=int(time.time()) + offset)
        _refused(response.status_code, response.text, "from the gateway's clock")
    assert gateway.get(target, timestamp=int(time.time()) - 200).status_code == 200


def test_a_replayed_request_is_refused_even_after_a_restart(
    gateway: Gateway, services: GatewayServices, drug_store: LocalStore, ledger_path: Path
) -> None:
    target = lms_target()
    header = gateway.header(target)
    assert gateway.get(target, header=header).status_code == 200
    again = gateway.get(target, header=header)
    _refused(again.status_code, again.text, "replayed")
    gateway.ledger.close()

    restarted = make_gateway(services, drug_store, ledger_path)
    try:
        response = restarted.get(target, header=header)
        _refused(response.status_code, response.text, "replayed")
        assert restarted.get(target).status_code == 200  # a fresh nonce is fine
    finally:
        restarted.ledger.close()


def test_a_nonce_is_the_accounts_own_so_another_account_may_use_the_same(
    gateway: Gateway,
) -> None:
    target = lms_target()
    nonce = secrets.token_bytes(32)
    assert gateway.get(target, signer="pharmacy", nonce=nonce).status_code == 200
    assert gateway.get(target, signer="distributor", nonce=nonce).status_code == 200


def test_a_requester_without_a_trading_partner_credential_is_403_and_recorded(
    gateway: Gateway,
) -> None:
    for stranger in ("patient", KeySigner(Account.create())):
        response = gateway.get(lms_target(), signer=stranger)
        assert response.status_code == 403, response.text
        assert response.text.startswith("RequesterNotAuthorisedError: ")
    refused = [e for e in gateway.ledger.audit() if e.http_status == 403]
    assert [e.requester for e in refused][0] == gateway.signer("patient").address
    assert refused[0].serial == "SN0001"


def test_a_revoked_trading_partner_is_403(gateway: Gateway, services: GatewayServices) -> None:
    w3 = services.suite.w3
    registry = ParticipantRegistryClient(
        w3,
        services.suite.deployment.address_of("ParticipantRegistry"),
        TxSender(w3, dev_signer(w3, "regulator"), artifacts.suite_decoder()),
    )
    partner = dev_signer(w3, "guardian").address
    now = block_time(w3)
    registry.issue_credential(
        partner,
        Role.DISTRIBUTOR,
        license_id="LIC-guardian",
        jurisdiction="US-NJ",
        valid_from=now - timedelta(minutes=1),
        valid_until=now + timedelta(days=30),
    )
    assert gateway.get(lms_target(), signer="guardian").status_code == 200
    registry.revoke_credential(partner, Role.DISTRIBUTOR)
    response = gateway.get(lms_target(), signer="guardian")
    assert response.status_code == 403, response.text
