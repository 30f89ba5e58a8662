// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IClaimsAdjudicator} from "../interfaces/IClaimsAdjudicator.sol";

/// @title ClaimsAdjudicatorStorage
/// @notice The state of ClaimsAdjudicator, shared with ClaimsReader: the adjudicator answers its
/// views by running the reader's code on its own storage (DELEGATECALL), so both contracts inherit
/// this one first and declare no state of their own; every variable then has the same slot in
/// both (tests/toolchain/test_claims_storage_layout.py compares the compiler's layouts).
/// @dev Storage, chosen for gas per line: a claim is two slots (provider, plan, received day,
/// state, status, line count and member flag in one; the member id in the other); each line is
/// one slot as submitted (plus one for an authorization id, only if given) and one slot of
/// results (the denial, or the five adjustment amounts and the units allowed). Totals, allowed
/// and paid amounts are derived from those, never stored twice. The duplicate rule keeps one
/// flag per (plan, member, provider, code, service date) of a line that was not denied; a
/// reversal clears it. Accumulators are one slot per member and plan (a plan is one plan year),
/// plus one per member and limited code for the units used. A reversal is a new claim record
/// whose remittance is the original's negated; the original's results are never edited.
/// Money is not here: ClaimsEscrow holds the escrows, credits and recoupments; a claim whose
/// payment the escrow could not cover keeps its amount in `_pending`.
abstract contract ClaimsAdjudicatorStorage {
    /// @dev Mixed into a claim id to name its reversal record.
    bytes32 internal constant _REVERSAL_TAG = keccak256("hygeia.claims.reversal");

    /// @dev One service line as submitted; `hasAuth` says whether an authorization id is stored.
    struct Line {
        bytes8 code;
        uint32 serviceDate;
        uint32 units;
        uint40 charge;
        bool hasAuth;
    }

    // slither-disable-start uninitialized-state,unused-state,constable-states -- written by ClaimsAdjudicator; ClaimsReader only reads (some of) them
    uint32 internal _planCount;
    mapping(uint32 planId => IClaimsAdjudicator.Plan) internal _plans;
    mapping(address insurer => mapping(bytes32 planKey => uint32 planId)) internal _planIds;
    mapping(uint32 planId => mapping(bytes8 code => IClaimsAdjudicator.Service)) internal _services;
    mapping(uint32 planId => mapping(bytes32 memberId => IClaimsAdjudicator.Member)) internal _members;
    mapping(uint32 planId => mapping(bytes32 memberId => IClaimsAdjudicator.Accumulator)) internal _accumulators;
    mapping(uint32 planId => mapping(bytes32 memberId => mapping(bytes8 code => uint32 units))) internal _unitsUsed;
    mapping(uint32 planId => mapping(bytes32 memberId => mapping(bytes32 authId => IClaimsAdjudicator.Authorization)))
        internal _authorizations;
    mapping(uint32 planId => mapping(bytes32 lineKey => bool billed)) internal _billed;
    mapping(bytes32 claimId => IClaimsAdjudicator.Claim) internal _claims;
    mapping(bytes32 claimId => mapping(uint256 index => Line)) internal _lines;
    mapping(bytes32 claimId => mapping(uint256 index => bytes32 authId)) internal _lineAuths;
    mapping(bytes32 claimId => mapping(uint256 index => IClaimsAdjudicator.LineResult)) internal _results;
    mapping(bytes32 claimId => uint256 amount) internal _pending;
    mapping(bytes32 reversalId => bytes32 claimId) internal _originals;
    mapping(bytes32 claimId => IClaimsAdjudicator.AppealStatus) internal _appeals;
    // slither-disable-end uninitialized-state,unused-state,constable-states

    /// @dev The stored record `claimId`; reverts if there is none.
    function _existingClaim(bytes32 claimId) internal view returns (IClaimsAdjudicator.Claim storage claim) {
        claim = _claims[claimId];
        if (claim.state == IClaimsAdjudicator.ClaimState.None) {
            revert IClaimsAdjudicator.ClaimsAdjudicatorClaimNotFound(claimId);
        }
    }

    /// @dev keccak256(abi.encode(provider, claimRef)).
    function _claimId(address provider, bytes32 claimRef) internal pure returns (bytes32) {
        return keccak256(abi.encode(provider, claimRef));
    }

    /// @dev keccak256(abi.encode(claimId, REVERSAL_TAG)).
    function _reversalId(bytes32 claimId) internal pure returns (bytes32) {
        return keccak256(abi.encode(claimId, _REVERSAL_TAG));
    }
}
