"""The SDK's exception hierarchy.

Every error the SDK raises on purpose derives from :class:`HygeiaError`, so a backend can catch
one class; the subclasses say which part failed (chain, contract, store, crypto, input).
"""

from __future__ import annotations

from enum import Enum
from typing import Any


class HygeiaError(Exception):
    """Base class of every error raised by hygeia."""


class InvalidInputError(HygeiaError, ValueError):
    """A malformed argument: a bad address, id, date, key length or document."""


# --- chain and deployment -------------------------------------------------------------------


class ChainError(HygeiaError):
    """Talking to the chain failed."""


class RPCUnavailableError(ChainError):
    """The RPC endpoint cannot be reached (node down, wrong URL, refused connection)."""


class ChainIdMismatchError(ChainError):
    """The node answers with another chain id than the one asked for."""


class LogRangeError(ChainError):
    """The node refuses an `eth_getLogs` range even after it was shrunk to one block."""


class DeploymentNotFoundError(ChainError):
    """The address book has no deployment for this chain, or its contract has no code there."""


class TransactionFailedError(ChainError):
    """A transaction was mined but reverted without a decodable reason, or was dropped."""


class ContractRevertError(ChainError):
    """A contract reverted with a custom error, decoded to its name and arguments.

    Subclasses are generated per contract error name (see ``hygeia.core.chain.revert``), so code can
    catch ``ParticipantRegistryCredentialExpired`` directly or any revert via this class.
    """

    def __init__(self, name: str, args: dict[str, Any], contract: str | None = None) -> None:
        self.error_name = name
        self.error_args = args
        self.contract = contract
        shown = ", ".join(
            f"{k}={v.name if isinstance(v, Enum) else repr(v)}" for k, v in args.items()
        )
        super().__init__(f"{name}({shown})")


# --- accounts ---------------------------------------------------------------------------------


class AccountError(HygeiaError):
    """An account could not be loaded or used (missing keystore, wrong password, unknown name)."""


class SignInError(AccountError):
    """A Sign-In with Ethereum (EIP-4361) message was refused: another domain, URI or chain, a
    nonce not issued or already used, an expired message, or a signature by another account."""


class SignInBusyError(SignInError):
    """The gateway holds as many unused sign-in nonces as it allows: try again when some expire."""


class SessionTokenError(AccountError):
    """A gateway bearer token was refused: missing, malformed, forged or expired."""


# --- content store and records ----------------------------------------------------------------


class StoreError(HygeiaError):
    """The content store failed."""


class StoreUnavailableError(StoreError):
    """The IPFS node cannot be reached."""


class StoreTimeoutError(StoreError):
    """The content store did not answer in time."""


#: Store failures of the store itself (unreachable, or not answering), not of one content.
STORE_DOWN = (StoreUnavailableError, StoreTimeoutError)


class ContentNotFoundError(StoreError):
    """No content is stored under this CID."""


class InvalidCIDError(StoreError, InvalidInputError):
    """A string is not a valid CID."""


class IntegrityError(HygeiaError):
    """Content does not match its CID or digest: tampered, swapped or truncated."""


class CryptoError(HygeiaError):
    """Decryption or key unwrapping failed (wrong key, tampered ciphertext or wrapped key)."""


class MalformedEnvelopeError(CryptoError):
    """A record blob, wrapped key or key bundle is truncated or not in a format hygeia reads.

    Raised before any key is tried, so "this is not ours / cut short" is told apart from
    "this is ours but the key or binding is wrong" (:class:`DecryptionError`).
    """


class DecryptionError(CryptoError):
    """A record blob failed authentication: wrong data key, tampered bytes, or a blob moved
    to another record id, owner or version. AES-GCM cannot tell these apart, by design."""


class KeyUnwrapError(CryptoError):
    """A wrapped data key did not open: not addressed to this reader's key, or tampered."""


class EncryptionKeyPasswordError(AccountError):
    """The password does not open a record-encryption key file.

    An :class:`AccountError` rather than a :class:`CryptoError`: like a wrong keystore password
    it is a credential the user can retype, not evidence that record data was tampered with.
    """


class InvalidRecordError(InvalidInputError):
    """A health record payload is not a valid FHIR R4 resource."""


class FhirConsentError(InvalidInputError):
    """A FHIR Consent the suite cannot record as it stands (invalid FHIR R4, or an element the
    contract cannot express); `element` names where, FHIRPath-like."""

    def __init__(self, element: str, why: str) -> None:
        super().__init__(f"{element}: {why}")
        self.element = element
        self.error_args: dict[str, Any] = {"element": element}


class RecordNotFoundError(InvalidInputError):
    """No record is anchored under this id (or version)."""


class RecordErasedError(HygeiaError):
    """The record was crypto-shredded: its keys are gone and it can no longer be read or amended."""


class AccessDeniedError(HygeiaError):
    """The patient's consents do not allow this access; `reason` says why (AccessReason name)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class ReadRefusedError(HygeiaError):
    """The account may not read this patient's resources (it is not the patient, a delegate or
    a grantee with a matching permit)."""


class ResourceNotFoundError(HygeiaError):
    """No such resource, or none this account may see (the two are not told apart)."""


class KeyNotSharedError(CryptoError):
    """No wrapped data key for this reader exists: access may be allowed, but the key was never
    shared with this reader's published encryption key."""


class EncryptionKeyMissingError(AccountError):
    """A participant has published no X25519 encryption key in ParticipantRegistry."""


# --- drug provenance ------------------------------------------------------------------------

_SHOWN_SERIALS = 5  # repeated serials named in a DuplicateSerialError's message


class DuplicateSerialError(InvalidInputError):
    """Serial numbers of a lot about to be commissioned repeat: within its own list, or in an
    earlier lot of the same GTIN. GS1 requires an SGTIN (GTIN + serial) to be unique, and the
    contract cannot check it without a storage slot per serial, so the SDK refuses it.

    `serials` are the repeated serial numbers; `lot` the earlier lot that has them (None: the
    new lot's own list repeats them).
    """

    def __init__(self, gtin: str, serials: list[str], lot: str | None) -> None:
        self.gtin = gtin
        self.serials = serials
        self.lot = lot
        self.error_args: dict[str, Any] = {"gtin": gtin, "serials": serials, "lot": lot}
        shown = ", ".join(serials[:_SHOWN_SERIALS]) + (
            f" and {len(serials) - _SHOWN_SERIALS:,} more" if len(serials) > _SHOWN_SERIALS else ""
        )
        where = f"already commissioned in lot {lot!r}" if lot else "listed more than once"
        super().__init__(
            f"{len(serials):,} serial(s) of GTIN {gtin} {where}: {shown} "
            "(an SGTIN, GTIN + serial, must be unique)"
        )


class PartyWithoutGlnError(InvalidInputError):
    """A party of an EPCIS event (the signer at its place, a shipment's sender, receiver or
    owner) has no GS1 identifier: no party GLN bound on-chain (or its binding ended with its
    company prefix licence). Every EPCIS document names its parties by GLN, so the SDK writes
    none for such a party, and a trace reader refuses a stored document naming a party
    otherwise.

    `party` is the account (or the URI a stored document used); `role` what it is in the
    event: signer, sender, receiver or owner."""

    def __init__(self, party: str, role: str, detail: str = "") -> None:
        self.party = party
        self.role = role
        self.error_args: dict[str, Any] = {"party": party, "role": role}
        super().__init__(
            detail
            or (
                f"the {role} {party} has no GLN bound on-chain: every EPCIS event names its "
                "parties by GLN, so bind one first (hygeia provenance gln ..., as the licensee "
                "of its GS1 company prefix)"
            )
        )


class SsccError(InvalidInputError):
    """A Serial Shipping Container Code (GS1 AI 00, a case or pallet) is malformed: not 18
    digits, a wrong check digit, or not under the packer's GS1 company prefix. `sscc` is the
    text given, `reason` what is wrong with it."""

    def __init__(self, sscc: str, reason: str) -> None:
        self.sscc = sscc
        self.reason = reason
        self.error_args: dict[str, Any] = {"sscc": sscc, "reason": reason}
        super().__init__(f"bad SSCC {sscc!r}: {reason}")


# --- claims: X12 837P in, 835 out -------------------------------------------------------------


class X12Issue:
    """One defect of an X12 document: where (line, segment, element) and what."""

    __slots__ = ("element", "line", "message", "segment")

    def __init__(
        self, line: int | None, segment: str | None, element: str | None, message: str
    ) -> None:
        self.line = line
        self.segment = segment
        self.element = element
        self.message = message

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "segment": self.segment,
            "element": self.element,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = " ".join(
            part
            for part in (
                f"line {self.line}" if self.line is not None else "",
                f"segment {self.segment}" if self.segment else "",
                f"element {self.element}" if self.element else "",
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message

    def __repr__(self) -> str:
        return f"X12Issue({self.as_dict()!r})"


class X12Error(InvalidInputError):
    """An X12 document (an 837P read, an 835 written) is malformed or invalid. `issues` name each
    defect's line, segment and element; nothing was sent for a refused input file."""

    def __init__(self, message: str, issues: list[X12Issue] | None = None) -> None:
        self.issues = list(issues or [])
        self.error_args: dict[str, Any] = {"issues": [i.as_dict() for i in self.issues]}
        shown = "; ".join(str(i) for i in self.issues[:_SHOWN_SERIALS])
        more = len(self.issues) - _SHOWN_SERIALS
        if more > 0:
            shown += f"; and {more} more"
        super().__init__(f"{message}: {shown}" if shown else message)


class PayerProfileError(InvalidInputError):
    """The payer profile (who the payer is, who its payees are, how it pays) is missing, malformed
    or lacks what an 835 needs; the message names the field."""


class RemittanceStateError(HygeiaError):
    """The remittance state folder (control numbers, claims already remitted) cannot be read,
    locked or written."""


# --- the event index ------------------------------------------------------------------------


class IndexStoreError(HygeiaError):
    """The event index's database failed or holds something this hygeia cannot use."""


class IndexUnavailableError(IndexStoreError):
    """The index database refuses a connection or lost it (retried with backoff first)."""


class IndexMismatchError(IndexStoreError):
    """The index database holds another chain's or another deployment's events."""


# --- the gateway (hygeia serve) -----------------------------------------------------------------


class RequestAuthError(HygeiaError):
    """A signed request that proves nothing: its `Authorization` header is missing or malformed,
    its signature does not verify, its timestamp is outside the accepted window, or its nonce
    was used before (a replay). HTTP 401."""


class RequesterNotAuthorisedError(HygeiaError):
    """The requester proved its account, but that account may not ask this: it holds no active
    trading-partner credential (verification), or is neither the claim's provider nor its
    plan's insurer (claims). HTTP 403."""


class UnknownProductError(InvalidInputError):
    """No product is registered under this GTIN. HTTP 404."""


class RequestTooLargeError(InvalidInputError):
    """A request longer than the gateway accepts (its target or its body). HTTP 413 / 414."""


class ClaimNotFoundError(InvalidInputError):
    """No claim is submitted under this id. HTTP 404."""
