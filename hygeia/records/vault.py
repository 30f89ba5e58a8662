"""Encrypted health records: put, get, amend, history and erase, over a content store and the chain.

The chain holds a record's pseudonymous id, its data class ids (its FHIR resource type and
categories, see classes), and per version the ciphertext digest and a digest of the envelope's and
key bundle's CIDs; the CIDs themselves travel in the RecordAnchored event, and every anchor read
from an event is checked against storage before use. A version is stored as one file: its
envelope carries its key bundle (envelope format 2), so both CIDs are that file's.
Each version is sealed under a fresh data key, wrapped for the owner, the author and every account
the patient's consents permit to ACCESS the record at the time of writing (see key_policy): a
reader whose consent was revoked, or who is denied this record, gets no key to any later version.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from hygeia.consent.client import (
    MAX_RECORD_CLASSES,
    ConsentRegistryClient,
    RecordAnchor,
    RecordState,
    new_record_salt,
    record_id_of,
)
from hygeia.core.chain.transactions import Receipt
from hygeia.core.contract_types import Action, Purpose
from hygeia.core.errors import (
    STORE_DOWN,
    AccessDeniedError,
    ContentNotFoundError,
    CryptoError,
    EncryptionKeyMissingError,
    IntegrityError,
    InvalidCIDError,
    InvalidInputError,
    KeyNotSharedError,
    MalformedEnvelopeError,
    RecordErasedError,
    RecordNotFoundError,
    StoreError,
)
from hygeia.core.store.base import ContentStore
from hygeia.records.classes import class_ids, record_classes
from hygeia.records.envelope import (
    FORMAT_VERSION,
    MAGIC,
    DigestingStream,
    RecordRef,
    decrypt_record,
    seal_record,
    verify_digest,
)
from hygeia.records.fhir import ValidatedRecord, validate_fhir
from hygeia.records.key_policy import KeyPolicy, KeyTarget
from hygeia.records.keys import public_key_bytes
from hygeia.records.keywrap import build_key_bundle, unwrap_data_key
from hygeia.records.manifests import (
    GrantKeyManifest,
    address_bytes,
    cid_bytes,
    cid_text,
    load_bundle,
    parse_bundle,
)
from hygeia.suite import Suite


@dataclass(frozen=True)
class StoredVersion:
    """What writing one record version did."""

    record_id: bytes
    version: int
    data_classes: tuple[str, ...]
    cid: str
    key_bundle_cid: str
    readers: tuple[str, ...]
    tx_hash: str
    gas_used: int

    @property
    def data_class(self) -> str:
        """The first of its data classes: the FHIR resource type."""
        return self.data_classes[0]

    def as_json(self) -> dict[str, Any]:
        return {
            "record_id": "0x" + self.record_id.hex(),
            "version": self.version,
            "data_classes": list(self.data_classes),
            "data_class_ids": [_class_id_text(name) for name in self.data_classes],
            "cid": self.cid,
            "key_bundle_cid": self.key_bundle_cid,
            "readers": list(self.readers),
            "tx": self.tx_hash,
            "gas_used": self.gas_used,
        }


@dataclass(frozen=True)
class OpenedRecord:
    """A record version read and decrypted: the validated FHIR resource and where it came from."""

    record_id: bytes
    version: int
    patient: str
    record: ValidatedRecord
    cid: str
    access_logged_in: str | None


@dataclass(frozen=True)
class ErasureReport:
    """What erasing a record did: the CIDs unpinned, and those it names but that could not be
    shown to be its own (another record's content, say), left pinned."""

    record_id: bytes
    tx_hash: str | None  # None when the record was erased on chain already
    unpinned: tuple[str, ...]
    kept: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Sealed:
    """A version encrypted and stored, not yet anchored."""

    ref: RecordRef
    cid: str
    bundle_cid: str
    digest: bytes
    readers: tuple[str, ...]

    def stored(self, data_classes: tuple[str, ...], receipt: Receipt) -> StoredVersion:
        return StoredVersion(
            self.ref.record_id,
            self.ref.version,
            data_classes,
            self.cid,
            self.bundle_cid,
            self.readers,
            receipt.tx_hash,
            receipt.gas_used,
        )


class RecordVault:
    """Records of patients as seen by one participant (the suite's signer and its X25519 key).

    `key` is the participant's record-encryption private key; it is needed to read (and to share
    keys when granting), not to write.
    """

    def __init__(
        self,
        suite: Suite,
        store: ContentStore,
        key: X25519PrivateKey | None = None,
    ) -> None:
        if suite.sender is None:
            raise InvalidInputError("a record vault needs a suite with a signer")
        self.suite = suite
        self.store = store
        self.key = key
        self.me = suite.sender.address
        self.consent: ConsentRegistryClient = suite.consent
        self.policy = KeyPolicy(self.consent)
        self.from_block = suite.deployment.contracts["ConsentRegistry"].block_number

    # ------------------------------------------------------------ writing
    def put(
        self,
        patient: str,
        payload: bytes | str | dict[str, Any],
        *,
        data_class: str | None = None,
        extra_classes: Iterable[str] = (),
    ) -> StoredVersion:
        """Validate, encrypt, store and anchor version 1 of a new record of `patient`.

        The record is filed under its data classes (hygeia.records.classes): its FHIR resource
        type and its categories, plus `data_class` and `extra_classes` if given (a writer adds
        classes, never drops those of the content). The author is the signer: the patient, a
        delegate, or a provider holding a COLLECT consent for the classes.
        """
        record = validate_fhir(payload)
        extra = ([data_class] if data_class else []) + list(extra_classes)
        names = record_classes(record.resource, extra)
        salt = new_record_salt()
        record_id = record_id_of(patient, self.me, salt)
        ref = RecordRef(record_id, address_bytes(patient), 1)
        ids = class_ids(names)
        target = KeyTarget(record_id, ids, anchored=False)
        sealed = self._seal(patient, ref, _canonical(payload), target)
        with self._unpinned_unless_anchored(sealed):
            receipt = self.consent.anchor_record(
                patient,
                salt,
                ids,
                cid_bytes(sealed.cid),
                sealed.digest,
                cid_bytes(sealed.bundle_cid),
            )
        return sealed.stored(names, receipt)

    def amend(
        self,
        record_id: bytes,
        payload: bytes | str | dict[str, Any],
        *,
        extra_classes: Iterable[str] = (),
        drop_classes: Iterable[str] = (),
    ) -> StoredVersion:
        """Add a version to a record (the previous ones stay in its history).

        The record keeps its classes and gains those of the new content (its type and
        categories, hygeia.records.classes) and `extra_classes`; a class leaves it only when
        named in `drop_classes` (and not in the new content), so no amendment silently takes a
        record out from under a deny. When the classes change, the amendment changes them
        on-chain (amendRecordClasses) and the key policy asks about the new ones.
        """
        state = self._live(record_id)
        assert state.patient is not None
        record = validate_fhir(payload)
        derived = record_classes(record.resource, extra_classes)
        dropped = set(class_ids(tuple(name.strip() for name in drop_classes)))
        kept_back = dropped & set(class_ids(derived))
        if kept_back:
            raise InvalidInputError(
                "the new version's content or --class names a class you asked to drop"
            )
        ids = tuple(dict.fromkeys(c for c in (*state.data_classes, *class_ids(derived))))
        ids = tuple(c for c in ids if c not in dropped)
        if len(ids) > MAX_RECORD_CLASSES:
            raise InvalidInputError(
                f"the record would carry {len(ids)} data classes, more than "
                f"{MAX_RECORD_CLASSES}: drop some of its old ones"
            )
        names = tuple(_class_name(c, derived) for c in ids)
        version = state.latest_version + 1
        ref = RecordRef(record_id, address_bytes(state.patient), version)
        reclassed = ids != state.data_classes
        target = KeyTarget(record_id, ids, reclassed=reclassed)
        sealed = self._seal(state.patient, ref, _canonical(payload), target)
        with self._unpinned_unless_anchored(sealed):
            receipt = self.consent.amend_record(
                record_id,
                cid_bytes(sealed.cid),
                sealed.digest,
                cid_bytes(sealed.bundle_cid),
                data_classes=ids if reclassed else None,
            )
        return sealed.stored(names, receipt)

    # ------------------------------------------------------------ reading
    def get(
        self, record_id: bytes, *, version: int | None = None, purpose: Purpose = Purpose.TREAT
    ) -> OpenedRecord:
        """Read a record version (the latest by default).

        A reader other than the patient or a delegate must be allowed ACCESS for `purpose` by the
        patient's consents (or an open break-glass for ETREAT); the read is then logged on-chain
        (RecordAccessed) before the content is fetched. The content is checked against its CID,
        the on-chain digests and its key bundle, then decrypted.
        """
        if self.key is None:
            raise InvalidInputError("reading a record needs your record-encryption private key")
        state = self._live(record_id)
        assert state.patient is not None
        patient = state.patient
        anchor = self._anchor(record_id, version or state.latest_version)
        logged = None
        if not self._acts_for(patient):
            decision = self.consent.check_access(
                patient, self.me, record_id, Action.ACCESS, purpose
            )
            if not decision.allowed:
                raise AccessDeniedError(
                    f"{self.me} may not read record 0x{record_id.hex()} of {patient} for "
                    f"{purpose.name}: {decision.reason.name.lower()}",
                    decision.reason.name,
                )
            logged = self.consent.log_access(
                patient, record_id, purpose, decision.consent_id
            ).tx_hash

        ref = RecordRef(record_id, address_bytes(patient), anchor.version)
        blob = self._fetch_envelope(anchor)
        data_key = unwrap_data_key(self._wrap_for_me(anchor, ref, blob), self.key, ref)
        plaintext = decrypt_record(blob, data_key, ref)
        opened = validate_fhir(plaintext)
        _check_classes(record_id, anchor, opened)
        return OpenedRecord(
            record_id,
            anchor.version,
            patient,
            opened,
            cid_text(anchor.cid),
            logged,
        )

    def history(self, record_id: bytes) -> tuple[RecordState, list[RecordAnchor]]:
        """The record's state and every version anchored, oldest first."""
        state = self.consent.record_of(record_id)
        if state.patient is None:
            raise RecordNotFoundError(f"no record 0x{record_id.hex()} is anchored")
        return state, self.versions(record_id)

    def versions(self, record_id: bytes) -> list[RecordAnchor]:
        """Every anchored version of a record, oldest first, each checked against storage."""
        return [
            self.consent.check_anchor(anchor)
            for anchor in self.consent.anchors(record_id=record_id, from_block=self.from_block)
        ]

    def records_of(self, patient: str) -> list[RecordAnchor]:
        """The latest anchored version of each record of `patient`, checked against storage."""
        latest: dict[bytes, RecordAnchor] = {}
        for anchor in self.consent.anchors(patient=patient, from_block=self.from_block):
            latest[anchor.record_id] = anchor
        return [self.consent.check_anchor(anchor) for anchor in latest.values()]

    # ------------------------------------------------------------ erasure
    def erase(self, record_id: bytes) -> ErasureReport:
        """Crypto-shred a record (GDPR Art. 17): mark it erased on-chain, then unpin every envelope
        and every key bundle of it, so no copy of its data keys stays pinned by this store.

        Only content shown to be this record's is unpinned: a key bundle (a document, or carried
        by a format 2 envelope) made for one of its versions, or a format 1 envelope that this
        participant's key decrypts as one. Its author chose the CIDs it anchored, and one naming
        another record's content must not take that record down with it; what is left pinned
        is listed in the report as kept.

        Erasing a record erased already sends nothing and unpins again: how an erasure that the
        store cut short after its transaction is finished. A store failure is raised after every
        CID it allowed was handled, saying to run the erasure again.

        The chain keeps only ids and digests. Copies on other IPFS nodes, and data a reader
        already decrypted, cannot be recalled.
        """
        state, anchors = self.history(record_id)
        assert state.patient is not None
        tx_hash = None if state.erased else self.consent.erase_record(record_id).tx_hash
        named: dict[str, list[RecordAnchor]] = {}
        for a in anchors:
            for raw in (a.cid, a.key_bundle_cid):
                named.setdefault(_readable_cid(raw), []).append(a)
        for manifest in self.grant_manifests(state.patient, grantee=None):
            for a in anchors:
                if (cid := manifest.bundle_for(record_id, a.version)) is not None:
                    named.setdefault(cid, []).append(a)
        unpinned: list[str] = []
        kept: list[str] = []
        failure: StoreError | None = None
        for cid, versions in named.items():
            if not cid:
                continue  # a CID this SDK cannot read names nothing in its store
            if isinstance(failure, STORE_DOWN):
                break  # no other CID is tried: the store itself is gone
            try:
                if any(self._is_own_content(cid, a) for a in versions):
                    self.store.unpin(cid)
                    unpinned.append(cid)
                else:
                    kept.append(cid)
            except StoreError as exc:
                failure = failure or exc
        collect: Callable[[], Any] | None = getattr(self.store, "gc", None)
        if collect is not None and failure is None:
            collect()
        if failure is not None:
            left = len(named) - len(unpinned) - len(kept)
            raise type(failure)(
                f"record 0x{record_id.hex()} is erased on chain, but {left} object(s) it names "
                f"were not unpinned ({failure}); run the erasure again to finish it"
            ) from failure
        return ErasureReport(record_id, tx_hash, tuple(unpinned), tuple(kept))

    # ------------------------------------------------------------ internals
    @contextmanager
    def _unpinned_unless_anchored(self, sealed: _Sealed) -> Iterator[None]:
        """A version whose anchoring fails leaves no pinned orphan behind in the store."""
        try:
            yield
        except BaseException:
            for cid in dict.fromkeys((sealed.cid, sealed.bundle_cid)):
                with suppress(StoreError):
                    self.store.unpin(cid)
            raise

    def _seal(self, patient: str, ref: RecordRef, plaintext: bytes, target: KeyTarget) -> _Sealed:
        owner_key = self.public_key_of(patient)
        readers = self._readers_for(patient, target)
        wraps = {address_bytes(r): k for r, k in readers.items()}

        def bundle_for(data_key: bytes) -> bytes:
            return build_key_bundle(data_key, ref, owner_key, wraps).to_json()

        # Encrypted, and hashed for the chain, as the store writes it; one file, bundle inside.
        envelope = DigestingStream(seal_record(plaintext, ref, bundle_for))
        (cid,) = self.store.add_all([envelope])
        return _Sealed(
            ref,
            cid=cid,
            bundle_cid=cid,
            digest=envelope.digest,
            readers=tuple(readers),
        )

    def _is_own_content(self, cid: str, anchor: RecordAnchor) -> bool:
        """Whether the content at `cid`, which `anchor` names, was made for `anchor`'s version:
        a key bundle for it, or a format 1 envelope (which names no version in the clear) that
        decrypts as it. Content the store does not hold counts as own: unpinning it does
        nothing."""
        ref = RecordRef(anchor.record_id, address_bytes(anchor.patient), anchor.version)
        try:
            opening = self.store.head(cid, len(MAGIC) + 1)
            if opening != MAGIC + bytes([FORMAT_VERSION]):
                load_bundle(self.store, cid, ref)
                return True
            if self.key is None:
                return False
            blob = self.store.cat(cid)
            wrapped = self._wrap_for_me(anchor, ref, blob)
            decrypt_record(blob, unwrap_data_key(wrapped, self.key, ref), ref)
            return True
        except ContentNotFoundError:
            return True
        except (CryptoError, IntegrityError):
            return False

    def _readers_for(self, patient: str, target: KeyTarget) -> dict[str, bytes]:
        """Accounts other than the owner to wrap a new version's key for: the author (who wrote
        the plaintext), and every account the key policy lets hold the record's key now."""
        readers: dict[str, bytes] = {}
        if self.me != patient and (own := self._own_public_key()) is not None:
            readers[self.me] = own
        now = self.policy.now()
        for grantee, purposes in self._account_permits(patient).items():
            if grantee in readers or grantee == patient:
                continue
            if self.policy.may_hold_key(patient, grantee, target, purposes, now=now):
                key = self.suite.participants.encryption_key_of(grantee)
                if key is not None:
                    readers[grantee] = key
        return readers

    def _account_permits(self, patient: str) -> dict[str, Purpose]:
        """Candidate readers: account grantees of the patient's ACCESS permits (from events, so
        only candidates: the key policy asks the chain), with the purposes granted to each."""
        candidates: dict[str, Purpose] = {}
        for consent in self.consent.consents(patient, self.from_block):
            grantee = consent.grantee
            if (
                grantee is None
                or consent.revoked_by is not None
                or not consent.actions & Action.ACCESS
            ):
                continue
            candidates[grantee] = candidates.get(grantee, Purpose(0)) | consent.purposes
        return candidates

    def public_key_of(self, account: str) -> bytes:
        key = self.suite.participants.encryption_key_of(account)
        if key is None:
            raise EncryptionKeyMissingError(
                f"{account} has published no encryption key (ParticipantRegistry.setEncryptionKey)"
            )
        return key

    def _own_public_key(self) -> bytes | None:
        if self.key is not None:
            return public_key_bytes(self.key)
        return self.suite.participants.encryption_key_of(self.me)

    def _acts_for(self, patient: str) -> bool:
        return self.me == patient or self.consent.is_delegate(patient, self.me)

    def _live(self, record_id: bytes) -> RecordState:
        state = self.consent.record_of(record_id)
        if state.patient is None:
            raise RecordNotFoundError(f"no record 0x{record_id.hex()} is anchored")
        if state.erased:
            raise RecordErasedError(f"record 0x{record_id.hex()} was erased")
        return state

    def _anchor(self, record_id: bytes, version: int) -> RecordAnchor:
        for anchor in self.consent.anchors(record_id=record_id, from_block=self.from_block):
            if anchor.version == version:
                return self.consent.check_anchor(anchor)
        raise RecordNotFoundError(f"record 0x{record_id.hex()} has no version {version}")

    def _fetch_envelope(self, anchor: RecordAnchor) -> bytes:
        # `anchor` was checked against storage (check_anchor): its CID is the anchored one.
        blob = self.store.cat(cid_text(anchor.cid))  # the store checks content against the CID
        verify_digest(blob, anchor.ciphertext_digest)
        return blob

    def _wrap_for_me(self, anchor: RecordAnchor, ref: RecordRef, blob: bytes) -> Any:
        """`me`'s wrap of the version's data key: from its own bundle (carried in `blob`, the
        version's envelope, or a document of its own) or from a grant's manifest."""
        me = address_bytes(self.me)
        bundle_cid = cid_text(anchor.key_bundle_cid)
        if anchor.key_bundle_cid == anchor.cid:
            bundle = parse_bundle(blob, bundle_cid, ref)
        else:
            bundle = load_bundle(self.store, bundle_cid, ref)
        if (wrapped := bundle.for_reader(me)) is not None:
            return wrapped
        for manifest in self.grant_manifests(anchor.patient, grantee=self.me):
            shared_cid = manifest.bundle_for(anchor.record_id, anchor.version)
            if shared_cid is None:
                continue
            shared = load_bundle(self.store, shared_cid, ref).for_reader(me)
            if shared is not None:
                return shared
        raise KeyNotSharedError(
            f"no data key of record 0x{anchor.record_id.hex()} v{anchor.version} was shared "
            f"with {self.me}'s encryption key"
        )

    def grant_manifests(self, patient: str, grantee: str | None) -> list[GrantKeyManifest]:
        """The key manifests `patient` published for `grantee` (every grantee when None): those
        of its grants (ConsentGranted) and of later key shares (ConsentKeysShared). A manifest
        only offers wrapped keys; each is checked against its record version when used."""
        cids: list[bytes] = []
        for consent in self.consent.consents(patient, self.from_block):
            if consent.key_bundle_cid and (grantee is None or consent.grantee == grantee):
                cids.append(consent.key_bundle_cid)
        cids += [cid for _, cid in self.consent.key_shares(patient, grantee, self.from_block)]
        manifests = []
        for cid in cids:
            try:
                manifest = GrantKeyManifest.from_json(self.store.cat(cid_text(cid)))
            except (ContentNotFoundError, MalformedEnvelopeError):
                continue  # not on this store, or not a manifest this SDK wrote
            if grantee is None or manifest.grantee.lower() == grantee.lower():
                manifests.append(manifest)
        return manifests


def _readable_cid(raw: bytes) -> str:
    """The CIDv1 text of an anchored CID, or "" for one this SDK cannot read (the contract
    takes any bytes of a CID's length)."""
    try:
        return cid_text(raw)
    except InvalidCIDError:
        return ""


def _class_id_text(name: str) -> str:
    """The 0x id of a class name (a name that is already an id stays as it is)."""
    if len(name) == 66 and name.startswith("0x"):
        return name
    return "0x" + class_ids([name])[0].hex()


def _class_name(class_id: bytes, names: tuple[str, ...]) -> str:
    """A class's name when one of `names` is it, else its 0x id (the chain keeps only ids)."""
    for name in names:
        if class_ids([name])[0] == class_id:
            return name
    return "0x" + class_id.hex()


def _check_classes(record_id: bytes, anchor: RecordAnchor, opened: ValidatedRecord) -> None:
    """A version whose content has a class its anchor does not carry was misfiled by its writer
    (a deny on that class was not applied to it): refused, not returned."""
    missing = [
        name
        for name in record_classes(opened.resource)
        if class_ids([name])[0] not in anchor.data_classes
    ]
    if missing:
        raise IntegrityError(
            f"record 0x{record_id.hex()} v{anchor.version} is anchored without data class(es) "
            f"{', '.join(missing)} that its content has: its writer misfiled it, not used"
        )


def _canonical(payload: bytes | str | dict[str, Any]) -> bytes:
    """The exact bytes to encrypt: the author's own text, or compact JSON for a parsed object."""
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        return payload.encode()
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
