"""Copy the deployable contracts' ABI and bytecode from brownie's build into the Python package.

The SDK ships these JSON files (package data) so a backend can deploy and call the suite without
the source tree. Run after `bin/brownie compile`; tests/toolchain/test_artifacts.py fails when the
committed copies differ from a fresh compile.

    python tools/export_artifacts.py [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "contracts"
TARGET = ROOT / "hygeia" / "artifacts"

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
    for name in DEPLOYABLE:
        text = render(artifact(name))
        path = TARGET / f"{name}.json"
        if path.exists() and path.read_text() == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text)
    if args.check and stale:
        print(
            f"stale artifacts: {', '.join(stale)}; run tools/export_artifacts.py", file=sys.stderr
        )
        return 1
    print(f"artifacts {'checked' if args.check else 'written'}: {', '.join(DEPLOYABLE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
