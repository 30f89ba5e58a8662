"""837P files in: read with pyx12 into the same claims as the JSON batch, a malformed file refused
with the line, segment and element named, a bad claim rejected while the rest adjudicate to the
results of the equivalent JSON batch, and the 835s that come back valid."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timezone
from pathlib import Path

import pytest

from hygeia.claims.batch import load_batch
from hygeia.claims.x12.edi835 import write_remittances
from hygeia.claims.x12.edi837 import read_837p
from hygeia.claims.x12.profile import load_profile
from hygeia.claims.x12.state import RemittanceState
from hygeia.core.errors import InvalidInputError, X12Error
from tests.claims.conftest import DATA, RunnerFactory, plain
from tests.claims.x12.support import assert_valid_835, segments


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    """The sample plan under a plan id no other test uses."""
    data = json.loads((DATA / "plan.json").read_text())
    data["plan"]["plan_id"] = f"PPO-837-{secrets.token_hex(4)}"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    return path


def test_the_837p_sample_reads_as_the_json_batch_claims() -> None:
    claims, rejected = read_837p(DATA / "claims.837")
    batch = load_batch(DATA / "batch.json")

    assert rejected == ()
    assert {c.claim_ref: c for c in claims} == {c.claim_ref: c for c in batch.claims}
    c1 = next(c for c in claims if c.claim_ref == "C-1")
    assert [line.code for line in c1.lines] == ["70553", "99213"]  # several lines
    c2 = next(c for c in claims if c.claim_ref == "C-2")
    assert c2.lines[0].auth_id == "PA-77"  # the claim's REF*G1


def test_an_837p_adjudicates_to_the_json_batchs_results_and_its_835s_are_valid(
    make_runner: RunnerFactory,
    plan_file: Path,
    expected: dict,
    tmp_path: Path,  # type: ignore[type-arg]
) -> None:
    batch = load_batch(DATA / "claims.837", plan_file)
    runner = make_runner()

    result = runner.run(batch)

    by_claim = {c["claim_id"]: c for c in plain(result.document)["claims"]}
    assert by_claim == {c["claim_id"]: c for c in expected["claims"]}
    assert result.document["accumulators"] == expected["accumulators"]
    files = write_remittances(
        result.claims, runner.claims.claim_lines, profile=load_profile(DATA / "payer.json"),
        state=RemittanceState(tmp_path / "s", "GOLDHEALTH"), scope="837", out_dir=tmp_path / "o",
        created=datetime.now(timezone.utc),
    )  # fmt: skip
    assert len(files) == 2
    for written in files:
        assert_valid_835(written.path)
    members = {s[9] for f in files for s in segments(f.path) if s[:2] == ["NM1", "QC"]}
    assert members == {"M-1001", "M-1002", "M-9999"}  # the payer's member numbers


def test_a_bad_claim_is_rejected_and_the_rest_adjudicate(
    make_runner: RunnerFactory,
    plan_file: Path,
    expected: dict,  # type: ignore[type-arg]
) -> None:
    batch = load_batch(DATA / "claims-invalid.837", plan_file)

    rejected = {r.claim_ref: r for r in batch.rejected}
    assert sorted(rejected) == ["C-3", "C-6"]
    [date_issue] = rejected["C-3"].issues
    assert (date_issue.line, date_issue.segment, date_issue.element) == (68, "DTP", "DTP03")
    assert "invalid date" in date_issue.message
    [charge_issue] = rejected["C-6"].issues
    assert (charge_issue.line, charge_issue.segment, charge_issue.element) == (75, "CLM", "CLM02")

    result = make_runner().run(batch)

    done = {c["claim_id"]: c for c in plain(result.document)["claims"]}
    assert set(done) == {"C-1", "C-2", "C-4", "C-5", "C-7", "C-8", "C-9"}
    assert [r["claim_id"] for r in result.document["rejected"]] == ["C-3", "C-6"]
    assert done["C-1"] == next(c for c in expected["claims"] if c["claim_id"] == "C-1")


def test_a_malformed_file_is_refused_naming_line_segment_and_element(tmp_path: Path) -> None:
    text = (DATA / "claims.837").read_text()
    broken = tmp_path / "broken.837"
    broken.write_text(text.replace("NM1*85*2*NORTHSIDE IMAGING*****XX*1234567893",
                                   "NM1*85*2*NORTHSIDE IMAGING*****QQ*1234567893"))  # fmt: skip

    with pytest.raises(X12Error, match="refused") as refused:
        read_837p(broken)

    [issue] = refused.value.issues
    assert (issue.line, issue.segment, issue.element) == (9, "NM1", "NM108")
    assert refused.value.error_args["issues"][0]["line"] == 9

    truncated = tmp_path / "truncated.837"
    truncated.write_text(text.split("SE*")[0])
    with pytest.raises(X12Error):
        read_837p(truncated)

    not_x12 = tmp_path / "notes.837"
    not_x12.write_text("ISA*this is not an interchange~")
    with pytest.raises(X12Error):
        read_837p(not_x12)


def test_an_837p_needs_a_plan_file_and_a_json_batch_none() -> None:
    with pytest.raises(InvalidInputError, match="--plan FILE"):
        load_batch(DATA / "claims.837")
    with pytest.raises(InvalidInputError, match="drop --plan"):
        load_batch(DATA / "batch.json", DATA / "plan.json")
    with pytest.raises(InvalidInputError, match="the claims come from the 837P"):
        load_batch(DATA / "claims.837", DATA / "batch.json")
