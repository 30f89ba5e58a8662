"""The entry point for a backend: connect to a chain and get typed clients of a deployed suite.

from hygeia import Suite
suite = Suite.connect("http://127.0.0.1:8545", deployments="deployments")
suite.participants.is_active(provider, Role.PROVIDER)
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TypeVar

from web3 import Web3

from hygeia.claims.client import ClaimsAdjudicatorClient
from hygeia.consent.client import ConsentRegistryClient
from hygeia.core import artifacts
from hygeia.core.chain.connection import call_node, connect
from hygeia.core.chain.contract import ContractClient, LogSource
from hygeia.core.chain.signers import Signer
from hygeia.core.chain.transactions import TxSender
from hygeia.core.deployments import AddressBook, Deployment
from hygeia.core.errors import DeploymentNotFoundError
from hygeia.deploy import genesis_hash
from hygeia.participants.client import ParticipantRegistryClient
from hygeia.provenance.client import DrugProvenanceClient

# The clients a Suite offers, one per contract (each names its contract: `contract_name`).
_CLIENTS: tuple[type[ContractClient], ...] = (
    ParticipantRegistryClient,
    ConsentRegistryClient,
    ClaimsAdjudicatorClient,
    DrugProvenanceClient,
)
_Client = TypeVar("_Client", bound=ContractClient)


class Suite:
    """A deployed suite on one chain, optionally with a signer for transactions, and with an
    event index (`logs`) its clients read past events from instead of the node."""

    def __init__(
        self,
        w3: Web3,
        deployment: Deployment,
        sender: TxSender | None = None,
        *,
        logs: LogSource | None = None,
    ) -> None:
        self.w3 = w3
        self.deployment = deployment
        self.sender = sender
        self.logs = logs
        # Looked up now, so that a deployment lacking a contract fails here; each client is made
        # when first used (web3 takes about 5 ms to bind a contract's ABI, and most callers use
        # one or two of the four).
        self._addresses = {
            client.contract_name: deployment.address_of(client.contract_name) for client in _CLIENTS
        }

    @cached_property
    def participants(self) -> ParticipantRegistryClient:
        """The ParticipantRegistry: roles, credentials, patients and their guardians."""
        return self._client(ParticipantRegistryClient)

    @cached_property
    def consent(self) -> ConsentRegistryClient:
        """The ConsentRegistry: consents, access checks, break-glass and disclosures."""
        return self._client(ConsentRegistryClient)

    @cached_property
    def claims(self) -> ClaimsAdjudicatorClient:
        """The ClaimsAdjudicator: plans, enrolment, claims, adjudication and its escrow."""
        return self._client(ClaimsAdjudicatorClient)

    @cached_property
    def provenance(self) -> DrugProvenanceClient:
        """The DrugProvenance: products, lots, custody, verification, recalls."""
        return self._client(DrugProvenanceClient)

    def _client(self, kind: type[_Client]) -> _Client:
        return kind(self.w3, self._addresses[kind.contract_name], self.sender, logs=self.logs)

    @classmethod
    def connect(
        cls,
        rpc_url: str,
        *,
        deployments: Path | str = "deployments",
        chain_id: int | None = None,
        signer: Signer | None = None,
        confirmations: int = 1,
        timeout: float = 10.0,
    ) -> Suite:
        """Connect to `rpc_url` and attach to the suite recorded for its chain in `deployments`."""
        w3 = connect(rpc_url, expected_chain_id=chain_id, timeout=timeout)
        deployment = attach(w3, AddressBook(Path(deployments)))
        sender = None
        if signer is not None:
            sender = TxSender(w3, signer, artifacts.suite_decoder(), confirmations=confirmations)
        return cls(w3, deployment, sender)

    def as_signer(self, signer: Signer, *, confirmations: int = 1) -> Suite:
        """The same suite, sending transactions as `signer`."""
        sender = TxSender(self.w3, signer, artifacts.suite_decoder(), confirmations=confirmations)
        return Suite(self.w3, self.deployment, sender, logs=self.logs)


def attach(w3: Web3, book: AddressBook) -> Deployment:
    """Load this chain's deployment and check it is really there (not a stale address book)."""
    rpc = getattr(w3.provider, "endpoint_uri", None) or "the node"
    chain_id = call_node(rpc, lambda: w3.eth.chain_id)
    deployment = book.load(chain_id)
    if call_node(rpc, lambda: genesis_hash(w3)) != deployment.genesis_hash:
        raise DeploymentNotFoundError(
            f"the address book {book.path(chain_id)} belongs to another chain with id {chain_id} "
            "(a restarted local node?); run `hygeia deploy` again"
        )
    for name in artifacts.SUITE_CONTRACTS:
        address = deployment.address_of(name)
        code = call_node(rpc, lambda a=address: w3.eth.get_code(Web3.to_checksum_address(a)))
        if not code:
            raise DeploymentNotFoundError(
                f"no contract code for {name} at {address} on chain {chain_id}"
            )
    return deployment
