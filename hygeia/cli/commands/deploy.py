"""`hygeia deploy`: deploy the suite and record it in the address book."""

from __future__ import annotations

import argparse

from hygeia.cli.commands import add_command
from hygeia.cli.context import Context
from hygeia.cli.options import add_common_options
from hygeia.core.chain.connection import LOCAL_CHAIN_IDS
from hygeia.core.chain.signers import dev_signer
from hygeia.core.deployments import AddressBook
from hygeia.deploy import DeployStep, deploy_suite


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(sub, "deploy")
    add_common_options(parser)
    parser.add_argument(
        "--regulator",
        metavar="WHO",
        action="append",
        default=None,
        help="account given the REGULATOR role (repeatable; on a local chain the "
        "default is the dev account 'regulator')",
    )
    parser.add_argument(
        "--payment-token",
        metavar="ADDRESS",
        default=None,
        help="ERC-20 stablecoin (2 decimals) the claims escrow pays in, e.g. 0xA0b8...; required "
        "off local chains, where a TestStablecoin is deployed by default",
    )
    parser.set_defaults(handler=run)


def run(ctx: Context) -> int:
    w3 = ctx.web3()
    sender = ctx.sender(w3, default_account="admin")
    local = sender.chain_id in LOCAL_CHAIN_IDS
    names = ctx.args.regulator or (["regulator"] if local else [])
    regulators = [
        dev_signer(w3, r).address if local and not r.startswith("0x") else r for r in names
    ]
    ctx.out.progress(
        f"deploying the suite to chain {sender.chain_id} at {ctx.rpc} as {sender.address}"
    )

    def show(step: DeployStep) -> None:
        ctx.out.progress(f"  {step.name}: {step.receipt.gas_used:,} gas")

    book = AddressBook(ctx.args.deployments)
    result = deploy_suite(
        sender,
        regulators=tuple(regulators),
        address_book=book,
        on_step=show,
        payment_token=ctx.args.payment_token,
    )
    deployment = result.deployment
    data = {
        "chain_id": deployment.chain_id,
        "address_book": str(book.path(deployment.chain_id)),
        "contracts": {
            n: {"address": c.address, "gas_used": c.gas_used, "created_by": c.created_by}
            for n, c in deployment.contracts.items()
        },
        "steps": [
            {"name": s.name, "tx": s.receipt.tx_hash, "gas_used": s.receipt.gas_used}
            for s in result.steps
        ],
        "total_gas": result.total_gas,
    }
    ctx.out.table(
        f"hygeia suite on chain {deployment.chain_id}",
        ["contract", "address", "deploy gas"],
        [
            [n, c.address, f"in {c.created_by}'s" if c.created_by else f"{c.gas_used:,}"]
            for n, c in deployment.contracts.items()
        ],
    )
    ctx.out.result(
        data, human=f"total gas {result.total_gas:,}; address book {data['address_book']}"
    )
    return 0
