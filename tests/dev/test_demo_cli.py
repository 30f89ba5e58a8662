"""`hygeia demo` on a fresh chain: the day is told, the JSON summary is complete, a rerun reuses."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from hygeia.cli.main import main
from hygeia.core.chain.connection import connect
from hygeia.core.chain.signers import dev_signer
from hygeia.provenance import epcis
from hygeia.suite import Suite
from tests.chains import anvil_chain
from tests.claims.x12.support import assert_valid_835
from tests.support import ROOT


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[str]:
    with anvil_chain(tmp_path) as started:
        yield started.url


def test_the_demo_tells_the_day_and_a_second_run_reuses_the_set_up(
    chain: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "demo", "--rpc", chain, "--deployments", str(tmp_path / "deployments"),
        "--store", "local", "--state-dir", str(tmp_path / "demo"), "--serials", "500",
    ]  # fmt: skip
    assert main([*args, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    said = " ".join(e["payload"] for e in first["events"] if e["kind"] == "say")
    assert "specialist read the lab result (HbA1c)" in said
    assert "insurer asked for the condition and was refused: NO_PERMIT" in said
    assert "specialist is now refused: REVOKED" in said
    trail = next(e["payload"] for e in first["events"] if e["kind"] == "table")
    assert [r[1] for r in trail["rows"]][-3:] == [
        "access",
        "break-glass-opened",
        "break-glass-closed",
    ]
    # A grant stays well under the published design's 78k (see the gas snapshot for exact figures).
    assert first["gas"]["ConsentRegistry.grant"]["average"] < 78_000
    remittance = json.loads((tmp_path / "demo" / "remittance.json").read_text())
    expected = json.loads((ROOT / "tests/claims/data/remittance.json").read_text())
    # the hand-written remittance, from the claims of the demo's 837P file
    ids = ("payer_claim_control_number", "onchain_claim_id")
    assert {
        c["claim_id"]: {k: v for k, v in c.items() if k not in ids} for c in remittance["claims"]
    } == {c["claim_id"]: c for c in expected["claims"]}
    x12 = sorted((tmp_path / "demo" / "835").glob("835-*.x12"))
    assert len(x12) == 2
    for path in x12:
        assert_valid_835(path)
    assert sum("validated with pyx12" in w["what"] for w in first["written"]) == 2
    assert "providers withdrew" in said
    assert "commissioned lot LOT-" in said and "of 500 serialised packs" in said
    assert "verified pack SN" in said and "-000000: VALID" in said
    assert "cloned-serial counterfeit (True): verify still says DISPENSED" in said
    assert "the manufacturer quarantined the serial: verify now says QUARANTINED" in said
    assert "verify said QUARANTINED" in said and "cleared it: VALID" in said
    assert "recalled the lot; verify says RECALLED" in said
    traces = list((tmp_path / "demo").glob("epcis-trace-*.json"))
    assert len(traces) == 1
    epcis.validate(json.loads(traces[0].read_text()))
    # Parties and places by their GLNs, bound on-chain; the master data in the header.
    trace = traces[0].read_text()
    assert "urn:epc:id:pgln:0614150.00001" in trace and "urn:epc:id:sgln:0614160.00001.0" in trace
    assert "regulatedProductName" in trace
    assert "deploy ConsentRegistry" in first["setup_gas"]

    # The physician's break-glass openings on this patient run out within a window (3 a day);
    # the first run used one: two more, the last left open as by a run stopped midway. The
    # rerun closes it, and tells the refusal of a new opening instead of failing.
    w3 = connect(chain)
    doctor = Suite.connect(
        chain, deployments=tmp_path / "deployments", signer=dev_signer(w3, "provider")
    ).consent
    patient = dev_signer(w3, "patient").address
    doctor.open_break_glass(patient, "the openings a busy day uses", timedelta(hours=1))
    doctor.close_break_glass(patient)
    doctor.open_break_glass(patient, "a run stopped with its access open", timedelta(hours=1))

    started = time.monotonic()
    assert main(args) == 0
    human = capsys.readouterr().out
    assert time.monotonic() - started < 30
    assert "Records and consent" in human and "gas per operation" in human
    assert "deploy ConsentRegistry" not in human  # the suite and cast were reused
    assert "no new 835" in human and len(list((tmp_path / "demo" / "835").glob("*.x12"))) == 2
    told = " ".join(human.split())
    assert "emergency access still open from before was closed first" in told
    assert "asked for break-glass access and was refused" in told
    assert "ConsentRegistry.openBreakGlass" not in human
    assert "verified pack SN" in human  # the rest of the day is still told
