"""Compiled contracts shipped with the package (ABI + bytecode).

Written by tools/export_artifacts.py from the brownie build.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from hygeia.core.chain.reverts import RevertDecoder

#: Contracts of a suite deployment, in deployment order. ClaimsAdjudicator's constructor creates
#: its ClaimsEscrow and ClaimsReader.
SUITE_CONTRACTS = (
    "ParticipantRegistry",
    "ConsentRegistry",
    "DrugProvenance",
    "ClaimsAdjudicator",
    "ClaimsEscrow",
    "ClaimsReader",
)
#: The contracts ClaimsAdjudicator creates, by the name of the adjudicator's getter of each.
CLAIMS_COMPANIONS = {"ClaimsEscrow": "escrow", "ClaimsReader": "reader"}
#: The claims escrow's payment token deployed on local chains (elsewhere an existing stablecoin).
TEST_STABLECOIN = "TestStablecoin"


@cache
def load(name: str) -> dict[str, Any]:
    """The artifact of contract `name`: keys abi, bytecode, deployedBytecode, compiler."""
    resource = files(__name__).joinpath(f"{name}.json")
    if not resource.is_file():
        raise KeyError(f"no packaged artifact for contract {name!r}")
    data: dict[str, Any] = json.loads(resource.read_text())
    return data


def abi(name: str) -> list[dict[str, Any]]:
    return list(load(name)["abi"])


@cache
def suite_decoder() -> RevertDecoder:
    """Decodes the custom errors of every suite contract and of the test stablecoin."""
    return RevertDecoder({name: abi(name) for name in (*SUITE_CONTRACTS, TEST_STABLECOIN)})
