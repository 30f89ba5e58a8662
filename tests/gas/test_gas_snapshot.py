"""Gas per operation, compared with the committed snapshot (snapshots/gas.json).

Gas is deterministic for the same bytecode and calldata, so a rise of more than 2% fails; a fall,
or a new operation, rewrites the snapshot (commit it): run `make test`, then
`git diff snapshots/`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from hygeia import artifacts
from hygeia.chain import TxSender, connect, dev_signer
from hygeia.contracts import ParticipantRegistryClient, Role
from hygeia.deploy import deploy_suite
from hygeia.nodes import anvil
from tests.support import ROOT, free_port

SNAPSHOT = ROOT / "snapshots" / "gas.json"
TOLERANCE = 0.02
# Fixed times keep calldata, and so gas, identical from run to run.
VALID_FROM, VALID_UNTIL, RENEWED_UNTIL = 1_700_000_000, 4_000_000_000, 4_100_000_000


def measure(url: str) -> dict[str, int]:
    w3 = connect(url)

    def sender(name: str) -> TxSender:
        return TxSender(w3, dev_signer(w3, name), artifacts.suite_decoder())

    gas: dict[str, int] = {}
    result = deploy_suite(sender("admin"), regulators=(w3.eth.accounts[1],))
    gas["ParticipantRegistry.deploy"] = result.steps[0].receipt.gas_used
    gas["ConsentRegistry.deploy"] = result.steps[1].receipt.gas_used
    gas["ParticipantRegistry.grantRole(REGULATOR)"] = result.steps[2].receipt.gas_used
    address = result.deployment.address_of("ParticipantRegistry")

    def client(name: str) -> ParticipantRegistryClient:
        return ParticipantRegistryClient(w3, address, sender(name))

    regulator, provider = client("regulator"), w3.eth.accounts[2]
    gas["ParticipantRegistry.issueCredential"] = regulator.issue_credential(
        provider,
        Role.PROVIDER,
        license_id="NPI-1234567893",
        jurisdiction="US-NY",
        valid_from=VALID_FROM,
        valid_until=VALID_UNTIL,
    ).gas_used
    gas["ParticipantRegistry.renewCredential"] = regulator.renew_credential(
        provider, Role.PROVIDER, RENEWED_UNTIL
    ).gas_used
    gas["ParticipantRegistry.suspendCredential"] = regulator.suspend_credential(
        provider, Role.PROVIDER
    ).gas_used
    gas["ParticipantRegistry.reinstateCredential"] = regulator.reinstate_credential(
        provider, Role.PROVIDER
    ).gas_used
    gas["ParticipantRegistry.revokeCredential"] = regulator.revoke_credential(
        provider, Role.PROVIDER
    ).gas_used
    patient = client("patient")
    gas["ParticipantRegistry.registerPatient"] = patient.register_patient("a1" * 32).gas_used
    gas["ParticipantRegistry.registerPatientFor"] = patient.register_patient_for(
        w3.eth.accounts[9], "b2" * 32
    ).gas_used
    gas["ParticipantRegistry.setEncryptionKey(rotate)"] = patient.set_encryption_key(
        "c3" * 32
    ).gas_used
    return gas


@pytest.fixture(scope="module")
def fresh_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    state = tmp_path_factory.mktemp("gas-anvil")
    node = anvil.start(state, port=free_port(), persist=False)
    yield node.url
    anvil.stop(state)


def compare(measured: dict[str, int], snapshot: dict[str, int]) -> list[str]:
    """The operations whose gas rose by more than the tolerance."""
    return [
        f"{op}: {snapshot[op]:,} -> {gas:,} gas (+{(gas - snapshot[op]) / snapshot[op]:.1%})"
        for op, gas in sorted(measured.items())
        if op in snapshot and gas > snapshot[op] * (1 + TOLERANCE)
    ]


def test_compare_flags_only_rises_above_two_percent() -> None:
    snapshot = {"a": 100_000, "b": 100_000, "c": 100_000}
    assert compare({"a": 102_000, "b": 102_001, "c": 90_000, "new": 1}, snapshot) == [
        "b: 100,000 -> 102,001 gas (+2.0%)"
    ]


def test_gas_per_operation_does_not_rise_above_the_snapshot(fresh_chain: str) -> None:
    measured = measure(fresh_chain)
    assert measure(fresh_chain) == measured, (
        "gas must be deterministic for the snapshot to mean anything"
    )
    snapshot = json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else {}
    rises = compare(measured, snapshot)
    assert not rises, "gas rose beyond 2%:\n" + "\n".join(rises)
    updated = {**{k: v for k, v in snapshot.items() if k in measured}, **measured}
    if updated != snapshot:
        _write(SNAPSHOT, updated)


def _write(path: Path, data: dict[str, int]) -> None:
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(dict(sorted(data.items())), indent=2) + "\n")
