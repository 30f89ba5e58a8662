"""Claims adjudication: the batch input, the ClaimsAdjudicator and ClaimsEscrow clients,
remittances read from the chain and the resumable adjudication runs of `hygeia claims`."""

from hygeia.claims.batch import Batch, load_batch, parse_batch
from hygeia.claims.client import ClaimsAdjudicatorClient, Remittance
from hygeia.claims.escrow import ClaimsEscrowClient
from hygeia.claims.runner import BatchRunner, Progress, RunResult, adjudicate_pending
from hygeia.core.contract_types import ClaimState

__all__ = [
    "Batch",
    "BatchRunner",
    "ClaimState",
    "ClaimsAdjudicatorClient",
    "ClaimsEscrowClient",
    "Progress",
    "Remittance",
    "RunResult",
    "adjudicate_pending",
    "load_batch",
    "parse_batch",
]
