"""Claim status and remittance for the claims API, read from the chain (records and
remittances) and the index (which claims a provider submitted): only the provider that
submitted a claim and the insurer of its plan may read it."""

from __future__ import annotations

from typing import Any

from hygeia.claims.client import ClaimRecord, ClaimsAdjudicatorClient
from hygeia.claims.remittance import ClaimEntry, claim_json, read_claims
from hygeia.core.contract_types import ClaimState
from hygeia.core.errors import (
    ClaimNotFoundError,
    InvalidInputError,
    RequesterNotAuthorisedError,
)
from hygeia.core.values import bytes32, checksum_address

#: Claims one per-provider answer lists at most (a page; `offset` reads on).
PAGE = 100


class ClaimsView:
    """What a requester may read of the claims of one deployment."""

    def __init__(self, client: ClaimsAdjudicatorClient) -> None:
        self.client = client
        self._insurers: dict[int, str] = {}

    def insurer_of(self, plan_id: int) -> str | None:
        if plan_id not in self._insurers:  # a plan's insurer never changes
            terms = self.client.plan_of(plan_id)
            if terms is None:
                return None
            self._insurers[plan_id] = terms.insurer
        return self._insurers[plan_id]

    def _may_read(self, requester: str, record: ClaimRecord) -> bool:
        return requester == record.provider or requester == self.insurer_of(record.plan_id)

    def claim(self, requester: str, claim_id: str) -> dict[str, Any]:
        """One claim's status and remittance. A claim the requester may not read answers as an
        unknown one would not: it is refused (403), so ids cannot be probed for existence only
        by those who may read them anyway."""
        key = bytes32(claim_id, "claim id")
        record = self.client.claim_of(key)
        if record is None or record.state is ClaimState.REVERSAL:
            raise ClaimNotFoundError(f"no claim 0x{key.hex()}")
        if not self._may_read(requester, record):
            raise RequesterNotAuthorisedError(
                "only the provider that submitted a claim and its plan's insurer may read it"
            )
        return self._status(record)

    def provider_claims(self, requester: str, provider: str, *, offset: int = 0) -> dict[str, Any]:
        """The claims `provider` submitted (a page of PAGE from `offset`, oldest first): all of
        them for the provider itself, those under the requester's plans for an insurer."""
        provider = checksum_address(provider, "provider")
        if offset < 0:
            raise InvalidInputError("offset is 0 or more")
        logs = self.client.event_logs("ClaimSubmitted", {"provider": provider})
        ids = [bytes(log["args"]["claimId"]) for log in logs]
        if requester != provider:
            plans = {int(log["args"]["planId"]) for log in logs}
            mine = {p for p in plans if self.insurer_of(p) == requester}
            if not mine:
                raise RequesterNotAuthorisedError(
                    "only the provider itself, or the insurer of one of its claims' plans, may "
                    "list a provider's claims"
                )
            ids = [
                bytes(log["args"]["claimId"]) for log in logs if int(log["args"]["planId"]) in mine
            ]
        page = ids[offset : offset + PAGE]
        records = self.client.claims_of(page) if page else []
        return {
            "provider": provider,
            "total": len(ids),
            "offset": offset,
            "claims": [self._status(r) for r in records if r is not None],
        }

    def _status(self, record: ClaimRecord) -> dict[str, Any]:
        remittance = None
        if record.state not in (ClaimState.SUBMITTED, ClaimState.REVERSAL):
            entry = ClaimEntry(record.claim_id, "0x" + record.claim_id.hex(), record.provider)
            reported = read_claims(self.client, [entry])
            remittance = [claim_json(r) for r in reported]
        return {
            "claim_id": "0x" + record.claim_id.hex(),
            "provider": record.provider,
            "plan_id": record.plan_id,
            "received": record.received.isoformat(),
            "state": record.state.name,
            "remittance": remittance,
        }
