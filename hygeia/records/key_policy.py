"""Who gets a record's data key: the one rule every path that wraps a key asks.

A data key is wrapped for a reader only if ConsentRegistry.checkAccess, evaluated now, permits
that reader to ACCESS that record (deny overrides permit, so a deny on the record itself wins over
a permit on its class or on all data). Writing a version (put, amend), granting a consent and
sharing keys again for a consent all ask :meth:`KeyPolicy.may_hold_key`, record by record; the
key of an older version is shared only if no deny covers a class that version was filed under.

Cases the chain cannot be asked about directly:
- a record not yet anchored (put): each of its classes is asked about, which covers all-data and
  class provisions (no provision can name a record id that does not exist yet), and the answers
  are combined as the chain combines a record's classes: a permit on any class, a deny on none;
- an amendment that changes a record's classes (the chain still holds the old ones): the new
  classes are asked about as for a put, and the record itself must stand under no deny (on it,
  an old class or all data); a permit on the record id alone does not carry over (conservative:
  `consent share-keys` shares that key once the amendment is anchored);
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
    """A record as the key policy asks about it: its id and its data class ids (for an amendment
    that changes them, the new ones); `anchored` False before a put's anchor, `reclassed` True
    for an amendment whose classes the chain does not hold yet."""

    record_id: bytes
    data_classes: tuple[bytes, ...]
    anchored: bool = True
    reclassed: bool = False


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
        version_classes: tuple[bytes, ...] = (),
    ) -> bool:
        """Whether `reader` may hold the data key of `target`: some purpose in `purposes` is
        permitted to it by the patient's consents now (or by `pending`, a permit not yet
        recorded, when no deny stands in its way).

        `version_classes`: for the key of an older version of `target`, the classes that version
        was filed under (from its anchor event; the chain keeps only the latest classes): each
        is asked about as well, and a deny on any of them withholds that version's key (a permit
        on one opens nothing), so dropping a class never opens the versions that carried it."""
        for purpose in Purpose:
            if not purposes & purpose:
                continue
            reasons = self._reasons(patient, reader, target, purpose)
            older = {
                self._ask(patient, reader, data_class, purpose)
                for data_class in dict.fromkeys(version_classes)
                if data_class not in target.data_classes
            }
            if (reasons | older) & _BLOCKING:  # an older class's permit opens nothing
                continue
            if AccessReason.PERMITTED in reasons:
                return True
            if pending is not None and _pending_permits(
                pending, reader, target, purpose, self._now(now)
            ):
                return True
        return False

    def _reasons(
        self, patient: str, reader: str, target: KeyTarget, purpose: Purpose
    ) -> set[AccessReason]:
        """The chain's answers for `target`: one for an anchored record (the chain combines its
        classes), else one per class, plus the record's own for a reclassed amendment (where only
        a blocking answer counts)."""

        def ask(what: bytes) -> AccessReason:
            return self._ask(patient, reader, what, purpose)

        if target.anchored and not target.reclassed:
            return {ask(target.record_id)}
        reasons = {ask(data_class) for data_class in target.data_classes}
        if target.reclassed and (record := ask(target.record_id)) in _BLOCKING:
            reasons.add(record)
        return reasons

    def _ask(self, patient: str, reader: str, what: bytes, purpose: Purpose) -> AccessReason:
        return self.consent.check_access(patient, reader, what, Action.ACCESS, purpose).reason

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
            or bool(set(target.data_classes) & set(request.targets))
        )
    )
