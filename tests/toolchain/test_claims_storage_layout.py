"""ClaimsAdjudicator runs ClaimsReader's code on its own storage (DELEGATECALL from its fallback),
so both must see every variable at the same slot: the compiler's storage layouts, from one
compile with brownie-config.yaml's settings (tools/audit/solc_input.py), must be equal and
hold exactly ClaimsAdjudicatorStorage's variables."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest

from tests.support import ROOT
from tools.audit import solc_input

ADJUDICATOR = ("contracts/ClaimsAdjudicator.sol", "ClaimsAdjudicator")
READER = ("contracts/ClaimsReader.sol", "ClaimsReader")
STORAGE = ROOT / "contracts" / "ClaimsAdjudicatorStorage.sol"


@pytest.fixture(scope="module")
def layouts() -> dict[str, list[dict[str, Any]]]:
    """Contract name -> its storage entries (label, slot, offset, type)."""
    request = solc_input.standard_input()
    request["sources"] = {ADJUDICATOR[0]: {"urls": [ADJUDICATOR[0]]}}  # imports the reader
    request["settings"]["outputSelection"] = {
        path: {name: ["storageLayout"]} for path, name in (ADJUDICATOR, READER)
    }
    shim = ROOT / "tools" / "solc" / "solc.js"
    result = subprocess.run(
        ["node", str(shim), "--standard-json", "--allow-paths", str(ROOT)],
        input=json.dumps(request), cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    output = json.loads(result.stdout)
    errors = [e["formattedMessage"] for e in output.get("errors", []) if e["severity"] == "error"]
    assert not errors, "\n".join(errors)
    return {
        name: [
            {key: entry[key] for key in ("label", "slot", "offset", "type")}
            for entry in output["contracts"][path][name]["storageLayout"]["storage"]
        ]
        for path, name in (ADJUDICATOR, READER)
    }


def test_the_reader_sees_the_adjudicators_storage_slot_for_slot(
    layouts: dict[str, list[dict[str, Any]]],
) -> None:
    assert layouts["ClaimsReader"] == layouts["ClaimsAdjudicator"]


def test_all_their_state_is_the_shared_storage_base(
    layouts: dict[str, list[dict[str, Any]]],
) -> None:
    declared = re.findall(r"\binternal (_\w+);", STORAGE.read_text())  # state, not constants
    assert declared and [entry["label"] for entry in layouts["ClaimsAdjudicator"]] == declared
