"""Deploy the suite with brownie, through the same deploy logic as `hygeia deploy`.

    bin/brownie run scripts/deploy.py --network development     # Anvil, chain id 31338
    bin/brownie run scripts/deploy.py --network ganache         # Ganache 7, chain id 1338
    HYGEIA_DEPLOYER=<brownie account id> bin/brownie run scripts/deploy.py --network <live network>

brownie launches the development and ganache chains for the run and stops them after it, unless
a node already answers on the network's port (then it attaches to that one): a suite deployed on
a launched chain goes with it. Their chain ids are their own, so their address books
(deployments/31338.json, deployments/1338.json) never overwrite that of `hygeia node up`'s chain
(31337).

Environment: HYGEIA_DEPLOYER (brownie keystore account id; required off local chains),
HYGEIA_REGULATORS (comma-separated addresses; on a local chain the default is accounts[1]),
HYGEIA_CONFIRMATIONS (default 1), HYGEIA_DEPLOYMENTS (address book folder, default deployments),
HYGEIA_PAYMENT_TOKEN (the claims escrow's ERC-20 stablecoin; required off local chains, where a
TestStablecoin is deployed by default).
"""

from __future__ import annotations

import os
from pathlib import Path

from brownie import accounts, web3
from eth_account import Account

from hygeia.core import artifacts
from hygeia.core.chain import LOCAL_CHAIN_IDS, KeySigner, NodeSigner, Signer, TxSender
from hygeia.core.deployments import AddressBook
from hygeia.deploy import DeployResult, deploy_suite


def _is_development() -> bool:
    return int(web3.eth.chain_id) in LOCAL_CHAIN_IDS


def _signer() -> Signer:
    deployer = os.environ.get("HYGEIA_DEPLOYER")
    if deployer:
        account = accounts.load(deployer)  # prompts for the keystore password
        return KeySigner(Account.from_key(account.private_key))
    if not _is_development():
        raise SystemExit("HYGEIA_DEPLOYER (a brownie account id) is required on a live network")
    return NodeSigner(accounts[0].address)


def main() -> None:
    deploy(AddressBook(Path(os.environ.get("HYGEIA_DEPLOYMENTS", "deployments"))))


def deploy(book: AddressBook) -> DeployResult:
    """Deploy the suite on brownie's connected chain and record it in `book`."""
    sender = TxSender(
        web3,
        _signer(),
        artifacts.suite_decoder(),
        confirmations=int(os.environ.get("HYGEIA_CONFIRMATIONS", "1")),
    )
    regulators = [a for a in os.environ.get("HYGEIA_REGULATORS", "").split(",") if a]
    if not regulators and _is_development():
        regulators = [accounts[1].address]
    result = deploy_suite(
        sender,
        regulators=tuple(regulators),
        address_book=book,
        on_step=lambda step: print(f"  {step.name}: {step.receipt.gas_used:,} gas"),
        payment_token=os.environ.get("HYGEIA_PAYMENT_TOKEN") or None,
    )
    for name, contract in result.deployment.contracts.items():
        print(f"{name} deployed at {contract.address}")
    print(f"total gas {result.total_gas:,}; address book {book.path(result.deployment.chain_id)}")
    return result
