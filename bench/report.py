"""Benchmark results as JSON (for machines) and markdown tables (for docs/benchmarks.md)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.claims import ClaimsBatchResult
from bench.compile_time import CompileTimes
from bench.disclosures import GOAL_SECONDS as DISCLOSURES_GOAL_SECONDS
from bench.disclosures import DisclosuresResult
from bench.gas import GasRow
from bench.index import GOAL_EVENTS_PER_SECOND, GOAL_READ_MS, IndexBenchResult
from bench.machine import Machine
from bench.provenance import ProvenanceResult
from bench.records import RecordsRow
from bench.sdk_speed import SdkSpeedRow
from bench.throughput import ThroughputRow
from bench.vrs import LatencyRow
from hygeia.core.errors import InvalidInputError

TABLES_BEGIN = "<!-- bench:begin (written by `make bench BENCH_ARGS=--docs`) -->"
TABLES_END = "<!-- bench:end -->"


@dataclass
class Results:
    machine: Machine
    finished: str  # ISO 8601, UTC
    commit: str
    gas: list[GasRow] = field(default_factory=list)
    throughput: list[ThroughputRow] = field(default_factory=list)
    sdk_speed: list[SdkSpeedRow] = field(default_factory=list)
    records: list[RecordsRow] = field(default_factory=list)
    compile: CompileTimes | None = None
    claims: list[ClaimsBatchResult] = field(default_factory=list)
    vrs: list[LatencyRow] = field(default_factory=list)
    provenance: ProvenanceResult | None = None
    disclosures: DisclosuresResult | None = None
    index: IndexBenchResult | None = None


def to_json(results: Results) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "machine": asdict(results.machine),
        "finished": results.finished,
        "commit": results.commit,
    }
    if results.gas:
        doc["gas"] = [
            {
                "operation": row.operation,
                "gas": row.gas,
                "floor": row.floor.total,
                "ratio": round(row.ratio, 3),
                "floor_parts": {
                    "intrinsic": row.floor.intrinsic,
                    "creation": row.floor.creation,
                    "storage": row.floor.storage,
                    "logs": row.floor.logs,
                    "refund": row.floor.refund,
                },
                "calldata_bytes": row.floor.calldata_bytes,
                "slots": asdict(row.floor.changes),
                "events": row.floor.events,
            }
            for row in results.gas
        ]
    if results.throughput:
        doc["throughput"] = [asdict(row) for row in results.throughput]
    if results.sdk_speed:
        doc["sdk_speed"] = [
            {**asdict(row), "ratio": round(row.ratio, 3)} for row in results.sdk_speed
        ]
    if results.records:
        doc["records"] = [asdict(row) for row in results.records]
    if results.compile is not None:
        doc["compile"] = asdict(results.compile)
    if results.claims:
        doc["claims_batches"] = [asdict(batch) for batch in results.claims]
    if results.vrs:
        doc["vrs"] = [asdict(row) for row in results.vrs]
    if results.provenance is not None:
        doc["provenance"] = asdict(results.provenance)
    if results.disclosures is not None:
        doc["disclosures"] = asdict(results.disclosures)
    if results.index is not None:
        doc["index"] = asdict(results.index)
    return doc


def to_markdown(results: Results) -> str:
    m = results.machine
    parts = [
        f"Ran {results.finished} at commit `{results.commit}` on:",
        _table(
            ["CPU", "cores", "RAM", "OS", "Python", "Anvil", "load before"],
            [
                [m.cpu, str(m.cores), f"{m.ram_gib:g} GiB", m.os, m.python, m.anvil]
                + [f"{m.load_average:.2f}"]
            ],
        ),
    ]
    if results.gas:
        parts += ["**Gas per operation beside its EVM floor**", _gas_table(results.gas)]
    if results.throughput:
        parts += ["**Throughput on Anvil**", _throughput_table(results.throughput)]
    if results.sdk_speed:
        parts += ["**The SDK beside raw web3.py (locally held key)**"]
        parts += [_sdk_speed_table(results.sdk_speed)]
    if results.records:
        parts += [
            "**Records: encrypt + store, beside the store's raw add (MB/s, MB = 10^6 bytes)**",
            _records_table(results.records),
        ]
    if results.claims:
        parts += [
            "**A claims batch end to end (the adjudication runner on Anvil)**",
            _table(
                ["claims", "lines", "batch size", "seconds", "claims/s end to end"]
                + ["submission claims/s", "adjudication claims/s", "gas/claim", "gas/line"],
                [
                    [f"{b.claims:,}", f"{b.lines:,}", str(b.batch_size), f"{b.seconds:.1f}"]
                    + [f"{b.per_second_end_to_end:.1f}", f"{b.per_second_submission:.0f}"]
                    + [f"{b.per_second_adjudication:.0f}", f"{b.gas_per_claim:,}"]
                    + [f"{b.gas_per_line:,}"]
                    for b in results.claims
                ],
                right=tuple(range(9)),
            ),
        ]
    if results.vrs:
        parts += [
            "**The gateway's DSCSA verification over HTTP (loopback), beside verify in-process "
            "and the index query alone**",
            _table(
                ["what", "clients", "requests", "requests/s", "p50 ms", "p99 ms"],
                [
                    [r.what, str(r.clients), f"{r.requests:,}", f"{r.per_second:,.1f}"]
                    + [f"{r.p50_ms:.2f}", f"{r.p99_ms:.2f}"]
                    for r in results.vrs
                ],
                right=(1, 2, 3, 4, 5),
            ),
        ]
    if results.provenance is not None:
        p = results.provenance
        parts += [
            f"**Provenance reads sized to their question (a {p.lot_size:,}-unit lot)**",
            _table(
                ["measure", "suite", "reference", "reference / suite"],
                [
                    [
                        f"verify an unknown serial (mean of {p.runs})",
                        f"{p.verify_index_ms:,.2f} ms (serial index)",
                        f"{p.verify_walk_ms:,.1f} ms (walking the lot documents)",
                        f"{p.verify_walk_ms / p.verify_index_ms:,.1f}x",
                    ],
                    [
                        "EPCIS trace size",
                        f"{p.unit_trace_bytes:,} bytes (one unit)",
                        f"{p.lot_trace_bytes:,} bytes (the whole lot)",
                        f"{p.lot_trace_bytes / p.unit_trace_bytes:,.1f}x",
                    ],
                    [
                        f"a whole-holding shipment, the 1st / {len(p.ship_seconds)}th",
                        f"{p.ship_seconds[0]:,.2f} s / {p.ship_seconds[-1]:,.2f} s",
                        f"{p.custody_seconds:,.2f} s (the lot's custody from its documents)",
                        f"{p.custody_seconds / p.ship_seconds[-1]:,.1f}x",
                    ],
                    [
                        f"its receipt, the 1st / {len(p.receive_seconds)}th",
                        f"{p.receive_seconds[0]:,.2f} s / {p.receive_seconds[-1]:,.2f} s",
                        f"{p.custody_seconds:,.2f} s (the same)",
                        f"{p.custody_seconds / p.receive_seconds[-1]:,.1f}x",
                    ],
                    [
                        f"one unit's trace after {len(p.ship_seconds) + 2} shipments (new reader, "
                        "lot indexed)",
                        f"{p.unit_trace_seconds:,.2f} s, {p.traced_unit_bytes:,} bytes",
                        f"{p.custody_seconds:,.2f} s (the same)",
                        f"{p.custody_seconds / p.unit_trace_seconds:,.1f}x",
                    ],
                    [
                        "the same, the lot never read before (indexed then)",
                        f"{p.unit_trace_first_seconds:,.2f} s",
                        f"{p.custody_seconds:,.2f} s (the same)",
                        f"{p.custody_seconds / p.unit_trace_first_seconds:,.1f}x",
                    ],
                ],
                right=(3,),
            ),
        ]
    if results.disclosures is not None:
        d = results.disclosures
        goal = d.chain_seconds <= DISCLOSURES_GOAL_SECONDS * d.events / 20_000
        parts += [
            "**A patient's accounting of disclosures: the chain read beside the index's**",
            _table(
                ["audited events", "blocks", "from the chain", "from an index (SQLite)"]
                + ["chain / index", f"goal: the chain in {DISCLOSURES_GOAL_SECONDS:g} s a 20,000"],
                [
                    [f"{d.events:,}", f"{d.blocks:,}", f"{d.chain_seconds:,.2f} s"]
                    + [f"{d.index_seconds:,.2f} s", f"{d.chain_seconds / d.index_seconds:,.1f}x"]
                    + ["met" if goal else "missed"]
                ],
                right=(0, 1, 2, 3, 4),
            ),
        ]
    if results.index is not None:
        parts += _index_tables(results.index)
    if results.compile is not None:
        c = results.compile
        parts += [
            "**Compile (brownie over the solc-js shim)**",
            _table(
                ["cold", "no-op", "artifacts"],
                [[f"{c.cold_seconds:.1f} s", f"{c.noop_seconds:.1f} s", str(c.artifacts)]],
                right=(0, 1, 2),
            ),
        ]
    return "\n\n".join(parts) + "\n"


def write(results: Results, folder: Path) -> tuple[Path, Path]:
    """Write bench.json and bench.md into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / "bench.json", folder / "bench.md"
    json_path.write_text(json.dumps(to_json(results), indent=2) + "\n")
    md_path.write_text(to_markdown(results))
    return json_path, md_path


def update_tables(page: Path, markdown: str) -> None:
    """Put ``markdown`` between the benchmark markers of ``page``.

    A run of some parts replaces only their tables: each table (a line that starts with a bold
    title, and what follows it) of the run replaces the page's table of the same title, the
    numbers in titles aside (a lot size, an event count), and the page's other tables stay, each
    marked with the run it comes from, so no figure is lost or passed off as one of the new run.
    """
    text = page.read_text()
    begin, end = text.find(TABLES_BEGIN), text.find(TABLES_END)
    if begin < 0 or end < begin:
        raise InvalidInputError(f"{page} has no {TABLES_BEGIN} ... {TABLES_END} block")
    head = text[: begin + len(TABLES_BEGIN)]
    old_heading, old_tables = _split_tables(text[begin + len(TABLES_BEGIN) : end])
    heading, tables = _split_tables(markdown)
    old_run = old_heading.strip().splitlines()[0] if old_heading.strip() else ""
    origin = f"_{KEPT_FROM} {old_run.removeprefix('Ran ').removesuffix(' on:')}._"
    merged: dict[str, tuple[str, str]] = {}
    for key, (title, body) in old_tables.items():
        if key in tables:
            merged[key] = tables[key]
        elif body.startswith(f"_{KEPT_FROM} ") or not old_run.startswith("Ran "):
            merged[key] = (title, body)
        else:
            merged[key] = (title, f"{origin}\n\n{body}")
    merged.update((key, table) for key, table in tables.items() if key not in merged)
    blocks = [heading.strip("\n")] + [f"{title}\n\n{body}" for title, body in merged.values()]
    page.write_text(f"{head}\n\n" + "\n\n".join(blocks) + f"\n\n{text[end:]}")


#: How a table another run measured says so, under its title.
KEPT_FROM = "Not in the run above: from the run of"


def _split_tables(markdown: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """The text before the first title line, and each table by its key (its bold title, numbers
    left out): its title line and its text up to the next title."""
    heading: list[str] = []
    tables: dict[str, tuple[str, list[str]]] = {}
    current: list[str] = heading
    for line in markdown.splitlines(keepends=True):
        bold = re.match(r"\*\*(.+?)\*\*", line.strip())
        if bold:
            key = re.sub(r"\d[\d,.]*", "#", bold.group(1))
            current = tables.setdefault(key, (line.strip(), []))[1]
            continue
        current.append(line)
    return "".join(heading), {
        key: (title, "".join(lines).strip("\n")) for key, (title, lines) in tables.items()
    }


def _gas_table(rows: list[GasRow]) -> str:
    header = ["operation", "gas", "floor", "gas / floor", "calldata bytes"]
    header += ["slots new / updated / cleared", "events"]
    cells = []
    for r in rows:
        slots = r.floor.changes
        cells.append(
            [r.operation, f"{r.gas:,}", f"{r.floor.total:,}", f"{r.ratio:.2f}"]
            + [str(r.floor.calldata_bytes), f"{slots.new} / {slots.updated} / {slots.cleared}"]
            + [str(r.floor.events)]
        )
    return _table(header, cells, right=(1, 2, 3, 4, 6))


def _throughput_table(rows: list[ThroughputRow]) -> str:
    header = ["workload", "mode", "transactions", "seconds", "tx/s"]
    cells = [
        [r.workload, r.mode, str(r.transactions), f"{r.seconds:.2f}", f"{r.per_second:,.0f}"]
        for r in rows
    ]
    return _table(header, cells, right=(2, 3, 4))


def _sdk_speed_table(rows: list[SdkSpeedRow]) -> str:
    header = ["mode", "transactions", "rounds", "raw web3.py tx/s", "SDK tx/s", "SDK / raw"]
    cells = [
        [r.mode, str(r.transactions), str(r.rounds)]
        + [f"{r.raw_per_second:,.0f}", f"{r.sdk_per_second:,.0f}", f"{r.ratio:.2f}x"]
        for r in rows
    ]
    return _table(header, cells, right=(1, 2, 3, 4, 5))


def _records_table(rows: list[RecordsRow]) -> str:
    header = ["store", "record", "runs", "raw add", "encrypt only", "encrypt + store", "overhead"]
    cells = [
        [r.store, r.size, str(r.repetitions)]
        + [_rate(r.raw_add_mb_s), _rate(r.crypto_mb_s), _rate(r.encrypt_store_mb_s)]
        + [f"{r.overhead:.2f}x"]
        for r in rows
    ]
    return _table(header, cells, right=(2, 3, 4, 5, 6))


def _index_tables(r: IndexBenchResult) -> list[str]:
    kinds = ", ".join(f"{name} {count:,}" for name, count in r.kinds.items())
    catch_up = _table(
        ["database", "events", "blocks", "seconds", "events/s", "node's eth_getLogs events/s"]
        + ["goal"],
        [
            [c.backend, f"{c.events:,}", f"{c.blocks:,}", f"{c.seconds:.1f}"]
            + [f"{c.per_second:,.0f}", f"{c.node_get_logs_per_second:,.0f}"]
            + [
                f">= {GOAL_EVENTS_PER_SECOND:,}: "
                + ("met" if c.per_second >= GOAL_EVENTS_PER_SECOND else "missed")
            ]
            for c in r.catch_up
        ],
        right=(1, 2, 3, 4, 5),
    )
    reads = _table(
        ["read", "database", "events in it", "answer", "index (domain tables)"]
        + ["index (raw logs)", "chain, no index", "goal"],
        [
            [x.question + (" *" if x.synthetic else ""), x.backend, f"{x.rows_in_database:,}"]
            + [f"{x.answer:,}", _ms(x.index_ms), _ms(x.raw_logs_ms)]
            + [
                "-" if x.chain_ms is None else f"{_ms(x.chain_ms)} ({x.chain_answer:,} lines)",
                f"< {GOAL_READ_MS:g} ms: {'met' if x.index_ms < GOAL_READ_MS else 'missed'}",
            ]
            for x in r.reads
        ],
        right=(2, 3, 4, 5, 6),
    )
    parts = [
        f"**Event index: catch-up on a real chain of {r.chain_events:,} events** ({kinds})",
        catch_up,
        "**Event index: reads (median ms), beside the same question read from the chain**",
        reads,
        "\\* the database also holds synthetic decoded events written through the indexer's "
        "own write path (bench/index.py); the chain read is the question asked of the real chain.",
    ]
    if r.postgresql:
        parts.append(f"PostgreSQL not measured: {r.postgresql}")
    return parts


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.1f} ms" if value < 1_000 else f"{value / 1000:,.2f} s"


def _rate(mb_per_second: float) -> str:
    return f"{mb_per_second:,.1f}" if mb_per_second >= 10 else f"{mb_per_second:.2f}"


def _table(header: list[str], rows: list[list[str]], right: tuple[int, ...] = ()) -> str:
    rule = ["---:" if i in right else "---" for i in range(len(header))]
    lines = [header, rule, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)
