"""Code size per deployable contract, against the EVM's limits and a committed budget.

Every contract the package ships (the suite's and the test stablecoin) is measured from its
packaged artifact (hygeia/core/artifacts, which tests/toolchain keeps equal to a fresh compile):
its deployed code and its init code (creation code plus the ABI-encoded constructor arguments the
EVM counts with it).

- Hard limits, whatever the budget: deployed code at most 24,576 bytes (EIP-170), init code at
  most 49,152 bytes (EIP-3860). Beyond them the deployment itself fails.
- Budgets (snapshots/code-size-budget.json, written by hand): a contract's code may not grow
  beyond its budget. Raising a budget is a reviewed decision in its own commit, not a side effect.
- Snapshot (snapshots/code-size.json): the sizes as measured. Within budget, any change (a shrink,
  or growth the budget allows) rewrites it, so a diff of snapshots/ shows every change in size:
  run `make test`, then `git diff snapshots/`, as for the gas snapshot.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hygeia.core import artifacts
from tests.support import ROOT

SNAPSHOT = ROOT / "snapshots" / "code-size.json"
BUDGETS = ROOT / "snapshots" / "code-size-budget.json"
#: EIP-170: the largest deployed code the EVM stores.
MAX_DEPLOYED = 24_576
#: EIP-3860: the largest init code a creation may run (twice EIP-170's limit).
MAX_INIT = 2 * MAX_DEPLOYED
#: Bytes of one ABI-encoded static constructor argument.
WORD = 32

Sizes = dict[str, dict[str, int]]


def constructor_args_bytes(abi: list[dict[str, Any]]) -> int:
    """Bytes the ABI-encoded constructor arguments add to the init code (static types only)."""
    inputs = next((item["inputs"] for item in abi if item["type"] == "constructor"), [])
    dynamic = [i["type"] for i in inputs if i["type"] in ("bytes", "string") or "[]" in i["type"]]
    if dynamic:
        raise ValueError(f"dynamic constructor arguments {dynamic}: their size depends on values")
    return WORD * len(inputs)


def code_bytes(hex_code: str) -> int:
    return len(bytes.fromhex(hex_code.removeprefix("0x")))


SHIPPED = (*artifacts.SUITE_CONTRACTS, artifacts.TEST_STABLECOIN)


def measure(names: tuple[str, ...] = SHIPPED) -> Sizes:
    """Deployed and init code bytes of each contract, from the packaged artifacts."""
    sizes: Sizes = {}
    for name in names:
        artifact = artifacts.load(name)
        sizes[name] = {
            "deployed": code_bytes(artifact["deployedBytecode"]),
            "init": code_bytes(artifact["bytecode"]) + constructor_args_bytes(artifact["abi"]),
        }
    return sizes


def over_limits(sizes: Sizes) -> list[str]:
    """The contracts the EVM would refuse to deploy."""
    found = []
    for name, size in sorted(sizes.items()):
        if size["deployed"] > MAX_DEPLOYED:
            found.append(f"{name}: deployed code {size['deployed']:,} > {MAX_DEPLOYED:,} (EIP-170)")
        if size["init"] > MAX_INIT:
            found.append(f"{name}: init code {size['init']:,} > {MAX_INIT:,} (EIP-3860)")
    return found


def over_budget(sizes: Sizes, budgets: Sizes) -> list[str]:
    """The contracts whose code grew beyond their budget, or that have none."""
    found = []
    for name, size in sorted(sizes.items()):
        if name not in budgets:
            found.append(f"{name}: no budget in {BUDGETS.name}")
            continue
        for kind in ("deployed", "init"):
            budget = budgets[name][kind]
            if size[kind] > budget:
                found.append(f"{name}: {kind} code {size[kind]:,} bytes > budget {budget:,}")
    return found


def _load(path: Path) -> Sizes:
    data: Sizes = json.loads(path.read_text()) if path.exists() else {}
    return data


@pytest.fixture(scope="module")
def sizes() -> Sizes:
    return measure()


def test_the_checks_flag_only_what_exceeds_a_limit_or_a_budget() -> None:
    sizes = {
        "Fits": {"deployed": MAX_DEPLOYED, "init": MAX_INIT},
        "TooBig": {"deployed": MAX_DEPLOYED + 1, "init": MAX_INIT + 1},
    }
    assert over_limits(sizes) == [
        "TooBig: deployed code 24,577 > 24,576 (EIP-170)",
        "TooBig: init code 49,153 > 49,152 (EIP-3860)",
    ]
    budgets = {"Fits": {"deployed": MAX_DEPLOYED, "init": MAX_INIT - 1}}
    assert over_budget(sizes, budgets) == [
        f"Fits: init code 49,152 bytes > budget {MAX_INIT - 1:,}",
        f"TooBig: no budget in {BUDGETS.name}",
    ]


def test_constructor_arguments_count_as_init_code() -> None:
    abi = [{"type": "constructor", "inputs": [{"type": "address"}, {"type": "uint256"}]}]
    assert constructor_args_bytes(abi) == 2 * WORD
    assert constructor_args_bytes([]) == 0
    with pytest.raises(ValueError, match="dynamic"):
        constructor_args_bytes([{"type": "constructor", "inputs": [{"type": "bytes"}]}])


def test_every_budget_is_within_the_evm_limits() -> None:
    budgets = _load(BUDGETS)
    assert set(budgets) == set(SHIPPED), "one budget per deployable contract, and no other"
    assert not over_limits(budgets)


def test_no_contract_exceeds_the_evm_code_size_limits(sizes: Sizes) -> None:
    problems = over_limits(sizes)
    assert not problems, "the EVM would refuse to deploy:\n" + "\n".join(problems)


def test_no_contract_grows_beyond_its_budget_and_the_snapshot_follows(sizes: Sizes) -> None:
    problems = over_budget(sizes, _load(BUDGETS))
    assert not problems, (
        "code grew beyond its budget (shrink it, or raise the budget on purpose in "
        f"{BUDGETS.relative_to(ROOT)}):\n" + "\n".join(problems)
    )
    if _load(SNAPSHOT) != sizes:
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(dict(sorted(sizes.items())), indent=2) + "\n")
