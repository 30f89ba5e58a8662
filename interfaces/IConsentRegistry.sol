// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IConsentRegistry
/// @notice Patient-controlled consent (HL7 FHIR Consent provisions), pseudonymous record anchors,
/// delegates, break-glass emergency access and the access audit trail of the hygeia suite.
/// @dev Privacy: only bytes32 ids, digests and hashes go on-chain, never PHI. Record and data-class
/// ids are opaque bytes32 (a data class is keccak256 of a FHIR resource type or category name). A
/// record carries one to {MAX_RECORD_CLASSES} data classes (its resource type and its categories):
/// a provision on any of them covers it, and a deny on any of them overrides every permit.
interface IConsentRegistry {
    /// @notice FHIR `provision.type`.
    enum ProvisionType {
        Permit,
        Deny
    }

    /// @notice Why {checkAccess} answered as it did. `Permitted` and `BreakGlass` allow access.
    /// @dev Precedence: a matching permit with no matching deny is `Permitted`; otherwise an open
    /// break-glass (ETREAT + ACCESS) is `BreakGlass` (an audited override, also of a deny); otherwise
    /// `Denied` if a deny matched; otherwise the most telling near miss of a permit: Expired >
    /// NotYet > Revoked > NoPermit. `RecordErased` short-cuts everything for an erased record.
    enum AccessReason {
        None,
        Permitted,
        BreakGlass,
        NoPermit,
        Denied,
        Expired,
        NotYet,
        Revoked,
        RecordErased
    }

    /// @notice A grant as the patient (or delegate) states it.
    /// @param kind permit or deny.
    /// @param grantee the account the provision is about; zero when `granteeRole` is set.
    /// @param granteeRole a suite role: the provision is about every holder of it (a permit only
    /// for holders for whom ParticipantRegistry.isActive answers true); zero when `grantee` is set.
    /// @param actions bit set of ConsentPolicy ACTION_* values.
    /// @param purposes bit set of ConsentPolicy PURPOSE_* values.
    /// @param start first second the provision is in force (unix time, inclusive).
    /// @param end last second the provision is in force (unix time, inclusive).
    /// @param targets data classes and/or record ids the provision covers; empty = all the
    /// patient's data. At most {MAX_TARGETS}, none zero, no repeats.
    struct GrantRequest {
        ProvisionType kind;
        address grantee;
        bytes32 granteeRole;
        uint8 actions;
        uint8 purposes;
        uint40 start;
        uint40 end;
        bytes32[] targets;
    }

    /// @notice One stored provision: exactly one storage slot.
    /// @dev Stored under (patient, grantee key, target, index); the grantee key is the account
    /// left-padded to 32 bytes or the role id, the target is a data class, a record id or zero (all).
    /// @param consentId the consent it belongs to; zero marks an empty slot.
    /// @param start first second it is in force (unix time, inclusive).
    /// @param end last second it is in force (unix time, inclusive).
    /// @param actions bit set of ConsentPolicy ACTION_* values.
    /// @param purposes bit set of ConsentPolicy PURPOSE_* values.
    /// @param kind permit or deny.
    /// @param revoked whether the consent was revoked on this target.
    struct Provision {
        uint96 consentId;
        uint40 start;
        uint40 end;
        uint8 actions;
        uint8 purposes;
        ProvisionType kind;
        bool revoked;
    }

    /// @notice The anchor of one patient record.
    /// @param patient the data subject.
    /// @param latestVersion number of the newest version (versions count from 1).
    /// @param erased whether the record was crypto-shredded (its key destroyed off-chain).
    /// @param dataClasses the data classes of its latest version (keccak256 of its FHIR resource
    /// type and of its category codes), the resource type first.
    struct Record {
        address patient;
        uint32 latestVersion;
        bool erased;
        bytes32[] dataClasses;
    }

    /// @notice Break-glass access of one provider to one patient: one storage slot.
    /// @param endsAt last second (inclusive) of the open access; 0 or in the past when closed.
    /// @param windowStart first second of the window in which openings are counted.
    /// @param openings openings in the current window ({MAX_BREAK_GLASS_OPENINGS} once the patient
    /// or a delegate closed it: no reopening until the window ends).
    struct BreakGlass {
        uint40 endsAt;
        uint40 windowStart;
        uint8 openings;
    }

    /// @notice One version of a record.
    /// @param cidsDigest keccak256(abi.encode(cid, keyBundleCid, dataClasses)) of the binary IPFS
    /// CIDv1s of the encrypted envelope and of its key bundle and of the record's data classes at
    /// this version, as emitted in {RecordAnchored}: a reader checks both CIDs and the classes it
    /// got from an event (or an index) against it, for every version (storage keeps the latest
    /// version's classes only).
    /// @param ciphertextDigest sha256 of the ciphertext.
    /// @param anchoredBy the patient, a delegate or the provider that anchored this version.
    /// @param anchoredAt block time of the anchor.
    struct RecordVersion {
        bytes32 cidsDigest;
        bytes32 ciphertextDigest;
        address anchoredBy;
        uint40 anchoredAt;
    }

    // ---------------------------------------------------------------- events

    /// @notice Consent `consentId` of `patient` about `granteeKey` (the grantee account left-padded
    /// to 32 bytes, or the grantee role) was recorded, as stated in the request. `keyBundleCid`
    /// (the CID of the record keys wrapped to the grantee) is only emitted, never stored. Who
    /// recorded it is the transaction's sender (the patient, a delegate, or a relayer of the
    /// patient's signature).
    /// @param patient the data subject, the grantor.
    /// @param consentId the new consent's id, unique across all patients (never zero).
    /// @param granteeKey the grantee account left-padded to 32 bytes, or the grantee role id.
    /// @param kind permit or deny.
    /// @param actions bit set of ConsentPolicy ACTION_* values.
    /// @param purposes bit set of ConsentPolicy PURPOSE_* values.
    /// @param start first second the consent is in force (unix time, inclusive).
    /// @param end last second the consent is in force (unix time, inclusive).
    /// @param targets the data classes and record ids covered; empty for all the patient's data.
    /// @param keyBundleCid binary CIDv1 of the manifest of record keys wrapped to an account
    /// grantee; empty when the grant shared no keys (the SDK shares keys only with an account
    /// permit to ACCESS that is in force at once).
    event ConsentGranted(
        address indexed patient,
        uint256 indexed consentId,
        bytes32 indexed granteeKey,
        ProvisionType kind,
        uint8 actions,
        uint8 purposes,
        uint40 start,
        uint40 end,
        bytes32[] targets,
        bytes keyBundleCid
    );

    /// @notice `revoker` (the patient or a delegate) revoked consent `consentId` of `patient` on
    /// exactly `targets` (empty: the all-data provision) of grantee key `granteeKey`. A consent
    /// granted on several targets is revoked in full only once every one of them is revoked.
    /// @param patient the data subject.
    /// @param consentId the consent revoked.
    /// @param revoker the patient or a delegate.
    /// @param granteeKey the grantee account left-padded to 32 bytes, or the grantee role.
    /// @param targets the targets whose provisions were revoked by this call.
    event ConsentRevoked(
        address indexed patient,
        uint256 indexed consentId,
        address indexed revoker,
        bytes32 granteeKey,
        bytes32[] targets
    );

    /// @notice `sharer` (the patient or a delegate) published more record keys for consent
    /// `consentId` to `grantee`: `keyBundleCid` is the CID of a key manifest like the one
    /// {ConsentGranted} carries (for records the consent covers once it is in force, or after the
    /// grantee rotated its encryption key), shared while that permit is in force. Only emitted,
    /// never stored.
    /// @param patient the data subject.
    /// @param consentId an unrevoked permit of `patient` to `grantee`.
    /// @param grantee the account the keys are wrapped to.
    /// @param sharer the patient or a delegate.
    /// @param keyBundleCid binary CIDv1 of the key manifest.
    event ConsentKeysShared(
        address indexed patient,
        uint256 indexed consentId,
        address indexed grantee,
        address sharer,
        bytes keyBundleCid
    );

    /// @notice The signed grant of `patient` with nonce `nonce` was cancelled by `canceller` before
    /// anyone relayed it.
    /// @param patient the signer of the grant.
    /// @param nonce the nonce now used.
    /// @param canceller the patient or a delegate.
    event SignedGrantCancelled(address indexed patient, uint256 nonce, address indexed canceller);

    /// @notice `patient` appointed `delegate` (guardian or proxy) to manage consents and records.
    /// @param patient the patient who appointed.
    /// @param delegate the account that now acts for the patient.
    event DelegateAppointed(address indexed patient, address indexed delegate);

    /// @notice `patient` revoked the appointment of `delegate`.
    /// @param patient the patient who revoked it.
    /// @param delegate the account that no longer acts for the patient.
    event DelegateRevoked(address indexed patient, address indexed delegate);

    /// @notice Version `version` of record `recordId` of `patient` was anchored by `anchoredBy`;
    /// `previousVersion` is the version it amends (0 for the first). `cid` (binary CIDv1 of the
    /// encrypted envelope) and `keyBundleCid` (binary CIDv1 of its data key wrapped to the patient
    /// and the readers of the day) are only emitted, never stored: the log is the index a patient
    /// recovers its records from with nothing but its key. Storage keeps only a digest of the two
    /// CIDs and the version's data classes (`cidsDigest` of {RecordVersion}).
    /// @param patient the data subject.
    /// @param recordId the record's id (see {recordIdOf}).
    /// @param anchoredBy the patient, a delegate or the provider that wrote this version.
    /// @param version the new version's number, counting from 1.
    /// @param previousVersion the version this one amends; 0 for a new record.
    /// @param dataClasses the data class ids of this version (keccak256 of its FHIR resource type
    /// and categories).
    /// @param ciphertextDigest sha256 of the encrypted envelope's ciphertext.
    /// @param cid binary CIDv1 of the encrypted envelope on IPFS.
    /// @param keyBundleCid binary CIDv1 of the version's data key wrapped to its readers.
    event RecordAnchored(
        address indexed patient,
        bytes32 indexed recordId,
        address indexed anchoredBy,
        uint32 version,
        uint32 previousVersion,
        bytes32[] dataClasses,
        bytes32 ciphertextDigest,
        bytes cid,
        bytes keyBundleCid
    );

    /// @notice Record `recordId` of `patient` was crypto-shredded by `eraser`.
    /// @param patient the data subject.
    /// @param recordId the record erased.
    /// @param eraser the patient or a delegate.
    event RecordErased(address indexed patient, bytes32 indexed recordId, address indexed eraser);

    /// @notice Emergency Override Started (DICOM 110127): `provider` opened break-glass access to
    /// `patient`'s data for purpose ETREAT until `endsAt` (inclusive), for the reason hashed in `reasonHash`.
    /// @param patient the data subject.
    /// @param provider the active provider.
    /// @param reasonHash keccak256 of the reason text.
    /// @param endsAt last second (inclusive) of the access.
    /// @param opening the number of this opening in the current {BREAK_GLASS_WINDOW} (1-based).
    event BreakGlassOpened(
        address indexed patient,
        address indexed provider,
        bytes32 indexed reasonHash,
        uint40 endsAt,
        uint8 opening
    );

    /// @notice Emergency Override Stopped (DICOM 110138): `closedBy` (the provider, the patient or a
    /// delegate) closed `provider`'s break-glass access to `patient` before it ran out.
    /// @param patient the data subject.
    /// @param provider whose access ended.
    /// @param closedBy the provider itself, the patient or a delegate.
    event BreakGlassClosed(address indexed patient, address indexed provider, address indexed closedBy);

    /// @notice Accounting of disclosures: `accessor` read `recordId` of `patient` for `purpose`
    /// under consent `consentId` (0 under break-glass).
    /// @param patient the data subject.
    /// @param recordId the record read.
    /// @param accessor the account that read it.
    /// @param purpose the one ConsentPolicy PURPOSE_* bit of the read.
    /// @param consentId the permit that allowed it; 0 for access under break-glass.
    event RecordAccessed(
        address indexed patient,
        bytes32 indexed recordId,
        address indexed accessor,
        uint8 purpose,
        uint256 consentId
    );

    // ---------------------------------------------------------------- errors

    /// @notice The zero address was given where an account is required.
    error ConsentRegistryZeroAddress();

    /// @notice `caller` is neither `patient` nor a delegate of `patient` (nor, to write a record,
    /// an active PROVIDER).
    /// @param patient the data subject.
    /// @param caller the transaction's sender.
    error ConsentRegistryNotPatientOrDelegate(address patient, address caller);

    /// @notice Exactly one of grantee and granteeRole must be set, and the grantee is not the patient.
    /// @param grantee the grantee account given (zero if none).
    /// @param granteeRole the grantee role given (zero if none).
    error ConsentRegistryInvalidGrantee(address grantee, bytes32 granteeRole);

    /// @notice `role` is not a suite role.
    /// @param role the grantee role given.
    error ConsentRegistryUnknownRole(bytes32 role);

    /// @notice `actions` is empty or has unknown bits (or, in a query, is not a single action).
    /// @param actions the ConsentPolicy ACTION_* bits given.
    error ConsentRegistryInvalidActions(uint8 actions);

    /// @notice `purposes` is empty or has unknown bits (or, in a query, is not a single purpose).
    /// @param purposes the ConsentPolicy PURPOSE_* bits given.
    error ConsentRegistryInvalidPurposes(uint8 purposes);

    /// @notice The period is empty (`start > end`) or already over.
    /// @param start the first second given (unix time).
    /// @param end the last second given (unix time, inclusive).
    error ConsentRegistryInvalidPeriod(uint40 start, uint40 end);

    /// @notice More than {MAX_TARGETS} targets.
    /// @param count the number of targets given.
    error ConsentRegistryTooManyTargets(uint256 count);

    /// @notice A target is zero or repeated.
    /// @param target the first zero or repeated target.
    error ConsentRegistryInvalidTarget(bytes32 target);

    /// @notice A record is given no data class, or more than {MAX_RECORD_CLASSES}.
    /// @param count the number of data classes given.
    error ConsentRegistryInvalidClassCount(uint256 count);

    /// @notice A provider's amendment of `recordId` leaves out its data class `dataClass`: only the
    /// patient or a delegate takes a class off a record.
    /// @param recordId the record amended.
    /// @param dataClass the first of its classes the amendment leaves out.
    error ConsentRegistryClassDropped(bytes32 recordId, bytes32 dataClass);

    /// @notice A record's data class is the id of an anchored record: consents given on that
    /// record would cover this one.
    /// @param dataClass the first data class that is a record id.
    error ConsentRegistryClassIsRecord(bytes32 dataClass);

    /// @notice A record's data class is zero or repeated.
    /// @param dataClass the first zero or repeated data class.
    error ConsentRegistryInvalidDataClass(bytes32 dataClass);

    /// @notice All {MAX_PROVISIONS_PER_KEY} provisions of `patient` about `granteeKey` and `target`
    /// are in force.
    /// @param patient the data subject.
    /// @param granteeKey the grantee account left-padded to 32 bytes, or the grantee role id.
    /// @param target the data class or record id; zero for all data.
    error ConsentRegistryProvisionLimitReached(address patient, bytes32 granteeKey, bytes32 target);

    /// @notice Consent `consentId` of `patient` is not in force now (its period is [`start`, `end`]).
    /// @param patient the data subject.
    /// @param consentId the consent named.
    /// @param start first second of its period.
    /// @param end last second of its period.
    error ConsentRegistryConsentNotInForce(address patient, uint256 consentId, uint40 start, uint40 end);

    /// @notice `patient` has no unrevoked consent `consentId` at the given grantee and targets
    /// (for {shareConsentKeys}: no unrevoked permit).
    /// @param patient the data subject.
    /// @param consentId the consent named.
    error ConsentRegistryConsentNotFound(address patient, uint256 consentId);

    /// @notice The signature's deadline `deadline` has passed.
    /// @param deadline the last second the signature was good for (unix time).
    error ConsentRegistrySignatureExpired(uint256 deadline);

    /// @notice Nonce `nonce` of `patient` was already used: its signed grant was relayed or cancelled.
    /// @param patient the signer.
    /// @param nonce the nonce the signed grant carries.
    error ConsentRegistryNonceUsed(address patient, uint256 nonce);

    /// @notice Nonce `nonce` of `patient` is ahead of the current one, `current`: an earlier signed
    /// grant must be relayed or cancelled first.
    /// @param patient the signer.
    /// @param nonce the nonce the signed grant carries.
    /// @param current the patient's next usable nonce.
    error ConsentRegistryNonceNotYetValid(address patient, uint256 nonce, uint256 current);

    /// @notice `account` is not a registered patient, so it cannot grant consents.
    /// @param account the would-be grantor.
    error ConsentRegistryNotPatient(address account);

    /// @notice `provider` opened break-glass to `patient` {MAX_BREAK_GLASS_OPENINGS} times in the
    /// current window (or the patient closed it): it may open again from `retryAt`.
    /// @param patient the data subject.
    /// @param provider the provider refused.
    /// @param retryAt the first second a new opening is accepted.
    error ConsentRegistryBreakGlassLimitReached(address patient, address provider, uint40 retryAt);

    /// @notice The grant was signed by `signer`, not by `patient`.
    /// @param signer the address the signature recovers to; zero for a malformed signature.
    /// @param patient the patient named in the grant.
    error ConsentRegistryInvalidSigner(address signer, address patient);

    /// @notice `delegate` cannot be appointed (zero or the patient itself).
    /// @param delegate the account given.
    error ConsentRegistryInvalidDelegate(address delegate);

    /// @notice `delegate` is already a delegate of `patient`.
    /// @param patient the caller.
    /// @param delegate the account given.
    error ConsentRegistryDelegateExists(address patient, address delegate);

    /// @notice `delegate` was not appointed by `patient` (a guardian is not revoked here but in the
    /// ParticipantRegistry).
    /// @param patient the caller.
    /// @param delegate the account given.
    error ConsentRegistryDelegateNotFound(address patient, address delegate);

    /// @notice A record id or digest of zero, or an empty or over-long CID, was given.
    error ConsentRegistryInvalidRecord();

    /// @notice `recordId` is already anchored (the author used the same salt for this patient twice).
    /// @param recordId the id derived from patient, author and salt.
    error ConsentRegistryRecordExists(bytes32 recordId);

    /// @notice `recordId` is not anchored (for this patient).
    /// @param recordId the record id given.
    error ConsentRegistryRecordNotFound(bytes32 recordId);

    /// @notice `recordId` was erased.
    /// @param recordId the record id given.
    error ConsentRegistryRecordErased(bytes32 recordId);

    /// @notice The consent policy refuses `accessor` the operation on `patient`'s data.
    /// @param patient the data subject.
    /// @param accessor the caller.
    /// @param reason why {checkAccess} refused (NoPermit, Denied, Expired, NotYet or Revoked).
    error ConsentRegistryAccessDenied(address patient, address accessor, AccessReason reason);

    /// @notice `account` is not an active PROVIDER.
    /// @param account the caller.
    error ConsentRegistryNotActiveProvider(address account);

    /// @notice A break-glass duration of zero or above {MAX_BREAK_GLASS_DURATION}.
    /// @param duration the duration given, in seconds.
    error ConsentRegistryInvalidBreakGlassDuration(uint40 duration);

    /// @notice A reason hash of zero was given.
    error ConsentRegistryInvalidReason();

    /// @notice `provider` already has break-glass access to `patient` open.
    /// @param patient the data subject.
    /// @param provider the caller.
    error ConsentRegistryBreakGlassOpen(address patient, address provider);

    /// @notice `provider` has no break-glass access to `patient` open.
    /// @param patient the data subject.
    /// @param provider the provider named.
    error ConsentRegistryBreakGlassNotOpen(address patient, address provider);

    /// @notice The access is allowed under consent `expected`, not the `given` one.
    /// @param expected the consent {checkAccess} names as deciding; 0 under break-glass.
    /// @param given the consent id the caller passed.
    error ConsentRegistryConsentMismatch(uint256 expected, uint256 given);

    // ---------------------------------------------------------------- consents

    /// @notice Records a consent provision of `patient` and returns its id, the next value of one
    /// counter: every consent has its own id.
    /// @dev Requirements: caller is `patient` or one of its delegates; `patient` is a registered
    /// patient; exactly one of
    /// grantee/granteeRole set, the grantee not the patient, the role a suite role; actions and
    /// purposes non-empty with known bits only; `start <= end` and `end` not in the past; at most
    /// {MAX_TARGETS} distinct non-zero targets; for each target (or "all" when none) fewer than
    /// {MAX_PROVISIONS_PER_KEY} provisions about this grantee are in force. Emits {ConsentGranted}.
    /// @param patient the data subject (the grantor).
    /// @param request the provision.
    /// @param keyBundleCid binary CIDv1 of the manifest of record keys shared with an account
    /// grantee (may be empty).
    /// @return consentId the new consent's id.
    function grant(
        address patient,
        GrantRequest calldata request,
        bytes calldata keyBundleCid
    ) external returns (uint256 consentId);

    /// @notice {grant} relayed by anyone with the patient's EIP-712 signature (gasless consent).
    /// @dev Requirements: those of {grant} except the caller; `block.timestamp <= deadline`;
    /// `nonce` is the patient's current nonce (an earlier one reverts {ConsentRegistryNonceUsed});
    /// the signature over `Grant` with that nonce recovers to `patient`. Uses the nonce.
    /// Emits {ConsentGranted}.
    /// @param patient the signer, a registered patient.
    /// @param request the provision, as signed.
    /// @param keyBundleCid binary CIDv1 of the key manifest, as signed (may be empty).
    /// @param nonce the patient's nonce the signature carries.
    /// @param deadline last second the signature is good for.
    /// @param signature the patient's 65-byte EIP-712 signature.
    /// @return consentId the new consent's id.
    function grantBySig(
        address patient,
        GrantRequest calldata request,
        bytes calldata keyBundleCid,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 consentId);

    /// @notice Cancels a signed grant nobody relayed yet, by using its nonce.
    /// @dev Requirements: caller is `patient` or one of its delegates; `nonce` is the patient's
    /// current nonce. Emits {SignedGrantCancelled}.
    /// @param patient the signer of the grant.
    /// @param nonce the nonce of the signed grant to cancel.
    function cancelSignedGrant(address patient, uint256 nonce) external;

    /// @notice Revokes consent `consentId`: its provisions stop matching at once.
    /// @dev The caller names where the consent is stored (its grantee and targets, as emitted in
    /// {ConsentGranted}), so no index of consents is kept on-chain. Requirements: caller is
    /// `patient` or one of its delegates; each target holds an unrevoked provision `consentId`.
    /// Emits {ConsentRevoked} naming exactly the targets revoked.
    /// @param patient the data subject.
    /// @param consentId the consent to revoke.
    /// @param grantee the consent's grantee account (zero for a role grant).
    /// @param granteeRole the consent's grantee role (zero for an account grant).
    /// @param targets some or all of the consent's targets (empty: its all-data provision).
    function revoke(
        address patient,
        uint256 consentId,
        address grantee,
        bytes32 granteeRole,
        bytes32[] calldata targets
    ) external;

    /// @notice Publishes more record keys for an account grantee of a permit (see {ConsentKeysShared}).
    /// @dev Requirements: caller is `patient` or one of its delegates; `keyBundleCid` is 1 to
    /// {MAX_CID_LENGTH} bytes; an unrevoked permit `consentId` of `patient` about `grantee` is
    /// stored at `target` (zero: all data) and is in force now (keys go to readers the consents
    /// let read today). Emits {ConsentKeysShared}.
    /// @param patient the data subject.
    /// @param consentId the permit the keys are shared under.
    /// @param grantee its grantee account.
    /// @param target one of its targets (zero for an all-data consent).
    /// @param keyBundleCid binary CIDv1 of the key manifest.
    function shareConsentKeys(
        address patient,
        uint256 consentId,
        address grantee,
        bytes32 target,
        bytes calldata keyBundleCid
    ) external;

    // ---------------------------------------------------------------- delegates

    /// @notice Appoints `delegate` (guardian or proxy) who may grant, revoke, anchor and erase for the caller.
    /// @dev Requirements: `delegate` is not zero, not the caller, not yet a delegate. Emits {DelegateAppointed}.
    /// @param delegate the account that will act for the caller.
    function appointDelegate(address delegate) external;

    /// @notice Ends the appointment of `delegate`.
    /// @dev Requirements: `delegate` is a delegate the caller appointed. Emits {DelegateRevoked}.
    /// @param delegate the account that will no longer act for the caller.
    function revokeDelegate(address delegate) external;

    // ---------------------------------------------------------------- records

    /// @notice Anchors version 1 of a new record of `patient`, whose id is
    /// {recordIdOf}(patient, caller, salt).
    /// @dev `cid` and `keyBundleCid` are binary CIDv1 (see {RecordAnchored}); only their digest is
    /// stored. Requirements: no argument but `salt` is zero or empty, no CID longer than
    /// {MAX_CID_LENGTH}; one to {MAX_RECORD_CLASSES} data classes, none zero, no repeats; the
    /// record id is new (the caller has not used `salt` for this patient); the caller is
    /// `patient`, a delegate, or an active PROVIDER whom the patient's consents allow action
    /// COLLECT for purpose TREAT on these classes (evaluated as {checkAccess} evaluates a record:
    /// a permit on any of them, all data included, and a deny on none). Emits {RecordAnchored}.
    /// @param patient the data subject.
    /// @param salt a fresh random value of the author's.
    /// @param dataClasses the record's data class ids, its resource type first.
    /// @param cid binary CIDv1 of the encrypted envelope.
    /// @param ciphertextDigest sha256 of the ciphertext.
    /// @param keyBundleCid binary CIDv1 of the version's key bundle.
    /// @return recordId the new record's id.
    function anchorRecord(
        address patient,
        bytes32 salt,
        bytes32[] calldata dataClasses,
        bytes calldata cid,
        bytes32 ciphertextDigest,
        bytes calldata keyBundleCid
    ) external returns (bytes32 recordId);

    /// @notice Adds a version to `recordId` that amends the latest one, in the same data classes;
    /// history is kept.
    /// @dev Requirements: as {anchorRecord} for the CIDs and digest; record anchored and not erased;
    /// the caller is the patient, a delegate, or an active PROVIDER whom {checkAccess} allows
    /// CORRECT for TREAT on the record. Emits {RecordAnchored} with the previous version.
    /// @param recordId the record amended.
    /// @param cid binary CIDv1 of the new version's encrypted envelope.
    /// @param ciphertextDigest sha256 of the new version's ciphertext.
    /// @param keyBundleCid binary CIDv1 of the new version's key bundle.
    /// @return version the new version's number: the previous latest plus one.
    function amendRecord(
        bytes32 recordId,
        bytes calldata cid,
        bytes32 ciphertextDigest,
        bytes calldata keyBundleCid
    ) external returns (uint32 version);

    /// @notice Adds a version to `recordId` that amends the latest one and changes its data classes
    /// to `dataClasses` (its resource type or categories changed); history is kept.
    /// @dev Requirements: as {amendRecord}; `dataClasses` as for {anchorRecord}; an active PROVIDER
    /// also needs COLLECT for TREAT on the new classes, as if it wrote a new record of them, and
    /// may add classes but not leave any of the record's out (only the patient or a delegate does).
    /// Emits {RecordAnchored} with the previous version and the new classes.
    /// @param recordId the record amended.
    /// @param dataClasses the record's data class ids from this version on, its resource type first.
    /// @param cid binary CIDv1 of the new version's encrypted envelope.
    /// @param ciphertextDigest sha256 of the new version's ciphertext.
    /// @param keyBundleCid binary CIDv1 of the new version's key bundle.
    /// @return version the new version's number: the previous latest plus one.
    function amendRecordClasses(
        bytes32 recordId,
        bytes32[] calldata dataClasses,
        bytes calldata cid,
        bytes32 ciphertextDigest,
        bytes calldata keyBundleCid
    ) external returns (uint32 version);

    /// @notice Crypto-shreds `recordId`: the anchor stays (ids and digests) but is marked erased;
    /// later access logs and amendments revert.
    /// @dev Requirements: record anchored and not erased; caller is its patient or a delegate. Emits {RecordErased}.
    /// @param recordId the record to erase.
    function eraseRecord(bytes32 recordId) external;

    // ---------------------------------------------------------------- break-glass and audit

    /// @notice Opens time-boxed emergency access (purpose ETREAT, action ACCESS) to `patient`'s data.
    /// @dev Requirements: caller is an active PROVIDER; `patient` not zero; `reasonHash` not zero;
    /// `0 < duration <= MAX_BREAK_GLASS_DURATION`; no break-glass of the caller to `patient` open;
    /// fewer than {MAX_BREAK_GLASS_OPENINGS} openings by the caller on `patient` in the current
    /// {BREAK_GLASS_WINDOW}, and no closing by the patient or a delegate in it. Emits {BreakGlassOpened}.
    /// @param patient the data subject.
    /// @param reasonHash keccak256 of the reason text, which stays off-chain.
    /// @param duration how long the access lasts, in seconds: it ends `duration - 1` seconds after
    /// this block's time, inclusive.
    function openBreakGlass(address patient, bytes32 reasonHash, uint40 duration) external;

    /// @notice Closes `provider`'s break-glass access to `patient` early. When the patient or a
    /// delegate closes it, the provider may not reopen it for {BREAK_GLASS_WINDOW}.
    /// @dev Requirements: the caller is `provider`, `patient` or a delegate of `patient`; the
    /// break-glass is open. Emits {BreakGlassClosed}.
    /// @param patient the data subject.
    /// @param provider the provider whose access ends.
    function closeBreakGlass(address patient, address provider) external;

    /// @notice Records on-chain (as an event) that the caller read `recordId` of `patient` for `purpose`.
    /// @dev Requirements: record anchored for `patient` and not erased; {checkAccess} allows the
    /// caller action ACCESS for `purpose` on the record, under `consentId` (0 for break-glass).
    /// Emits {RecordAccessed}.
    /// @param patient the data subject.
    /// @param recordId a record of `patient`.
    /// @param purpose the one ConsentPolicy PURPOSE_* bit of the read.
    /// @param consentId the consent {checkAccess} names as deciding; 0 under break-glass.
    function logAccess(address patient, bytes32 recordId, uint8 purpose, uint256 consentId) external;

    // ---------------------------------------------------------------- views

    /// @notice Evaluates `patient`'s consents for `grantee` doing `action` for `purpose` on `target`
    /// (an anchored record id of the patient, or else a data class).
    /// @dev A provision matches when it is about the grantee (the account, or a role the grantee
    /// holds: actively for a permit), covers the target (the record id, any of its data classes,
    /// or all data), covers action and purpose, is in its period and unrevoked. A matching deny overrides
    /// any permit; where the provisions do not allow, an open break-glass of an active PROVIDER
    /// allows ACCESS for ETREAT (overriding a deny, as an emergency override does).
    /// Requirements: `action` and `purpose` name exactly one known bit each.
    /// @param patient the data subject.
    /// @param grantee the account whose access is evaluated, as itself and as a holder of its roles.
    /// @param target a record id anchored for `patient`, or else a data class id.
    /// @param action one ConsentPolicy ACTION_* bit.
    /// @param purpose one ConsentPolicy PURPOSE_* bit.
    /// @return allowed whether access is allowed.
    /// @return reason why.
    /// @return consentId the deciding consent (0 for none or break-glass).
    function checkAccess(
        address patient,
        address grantee,
        bytes32 target,
        uint8 action,
        uint8 purpose
    ) external view returns (bool allowed, AccessReason reason, uint256 consentId);

    /// @notice The provisions stored for `patient` about `granteeKey` and `target`.
    /// @param patient the data subject.
    /// @param granteeKey the grantee account left-padded to 32 bytes, or the grantee role id.
    /// @param target a data class or record id; zero for the all-data provisions.
    /// @return the stored provisions in slot order, at most {MAX_PROVISIONS_PER_KEY}, revoked and
    /// expired ones included until their slot is reused; empty if none.
    function provisionsOf(
        address patient,
        bytes32 granteeKey,
        bytes32 target
    ) external view returns (Provision[] memory);

    /// @notice Whether `delegate` acts for `patient`: appointed by it, or its guardian
    /// (ParticipantRegistry.guardianOf).
    /// @param patient the patient.
    /// @param delegate the account asked about.
    /// @return whether `delegate` may grant, revoke, anchor and erase for `patient`.
    function isDelegate(address patient, address delegate) external view returns (bool);

    /// @notice The anchor of `recordId`.
    /// @param recordId the record id.
    /// @return the anchor; all zeros (patient zero) if the id was never anchored.
    function recordOf(bytes32 recordId) external view returns (Record memory);

    /// @notice Version `version` of `recordId`.
    /// @param recordId the record id.
    /// @param version the version number, counting from 1.
    /// @return the version's digests and author; all zeros if there is no such version.
    function recordVersion(bytes32 recordId, uint32 version) external view returns (RecordVersion memory);

    /// @notice `provider`'s break-glass access to `patient`: when it ends and the openings counted.
    /// @param patient the data subject.
    /// @param provider the provider.
    /// @return the access (zeros if never opened).
    function breakGlassOf(address patient, address provider) external view returns (BreakGlass memory);

    /// @notice The id of the record `author` anchors for `patient` with `salt`.
    /// @param patient the data subject.
    /// @param author the account that anchors it.
    /// @param salt the author's salt.
    /// @return keccak256(abi.encode(patient, author, salt)).
    function recordIdOf(address patient, address author, bytes32 salt) external pure returns (bytes32);
}
