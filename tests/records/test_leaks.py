"""No plaintext PHI on the chain: run a full scenario with known plaintext records and look for
every sensitive string, and its unsalted sha256 and keccak256, in each transaction's calldata,
each log (topics and data) and each storage slot written (Anvil's prestateTracer in diff mode)."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta
from typing import Any

from eth_utils import keccak

from hygeia.consent.client import data_class_id
from hygeia.records.sharing import ConsentManager
from tests.records.samples import CONDITION, GLUCOSE, SECRETS, glucose
from tests.records.test_vault import permit
from tests.records.world import World


def needles() -> dict[str, bytes]:
    """What must never appear: each secret and each payload, as text and as unsalted hashes."""
    found: dict[str, bytes] = {}
    texts = [*SECRETS, json.dumps(GLUCOSE), json.dumps(CONDITION), glucose(150).decode()]
    for text in texts:
        raw = text.encode()
        found[f"plaintext {text[:30]!r}"] = raw
        found[f"sha256 {text[:30]!r}"] = hashlib.sha256(raw).digest()
        found[f"keccak256 {text[:30]!r}"] = keccak(raw)
    return found


def written(world: World, first_block: int) -> list[tuple[str, bytes]]:
    """(where, bytes) for every calldata, log and storage write since `first_block`."""
    w3 = world.w3
    out: list[tuple[str, bytes]] = []
    for number in range(first_block, w3.eth.block_number + 1):
        for tx in w3.eth.get_block(number, full_transactions=True)["transactions"]:
            tx_hash = tx["hash"].to_0x_hex()  # type: ignore[index]
            out.append((f"calldata of {tx_hash}", bytes(tx["input"])))  # type: ignore[index]
            for log in w3.eth.get_transaction_receipt(tx_hash)["logs"]:
                out.append((f"log data of {tx_hash}", bytes(log["data"])))
                out += [(f"log topic of {tx_hash}", bytes(t)) for t in log["topics"]]
            out += [(f"storage written by {tx_hash}", v) for v in storage_writes(world, tx_hash)]
    return out


def storage_writes(world: World, tx_hash: str) -> list[bytes]:
    answer: Any = world.w3.provider.make_request(
        "debug_traceTransaction",  # type: ignore[arg-type]
        [tx_hash, {"tracer": "prestateTracer", "tracerConfig": {"diffMode": True}}],
    )
    assert "error" not in answer, answer
    values = []
    for account in answer["result"]["post"].values():
        for slot, value in (account.get("storage") or {}).items():
            values += [bytes.fromhex(slot[2:]), bytes.fromhex(value[2:])]
    return values


def test_a_full_scenario_puts_no_plaintext_and_no_unsalted_hash_of_it_on_chain(
    world: World,
) -> None:
    first = world.w3.eth.block_number + 1
    lab = f"laboratory-{uuid.uuid4().hex[:8]}"
    patient = world.address("patient")
    vault = world.vault("patient")
    manager = ConsentManager(vault)
    stored = vault.put(patient, json.dumps(GLUCOSE), data_class=lab)
    vault.put(patient, CONDITION)
    grant = manager.grant(patient, permit(world, "specialist", data_class_id(lab)))
    world.vault("specialist").get(stored.record_id)
    vault.amend(stored.record_id, glucose(150))
    signer = world.suite("patient").sender
    assert signer is not None
    signed = manager.sign(
        signer.signer,
        permit(world, "provider", stored.record_id),
        world.now() + timedelta(minutes=10),
    )
    ConsentManager(world.vault("insurer")).relay(signed)
    world.vault("provider").get(stored.record_id)
    world.suite("specialist").consent.open_break_glass(
        patient, "collapsed, HIV infection", timedelta(minutes=10)
    )
    world.suite("specialist").consent.close_break_glass(patient)
    manager.revoke(patient, grant.consent_id)
    vault.erase(stored.record_id)

    haystack = written(world, first)
    assert len(haystack) > 40  # the scenario really ran and was captured
    for where, blob in haystack:
        for name, needle in needles().items():
            assert needle not in blob, f"{name} found in {where}"
    # The break-glass reason is free text a provider types: only its keccak goes on-chain.
    assert not any(b"collapsed" in blob for _, blob in haystack)


def test_the_scan_would_catch_a_leak(world: World) -> None:
    """The detector itself: an anchor whose salt, data class and digest are unsalted hashes of
    PHI is caught in calldata, in the event it emits and in the storage slots that keep them."""
    first = world.w3.eth.block_number + 1
    leaked = keccak(b"Maria Sanchez-Whitfield")  # an unsalted hash of PHI
    consent = world.suite("patient").consent
    consent.anchor_record(
        world.address("patient"),
        leaked,
        leaked,
        b"\x01" * 36,
        leaked,
        b"\x03" * 36,
    )
    haystack = written(world, first)
    hits = [where for where, blob in haystack if leaked in blob]
    assert any(w.startswith("calldata") for w in hits)
    assert any(w.startswith("log data") for w in hits)
    assert any(w.startswith("storage") for w in hits)
