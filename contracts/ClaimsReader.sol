// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IClaimsAdjudicator} from "../interfaces/IClaimsAdjudicator.sol";
import {IClaimsReader} from "../interfaces/IClaimsReader.sol";
import {ClaimsAdjudicatorStorage} from "./ClaimsAdjudicatorStorage.sol";
import {Adjudication} from "./libraries/Adjudication.sol";

/// @title ClaimsReader
/// @notice The views of ClaimsAdjudicator, answered at the adjudicator's address: its fallback
/// runs this code on the adjudicator's storage (DELEGATECALL). Keeping them here keeps the
/// adjudicator's deployed code under the EIP-170 limit, and costs no transaction anything: no
/// state-changing function of the adjudicator calls them.
/// @dev Shares the adjudicator's layout through {ClaimsAdjudicatorStorage} and declares no state.
/// It has only view and pure functions, never SELFDESTRUCT or DELEGATECALL, so running it in the
/// adjudicator's context can change nothing. Created by the adjudicator it serves.
contract ClaimsReader is IClaimsReader, ClaimsAdjudicatorStorage {
    /// @dev This contract's own address: at it, the storage is empty, so views refuse to answer.
    address private immutable _self = address(this);

    /// @dev Only through the adjudicator's fallback (DELEGATECALL), where the claims are.
    modifier onlyDelegated() {
        if (address(this) == _self) revert ClaimsReaderNotDelegated();
        _;
    }

    /// @inheritdoc IClaimsReader
    function planIdOf(address insurer, bytes32 planKey) external view onlyDelegated returns (uint32) {
        return _planIds[insurer][planKey];
    }

    /// @inheritdoc IClaimsReader
    function planOf(uint32 planId) external view onlyDelegated returns (IClaimsAdjudicator.Plan memory) {
        return _plans[planId];
    }

    /// @inheritdoc IClaimsReader
    function serviceOf(
        uint32 planId,
        bytes8 code
    ) external view onlyDelegated returns (IClaimsAdjudicator.Service memory) {
        return _services[planId][code];
    }

    /// @inheritdoc IClaimsReader
    function memberOf(
        uint32 planId,
        bytes32 memberId
    ) external view onlyDelegated returns (IClaimsAdjudicator.Member memory) {
        return _members[planId][memberId];
    }

    /// @inheritdoc IClaimsReader
    function accumulatorOf(
        uint32 planId,
        bytes32 memberId
    ) external view onlyDelegated returns (IClaimsAdjudicator.Accumulator memory) {
        return _accumulators[planId][memberId];
    }

    /// @inheritdoc IClaimsReader
    function unitsUsed(uint32 planId, bytes32 memberId, bytes8 code) external view onlyDelegated returns (uint32) {
        return _unitsUsed[planId][memberId][code];
    }

    /// @inheritdoc IClaimsReader
    function authorizationOf(
        uint32 planId,
        bytes32 memberId,
        bytes32 authId
    ) external view onlyDelegated returns (IClaimsAdjudicator.Authorization memory) {
        return _authorizations[planId][memberId][authId];
    }

    /// @inheritdoc IClaimsReader
    function claimIdOf(address provider, bytes32 claimRef) external pure returns (bytes32) {
        return _claimId(provider, claimRef);
    }

    /// @inheritdoc IClaimsReader
    function reversalIdOf(bytes32 claimId) external pure returns (bytes32) {
        return _reversalId(claimId);
    }

    /// @inheritdoc IClaimsReader
    function claimOf(bytes32 claimId) external view onlyDelegated returns (IClaimsAdjudicator.Claim memory) {
        return _claims[claimId];
    }

    /// @inheritdoc IClaimsReader
    function claimStates(
        bytes32[] calldata claimIds
    ) external view onlyDelegated returns (IClaimsAdjudicator.ClaimState[] memory states) {
        states = new IClaimsAdjudicator.ClaimState[](claimIds.length);
        for (uint256 i = 0; i < claimIds.length; ++i) {
            states[i] = _claims[claimIds[i]].state;
        }
    }

    /// @inheritdoc IClaimsReader
    function claimLines(
        bytes32 claimId
    ) external view onlyDelegated returns (IClaimsAdjudicator.ClaimLineInput[] memory lines) {
        bytes32 source = _source(claimId);
        lines = new IClaimsAdjudicator.ClaimLineInput[](_claims[claimId].lineCount);
        for (uint256 i = 0; i < lines.length; ++i) {
            Line memory line = _lines[source][i];
            lines[i] = IClaimsAdjudicator.ClaimLineInput({
                code: line.code,
                serviceDate: line.serviceDate,
                units: line.units,
                charge: line.charge,
                authId: line.hasAuth ? _lineAuths[source][i] : bytes32(0)
            });
        }
    }

    /// @inheritdoc IClaimsReader
    function lineResults(
        bytes32 claimId
    ) external view onlyDelegated returns (IClaimsAdjudicator.LineResult[] memory results) {
        bytes32 source = _source(claimId);
        results = new IClaimsAdjudicator.LineResult[](_claims[claimId].lineCount);
        for (uint256 i = 0; i < results.length; ++i) {
            results[i] = _results[source][i];
        }
    }

    /// @inheritdoc IClaimsReader
    function remittanceOf(
        bytes32 claimId
    ) external view onlyDelegated returns (IClaimsAdjudicator.Remittance memory remittance) {
        IClaimsAdjudicator.Claim storage claim = _existingClaim(claimId);
        IClaimsAdjudicator.ClaimState state = claim.state;
        if (state == IClaimsAdjudicator.ClaimState.Submitted) {
            revert IClaimsAdjudicator.ClaimsAdjudicatorUnexpectedClaimState(claimId, state);
        }
        int256 sign = state == IClaimsAdjudicator.ClaimState.Reversal ? -1 : int256(1);
        bytes32 source = _source(claimId);
        remittance.status = claim.status;
        remittance.lines = new IClaimsAdjudicator.LineRemittance[](claim.lineCount);
        for (uint256 i = 0; i < remittance.lines.length; ++i) {
            (IClaimsAdjudicator.LineRemittance memory line, int256 patientShare) = Adjudication.remit(
                _lines[source][i].charge,
                _results[source][i],
                sign
            );
            remittance.lines[i] = line;
            remittance.charge += line.charge;
            remittance.paid += line.paid;
            remittance.patientResponsibility += patientShare;
        }
    }

    /// @inheritdoc IClaimsReader
    function appealOf(bytes32 claimId) external view onlyDelegated returns (IClaimsAdjudicator.AppealStatus) {
        return _appeals[claimId];
    }

    /// @dev Where a record's lines and results live: the original's, for a reversal record.
    function _source(bytes32 claimId) private view returns (bytes32) {
        return _claims[claimId].state == IClaimsAdjudicator.ClaimState.Reversal ? _originals[claimId] : claimId;
    }
}
