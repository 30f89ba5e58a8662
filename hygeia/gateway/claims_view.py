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
from hygeia.gateway.remittance_files import RemittanceFile, RemittanceFiles

#: Claims one per-provider answer lists at most (a page; `offset` reads on).
PAGE = 100


class ClaimsView:
    """What a requester may read of the claims of one deployment."""

    def __init__(
        self, client: ClaimsAdjudicatorClient, files: RemittanceFiles | None = None
    ) -> None:
        self.client = client
        self.files = files or RemittanceFiles(None)
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

    def _readable(self, requester: str, claim_id: str) -> ClaimRecord:
        key = bytes32(claim_id, "claim id")
        record = self.client.claim_of(key)
        if record is None or record.state is ClaimState.REVERSAL:
            raise ClaimNotFoundError(f"no claim 0x{key.hex()}")
        if not self._may_read(requester, record):
            raise RequesterNotAuthorisedError(
                "only the provider that submitted a claim and its plan's insurer may read it"
            )
        return record

    def _may_read_all(self, requester: str, file: RemittanceFile) -> bool:
        """An 835 goes to a requester that may read every claim it remits (one payee's)."""
        ids = sorted(file.claims)
        records = self.client.claims_of(ids) if ids else []
        return all(r is not None and self._may_read(requester, r) for r in records)

    def claim_835(self, requester: str, claim_id: str) -> tuple[str, str]:
        """The name and text of the latest 835 that remits the claim."""
        record = self._readable(requester, claim_id)
        having = [f for f in self.files.files() if record.claim_id in f.claims]
        if not having:
            raise ClaimNotFoundError(f"no 835 remits claim 0x{record.claim_id.hex()} yet")
        latest = max(having, key=lambda f: f.name[-13:])  # by control number
        if not self._may_read_all(requester, latest):
            raise RequesterNotAuthorisedError("the 835 of this claim remits claims of others")
        return latest.name, self.files.text(latest.name)

    def file_835(self, requester: str, name: str) -> str:
        """One 835 by its name, for a requester that may read every claim in it."""
        found = [f for f in self.files.files() if f.name == name]
        if not found:
            raise ClaimNotFoundError(f"no 835 named {name[:40]!r}")
        if not self._may_read_all(requester, found[0]):
            raise RequesterNotAuthorisedError(
                "only a requester that may read every claim of an 835 may read it"
            )
        return self.files.text(name)

    def provider_835s(self, requester: str, provider: str) -> dict[str, Any]:
        """The 835s that remit the provider's claims, that the requester may read."""
        listed = self.provider_claims(requester, provider, offset=0, page=None)
        ids = {bytes.fromhex(c["claim_id"][2:]) for c in listed["claims"]}
        files = [
            f for f in self.files.files() if f.claims & ids and self._may_read_all(requester, f)
        ]
        return {
            "provider": listed["provider"],
            "files": [
                {"name": f.name, "claims": len(f.claims), "url": f"/claims/835/{f.name}"}
                for f in files
            ],
        }

    def claim(self, requester: str, claim_id: str) -> dict[str, Any]:
        """One claim's status and remittance. A claim the requester may not read answers as an
        unknown one would not: it is refused (403), so ids cannot be probed for existence only
        by those who may read them anyway."""
        return self._status(self._readable(requester, claim_id))

    def provider_claims(
        self, requester: str, provider: str, *, offset: int = 0, page: int | None = PAGE
    ) -> dict[str, Any]:
        """The claims `provider` submitted (`page` of them from `offset`, oldest first; None:
        all): all of them for the provider itself, those under the requester's plans for an
        insurer."""
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
        chosen = ids[offset:] if page is None else ids[offset : offset + page]
        records = self.client.claims_of(chosen) if chosen else []
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
