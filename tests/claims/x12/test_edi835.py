"""The 835s of what settled on-chain: valid for pyx12, balanced, identified from the payer
profile, numbered once per sender across runs, written once per claim record, and a reversal in
an 835 of its own."""

from __future__ import annotations

import dataclasses
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from hygeia.claims.batch import Batch
from hygeia.claims.ids import claim_id_of_payer_number
from hygeia.claims.remittance import ReportedClaim
from hygeia.claims.x12.edi835 import balance_issues, write_remittances
from hygeia.claims.x12.profile import PayerProfile, load_profile
from hygeia.claims.x12.state import RemittanceState
from hygeia.core.errors import PayerProfileError, RemittanceStateError, X12Error
from tests.claims.conftest import DATA, RunnerFactory, claim_ids_of
from tests.claims.x12.support import assert_valid_835, segments

CREATED = datetime(2025, 11, 3, 14, 5, tzinfo=timezone.utc)
SCOPE = "31337:0xAdjudicator"


@pytest.fixture
def profile() -> PayerProfile:
    return load_profile(DATA / "payer.json")


def write(
    runner_claims: list[ReportedClaim], lines_of, profile: PayerProfile, state: Path, out: Path
):  # type: ignore[no-untyped-def]
    return write_remittances(
        runner_claims, lines_of, profile=profile, state=RemittanceState(state, "GOLDHEALTH"),
        scope=SCOPE, out_dir=out, created=CREATED,
    )  # fmt: skip


def test_an_835_per_payee_valid_balanced_and_identified_from_the_profile(
    make_runner: RunnerFactory, batch: Batch, profile: PayerProfile, tmp_path: Path
) -> None:
    runner = make_runner()
    result = runner.run(batch)

    files = write(result.claims, runner.claims.claim_lines, profile, tmp_path / "s", tmp_path)

    assert [f.path.name for f in files] == [
        "835-1234567893-000000001.x12",
        "835-1999999984-000000002.x12",
    ]
    for written in files:
        assert_valid_835(written.path)
    first = segments(files[0].path)
    ids = [s[0] for s in first]
    assert ids[:3] == ["ISA", "GS", "ST"] and ids[-3:] == ["SE", "GE", "IEA"]
    assert first[0][6].strip() == "GOLDHEALTH" and first[0][8].strip() == "1234567893"
    assert first[0][9:11] == ["251103", "1405"] and first[0][13] == "000000001"
    assert first[1][6] == "1" and first[2] == ["ST", "835", "0001"]
    # C-1 7,500 + C-2 62,500 + C-7 0 + C-9 9,999 = 79,999 cents, by ACH: both have a bank
    bpr = first[3]
    assert bpr[:5] == ["BPR", "I", "799.99", "C", "ACH"] and bpr[16] == "20251103"
    assert bpr[7] == "071000013" and bpr[13] == "071000039"
    assert first[4] == ["TRN", "1", "1", "1361234567"]
    assert ["N1", "PR", "GOLD HEALTH PLAN"] in first
    assert ["N4", "CHICAGO", "IL", "606010001"] in first
    assert ["PER", "BL", "EDI SUPPORT", "TE", "3125550100", "EM", "edi@goldhealth.example"] in first
    assert ["N1", "PE", "NORTHSIDE IMAGING", "XX", "1234567893"] in first
    assert ["REF", "TJ", "371234567"] in first
    clps = [s for s in first if s[0] == "CLP"]
    assert [c[1:7] for c in clps] == [
        ["C-1", "1", "1650.00", "75.00", "25.00", "12"],
        ["C-2", "1", "1500.00", "625.00", "575.00", "12"],
        ["C-7", "4", "150.00", "0.00", "", "12"],  # a duplicate is denied
        ["C-9", "1", "99.99", "99.99", "", "12"],
    ]
    onchain = claim_ids_of(runner, batch)
    assert all(len(c[7]) <= 50 for c in clps)
    assert [claim_id_of_payer_number(c[7]) for c in clps] == [
        onchain[name] for name in ("C-1", "C-2", "C-7", "C-9")
    ]
    c1 = first[ids.index("CLP") : ids.index("CLP") + 14]
    assert c1[1] == ["NM1", "QC", "1", "", "", "", "", "", "MI", "M-1001"]
    assert c1[2] == ["DTM", "050", "20250220"]
    assert c1[3] == ["SVC", "HC:70553", "1500.00", "0.00", "", "1"]
    assert c1[5] == ["CAS", "CO", "197", "1500.00"]
    assert c1[8] == ["SVC", "HC:99213", "150.00", "75.00", "", "1"]
    # one CAS per group
    assert c1[10:12] == [["CAS", "CO", "45", "50.00"], ["CAS", "PR", "3", "25.00"]]
    second = segments(files[1].path)
    assert second[3][:5] == ["BPR", "C", "400.00", "C", "CHK"]  # the payee has no bank
    assert [c[2] for c in second if c[0] == "CLP"] == ["1", "4", "1", "4", "1"]  # C-4, C-6 denied


def test_a_rerun_writes_nothing_and_numbers_go_on(
    make_runner: RunnerFactory, batch: Batch, profile: PayerProfile, tmp_path: Path
) -> None:
    runner = make_runner()
    result = runner.run(batch)
    write(result.claims, runner.claims.claim_lines, profile, tmp_path / "s", tmp_path / "a")

    again = write(result.claims, runner.claims.claim_lines, profile, tmp_path / "s", tmp_path / "b")
    assert again == [] and not (tmp_path / "b").exists()

    # Another deployment under the same sender: its own claims, the sender's next numbers.
    other = write_remittances(
        result.claims, runner.claims.claim_lines, profile=profile,
        state=RemittanceState(tmp_path / "s", "GOLDHEALTH"), scope="other", out_dir=tmp_path / "c",
        created=CREATED,
    )  # fmt: skip
    assert [f.control for f in other] == [3, 4]
    assert (tmp_path / "s" / "GOLDHEALTH.json").stat().st_mode & 0o777 == 0o600


def test_a_reversal_gets_its_own_835_with_status_22_and_a_balance_carried_forward(
    make_runner: RunnerFactory, batch: Batch, profile: PayerProfile, tmp_path: Path
) -> None:
    runner = make_runner()
    result = runner.run(batch)
    ids = claim_ids_of(runner, batch)
    state = tmp_path / "s"
    write(result.claims, runner.claims.claim_lines, profile, state, tmp_path / "first")
    runner.claims.reverse_claim(ids["C-2"])

    after = runner.run(batch)
    [reversal] = write(after.claims, runner.claims.claim_lines, profile, state, tmp_path / "rev")

    assert_valid_835(reversal.path)
    seen = segments(reversal.path)
    clps = [s[1:8] for s in seen if s[0] == "CLP"]
    assert len(clps) == 1 and clps[0][:5] == ["C-2", "22", "-1500.00", "-625.00", "-575.00"]
    assert claim_id_of_payer_number(clps[0][6]) == ids["C-2"]
    cas = [s[1:] for s in seen if s[0] == "CAS"]
    assert ["CO", "45", "-300.00"] in cas and ["PR", "1", "-500.00", "", "2", "-75.00"] in cas
    # Nothing else to pay the payee in this 835: the 625.00 taken back is carried forward.
    bpr = next(s for s in seen if s[0] == "BPR")
    assert bpr[1:5] == ["H", "0", "C", "NON"]
    plb = next(s for s in seen if s[0] == "PLB")
    assert plb[1:3] == ["1234567893", "20251231"] and plb[3].startswith("FB:")
    assert plb[4] == "-625.00"
    assert write(after.claims, runner.claims.claim_lines, profile, state, tmp_path / "x") == []


def test_the_balance_check_finds_an_835_that_does_not_add_up(
    make_runner: RunnerFactory, batch: Batch, profile: PayerProfile, tmp_path: Path
) -> None:
    runner = make_runner()
    result = runner.run(batch)
    [path, _] = [
        f.path
        for f in write(result.claims, runner.claims.claim_lines, profile, tmp_path / "s", tmp_path)
    ]
    text = path.read_text()

    assert balance_issues(text) == []
    assert [i.element for i in balance_issues(text.replace("BPR*I*799.99", "BPR*I*799.98"))] == [
        "BPR02"
    ]
    broken = balance_issues(text.replace("CAS*CO*45*50.00", "CAS*CO*45*49.00"))
    assert {i.element for i in broken} == {"SVC03", "CLP04"}
    assert [
        i.element for i in balance_issues(text.replace("*75.00*25.00*12*", "*75.00*24.00*12*"))
    ] == ["CLP05"]


def test_a_payee_missing_from_the_profile_and_an_invalid_835_write_nothing(
    make_runner: RunnerFactory, batch: Batch, profile: PayerProfile, tmp_path: Path
) -> None:
    runner = make_runner()
    result = runner.run(batch)
    lonely = dataclasses.replace(profile, payees=profile.payees[:1])
    with pytest.raises(PayerProfileError, match="no payee for provider 1999999984"):
        write(result.claims, runner.claims.claim_lines, lonely, tmp_path / "s", tmp_path / "o")
    # A code pyx12 refuses (CLP06 must be a claim filing indicator): refused before writing.
    wrong = dataclasses.replace(profile, claim_filing_indicator="XX")
    with pytest.raises(X12Error, match="fails pyx12's validation") as refused:
        write(result.claims, runner.claims.claim_lines, wrong, tmp_path / "s", tmp_path / "o")
    assert any(i.element == "CLP06" for i in refused.value.issues)
    assert not (tmp_path / "o").exists()
    # Nothing was recorded: the next run starts at control number 1.
    first = write(result.claims, runner.claims.claim_lines, profile, tmp_path / "s", tmp_path / "o")
    assert [f.control for f in first] == [1, 2]


LATER = datetime(2025, 11, 4, 9, 0, tzinfo=timezone.utc)


def _published(out: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(out.glob("835-*.x12"))}


def test_a_crash_before_the_ledger_is_saved_publishes_nothing_and_overwrites_nothing(
    make_runner: RunnerFactory,
    batch: Batch,
    profile: PayerProfile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner = make_runner()
    result = runner.run(batch)
    state = RemittanceState(tmp_path / "s", "GOLDHEALTH")

    def crash(self: RemittanceState, ledger: object) -> None:
        raise RemittanceStateError("the disk went away")

    with monkeypatch.context() as patch:
        patch.setattr(RemittanceState, "_save", crash)
        with pytest.raises(RemittanceStateError):
            write(result.claims, runner.claims.claim_lines, profile, tmp_path / "s", tmp_path)
    # Nothing was sent under the control numbers the ledger does not hold.
    assert _published(tmp_path) == {}

    files = write_remittances(
        result.claims, runner.claims.claim_lines, profile=profile, state=state, scope=SCOPE,
        out_dir=tmp_path, created=LATER,
    )  # fmt: skip
    assert [f.control for f in files] == [1, 2]
    first = _published(tmp_path)
    assert len(first) == 2 and not list(tmp_path.glob(".835-*"))
    # A rerun numbers nothing again and leaves the files as they are.
    assert write(result.claims, runner.claims.claim_lines, profile, tmp_path / "s", tmp_path) == []
    assert _published(tmp_path) == first


def test_a_crash_after_the_ledger_is_saved_is_finished_by_the_next_run(
    make_runner: RunnerFactory,
    batch: Batch,
    profile: PayerProfile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner = make_runner()
    result = runner.run(batch)
    out = tmp_path / "out"

    def crash(*args: object) -> None:
        raise OSError("killed")

    with monkeypatch.context() as patch:
        patch.setattr(os, "link", crash)
        patch.setattr(os, "replace", _only_for_json(os.replace))
        with pytest.raises(RemittanceStateError):
            write(result.claims, runner.claims.claim_lines, profile, tmp_path / "s", out)
    assert _published(out) == {}

    # The next run (later, with other content had it renumbered) publishes what was numbered,
    # takes no control number twice and remits no claim twice.
    again = write_remittances(
        result.claims, runner.claims.claim_lines, profile=profile,
        state=RemittanceState(tmp_path / "s", "GOLDHEALTH"), scope=SCOPE, out_dir=out,
        created=LATER,
    )  # fmt: skip
    assert again == []
    published = _published(out)
    assert sorted(published) == ["835-1234567893-000000001.x12", "835-1999999984-000000002.x12"]
    assert all("*251103*1405*" in text for text in published.values())  # the first run's
    assert not list(out.glob(".835-*"))
    other = write_remittances(
        result.claims, runner.claims.claim_lines, profile=profile,
        state=RemittanceState(tmp_path / "s", "GOLDHEALTH"), scope="other", out_dir=out,
        created=LATER,
    )  # fmt: skip
    assert [f.control for f in other] == [3, 4]


def _only_for_json(replace):  # type: ignore[no-untyped-def]
    """os.replace that works for the ledger only (not for an 835)."""

    def guarded(src, dst):  # type: ignore[no-untyped-def]
        if str(dst).endswith(".x12"):
            raise OSError("killed")
        return replace(src, dst)

    return guarded


def test_an_835_never_replaces_a_file_with_other_content(
    make_runner: RunnerFactory, batch: Batch, profile: PayerProfile, tmp_path: Path
) -> None:
    runner = make_runner()
    result = runner.run(batch)
    # The state folder was lost, the files it numbered were not: the numbers come again.
    earlier = tmp_path / "835-1234567893-000000001.x12"
    earlier.write_text("ISA*an 835 already sent~")

    with pytest.raises(RemittanceStateError, match="other content"):
        write(result.claims, runner.claims.claim_lines, profile, tmp_path / "s", tmp_path)
    assert earlier.read_text() == "ISA*an 835 already sent~"
