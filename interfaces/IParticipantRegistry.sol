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

    /// @notice `patient` was registered, by itself or by a guardian (`registrar`).
    event PatientRegistered(address indexed patient, address indexed registrar);

    /// @notice `regulator` issued `account` a credential for `role`.
    event CredentialIssued(
        address indexed account,
        bytes32 indexed role,
        address indexed regulator,
        bytes32 licenseHash,
        bytes8 jurisdiction,
        uint64 validFrom,
        uint64 validUntil
    );

    /// @notice `regulator` extended the validity of `account`'s credential for `role`.
    event CredentialRenewed(address indexed account, bytes32 indexed role, address indexed regulator, uint64 validUntil);

    /// @notice `regulator` suspended `account`'s credential for `role`.
    event CredentialSuspended(address indexed account, bytes32 indexed role, address indexed regulator);

    /// @notice `regulator` lifted the suspension of `account`'s credential for `role`.
    event CredentialReinstated(address indexed account, bytes32 indexed role, address indexed regulator);

    /// @notice `regulator` revoked `account`'s credential for `role`; the role was taken away.
    event CredentialRevoked(address indexed account, bytes32 indexed role, address indexed regulator);

    /// @notice `account` published or replaced its X25519 encryption public key.
    event EncryptionKeyRotated(address indexed account, bytes32 previousKey, bytes32 newKey);

    // ---------------------------------------------------------------- errors

    /// @notice The zero address was given where an account is required.
    error ParticipantRegistryZeroAddress();

    /// @notice An encryption public key of zero was given.
    error ParticipantRegistryInvalidEncryptionKey();

    /// @notice `account` is already a registered patient.
    error ParticipantRegistryAlreadyRegistered(address account);

    /// @notice `account` already takes part in the suite (holds a role or published a key), so a
    /// guardian may not register it: that would replace the key record keys are wrapped to.
    error ParticipantRegistryAccountInUse(address account);

    /// @notice `account` holds no role in the suite.
    error ParticipantRegistryNotParticipant(address account);

    /// @notice `role` is not a licensed role, so it takes no credential.
    error ParticipantRegistryRoleNotLicensed(bytes32 role);

    /// @notice `role` is granted and revoked only through registration or credentials.
    error ParticipantRegistryRoleManagedByRegistry(bytes32 role);

    /// @notice A license hash or jurisdiction of zero was given.
    error ParticipantRegistryInvalidLicense();

    /// @notice The validity window is empty or already over.
    error ParticipantRegistryInvalidValidity(uint64 validFrom, uint64 validUntil);

    /// @notice `account` already holds a live (active or suspended) credential for `role`.
    error ParticipantRegistryCredentialExists(address account, bytes32 role);

    /// @notice `account` holds no live credential for `role`.
    error ParticipantRegistryCredentialNotFound(address account, bytes32 role);

    /// @notice The credential is not in the status the operation needs.
    error ParticipantRegistryUnexpectedCredentialStatus(address account, bytes32 role, CredentialStatus status);

    // ---------------------------------------------------------------- patients

    /// @notice Registers the caller as a patient and publishes its encryption key.
    /// @dev Requirements: the caller is not yet a patient; `encryptionKey` is not zero.
    /// Emits {PatientRegistered}, {EncryptionKeyRotated} and OpenZeppelin's {RoleGranted}.
    function registerPatient(bytes32 encryptionKey) external;

    /// @notice Registers `patient` on its behalf (a minor or an incapacitated adult) by the caller
    /// acting as guardian, who must itself be a registered patient.
    /// @dev Only a fresh account qualifies: one that holds no suite role and has published no key.
    /// The ward can replace the key with {setEncryptionKey} once it controls its account.
    /// Requirements: caller is a patient; `patient` is not zero and not yet a patient; `patient`
    /// holds no other role and has no key; `encryptionKey` is not zero.
    /// Emits {PatientRegistered}, {EncryptionKeyRotated}, {RoleGranted}.
    function registerPatientFor(address patient, bytes32 encryptionKey) external;

    // ---------------------------------------------------------------- credentials

    /// @notice Issues `account` a credential for the licensed `role` and grants the role.
    /// @dev Requirements: caller has REGULATOR role; `role` is licensed; `account` is not zero;
    /// `licenseHash` and `jurisdiction` are not zero; `validFrom < validUntil` and `validUntil` is
    /// not in the past; no live credential exists. Emits {CredentialIssued} and {RoleGranted}.
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
    function renewCredential(address account, bytes32 role, uint64 validUntil) external;

    /// @notice Suspends an active credential: `isActive` answers false until it is reinstated.
    /// @dev Requirements: caller has REGULATOR role; the credential is Active. Emits {CredentialSuspended}.
    function suspendCredential(address account, bytes32 role) external;

    /// @notice Lifts the suspension of a credential.
    /// @dev Requirements: caller has REGULATOR role; the credential is Suspended. Emits {CredentialReinstated}.
    function reinstateCredential(address account, bytes32 role) external;

    /// @notice Revokes a live credential and takes the role away. A new credential may be issued later.
    /// @dev Requirements: caller has REGULATOR role; the credential is Active or Suspended.
    /// Emits {CredentialRevoked} and {RoleRevoked}.
    function revokeCredential(address account, bytes32 role) external;

    // ---------------------------------------------------------------- encryption keys

    /// @notice Publishes or rotates the caller's X25519 encryption public key.
    /// @dev Requirements: the caller holds a suite role; `newKey` is not zero. Emits {EncryptionKeyRotated}.
    function setEncryptionKey(bytes32 newKey) external;

    // ---------------------------------------------------------------- views

    /// @notice Whether `account` may act as `role` now: for a licensed role, a credential that is
    /// Active and within its validity window; for any other role, holding it.
    function isActive(address account, bytes32 role) external view returns (bool);

    /// @notice The credential of `account` for `role` (status None if never issued).
    function credentialOf(address account, bytes32 role) external view returns (Credential memory);

    /// @notice The X25519 public key `account` published (zero if none).
    function encryptionKeyOf(address account) external view returns (bytes32);

    /// @notice Bit set of the suite roles `account` holds (bit order: see {Roles-bit}).
    function rolesOf(address account) external view returns (uint256);
}
