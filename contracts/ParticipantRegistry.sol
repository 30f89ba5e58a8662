// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";

import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title ParticipantRegistry
/// @notice Who takes part in the hygeia suite and in which capacity. Licensed parties (providers,
/// insurers, manufacturers, distributors, dispensers) act only under a current, unsuspended
/// credential issued by a regulator: DSCSA "authorized trading partner" and "credentialed
/// provider" are {isActive}. Patients register themselves, or a guardian registers a ward who
/// signed its consent to that guardian and key (EIP-712); the guardian then acts for the ward
/// until either ends the guardianship. Every participant publishes an X25519 key that record keys
/// are wrapped to.
/// @dev Licensed roles and the patient role are granted only through this contract's own flows;
/// OpenZeppelin's grantRole/revokeRole/renounceRole refuse them so role and credential never drift.
/// Calls batch through OpenZeppelin's {Multicall}: each call runs as its caller's own would (the
/// same `msg.sender` and roles), all of them or none, so a relayer sends many patients' signed
/// registrations, or a regulator many credentials, in one transaction.
contract ParticipantRegistry is IParticipantRegistry, AccessControl, EIP712, Multicall {
    /// @notice Role of a regulator: issues and manages credentials; granted by the governance admin.
    bytes32 public constant REGULATOR_ROLE = Roles.REGULATOR;
    /// @notice Licensed role of a care provider (practitioner or organization).
    bytes32 public constant PROVIDER_ROLE = Roles.PROVIDER;
    /// @notice Licensed role of a payer.
    bytes32 public constant INSURER_ROLE = Roles.INSURER;
    /// @notice Licensed role of a DSCSA manufacturer.
    bytes32 public constant MANUFACTURER_ROLE = Roles.MANUFACTURER;
    /// @notice Licensed role of a DSCSA wholesale distributor.
    bytes32 public constant DISTRIBUTOR_ROLE = Roles.DISTRIBUTOR;
    /// @notice Licensed role of a DSCSA dispenser (a pharmacy).
    bytes32 public constant DISPENSER_ROLE = Roles.DISPENSER;
    /// @notice Role of a registered patient; it takes no credential.
    bytes32 public constant PATIENT_ROLE = Roles.PATIENT;
    /// @notice EIP-712 type of a patient's own registration, relayed by anyone (gasless onboarding).
    bytes32 public constant REGISTRATION_TYPEHASH = keccak256(
        "Registration(address patient,bytes32 encryptionKey,uint256 deadline)"
    );
    /// @notice EIP-712 type of a ward's consent to be registered by `guardian` with `encryptionKey`.
    bytes32 public constant GUARDIANSHIP_TYPEHASH = keccak256(
        "Guardianship(address ward,address guardian,bytes32 encryptionKey,uint256 deadline)"
    );

    /// @dev An account's suite roles beside a summary of its Active credentials, in one slot, so
    /// that {activeRolesOf} answers with one storage read whenever the block's time lies within
    /// every Active credential's window (it reads each credential otherwise).
    struct Standing {
        uint8 roles; // the role set ({Roles-bit}); the suite has {Roles-COUNT} roles
        uint8 activeLicensed; // the licensed roles whose credential is Active
        uint64 commonFrom; // the latest validFrom of those credentials (0 if none)
        uint64 commonUntil; // their earliest validUntil (the largest uint64 if none)
    }

    mapping(address account => mapping(bytes32 role => Credential)) private _credentials;
    mapping(address account => bytes32 x25519PublicKey) private _encryptionKeys;
    mapping(address account => Standing) private _standings;
    mapping(address ward => address guardian) private _guardians;

    /// @notice Deploys the registry with its governance admin and no other participant.
    /// @param admin the governance admin: grants and revokes regulators.
    constructor(address admin) EIP712("hygeia.ParticipantRegistry", "1") {
        if (admin == address(0)) revert ParticipantRegistryZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ---------------------------------------------------------------- patients

    /// @inheritdoc IParticipantRegistry
    function registerPatient(bytes32 encryptionKey) external {
        _registerPatient(msg.sender, encryptionKey);
    }

    /// @inheritdoc IParticipantRegistry
    function registerPatientBySig(
        address patient,
        bytes32 encryptionKey,
        uint256 deadline,
        bytes calldata signature
    ) external {
        if (patient == address(0)) revert ParticipantRegistryZeroAddress();
        if (block.timestamp > deadline) revert ParticipantRegistrySignatureExpired(deadline);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(REGISTRATION_TYPEHASH, patient, encryptionKey, deadline))
        );
        // slither-disable-next-line unused-return -- a failed recovery gives signer 0, refused on the next line
        (address signer, , ) = ECDSA.tryRecover(digest, signature);
        if (signer != patient) revert ParticipantRegistryInvalidSigner(signer, patient);
        _registerPatient(patient, encryptionKey);
    }

    /// @inheritdoc IParticipantRegistry
    function registerPatientFor(
        address ward,
        bytes32 encryptionKey,
        uint256 deadline,
        bytes calldata signature
    ) external {
        if (!hasRole(PATIENT_ROLE, msg.sender)) revert ParticipantRegistryNotPatient(msg.sender);
        if (ward == address(0)) revert ParticipantRegistryZeroAddress();
        if (hasRole(PATIENT_ROLE, ward)) revert ParticipantRegistryAlreadyRegistered(ward);
        if (_standings[ward].roles != 0 || _encryptionKeys[ward] != bytes32(0)) {
            revert ParticipantRegistryAccountInUse(ward);
        }
        if (block.timestamp > deadline) revert ParticipantRegistrySignatureExpired(deadline);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(GUARDIANSHIP_TYPEHASH, ward, msg.sender, encryptionKey, deadline))
        );
        // slither-disable-next-line unused-return -- a failed recovery gives signer 0, refused on the next line
        (address signer, , ) = ECDSA.tryRecover(digest, signature);
        if (signer != ward) revert ParticipantRegistryInvalidSigner(signer, ward);

        _guardians[ward] = msg.sender;
        _registerPatient(ward, encryptionKey);
        emit GuardianshipStarted(ward, msg.sender);
    }

    /// @inheritdoc IParticipantRegistry
    function endGuardianship(address ward) external {
        address guardian = _guardians[ward];
        if (guardian == address(0)) revert ParticipantRegistryNoGuardian(ward);
        if (msg.sender != ward && msg.sender != guardian) revert ParticipantRegistryNotWardOrGuardian(ward, msg.sender);
        delete _guardians[ward];
        emit GuardianshipEnded(ward, guardian, msg.sender);
    }

    // ---------------------------------------------------------------- credentials

    /// @inheritdoc IParticipantRegistry
    function issueCredential(
        address account,
        bytes32 role,
        bytes32 licenseHash,
        bytes8 jurisdiction,
        uint64 validFrom,
        uint64 validUntil
    ) external onlyRole(REGULATOR_ROLE) {
        if (!Roles.isLicensed(role)) revert ParticipantRegistryRoleNotLicensed(role);
        if (account == address(0)) revert ParticipantRegistryZeroAddress();
        if (licenseHash == bytes32(0) || jurisdiction == bytes8(0)) revert ParticipantRegistryInvalidLicense();
        _checkValidity(validFrom, validUntil);
        Credential storage credential = _credentials[account][role];
        if (_isLive(credential.status)) revert ParticipantRegistryCredentialExists(account, role);

        credential.licenseHash = licenseHash;
        credential.jurisdiction = jurisdiction;
        credential.validFrom = validFrom;
        credential.validUntil = validUntil;
        credential.status = CredentialStatus.Active;
        _grantRole(role, account);
        _summarize(account);
        emit CredentialIssued(account, role, msg.sender, licenseHash, jurisdiction, validFrom, validUntil);
    }

    /// @inheritdoc IParticipantRegistry
    function renewCredential(address account, bytes32 role, uint64 validUntil) external onlyRole(REGULATOR_ROLE) {
        Credential storage credential = _liveCredential(account, role);
        _checkValidity(credential.validFrom, validUntil);
        credential.validUntil = validUntil;
        _summarize(account);
        emit CredentialRenewed(account, role, msg.sender, validUntil);
    }

    /// @inheritdoc IParticipantRegistry
    function suspendCredential(address account, bytes32 role) external onlyRole(REGULATOR_ROLE) {
        Credential storage credential = _liveCredential(account, role);
        _expectStatus(credential, account, role, CredentialStatus.Active);
        credential.status = CredentialStatus.Suspended;
        _summarize(account);
        emit CredentialSuspended(account, role, msg.sender);
    }

    /// @inheritdoc IParticipantRegistry
    function reinstateCredential(address account, bytes32 role) external onlyRole(REGULATOR_ROLE) {
        Credential storage credential = _liveCredential(account, role);
        _expectStatus(credential, account, role, CredentialStatus.Suspended);
        credential.status = CredentialStatus.Active;
        _summarize(account);
        emit CredentialReinstated(account, role, msg.sender);
    }

    /// @inheritdoc IParticipantRegistry
    function revokeCredential(address account, bytes32 role) external onlyRole(REGULATOR_ROLE) {
        Credential storage credential = _liveCredential(account, role);
        credential.status = CredentialStatus.Revoked;
        _revokeRole(role, account);
        _summarize(account);
        emit CredentialRevoked(account, role, msg.sender);
    }

    // ---------------------------------------------------------------- encryption keys

    /// @inheritdoc IParticipantRegistry
    function setEncryptionKey(bytes32 newKey) external {
        if (_standings[msg.sender].roles == 0) revert ParticipantRegistryNotParticipant(msg.sender);
        _setEncryptionKey(msg.sender, newKey);
    }

    // ---------------------------------------------------------------- role management guard

    /// @notice Grants a role that is not managed by the registry (governance admin, regulator).
    /// @dev Requirements: caller is the role's admin; `role` is neither licensed nor PATIENT.
    /// Emits {RoleGranted} unless `account` already holds the role.
    /// @param role the role id: REGULATOR, the governance admin (zero) or a role foreign to the suite.
    /// @param account the account that receives it.
    function grantRole(bytes32 role, address account) public override {
        _requireUnmanaged(role);
        super.grantRole(role, account);
    }

    /// @notice Revokes a role that is not managed by the registry (governance admin, regulator).
    /// @dev Requirements: caller is the role's admin; `role` is neither licensed nor PATIENT.
    /// Emits {RoleRevoked} if `account` held the role.
    /// @param role the role id: REGULATOR, the governance admin (zero) or a role foreign to the suite.
    /// @param account the account that loses it.
    function revokeRole(bytes32 role, address account) public override {
        _requireUnmanaged(role);
        super.revokeRole(role, account);
    }

    /// @notice Gives up a role that is not managed by the registry.
    /// @dev Requirements: `callerConfirmation` is the caller; `role` is neither licensed nor PATIENT.
    /// Emits {RoleRevoked} if the caller held the role.
    /// @param role the role id: REGULATOR, the governance admin (zero) or a role foreign to the suite.
    /// @param callerConfirmation the caller's own address, against renouncing by mistake.
    function renounceRole(bytes32 role, address callerConfirmation) public override {
        _requireUnmanaged(role);
        super.renounceRole(role, callerConfirmation);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IParticipantRegistry
    function isActive(address account, bytes32 role) external view returns (bool) {
        if (!Roles.isLicensed(role)) return hasRole(role, account);
        return _isCurrent(_credentials[account][role]);
    }

    /// @inheritdoc IParticipantRegistry
    function activeRolesOf(address account, uint256 roles) external view returns (uint256 active) {
        Standing memory standing = _standings[account];
        uint256 held = standing.roles & roles;
        // The role set follows AccessControl, so a held role that needs no credential is active.
        active = held & ~Roles.LICENSED_BITS;
        uint256 licensed = held & Roles.LICENSED_BITS;
        if (licensed == 0) return active;
        // Within every Active credential's window, the current ones are exactly the Active ones.
        if (standing.commonFrom <= block.timestamp && block.timestamp <= standing.commonUntil) {
            return active | (licensed & standing.activeLicensed);
        }
        while (licensed != 0) {
            uint256 roleBit = licensed & (~licensed + 1); // the lowest bit left
            licensed ^= roleBit;
            if (_isCurrent(_credentials[account][Roles.licensedRoleOf(roleBit)])) active |= roleBit;
        }
    }

    /// @inheritdoc IParticipantRegistry
    function credentialOf(address account, bytes32 role) external view returns (Credential memory) {
        return _credentials[account][role];
    }

    /// @inheritdoc IParticipantRegistry
    function encryptionKeyOf(address account) external view returns (bytes32) {
        return _encryptionKeys[account];
    }

    /// @inheritdoc IParticipantRegistry
    function rolesOf(address account) external view returns (uint256) {
        return _standings[account].roles;
    }

    /// @inheritdoc IParticipantRegistry
    function guardianOf(address ward) external view returns (address) {
        return _guardians[ward];
    }

    // slither-disable-start naming-convention -- the EIP-712 getter's conventional name (as in ERC-2612)
    // solhint-disable func-name-mixedcase
    /// @notice The EIP-712 domain separator (chain id and this contract's address are part of it).
    /// @return the separator of domain "hygeia.ParticipantRegistry", version "1", that registration
    /// and guardianship signatures are made over.
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }
    // solhint-enable func-name-mixedcase
    // slither-disable-end naming-convention

    // ---------------------------------------------------------------- internals

    /// @dev Keeps the per-account role set in step with AccessControl.
    function _grantRole(bytes32 role, address account) internal override returns (bool granted) {
        granted = super._grantRole(role, account);
        // Roles.bit is below 1 << Roles.COUNT, so the role set fits its uint8.
        if (granted) _standings[account].roles |= uint8(Roles.bit(role));
    }

    /// @dev Keeps the per-account role set in step with AccessControl.
    function _revokeRole(bytes32 role, address account) internal override returns (bool revoked) {
        revoked = super._revokeRole(role, account);
        if (revoked) _standings[account].roles &= ~uint8(Roles.bit(role));
    }

    /// @dev Rewrites `account`'s summary of its Active credentials after one of them changed. Only
    /// a held licensed role can have an Active credential (issuing grants the role, revoking
    /// takes it away, and neither is granted or revoked otherwise), so only those are read.
    function _summarize(address account) private {
        Standing storage standing = _standings[account];
        uint256 licensed = standing.roles & Roles.LICENSED_BITS;
        uint256 activeLicensed = 0;
        uint64 commonFrom = 0;
        uint64 commonUntil = type(uint64).max;
        while (licensed != 0) {
            uint256 roleBit = licensed & (~licensed + 1); // the lowest bit left
            licensed ^= roleBit;
            Credential storage credential = _credentials[account][Roles.licensedRoleOf(roleBit)];
            if (credential.status != CredentialStatus.Active) continue;
            activeLicensed |= roleBit;
            if (credential.validFrom > commonFrom) commonFrom = credential.validFrom;
            if (credential.validUntil < commonUntil) commonUntil = credential.validUntil;
        }
        standing.activeLicensed = uint8(activeLicensed);
        standing.commonFrom = commonFrom;
        standing.commonUntil = commonUntil;
    }

    function _registerPatient(address patient, bytes32 encryptionKey) private {
        if (hasRole(PATIENT_ROLE, patient)) revert ParticipantRegistryAlreadyRegistered(patient);
        _grantRole(PATIENT_ROLE, patient);
        emit PatientRegistered(patient, msg.sender);
        _setEncryptionKey(patient, encryptionKey);
    }

    function _setEncryptionKey(address account, bytes32 newKey) private {
        if (newKey == bytes32(0)) revert ParticipantRegistryInvalidEncryptionKey();
        bytes32 previousKey = _encryptionKeys[account];
        _encryptionKeys[account] = newKey;
        emit EncryptionKeyRotated(account, previousKey, newKey);
    }

    function _liveCredential(address account, bytes32 role) private view returns (Credential storage credential) {
        credential = _credentials[account][role];
        if (!_isLive(credential.status)) revert ParticipantRegistryCredentialNotFound(account, role);
    }

    function _expectStatus(
        Credential storage credential,
        address account,
        bytes32 role,
        CredentialStatus expected
    ) private view {
        if (credential.status != expected) {
            revert ParticipantRegistryUnexpectedCredentialStatus(account, role, credential.status);
        }
    }

    function _checkValidity(uint64 validFrom, uint64 validUntil) private view {
        if (validFrom >= validUntil || validUntil < block.timestamp) {
            revert ParticipantRegistryInvalidValidity(validFrom, validUntil);
        }
    }

    function _requireUnmanaged(bytes32 role) private pure {
        if (Roles.isLicensed(role) || role == Roles.PATIENT) revert ParticipantRegistryRoleManagedByRegistry(role);
    }

    /// @dev Whether `credential` is Active and within its validity window at this block's time.
    function _isCurrent(Credential storage credential) private view returns (bool) {
        (CredentialStatus status, uint64 validFrom, uint64 validUntil) = (
            credential.status,
            credential.validFrom,
            credential.validUntil
        );
        return status == CredentialStatus.Active && validFrom <= block.timestamp && block.timestamp <= validUntil;
    }

    function _isLive(CredentialStatus status) private pure returns (bool) {
        return status == CredentialStatus.Active || status == CredentialStatus.Suspended;
    }
}
