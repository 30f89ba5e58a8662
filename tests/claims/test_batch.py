"""Reading and checking the batch input: types, defaults, and an error naming each bad field."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hygeia.claims.batch import load_batch, parse_batch
from hygeia.core.errors import InvalidInputError
from tests.claims.conftest import DATA

SAMPLE: dict[str, Any] = json.loads((DATA / "batch.json").read_text())


def test_the_sample_batch_parses_with_dates_and_service_defaults() -> None:
    batch = parse_batch(SAMPLE)

    assert batch.plan.terms.year_start == date(2025, 1, 1)
    assert batch.plan.terms.year_end == date(2025, 12, 31)
    lab = next(s for s in batch.plan.services if s.code == "80053")
    assert (lab.copay, lab.deductible_applies, lab.coinsurance_applies) == (0, True, True)
    assert (lab.prior_auth_required, lab.annual_limit) == (False, None)
    therapy = next(s for s in batch.plan.services if s.code == "97110")
    assert therapy.annual_limit == 10 and therapy.deductible_applies is False
    assert [c.claim_ref for c in batch.claims] == [f"C-{i}" for i in range(1, 10)]
    assert batch.claims[1].lines[0].auth_id == "PA-77"
    assert batch.claims[8].lines[0].auth_id is None
    assert batch.claims[0].received == date(2025, 2, 20)


def test_line_numbers_default_to_positions_and_lists_to_empty() -> None:
    data = copy.deepcopy(SAMPLE)
    for line in data["claims"][0]["lines"]:
        del line["line"]
    del data["members"], data["authorizations"]
    data["claims"][1]["lines"][0]["auth_id"] = None

    batch = parse_batch(data)

    assert [line.line for line in batch.claims[0].lines] == [1, 2]
    assert batch.members == () and batch.authorizations == ()


def test_codes_are_read_case_insensitively() -> None:
    data = copy.deepcopy(SAMPLE)
    data["plan"]["services"]["j1100"] = {"allowed": 15}
    data["claims"][0]["lines"][0]["code"] = "j1100"

    batch = parse_batch(data)

    assert "J1100" in {s.code for s in batch.plan.services}
    assert batch.claims[0].lines[0].code == "J1100"


def _edit(path: str, value: Any) -> dict[str, Any]:
    """A copy of the sample with the field at `path` (dots; [n] for list items) set to `value`,
    or deleted when `value` is _DELETE."""
    data = copy.deepcopy(SAMPLE)
    *parents, last = path.replace("[", ".").replace("]", "").split(".")
    node: Any = data
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    key_: Any = int(last) if isinstance(node, list) else last
    if value is _DELETE:
        del node[key_]
    else:
        node[key_] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    "path, value, message",
    [
        ("plan", _DELETE, "batch: missing 'plan'"),
        ("claims", {}, "claims: expected a list, got dict"),
        ("plan.deductible", -1, "plan.deductible: expected an integer from 0 to"),
        ("plan.oop_max", 1.5, "plan.oop_max: expected an integer"),
        (
            "plan.coinsurance_bps",
            10_001,
            "plan.coinsurance_bps: expected an integer from 0 to 10,000",
        ),
        ("plan.timely_filing_days", True, "plan.timely_filing_days: expected an integer"),
        ("plan.plan_year.start", "2026-01-01", "plan.plan_year: start 2026-01-01 is after end"),
        ("plan.plan_year.end", "31/12/2025", "plan.plan_year.end: expected an ISO date"),
        ("plan.plan_id", "  ", "plan.plan_id: must not be empty"),
        ("plan.services.80053.allowed", _DELETE, "plan.services.80053: missing 'allowed'"),
        ("plan.services.99213.deductible_applies", "no", "expected true or false, got 'no'"),
        ("plan.services.97110.annual_limit", -2, "plan.services.97110.annual_limit"),
        ("plan.services.99 213", {"allowed": 1}, "procedure code must be 1 to 8 ASCII"),
        ("members[1].member_id", "M-1001", "members: member_id 'M-1001' appears twice"),
        ("members[0].coverage", _DELETE, "members[0]: missing 'coverage'"),
        ("members[0].coverage.end", "2024-12-31", "members[0].coverage: start 2025-01-01 is after"),
        ("authorizations[0].member_id", "M-9999", "'M-9999' is not among the members"),
        ("authorizations[0].code", "", "authorizations[0].code: must not be empty"),
        ("claims[0].lines", [], "claims[0].lines: a claim has 1 to 50 lines, got 0"),
        ("claims[0].lines[0].units", 0, "claims[0].lines[0].units: expected an integer from 1"),
        ("claims[0].lines[0].charge", 0, "claims[0].lines[0].charge: expected an integer from 1"),
        ("claims[0].lines[1].line", 1, "claims[0].lines: line 1 appears twice"),
        ("claims[0].lines[0].service_date", 20250210, "service_date: expected an ISO date"),
        ("claims[0].received", None, "claims[0]: missing 'received'"),
        (
            "claims[0].received",
            "2025-02-09",
            "claims[0].lines[0].service_date: 2025-02-10 is after the claim's received day",
        ),
        ("claims[0].provider", False, "claims[0].provider: expected a string, got bool"),
        ("claims[1].claim_id", "C-1", "claims: claim_id 'C-1' appears twice"),
        ("claims[2].lines[0].code", "TOOLONGCODE", "claims[2].lines[0].code: procedure code"),
    ],
)
def test_each_invalid_field_is_named_in_the_error(path: str, value: Any, message: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        parse_batch(_edit(path, value))
    assert message in str(raised.value)


def test_fifty_one_lines_are_too_many() -> None:
    line = SAMPLE["claims"][0]["lines"][1]
    lines = [{**line, "line": n} for n in range(1, 52)]
    with pytest.raises(InvalidInputError, match="a claim has 1 to 50 lines, got 51"):
        parse_batch(_edit("claims[0].lines", lines))


def test_a_batch_must_be_an_object() -> None:
    with pytest.raises(InvalidInputError, match="batch: expected an object, got list"):
        parse_batch([])


def test_load_batch_reports_a_missing_file_and_bad_json(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="batch file not found"):
        load_batch(tmp_path / "nothing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(InvalidInputError, match="broken.json is not valid JSON"):
        load_batch(broken)


def test_load_batch_reads_the_sample_file() -> None:
    assert load_batch(DATA / "batch.json") == parse_batch(SAMPLE)
