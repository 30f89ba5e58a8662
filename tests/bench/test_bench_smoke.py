"""The benchmark code paths with tiny sizes, so they keep working; no timing is asserted.

Figures come from `make bench`; here each part runs once on fresh nodes and its results are
checked for shape and for what must hold whatever the machine (a floor never above the gas).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rich.progress import Progress

from bench import (
    claims,
    compile_time,
    disclosures,
    index,
    machine,
    provenance,
    records,
    report,
    sdk_speed,
    throughput,
    vrs,
)
from bench.__main__ import BENCHMARKS_PAGE, _parser, main
from bench.compile_time import CompileError
from hygeia.core.errors import InvalidInputError
from tests.support import ROOT

TINY_CONTRACT = """// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

contract Tiny {
    uint256 private _value;

    function set(uint256 value) external {
        _value = value;
    }
}
"""


@pytest.fixture
def progress() -> Progress:
    return Progress(disable=True)


def test_gas_gives_every_operation_a_floor_no_higher_than_its_gas(tmp_path: Path) -> None:
    assert main(["gas", "--out", str(tmp_path)]) == 0
    doc = json.loads((tmp_path / "bench.json").read_text())
    rows = {row["operation"]: row for row in doc["gas"]}
    assert len(rows) == len(doc["gas"]) > 20
    for op, row in rows.items():
        assert 21_000 < row["floor"] <= row["gas"], op
        assert row["ratio"] >= 1, op
    # Each direction of a storage change is read from the trace.
    assert rows["ParticipantRegistry.registerPatient"]["slots"]["new"] >= 1
    assert rows["ParticipantRegistry.setEncryptionKey(rotate)"]["slots"]["updated"] >= 1
    assert rows["ConsentRegistry.revokeDelegate"]["slots"]["cleared"] >= 1
    assert rows["ConsentRegistry.deploy"]["floor_parts"]["creation"] > 32_000
    markdown = (tmp_path / "bench.md").read_text()
    assert "| ConsentRegistry.grant(1 class) |" in markdown
    assert doc["machine"]["anvil"] in markdown


def test_throughput_sends_every_transaction_in_each_mode(progress: Progress) -> None:
    rows = throughput.run(progress, count=3)
    assert [(r.workload, r.mode) for r in rows] == [
        (name, mode) for name in throughput.WORKLOADS for mode in throughput.MODES
    ]
    assert all(r.transactions == 3 and r.per_second > 0 for r in rows)


def test_the_sdk_and_raw_web3_each_send_every_grant_in_each_mode(progress: Progress) -> None:
    rows = sdk_speed.run(progress, count=3, rounds=1)
    assert [r.mode for r in rows] == list(sdk_speed.MODES)
    assert all(r.transactions == 3 and r.raw_per_second > 0 and r.sdk_per_second > 0 for r in rows)


def test_a_claims_batch_runs_end_to_end(progress: Progress) -> None:
    result = claims.run(progress, claims=4)
    assert result.claims == 4 and result.lines >= 4
    assert result.gas_per_claim > 0 and result.per_second_end_to_end > 0


def test_provenance_measures_verify_both_ways_trace_sizes_and_shipments(
    progress: Progress, tmp_path: Path
) -> None:
    result = provenance.run(progress, lot_size=30, runs=1)
    assert (result.lot_size, result.runs) == (30, 1)
    assert result.verify_index_ms > 0 and result.verify_walk_ms > 0
    # Whatever the machine: one unit's trace is smaller than its lot's, which lists 30 serials.
    assert 0 < result.unit_trace_bytes < result.lot_trace_bytes
    assert len(result.ship_seconds) == len(result.receive_seconds) == provenance.SHIPMENTS
    assert result.custody_seconds > 0 and result.unit_trace_seconds > 0
    # The unit traced after the shipments went through more of them than the first one traced.
    assert result.traced_unit_bytes > result.unit_trace_bytes
    markdown = report.to_markdown(
        report.Results(machine=machine.describe(), finished="now", commit="c", provenance=result)
    )
    assert "walking the lot documents" in markdown and "(one unit)" in markdown
    assert "the lot's custody from its documents" in markdown
    assert (
        report.to_json(
            report.Results(
                machine=machine.describe(), finished="now", commit="c", provenance=result
            )
        )["provenance"]["lot_size"]
        == 30
    )


def test_disclosures_reads_one_patients_accounting_from_the_chain_and_an_index(
    progress: Progress,
) -> None:
    result = disclosures.run(progress, events=10, repetitions=1)
    assert (result.events, result.blocks) == (10, 5)
    assert result.chain_seconds > 0 and result.index_seconds > 0


def test_records_run_on_both_stores_across_a_chunk_boundary(progress: Progress) -> None:
    sizes = {"1 KiB": records.KIB, "300 KiB": 300 * records.KIB}  # a UnixFS chunk is 256 KiB
    rows = records.run(progress, sizes, records.STORES, budget=0, min_repetitions=1)
    assert [(r.size, r.repetitions) for r in rows] == [("1 KiB", 1), ("300 KiB", 1)] * 2
    assert rows[0].store.startswith("embedded") and rows[2].store.startswith("IPFS node")
    assert all(r.raw_add_mb_s > 0 and r.encrypt_store_mb_s > 0 and r.overhead > 0 for r in rows)


def tiny_project(folder: Path, source: str) -> Path:
    (folder / "contracts").mkdir(parents=True)
    (folder / "interfaces").mkdir()
    (folder / "contracts" / "Tiny.sol").write_text(source)
    shutil.copy2(ROOT / "brownie-config.yaml", folder / "brownie-config.yaml")
    return folder


def test_compile_times_a_cold_and_a_noop_compile(tmp_path: Path, progress: Progress) -> None:
    times = compile_time.run(progress, project=tiny_project(tmp_path, TINY_CONTRACT))
    assert times.artifacts == 1
    assert times.cold_seconds > 0 and times.noop_seconds > 0


def test_compile_reports_brownie_output_when_it_fails(tmp_path: Path, progress: Progress) -> None:
    broken = TINY_CONTRACT.replace("_value = value;", "_value = missing;")
    with pytest.raises(CompileError, match="Undeclared identifier"):
        compile_time.run(progress, project=tiny_project(tmp_path, broken))


def test_the_block_between_the_markers_is_replaced(tmp_path: Path) -> None:
    page = tmp_path / "benchmarks.md"
    page.write_text(f"# x\n\n{report.TABLES_BEGIN}\nold table\n{report.TABLES_END}\nafter\n")
    report.update_tables(page, "| new |\n")
    assert page.read_text() == (
        f"# x\n\n{report.TABLES_BEGIN}\n\n| new |\n\n{report.TABLES_END}\nafter\n"
    )


def _block(run: str, **tables: str) -> str:
    """A run's markdown as to_markdown writes it: its heading, then each table under its title."""
    parts = [f"Ran {run} at commit `c{run}` on:", "| machine |"]
    parts += [f"**{title}**\n\n{table}" for title, table in tables.items()]
    return "\n\n".join(parts) + "\n"


def test_a_run_of_some_parts_replaces_only_their_tables_and_marks_the_others(
    tmp_path: Path,
) -> None:
    page = tmp_path / "benchmarks.md"
    full = _block("1", Gas="| gas 1 |", Records="| records 1 |", Claims="| claims 1 |")
    page.write_text(f"# x\n\n{report.TABLES_BEGIN}\n\n{full}\n{report.TABLES_END}\nafter\n")

    report.update_tables(page, _block("2", Gas="| gas 2 |"))
    report.update_tables(page, _block("3", Claims="| claims 3 |"))

    text = page.read_text()
    assert text.count(" on:") == 1 and "Ran 3 at commit `c3` on:" in text
    assert "| gas 1 |" not in text and "| claims 1 |" not in text
    kept_gas = f"**Gas**\n\n_{report.KEPT_FROM} 2 at commit `c2`._\n\n| gas 2 |"
    kept_records = f"**Records**\n\n_{report.KEPT_FROM} 1 at commit `c1`._\n\n| records 1 |"
    assert kept_gas in text and kept_records in text
    assert "**Claims**\n\n| claims 3 |" in text
    assert text.index("**Gas**") < text.index("**Records**") < text.index("**Claims**")
    assert text.endswith(f"| claims 3 |\n\n{report.TABLES_END}\nafter\n")

    report.update_tables(page, _block("4", Gas="| g |", Records="| r |", Claims="| c |"))
    assert report.KEPT_FROM not in page.read_text()


def test_a_table_whose_title_holds_a_number_or_more_text_is_replaced_by_its_own_kind(
    tmp_path: Path,
) -> None:
    page = tmp_path / "benchmarks.md"
    old = "\n\n".join(
        [
            "Ran 1 at commit `c1` on:",
            "**Provenance reads (a 100,000-unit lot)**\n\n| reads 1 |",
            "**Event index: catch-up on a chain of 20,000 events** (grants, shipments)\n\n| up 1 |",
            "**Event index: reads**\n\n| index reads 1 |",
        ]
    )
    page.write_text(f"{report.TABLES_BEGIN}\n\n{old}\n\n{report.TABLES_END}\n")
    new = "\n\n".join(
        [
            "Ran 2 at commit `c2` on:",
            "**Event index: catch-up on a chain of 5,000 events** (grants)\n\n| up 2 |",
            "**Event index: reads**\n\n| index reads 2 |",
        ]
    )

    report.update_tables(page, new)

    text = page.read_text()
    assert "| up 1 |" not in text and "| index reads 1 |" not in text
    assert "**Event index: catch-up on a chain of 5,000 events** (grants)\n\n| up 2 |" in text
    assert f"_{report.KEPT_FROM} 1 at commit `c1`._\n\n| reads 1 |" in text
    assert text.count("**") == 6


def test_a_page_without_markers_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "benchmarks.md"
    page.write_text("# x\n")
    with pytest.raises(InvalidInputError, match="bench:begin"):
        report.update_tables(page, "| new |\n")


def test_the_benchmarks_page_has_the_markers() -> None:
    """`--docs` writes docs/benchmarks.md: its markers are there, once each, in order."""
    text = (ROOT / BENCHMARKS_PAGE).read_text()
    assert text.count(report.TABLES_BEGIN) == 1 and text.count(report.TABLES_END) == 1
    assert text.index(report.TABLES_BEGIN) < text.index(report.TABLES_END)
    assert "--docs" in report.TABLES_BEGIN and _parser().parse_args(["--docs"]).docs


def test_command_line_parses_sizes_and_refuses_unknown_parts() -> None:
    args = _parser().parse_args(["records", "--sizes", "1KiB,512B,2MiB", "--stores", "embedded"])
    assert args.sizes == {"1 KiB": 1024, "512 B": 512, "2 MiB": 2 << 20}
    assert args.stores == ["embedded"]
    with pytest.raises(SystemExit):
        _parser().parse_args(["gass"])
    with pytest.raises(SystemExit):
        _parser().parse_args(["--sizes", "1GB"])


def test_vrs_load_runs_each_level_over_http_beside_its_references(progress: Progress) -> None:
    rows = vrs.run(progress, 3, serials=5, levels=(1, 2))
    assert [(r.what, r.clients) for r in rows] == [
        ("HTTP", 1),
        ("HTTP", 2),
        ("verify in-process (no HTTP)", 1),
        ("index query alone", 1),
    ]
    for row in rows:
        assert row.requests == 3 and row.per_second > 0
        assert 0 < row.p50_ms <= row.p99_ms


def test_the_index_part_catches_up_a_real_chain_and_reads_it_as_the_chain_does(
    progress: Progress,
) -> None:
    """Tiny sizes: a chain of a few hundred events, 2,000 synthetic accesses (40 one patient's),
    an 8-unit lot shipped twice; every read is checked against the chain's answer inside."""
    result = index.run(
        progress,
        events=400,
        accesses=2_000,
        patient_accesses=40,
        lot_units=8,
        shipments=2,
        repetitions=1,
    )
    assert result.chain_events >= 400
    assert {"BreakGlassOpened", "DelegateAppointed", "CredentialRenewed", "LotCommissioned"} <= set(
        result.kinds
    )
    backends = [row.backend for row in result.catch_up]
    assert backends[0] == "SQLite" and (len(backends) == 2 or result.postgresql)
    for row in result.catch_up:
        assert row.events == result.chain_events and row.per_second > 0
        assert row.node_get_logs_per_second > 0
    questions = [(r.backend, r.question) for r in result.reads]
    assert len(questions) == 4 * len(backends)
    synthetic = [r for r in result.reads if r.synthetic and "accounting" in r.question]
    assert all(r.answer == 40 and r.rows_in_database >= 2_000 for r in synthetic)
    trace = [r for r in result.reads if r.question == "a unit's trace (chain events)"]
    assert all(
        r.answer == r.chain_answer == 2 * 2 + 1 for r in trace
    )  # commission, 2x ship+receive
    markdown = report.to_markdown(
        report.Results(machine=_machine(), finished="now", commit="x", index=result)
    )
    assert "Event index: catch-up" in markdown and "eth_getLogs" in markdown


def _machine() -> machine.Machine:
    return machine.describe()
