"""``python -m bench [PART ...]``: run the benchmarks, write reports/bench.json and bench.md.

``make bench`` runs every part; ``make bench BENCH_ARGS="gas records --sizes 1KiB,1MiB"`` picks.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bench import (
    claims,
    compile_time,
    disclosures,
    gas,
    index,
    machine,
    provenance,
    records,
    report,
    sdk_speed,
    throughput,
    vrs,
)
from tests.support import ROOT

PARTS = (
    "gas", "throughput", "sdk", "claims", "provenance", "disclosures", "records", "index", "vrs",
    "compile",
)  # fmt: skip
# The page whose tables `--docs` rewrites (between report.TABLES_BEGIN and TABLES_END).
BENCHMARKS_PAGE = Path("docs") / "benchmarks.md"
DEFAULT_TRANSACTIONS = 500
_SIZE = re.compile(r"(\d+)\s*(B|KiB|MiB)")
_UNITS = {"B": 1, "KiB": records.KIB, "MiB": records.MIB}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    parts = args.parts or list(PARTS)
    console = Console(stderr=True)
    results = report.Results(machine=machine.describe(), finished="", commit=_commit())
    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    )  # fmt: skip
    with Progress(*columns, console=console) as progress:
        if "gas" in parts:
            results.gas = gas.run(progress)
        if "throughput" in parts:
            results.throughput = throughput.run(progress, args.transactions)
        if "sdk" in parts:
            results.sdk_speed = sdk_speed.run(progress, args.transactions, args.rounds)
        if "claims" in parts:
            results.claims = [claims.run(progress, count) for count in args.claims]
        if "provenance" in parts:
            results.provenance = provenance.run(progress, args.lot_size)
        if "disclosures" in parts:
            results.disclosures = disclosures.run(progress, args.disclosure_events)
        if "records" in parts:
            stores = {name: records.STORES[name] for name in args.stores}
            results.records = records.run(progress, args.sizes, stores)
        if "vrs" in parts:
            results.vrs = vrs.run(progress, args.requests)
        if "index" in parts:
            results.index = index.run(
                progress,
                events=args.index_events,
                accesses=args.index_accesses,
                patient_accesses=args.index_patient_accesses,
                lot_units=args.index_lot_units,
                shipments=args.index_shipments,
            )
        if "compile" in parts:
            results.compile = compile_time.run(progress)
    results.finished = datetime.now(timezone.utc).isoformat(timespec="seconds")
    json_path, md_path = report.write(results, args.out)
    markdown = report.to_markdown(results)
    if args.docs:
        report.update_tables(ROOT / BENCHMARKS_PAGE, markdown)
    print(markdown)
    also = f" and {BENCHMARKS_PAGE}" if args.docs else ""
    console.print(f"wrote {json_path} and {md_path}{also}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "parts", nargs="*", type=_part, metavar="PART",
        help=f"which benchmarks to run ({', '.join(PARTS)}); all by default",
    )  # fmt: skip
    parser.add_argument(
        "--out", type=Path, default=ROOT / "reports", help="folder for bench.json and bench.md"
    )
    parser.add_argument(
        "--transactions", type=_positive, default=DEFAULT_TRANSACTIONS,
        help=f"transactions per throughput mode (default {DEFAULT_TRANSACTIONS})",
    )  # fmt: skip
    parser.add_argument(
        "--rounds", type=_positive, default=sdk_speed.DEFAULT_ROUNDS,
        help=f"rounds of the SDK-beside-raw-web3.py part (default {sdk_speed.DEFAULT_ROUNDS})",
    )  # fmt: skip
    parser.add_argument(
        "--claims", type=_counts, default=[claims.DEFAULT_CLAIMS],
        help=f"claims per adjudication batch, comma-separated, each batch on a fresh chain "
        f"(default {claims.DEFAULT_CLAIMS})",
    )  # fmt: skip
    parser.add_argument(
        "--requests", type=_positive, default=vrs.DEFAULT_REQUESTS,
        help=f"verification requests per concurrency level (default {vrs.DEFAULT_REQUESTS})",
    )  # fmt: skip
    parser.add_argument(
        "--lot-size", type=_positive, default=provenance.DEFAULT_LOT_SIZE,
        help=f"units in the provenance benchmark's lot (default {provenance.DEFAULT_LOT_SIZE:,})",
    )  # fmt: skip
    parser.add_argument(
        "--disclosure-events", type=_positive, default=disclosures.DEFAULT_EVENTS,
        help="one patient's audited events in the disclosures benchmark "
        f"(default {disclosures.DEFAULT_EVENTS:,})",
    )  # fmt: skip
    parser.add_argument(
        "--sizes", type=_sizes, default=records.SIZES,
        help="record sizes, comma-separated (default 1KiB,1MiB,50MiB)",
    )  # fmt: skip
    parser.add_argument(
        "--stores", type=_stores, default=list(records.STORES),
        help=f"stores for the records benchmark (default {','.join(records.STORES)})",
    )  # fmt: skip
    for option, default, what in (
        ("--index-events", index.DEFAULT_EVENTS, "events on the index's catch-up chain"),
        ("--index-accesses", index.DEFAULT_ACCESSES, "accesses in the index for the read"),
        ("--index-patient-accesses", index.DEFAULT_PATIENT_ACCESSES, "of them one patient's"),
        ("--index-lot-units", index.DEFAULT_LOT_UNITS, "units of the traced lot"),
        ("--index-shipments", index.DEFAULT_SHIPMENTS, "whole-lot shipments of the traced lot"),
    ):
        parser.add_argument(
            option, type=_positive, default=default, help=f"{what} (default {default:,})"
        )
    parser.add_argument(
        "--docs", action="store_true", help=f"also put the tables into {BENCHMARKS_PAGE}"
    )
    return parser


def _part(text: str) -> str:
    if text not in PARTS:
        raise argparse.ArgumentTypeError(f"unknown part {text!r}: choose from {', '.join(PARTS)}")
    return text


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _counts(text: str) -> list[int]:
    try:
        return [_positive(item.strip()) for item in text.split(",")]
    except ValueError:
        message = f"{text!r} is not a list of counts like 1000,10000"
        raise argparse.ArgumentTypeError(message) from None


def _sizes(text: str) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for item in text.split(","):
        match = _SIZE.fullmatch(item.strip())
        if match is None:
            raise argparse.ArgumentTypeError(f"{item!r} is not a size like 1KiB, 1MiB or 512B")
        number, unit = match.groups()
        sizes[f"{number} {unit}"] = int(number) * _UNITS[unit]
    return sizes


def _stores(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",")]
    unknown = [name for name in names if name not in records.STORES]
    if unknown:
        known = ", ".join(records.STORES)
        raise argparse.ArgumentTypeError(f"unknown store {unknown[0]!r}: choose from {known}")
    return names


def _commit() -> str:
    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)

    head = git("rev-parse", "--short", "HEAD").stdout.strip() or "unknown"
    # The benchmarks page is left out: it holds the previous run's tables, which --docs rewrites.
    changed = git("diff", "--quiet", "HEAD", "--", ".", f":(exclude){BENCHMARKS_PAGE}").returncode
    return head + ("-dirty" if changed else "")


if __name__ == "__main__":
    sys.exit(main())
