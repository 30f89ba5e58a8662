// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title ParticipantRegistry
/// @notice Who takes part in the hygeia suite and in which capacity. Licensed parties (providers,
/// insurers, manufacturers, distributors, dispensers) act only under a current, unsuspended
/// credential issued by a regulator: DSCSA "authorized trading partner" and "credentialed
/// provider" are {isActive}. Patients register themselves (or a guardian registers them).
/// Every participant publishes an X25519 key that record keys are wrapped to.
/// @dev Licensed roles and the patient role are granted only through this contract's own flows;
/// OpenZeppelin's grantRole/revokeRole/renounceRole refuse them so role and credential never drift.
contract ParticipantRegistry is IParticipantRegistry, AccessControl {
    bytes32 public constant REGULATOR_ROLE = Roles.REGULATOR;
    bytes32 public constant PROVIDER_ROLE = Roles.PROVIDER;
    bytes32 public constant INSURER_ROLE = Roles.INSURER;
    bytes32 public constant MANUFACTURER_ROLE = Roles.MANUFACTURER;
    bytes32 public constant DISTRIBUTOR_ROLE = Roles.DISTRIBUTOR;
    bytes32 public constant DISPENSER_ROLE = Roles.DISPENSER;
    bytes32 public constant PATIENT_ROLE = Roles.PATIENT;

    mapping(address account => mapping(bytes32 role => Credential)) private _credentials;
    mapping(address account => bytes32 x25519PublicKey) private _encryptionKeys;
    mapping(address account => uint256 roleBits) private _roleBits;

    /// @param admin the governance admin: grants and revokes regulators.
    constructor(address admin) {
        if (admin == address(0)) revert ParticipantRegistryZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ---------------------------------------------------------------- patients

    /// @inheritdoc IParticipantRegistry
    function registerPatient(bytes32 encryptionKey) external {
        _registerPatient(msg.sender, encryptionKey);
    }

    /// @inheritdoc IParticipantRegistry
    function registerPatientFor(address patient, bytes32 encryptionKey) external {
        if (!hasRole(PATIENT_ROLE, msg.sender)) revert ParticipantRegistryNotParticipant(msg.sender);
        if (patient == address(0)) revert ParticipantRegistryZeroAddress();
        if (hasRole(PATIENT_ROLE, patient)) revert ParticipantRegistryAlreadyRegistered(patient);
        if (_roleBits[patient] != 0 || _encryptionKeys[patient] != bytes32(0)) {
            revert ParticipantRegistryAccountInUse(patient);
        }
        _registerPatient(patient, encryptionKey);
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
        emit CredentialIssued(account, role, msg.sender, licenseHash, jurisdiction, validFrom, validUntil);
    }

    /// @inheritdoc IParticipantRegistry
    function renewCredential(address account, bytes32 role, uint64 validUntil) external onlyRole(REGULATOR_ROLE) {
        Credential storage credential = _liveCredential(account, role);
        _checkValidity(credential.validFrom, validUntil);
        credential.validUntil = validUntil;
        emit CredentialRenewed(account, role, msg.sender, validUntil);
    }

    /// @inheritdoc IParticipantRegistry
    function suspendCredential(address account, bytes32 role) external onlyRole(REGULATOR_ROLE) {
        Credential storage credential = _liveCredential(account, role);
        _expectStatus(credential, account, role, CredentialStatus.Active);
        credential.status = CredentialStatus.Suspended;
        emit CredentialSuspended(account, role, msg.sender);
    }

    /// @inheritdoc IParticipantRegistry
    function reinstateCredential(address account, bytes32 role) external onlyRole(REGULATOR_ROLE) {
        Credential storage credential = _liveCredential(account, role);
        _expectStatus(credential, account, role, CredentialStatus.Suspended);
        credential.status = CredentialStatus.Active;
        emit CredentialReinstated(account, role, msg.sender);
    }

    /// @inheritdoc IParticipantRegistry
    function revokeCredential(address account, bytes32 role) external onlyRole(REGULATOR_ROLE) {
        Credential storage credential = _liveCredential(account, role);
        credential.status = CredentialStatus.Revoked;
        _revokeRole(role, account);
        emit CredentialRevoked(account, role, msg.sender);
    }

    // ---------------------------------------------------------------- encryption keys

    /// @inheritdoc IParticipantRegistry
    function setEncryptionKey(bytes32 newKey) external {
        if (_roleBits[msg.sender] == 0) revert ParticipantRegistryNotParticipant(msg.sender);
        _setEncryptionKey(msg.sender, newKey);
    }

    // ---------------------------------------------------------------- role management guard

    /// @notice Grants a role that is not managed by the registry (governance admin, regulator).
    /// @dev Requirements: caller is the role's admin; `role` is neither licensed nor PATIENT.
    function grantRole(bytes32 role, address account) public override {
        _requireUnmanaged(role);
        super.grantRole(role, account);
    }

    /// @notice Revokes a role that is not managed by the registry (governance admin, regulator).
    /// @dev Requirements: caller is the role's admin; `role` is neither licensed nor PATIENT.
    function revokeRole(bytes32 role, address account) public override {
        _requireUnmanaged(role);
        super.revokeRole(role, account);
    }

    /// @notice Gives up a role that is not managed by the registry.
    /// @dev Requirements: `callerConfirmation` is the caller; `role` is neither licensed nor PATIENT.
    function renounceRole(bytes32 role, address callerConfirmation) public override {
        _requireUnmanaged(role);
        super.renounceRole(role, callerConfirmation);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IParticipantRegistry
    function isActive(address account, bytes32 role) external view returns (bool) {
        if (!Roles.isLicensed(role)) return hasRole(role, account);
        Credential storage credential = _credentials[account][role];
        return credential.status == CredentialStatus.Active && credential.validFrom <= block.timestamp
            && block.timestamp <= credential.validUntil;
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
        return _roleBits[account];
    }

    // ---------------------------------------------------------------- internals

    /// @dev Keeps the per-account role set in step with AccessControl.
    function _grantRole(bytes32 role, address account) internal override returns (bool granted) {
        granted = super._grantRole(role, account);
        if (granted) _roleBits[account] |= Roles.bit(role);
    }

    /// @dev Keeps the per-account role set in step with AccessControl.
    function _revokeRole(bytes32 role, address account) internal override returns (bool revoked) {
        revoked = super._revokeRole(role, account);
        if (revoked) _roleBits[account] &= ~Roles.bit(role);
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

    function _expectStatus(Credential storage credential, address account, bytes32 role, CredentialStatus expected)
        private
        view
    {
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

    function _isLive(CredentialStatus status) private pure returns (bool) {
        return status == CredentialStatus.Active || status == CredentialStatus.Suspended;
    }
}
