"""`hygeia consent grant --fhir`, `consent list --fhir` and `consent audit --fhir`, end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hygeia.cli.main import main
from hygeia.consent.fhir import validate_resource
from hygeia.records import save_private_key
from tests.consent.test_fhir_chain import lab_results
from tests.records.samples import GLUCOSE
from tests.records.world import World
from tests.security.parties import Patient
from tests.support import keystore_json

PASSWORD = "correct horse battery staple"


@pytest.fixture
def cli(world: World, patient: Patient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]  # fmt: skip
    """cli("consent", "list", "--fhir", json=False) -> (exit code, parsed stdout), run as the
    fresh patient with its key."""
    monkeypatch.setenv("HYGEIA_KEY_PASSWORD", PASSWORD)
    key = tmp_path / "patient.pem"
    save_private_key(patient.key, key, PASSWORD)
    keystore = tmp_path / "patient.json"
    keystore.write_text(keystore_json(patient.account.key, "pw"))
    monkeypatch.setenv("HYGEIA_KEYSTORE_PASSWORD", "pw")

    def run(*argv: str, json_flag: bool = True, store: bool = False) -> tuple[int, Any]:
        args = [*argv, "--rpc", world.url, "--deployments", str(world.deployments),
                "--keystore", str(keystore), "--chain-id", str(world.w3.eth.chain_id)]  # fmt: skip
        if store:
            args += ["--store", f"local:{world.store.root}", "--key", str(key)]
        if json_flag:
            args.append("--json")
        code = main(args)
        out = capsys.readouterr().out
        return code, json.loads(out) if out.strip() else None

    return run


def test_grant_list_and_audit_in_fhir_through_the_cli(
    cli: Any, world: World, patient: Patient, tmp_path: Path
) -> None:
    stored = patient.vault().put(patient.address, GLUCOSE)
    consent = tmp_path / "consent.json"
    consent.write_text(json.dumps(lab_results(world, patient, world.address("specialist"))))

    code, granted = cli("consent", "grant", "--fhir", str(consent), store=True)
    assert code == 0, granted
    (row,) = granted["consents"]
    assert row["provision"] == "Consent.provision" and row["records_shared"] == 1

    world.vault("specialist").get(stored.record_id)

    code, bundle = cli("consent", "list", "--fhir", json_flag=False)
    assert code == 0
    validate_resource(bundle)
    assert [e["resource"]["id"] for e in bundle["entry"]] == [f"hygeia-consent-{row['consent_id']}"]
    out = tmp_path / "audit.json"
    code, _ = cli("consent", "audit", "--fhir", "--bundle", "searchset", "--out", str(out),
                  json_flag=False)  # fmt: skip
    audit = json.loads(out.read_text())
    assert code == 0 and audit["type"] == "searchset" and audit["total"] == 1
    assert audit["entry"][0]["resource"]["resourceType"] == "AuditEvent"
    # the disclosure trail says who read which record: no other local user may read it
    assert out.stat().st_mode & 0o777 == 0o600
    out.chmod(0o644)  # written again over a file left world-readable: tightened
    code, _ = cli("consent", "list", "--fhir", "--out", str(out), json_flag=False)
    assert code == 0 and out.stat().st_mode & 0o777 == 0o600


def test_a_consent_the_chain_cannot_express_is_refused_naming_the_element(
    cli: Any, world: World, patient: Patient, tmp_path: Path
) -> None:
    doc = lab_results(world, patient, world.address("specialist"))
    doc["provision"]["securityLabel"] = [
        {"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"}
    ]
    consent = tmp_path / "consent.json"
    consent.write_text(json.dumps(doc))
    before = len(patient.suite().consent.consents(patient.address))

    code, refused = cli("consent", "grant", "--fhir", str(consent), store=True)

    assert code == 1
    assert refused["error"]["type"] == "FhirConsentError"
    assert refused["error"]["message"].startswith("Consent.provision.securityLabel:")
    assert refused["error"]["args"] == {"element": "Consent.provision.securityLabel"}
    assert len(patient.suite().consent.consents(patient.address)) == before


def test_grant_options_do_not_go_with_fhir(cli: Any, tmp_path: Path) -> None:
    consent = tmp_path / "consent.json"
    consent.write_text("{}")
    code, refused = cli("consent", "grant", "--fhir", str(consent), "--deny", store=True)
    assert code == 2 and refused["error"]["args"]["argument"] == "--deny"
    code, refused = cli("consent", "grant", "--fhir", str(consent), "--to", "insurer", store=True)
    assert code == 2
    code, refused = cli("consent", "list", "--out", str(tmp_path / "x.json"))
    assert code == 2 and refused["error"]["args"]["argument"] == "--out"
