"""The one compile configuration and what is derived from it stay in step."""

from __future__ import annotations

import json
import subprocess
import sys

import yaml

from hygeia.core import artifacts
from tests.support import ROOT


def _config() -> dict:  # type: ignore[type-arg]
    return dict(yaml.safe_load((ROOT / "brownie-config.yaml").read_text()))


def test_npm_solc_pin_equals_the_brownie_compiler_version() -> None:
    package = json.loads((ROOT / "package.json").read_text())
    assert package["dependencies"]["solc"] == _config()["compiler"]["solc"]["version"]


def test_compile_targets_shanghai_so_ganache_can_run_the_bytecode() -> None:
    assert _config()["compiler"]["evm_version"] == "shanghai"
    for name in artifacts.SUITE_CONTRACTS:
        assert artifacts.load(name)["compiler"]["evm_version"] == "shanghai"


def test_packaged_artifacts_equal_a_fresh_brownie_compile() -> None:
    # brownie's pytest plugin compiles the project into build/ when the session starts.
    result = subprocess.run(
        [sys.executable, "tools/export_artifacts.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_solc_shim_answers_version_and_compiles_combined_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "Answer.sol"
    source.write_text(
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\n"
        "contract Answer { function get() external pure returns (uint256) { return 42; } }\n"
    )
    shim = ROOT / "tools" / "solc" / "solc.js"
    version = subprocess.run(
        ["node", str(shim), "--version"], capture_output=True, text=True, check=True
    )
    assert "Version: 0.8." in version.stdout
    out = subprocess.run(
        ["node", str(shim), "--combined-json", "abi,bin", "--optimize", str(source)],
        capture_output=True,
        text=True,
        check=True,
    )
    contract = json.loads(out.stdout)["contracts"][f"{source}:Answer"]
    assert contract["abi"][0]["name"] == "get" and len(contract["bin"]) > 100
