"""Who gets a record's data key: the one rule every path that wraps a key asks.

A data key is wrapped for a reader only if ConsentRegistry.checkAccess, evaluated now, permits
that reader to ACCESS that record (deny overrides permit, so a deny on the record itself wins over
a permit on its class or on all data). Writing a version (put, amend), granting a consent and
sharing keys again for a consent all ask :meth:`KeyPolicy.may_hold_key`, record by record.

Two cases the chain cannot be asked about directly:
- a record not yet anchored (put): its class is asked about, which covers all-data and class
  provisions; no provision can name a record id that does not exist yet;
- a grant not yet recorded (its key manifest travels in the grant's own transaction): the grant is
  taken as permitting if it covers the record, is in force now, and the chain reports no deny in
  force for that reader, record and purpose.

Break-glass opens the right to read, never a key; so does a grant to a role. Readers chosen from
events (which a node or an index could forge) are only candidates: the chain decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hygeia.consent.client import ConsentRegistryClient, GrantRequest
from hygeia.core.chain.connection import block_time
from hygeia.core.contract_types import AccessReason, Action, ProvisionType, Purpose

# Reasons under which a pending permit would not apply: a deny in force (break-glass answers
# before a deny, so it may hide one), or an erased record.
_BLOCKING = frozenset({AccessReason.DENIED, AccessReason.BREAK_GLASS, AccessReason.RECORD_ERASED})


@dataclass(frozen=True)
class KeyTarget:
    """A record as the key policy asks about it.

    `check` is what checkAccess is asked about: the record id once anchored, its data class
    before (a put).
    """

    record_id: bytes
    data_class: bytes
    anchored: bool = True

    @property
    def check(self) -> bytes:
        return self.record_id if self.anchored else self.data_class


class KeyPolicy:
    """Decides, on the chain's word, whether a reader may hold a record's data key."""

    def __init__(self, consent: ConsentRegistryClient) -> None:
        self.consent = consent

    def now(self) -> datetime:
        return block_time(self.consent.w3)

    def may_hold_key(
        self,
        patient: str,
        reader: str,
        target: KeyTarget,
        purposes: Purpose,
        *,
        pending: GrantRequest | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Whether `reader` may hold the data key of `target`: some purpose in `purposes` is
        permitted to it by the patient's consents now (or by `pending`, a permit not yet
        recorded, when no deny stands in its way)."""
        for purpose in Purpose:
            if not purposes & purpose:
                continue
            decision = self.consent.check_access(
                patient, reader, target.check, Action.ACCESS, purpose
            )
            if decision.reason is AccessReason.PERMITTED:
                return True
            if (
                pending is not None
                and decision.reason not in _BLOCKING
                and _pending_permits(pending, reader, target, purpose, self._now(now))
            ):
                return True
        return False

    def _now(self, now: datetime | None) -> datetime:
        return self.now() if now is None else now


def _pending_permits(
    request: GrantRequest, reader: str, target: KeyTarget, purpose: Purpose, now: datetime
) -> bool:
    """Whether `request`, once recorded, is an account permit to `reader` to ACCESS `target` for
    `purpose` that is in force now."""
    return (
        request.kind is ProvisionType.PERMIT
        and request.grantee is not None
        and request.grantee.lower() == reader.lower()
        and bool(request.actions & Action.ACCESS)
        and bool(request.purposes & purpose)
        and request.in_period(now)
        and (
            not request.targets
            or target.record_id in request.targets
            or target.data_class in request.targets
        )
    )
