"""Consents with their keys: grant (sharing wrapped keys), sign and relay gasless grants, revoke.

A permit that lets an account ACCESS records comes with the keys to them: for every version of
every record the key policy lets the grantee read (the grant covers it and no deny stands in the
way), the patient re-wraps the data key to the grantee's published X25519 key, stores one key
bundle per version, and references a manifest of them from the grant's event. A consent that
starts later, or a grantee that rotated its key, gets its keys with `share_keys` (a
ConsentKeysShared event). Nothing about keys is stored by the contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hygeia.consent.client import Consent, GrantRequest, GrantSignature
from hygeia.consent.fhir import ConsentImport, consent_from_fhir
from hygeia.core.chain.signers import Signer
from hygeia.core.chain.transactions import Receipt
from hygeia.core.contract_types import Action, ProvisionType, Purpose
from hygeia.core.errors import (
    STORE_DOWN,
    CryptoError,
    IntegrityError,
    InvalidInputError,
    StoreError,
)
from hygeia.core.times import iso, parse_iso
from hygeia.records.envelope import RecordRef
from hygeia.records.key_policy import KeyTarget
from hygeia.records.keywrap import build_key_bundle, unwrap_data_key
from hygeia.records.manifests import (
    GrantKeyManifest,
    address_bytes,
    cid_bytes,
    cid_text,
    load_bundle,
    version_key,
)
from hygeia.records.vault import RecordVault

SIGNED_GRANT_FORMAT = "hygeia/signed-grant/v1"


@dataclass(frozen=True)
class GrantResult:
    """A consent recorded: its key manifest, how many record versions' keys it shares, and the
    covered versions whose keys could not be shared ("0x<record id> v<version>: why")."""

    consent_id: int
    key_manifest_cid: str | None
    records_shared: int
    tx_hash: str
    gas_used: int
    records_unshared: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "consent_id": str(self.consent_id),
            "key_manifest_cid": self.key_manifest_cid,
            "records_shared": self.records_shared,
            "records_unshared": list(self.records_unshared),
            "tx": self.tx_hash,
            "gas_used": self.gas_used,
        }


@dataclass(frozen=True)
class SignedGrant:
    """A patient's EIP-712 signed grant, ready for anyone to relay (`hygeia consent relay`)."""

    chain_id: int
    contract: str
    patient: str
    request: GrantRequest
    key_manifest_cid: str | None
    records_shared: int
    nonce: int
    deadline: datetime
    signature: bytes
    records_unshared: tuple[str, ...] = ()

    @property
    def grant_signature(self) -> GrantSignature:
        return GrantSignature(self.nonce, self.deadline, self.signature)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": SIGNED_GRANT_FORMAT,
            "chain_id": self.chain_id,
            "contract": self.contract,
            "patient": self.patient,
            "request": self.request.to_json(),
            "key_manifest_cid": self.key_manifest_cid,
            "records_shared": self.records_shared,
            "records_unshared": list(self.records_unshared),
            "nonce": self.nonce,
            "deadline": iso(self.deadline),
            "signature": "0x" + self.signature.hex(),
        }

    @classmethod
    def from_json(cls, doc: Any) -> SignedGrant:
        if not isinstance(doc, dict) or doc.get("format") != SIGNED_GRANT_FORMAT:
            raise InvalidInputError(f"not a signed grant (format {SIGNED_GRANT_FORMAT})")
        try:
            return cls(
                chain_id=int(doc["chain_id"]),
                contract=str(doc["contract"]),
                patient=str(doc["patient"]),
                request=GrantRequest.from_json(doc["request"]),
                key_manifest_cid=doc.get("key_manifest_cid"),
                records_shared=int(doc.get("records_shared", 0)),
                records_unshared=tuple(str(line) for line in doc.get("records_unshared", ())),
                nonce=int(doc["nonce"]),
                deadline=parse_iso(doc["deadline"], "deadline"),
                signature=bytes.fromhex(str(doc["signature"]).removeprefix("0x")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInputError(f"malformed signed grant: {exc}") from None


class ConsentManager:
    """A patient's (or delegate's) consents, with key sharing through the vault's store."""

    def __init__(self, vault: RecordVault) -> None:
        self.vault = vault
        self.consent = vault.consent

    def grant_fhir(
        self,
        patient: str,
        resource: Mapping[str, Any],
        references: Mapping[str, str] | None = None,
    ) -> tuple[ConsentImport, list[GrantResult]]:
        """Record a FHIR R4 Consent of `patient` (hygeia.consent.fhir): all of it is checked
        before anything is sent, then its grants are recorded denies first, so a failure part way
        never leaves a permit in force without the exceptions that came with it."""
        imported = consent_from_fhir(
            resource,
            patient=patient,
            chain_id=int(self.consent.w3.eth.chain_id),
            now=self.vault.policy.now(),
            references=references,
        )
        return imported, [self.grant(patient, request) for request in imported.grants]

    def grant(self, patient: str, request: GrantRequest) -> GrantResult:
        """Record a consent of `patient`; a permit to ACCESS shares the covered records' keys."""
        manifest_cid, shared, unshared = self._share_keys(patient, request)
        receipt, consent_id = self.consent.grant(
            patient, request, cid_bytes(manifest_cid) if manifest_cid else b""
        )
        return GrantResult(
            consent_id, manifest_cid, shared, receipt.tx_hash, receipt.gas_used, unshared
        )

    def sign(self, signer: Signer, request: GrantRequest, deadline: datetime) -> SignedGrant:
        """The patient signs a grant off-chain (no gas); keys are shared to the store at once.

        Only the patient signs its own grants: a delegate grants with :meth:`grant`.
        """
        patient = signer.address
        manifest_cid, shared, unshared = self._share_keys(patient, request)
        key_cid = cid_bytes(manifest_cid) if manifest_cid else b""
        signed = self.consent.sign_grant(signer, request, key_cid, deadline)
        return SignedGrant(
            chain_id=int(self.consent.w3.eth.chain_id),
            contract=self.consent.address,
            patient=patient,
            request=request,
            key_manifest_cid=manifest_cid,
            records_shared=shared,
            nonce=signed.nonce,
            deadline=signed.deadline,
            signature=signed.signature,
            records_unshared=unshared,
        )

    def relay(self, signed: SignedGrant) -> GrantResult:
        """Submit a signed grant (the relayer pays the gas)."""
        chain_id = int(self.consent.w3.eth.chain_id)
        if signed.chain_id != chain_id or signed.contract.lower() != self.consent.address.lower():
            raise InvalidInputError(
                f"this grant was signed for ConsentRegistry {signed.contract} on chain "
                f"{signed.chain_id}, not {self.consent.address} on chain {chain_id}"
            )
        key_cid = cid_bytes(signed.key_manifest_cid) if signed.key_manifest_cid else b""
        receipt, consent_id = self.consent.grant_by_sig(
            signed.patient, signed.request, key_cid, signed.grant_signature
        )
        return GrantResult(
            consent_id,
            signed.key_manifest_cid,
            signed.records_shared,
            receipt.tx_hash,
            receipt.gas_used,
            signed.records_unshared,
        )

    def revoke(self, patient: str, consent_id: int) -> Receipt:
        """Revoke a consent at once. Later record versions are sealed under fresh data keys that
        are no longer wrapped for the grantee; what the grantee already read cannot be recalled."""
        found = self.consent.consent(patient, consent_id, self.vault.from_block)
        if found.revoked_by is not None:
            raise InvalidInputError(f"consent {consent_id} is already revoked")
        return self.consent.revoke(found)

    def share_keys(self, patient: str, consent_id: int) -> GrantResult:
        """Share, under an existing permit, the keys of every record the key policy lets its
        grantee read now: for a consent that has started since it was granted, or a grantee that
        published a new encryption key."""
        found = self.consent.consent(patient, consent_id, self.vault.from_block)
        if (
            found.kind is not ProvisionType.PERMIT
            or found.grantee is None
            or not found.actions & Action.ACCESS
        ):
            raise InvalidInputError(
                f"consent {consent_id} is not a permit to ACCESS given to an account: "
                "it carries no keys"
            )
        manifest_cid, shared, unshared = self._manifest(
            patient, found.grantee, found.purposes, found.targets, None
        )
        receipt = self.consent.share_consent_keys(found, cid_bytes(manifest_cid))
        return GrantResult(
            consent_id, manifest_cid, shared, receipt.tx_hash, receipt.gas_used, unshared
        )

    def list(self, patient: str) -> list[Consent]:
        return self.consent.consents(patient, self.vault.from_block)

    # ------------------------------------------------------------ internals
    def _share_keys(
        self, patient: str, request: GrantRequest
    ) -> tuple[str | None, int, tuple[str, ...]]:
        """The key manifest a new grant carries: none unless it is an account permit to ACCESS
        that is in force now (one that starts later gets its keys with share_keys)."""
        if (
            request.kind is not ProvisionType.PERMIT
            or not request.actions & Action.ACCESS
            or request.grantee is None
        ):
            return None, 0, ()
        now = self.vault.policy.now()
        if not request.in_period(now):
            return None, 0, ()
        return self._manifest(
            patient, request.grantee, request.purposes, request.targets, request, now
        )

    def _manifest(
        self,
        patient: str,
        grantee: str,
        purposes: Purpose,
        targets: tuple[bytes, ...],
        pending: GrantRequest | None,
        now: datetime | None = None,
    ) -> tuple[str, int, tuple[str, ...]]:
        """Wrap, for `grantee`, the data key of every version of every record of `patient` that
        the consent covers (`targets`: record or class ids, none for all data) and the key policy
        lets it hold, each version decided on its own classes (a version filed under a class the
        grantee is denied is skipped); store the bundles and their manifest. Returns the
        manifest's CID, how many versions it shares, and the covered versions whose keys could
        not be shared, each with why: content this store does not hold, or that is not a key
        bundle of that version the patient's key opens (a record anchored with another's
        content, say). Those are skipped, so no one record can stop a grant."""
        vault = self.vault
        if vault.key is None:
            raise InvalidInputError(
                "sharing record keys needs the patient's record-encryption private key"
            )
        grantee_key = vault.public_key_of(grantee)
        owner_key = vault.public_key_of(patient)
        now = vault.policy.now() if now is None else now
        bundles: dict[str, str] = {}
        unshared: list[str] = []
        for latest in vault.records_of(patient):
            target = KeyTarget(latest.record_id, latest.data_classes)
            if targets and not {latest.record_id, *latest.data_classes} & set(targets):
                continue
            if not vault.policy.may_hold_key(
                patient, grantee, target, purposes, pending=pending, now=now
            ):
                continue
            for anchor in vault.versions(latest.record_id):
                # each older version under its own classes (its anchor event's, which
                # check_anchor compared with the version's digest): none may sit under a deny
                if anchor.data_classes != latest.data_classes and not vault.policy.may_hold_key(
                    patient,
                    grantee,
                    target,
                    purposes,
                    pending=pending,
                    now=now,
                    version_classes=anchor.data_classes,
                ):
                    continue
                ref = RecordRef(anchor.record_id, address_bytes(patient), anchor.version)
                try:
                    own = load_bundle(vault.store, cid_text(anchor.key_bundle_cid), ref)
                    wrapped = own.for_reader(ref.owner)
                    assert wrapped is not None  # a KeyBundle always holds the owner's wrap
                    data_key = unwrap_data_key(wrapped, vault.key, ref)
                except STORE_DOWN:
                    raise  # the store is gone, not this record: nothing is shared
                except (StoreError, CryptoError, IntegrityError) as exc:
                    unshared.append(
                        f"0x{anchor.record_id.hex()} v{anchor.version}: {type(exc).__name__}: {exc}"
                    )
                    continue
                shared = build_key_bundle(
                    data_key, ref, owner_key, {address_bytes(grantee): grantee_key}
                )
                bundles[version_key(anchor.record_id, anchor.version)] = vault.store.add(
                    shared.to_json()
                )
        manifest = GrantKeyManifest(patient, grantee, bundles)
        return vault.store.add(manifest.to_json()), len(bundles), tuple(unshared)
