// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IDrugProvenance} from "../../interfaces/IDrugProvenance.sol";
import {GS1} from "./GS1.sol";

/// @title ProvenanceStatus
/// @notice The verification status of a commissioned unit whose identity is established, from
/// its lot's and its own record: the precedence of {IDrugProvenance-verify} after Unknown and Mismatch.
library ProvenanceStatus {
    /// @notice Illegitimate > Recalled > Quarantined > Dispensed > Expired > Valid, at time `time`.
    /// @param lot the unit's lot.
    /// @param unit the unit's record (zeros if it was never decommissioned or investigated).
    /// @param time the moment (unix time) expiry is judged at, usually `block.timestamp`.
    /// @return the first status that applies: Illegitimate, Recalled, Quarantined, Dispensed,
    /// Expired, else Valid.
    function statusOf(
        IDrugProvenance.Lot memory lot,
        IDrugProvenance.Unit memory unit,
        uint256 time
    ) internal pure returns (IDrugProvenance.VerificationStatus) {
        if (
            unit.investigation == IDrugProvenance.Investigation.Illegitimate
            || lot.investigation == IDrugProvenance.Investigation.Illegitimate
        ) return IDrugProvenance.VerificationStatus.Illegitimate;
        if (lot.recalled) return IDrugProvenance.VerificationStatus.Recalled;
        if (
            unit.investigation == IDrugProvenance.Investigation.Quarantined
            || lot.investigation == IDrugProvenance.Investigation.Quarantined
            || lot.openExcursions > 0
        ) return IDrugProvenance.VerificationStatus.Quarantined;
        if (unit.state != IDrugProvenance.UnitState.Active) return IDrugProvenance.VerificationStatus.Dispensed;
        if (time > GS1.expiryEnd(lot.expiry)) return IDrugProvenance.VerificationStatus.Expired;
        return IDrugProvenance.VerificationStatus.Valid;
    }

    /// @notice Whether lot-wide action stops the lot's product from moving, and why: Illegitimate
    /// > Recalled > Quarantined (a lot quarantine), else Valid. Temperature excursions do not
    /// count: they are on one holding, which its custodian keeps until the manufacturer's review.
    /// @dev Reads the lot's second slot only (recall and investigation are packed there).
    /// @param lot the lot, in storage.
    /// @return Illegitimate, Recalled or Quarantined when its product may not move, else Valid.
    function lotHoldOf(IDrugProvenance.Lot storage lot) internal view returns (IDrugProvenance.VerificationStatus) {
        IDrugProvenance.Investigation investigation = lot.investigation;
        if (investigation == IDrugProvenance.Investigation.Illegitimate) {
            return IDrugProvenance.VerificationStatus.Illegitimate;
        }
        if (lot.recalled) return IDrugProvenance.VerificationStatus.Recalled;
        if (investigation == IDrugProvenance.Investigation.Quarantined) {
            return IDrugProvenance.VerificationStatus.Quarantined;
        }
        return IDrugProvenance.VerificationStatus.Valid;
    }
}
