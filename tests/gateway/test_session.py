"""Sign-In with Ethereum on the gateway, written as an attacker would try it: every way in but
a fresh message of this gateway, signed by its own account, is refused by name."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from eth_account import Account

from hygeia.gateway import session
from hygeia.gateway.session import SessionManager
from tests.gateway import web
from tests.gateway.web import (
    ORIGIN,
    Gateway,
    key_sign,
    sign_in,
    siwe_text,
    wallet_sign,
)

# The fixtures these tests use, found by name.
world = web.world
gateway = web.gateway


def _nonce(gateway: Gateway) -> str:
    return str(gateway.http.get("/auth/nonce").json()["nonce"])


def _verify(gateway: Gateway, text: str, signature: str) -> tuple[int, dict[str, str]]:
    answer = gateway.http.post("/auth/verify", json={"message": text, "signature": signature})
    return answer.status_code, answer.json()


def _chain_id(gateway: Gateway) -> int:
    return int(gateway.world.chain.w3.eth.chain_id)


def test_a_patient_signs_in_with_its_wallet_and_its_token_names_it(gateway: Gateway) -> None:
    token = sign_in(gateway, "patient")
    who = gateway.http.get("/auth/session", headers={"Authorization": f"Bearer {token}"})
    assert who.status_code == 200
    assert who.json()["account"] == gateway.world.patient


def test_a_message_written_by_the_client_with_a_fresh_nonce_signs_in(gateway: Gateway) -> None:
    address = gateway.world.address("provider")
    text = siwe_text(address, _nonce(gateway), chain_id=_chain_id(gateway))
    status, body = _verify(gateway, text, wallet_sign(gateway.world.chain.w3, address, text))
    assert status == 200, body
    assert body["token_type"] == "Bearer" and body["account"] == address
    assert 0 < int(body["expires_in"]) <= 15 * 60


def test_a_message_for_another_domain_is_refused(gateway: Gateway) -> None:
    # A phishing site relays a message its victim signed for it.
    address = gateway.world.address("patient")
    text = siwe_text(
        address,
        _nonce(gateway),
        chain_id=_chain_id(gateway),
        domain="evil.example",
        uri="http://evil.example/",
    )
    status, body = _verify(gateway, text, wallet_sign(gateway.world.chain.w3, address, text))
    assert status == 401
    assert "evil.example" in body["error_description"]


def test_a_message_for_this_domain_but_another_uri_origin_is_refused(gateway: Gateway) -> None:
    address = gateway.world.address("patient")
    text = siwe_text(
        address, _nonce(gateway), chain_id=_chain_id(gateway), uri="https://evil.example/"
    )
    status, body = _verify(gateway, text, wallet_sign(gateway.world.chain.w3, address, text))
    assert status == 401 and "URI" in body["error_description"]


def test_a_message_for_another_chain_is_refused(gateway: Gateway) -> None:
    address = gateway.world.address("patient")
    text = siwe_text(address, _nonce(gateway), chain_id=1)
    status, body = _verify(gateway, text, wallet_sign(gateway.world.chain.w3, address, text))
    assert status == 401 and "chain 1" in body["error_description"]


def test_a_replayed_message_is_refused_the_second_time(gateway: Gateway) -> None:
    address = gateway.world.address("patient")
    text = siwe_text(address, _nonce(gateway), chain_id=_chain_id(gateway))
    signature = wallet_sign(gateway.world.chain.w3, address, text)
    assert _verify(gateway, text, signature)[0] == 200
    status, body = _verify(gateway, text, signature)
    assert status == 401 and "already used" in body["error_description"]


def test_a_nonce_the_gateway_never_issued_is_refused(gateway: Gateway) -> None:
    address = gateway.world.address("patient")
    text = siwe_text(address, "madeUpNonce12345", chain_id=_chain_id(gateway))
    status, body = _verify(gateway, text, wallet_sign(gateway.world.chain.w3, address, text))
    assert status == 401 and "nonce" in body["error_description"]


def test_a_nonce_left_too_long_has_expired(gateway: Gateway) -> None:
    address = gateway.world.address("patient")
    text = siwe_text(address, _nonce(gateway), chain_id=_chain_id(gateway))
    signature = wallet_sign(gateway.world.chain.w3, address, text)
    gateway.clock.offset = timedelta(minutes=6)
    status, body = _verify(gateway, text, signature)
    assert status == 401 and "expired" in body["error_description"]


def test_an_expired_message_is_refused(gateway: Gateway) -> None:
    address = gateway.world.address("patient")
    past = datetime.now(timezone.utc) - timedelta(hours=2)
    text = siwe_text(
        address,
        _nonce(gateway),
        chain_id=_chain_id(gateway),
        issued=past,
        expires=past + timedelta(minutes=5),
    )
    status, body = _verify(gateway, text, wallet_sign(gateway.world.chain.w3, address, text))
    assert status == 401 and "ExpiredMessage" in body["error_description"]


def test_a_message_signed_by_another_key_is_refused(gateway: Gateway) -> None:
    # The attacker claims the patient's address and signs with its own key.
    attacker = Account.create()
    text = siwe_text(gateway.world.patient, _nonce(gateway), chain_id=_chain_id(gateway))
    status, body = _verify(gateway, text, key_sign(attacker.key, text))
    assert status == 401 and "refused" in body["error_description"]


def test_a_failed_attempt_does_not_burn_the_nonce(gateway: Gateway) -> None:
    attacker = Account.create()
    nonce = _nonce(gateway)
    patient = gateway.world.patient
    text = siwe_text(patient, nonce, chain_id=_chain_id(gateway))
    assert _verify(gateway, text, key_sign(attacker.key, text))[0] == 401
    assert _verify(gateway, text, wallet_sign(gateway.world.chain.w3, patient, text))[0] == 200


def test_garbage_messages_and_signatures_are_refused_by_name(gateway: Gateway) -> None:
    assert _verify(gateway, "hello", "0x00")[0] == 401
    address = gateway.world.address("patient")
    text = siwe_text(address, _nonce(gateway), chain_id=_chain_id(gateway))
    status, body = _verify(gateway, text, "0xnothex")
    assert status == 401 and body["error"] == "sign_in_refused"
    oversized = gateway.http.post("/auth/verify", json={"message": "x" * 10_000, "signature": ""})
    assert oversized.status_code == 400


def _who(gateway: Gateway, token: str) -> tuple[int, dict[str, str]]:
    answer = gateway.http.get("/auth/session", headers={"Authorization": f"Bearer {token}"})
    return answer.status_code, answer.json()


def test_a_forged_token_is_refused(gateway: Gateway) -> None:
    token = sign_in(gateway, "provider")
    version, payload, mac = token.split(".")
    # The attacker swaps in the patient's address and keeps the provider's MAC.
    import base64
    import json

    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = gateway.world.patient
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    status, body = _who(gateway, f"{version}.{forged}.{mac}")
    assert status == 401 and "forged" in body["error_description"]
    assert _who(gateway, "v1.e30.AAAA")[0] == 401
    assert _who(gateway, "not a token")[0] == 401
    assert gateway.http.get("/auth/session").status_code == 401


def test_a_token_of_another_gateway_is_refused(gateway: Gateway) -> None:
    token = sign_in(gateway, "patient")
    other = SessionManager(gateway.services, domain=gateway.sessions.domain, uri=ORIGIN)
    try:
        other.session_of(token)
    except Exception as exc:
        assert "forged" in str(exc)
    else:
        raise AssertionError("another gateway's key accepted the token")


def test_a_token_expires_after_fifteen_minutes(gateway: Gateway) -> None:
    token = sign_in(gateway, "patient")
    assert _who(gateway, token)[0] == 200
    gateway.clock.offset = timedelta(minutes=15, seconds=1)
    status, body = _who(gateway, token)
    assert status == 401 and "expired" in body["error_description"]


def test_two_racing_requests_with_one_signed_message_sign_in_once(gateway: Gateway) -> None:
    address = gateway.world.address("patient")
    text = siwe_text(address, _nonce(gateway), chain_id=_chain_id(gateway))
    signature = wallet_sign(gateway.world.chain.w3, address, text)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: _verify(gateway, text, signature)[0], range(8)))
    assert sorted(answers) == [200] + [401] * 7


def test_asking_for_nonces_in_a_loop_is_bounded_and_a_held_nonce_still_signs_in(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session, "MAX_OUTSTANDING_NONCES", 3)
    address = gateway.world.address("patient")
    held = [_nonce(gateway) for _ in range(3)]
    flood = gateway.http.get("/auth/nonce")
    assert flood.status_code == 429 and flood.json()["error"] == "temporarily_unavailable"
    challenge = gateway.http.post("/auth/challenge", json={"address": address})
    assert challenge.status_code == 429
    text = siwe_text(address, held[0], chain_id=_chain_id(gateway))
    status, body = _verify(gateway, text, wallet_sign(gateway.world.chain.w3, address, text))
    assert status == 200, body
    assert gateway.http.get("/auth/nonce").status_code == 200  # the used nonce made room
    gateway.clock.offset = timedelta(minutes=6)  # the rest expire
    assert all(gateway.http.get("/auth/nonce").status_code == 200 for _ in range(3))
