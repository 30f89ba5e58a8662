"""Talking to an EVM chain: connection, signers, transactions and revert decoding."""

from hygeia.core.chain.connection import LOCAL_CHAIN_IDS, block_time, connect
from hygeia.core.chain.signers import (
    DEV_ACCOUNT_NAMES,
    KeySigner,
    NodeSigner,
    Signer,
    dev_signer,
    keystore_signer,
)
from hygeia.core.chain.transactions import Receipt, TxSender

__all__ = [
    "DEV_ACCOUNT_NAMES",
    "LOCAL_CHAIN_IDS",
    "KeySigner",
    "NodeSigner",
    "Receipt",
    "Signer",
    "TxSender",
    "block_time",
    "connect",
    "dev_signer",
    "keystore_signer",
]
