// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title ConsentPolicy
/// @notice Vocabulary and pure matching rules of FHIR Consent provisions as the ConsentRegistry
/// evaluates them: action and purpose-of-use bits, and when a provision is in force.
/// @dev Actions follow FHIR `consentaction` (access, collect, disclose, correct); purposes follow
/// v3-ActReason (TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH, PUBHLTH). A provision carries a bit set of
/// each; a query names exactly one action and one purpose.
library ConsentPolicy {
    // ------------------------------------------------------------ actions (FHIR consentaction)
    uint8 internal constant ACTION_ACCESS = 1 << 0;
    uint8 internal constant ACTION_COLLECT = 1 << 1;
    uint8 internal constant ACTION_DISCLOSE = 1 << 2;
    uint8 internal constant ACTION_CORRECT = 1 << 3;
    /// @notice Every known action bit.
    uint8 internal constant ALL_ACTIONS = (1 << 4) - 1;

    // ------------------------------------------------------------ purposes (v3-ActReason)
    uint8 internal constant PURPOSE_TREAT = 1 << 0;
    /// @notice Emergency treatment: the purpose of break-glass access.
    uint8 internal constant PURPOSE_ETREAT = 1 << 1;
    uint8 internal constant PURPOSE_HPAYMT = 1 << 2;
    uint8 internal constant PURPOSE_HOPERAT = 1 << 3;
    uint8 internal constant PURPOSE_HRESCH = 1 << 4;
    uint8 internal constant PURPOSE_PUBHLTH = 1 << 5;
    /// @notice Every known purpose bit.
    uint8 internal constant ALL_PURPOSES = (1 << 6) - 1;

    /// @notice Whether `bits` is a non-empty subset of `known`.
    function isValidSet(uint8 bits, uint8 known) internal pure returns (bool) {
        return bits != 0 && bits & ~known == 0;
    }

    /// @notice Whether `bits` names exactly one member of `known`.
    function isSingle(uint8 bits, uint8 known) internal pure returns (bool) {
        return isValidSet(bits, known) && bits & (bits - 1) == 0;
    }

    /// @notice Whether a provision covering `actions` and `purposes` covers the query.
    function covers(uint8 actions, uint8 purposes, uint8 action, uint8 purpose) internal pure returns (bool) {
        return actions & action != 0 && purposes & purpose != 0;
    }

    /// @notice Whether `time` lies in the period [`start`, `end`], both ends inclusive.
    function inPeriod(uint40 start, uint40 end, uint256 time) internal pure returns (bool) {
        return start <= time && time <= end;
    }

    /// @notice The storage key of an account grantee: the address, left-padded to 32 bytes.
    /// @dev Role keys are keccak256 role ids, so they never have 96 zero high bits in practice.
    function accountKey(address account) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(account)));
    }
}
