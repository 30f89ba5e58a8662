"""Write the solc standard-JSON input that slither analyses (`make audit`).

The compile settings come from brownie-config.yaml, THE compile configuration of the suite
(remappings, optimizer, EVM version), so slither sees the same compilation as brownie and the
packaged artifacts. Sources: every .sol file under contracts/ (libraries included, whether a
contract imports them yet or not) and interfaces/, except the test harnesses in contracts/test/.
OpenZeppelin is read through the remapping; slither.config.json filters its findings out.

    python tools/audit/solc_input.py OUT

crytic-compile reads OUT as a standard-JSON input with `--compile-force-framework solc-json`
(set in slither.config.json). OUT must not end in `.json`: slither would take it for a solc AST.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCE_DIRS = ("contracts", "interfaces")
EXCLUDED_DIRS = (Path("contracts") / "test",)


def sources() -> list[str]:
    found = []
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.sol")):
            relative = path.relative_to(ROOT)
            if not any(relative.is_relative_to(excluded) for excluded in EXCLUDED_DIRS):
                found.append(relative.as_posix())
    return found


def standard_input() -> dict[str, object]:
    compiler = yaml.safe_load((ROOT / "brownie-config.yaml").read_text())["compiler"]
    solc = compiler["solc"]
    return {
        "language": "Solidity",
        "sources": {path: {"urls": [path]} for path in sources()},
        "settings": {
            "remappings": list(solc.get("remappings", [])),
            "optimizer": {
                "enabled": bool(solc["optimizer"]["enabled"]),
                "runs": int(solc["optimizer"]["runs"]),
            },
            "evmVersion": compiler["evm_version"],
        },
    }


def main() -> int:
    if len(sys.argv) != 2 or sys.argv[1].endswith(".json"):
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(standard_input(), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
