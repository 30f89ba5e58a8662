// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IClaimsAdjudicator} from "./IClaimsAdjudicator.sol";

/// @title IClaimsReader
/// @notice The views of ClaimsAdjudicator: plans, fee schedules, members, accumulators,
/// authorizations, claim records, their lines and results, 835 remittances and appeals. Call them
/// at the ADJUDICATOR's address: it runs the ClaimsReader code on its own storage (DELEGATECALL
/// from its fallback), so the reader's code stays out of the adjudicator's size. The reader
/// refuses to answer at its own address, where there is no claim state.
/// @dev Reverts are the adjudicator's errors (e.g. {IClaimsAdjudicator.ClaimsAdjudicatorClaimNotFound}).
interface IClaimsReader {
    /// @notice A view was called at the reader's own address instead of the adjudicator's.
    error ClaimsReaderNotDelegated();

    /// @notice The id of plan `planKey` of `insurer`.
    /// @dev Requirements: called at the adjudicator's address.
    /// @param insurer the plan's insurer.
    /// @param planKey the insurer's own key for the plan.
    /// @return the plan id; 0 if none.
    function planIdOf(address insurer, bytes32 planKey) external view returns (uint32);

    /// @notice Plan `planId`.
    /// @dev Requirements: called at the adjudicator's address.
    /// @param planId the plan.
    /// @return the plan's terms (insurer zero if there is no such plan).
    function planOf(uint32 planId) external view returns (IClaimsAdjudicator.Plan memory);

    /// @notice The fee schedule entry of `code` in plan `planId`.
    /// @dev Requirements: called at the adjudicator's address.
    /// @param planId the plan.
    /// @param code the procedure code (ASCII, right-padded with zeros).
    /// @return the entry (`listed` false if none).
    function serviceOf(uint32 planId, bytes8 code) external view returns (IClaimsAdjudicator.Service memory);

    /// @notice The enrolment of `memberId` in plan `planId`.
    /// @dev Requirements: called at the adjudicator's address.
    /// @param planId the plan.
    /// @param memberId the member (salted hash).
    /// @return the enrolment (patient zero if none).
    function memberOf(uint32 planId, bytes32 memberId) external view returns (IClaimsAdjudicator.Member memory);

    /// @notice What `memberId` met of the deductible and out-of-pocket maximum of plan `planId`.
    /// @dev Requirements: called at the adjudicator's address.
    /// @param planId the plan.
    /// @param memberId the member.
    /// @return the deductible and out-of-pocket amounts the member met, in cents (zero if none yet).
    function accumulatorOf(
        uint32 planId,
        bytes32 memberId
    ) external view returns (IClaimsAdjudicator.Accumulator memory);

    /// @notice Units of `code` allowed to `memberId` in plan `planId` (counted for limited codes).
    /// @dev Requirements: called at the adjudicator's address.
    /// @param planId the plan.
    /// @param memberId the member.
    /// @param code the procedure code.
    /// @return the units allowed so far in the plan (plan year); 0 for a code without a unit limit.
    function unitsUsed(uint32 planId, bytes32 memberId, bytes8 code) external view returns (uint32);

    /// @notice Authorization `authId` of `memberId` in plan `planId`.
    /// @dev Requirements: called at the adjudicator's address.
    /// @param planId the plan.
    /// @param memberId the member.
    /// @param authId the authorization (hash of the payer's reference).
    /// @return the authorization (code zero if none).
    function authorizationOf(
        uint32 planId,
        bytes32 memberId,
        bytes32 authId
    ) external view returns (IClaimsAdjudicator.Authorization memory);

    /// @notice The id of `provider`'s claim `claimRef`: keccak256(abi.encode(provider, claimRef)).
    /// @dev Requirements: none (a pure function; it answers at any address).
    /// @param provider the submitting provider.
    /// @param claimRef the provider's claim reference (salted hash).
    /// @return the claim id.
    function claimIdOf(address provider, bytes32 claimRef) external pure returns (bytes32);

    /// @notice The id of the reversal record of `claimId`: keccak256(abi.encode(claimId, REVERSAL_TAG)).
    /// @dev Requirements: none (a pure function; it answers at any address).
    /// @param claimId the reversed claim.
    /// @return the reversal record's id.
    function reversalIdOf(bytes32 claimId) external pure returns (bytes32);

    /// @notice Claim record `claimId`.
    /// @dev Requirements: called at the adjudicator's address.
    /// @param claimId the claim or reversal record.
    /// @return the record (state None if none).
    function claimOf(bytes32 claimId) external view returns (IClaimsAdjudicator.Claim memory);

    /// @notice The states of many claims at once.
    /// @dev Requirements: called at the adjudicator's address.
    /// @param claimIds the claims.
    /// @return states their states, in the same order (None for an unknown id).
    function claimStates(
        bytes32[] calldata claimIds
    ) external view returns (IClaimsAdjudicator.ClaimState[] memory states);

    /// @notice The lines of claim `claimId` as submitted (of the original for a reversal).
    /// @dev Requirements: called at the adjudicator's address.
    /// @param claimId the claim or reversal record.
    /// @return lines its lines (empty for an unknown id).
    function claimLines(bytes32 claimId) external view returns (IClaimsAdjudicator.ClaimLineInput[] memory lines);

    /// @notice The stored line results of adjudicated claim `claimId` (of the original for a reversal).
    /// @dev Requirements: called at the adjudicator's address.
    /// @param claimId the claim or reversal record.
    /// @return results one per line (zero results before adjudication).
    function lineResults(bytes32 claimId) external view returns (IClaimsAdjudicator.LineResult[] memory results);

    /// @notice The 835 remittance of an adjudicated claim or of a reversal record (negated amounts).
    /// @dev Requirements: called at the adjudicator's address; the record exists and is
    /// adjudicated (not Submitted).
    /// @param claimId the claim or reversal record.
    /// @return remittance the 835 CLP with its lines and adjustments.
    function remittanceOf(bytes32 claimId) external view returns (IClaimsAdjudicator.Remittance memory remittance);

    /// @notice The appeal status of claim `claimId`.
    /// @dev Requirements: called at the adjudicator's address.
    /// @param claimId the claim.
    /// @return its appeal status (None if no appeal).
    function appealOf(bytes32 claimId) external view returns (IClaimsAdjudicator.AppealStatus);
}
