"""The records, consent, emergency, store and keys commands, end to end on the vault chain."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from hygeia.cli.main import main
from hygeia.consent import data_class_id
from hygeia.records import save_private_key
from tests.records.samples import GLUCOSE, glucose
from tests.records.world import World
from tests.support import free_port

PASSWORD = "correct horse battery staple"
_CONSENT_WITH_KEYS = [("consent", c) for c in ("grant", "sign", "relay", "revoke")]


@pytest.fixture
def cli(
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):  # type: ignore[no-untyped-def]
    """cli("records", "get", id, account="specialist") -> (exit code, parsed --json output)."""
    monkeypatch.setenv("HYGEIA_KEY_PASSWORD", PASSWORD)
    for name, key in world.keys.items():
        save_private_key(key, tmp_path / f"{name}.pem", PASSWORD)

    def run(*argv: str, account: str | None = None) -> tuple[int, Any]:
        args = [*argv, "--rpc", world.url, "--deployments", str(world.deployments), "--json"]
        if account is not None:
            args += ["--account", account]
        vault_command = argv[0] == "records" or argv[:2] in _CONSENT_WITH_KEYS
        if vault_command:
            args += ["--store", f"local:{world.store.root}"]
            if account in world.keys:
                args += ["--key", str(tmp_path / f"{account}.pem")]
        code = main(args)
        out = capsys.readouterr().out
        return code, json.loads(out) if out.strip() else None

    return run


def test_a_day_of_records_and_consent_through_the_cli(cli, world: World, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lab = f"laboratory-{uuid.uuid4().hex[:8]}"
    record = tmp_path / "glucose.json"
    record.write_text(json.dumps(GLUCOSE))

    code, put = cli("records", "put", str(record), "--class", lab, account="patient")
    assert code == 0
    record_id = put["record_id"]
    # The data classes it is filed under (its type, its category and the one named), by name and
    # by the ids the chain and `records list` show.
    assert put["data_classes"] == ["Observation", "laboratory", lab]
    assert put["data_class_ids"] == ["0x" + data_class_id(c).hex() for c in put["data_classes"]]

    code, granted = cli(
        "consent",
        "grant",
        "--to",
        "specialist",
        "--class",
        lab,
        "--days",
        "30",
        account="patient",
    )
    assert code == 0 and granted["records_shared"] == 1
    consent_id = granted["consent_id"]

    code, read = cli("records", "get", record_id, account="specialist")
    assert code == 0 and read["resource"] == GLUCOSE and read["access_logged_in"]

    code, check = cli(
        "consent", "check", "--patient", "patient", "--grantee", "specialist", "--target", lab
    )
    assert (code, check["allowed"], check["consent_id"]) == (0, True, consent_id)
    code, check = cli(
        "consent", "check", "--patient", "patient", "--grantee", "insurer", "--target", lab
    )
    assert (code, check["allowed"], check["reason"]) == (3, False, "no_permit")

    code, refused = cli("records", "get", record_id, account="insurer")
    assert code == 1 and refused["error"]["type"] == "AccessDeniedError"

    amended = tmp_path / "amended.json"
    amended.write_bytes(glucose(120))
    code, amend = cli("records", "amend", record_id, str(amended), account="patient")
    assert code == 0 and amend["version"] == 2
    assert amend["data_class_ids"] == put["data_class_ids"]  # a record keeps its classes
    code, history = cli("records", "history", record_id, account="patient")
    assert [v["version"] for v in history["versions"]] == [1, 2]
    code, listed = cli("records", "list", account="patient")
    mine = [r for r in listed["records"] if r["record_id"] == record_id]
    assert mine[0]["data_class_ids"] == put["data_class_ids"]

    code, consents = cli("consent", "list", account="patient")
    assert code == 0, consents
    mine = [c for c in consents["consents"] if c["consent_id"] == consent_id]
    assert mine[0]["status"] == "active" and mine[0]["grantee"] == world.address("specialist")

    code, revoked = cli("consent", "revoke", consent_id, account="patient")
    assert code == 0 and revoked["consent_id"] == consent_id
    code, refused = cli("records", "get", record_id, account="specialist")
    assert code == 1 and "revoked" in refused["error"]["message"]

    code, opened = cli(
        "emergency", "open", "--patient", "patient", "--reason", "ED", account="provider"
    )
    assert code == 0 and opened["patient"] == world.address("patient")
    assert opened["provider"] == world.address("provider") and opened["until"]
    assert cli("emergency", "close", "--patient", "patient", account="provider")[0] == 0

    code, audit = cli("consent", "audit", account="patient")
    events = [(d["event"], d["actor"]) for d in audit["disclosures"]]
    assert ("access", world.address("specialist")) in events
    assert ("break-glass-opened", world.address("provider")) in events
    assert ("break-glass-closed", world.address("provider")) in events

    code, erased = cli("records", "erase", record_id, account="patient")
    assert code == 0 and len(erased["unpinned"]) == 3  # 2 envelopes (bundles inside), 1 shared
    code, gone = cli("records", "get", record_id, account="patient")
    assert code == 1 and gone["error"]["type"] == "RecordErasedError"


def test_a_signed_consent_is_relayed_by_another_account(cli, world: World, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lab = f"laboratory-{uuid.uuid4().hex[:8]}"
    signed = tmp_path / "grant.json"
    code, _ = cli(
        "consent",
        "sign",
        "--to",
        "specialist",
        "--class",
        lab,
        "--out",
        str(signed),
        account="patient",
    )
    assert code == 0 and json.loads(signed.read_text())["signature"].startswith("0x")
    # the signed grant names the patient, the reader and what it may read: owner-only
    assert signed.stat().st_mode & 0o777 == 0o600
    code, relayed = cli("consent", "relay", str(signed), account="insurer")
    assert code == 0
    listed = world.suite("patient").consent.consent(
        world.address("patient"), int(relayed["consent_id"])
    )
    assert listed.grantee == world.address("specialist")


def test_store_commands_add_cat_pin_unpin(cli, world: World, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    content = tmp_path / "blob.bin"
    content.write_bytes(b"not health data" * 100)
    store = ["--store", f"local:{tmp_path / 'store'}", "--json"]
    assert main(["store", "add", str(content), *store]) == 0
    cid = json.loads(capsys.readouterr().out)["cid"]
    assert cid.startswith("bafk")
    out = tmp_path / "back.bin"
    assert main(["store", "cat", cid, "--out", str(out), *store]) == 0
    assert out.read_bytes() == content.read_bytes()
    assert main(["store", "unpin", cid, *store]) == 0
    assert main(["store", "pin", cid, *store]) == 0
    capsys.readouterr()


def test_store_errors_are_named(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["store", "cat", "not-a-cid", "--store", f"local:{tmp_path}", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["error"]["type"] == "InvalidCIDError"
    dead = f"http://127.0.0.1:{free_port()}"
    content = tmp_path / "x"
    content.write_bytes(b"x")
    assert main(["store", "add", str(content), "--ipfs", dead, "--timeout", "1", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["error"]["type"] == "StoreUnavailableError"


def test_keys_new_writes_a_key_file_and_show_prints_its_public_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HYGEIA_KEY_PASSWORD", PASSWORD)
    path = tmp_path / "me.pem"
    assert main(["keys", "new", "--out", str(path), "--json"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert main(["keys", "show", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["public_key"] == created["public_key"]
    assert main(["keys", "new", "--out", str(path), "--json"]) == 1  # never overwritten
    assert json.loads(capsys.readouterr().out)["error"]["type"] == "InvalidInputError"
    monkeypatch.setenv("HYGEIA_KEY_PASSWORD", "wrong")
    assert main(["keys", "show", str(path), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["error"]["type"] == "EncryptionKeyPasswordError"


def test_records_put_says_the_data_classes_it_filed_the_record_under(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = tmp_path / "glucose.json"
    record.write_text(json.dumps(GLUCOSE))
    code = main(
        ["records", "put", str(record), "--rpc", world.url, "--deployments",
         str(world.deployments), "--store", f"local:{world.store.root}", "--account", "patient"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "filed under data classes Observation, laboratory" in out


def test_consent_check_refuses_a_purpose_it_does_not_know_as_a_usage_error(cli) -> None:  # type: ignore[no-untyped-def]
    code, refused = cli(
        "consent", "check", "--patient", "patient", "--grantee", "insurer", "--target", "lab",
        "--purpose", "GOSSIP",
    )  # fmt: skip
    assert code == 2 and refused["error"]["type"] == "UsageError"
    assert refused["error"]["args"]["argument"] == "--purpose"
    assert "unknown purpose 'GOSSIP'" in refused["error"]["message"]
