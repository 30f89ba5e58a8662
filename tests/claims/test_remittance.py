"""The X12 835-like remittance advice per provider, read back from the chain."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from hygeia.claims.batch import Batch
from hygeia.claims.remittance import ClaimEntry, read_claims, write_835_files
from tests.claims.conftest import RunnerFactory, claim_ids_of

CREATED = datetime(2025, 11, 3, 14, 5, tzinfo=timezone.utc)


def segments(path: Path) -> list[list[str]]:
    text = path.read_text()
    assert text.endswith("~\n")
    return [segment.strip().split("*") for segment in text.split("~") if segment.strip()]


def test_one_835_per_provider_with_a_clp_per_claim_and_cas_per_adjustment(
    make_runner: RunnerFactory, batch: Batch, tmp_path: Path
) -> None:
    runner = make_runner()
    result = runner.run(batch)

    paths = write_835_files(
        runner.claims, result.claims, payer=runner.insurer, out_dir=tmp_path, created=CREATED
    )

    assert [p.name for p in paths] == ["835-1234567893.x12", "835-1999999984.x12"]
    first = segments(paths[0])
    ids = [s[0] for s in first]
    assert ids[:3] == ["ISA", "GS", "ST"] and ids[-3:] == ["SE", "GE", "IEA"]
    assert first[0][9:11] == ["251103", "1405"]
    # C-1 7,500 + C-2 62,500 + C-7 0 + C-9 9,999 = 79,999 cents
    assert first[3][:3] == ["BPR", "I", "799.99"]
    clps = [s for s in first if s[0] == "CLP"]
    assert [c[1:6] for c in clps] == [
        ["C-1", "1", "1650.00", "75.00", "25.00"],
        ["C-2", "1", "1500.00", "625.00", "575.00"],
        ["C-7", "1", "150.00", "0.00", "0.00"],
        ["C-9", "1", "99.99", "99.99", "0.00"],
    ]
    c1 = first[ids.index("CLP") : ids.index("CLP") + 12]
    member = "0x" + runner.parties.pseudonyms.member_id("M-1001").hex()
    assert c1[1][0] == "NM1" and c1[1][-1] == member
    assert c1[2] == ["SVC", "HC:70553", "1500.00", "0.00", "", "1"]
    assert c1[3] == ["DTM", "472", "20250210"]
    assert c1[4] == ["CAS", "CO", "197", "1500.00"]
    assert c1[5] == ["AMT", "B6", "0.00"]
    assert c1[6] == ["SVC", "HC:99213", "150.00", "75.00", "", "1"]
    assert c1[8:10] == [["CAS", "CO", "45", "50.00"], ["CAS", "PR", "3", "25.00"]]
    assert c1[10] == ["AMT", "B6", "100.00"]
    st, se = ids.index("ST"), ids.index("SE")
    assert first[se][1] == str(se - st + 1)


def test_a_reversal_record_follows_its_claim_with_status_22_and_negative_amounts(
    make_runner: RunnerFactory, batch: Batch, tmp_path: Path
) -> None:
    runner = make_runner()
    runner.run(batch)
    ids = claim_ids_of(runner, batch)
    runner.claims.reverse_claim(ids["C-2"])

    reported = read_claims(runner.claims, [ClaimEntry(ids["C-2"], "C-2", "1234567893")])
    [path] = write_835_files(
        runner.claims, reported, payer=runner.insurer, out_dir=tmp_path, created=CREATED
    )

    clps = [s[1:6] for s in segments(path) if s[0] == "CLP"]
    assert clps == [
        ["C-2", "1", "1500.00", "625.00", "575.00"],
        ["C-2", "22", "-1500.00", "-625.00", "-575.00"],
    ]
    cas = [s[1:] for s in segments(path) if s[0] == "CAS"]
    assert ["CO", "45", "-300.00"] in cas and ["PR", "1", "-500.00"] in cas
    assert segments(path)[3] == ["BPR", "H", "0", "C", "NON"]
