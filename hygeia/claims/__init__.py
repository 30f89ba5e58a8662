"""Claims adjudication: the batch input, the ClaimsAdjudicator client, remittances read from the
chain and the resumable adjudication runs of `hygeia claims`."""

from hygeia.claims.batch import Batch, load_batch, parse_batch
from hygeia.claims.client import ClaimsAdjudicatorClient, Remittance
from hygeia.claims.runner import BatchRunner, Progress, RunResult, adjudicate_pending
from hygeia.core.contract_types import ClaimState

__all__ = [
    "Batch",
    "BatchRunner",
    "ClaimState",
    "ClaimsAdjudicatorClient",
    "Progress",
    "Remittance",
    "RunResult",
    "adjudicate_pending",
    "load_batch",
    "parse_batch",
]
