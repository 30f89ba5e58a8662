// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

import {IConsentRegistry} from "../interfaces/IConsentRegistry.sol";
import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
import {ConsentPolicy} from "./libraries/ConsentPolicy.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title ConsentRegistry
/// @notice Patient-controlled consent in the vocabulary of HL7 FHIR Consent: permit and deny
/// provisions about an account or a role, with actions, purposes of use, data classes or records
/// and a period; pseudonymous record anchors with history and crypto-shredding; delegates;
/// EIP-712 gasless grants; audited break-glass; the accounting of disclosures.
/// Only registered patients grant. A guardian registered with its ward's consent
/// (ParticipantRegistry.guardianOf) acts as the ward's delegate. Record ids are derived from the
/// patient, the author and a salt, so they can neither be taken first by someone watching the
/// mempool nor chosen to equal a data class id.
/// @dev Storage layout, chosen for a one-slot grant. A provision is stored under
/// (patient, grantee key, target) in a fixed array of {MAX_PROVISIONS_PER_KEY} slots, where the
/// grantee key is the account (left-padded) or a role id and the target is a data class, a record
/// id or zero ("all data"). A query therefore reads only the keys it can match: the grantee and
/// the roles it holds, times (all data, each of the record's classes, the record). This bounds
/// evaluation (at most 8 grantee keys x up to {MAX_RECORD_CLASSES} + 2 targets x
/// {MAX_PROVISIONS_PER_KEY} slots) without a per-patient index, and a grant of one target writes
/// one new slot. A slot whose provision is revoked or expired is reused.
/// A record carries up to {MAX_RECORD_CLASSES} data classes; its first class sits in the record's
/// second slot and the count in its first, so a record of one class costs what it did with a
/// single class field, and each further class one slot.
/// Revocation is told where the consent lives (its grantee and targets, from {ConsentGranted}).
/// Consent ids come from one counter, so no two consents share an id.
/// Research: a study is modelled as a grantee account (the study's own address, or a role) with
/// purpose HRESCH. Nothing but ids, digests and hashes is stored or emitted.
/// Calls batch through OpenZeppelin's {Multicall}: each call runs as its caller's own would (the
/// same `msg.sender`, no value), all of them or none, so a relayer sends many patients' signed
/// grants in one transaction and gains no right it lacks alone.
contract ConsentRegistry is IConsentRegistry, EIP712, Nonces, Multicall {
    /// @notice Provisions in force at once per (patient, grantee key, target).
    uint256 public constant MAX_PROVISIONS_PER_KEY = 4;
    /// @notice Targets per grant.
    uint256 public constant MAX_TARGETS = 8;
    /// @notice Data classes per record (its resource type and its categories).
    uint256 public constant MAX_RECORD_CLASSES = 8;
    /// @notice Longest break-glass access (24 hours).
    uint40 public constant MAX_BREAK_GLASS_DURATION = 24 hours;
    /// @notice Break-glass openings one provider may make on one patient within {BREAK_GLASS_WINDOW}.
    uint8 public constant MAX_BREAK_GLASS_OPENINGS = 3;
    /// @notice The window over which break-glass openings are counted, and for which a provider
    /// whose break-glass the patient (or a delegate) closed may not reopen it.
    uint40 public constant BREAK_GLASS_WINDOW = 24 hours;
    /// @notice Longest binary CID accepted (a CIDv1 with a sha2-256 multihash takes 36 bytes).
    uint256 public constant MAX_CID_LENGTH = 64;
    /// @notice The target that stands for all of the patient's data.
    bytes32 public constant ALL_DATA = bytes32(0);
    /// @notice EIP-712 type of a signed grant (the request is flattened into it).
    bytes32 public constant GRANT_TYPEHASH = keccak256(
        "Grant(address patient,uint8 kind,address grantee,bytes32 granteeRole,uint8 actions,uint8 purposes,"
        "uint40 start,uint40 end,bytes32[] targets,bytes keyBundleCid,uint256 nonce,uint256 deadline)"
    );

    /// @notice The ParticipantRegistry that says who is an active PROVIDER or role holder.
    IParticipantRegistry public immutable participants;

    // The declaration is longer than 120 columns and prettier cannot break it.
    // solhint-disable max-line-length
    // slither-disable-next-line uninitialized-state -- written through storage references (_store, _revokeAt)
    mapping(address patient => mapping(bytes32 granteeKey => mapping(bytes32 target => Provision[MAX_PROVISIONS_PER_KEY])))
        private _provisions;
    // solhint-enable max-line-length
    mapping(address patient => mapping(address delegate => bool appointed)) private _delegates;
    mapping(bytes32 recordId => StoredRecord) private _records;
    /// @dev A record's data classes after its first (index 1 to its class count - 1).
    mapping(bytes32 recordId => mapping(uint256 index => bytes32 dataClass)) private _moreClasses;
    mapping(bytes32 recordId => mapping(uint32 version => RecordVersion)) private _versions;
    mapping(address patient => mapping(address provider => BreakGlass)) private _breakGlass;
    /// @dev The id the next consent gets. Set to 1 at deployment, so that every grant updates a
    /// non-zero slot instead of the first one paying for a new slot.
    uint96 private _nextConsentId;

    /// @dev A record as stored: {Record} with its first data class inline and the count beside the
    /// patient, the other classes in `_moreClasses`.
    struct StoredRecord {
        address patient;
        uint32 latestVersion;
        bool erased;
        uint8 classCount;
        bytes32 dataClass;
    }

    /// @dev One {checkAccess} query and the outcome of scanning provisions for it so far.
    struct Query {
        address patient;
        address grantee;
        uint8 action;
        uint8 purpose;
        uint256 targetCount;
        // Targets a query can match: all data, the record's data classes, the record.
        bytes32[MAX_RECORD_CLASSES + 2] targets;
        uint96 permitId;
        uint96 denyId;
        AccessReason nearMiss;
    }

    /// @notice Deploys the registry over the suite's participants; consent ids start at 1.
    /// @param participantRegistry the suite's ParticipantRegistry.
    constructor(IParticipantRegistry participantRegistry) EIP712("hygeia.ConsentRegistry", "1") {
        if (address(participantRegistry) == address(0)) revert ConsentRegistryZeroAddress();
        participants = participantRegistry;
        _nextConsentId = 1;
    }

    // ---------------------------------------------------------------- consents

    /// @inheritdoc IConsentRegistry
    function grant(
        address patient,
        GrantRequest calldata request,
        bytes calldata keyBundleCid
    ) external returns (uint256 consentId) {
        _requirePatientOrDelegate(patient);
        consentId = _grant(patient, request, keyBundleCid);
    }

    /// @inheritdoc IConsentRegistry
    function grantBySig(
        address patient,
        GrantRequest calldata request,
        bytes calldata keyBundleCid,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 consentId) {
        if (block.timestamp > deadline) revert ConsentRegistrySignatureExpired(deadline);
        _useGrantNonce(patient, nonce);
        bytes32 digest = _hashTypedDataV4(_grantStructHash(patient, request, keyBundleCid, nonce, deadline));
        // slither-disable-next-line unused-return -- a failed recovery gives signer 0, refused on the next line
        (address signer, , ) = ECDSA.tryRecover(digest, signature);
        if (signer != patient || patient == address(0)) revert ConsentRegistryInvalidSigner(signer, patient);
        consentId = _grant(patient, request, keyBundleCid);
    }

    /// @inheritdoc IConsentRegistry
    function cancelSignedGrant(address patient, uint256 nonce) external {
        _requirePatientOrDelegate(patient);
        _useGrantNonce(patient, nonce);
        emit SignedGrantCancelled(patient, nonce, msg.sender);
    }

    /// @inheritdoc IConsentRegistry
    function revoke(
        address patient,
        uint256 consentId,
        address grantee,
        bytes32 granteeRole,
        bytes32[] calldata targets
    ) external {
        _requirePatientOrDelegate(patient);
        bytes32 granteeKey = granteeRole == bytes32(0) ? ConsentPolicy.accountKey(grantee) : granteeRole;
        if (targets.length == 0) {
            _revokeAt(patient, granteeKey, ALL_DATA, consentId);
        } else {
            for (uint256 i = 0; i < targets.length; ++i) {
                _revokeAt(patient, granteeKey, targets[i], consentId);
            }
        }
        emit ConsentRevoked(patient, consentId, msg.sender, granteeKey, targets);
    }

    /// @inheritdoc IConsentRegistry
    function shareConsentKeys(
        address patient,
        uint256 consentId,
        address grantee,
        bytes32 target,
        bytes calldata keyBundleCid
    ) external {
        _requirePatientOrDelegate(patient);
        if (keyBundleCid.length == 0 || keyBundleCid.length > MAX_CID_LENGTH) revert ConsentRegistryInvalidRecord();
        Provision memory permit = _storedPermit(patient, ConsentPolicy.accountKey(grantee), target, consentId);
        if (permit.consentId == 0) revert ConsentRegistryConsentNotFound(patient, consentId);
        if (!ConsentPolicy.inPeriod(permit.start, permit.end, block.timestamp)) {
            revert ConsentRegistryConsentNotInForce(patient, consentId, permit.start, permit.end);
        }
        emit ConsentKeysShared(patient, consentId, grantee, msg.sender, keyBundleCid);
    }

    // ---------------------------------------------------------------- delegates

    /// @inheritdoc IConsentRegistry
    function appointDelegate(address delegate) external {
        if (delegate == address(0) || delegate == msg.sender) revert ConsentRegistryInvalidDelegate(delegate);
        if (_delegates[msg.sender][delegate]) revert ConsentRegistryDelegateExists(msg.sender, delegate);
        _delegates[msg.sender][delegate] = true;
        emit DelegateAppointed(msg.sender, delegate);
    }

    /// @inheritdoc IConsentRegistry
    function revokeDelegate(address delegate) external {
        if (!_delegates[msg.sender][delegate]) revert ConsentRegistryDelegateNotFound(msg.sender, delegate);
        delete _delegates[msg.sender][delegate];
        emit DelegateRevoked(msg.sender, delegate);
    }

    // ---------------------------------------------------------------- records

    /// @inheritdoc IConsentRegistry
    function anchorRecord(
        address patient,
        bytes32 salt,
        bytes32[] calldata dataClasses,
        bytes calldata cid,
        bytes32 ciphertextDigest,
        bytes calldata keyBundleCid
    ) external returns (bytes32 recordId) {
        if (patient == address(0)) revert ConsentRegistryZeroAddress();
        _requireClasses(dataClasses);
        _requireContent(cid, ciphertextDigest, keyBundleCid);
        recordId = _recordId(patient, msg.sender, salt);
        if (_records[recordId].patient != address(0)) revert ConsentRegistryRecordExists(recordId);
        _requireCollector(patient, dataClasses);

        StoredRecord storage record = _records[recordId];
        record.patient = patient;
        record.latestVersion = 1;
        _storeClasses(recordId, record, dataClasses);
        _storeVersion(recordId, 1, cid, ciphertextDigest, keyBundleCid);
        emit RecordAnchored(patient, recordId, msg.sender, 1, 0, dataClasses, ciphertextDigest, cid, keyBundleCid);
    }

    /// @inheritdoc IConsentRegistry
    function amendRecord(
        bytes32 recordId,
        bytes calldata cid,
        bytes32 ciphertextDigest,
        bytes calldata keyBundleCid
    ) external returns (uint32 version) {
        _requireContent(cid, ciphertextDigest, keyBundleCid);
        StoredRecord storage record = _liveRecord(recordId);
        _requireCorrector(record.patient, recordId);
        version = _amend(recordId, record, cid, ciphertextDigest, keyBundleCid);
    }

    /// @inheritdoc IConsentRegistry
    function amendRecordClasses(
        bytes32 recordId,
        bytes32[] calldata dataClasses,
        bytes calldata cid,
        bytes32 ciphertextDigest,
        bytes calldata keyBundleCid
    ) external returns (uint32 version) {
        _requireClasses(dataClasses);
        _requireContent(cid, ciphertextDigest, keyBundleCid);
        StoredRecord storage record = _liveRecord(recordId);
        address patient = record.patient;
        // CORRECT on the record as it stands (its old classes), COLLECT on what it becomes; a
        // provider adds classes but never drops one (that would take the record out from under
        // a deny on it).
        _requireCorrector(patient, recordId);
        _requireCollector(patient, dataClasses);
        if (msg.sender != patient && !_isDelegate(patient, msg.sender)) {
            _requireKeepsClasses(recordId, record, dataClasses);
        }
        _storeClasses(recordId, record, dataClasses);
        version = _amend(recordId, record, cid, ciphertextDigest, keyBundleCid);
    }

    /// @inheritdoc IConsentRegistry
    function eraseRecord(bytes32 recordId) external {
        StoredRecord storage record = _liveRecord(recordId);
        address patient = record.patient;
        _requirePatientOrDelegate(patient);
        record.erased = true;
        emit RecordErased(patient, recordId, msg.sender);
    }

    // ---------------------------------------------------------------- break-glass and audit

    /// @inheritdoc IConsentRegistry
    function openBreakGlass(address patient, bytes32 reasonHash, uint40 duration) external {
        if (!participants.isActive(msg.sender, Roles.PROVIDER)) revert ConsentRegistryNotActiveProvider(msg.sender);
        if (patient == address(0)) revert ConsentRegistryZeroAddress();
        if (reasonHash == bytes32(0)) revert ConsentRegistryInvalidReason();
        if (duration == 0 || duration > MAX_BREAK_GLASS_DURATION) {
            revert ConsentRegistryInvalidBreakGlassDuration(duration);
        }
        BreakGlass memory access = _breakGlass[patient][msg.sender];
        if (block.timestamp <= access.endsAt) revert ConsentRegistryBreakGlassOpen(patient, msg.sender);
        uint40 time = uint40(block.timestamp);
        if (time >= access.windowStart + BREAK_GLASS_WINDOW) {
            access.windowStart = time;
            access.openings = 0;
        }
        if (access.openings >= MAX_BREAK_GLASS_OPENINGS) {
            revert ConsentRegistryBreakGlassLimitReached(patient, msg.sender, access.windowStart + BREAK_GLASS_WINDOW);
        }

        ++access.openings;
        access.endsAt = time + duration - 1;
        _breakGlass[patient][msg.sender] = access;
        emit BreakGlassOpened(patient, msg.sender, reasonHash, access.endsAt, access.openings);
    }

    /// @inheritdoc IConsentRegistry
    function closeBreakGlass(address patient, address provider) external {
        bool byProvider = msg.sender == provider;
        if (!byProvider) _requirePatientOrDelegate(patient);
        BreakGlass storage access = _breakGlass[patient][provider];
        if (block.timestamp > access.endsAt) revert ConsentRegistryBreakGlassNotOpen(patient, provider);

        access.endsAt = 0;
        if (!byProvider) {
            // The patient (or its delegate) is able to consent, so the emergency is over: the
            // provider may not reopen for a whole window.
            access.windowStart = uint40(block.timestamp);
            access.openings = MAX_BREAK_GLASS_OPENINGS;
        }
        emit BreakGlassClosed(patient, provider, msg.sender);
    }

    /// @inheritdoc IConsentRegistry
    function logAccess(address patient, bytes32 recordId, uint8 purpose, uint256 consentId) external {
        StoredRecord storage record = _liveRecord(recordId);
        if (record.patient != patient) revert ConsentRegistryRecordNotFound(recordId);
        (bool allowed, AccessReason reason, uint256 decidingId) = _checkAccess(
            patient,
            msg.sender,
            recordId,
            ConsentPolicy.ACTION_ACCESS,
            purpose
        );
        if (!allowed) revert ConsentRegistryAccessDenied(patient, msg.sender, reason);
        if (decidingId != consentId) revert ConsentRegistryConsentMismatch(decidingId, consentId);
        emit RecordAccessed(patient, recordId, msg.sender, purpose, consentId);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IConsentRegistry
    function checkAccess(
        address patient,
        address grantee,
        bytes32 target,
        uint8 action,
        uint8 purpose
    ) external view returns (bool allowed, AccessReason reason, uint256 consentId) {
        return _checkAccess(patient, grantee, target, action, purpose);
    }

    /// @inheritdoc IConsentRegistry
    function provisionsOf(
        address patient,
        bytes32 granteeKey,
        bytes32 target
    ) external view returns (Provision[] memory provisions) {
        Provision[MAX_PROVISIONS_PER_KEY] storage slots = _provisions[patient][granteeKey][target];
        uint256 count;
        while (count < MAX_PROVISIONS_PER_KEY && slots[count].consentId != 0) ++count;
        provisions = new Provision[](count);
        for (uint256 i = 0; i < count; ++i) {
            provisions[i] = slots[i];
        }
    }

    /// @inheritdoc IConsentRegistry
    function isDelegate(address patient, address delegate) external view returns (bool) {
        return _isDelegate(patient, delegate);
    }

    /// @inheritdoc IConsentRegistry
    function recordOf(bytes32 recordId) external view returns (Record memory) {
        StoredRecord storage record = _records[recordId];
        return
            Record({
                patient: record.patient,
                latestVersion: record.latestVersion,
                erased: record.erased,
                dataClasses: _classesOf(recordId, record)
            });
    }

    /// @inheritdoc IConsentRegistry
    function recordVersion(bytes32 recordId, uint32 version) external view returns (RecordVersion memory) {
        return _versions[recordId][version];
    }

    /// @inheritdoc IConsentRegistry
    function breakGlassOf(address patient, address provider) external view returns (BreakGlass memory) {
        return _breakGlass[patient][provider];
    }

    /// @inheritdoc IConsentRegistry
    function recordIdOf(address patient, address author, bytes32 salt) external pure returns (bytes32) {
        return _recordId(patient, author, salt);
    }

    // slither-disable-start naming-convention -- the EIP-712 getter's conventional name (as in ERC-2612)
    // solhint-disable func-name-mixedcase
    /// @notice The EIP-712 domain separator (chain id and this contract's address are part of it).
    /// @return the separator of domain "hygeia.ConsentRegistry", version "1", that signed grants
    /// are made over.
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }
    // solhint-enable func-name-mixedcase
    // slither-disable-end naming-convention

    // ---------------------------------------------------------------- internals: consents

    function _grant(
        address patient,
        GrantRequest calldata request,
        bytes calldata keyBundleCid
    ) private returns (uint256 consentId) {
        if (!participants.isActive(patient, Roles.PATIENT)) revert ConsentRegistryNotPatient(patient);
        bytes32 granteeKey = _validateRequest(patient, request);
        uint96 id = _nextConsentId;
        ++_nextConsentId;
        Provision memory provision = Provision({
            consentId: id,
            start: request.start,
            end: request.end,
            actions: request.actions,
            purposes: request.purposes,
            kind: request.kind,
            revoked: false
        });
        bytes32[] calldata targets = request.targets;
        if (targets.length == 0) {
            _store(patient, granteeKey, ALL_DATA, provision);
        } else {
            for (uint256 i = 0; i < targets.length; ++i) {
                _store(patient, granteeKey, targets[i], provision);
            }
        }
        consentId = id;
        _emitGranted(patient, consentId, granteeKey, request, keyBundleCid);
    }

    function _emitGranted(
        address patient,
        uint256 consentId,
        bytes32 granteeKey,
        GrantRequest calldata request,
        bytes calldata keyBundleCid
    ) private {
        emit ConsentGranted(
            patient,
            consentId,
            granteeKey,
            request.kind,
            request.actions,
            request.purposes,
            request.start,
            request.end,
            request.targets,
            keyBundleCid
        );
    }

    // slither-disable-next-line cyclomatic-complexity -- a flat list of checks, one error per request field
    function _validateRequest(
        address patient,
        GrantRequest calldata request
    ) private view returns (bytes32 granteeKey) {
        address grantee = request.grantee;
        bytes32 role = request.granteeRole;
        if ((grantee == address(0)) == (role == bytes32(0)) || grantee == patient) {
            revert ConsentRegistryInvalidGrantee(grantee, role);
        }
        if (role != bytes32(0) && Roles.bit(role) == 0) {
            revert ConsentRegistryUnknownRole(role);
        }
        if (!ConsentPolicy.isValidSet(request.actions, ConsentPolicy.ALL_ACTIONS)) {
            revert ConsentRegistryInvalidActions(request.actions);
        }
        if (!ConsentPolicy.isValidSet(request.purposes, ConsentPolicy.ALL_PURPOSES)) {
            revert ConsentRegistryInvalidPurposes(request.purposes);
        }
        if (request.start > request.end || request.end < block.timestamp) {
            revert ConsentRegistryInvalidPeriod(request.start, request.end);
        }
        bytes32[] calldata targets = request.targets;
        if (targets.length > MAX_TARGETS) revert ConsentRegistryTooManyTargets(targets.length);
        for (uint256 i = 0; i < targets.length; ++i) {
            if (targets[i] == ALL_DATA) revert ConsentRegistryInvalidTarget(targets[i]);
            for (uint256 j = 0; j < i; ++j) {
                if (targets[j] == targets[i]) revert ConsentRegistryInvalidTarget(targets[i]);
            }
        }
        granteeKey = role == bytes32(0) ? ConsentPolicy.accountKey(grantee) : role;
    }

    /// @dev Writes `provision` into the first slot that is empty, revoked or past its period.
    function _store(address patient, bytes32 granteeKey, bytes32 target, Provision memory provision) private {
        Provision[MAX_PROVISIONS_PER_KEY] storage slots = _provisions[patient][granteeKey][target];
        for (uint256 i = 0; i < MAX_PROVISIONS_PER_KEY; ++i) {
            Provision storage slot = slots[i];
            if (slot.consentId == 0 || slot.revoked || slot.end < block.timestamp) {
                slots[i] = provision;
                return;
            }
        }
        revert ConsentRegistryProvisionLimitReached(patient, granteeKey, target);
    }

    function _revokeAt(address patient, bytes32 granteeKey, bytes32 target, uint256 consentId) private {
        Provision[MAX_PROVISIONS_PER_KEY] storage slots = _provisions[patient][granteeKey][target];
        for (uint256 i = 0; i < MAX_PROVISIONS_PER_KEY; ++i) {
            Provision storage slot = slots[i];
            if (slot.consentId == 0) break;
            if (slot.consentId == consentId && !slot.revoked) {
                slot.revoked = true;
                return;
            }
        }
        revert ConsentRegistryConsentNotFound(patient, consentId);
    }

    function _grantStructHash(
        address patient,
        GrantRequest calldata request,
        bytes calldata keyBundleCid,
        uint256 nonce,
        uint256 deadline
    ) private pure returns (bytes32) {
        bytes memory head = abi.encode(
            GRANT_TYPEHASH,
            patient,
            request.kind,
            request.grantee,
            request.granteeRole,
            request.actions,
            request.purposes
        );
        bytes memory tail = abi.encode(
            request.start,
            request.end,
            keccak256(abi.encodePacked(request.targets)),
            keccak256(keyBundleCid),
            nonce,
            deadline
        );
        return keccak256(bytes.concat(head, tail));
    }

    // ---------------------------------------------------------------- internals: evaluation

    function _checkAccess(
        address patient,
        address grantee,
        bytes32 target,
        uint8 action,
        uint8 purpose
    ) private view returns (bool allowed, AccessReason reason, uint256 consentId) {
        if (!ConsentPolicy.isSingle(action, ConsentPolicy.ALL_ACTIONS)) revert ConsentRegistryInvalidActions(action);
        if (!ConsentPolicy.isSingle(purpose, ConsentPolicy.ALL_PURPOSES)) {
            revert ConsentRegistryInvalidPurposes(purpose);
        }
        // slither-disable-next-line uninitialized-local -- zeroed on purpose; the fields are set below
        Query memory q;
        q.patient = patient;
        q.grantee = grantee;
        q.action = action;
        q.purpose = purpose;
        q.nearMiss = AccessReason.NoPermit;
        q.targets[0] = ALL_DATA;
        StoredRecord storage record = _records[target];
        if (record.patient == patient && patient != address(0)) {
            if (record.erased) return (false, AccessReason.RecordErased, 0);
            uint256 count = record.classCount;
            q.targets[1] = record.dataClass;
            for (uint256 i = 1; i < count; ++i) {
                q.targets[i + 1] = _moreClasses[target][i];
            }
            q.targets[count + 1] = target;
            q.targetCount = count + 2;
        } else {
            q.targets[1] = target;
            q.targetCount = 2;
        }
        return _evaluate(q);
    }

    /// @dev Whether `q`'s grantee may do `q`'s action for `q`'s purpose on all of `q`'s targets
    /// taken together: a deny on any target overrides a permit on any.
    function _evaluate(Query memory q) private view returns (bool allowed, AccessReason reason, uint256 consentId) {
        address patient = q.patient;
        address grantee = q.grantee;
        _scan(q, ConsentPolicy.accountKey(grantee), false);
        uint256 roleBits = participants.rolesOf(grantee);
        // The governance admin (role id zero) cannot be a grantee.
        for (uint256 index = Roles.ADMIN_BIT + 1; index < Roles.COUNT; ++index) {
            if (roleBits & (1 << index) != 0) _scan(q, Roles.roleAt(index), true);
        }

        if (q.permitId != 0 && q.denyId == 0) return (true, AccessReason.Permitted, q.permitId);
        if (
            q.action == ConsentPolicy.ACTION_ACCESS
            && q.purpose == ConsentPolicy.PURPOSE_ETREAT
            && _breakGlassOpen(patient, grantee)
            && participants.isActive(grantee, Roles.PROVIDER)
        ) return (true, AccessReason.BreakGlass, 0);
        if (q.denyId != 0) return (false, AccessReason.Denied, q.denyId);
        return (false, q.nearMiss, 0);
    }

    /// @dev Folds the provisions stored under one grantee key into `q`. A role permit applies only
    /// while the grantee holds the role actively; a role deny applies to any holder.
    // slither-disable-next-line cyclomatic-complexity -- the policy's rules in one pass over the slots
    function _scan(Query memory q, bytes32 granteeKey, bool isRole) private view {
        mapping(bytes32 target => Provision[MAX_PROVISIONS_PER_KEY]) storage byTarget = _provisions[q.patient][
            granteeKey
        ];
        // slither-disable-next-line uninitialized-local -- false until the registry is first asked
        bool roleActive;
        // slither-disable-next-line uninitialized-local -- false until the registry is first asked
        bool roleChecked;
        for (uint256 t = 0; t < q.targetCount; ++t) {
            Provision[MAX_PROVISIONS_PER_KEY] storage slots = byTarget[q.targets[t]];
            for (uint256 i = 0; i < MAX_PROVISIONS_PER_KEY; ++i) {
                Provision memory p = slots[i];
                if (p.consentId == 0) break;
                if (!ConsentPolicy.covers(p.actions, p.purposes, q.action, q.purpose)) continue;
                bool inForce = !p.revoked && ConsentPolicy.inPeriod(p.start, p.end, block.timestamp);
                if (p.kind == ProvisionType.Deny) {
                    if (inForce && q.denyId == 0) q.denyId = p.consentId;
                    continue;
                }
                if (!inForce) {
                    _noteNearMiss(q, p);
                    continue;
                }
                if (q.permitId != 0) continue;
                if (isRole) {
                    if (!roleChecked) {
                        // slither-disable-next-line calls-loop -- own registry, view, once per role
                        roleActive = participants.isActive(q.grantee, granteeKey);
                        roleChecked = true;
                    }
                    if (!roleActive) continue;
                }
                q.permitId = p.consentId;
            }
        }
    }

    /// @dev Keeps the most telling reason a covering permit did not apply: Expired > NotYet > Revoked.
    function _noteNearMiss(Query memory q, Provision memory p) private view {
        AccessReason reason;
        if (p.revoked) reason = AccessReason.Revoked;
        else if (block.timestamp > p.end) reason = AccessReason.Expired;
        else reason = AccessReason.NotYet;
        if (_missRank(reason) > _missRank(q.nearMiss)) q.nearMiss = reason;
    }

    // ---------------------------------------------------------------- internals: helpers

    function _requirePatientOrDelegate(address patient) private view {
        if (msg.sender != patient && !_isDelegate(patient, msg.sender)) {
            revert ConsentRegistryNotPatientOrDelegate(patient, msg.sender);
        }
    }

    /// @dev A delegate the patient appointed, or the guardian who registered the patient.
    function _isDelegate(address patient, address account) private view returns (bool) {
        return _delegates[patient][account] || (account != address(0) && participants.guardianOf(patient) == account);
    }

    /// @dev Uses `patient`'s signed-grant nonce `nonce`, which must be the current one.
    function _useGrantNonce(address patient, uint256 nonce) private {
        uint256 current = _useNonce(patient);
        if (nonce < current) revert ConsentRegistryNonceUsed(patient, nonce);
        if (nonce > current) revert ConsentRegistryNonceNotYetValid(patient, nonce, current);
    }

    /// @dev The unrevoked permit `consentId` stored for `patient` at (`granteeKey`, `target`), or a
    /// zero provision if there is none.
    function _storedPermit(
        address patient,
        bytes32 granteeKey,
        bytes32 target,
        uint256 consentId
    ) private view returns (Provision memory permit) {
        Provision[MAX_PROVISIONS_PER_KEY] storage slots = _provisions[patient][granteeKey][target];
        for (uint256 i = 0; i < MAX_PROVISIONS_PER_KEY; ++i) {
            Provision memory slot = slots[i];
            if (slot.consentId == 0) break;
            if (slot.consentId == consentId && !slot.revoked && slot.kind == ProvisionType.Permit) return slot;
        }
    }

    /// @dev The patient and delegates amend records freely; an active PROVIDER needs a consent
    /// allowing CORRECT for purpose TREAT on the record.
    function _requireCorrector(address patient, bytes32 recordId) private view {
        if (!_requireProviderUnlessPatient(patient)) return;
        (bool allowed, AccessReason reason, ) = _checkAccess(
            patient,
            msg.sender,
            recordId,
            ConsentPolicy.ACTION_CORRECT,
            ConsentPolicy.PURPOSE_TREAT
        );
        if (!allowed) revert ConsentRegistryAccessDenied(patient, msg.sender, reason);
    }

    /// @dev The patient and delegates write records of any class; an active PROVIDER needs a
    /// consent allowing COLLECT for purpose TREAT on the classes taken together (as {checkAccess}
    /// evaluates a record of them): a permit on any, or on all data, and a deny on none.
    function _requireCollector(address patient, bytes32[] calldata dataClasses) private view {
        if (!_requireProviderUnlessPatient(patient)) return;
        // slither-disable-next-line uninitialized-local -- zeroed on purpose; the fields are set below
        Query memory q;
        q.patient = patient;
        q.grantee = msg.sender;
        q.action = ConsentPolicy.ACTION_COLLECT;
        q.purpose = ConsentPolicy.PURPOSE_TREAT;
        q.nearMiss = AccessReason.NoPermit;
        q.targets[0] = ALL_DATA;
        for (uint256 i = 0; i < dataClasses.length; ++i) {
            q.targets[i + 1] = dataClasses[i];
        }
        q.targetCount = dataClasses.length + 1;
        (bool allowed, AccessReason reason, ) = _evaluate(q);
        if (!allowed) revert ConsentRegistryAccessDenied(patient, msg.sender, reason);
    }

    /// @dev False for the patient or a delegate (who need no consent to write); true for an active
    /// PROVIDER, whose consents must then be checked; reverts for anyone else.
    function _requireProviderUnlessPatient(address patient) private view returns (bool) {
        if (msg.sender == patient || _isDelegate(patient, msg.sender)) return false;
        if (!participants.isActive(msg.sender, Roles.PROVIDER)) {
            revert ConsentRegistryNotPatientOrDelegate(patient, msg.sender);
        }
        return true;
    }

    /// @dev One to {MAX_RECORD_CLASSES} data classes, none zero, no repeats, and none the id of an
    /// anchored record: a record filed under another record's id as a class would fall under the
    /// consents given on that record (a permit on it would open the new one).
    function _requireClasses(bytes32[] calldata dataClasses) private view {
        uint256 count = dataClasses.length;
        if (count == 0 || count > MAX_RECORD_CLASSES) revert ConsentRegistryInvalidClassCount(count);
        for (uint256 i = 0; i < count; ++i) {
            bytes32 dataClass = dataClasses[i];
            if (dataClass == bytes32(0)) revert ConsentRegistryInvalidDataClass(dataClass);
            if (_records[dataClass].patient != address(0)) {
                revert ConsentRegistryClassIsRecord(dataClass);
            }
            for (uint256 j = 0; j < i; ++j) {
                if (dataClasses[j] == dataClass) revert ConsentRegistryInvalidDataClass(dataClass);
            }
        }
    }

    /// @dev Every class `record` has is among `dataClasses`.
    function _requireKeepsClasses(
        bytes32 recordId,
        StoredRecord storage record,
        bytes32[] calldata dataClasses
    ) private view {
        bytes32[] memory classes = _classesOf(recordId, record);
        for (uint256 i = 0; i < classes.length; ++i) {
            bool kept = false;
            for (uint256 j = 0; j < dataClasses.length && !kept; ++j) {
                kept = dataClasses[j] == classes[i];
            }
            if (!kept) revert ConsentRegistryClassDropped(recordId, classes[i]);
        }
    }

    /// @dev Stores `dataClasses` (already checked) as `record`'s classes.
    function _storeClasses(bytes32 recordId, StoredRecord storage record, bytes32[] calldata dataClasses) private {
        uint256 count = dataClasses.length;
        // The count fits: _requireClasses bounds it by MAX_RECORD_CLASSES.
        record.classCount = uint8(count);
        record.dataClass = dataClasses[0];
        for (uint256 i = 1; i < count; ++i) {
            _moreClasses[recordId][i] = dataClasses[i];
        }
    }

    /// @dev `record`'s data classes, its first class first.
    function _classesOf(bytes32 recordId, StoredRecord storage record) private view returns (bytes32[] memory classes) {
        uint256 count = record.classCount;
        classes = new bytes32[](count);
        if (count == 0) return classes;
        classes[0] = record.dataClass;
        for (uint256 i = 1; i < count; ++i) {
            classes[i] = _moreClasses[recordId][i];
        }
    }

    /// @dev Stores the next version of `record` and emits its {RecordAnchored}.
    function _amend(
        bytes32 recordId,
        StoredRecord storage record,
        bytes calldata cid,
        bytes32 ciphertextDigest,
        bytes calldata keyBundleCid
    ) private returns (uint32 version) {
        version = record.latestVersion + 1;
        record.latestVersion = version;
        bytes32[] memory dataClasses = _storeVersion(recordId, version, cid, ciphertextDigest, keyBundleCid);
        emit RecordAnchored(
            record.patient,
            recordId,
            msg.sender,
            version,
            version - 1,
            dataClasses,
            ciphertextDigest,
            cid,
            keyBundleCid
        );
    }

    function _requireContent(bytes calldata cid, bytes32 ciphertextDigest, bytes calldata keyBundleCid) private pure {
        if (
            ciphertextDigest == bytes32(0)
            || cid.length == 0
            || cid.length > MAX_CID_LENGTH
            || keyBundleCid.length == 0
            || keyBundleCid.length > MAX_CID_LENGTH
        ) revert ConsentRegistryInvalidRecord();
    }

    function _liveRecord(bytes32 recordId) private view returns (StoredRecord storage record) {
        record = _records[recordId];
        if (record.patient == address(0)) revert ConsentRegistryRecordNotFound(recordId);
        if (record.erased) revert ConsentRegistryRecordErased(recordId);
    }

    /// @dev Stores version `version` of a record whose classes are stored already, and returns
    /// them. The version's data classes go into its digest: storage keeps only the latest
    /// version's classes, and the digest lets a reader check an older version's (from its event)
    /// at no storage cost.
    function _storeVersion(
        bytes32 recordId,
        uint32 version,
        bytes calldata cid,
        bytes32 ciphertextDigest,
        bytes calldata keyBundleCid
    ) private returns (bytes32[] memory dataClasses) {
        dataClasses = _classesOf(recordId, _records[recordId]);
        _versions[recordId][version] = RecordVersion({
            cidsDigest: keccak256(abi.encode(cid, keyBundleCid, dataClasses)),
            ciphertextDigest: ciphertextDigest,
            anchoredBy: msg.sender,
            anchoredAt: uint40(block.timestamp)
        });
    }

    function _breakGlassOpen(address patient, address provider) private view returns (bool) {
        return block.timestamp <= _breakGlass[patient][provider].endsAt;
    }

    /// @dev A record's id: bound to its patient and author, so nobody else can claim it first, and
    /// a hash of 96 bytes, so it cannot be chosen to equal a data class id (a hash of a name).
    function _recordId(address patient, address author, bytes32 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(patient, author, salt));
    }

    function _missRank(AccessReason reason) private pure returns (uint256) {
        if (reason == AccessReason.Expired) return 3;
        if (reason == AccessReason.NotYet) return 2;
        if (reason == AccessReason.Revoked) return 1;
        return 0;
    }
}
