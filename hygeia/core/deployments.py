"""The deployment address book: where the suite lives on each chain, one JSON file per chain id.

Written by the deploy step (`hygeia deploy`, `brownie run scripts/deploy.py`), read by the SDK and
CLI. The genesis block hash is kept so a restarted local chain that reuses the chain id is noticed.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hygeia.core.errors import DeploymentNotFoundError, InvalidInputError


@dataclass(frozen=True)
class DeployedContract:
    """Where a contract lives and the transaction that created it. A contract another one's
    constructor created (ClaimsEscrow and ClaimsReader, by ClaimsAdjudicator) names its creator
    in `created_by` and has `gas_used` 0: its gas is in the creator's transaction."""

    address: str
    tx_hash: str
    block_number: int
    gas_used: int
    created_by: str | None = None


@dataclass(frozen=True)
class Deployment:
    chain_id: int
    genesis_hash: str
    deployer: str
    deployed_at: str
    contracts: dict[str, DeployedContract] = field(default_factory=dict)

    def address_of(self, name: str) -> str:
        try:
            return self.contracts[name].address
        except KeyError:
            raise DeploymentNotFoundError(
                f"the deployment on chain {self.chain_id} has no {name}; redeploy the suite"
            ) from None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Deployment:
        contracts = {k: DeployedContract(**v) for k, v in data["contracts"].items()}
        return cls(
            chain_id=int(data["chain_id"]),
            genesis_hash=str(data["genesis_hash"]),
            deployer=str(data["deployer"]),
            deployed_at=str(data["deployed_at"]),
            contracts=contracts,
        )


class AddressBook:
    """A folder of `<chain id>.json` deployment records."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, chain_id: int) -> Path:
        return self.directory / f"{chain_id}.json"

    def load(self, chain_id: int) -> Deployment:
        path = self.path(chain_id)
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise DeploymentNotFoundError(
                f"no deployment recorded for chain {chain_id} in {self.directory}; "
                "run `hygeia deploy` (or pass --deployments DIR)"
            ) from None
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"{path} is not valid JSON: {exc}") from exc
        return Deployment.from_json(data)

    def save(self, deployment: Deployment) -> Path:
        """Write atomically, so a crash mid-write never leaves a truncated address book."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path(deployment.chain_id)
        fd, tmp = tempfile.mkstemp(
            dir=self.directory, prefix=f".{deployment.chain_id}.", suffix=".json"
        )
        with os.fdopen(fd, "w") as handle:
            json.dump(deployment.to_json(), handle, indent=2, sort_keys=True)
            handle.write("\n")
        os.replace(tmp, path)
        return path
