"""Acting for someone else from the CLI: a guardian registers its ward with the ward's signed
consent and consents for it until the guardianship ends; a patient appoints and revokes a
delegate; the CLI refuses to sign a consent for anyone but the signer; decrypted records are
written for their owner's eyes only."""

from __future__ import annotations

import json
import os
import stat
import uuid
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account

from hygeia.cli.main import main
from hygeia.records import generate_private_key, public_key_bytes, save_private_key
from tests.records.samples import GLUCOSE
from tests.records.world import World
from tests.security.parties import fund
from tests.support import keystore_json

PASSWORD = "correct horse battery staple"


class Cli:
    """Runs `hygeia` against the vault chain with --json and returns (exit code, output)."""

    def __init__(self, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.world, self.tmp_path, self.capsys = world, tmp_path, capsys
        for name, key in world.keys.items():
            path = tmp_path / f"{name}.pem"
            if not path.exists():
                save_private_key(key, path, PASSWORD)

    def __call__(self, *argv: str, account: str | None = None) -> tuple[int, Any]:
        args = [*argv, "--rpc", self.world.url, "--deployments", str(self.world.deployments)]
        if account is not None:
            args += ["--account", account]
        code = main([*args, "--json"])
        out = self.capsys.readouterr().out
        return code, json.loads(out) if out.strip() else None

    def store(self) -> list[str]:
        return ["--store", f"local:{self.world.store.root}"]

    def key(self, name: str) -> list[str]:
        return ["--key", str(self.tmp_path / f"{name}.pem")]


@pytest.fixture
def cli(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> Cli:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HYGEIA_KEY_PASSWORD", PASSWORD)
    monkeypatch.setenv("HYGEIA_KEYSTORE_PASSWORD", PASSWORD)
    return Cli(world, tmp_path, capsys)


def test_a_guardian_registers_its_ward_consents_for_it_and_ends_the_guardianship(
    cli: Cli, world: World, tmp_path: Path
) -> None:
    # The ward's account: a keystore of its own. Its record key is kept by the guardian.
    ward = Account.create()
    fund(world, ward.address)
    keystore = tmp_path / "ward.json"
    keystore.write_text(keystore_json(ward.key, PASSWORD))
    ward_key = generate_private_key()
    save_private_key(ward_key, tmp_path / "ward.pem", PASSWORD)
    chain_id = str(world.w3.eth.chain_id)
    as_ward = ["--keystore", str(keystore), "--chain-id", chain_id]
    consent_file = tmp_path / "ward-consent.json"
    ward_public = "0x" + public_key_bytes(ward_key).hex()

    code, signed = cli(
        "participants",
        "accept-guardian",
        "--guardian",
        "guardian",
        "--encryption-key",
        ward_public,
        "--out",
        str(consent_file),
        *as_ward,
    )
    assert code == 0 and signed["ward"] == ward.address

    code, registered = cli(
        "participants", "register", "--consent", str(consent_file), account="guardian"
    )
    assert code == 0 and registered["guardian"] == world.address("guardian")
    code, shown = cli("participants", "show", ward.address)
    assert shown["guardian"] == world.address("guardian") and "patient" in shown["roles"]
    code, acting = cli("consent", "delegates", "--patient", ward.address, account="guardian")
    assert acting["acting_for"] == [{"account": world.address("guardian"), "as": "guardian"}]

    # The guardian files a record for the ward and lets a specialist read it.
    lab = f"laboratory-{uuid.uuid4().hex[:8]}"
    record = tmp_path / "glucose.json"
    record.write_text(json.dumps(GLUCOSE))
    code, put = cli(
        "records", "put", str(record), "--patient", ward.address, "--class", lab,
        *cli.store(), account="guardian",
    )  # fmt: skip
    assert code == 0, put
    code, granted = cli(
        "consent", "grant", "--patient", ward.address, "--to", "specialist", "--class", lab,
        *cli.store(), *cli.key("ward"), account="guardian",
    )  # fmt: skip
    assert code == 0 and granted["records_shared"] == 1, granted
    code, read = cli(
        "records", "get", put["record_id"], *cli.store(), *cli.key("specialist"),
        account="specialist",
    )  # fmt: skip
    assert code == 0 and read["resource"] == GLUCOSE

    code, audit = cli("consent", "audit", "--patient", ward.address, account="guardian")
    assert ("access", world.address("specialist")) in [
        (d["event"], d["actor"]) for d in audit["disclosures"]
    ]
    code, revoked = cli(
        "consent", "revoke", granted["consent_id"], "--patient", ward.address,
        *cli.store(), *cli.key("ward"), account="guardian",
    )  # fmt: skip
    assert code == 0, revoked

    code, ended = cli("participants", "end-guardianship", ward.address, account="guardian")
    assert code == 0 and ended["guardian"] == world.address("guardian")
    code, refused = cli(
        "consent", "grant", "--patient", ward.address, "--to", "specialist", "--class", lab,
        *cli.store(), *cli.key("ward"), account="guardian",
    )  # fmt: skip
    assert code == 1
    assert refused["error"]["type"] == "ConsentRegistryNotPatientOrDelegate"


def test_a_guardian_cannot_register_a_ward_whose_consent_names_another_guardian(
    cli: Cli, world: World, tmp_path: Path
) -> None:
    ward = Account.create()
    keystore = tmp_path / "ward.json"
    keystore.write_text(keystore_json(ward.key, PASSWORD))
    consent_file = tmp_path / "ward-consent.json"
    key = "0x" + public_key_bytes(generate_private_key()).hex()
    as_ward = ["--keystore", str(keystore), "--chain-id", str(world.w3.eth.chain_id)]
    code, _ = cli(
        "participants", "accept-guardian", "--guardian", "guardian", "--encryption-key", key,
        "--out", str(consent_file), *as_ward,
    )  # fmt: skip
    assert code == 0

    code, refused = cli(
        "participants", "register", "--consent", str(consent_file), account="patient"
    )
    assert code == 1 and refused["error"]["type"] == "InvalidInputError"
    assert "guardian" in refused["error"]["message"]
    assert world.suite("patient").participants.guardian_of(ward.address) is None


def test_a_patient_appoints_a_delegate_who_consents_for_it_until_revoked(
    cli: Cli, world: World
) -> None:
    lab = f"laboratory-{uuid.uuid4().hex[:8]}"
    code, appointed = cli("consent", "delegate", "guardian", account="patient")
    assert code == 0 and appointed["appointed"] is True
    code, acting = cli("consent", "delegates", account="patient")
    assert {"account": world.address("guardian"), "as": "delegate"} in acting["acting_for"]

    code, granted = cli(
        "consent", "grant", "--patient", "patient", "--role", "provider", "--class", lab,
        *cli.store(), account="guardian",
    )  # fmt: skip
    assert code == 0, granted

    code, _ = cli("consent", "delegate", "guardian", "--revoke", account="patient")
    assert code == 0
    code, refused = cli(
        "consent", "grant", "--patient", "patient", "--role", "provider", "--class", lab,
        *cli.store(), account="guardian",
    )  # fmt: skip
    assert code == 1 and refused["error"]["type"] == "ConsentRegistryNotPatientOrDelegate"


def test_consent_sign_refuses_to_sign_for_a_patient_other_than_the_signer(
    cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "grant.json"
    code, refused = cli(
        "consent", "sign", "--patient", "guardian", "--to", "specialist", "--out", str(out),
        *cli.store(), *cli.key("patient"), account="patient",
    )  # fmt: skip
    assert code == 1 and refused["error"]["type"] == "InvalidInputError"
    assert "sign with the patient's account" in refused["error"]["message"]
    assert not out.exists()


def test_a_signed_consent_not_yet_relayed_is_cancelled_from_the_cli(
    cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "grant.json"
    code, _ = cli(
        "consent", "sign", "--to", "specialist", "--class", "x", "--out", str(out),
        *cli.store(), *cli.key("patient"), account="patient",
    )  # fmt: skip
    assert code == 0
    code, cancelled = cli("consent", "cancel", str(out), account="patient")
    assert code == 0 and cancelled["nonce"] == json.loads(out.read_text())["nonce"]
    code, refused = cli("consent", "relay", str(out), *cli.store(), account="insurer")
    assert code == 1 and refused["error"]["type"] == "ConsentRegistryNonceUsed"


def test_the_patient_closes_a_providers_break_glass_from_the_cli(cli: Cli, world: World) -> None:
    code, _ = cli(
        "emergency", "open", "--patient", "guardian", "--reason", "ED", account="specialist"
    )
    assert code == 0
    code, closed = cli(
        "emergency", "close", "--patient", "guardian", "--provider", "specialist",
        account="guardian",
    )  # fmt: skip
    assert code == 0 and closed["provider"] == world.address("specialist")
    code, refused = cli(
        "emergency", "open", "--patient", "guardian", "--reason", "ED", account="specialist"
    )
    assert code == 1 and refused["error"]["type"] == "ConsentRegistryBreakGlassLimitReached"


def test_a_decrypted_record_is_written_readable_by_its_owner_only(
    cli: Cli, world: World, tmp_path: Path
) -> None:
    record = tmp_path / "glucose.json"
    record.write_text(json.dumps(GLUCOSE))
    code, put = cli("records", "put", str(record), *cli.store(), account="patient")
    assert code == 0
    out = tmp_path / "out.json"
    out.write_text("stale")
    out.chmod(0o644)  # an existing world-readable file is tightened, not trusted
    old_umask = os.umask(0o022)
    try:
        code, got = cli(
            "records", "get", put["record_id"], "--out", str(out), *cli.store(),
            *cli.key("patient"), account="patient",
        )  # fmt: skip
    finally:
        os.umask(old_umask)
    assert code == 0, got
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text()) == GLUCOSE
    fresh = tmp_path / "fresh.json"
    code, _ = cli(
        "records", "get", put["record_id"], "--out", str(fresh), *cli.store(),
        *cli.key("patient"), account="patient",
    )  # fmt: skip
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
