"""`hygeia accounts`: the named dev accounts of a local chain, with balances and suite roles.
The other development commands: `hygeia node` (hygeia.dev.nodes.cli) and `hygeia demo`
(hygeia.dev.demo.cli)."""

from __future__ import annotations

import argparse

from hygeia.cli.commands import add_command
from hygeia.cli.context import Context
from hygeia.cli.options import add_common_options
from hygeia.core.chain.signers import DEV_ACCOUNT_NAMES, dev_signer
from hygeia.core.deployments import AddressBook
from hygeia.core.errors import DeploymentNotFoundError
from hygeia.participants.client import ParticipantRegistryClient
from hygeia.suite import attach


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(sub, "accounts")
    add_common_options(parser)
    parser.set_defaults(handler=run_accounts)


def run_accounts(ctx: Context) -> int:
    w3 = ctx.web3()
    registry = None
    try:
        deployment = attach(w3, AddressBook(ctx.args.deployments))
        registry = ParticipantRegistryClient(w3, deployment.address_of("ParticipantRegistry"))
    except DeploymentNotFoundError:
        ctx.out.progress("no suite deployed on this chain: roles are not shown")
    rows = []
    for index, name in enumerate(DEV_ACCOUNT_NAMES[: len(w3.eth.accounts)]):
        address = dev_signer(w3, index).address
        roles = [r.name.lower() for r in registry.roles_of(address)] if registry else []
        rows.append(
            {
                "name": name,
                "address": address,
                "balance_eth": float(w3.from_wei(w3.eth.get_balance(address), "ether")),  # type: ignore[arg-type]
                "roles": roles,
            }
        )
    ctx.out.table(
        "dev accounts",
        ["name", "address", "ETH", "roles"],
        [[r["name"], r["address"], f"{r['balance_eth']:,.2f}", r["roles"]] for r in rows],
    )
    ctx.out.result({"accounts": rows}, human="")
    return 0
