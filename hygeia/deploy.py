"""The one deploy logic of the suite.

Shared by `hygeia deploy` and `brownie run scripts/deploy.py`, so both give the same result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from web3 import Web3

from hygeia.core import artifacts
from hygeia.core.chain.connection import LOCAL_CHAIN_IDS
from hygeia.core.chain.transactions import Receipt, TxSender
from hygeia.core.deployments import AddressBook, DeployedContract, Deployment
from hygeia.core.errors import InvalidInputError, TransactionFailedError
from hygeia.participants.client import ParticipantRegistryClient


@dataclass(frozen=True)
class DeployStep:
    """One transaction of a deployment, for the report."""

    name: str
    receipt: Receipt


@dataclass(frozen=True)
class DeployResult:
    deployment: Deployment
    steps: tuple[DeployStep, ...]

    @property
    def total_gas(self) -> int:
        return sum(step.receipt.gas_used for step in self.steps)


def genesis_hash(w3: Web3) -> str:
    return w3.eth.get_block(0)["hash"].to_0x_hex()


def _record_claims_companions(
    w3: Web3, adjudicator: str, contracts: dict[str, DeployedContract]
) -> None:
    """Add the ClaimsEscrow and ClaimsReader that ClaimsAdjudicator's constructor created (and
    bound to it) to `contracts`, with the adjudicator's transaction and no gas of their own."""
    created = contracts["ClaimsAdjudicator"]
    client = w3.eth.contract(
        address=Web3.to_checksum_address(adjudicator), abi=artifacts.abi("ClaimsAdjudicator")
    )
    for name, getter in artifacts.CLAIMS_COMPANIONS.items():
        address = Web3.to_checksum_address(client.functions[getter]().call())
        if not w3.eth.get_code(address):
            raise TransactionFailedError(f"ClaimsAdjudicator {adjudicator} created no {name}")
        contracts[name] = DeployedContract(
            address,
            created.tx_hash,
            created.block_number,
            gas_used=0,
            created_by="ClaimsAdjudicator",
        )


def deploy_suite(
    sender: TxSender,
    *,
    regulators: tuple[str, ...] = (),
    address_book: AddressBook | None = None,
    on_step: Callable[[DeployStep], None] | None = None,
    payment_token: str | None = None,
) -> DeployResult:
    """Deploy every suite contract from the packaged artifacts, with the sender as governance admin.

    `regulators` get the REGULATOR role. The claims escrow pays in `payment_token` (an ERC-20
    stablecoin with 2 decimals); on a local chain without one, a TestStablecoin owned by the
    sender is deployed. ClaimsAdjudicator's constructor creates and binds its ClaimsEscrow and
    ClaimsReader; the deployment records both (with the adjudicator's transaction). The deployment
    is written to `address_book` when given.
    """
    if payment_token is None and sender.chain_id not in LOCAL_CHAIN_IDS:
        raise InvalidInputError(
            f"chain {sender.chain_id} is not a local chain: give the claims escrow's payment "
            "token (an ERC-20 stablecoin with 2 decimals)"
        )
    if payment_token is not None:
        if not Web3.is_address(payment_token):
            raise InvalidInputError(f"payment token is not an address: {payment_token!r}")
        payment_token = Web3.to_checksum_address(payment_token)
    w3 = sender.w3
    steps: list[DeployStep] = []

    def record(name: str, receipt: Receipt) -> Receipt:
        step = DeployStep(name, receipt)
        steps.append(step)
        if on_step is not None:
            on_step(step)
        return receipt

    contracts: dict[str, DeployedContract] = {}

    def deploy(name: str, *args: object) -> str:
        artifact = artifacts.load(name)
        factory = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
        receipt = record(f"deploy {name}", sender.deploy(factory.constructor(*args)))
        if receipt.contract_address is None:
            raise TransactionFailedError(f"deploying {name} returned no contract address")
        contracts[name] = DeployedContract(
            receipt.contract_address, receipt.tx_hash, receipt.block_number, receipt.gas_used
        )
        return receipt.contract_address

    registry_address = deploy("ParticipantRegistry", sender.address)
    consent_address = deploy("ConsentRegistry", registry_address)
    registry = ParticipantRegistryClient(w3, registry_address, sender)
    for regulator in regulators:
        record(f"grant REGULATOR to {regulator}", registry.grant_regulator(regulator))
    deploy("DrugProvenance", registry_address)
    if payment_token is None:
        payment_token = deploy(artifacts.TEST_STABLECOIN, sender.address)
    adjudicator = deploy("ClaimsAdjudicator", registry_address, consent_address, payment_token)
    _record_claims_companions(w3, adjudicator, contracts)

    deployment = Deployment(
        chain_id=sender.chain_id,
        genesis_hash=genesis_hash(w3),
        deployer=sender.address,
        deployed_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        contracts=contracts,
    )
    if address_book is not None:
        address_book.save(deployment)
    return DeployResult(deployment, tuple(steps))
