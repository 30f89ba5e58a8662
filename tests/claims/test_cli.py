"""`hygeia claims ...` on a chain of its own (running batches credentials dev accounts that the
other CLI tests expect bare): the batch script, pending adjudication, the small commands, human
and --json output, and errors."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account

from hygeia.claims.batch import load_batch
from hygeia.claims.ids import Pseudonyms, claim_id, load_salt
from hygeia.cli.main import main
from hygeia.deploy import DeployResult
from tests.chains import anvil_chain
from tests.claims.conftest import plain
from tests.support import ROOT

DATA = ROOT / "tests" / "claims" / "data"


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, DeployResult]]:
    with anvil_chain(tmp_path_factory.mktemp("claims-cli")) as started:
        yield started.url, started.deployments, started.deploy()


@pytest.fixture
def cli(chain: tuple[str, Path, DeployResult], capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """cli("claims", "plan", "1", as_json=True) -> (exit code, stdout, stderr)."""
    url, book, _ = chain

    def run(*argv: str, as_json: bool = False) -> tuple[int, str, str]:
        args = [*argv, "--rpc", url, "--deployments", str(book)]
        code = main([*args, "--json"] if as_json else args)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def batch_file(tmp_path: Path) -> Path:
    """The sample batch under a plan id of its own."""
    data = json.loads((DATA / "batch.json").read_text())
    data["plan"]["plan_id"] = f"CLI-{secrets.token_hex(4)}"
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def salt_file(tmp_path: Path) -> Path:
    return tmp_path / "salt"


def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "remittance.json").read_text())
    return data


def run_file(cli, batch_file: Path, salt_file: Path, out: Path, *extra: str, as_json: bool = True):  # type: ignore[no-untyped-def]
    return cli(
        "claims", "adjudicate-file", str(batch_file), "--out", str(out),
        "--salt-file", str(salt_file), *extra, as_json=as_json,
    )  # fmt: skip


def test_adjudicate_file_writes_the_remittance_and_a_summary(
    cli, batch_file: Path, salt_file: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "remit.json"
    code, stdout, stderr = run_file(
        cli, batch_file, salt_file, out, "--x12-dir", str(tmp_path / "x12"),
        "--profile", str(DATA / "payer.json"), "--x12-state", str(tmp_path / "state"),
    )  # fmt: skip

    summary = json.loads(stdout)
    assert code == 0, stdout
    assert plain(json.loads(out.read_text())) == expected()
    assert (summary["claims"], summary["submitted"], summary["adjudicated"]) == (9, 9, 9)
    assert summary["paid"] == sum(c["paid"] for c in expected()["claims"])
    assert summary["gas_used"] > 0 and summary["claims_per_second"] > 0
    assert sorted(Path(f).name for f in summary["x12_files"]) == [
        "835-1234567893-000000001.x12",
        "835-1999999984-000000002.x12",
    ]
    assert all(f["valid"] for f in summary["x12"])
    assert "claims adjudicated" in stderr


def test_adjudicate_file_run_again_sends_nothing(
    cli, batch_file: Path, salt_file: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    run_file(cli, batch_file, salt_file, tmp_path / "first.json")

    code, stdout, _ = run_file(cli, batch_file, salt_file, tmp_path / "second.json")

    summary = json.loads(stdout)
    assert code == 0 and (summary["submitted"], summary["adjudicated"], summary["gas_used"]) == (
        0,
        0,
        0,
    )
    assert plain(json.loads((tmp_path / "second.json").read_text())) == expected()


def test_adjudicate_file_prints_a_line_for_people(
    cli, batch_file: Path, salt_file: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    code, stdout, _ = run_file(cli, batch_file, salt_file, tmp_path / "r.json", as_json=False)
    assert code == 0
    assert "9 claims remitted (9 submitted, 9 adjudicated" in stdout


def test_an_invalid_batch_is_one_clear_error(cli, tmp_path: Path, salt_file: Path) -> None:  # type: ignore[no-untyped-def]
    bad = json.loads((DATA / "batch.json").read_text())
    bad["claims"][2]["lines"][0]["units"] = 0
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))

    code, stdout, _ = run_file(cli, path, salt_file, tmp_path / "r.json")

    error = json.loads(stdout)["error"]
    assert code == 1 and error["type"] == "InvalidInputError"
    assert "claims[2].lines[0].units" in error["message"]


def test_adjudicate_pending_takes_claims_providers_submitted(
    cli, batch_file: Path, salt_file: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # The batch run with --no-fund leaves its paid claims pending; fund, then settle with --pending.
    run_file(
        cli, batch_file, salt_file, tmp_path / "first.json", "--no-fund", "--account", "pharmacy"
    )
    code, stdout, _ = cli(
        "claims", "fund", "200000", "--mint-from", "admin", "--account", "pharmacy", as_json=True
    )
    assert code == 0 and json.loads(stdout)["escrow"] == 200_000

    code, stdout, _ = cli(
        "claims",
        "adjudicate",
        "--pending",
        "--account",
        "pharmacy",
        "--out",
        str(tmp_path / "p.json"),
        as_json=True,
    )

    summary = json.loads(stdout)
    assert code == 0 and summary["adjudicated"] == 0 and summary["settled"] == 6
    pending_doc = json.loads((tmp_path / "p.json").read_text())
    salt = load_salt(salt_file)
    batch = load_batch(batch_file)
    names = {
        "0x"
        + claim_id(
            _provider_address(salt, c.provider), Pseudonyms(salt).claim_ref(c.claim_ref)
        ).hex(): c.claim_ref
        for c in batch.claims
    }
    by_name = {
        names[c["claim_id"]]: {**c, "claim_id": names[c["claim_id"]]}
        for c in plain(pending_doc)["claims"]
    }
    assert by_name == {c["claim_id"]: c for c in expected()["claims"]}


def _provider_address(salt: bytes, name: str) -> str:
    return str(Account.from_key(Pseudonyms(salt).account_key("provider", name)).address)


def test_show_plan_balance_and_a_claims_lifecycle(
    cli, batch_file: Path, salt_file: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    summary = json.loads(run_file(cli, batch_file, salt_file, tmp_path / "r.json")[1])
    plan_id = summary["plan_ids"][0]
    salt = load_salt(salt_file)
    c1 = (
        "0x"
        + claim_id(_provider_address(salt, "1234567893"), Pseudonyms(salt).claim_ref("C-1")).hex()
    )

    code, stdout, _ = cli("claims", "plan", str(plan_id), as_json=True)
    assert code == 0 and json.loads(stdout)["deductible"] == 50_000
    # adjudicate-file replays received claims: its plan trusts their stated received days
    assert json.loads(stdout)["receipt_mode"] == "stated"

    code, stdout, _ = cli("claims", "show", c1, as_json=True)
    shown = json.loads(stdout)
    assert code == 0 and shown["state"] == "settled"
    assert shown["remittance"]["lines"][0]["adjustments"] == ["CO-197 150000"]
    code, stdout, _ = cli("claims", "show", c1)
    assert code == 0 and "70553" in stdout and "CO-197 150000" in stdout

    code, stdout, _ = cli("claims", "reverse", c1, as_json=True)
    assert code == 0 and json.loads(stdout)["gas_used"] > 0
    code, stdout, _ = cli("claims", "show", c1, as_json=True)
    assert json.loads(stdout)["state"] == "reversed"

    code, stdout, _ = cli("claims", "balance", "insurer", as_json=True)
    balance = json.loads(stdout)
    assert code == 0 and set(balance) == {"account", "escrow", "credit", "token_balance"}


def test_enrol_fund_and_withdraw_escrow(
    cli, salt_file: Path, batch_file: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    summary = json.loads(run_file(cli, batch_file, salt_file, tmp_path / "r.json")[1])
    plan_id = str(summary["plan_ids"][0])

    code, stdout, _ = cli(
        "claims", "enrol", "--plan", plan_id, "--member", "M-2000", "--patient", "guardian",
        "--start", "2025-01-01", "--end", "2025-12-31", "--salt-file", str(salt_file), as_json=True,
    )  # fmt: skip
    assert code == 0
    assert (
        json.loads(stdout)["member_id"]
        == "0x" + Pseudonyms(load_salt(salt_file)).member_id("M-2000").hex()
    )

    code, stdout, _ = cli("claims", "withdraw-escrow", "1", as_json=True)
    assert code == 0


def test_errors_of_the_contract_are_named(cli) -> None:  # type: ignore[no-untyped-def]
    code, stdout, _ = cli("claims", "withdraw", "--account", "guardian", as_json=True)
    error = json.loads(stdout)["error"]
    # Credit lives in the adjudicator's ClaimsEscrow, so the error is the escrow's.
    assert code == 1 and error["type"] == "ClaimsEscrowNothingToWithdraw"

    code, _, stderr = cli("claims", "plan", "999")
    assert code == 1 and "there is no plan 999" in stderr


def test_bad_values_are_refused_by_the_parser(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("claims", "fund", "12.50")
    assert code == 2 and "whole number of cents" in err and not out
    code, out, _ = cli("claims", "show", "0x1234", as_json=True)
    error = json.loads(out)["error"]
    assert code == 2 and error["type"] == "UsageError"
    assert error["args"]["argument"] == "CLAIM_ID" and error["args"]["value"] == "0x1234"


def test_an_837p_file_runs_with_its_plan_and_its_835s_come_out_of_remittance(
    cli, salt_file: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    plan = json.loads((DATA / "plan.json").read_text())
    plan["plan"]["plan_id"] = f"CLI-837-{secrets.token_hex(4)}"
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan))
    out = tmp_path / "remit.json"

    code, stdout, stderr = cli(
        "claims", "adjudicate-file", str(DATA / "claims-invalid.837"), "--plan", str(plan_file),
        "--out", str(out), "--salt-file", str(salt_file), as_json=True,
    )  # fmt: skip

    summary = json.loads(stdout)
    assert code == 0 and summary["submitted"] == 7
    assert [r["claim_id"] for r in summary["rejected"]] == ["C-3", "C-6"]
    assert summary["rejected"][0]["issues"][0]["element"] == "DTP03"
    assert "rejected claim C-6" in stderr
    assert out.stat().st_mode & 0o777 == 0o600
    document = json.loads(out.read_text())
    c1 = next(c for c in document["claims"] if c["claim_id"] == "C-1")

    # The 835s of what settled, for claims adjudicated on-chain (their payees found by the
    # accounts that submitted them); a second run writes nothing.
    profile = json.loads((DATA / "payer.json").read_text())
    salt = load_salt(salt_file)
    for payee in profile["payees"]:
        payee["accounts"] = [_provider_address(salt, payee["npi"])]
    profile_file = tmp_path / "payer.json"
    profile_file.write_text(json.dumps(profile))
    remit = ["claims", "remittance", "--x12-dir", str(tmp_path / "835"), "--profile",
             str(profile_file), "--x12-state", str(tmp_path / "state")]  # fmt: skip
    code, stdout, _ = cli(*remit, "--plan", str(summary["plan_ids"][0]), as_json=True)
    written = json.loads(stdout)
    assert code == 0, stdout
    assert len(written["x12"]) == 2 and all(f["valid"] for f in written["x12"])
    code, stdout, _ = cli(*remit, "--plan", str(summary["plan_ids"][0]), as_json=True)
    assert code == 0 and json.loads(stdout)["x12"] == []

    # `claims show` takes the payer claim control number as well as the on-chain id.
    code, stdout, _ = cli("claims", "show", c1["payer_claim_control_number"], as_json=True)
    shown = json.loads(stdout)
    assert code == 0 and shown["claim_id"] == c1["onchain_claim_id"]
    assert shown["payer_claim_control_number"] == c1["payer_claim_control_number"]


def test_x12_errors_are_named_and_honour_json(cli, salt_file: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.837"
    broken.write_text(
        (DATA / "claims.837").read_text().replace("*****XX*1234567893", "*****QQ*1234567893")
    )

    code, stdout, _ = cli(
        "claims", "adjudicate-file", str(broken), "--plan", str(DATA / "plan.json"),
        "--salt-file", str(salt_file), as_json=True,
    )  # fmt: skip

    error = json.loads(stdout)["error"]
    assert code == 1 and error["type"] == "X12Error"
    issue = error["args"]["issues"][0]
    assert (issue["line"], issue["segment"], issue["element"]) == (9, "NM1", "NM108")

    code, stdout, _ = cli(
        "claims", "remittance", "--x12-dir", str(tmp_path / "o"), "--x12-state",
        str(tmp_path / "s"), as_json=True,
    )  # fmt: skip
    error = json.loads(stdout)["error"]
    assert code == 1 and "--profile" in error["message"]
