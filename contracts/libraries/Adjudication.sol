// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IClaimsAdjudicator} from "../../interfaces/IClaimsAdjudicator.sol";

/// @title Adjudication
/// @notice The X12 835 vocabulary of the suite and the pure arithmetic of claim adjudication:
/// the annual unit limit (rule 7), the allowed amount (rule 8) and the member's cost share with
/// the out-of-pocket cap and the plan's payment (rules 9 and 10), and the 835 view of a line's
/// result. Amounts are integer cents of the payment token.
/// @dev Rules 1 to 6 read contract storage (enrolment, duplicates, fee schedule, authorizations),
/// so the contract applies them; everything here is a function of its arguments alone.
library Adjudication {
    // ------------------------------------------------------------ 835 CLP02 claim status
    /// @notice CLP02 1, processed as primary: a known member's claim, whatever its lines' outcome.
    uint8 internal constant STATUS_PROCESSED_PRIMARY = 1;
    /// @notice CLP02 4, denied: a claim of a member not enrolled in the plan (every line CO-31).
    uint8 internal constant STATUS_DENIED = 4;
    /// @notice CLP02 22, reversal of previous payment: a reversal record, its amounts negated.
    uint8 internal constant STATUS_REVERSAL = 22;

    // ------------------------------------------------------------ CAS adjustment group codes
    /// @notice Contractual obligation: the provider writes it off and may not bill the patient.
    bytes2 internal constant GROUP_CO = "CO";
    /// @notice Patient responsibility: the member owes it (summed into CLP05).
    bytes2 internal constant GROUP_PR = "PR";
    /// @notice Other adjustment, where no other group applies (here, a duplicate of a line already allowed).
    bytes2 internal constant GROUP_OA = "OA";

    // ------------------------------------------------------------ claim adjustment reason codes
    /// @notice CARC 1, deductible amount (PR): rule 9.
    uint16 internal constant CARC_DEDUCTIBLE = 1;
    /// @notice CARC 2, coinsurance amount (PR): rule 9.
    uint16 internal constant CARC_COINSURANCE = 2;
    /// @notice CARC 3, co-payment amount (PR): rule 9.
    uint16 internal constant CARC_COPAY = 3;
    /// @notice CARC 18, exact duplicate claim/service (OA): rule 4 denies the line.
    uint16 internal constant CARC_DUPLICATE = 18;
    /// @notice CARC 26, expenses incurred prior to coverage (PR): rule 2 denies the line.
    uint16 internal constant CARC_BEFORE_COVERAGE = 26;
    /// @notice CARC 27, expenses incurred after coverage terminated (PR): rule 2 denies the line.
    uint16 internal constant CARC_AFTER_COVERAGE = 27;
    /// @notice CARC 29, the time limit for filing has expired (CO): rule 3 denies the line.
    uint16 internal constant CARC_TIMELY_FILING = 29;
    /// @notice CARC 31, patient cannot be identified as our insured (CO): rule 1 denies every line.
    uint16 internal constant CARC_NOT_INSURED = 31;
    /// @notice CARC 45, charge exceeds fee schedule/maximum allowable (CO): the charge above the
    /// allowed amount (rule 8).
    uint16 internal constant CARC_FEE_SCHEDULE = 45;
    /// @notice CARC 96, non-covered charge(s) (CO): rule 5 denies a code not in the fee schedule.
    uint16 internal constant CARC_NON_COVERED = 96;
    /// @notice CARC 119, benefit maximum for this time period or occurrence has been reached (CO):
    /// the part of the charge over the annual unit limit, or the whole line (rule 7).
    uint16 internal constant CARC_BENEFIT_MAXIMUM = 119;
    /// @notice CARC 197, precertification/authorization absent (CO): rule 6 denies the line.
    uint16 internal constant CARC_NO_AUTHORIZATION = 197;

    /// @notice Basis points in a whole: a coinsurance of `BPS` is 100% (coinsurance is given in bps).
    uint256 internal constant BPS = 10_000;

    /// @notice What a line's cost share depends on besides its charge and units (amounts in cents).
    /// @param allowedPerUnit the fee schedule's allowed amount per unit.
    /// @param copay the fee schedule's copay per line (0: none).
    /// @param deductibleApplies whether the deductible is taken from the line.
    /// @param coinsuranceApplies whether coinsurance is taken from the line.
    /// @param coinsuranceBps the plan's coinsurance in basis points (at most {BPS}; 0: none).
    /// @param deductibleLeft deductible minus what the member met so far (0: met in full, or none).
    /// @param oopRoom out-of-pocket maximum minus what the member met so far (0: the member pays
    /// nothing more this plan year).
    struct Terms {
        uint256 allowedPerUnit;
        uint256 copay;
        bool deductibleApplies;
        bool coinsuranceApplies;
        uint256 coinsuranceBps;
        uint256 deductibleLeft;
        uint256 oopRoom;
    }

    /// @notice The amounts of rules 8 and 9 for one line, in cents.
    /// @param allowed the allowed amount: min(charge, allowed per unit x units).
    /// @param copay the member's copay (PR-3).
    /// @param deductible what the member pays toward its deductible (PR-1).
    /// @param coinsurance the member's coinsurance (PR-2).
    struct CostShare {
        uint256 allowed;
        uint256 copay;
        uint256 deductible;
        uint256 coinsurance;
    }

    /// @notice Rule 7: with `used` units already allowed this plan year and an annual `limit`,
    /// the units over the limit and the part of the charge they carry.
    /// @dev excess = max(0, used + units - limit). All units over: the whole charge (a denial);
    /// otherwise floor(charge * excess / units), so the line goes on with the rest of the charge,
    /// rounding in the provider's favour. The contract keeps `used <= limit`.
    /// @param charge the line's billed charge, in cents.
    /// @param units the line's units (not zero).
    /// @param used units of the code already allowed to the member this plan year.
    /// @param limit the code's annual unit limit.
    /// @return excessUnits units over the limit: 0 if all fit, `units` if none does (CO-119 denial).
    /// @return excessCharge the part of the charge those units carry, in cents (CO-119).
    function unitLimit(
        uint256 charge,
        uint256 units,
        uint256 used,
        uint256 limit
    ) internal pure returns (uint256 excessUnits, uint256 excessCharge) {
        if (used + units <= limit) return (0, 0);
        excessUnits = used + units - limit;
        excessCharge = excessUnits == units ? charge : (charge * excessUnits) / units;
    }

    /// @notice Rules 8 and 9: allowed = min(charge, allowed per unit x units); then copay,
    /// deductible and coinsurance on it, in that order, each capped by the out-of-pocket room
    /// the ones before it left. Coinsurance is rounded half up to the cent.
    /// @param charge the line's charge, in cents, less any part over the unit limit.
    /// @param units the line's units within the unit limit.
    /// @param terms the fee schedule entry's and plan's terms and the member's accumulators.
    /// @return share the allowed amount and the member's copay, deductible and coinsurance.
    function costShare(
        uint256 charge,
        uint256 units,
        Terms memory terms
    ) internal pure returns (CostShare memory share) {
        share.allowed = _min(charge, terms.allowedPerUnit * units);
        uint256 room = terms.oopRoom;
        share.copay = _min(_min(terms.copay, share.allowed), room);
        room -= share.copay;
        if (terms.deductibleApplies) {
            share.deductible = _min(_min(terms.deductibleLeft, share.allowed - share.copay), room);
            room -= share.deductible;
        }
        if (terms.coinsuranceApplies) {
            uint256 base = share.allowed - share.copay - share.deductible;
            share.coinsurance = _min(roundHalfUp(base * terms.coinsuranceBps, BPS), room);
        }
    }

    /// @notice Rule 10: what the plan pays of the allowed amount.
    /// @param share a line's amounts from {costShare}.
    /// @return the allowed amount less the copay, deductible and coinsurance, in cents.
    function paid(CostShare memory share) internal pure returns (uint256) {
        return share.allowed - share.copay - share.deductible - share.coinsurance;
    }

    /// @notice `numerator / denominator` rounded half up (0.5 cent goes to the next cent).
    /// @param numerator the dividend.
    /// @param denominator the divisor (not zero).
    /// @return the quotient, rounded half up.
    function roundHalfUp(uint256 numerator, uint256 denominator) internal pure returns (uint256) {
        return (numerator + denominator / 2) / denominator;
    }

    /// @notice The group code and CARC of a whole-line denial.
    /// @param denial why the line was denied (not `None`).
    /// @return group "CO", "PR" or "OA".
    /// @return reason the CARC: 31, 26, 27, 29, 18, 96, 197 or 119 (see {IClaimsAdjudicator-Denial}).
    function denialCode(IClaimsAdjudicator.Denial denial) internal pure returns (bytes2 group, uint16 reason) {
        if (denial == IClaimsAdjudicator.Denial.NotInsured) return (GROUP_CO, CARC_NOT_INSURED);
        if (denial == IClaimsAdjudicator.Denial.BeforeCoverage) return (GROUP_PR, CARC_BEFORE_COVERAGE);
        if (denial == IClaimsAdjudicator.Denial.AfterCoverage) return (GROUP_PR, CARC_AFTER_COVERAGE);
        if (denial == IClaimsAdjudicator.Denial.TimelyFiling) return (GROUP_CO, CARC_TIMELY_FILING);
        if (denial == IClaimsAdjudicator.Denial.Duplicate) return (GROUP_OA, CARC_DUPLICATE);
        if (denial == IClaimsAdjudicator.Denial.NotCovered) return (GROUP_CO, CARC_NON_COVERED);
        if (denial == IClaimsAdjudicator.Denial.NoAuthorization) return (GROUP_CO, CARC_NO_AUTHORIZATION);
        return (GROUP_CO, CARC_BENEFIT_MAXIMUM);
    }

    /// @notice The 835 view of a stored line result: allowed and paid amounts and the CAS
    /// adjustments (positive amounts only), with every amount multiplied by `sign` (1, or -1 for
    /// a reversal). charge = paid + sum of adjustments holds by construction.
    /// @param charge the line's billed charge, in cents.
    /// @param result the line's stored result.
    /// @param sign 1, or -1 for a reversal record.
    /// @return line the line's 835 remittance: charge, allowed and paid amounts, CAS adjustments.
    /// @return patientShare the line's patient responsibility: the sum of its PR adjustments (a
    /// PR-26 or PR-27 denial included), times `sign`.
    function remit(
        uint256 charge,
        IClaimsAdjudicator.LineResult memory result,
        int256 sign
    ) internal pure returns (IClaimsAdjudicator.LineRemittance memory line, int256 patientShare) {
        line.charge = int256(charge) * sign;
        if (result.denial != IClaimsAdjudicator.Denial.None) {
            (bytes2 group, uint16 reason) = denialCode(result.denial);
            line.adjustments = new IClaimsAdjudicator.Adjustment[](1);
            line.adjustments[0] = IClaimsAdjudicator.Adjustment(group, reason, line.charge);
            return (line, group == GROUP_PR ? line.charge : int256(0));
        }
        uint256 allowed = charge - result.limitExcess - result.contractual;
        uint256 patient = uint256(result.copay) + result.deductible + result.coinsurance;
        line.allowed = int256(allowed) * sign;
        line.paid = int256(allowed - patient) * sign;
        patientShare = int256(patient) * sign;

        IClaimsAdjudicator.Adjustment[5] memory all = [
            IClaimsAdjudicator.Adjustment(GROUP_CO, CARC_BENEFIT_MAXIMUM, int256(uint256(result.limitExcess)) * sign),
            IClaimsAdjudicator.Adjustment(GROUP_CO, CARC_FEE_SCHEDULE, int256(uint256(result.contractual)) * sign),
            IClaimsAdjudicator.Adjustment(GROUP_PR, CARC_COPAY, int256(uint256(result.copay)) * sign),
            IClaimsAdjudicator.Adjustment(GROUP_PR, CARC_DEDUCTIBLE, int256(uint256(result.deductible)) * sign),
            IClaimsAdjudicator.Adjustment(GROUP_PR, CARC_COINSURANCE, int256(uint256(result.coinsurance)) * sign)
        ];
        // slither-disable-next-line uninitialized-local -- counts from zero
        uint256 count;
        for (uint256 i = 0; i < all.length; ++i) {
            if (all[i].amount != 0) ++count;
        }
        line.adjustments = new IClaimsAdjudicator.Adjustment[](count);
        count = 0;
        for (uint256 i = 0; i < all.length; ++i) {
            // The post-increment in the index is cheaper here than a separate `++count` (gas snapshot).
            // solhint-disable-next-line gas-increment-by-one
            if (all[i].amount != 0) line.adjustments[count++] = all[i];
        }
    }

    /// @notice The lesser of `a` and `b`.
    /// @param a an amount.
    /// @param b another amount.
    /// @return the lesser of the two.
    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
