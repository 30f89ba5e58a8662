"""Copy the deployable contracts' ABI and bytecode from brownie's build into the Python package,
and write the Python mirror of their vocabulary (tools/contract_types.py): the enums, flags, roles
and constants (hygeia/core/contract_types.py) and one exception class per custom error
(hygeia/core/contract_errors.py).

The SDK ships these files so a backend can deploy and call the suite without the source tree, and
nothing the contracts define is retyped by hand. Run after `bin/brownie compile`; a test in
tests/toolchain fails when the committed copies differ from a fresh compile.

    python tools/export_artifacts.py [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from contract_types import render_errors, render_types  # beside this script

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "contracts"
TARGET = ROOT / "hygeia" / "core" / "artifacts"
TYPES = ROOT / "hygeia" / "core" / "contract_types.py"
ERRORS = ROOT / "hygeia" / "core" / "contract_errors.py"

# The contracts a deployment consists of, in deployment order (the test stablecoin only on local
# chains, as the claims escrow's payment token; ClaimsAdjudicator's constructor creates its
# ClaimsEscrow and ClaimsReader, whose ABIs the SDK needs).
DEPLOYABLE = (
    "ParticipantRegistry",
    "ConsentRegistry",
    "DrugProvenance",
    "TestStablecoin",
    "ClaimsAdjudicator",
    "ClaimsEscrow",
    "ClaimsReader",
)


def artifact(name: str) -> dict[str, object]:
    build = json.loads((BUILD / f"{name}.json").read_text())
    return {
        "contractName": name,
        "abi": build["abi"],
        "bytecode": "0x" + build["bytecode"],
        "deployedBytecode": "0x" + build["deployedBytecode"],
        "compiler": build["compiler"],
    }


def render(data: dict[str, object]) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="fail if the packaged copies are stale"
    )
    args = parser.parse_args()
    stale = []
    TARGET.mkdir(exist_ok=True)
    outputs = {TARGET / f"{name}.json": render(artifact(name)) for name in DEPLOYABLE}
    outputs[TYPES] = render_types(BUILD.parent, DEPLOYABLE)
    outputs[ERRORS] = render_errors(BUILD.parent, DEPLOYABLE)
    for path, text in outputs.items():
        if path.exists() and path.read_text() == text:
            continue
        stale.append(path.relative_to(ROOT).as_posix())
        if not args.check:
            path.write_text(text)
    if args.check and stale:
        print(f"stale: {', '.join(stale)}; run tools/export_artifacts.py", file=sys.stderr)
        return 1
    done = "checked" if args.check else "written"
    print(f"artifacts and contract types {done}: {', '.join(DEPLOYABLE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
