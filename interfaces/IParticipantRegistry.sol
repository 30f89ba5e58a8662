// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IParticipantRegistry
/// @notice Identity and credential layer of the hygeia suite: who is a patient, which licensed
/// parties hold a current credential, and each participant's X25519 encryption key.
interface IParticipantRegistry {
    /// @notice Lifecycle of a regulator-issued credential. `None` means never issued.
    enum CredentialStatus {
        None,
        Active,
        Suspended,
        Revoked
    }

    /// @notice A license held by an account for one licensed role. Packed into two slots.
    /// @param licenseHash keccak256 of the jurisdiction and license id (see the SDK's `license_hash`).
    /// @param jurisdiction ISO 3166-1/3166-2 code of the issuing authority, ASCII, right-padded ("US-NY").
    /// @param validFrom first second the credential is valid (unix time).
    /// @param validUntil last second the credential is valid (unix time, inclusive).
    struct Credential {
        bytes32 licenseHash;
        bytes8 jurisdiction;
        uint64 validFrom;
        uint64 validUntil;
        CredentialStatus status;
    }

    // ---------------------------------------------------------------- events

    /// @notice `patient` was registered, by itself, by a guardian, or by a relayer of its signed
    /// registration (`registrar`).
    /// @param patient the account that now holds the PATIENT role.
    /// @param registrar the transaction's sender: the patient itself, its guardian, or the relayer.
    event PatientRegistered(address indexed patient, address indexed registrar);

    /// @notice `regulator` issued `account` a credential for `role`.
    /// @param account the licensed party, which now holds `role`.
    /// @param role the licensed role (PROVIDER, INSURER, MANUFACTURER, DISTRIBUTOR or DISPENSER).
    /// @param regulator the issuing REGULATOR.
    /// @param licenseHash keccak256 of the jurisdiction and license id; the id itself stays off-chain.
    /// @param jurisdiction ISO 3166 code of the issuing authority, ASCII, right-padded with zeros.
    /// @param validFrom first second the credential is valid (unix time).
    /// @param validUntil last second the credential is valid (unix time, inclusive).
    event CredentialIssued(
        address indexed account,
        bytes32 indexed role,
        address indexed regulator,
        bytes32 licenseHash,
        bytes8 jurisdiction,
        uint64 validFrom,
        uint64 validUntil
    );

    /// @notice `regulator` moved the end of the validity of `account`'s credential for `role`.
    /// @param account the credential's holder.
    /// @param role the licensed role the credential is for.
    /// @param regulator the REGULATOR that renewed it.
    /// @param validUntil the new last second of validity (unix time, inclusive); `validFrom` is unchanged.
    event CredentialRenewed(
        address indexed account,
        bytes32 indexed role,
        address indexed regulator,
        uint64 validUntil
    );

    /// @notice `regulator` suspended `account`'s credential for `role`: {isActive} answers false
    /// until it is reinstated; the role itself stays granted.
    /// @param account the credential's holder.
    /// @param role the licensed role the credential is for.
    /// @param regulator the REGULATOR that suspended it.
    event CredentialSuspended(address indexed account, bytes32 indexed role, address indexed regulator);

    /// @notice `regulator` lifted the suspension of `account`'s credential for `role`.
    /// @param account the credential's holder.
    /// @param role the licensed role the credential is for.
    /// @param regulator the REGULATOR that reinstated it.
    event CredentialReinstated(address indexed account, bytes32 indexed role, address indexed regulator);

    /// @notice `regulator` revoked `account`'s credential for `role`; the role was taken away.
    /// @param account the former holder.
    /// @param role the licensed role it no longer holds.
    /// @param regulator the REGULATOR that revoked it.
    event CredentialRevoked(address indexed account, bytes32 indexed role, address indexed regulator);

    /// @notice `guardian` registered `ward` with the ward's signed consent and now acts for it
    /// (the ConsentRegistry treats the guardian as the ward's delegate).
    /// @param ward the patient registered on its behalf.
    /// @param guardian the registered patient acting for the ward.
    event GuardianshipStarted(address indexed ward, address indexed guardian);

    /// @notice The guardianship of `guardian` over `ward` was ended by `endedBy` (the ward or the guardian).
    /// @param ward the patient who was represented.
    /// @param guardian the guardian who no longer acts for it.
    /// @param endedBy the ward or the guardian.
    event GuardianshipEnded(address indexed ward, address indexed guardian, address indexed endedBy);

    /// @notice `account` published or replaced its X25519 encryption public key. Record keys
    /// wrapped to the previous key are not re-wrapped: readers need them shared again.
    /// @param account the participant.
    /// @param previousKey the key it replaces; zero on first publication.
    /// @param newKey the X25519 public key record keys are wrapped to from now on.
    event EncryptionKeyRotated(address indexed account, bytes32 previousKey, bytes32 newKey);

    // ---------------------------------------------------------------- errors

    /// @notice The zero address was given where an account is required.
    error ParticipantRegistryZeroAddress();

    /// @notice An encryption public key of zero was given.
    error ParticipantRegistryInvalidEncryptionKey();

    /// @notice `account` is already a registered patient.
    /// @param account the patient (or ward) being registered.
    error ParticipantRegistryAlreadyRegistered(address account);

    /// @notice `account` already takes part in the suite (holds a role or published a key), so a
    /// guardian may not register it: that would replace the key record keys are wrapped to.
    /// @param account the would-be ward.
    error ParticipantRegistryAccountInUse(address account);

    /// @notice `account` holds no role in the suite.
    /// @param account the caller, which must hold a role to publish a key.
    error ParticipantRegistryNotParticipant(address account);

    /// @notice `account` is not a registered patient.
    /// @param account the caller that had to be a patient.
    error ParticipantRegistryNotPatient(address account);

    /// @notice The ward's signed consent expired at `deadline`.
    /// @param deadline the last second the signature was good for.
    error ParticipantRegistrySignatureExpired(uint256 deadline);

    /// @notice The registration or guardianship consent was signed by `signer`, not by `ward`.
    /// @param signer the address the signature recovers to (zero for a malformed signature).
    /// @param ward the account being registered.
    error ParticipantRegistryInvalidSigner(address signer, address ward);

    /// @notice `ward` has no guardian.
    /// @param ward the account named.
    error ParticipantRegistryNoGuardian(address ward);

    /// @notice `caller` is neither `ward` nor its guardian.
    /// @param ward the represented patient.
    /// @param caller the account that tried to end the guardianship.
    error ParticipantRegistryNotWardOrGuardian(address ward, address caller);

    /// @notice `role` is not a licensed role, so it takes no credential.
    /// @param role the role id given.
    error ParticipantRegistryRoleNotLicensed(bytes32 role);

    /// @notice `role` is granted and revoked only through registration or credentials, not
    /// through OpenZeppelin's grantRole, revokeRole or renounceRole.
    /// @param role a licensed role or PATIENT.
    error ParticipantRegistryRoleManagedByRegistry(bytes32 role);

    /// @notice A license hash or jurisdiction of zero was given.
    error ParticipantRegistryInvalidLicense();

    /// @notice The validity window is empty (`validFrom >= validUntil`) or already over.
    /// @param validFrom the window's first second given (unix time).
    /// @param validUntil the window's last second given (unix time, inclusive).
    error ParticipantRegistryInvalidValidity(uint64 validFrom, uint64 validUntil);

    /// @notice `account` already holds a live (active or suspended) credential for `role`.
    /// @param account the holder.
    /// @param role the licensed role.
    error ParticipantRegistryCredentialExists(address account, bytes32 role);

    /// @notice `account` holds no live credential for `role`: none was issued, or it was revoked.
    /// @param account the account named.
    /// @param role the licensed role named.
    error ParticipantRegistryCredentialNotFound(address account, bytes32 role);

    /// @notice The credential is not in the status the operation needs (Active to suspend,
    /// Suspended to reinstate).
    /// @param account the holder.
    /// @param role the licensed role.
    /// @param status the credential's current status.
    error ParticipantRegistryUnexpectedCredentialStatus(address account, bytes32 role, CredentialStatus status);

    // ---------------------------------------------------------------- patients

    /// @notice Registers the caller as a patient and publishes its encryption key.
    /// @dev Requirements: the caller is not yet a patient; `encryptionKey` is not zero.
    /// Emits {PatientRegistered}, {EncryptionKeyRotated} and OpenZeppelin's {RoleGranted}.
    /// @param encryptionKey the caller's X25519 public key, which record keys are wrapped to.
    function registerPatient(bytes32 encryptionKey) external;

    /// @notice Registers `patient` with its own EIP-712 signature of
    /// `Registration(patient, encryptionKey, deadline)`, sent by anyone who pays the gas
    /// (gasless onboarding, as a signed grant is gasless consent).
    /// @dev Requirements: `patient` is not zero and not yet a patient; `block.timestamp <= deadline`;
    /// `signature` recovers to `patient`; `encryptionKey` is not zero.
    /// Emits {PatientRegistered} (the relayer as registrar), {EncryptionKeyRotated} and {RoleGranted}.
    /// @param patient the account to register, the signer.
    /// @param encryptionKey its X25519 public key, as signed.
    /// @param deadline last second the signature is good for.
    /// @param signature the patient's EIP-712 signature (65 bytes).
    function registerPatientBySig(
        address patient,
        bytes32 encryptionKey,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Registers `ward` (a minor or an incapacitated adult) with `encryptionKey`, the caller
    /// acting as its guardian with the ward's consent: the ward's EIP-712 signature of
    /// `Guardianship(ward, guardian, encryptionKey, deadline)`. The guardian then acts for the ward
    /// (see {guardianOf}) until the ward or the guardian calls {endGuardianship}.
    /// @dev Only a fresh account qualifies: one that holds no suite role and has published no key.
    /// The ward can replace the key with {setEncryptionKey} once it controls its account, and
    /// cancels any guardianship offer it signed by registering itself first.
    /// Requirements: caller is a patient; `ward` is not zero and not yet a patient; `ward` holds no
    /// other role and has no key; `block.timestamp <= deadline`; `signature` recovers to `ward`;
    /// `encryptionKey` is not zero.
    /// Emits {PatientRegistered}, {EncryptionKeyRotated}, {RoleGranted} and {GuardianshipStarted}.
    /// @param ward the account to register as a patient.
    /// @param encryptionKey the ward's X25519 public key, as the ward signed it.
    /// @param deadline last second the ward's signature is good for.
    /// @param signature the ward's EIP-712 signature (65 bytes).
    function registerPatientFor(
        address ward,
        bytes32 encryptionKey,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Ends the guardianship over `ward`: the guardian no longer acts for it.
    /// @dev Requirements: `ward` has a guardian; the caller is the ward or its guardian.
    /// Emits {GuardianshipEnded}.
    /// @param ward the represented patient.
    function endGuardianship(address ward) external;

    // ---------------------------------------------------------------- credentials

    /// @notice Issues `account` a credential for the licensed `role` and grants the role.
    /// @dev Requirements: caller has REGULATOR role; `role` is licensed; `account` is not zero;
    /// `licenseHash` and `jurisdiction` are not zero; `validFrom < validUntil` and `validUntil` is
    /// not in the past; no live credential exists. Emits {CredentialIssued} and {RoleGranted}.
    /// @param account the licensed party.
    /// @param role the licensed role (PROVIDER, INSURER, MANUFACTURER, DISTRIBUTOR or DISPENSER).
    /// @param licenseHash keccak256 of the jurisdiction and license id (the SDK's `license_hash`).
    /// @param jurisdiction ISO 3166 code of the issuing authority, ASCII, right-padded ("US-NY").
    /// @param validFrom first second the credential is valid (unix time); may be in the future.
    /// @param validUntil last second the credential is valid (unix time, inclusive).
    function issueCredential(
        address account,
        bytes32 role,
        bytes32 licenseHash,
        bytes8 jurisdiction,
        uint64 validFrom,
        uint64 validUntil
    ) external;

    /// @notice Moves the end of a live credential's validity to `validUntil`.
    /// @dev Requirements: caller has REGULATOR role; a live credential exists; `validUntil` is
    /// after its `validFrom` and not in the past. Emits {CredentialRenewed}.
    /// @param account the holder.
    /// @param role the licensed role.
    /// @param validUntil the new last second of validity (unix time, inclusive); may also be earlier
    /// than the current one.
    function renewCredential(address account, bytes32 role, uint64 validUntil) external;

    /// @notice Suspends an active credential: `isActive` answers false until it is reinstated.
    /// @dev Requirements: caller has REGULATOR role; the credential is Active. Emits {CredentialSuspended}.
    /// @param account the holder.
    /// @param role the licensed role.
    function suspendCredential(address account, bytes32 role) external;

    /// @notice Lifts the suspension of a credential.
    /// @dev Requirements: caller has REGULATOR role; the credential is Suspended. Emits {CredentialReinstated}.
    /// @param account the holder.
    /// @param role the licensed role.
    function reinstateCredential(address account, bytes32 role) external;

    /// @notice Revokes a live credential and takes the role away. A new credential may be issued later.
    /// @dev Requirements: caller has REGULATOR role; the credential is Active or Suspended.
    /// Emits {CredentialRevoked} and {RoleRevoked}.
    /// @param account the holder.
    /// @param role the licensed role.
    function revokeCredential(address account, bytes32 role) external;

    // ---------------------------------------------------------------- encryption keys

    /// @notice Publishes or rotates the caller's X25519 encryption public key.
    /// @dev Requirements: the caller holds a suite role; `newKey` is not zero. Emits {EncryptionKeyRotated}.
    /// @param newKey the caller's new X25519 public key.
    function setEncryptionKey(bytes32 newKey) external;

    // ---------------------------------------------------------------- views

    /// @notice Whether `account` may act as `role` now: for a licensed role, a credential that is
    /// Active and within its validity window; for any other role, holding it.
    /// @param account the account asked about.
    /// @param role a role id (a licensed role, PATIENT, REGULATOR or the governance admin).
    /// @return whether `account` may act as `role` at this block's time.
    function isActive(address account, bytes32 role) external view returns (bool);

    /// @notice Which roles of a role set `account` may act as now, each as {isActive} answers:
    /// one question for a contract that accepts any of several roles.
    /// @param account the account asked about.
    /// @param roles the roles asked about, as a role set (one bit per role, see {Roles-bit}).
    /// @return active the roles of `roles` that `account` may act as at this block's time.
    function activeRolesOf(address account, uint256 roles) external view returns (uint256 active);

    /// @notice The credential of `account` for `role`.
    /// @param account the holder.
    /// @param role the licensed role.
    /// @return the credential as stored, also when suspended, revoked or out of its window; all
    /// zeros (status None) if none was ever issued.
    function credentialOf(address account, bytes32 role) external view returns (Credential memory);

    /// @notice The X25519 public key `account` published.
    /// @param account the participant.
    /// @return the key record keys are wrapped to for `account`; zero if it published none.
    function encryptionKeyOf(address account) external view returns (bytes32);

    /// @notice The suite roles `account` holds, as a bit set.
    /// @param account the account asked about.
    /// @return one bit per role held (order: see {Roles-bit}); zero if it holds none. A licensed
    /// role's bit says the role is held, not that its credential is active now (see {isActive}).
    function rolesOf(address account) external view returns (uint256);

    /// @notice The guardian acting for `ward` (zero if none).
    /// @param ward a patient.
    /// @return the guardian's account, or zero.
    function guardianOf(address ward) external view returns (address);
}
