"""The `hygeia` CLI: human output, --json output and clear errors with exit code 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from web3 import Web3

from hygeia.cli.main import main
from hygeia.deploy import DeployResult
from tests.chains import Chain
from tests.support import free_port


@pytest.fixture
def cli(
    suite_chain: Chain,
    deployed: DeployResult,
    deployments_dir: Path,
    capsys: pytest.CaptureFixture[str],
):  # type: ignore[no-untyped-def]
    """cli("participants", "show", "admin", json=True) -> (exit code, stdout, stderr)."""

    def run(*argv: str, as_json: bool = False) -> tuple[int, str, str]:
        args = [*argv, "--rpc", suite_chain.url, "--deployments", str(deployments_dir)]
        code = main([*args, "--json"] if as_json else args)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_deploy_json_reports_addresses_and_gas_and_writes_the_address_book(
    cli, tmp_path: Path, suite_chain: Chain, capsys
) -> None:  # type: ignore[no-untyped-def]
    code = main(["deploy", "--rpc", suite_chain.url, "--deployments", str(tmp_path), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["chain_id"] == 31337
    assert Web3.is_checksum_address(data["contracts"]["ParticipantRegistry"]["address"])
    assert data["contracts"]["ParticipantRegistry"]["gas_used"] > 500_000
    assert data["total_gas"] == sum(step["gas_used"] for step in data["steps"])
    assert (tmp_path / "31337.json").is_file()
    escrow = data["contracts"]["ClaimsEscrow"]
    assert (escrow["created_by"], escrow["gas_used"]) == ("ClaimsAdjudicator", 0)


def test_deploy_says_whose_transaction_paid_for_a_contract_another_created(
    cli, tmp_path: Path, suite_chain: Chain, capsys
) -> None:  # type: ignore[no-untyped-def]
    code = main(["deploy", "--rpc", suite_chain.url, "--deployments", str(tmp_path)])
    rows = [line for line in capsys.readouterr().out.splitlines() if "ClaimsReader" in line]
    assert code == 0 and len(rows) == 1 and "in ClaimsAdjudicator's" in rows[0]


def test_credential_lifecycle_through_the_cli(cli, w3: Web3) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(
        "participants",
        "credential",
        "manufacturer",
        "--role",
        "manufacturer",
        "--license",
        "MFR-7",
        "--jurisdiction",
        "US-NC",
        "--valid-until",
        "2099-12-31",
    )
    assert code == 0 and "issued manufacturer credential" in out
    code, out, _ = cli("participants", "show", "manufacturer", as_json=True)
    shown = json.loads(out)
    assert shown["roles"] == ["manufacturer"]
    assert shown["credentials"]["manufacturer"]["valid_until"] == "2099-12-31T23:59:59Z"
    assert shown["credentials"]["manufacturer"]["active"] is True
    for action, done, status in (
        ("suspend", "suspended", "suspended"),
        ("reinstate", "reinstated", "active"),
    ):
        code, out, _ = cli("participants", action, "manufacturer", "--role", "manufacturer")
        assert code == 0 and f"{done} manufacturer credential" in out
        shown = json.loads(cli("participants", "show", "manufacturer", as_json=True)[1])
        assert shown["credentials"]["manufacturer"]["status"] == status
    assert cli("participants", "revoke", "manufacturer", "--role", "manufacturer")[0] == 0
    shown = json.loads(cli("participants", "show", w3.eth.accounts[4], as_json=True)[1])
    assert shown["roles"] == [] and shown["credentials"]["manufacturer"]["status"] == "revoked"


def test_a_contract_error_prints_its_name_and_exits_1(cli) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli(
        "participants", "suspend", "insurer", "--role", "insurer", "--account", "specialist"
    )
    assert code == 1
    assert "AccessControlUnauthorizedAccount" in err and "REGULATOR" in err


def test_a_contract_error_in_json_mode_carries_its_arguments(cli, w3: Web3) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("participants", "suspend", "insurer", "--role", "insurer", as_json=True)
    error = json.loads(out)["error"]
    assert code == 1
    assert error["type"] == "ParticipantRegistryCredentialNotFound"
    assert error["args"]["account"] == w3.eth.accounts[3]


def test_a_dead_rpc_endpoint_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["accounts", "--rpc", f"http://127.0.0.1:{free_port()}"])
    err = capsys.readouterr().err
    assert code == 1
    assert "RPCUnavailableError" in err and "Traceback" not in err


def test_a_missing_deployment_says_how_to_fix_it(
    suite_chain: Chain, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    code = main(
        ["participants", "show", "admin", "--rpc", suite_chain.url, "--deployments", str(tmp_path)]
    )
    assert code == 1
    assert "hygeia deploy" in capsys.readouterr().err


def test_keystore_signing_requires_an_explicit_chain_id(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli("participants", "set-key", "11" * 32, "--keystore", str(tmp_path / "k.json"))
    assert code == 1 and "--chain-id" in err


def test_accounts_lists_named_dev_accounts_with_roles(cli, w3: Web3) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("accounts", as_json=True)
    accounts = {a["name"]: a for a in json.loads(out)["accounts"]}
    assert code == 0
    assert (
        accounts["admin"]["address"] == w3.eth.accounts[0] and "admin" in accounts["admin"]["roles"]
    )
    assert accounts["regulator"]["roles"] == ["regulator"]


def test_register_patient_and_rotate_key_through_the_cli(cli) -> None:  # type: ignore[no-untyped-def]
    assert (
        cli("participants", "register", "--account", "specialist", "--encryption-key", "aa" * 32)[0]
        == 0
    )
    # A ward is registered only with its signed consent (tests/records/test_acting_for_others_cli).
    code, out, _ = cli(
        "participants", "register", "--account", "specialist", "--consent", "missing.json",
        as_json=True,
    )  # fmt: skip
    assert code == 1 and json.loads(out)["error"]["type"] == "InvalidInputError"
    assert cli("participants", "set-key", "cc" * 32, "--account", "specialist")[0] == 0
    shown = json.loads(cli("participants", "show", "specialist", as_json=True)[1])
    assert shown["encryption_key"] == "0x" + "cc" * 32 and shown["roles"] == ["patient"]


def test_bad_dates_are_rejected_by_the_parser(cli) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli(
        "participants", "renew", "insurer", "--role", "insurer", "--valid-until", "31/12/2027"
    )
    assert code == 2 and "not a date: '31/12/2027'" in err


def test_options_are_never_abbreviated(capsys: pytest.CaptureFixture[str]) -> None:
    # `--key` (record key) must not silently mean `--keystore` on a command without --key.
    assert main(["participants", "show", "admin", "--key", "me.pem"]) == 2
    assert "unrecognized arguments: --key" in capsys.readouterr().err
