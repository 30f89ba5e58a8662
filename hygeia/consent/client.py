"""Typed client for ConsentRegistry: consents, delegates, record anchors, break-glass and audit.

Vocabulary (bit values as in contracts/libraries/ConsentPolicy.sol): :class:`Action` and
:class:`Purpose` are FHIR Consent `provision.action` and purpose of use (v3 ActReason codes).
Data classes and records are bytes32 targets: a class is keccak256 of its FHIR resource type or
category name (:func:`data_class_id`), and a record carries one to MAX_RECORD_CLASSES of them (its
resource type and categories, hygeia.records.classes); a record id is derived by the contract from
the patient, the author and a random salt (:func:`record_id_of`, :func:`new_record_salt`), so it
can be neither taken first nor chosen to equal a class id.

Values read from events (which a node or an index could forge) are checked against contract
storage before the SDK relies on them: :meth:`ConsentRegistryClient.check_anchor`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from eth_abi.abi import encode
from eth_utils.crypto import keccak
from web3 import Web3
from web3.contract.contract import ContractFunction
from web3.exceptions import MismatchedABI

from hygeia.core.chain.contract import ContractClient
from hygeia.core.chain.eip712 import typed_data
from hygeia.core.chain.signers import Signer
from hygeia.core.chain.transactions import Receipt
from hygeia.core.contract_types import (
    AccessReason,
    Action,
    ConsentRegistryConstants,
    ProvisionType,
    Purpose,
    Role,
)
from hygeia.core.errors import IntegrityError, InvalidInputError, TransactionFailedError
from hygeia.core.times import (
    end_from_unix,
    end_to_unix,
    from_unix,
    instant,
    iso,
    parse_iso,
    seconds,
    to_unix,
)
from hygeia.core.values import bytes32, checksum_address

ZERO32 = bytes(32)
#: The target that stands for all of a patient's data.
ALL_DATA = ZERO32
#: Most data classes one record carries.
MAX_RECORD_CLASSES = ConsentRegistryConstants.MAX_RECORD_CLASSES
#: Most targets (data classes, records) one grant names.
MAX_TARGETS = ConsentRegistryConstants.MAX_TARGETS
#: Longest break-glass access the contract accepts.
MAX_BREAK_GLASS = timedelta(seconds=ConsentRegistryConstants.MAX_BREAK_GLASS_DURATION)
EIP712_NAME, EIP712_VERSION = "hygeia.ConsentRegistry", "1"


def data_class_id(name: str) -> bytes:
    """The bytes32 id of a data class: keccak256 of a FHIR resource type or category name."""
    if not name.strip():
        raise InvalidInputError("a data class name must not be empty")
    return keccak(text=name.strip())


def new_record_salt() -> bytes:
    """A fresh random salt for a new record: its id then reveals nothing about the record."""
    return secrets.token_bytes(32)


def record_id_of(patient: str, author: str, salt: bytes) -> bytes:
    """The id ConsentRegistry gives the record `author` anchors for `patient` with `salt`."""
    return keccak(
        encode(
            ["address", "address", "bytes32"],
            [checksum_address(patient), checksum_address(author), salt],
        )
    )


def anchor_cids_digest(cid: bytes, key_bundle_cid: bytes, data_classes: Sequence[bytes]) -> bytes:
    """What the chain stores of a version's two CIDs and its data classes:
    keccak256(abi.encode(cid, keyBundleCid, dataClasses))."""
    return keccak(
        encode(["bytes", "bytes", "bytes32[]"], [cid, key_bundle_cid, list(data_classes)])
    )


@dataclass(frozen=True)
class GrantRequest:
    """A consent provision as the patient states it (IConsentRegistry.GrantRequest).

    Exactly one of `grantee` (an account) and `grantee_role` (every active holder of a role).
    `targets` are data class ids and/or record ids; empty means all the patient's data.
    `start` and `end` are instants (timezone-aware), both inclusive; `end` None: until revoked.
    """

    actions: Action
    purposes: Purpose
    start: datetime
    end: datetime | None
    grantee: str | None = None
    grantee_role: Role | None = None
    targets: tuple[bytes, ...] = ()
    kind: ProvisionType = ProvisionType.PERMIT

    def __post_init__(self) -> None:
        if (self.grantee is None) == (self.grantee_role is None):
            raise InvalidInputError("a grant names exactly one of a grantee account and a role")
        if self.grantee is not None and not Web3.is_address(self.grantee):
            raise InvalidInputError(f"not an Ethereum address: {self.grantee!r}")
        if not self.actions or not self.purposes:
            raise InvalidInputError("a grant needs at least one action and one purpose")
        # Kept to the second, as the chain keeps them, so a signed grant reads back equal.
        object.__setattr__(self, "start", instant(self.start, "start"))
        if self.end is not None:
            object.__setattr__(self, "end", instant(self.end, "end"))
            if self.start > self.end:
                raise InvalidInputError("a grant's period ends before it starts")
        for target in self.targets:
            bytes32(target, "target")

    def in_period(self, moment: datetime) -> bool:
        """Whether `moment` falls in the grant's period (both ends inclusive)."""
        return self.start <= moment and (self.end is None or moment <= self.end)

    @property
    def grantee_key(self) -> bytes:
        """Where the provision is stored: the account left-padded to 32 bytes, or the role id."""
        if self.grantee_role is not None:
            return self.grantee_role.id
        assert self.grantee is not None
        return bytes(12) + bytes.fromhex(self.grantee[2:])

    def as_args(self) -> tuple[Any, ...]:
        return (
            int(self.kind),
            Web3.to_checksum_address(self.grantee) if self.grantee else "0x" + "00" * 20,
            self.grantee_role.id if self.grantee_role else ZERO32,
            int(self.actions),
            int(self.purposes),
            to_unix(self.start, "start"),
            end_to_unix(self.end),
            list(self.targets),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.name.lower(),
            "grantee": self.grantee,
            "grantee_role": self.grantee_role.name.lower() if self.grantee_role else None,
            "actions": [str(a.name).lower() for a in Action if self.actions & a],
            "purposes": [str(p.name) for p in Purpose if self.purposes & p],
            "start": iso(self.start),
            "end": iso(self.end) if self.end else None,
            "targets": ["0x" + t.hex() for t in self.targets],
        }

    @classmethod
    def from_json(cls, doc: Any) -> GrantRequest:
        try:
            role = doc.get("grantee_role")
            return cls(
                kind=ProvisionType[str(doc["kind"]).upper()],
                grantee=doc.get("grantee"),
                grantee_role=Role.parse(role) if role else None,
                actions=Action.parse(doc["actions"]),
                purposes=Purpose.parse(doc["purposes"]),
                start=parse_iso(doc["start"], "start"),
                end=parse_iso(doc["end"], "end") if doc.get("end") else None,
                targets=tuple(bytes32(t, "target") for t in doc.get("targets", [])),
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise InvalidInputError(f"not a grant request: {exc}") from None

    def typed_message(
        self, patient: str, key_bundle_cid: bytes, nonce: int, deadline: datetime
    ) -> dict[str, Any]:
        kind, grantee, role, actions, purposes, start, end, targets = self.as_args()
        return {
            "patient": Web3.to_checksum_address(patient),
            "kind": kind,
            "grantee": grantee,
            "granteeRole": role,
            "actions": actions,
            "purposes": purposes,
            "start": start,
            "end": end,
            "targets": targets,
            "keyBundleCid": key_bundle_cid,
            "nonce": nonce,
            "deadline": to_unix(deadline, "deadline"),
        }


@dataclass(frozen=True)
class AccessDecision:
    allowed: bool
    reason: AccessReason
    consent_id: int


@dataclass(frozen=True)
class GrantSignature:
    """A patient's EIP-712 signature of a grant, with the nonce and deadline it carries."""

    nonce: int
    deadline: datetime
    signature: bytes


@dataclass(frozen=True)
class Consent:
    """A consent as granted (from its ConsentGranted event), with its revocations if any.

    `revoked_targets` are the targets revoked so far (ALL_DATA for an all-data consent);
    `revoked_by` is set once every target is revoked.
    """

    patient: str
    consent_id: int
    grantee_key: bytes
    kind: ProvisionType
    actions: Action
    purposes: Purpose
    start: datetime
    end: datetime | None
    targets: tuple[bytes, ...]
    key_bundle_cid: bytes
    block_number: int
    tx_hash: str
    revoked_by: str | None = None
    revoked_targets: frozenset[bytes] = frozenset()

    @property
    def stored_targets(self) -> tuple[bytes, ...]:
        """Where the contract stored the provision: its targets, or ALL_DATA for all data."""
        return self.targets or (ALL_DATA,)

    @property
    def remaining_targets(self) -> tuple[bytes, ...]:
        """The stored targets not yet revoked."""
        return tuple(t for t in self.stored_targets if t not in self.revoked_targets)

    @property
    def grantee(self) -> str | None:
        """The grantee account, or None for a role grant."""
        if self.grantee_role is not None:
            return None
        return Web3.to_checksum_address(self.grantee_key[12:])

    @property
    def grantee_role(self) -> Role | None:
        try:
            return Role.from_id(self.grantee_key)
        except ValueError:
            return None

    def status(self, now: datetime) -> str:
        if self.revoked_by is not None:
            return "revoked"
        if self.revoked_targets:
            return "partly-revoked"
        if self.end is not None and now > self.end:
            return "expired"
        if now < self.start:
            return "not-yet"
        return "active"


@dataclass(frozen=True)
class RecordAnchor:
    """One anchored record version, from storage and its RecordAnchored event."""

    patient: str
    record_id: bytes
    version: int
    previous_version: int
    data_classes: tuple[bytes, ...]
    ciphertext_digest: bytes
    cid: bytes
    key_bundle_cid: bytes
    anchored_by: str
    block_number: int


@dataclass(frozen=True)
class VersionState:
    """What contract storage keeps of one record version."""

    cids_digest: bytes
    ciphertext_digest: bytes
    anchored_by: str | None
    anchored_at: datetime


@dataclass(frozen=True)
class BreakGlassState:
    """One provider's break-glass access to one patient, from storage."""

    ends_at: datetime
    window_start: datetime
    openings: int

    def is_open(self, now: datetime) -> bool:
        return now <= self.ends_at


@dataclass(frozen=True)
class RecordState:
    """A record's anchor in storage; `data_classes` are those of its latest version."""

    patient: str | None
    latest_version: int
    erased: bool
    data_classes: tuple[bytes, ...]


@dataclass(frozen=True)
class AuditEvent:
    """One line of a patient's audit trail, from the chain's events."""

    kind: str  # "access", "break-glass-opened", "break-glass-closed", "erased"
    patient: str
    actor: str
    block_number: int
    tx_hash: str
    log_index: int
    record_id: bytes | None = None
    purpose: Purpose | None = None
    consent_id: int = 0
    ends_at: datetime | None = None
    details: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class AuditTrailSource(Protocol):
    """A log source that answers a patient's audit trail itself (hygeia.index's IndexedLogs,
    from its `accesses`, `break_glass` and `records` tables), in the chain's answer's shape."""

    def audit_trail(self, patient: str, from_block: int = 0) -> list[AuditEvent]: ...


class ConsentRegistryClient(ContractClient):
    contract_name = "ConsentRegistry"

    # ------------------------------------------------------------ consents
    def grant(
        self, patient: str, request: GrantRequest, key_bundle_cid: bytes = b""
    ) -> tuple[Receipt, int]:
        """Record a consent of `patient`; returns the receipt and the new consent id."""
        fn = self.contract.functions.grant(
            checksum_address(patient), request.as_args(), key_bundle_cid
        )
        receipt = self._transact(fn)
        return receipt, self._granted_id(receipt)

    def grant_nonce(self, patient: str) -> int:
        return int(self._call(self.contract.functions.nonces(checksum_address(patient))))

    def grant_nonces(self, patients: Sequence[str]) -> list[int]:
        """grant_nonce of many patients, in JSON-RPC batches."""
        return [
            int(n) for n in self._call_many("nonces", [(checksum_address(p),) for p in patients])
        ]

    def grant_typed_data(
        self,
        patient: str,
        request: GrantRequest,
        key_bundle_cid: bytes,
        nonce: int,
        deadline: datetime,
    ) -> dict[str, Any]:
        """The EIP-712 document a patient signs for a gasless grant, bound to chain and contract."""
        return typed_data(
            name=EIP712_NAME,
            version=EIP712_VERSION,
            chain_id=int(self.w3.eth.chain_id),
            contract=self.address,
            primary="Grant",
            fields=_GRANT_FIELDS,
            message=request.typed_message(patient, key_bundle_cid, nonce, deadline),
        )

    def sign_grant(
        self,
        signer: Signer,
        request: GrantRequest,
        key_bundle_cid: bytes,
        deadline: datetime,
        nonce: int | None = None,
    ) -> GrantSignature:
        """The signer's (the patient's) EIP-712 signature of a grant, at its current nonce
        unless `nonce` is given (to sign several grants ahead, in nonce order)."""
        if nonce is None:
            nonce = self.grant_nonce(signer.address)
        data = self.grant_typed_data(signer.address, request, key_bundle_cid, nonce, deadline)
        return GrantSignature(nonce, deadline, signer.sign_typed_data(self.w3, data))

    def grant_by_sig(
        self,
        patient: str,
        request: GrantRequest,
        key_bundle_cid: bytes,
        signed: GrantSignature,
    ) -> tuple[Receipt, int]:
        """Relay a patient-signed grant (the sender pays the gas)."""
        receipt = self._transact(self.grant_by_sig_call(patient, request, key_bundle_cid, signed))
        return receipt, self._granted_id(receipt)

    def grant_by_sig_call(
        self,
        patient: str,
        request: GrantRequest,
        key_bundle_cid: bytes,
        signed: GrantSignature,
    ) -> ContractFunction:
        """The relayed patient-signed grant, ready to send (alone or among others)."""
        return self.contract.functions.grantBySig(
            checksum_address(patient),
            request.as_args(),
            key_bundle_cid,
            signed.nonce,
            to_unix(signed.deadline, "deadline"),
            signed.signature,
        )

    def cancel_signed_grant(self, patient: str, nonce: int) -> Receipt:
        """Cancel a signed grant nobody relayed yet, by using its nonce (patient or delegate)."""
        fn = self.contract.functions.cancelSignedGrant(checksum_address(patient), nonce)
        return self._transact(fn)

    def revoke(self, consent: Consent) -> Receipt:
        """Revoke what remains of a consent, addressed by where its grant stored it."""
        return self._transact(self._revoke_fn(consent))

    def revoke_call(self, consent: Consent) -> tuple[str, str]:
        """The (to, data) of the transaction revoking what remains of `consent`, for a wallet
        that signs and sends it itself (the patient's, on the gateway's page)."""
        fn = self._revoke_fn(consent)
        return self.address, str(fn._encode_transaction_data())

    def _revoke_fn(self, consent: Consent) -> ContractFunction:
        remaining = consent.remaining_targets
        if not remaining:
            raise InvalidInputError(f"consent {consent.consent_id} is already revoked")
        role = consent.grantee_role
        return self.contract.functions.revoke(
            consent.patient,
            consent.consent_id,
            consent.grantee or "0x" + "00" * 20,
            role.id if role else ZERO32,
            [] if remaining == (ALL_DATA,) else list(remaining),
        )

    def share_consent_keys(self, consent: Consent, key_bundle_cid: bytes) -> Receipt:
        """Publish a key manifest for an account grantee of an unrevoked permit."""
        if consent.grantee is None:
            raise InvalidInputError("keys are shared with accounts, not with roles")
        remaining = consent.remaining_targets
        if not remaining:
            raise InvalidInputError(f"consent {consent.consent_id} is revoked")
        fn = self.contract.functions.shareConsentKeys(
            consent.patient, consent.consent_id, consent.grantee, remaining[0], key_bundle_cid
        )
        return self._transact(fn)

    # ------------------------------------------------------------ delegates
    def appoint_delegate(self, delegate: str) -> Receipt:
        return self._transact(self.contract.functions.appointDelegate(checksum_address(delegate)))

    def revoke_delegate(self, delegate: str) -> Receipt:
        return self._transact(self.contract.functions.revokeDelegate(checksum_address(delegate)))

    def delegates_of(self, patient: str, from_block: int = 0) -> list[str]:
        """The delegates `patient` has appointed and not revoked (from events, each checked
        against storage; the guardian is ParticipantRegistry.guardianOf)."""
        where = {"patient": checksum_address(patient)}
        named = {
            str(log["args"]["delegate"])
            for log in self.event_logs("DelegateAppointed", where, from_block)
        }
        return sorted(
            d for d in named if self._call(self.contract.functions.isDelegate(where["patient"], d))
        )

    # ------------------------------------------------------------ records
    def anchor_record(
        self,
        patient: str,
        salt: bytes,
        data_classes: Sequence[bytes],
        cid: bytes,
        ciphertext_digest: bytes,
        key_bundle_cid: bytes,
    ) -> Receipt:
        """Anchor version 1 of the record whose id is record_id_of(patient, sender, salt), in
        `data_classes` (its resource type first, then its categories)."""
        fn = self.contract.functions.anchorRecord(
            checksum_address(patient),
            salt,
            _classes(data_classes),
            cid,
            ciphertext_digest,
            key_bundle_cid,
        )
        return self._transact(fn)

    def amend_record(
        self,
        record_id: bytes,
        cid: bytes,
        ciphertext_digest: bytes,
        key_bundle_cid: bytes,
        data_classes: Sequence[bytes] | None = None,
    ) -> Receipt:
        """Add a version to a record; with `data_classes`, the record is in those classes from
        this version on (an amendment that changes its resource type or categories)."""
        if data_classes is None:
            fn = self.contract.functions.amendRecord(
                record_id, cid, ciphertext_digest, key_bundle_cid
            )
        else:
            fn = self.contract.functions.amendRecordClasses(
                record_id, _classes(data_classes), cid, ciphertext_digest, key_bundle_cid
            )
        return self._transact(fn)

    def erase_record(self, record_id: bytes) -> Receipt:
        return self._transact(self.contract.functions.eraseRecord(record_id))

    # ------------------------------------------------------------ break-glass and audit
    def open_break_glass(self, patient: str, reason: str, duration: timedelta) -> Receipt:
        """Open emergency access; only keccak256 of the reason text goes on-chain."""
        if not reason.strip():
            raise InvalidInputError("break-glass needs a reason")
        span = seconds(duration, "break-glass duration")
        if not 0 < span <= seconds(MAX_BREAK_GLASS):
            raise InvalidInputError(f"break-glass lasts 1 second to {MAX_BREAK_GLASS}")
        fn = self.contract.functions.openBreakGlass(
            checksum_address(patient), reason_hash(reason), span
        )
        return self._transact(fn)

    def close_break_glass(self, patient: str, provider: str | None = None) -> Receipt:
        """Close a provider's break-glass: the sender's own by default; the patient or a delegate
        names the provider (who then may not reopen it for a day)."""
        if provider is None:
            if self.sender is None:
                raise InvalidInputError("closing break-glass needs a sender or a provider")
            provider = self.sender.address
        fn = self.contract.functions.closeBreakGlass(
            checksum_address(patient), checksum_address(provider)
        )
        return self._transact(fn)

    def log_access(
        self, patient: str, record_id: bytes, purpose: Purpose, consent_id: int
    ) -> Receipt:
        fn = self.contract.functions.logAccess(
            checksum_address(patient), record_id, int(purpose), consent_id
        )
        return self._transact(fn)

    # ------------------------------------------------------------ views
    def check_access(
        self, patient: str, grantee: str, target: bytes, action: Action, purpose: Purpose
    ) -> AccessDecision:
        allowed, reason, consent_id = self._call(
            self.contract.functions.checkAccess(
                checksum_address(patient),
                checksum_address(grantee),
                target,
                int(action),
                int(purpose),
            )
        )
        return AccessDecision(bool(allowed), AccessReason(reason), int(consent_id))

    def is_delegate(self, patient: str, delegate: str) -> bool:
        fn = self.contract.functions.isDelegate(
            checksum_address(patient), checksum_address(delegate)
        )
        return bool(self._call(fn))

    def record_of(self, record_id: bytes) -> RecordState:
        patient, latest, erased, data_classes = self._call(
            self.contract.functions.recordOf(record_id)
        )
        return RecordState(
            None if int(patient, 16) == 0 else Web3.to_checksum_address(patient),
            int(latest),
            bool(erased),
            tuple(bytes(c) for c in data_classes),
        )

    def record_version(self, record_id: bytes, version: int) -> VersionState:
        cids, ciphertext, anchored_by, anchored_at = self._call(
            self.contract.functions.recordVersion(record_id, version)
        )
        return VersionState(
            bytes(cids),
            bytes(ciphertext),
            None if int(anchored_by, 16) == 0 else Web3.to_checksum_address(anchored_by),
            from_unix(anchored_at),
        )

    def check_anchor(self, anchor: RecordAnchor) -> RecordAnchor:
        """`anchor` (from an event or an index) if contract storage agrees with every value the
        SDK uses from it: patient, version, both CIDs, ciphertext digest, author and the data
        classes of that version (storage keeps the latest version's classes, and each version's
        digest covers its own, so an older version's classes are checked too)."""
        state = self.record_of(anchor.record_id)
        stored = self.record_version(anchor.record_id, anchor.version)
        problems = []
        if state.patient is None or state.patient != Web3.to_checksum_address(anchor.patient):
            problems.append("patient")
        if anchor.version == state.latest_version and state.data_classes != anchor.data_classes:
            problems.append("data classes")
        if not 1 <= anchor.version <= state.latest_version:
            problems.append("version")
        if stored.cids_digest != anchor_cids_digest(
            anchor.cid, anchor.key_bundle_cid, anchor.data_classes
        ):
            problems.append("envelope or key-bundle CID or data classes")
        if stored.ciphertext_digest != anchor.ciphertext_digest:
            problems.append("ciphertext digest")
        if stored.anchored_by != Web3.to_checksum_address(anchor.anchored_by):
            problems.append("author")
        if problems:
            raise IntegrityError(
                f"the anchor of record 0x{anchor.record_id.hex()} v{anchor.version} read from the "
                f"node disagrees with contract storage ({', '.join(problems)}): not used"
            )
        return anchor

    def break_glass_of(self, patient: str, provider: str) -> BreakGlassState:
        fn = self.contract.functions.breakGlassOf(
            checksum_address(patient), checksum_address(provider)
        )
        ends_at, window_start, openings = self._call(fn)
        return BreakGlassState(from_unix(ends_at), from_unix(window_start), int(openings))

    # ------------------------------------------------------------ event history
    def consents(self, patient: str, from_block: int = 0) -> list[Consent]:
        """Every consent ever granted by `patient`, oldest first, with revocations applied."""
        patient = checksum_address(patient)
        revoked: dict[int, tuple[set[bytes], str]] = {}
        for log in self.event_logs("ConsentRevoked", {"patient": patient}, from_block):
            args = log["args"]
            targets, _ = revoked.get(int(args["consentId"]), (set(), ""))
            targets.update(bytes(t) for t in args["targets"] or [ALL_DATA])
            revoked[int(args["consentId"])] = (targets, str(args["revoker"]))
        out = []
        for log in self.event_logs("ConsentGranted", {"patient": patient}, from_block):
            args = log["args"]
            consent_id = int(args["consentId"])
            granted = Consent(
                patient=patient,
                consent_id=consent_id,
                grantee_key=bytes(args["granteeKey"]),
                kind=ProvisionType(args["kind"]),
                actions=Action(args["actions"]),
                purposes=Purpose(args["purposes"]),
                start=from_unix(args["start"]),
                end=end_from_unix(args["end"]),
                targets=tuple(bytes(t) for t in args["targets"]),
                key_bundle_cid=bytes(args["keyBundleCid"]),
                block_number=int(log["blockNumber"]),
                tx_hash=log["transactionHash"].to_0x_hex(),
            )
            if consent_id in revoked:
                targets, revoker = revoked[consent_id]
                done = frozenset(targets & set(granted.stored_targets))
                granted = replace(
                    granted,
                    revoked_targets=done,
                    revoked_by=revoker if done == set(granted.stored_targets) else None,
                )
            out.append(granted)
        return out

    def key_shares(
        self, patient: str, grantee: str | None, from_block: int = 0
    ) -> list[tuple[int, bytes]]:
        """(consent id, key manifest CID) of every ConsentKeysShared of `patient` to `grantee`
        (to anyone when None)."""
        where = {"patient": checksum_address(patient)}
        if grantee is not None:
            where["grantee"] = checksum_address(grantee)
        return [
            (int(log["args"]["consentId"]), bytes(log["args"]["keyBundleCid"]))
            for log in self.event_logs("ConsentKeysShared", where, from_block)
        ]

    def consent(self, patient: str, consent_id: int, from_block: int = 0) -> Consent:
        for found in self.consents(patient, from_block):
            if found.consent_id == consent_id:
                return found
        raise InvalidInputError(f"patient {patient} granted no consent {consent_id}")

    def anchors(
        self, *, patient: str | None = None, record_id: bytes | None = None, from_block: int = 0
    ) -> list[RecordAnchor]:
        """Anchored record versions from the RecordAnchored events, oldest first."""
        filters: dict[str, Any] = {}
        if patient is not None:
            filters["patient"] = checksum_address(patient)
        if record_id is not None:
            filters["recordId"] = record_id
        return [
            RecordAnchor(
                patient=str(log["args"]["patient"]),
                record_id=bytes(log["args"]["recordId"]),
                version=int(log["args"]["version"]),
                previous_version=int(log["args"]["previousVersion"]),
                data_classes=tuple(bytes(c) for c in log["args"]["dataClasses"]),
                ciphertext_digest=bytes(log["args"]["ciphertextDigest"]),
                cid=bytes(log["args"]["cid"]),
                key_bundle_cid=bytes(log["args"]["keyBundleCid"]),
                anchored_by=str(log["args"]["anchoredBy"]),
                block_number=int(log["blockNumber"]),
            )
            for log in self.event_logs("RecordAnchored", filters, from_block)
        ]

    def audit_trail(self, patient: str, from_block: int = 0) -> list[AuditEvent]:
        """Reads, break-glass openings and closings, and erasures of `patient`, in chain order
        (from an event index's tables when the client reads one that keeps them)."""
        patient = checksum_address(patient)
        if isinstance(self.logs, AuditTrailSource):
            return self.logs.audit_trail(patient, from_block)
        where = {"patient": patient}
        events: list[AuditEvent] = []
        for log in self.event_logs("RecordAccessed", where, from_block):
            args = log["args"]
            events.append(
                _audit(
                    log,
                    "access",
                    args["accessor"],
                    record_id=bytes(args["recordId"]),
                    purpose=Purpose(args["purpose"]),
                    consent_id=int(args["consentId"]),
                )
            )
        for log in self.event_logs("BreakGlassOpened", where, from_block):
            args = log["args"]
            events.append(
                _audit(
                    log,
                    "break-glass-opened",
                    args["provider"],
                    purpose=Purpose.ETREAT,
                    ends_at=from_unix(args["endsAt"]),
                    details={
                        "reason_hash": "0x" + bytes(args["reasonHash"]).hex(),
                        "opening": int(args["opening"]),
                    },
                )
            )
        for log in self.event_logs("BreakGlassClosed", where, from_block):
            args = log["args"]
            events.append(
                _audit(
                    log,
                    "break-glass-closed",
                    args["provider"],
                    details={"closed_by": str(args["closedBy"])},
                )
            )
        for log in self.event_logs("RecordErased", where, from_block):
            events.append(
                _audit(
                    log, "erased", log["args"]["eraser"], record_id=bytes(log["args"]["recordId"])
                )
            )
        return sorted(events, key=lambda e: (e.block_number, e.log_index))

    # ------------------------------------------------------------ internals
    def _granted_id(self, receipt: Receipt) -> int:
        for log in receipt.logs:
            if str(log["address"]).lower() != self.address.lower():
                continue
            try:
                event = self.contract.events.ConsentGranted().process_log(log)
            except MismatchedABI:  # another event of this contract
                continue
            return int(event["args"]["consentId"])
        raise TransactionFailedError("the grant transaction emitted no ConsentGranted event")


def _classes(data_classes: Sequence[bytes]) -> list[bytes]:
    classes = [bytes32(c, "data class") for c in data_classes]
    if not 1 <= len(classes) <= MAX_RECORD_CLASSES:
        raise InvalidInputError(f"a record has 1 to {MAX_RECORD_CLASSES} data classes")
    if len(set(classes)) != len(classes):
        raise InvalidInputError("a record's data classes repeat")
    return classes


def reason_hash(reason: str) -> bytes:
    """What the chain keeps of a break-glass reason: keccak256 of its text."""
    return keccak(text=reason.strip())


_GRANT_FIELDS = (
    ("patient", "address"),
    ("kind", "uint8"),
    ("grantee", "address"),
    ("granteeRole", "bytes32"),
    ("actions", "uint8"),
    ("purposes", "uint8"),
    ("start", "uint40"),
    ("end", "uint40"),
    ("targets", "bytes32[]"),
    ("keyBundleCid", "bytes"),
    ("nonce", "uint256"),
    ("deadline", "uint256"),
)


def _audit(log: Any, kind: str, actor: Any, **fields: Any) -> AuditEvent:
    return AuditEvent(
        kind=kind,
        patient=str(log["args"]["patient"]),
        actor=str(actor),
        block_number=int(log["blockNumber"]),
        tx_hash=log["transactionHash"].to_0x_hex(),
        log_index=int(log["logIndex"]),
        **fields,
    )
