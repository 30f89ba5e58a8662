// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IClaimsAdjudicator} from "../interfaces/IClaimsAdjudicator.sol";

// One base holds the state of the whole claims design, one variable per relation (the plan
// counter, plans, plan keys, fee schedules, members, accumulators, units used, authorizations,
// duplicate flags, claims, lines, their authorizations, results, pending payments, reversals,
// appeals), so that ClaimsAdjudicator and ClaimsReader share one layout; splitting it to stay
// under solhint's count of 15 would only scatter that layout (audit/solidity-lint.md).
// solhint-disable max-states-count
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

    // ClaimsAdjudicator writes every variable below; ClaimsReader, which slither analyses with this
    // base too, only reads some of them, and both must keep every slot (audit/slither-triage.md).
    // slither-disable-start uninitialized-state,unused-state,constable-states -- ClaimsAdjudicator writes them
    /// @dev The last plan id given out (plan ids count from 1; 0 is no plan).
    uint32 internal _planCount;
    /// @dev Plan terms by id; `insurer` zero: no such plan.
    mapping(uint32 planId => IClaimsAdjudicator.Plan) internal _plans;
    /// @dev Each insurer's own plan keys; 0: not registered.
    mapping(address insurer => mapping(bytes32 planKey => uint32 planId)) internal _planIds;
    /// @dev Each plan's fee schedule by procedure code; `listed` false: not covered.
    mapping(uint32 planId => mapping(bytes8 code => IClaimsAdjudicator.Service)) internal _services;
    /// @dev Each plan's enrolled members; `patient` zero: not enrolled.
    mapping(uint32 planId => mapping(bytes32 memberId => IClaimsAdjudicator.Member)) internal _members;
    /// @dev Deductible and out-of-pocket amounts each member met in the plan, in cents.
    mapping(uint32 planId => mapping(bytes32 memberId => IClaimsAdjudicator.Accumulator)) internal _accumulators;
    /// @dev Units of each limited code allowed to each member in the plan.
    mapping(uint32 planId => mapping(bytes32 memberId => mapping(bytes8 code => uint32 units))) internal _unitsUsed;
    /// @dev Prior authorizations by member and authorization id; `code` zero: none.
    mapping(uint32 planId => mapping(bytes32 memberId => mapping(bytes32 authId => IClaimsAdjudicator.Authorization)))
        internal _authorizations;
    /// @dev The duplicate rule's flags: keccak256(abi.encode(memberId, provider, code, serviceDate))
    /// of every line allowed and not reversed.
    mapping(uint32 planId => mapping(bytes32 lineKey => bool billed)) internal _billed;
    /// @dev Claim and reversal records; state `None`: no such record.
    mapping(bytes32 claimId => IClaimsAdjudicator.Claim) internal _claims;
    /// @dev Each claim's lines as submitted, from index 0 (a reversal record has none of its own).
    mapping(bytes32 claimId => mapping(uint256 index => Line)) internal _lines;
    /// @dev The authorization id of each line that named one (`Line.hasAuth`).
    mapping(bytes32 claimId => mapping(uint256 index => bytes32 authId)) internal _lineAuths;
    /// @dev Each adjudicated claim's line results, from index 0.
    mapping(bytes32 claimId => mapping(uint256 index => IClaimsAdjudicator.LineResult)) internal _results;
    /// @dev The payment, in cents, of each PaymentPending claim.
    mapping(bytes32 claimId => uint256 amount) internal _pending;
    /// @dev The original claim of each reversal record.
    mapping(bytes32 reversalId => bytes32 claimId) internal _originals;
    /// @dev Each claim's appeal; `None`: no appeal.
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
// solhint-enable max-states-count
