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
    /// @notice `access`: read a record (what {IConsentRegistry-logAccess} checks).
    uint8 internal constant ACTION_ACCESS = 1 << 0;
    /// @notice `collect`: write a new record (what a provider's {IConsentRegistry-anchorRecord} needs).
    uint8 internal constant ACTION_COLLECT = 1 << 1;
    /// @notice `disclose`: pass the data on; recorded in consents, not checked by a contract.
    uint8 internal constant ACTION_DISCLOSE = 1 << 2;
    /// @notice `correct`: amend a record (what a provider's {IConsentRegistry-amendRecord} needs).
    uint8 internal constant ACTION_CORRECT = 1 << 3;
    /// @notice Every known action bit.
    uint8 internal constant ALL_ACTIONS = (1 << 4) - 1;

    // ------------------------------------------------------------ purposes (v3-ActReason)
    /// @notice Treatment: the purpose providers write records for.
    uint8 internal constant PURPOSE_TREAT = 1 << 0;
    /// @notice Emergency treatment: the purpose of break-glass access.
    uint8 internal constant PURPOSE_ETREAT = 1 << 1;
    /// @notice Healthcare payment (claims, eligibility).
    uint8 internal constant PURPOSE_HPAYMT = 1 << 2;
    /// @notice Healthcare operations (quality, audit, administration).
    uint8 internal constant PURPOSE_HOPERAT = 1 << 3;
    /// @notice Healthcare research: the purpose of a study's consent.
    uint8 internal constant PURPOSE_HRESCH = 1 << 4;
    /// @notice Public health (reporting to health authorities).
    uint8 internal constant PURPOSE_PUBHLTH = 1 << 5;
    /// @notice Every known purpose bit.
    uint8 internal constant ALL_PURPOSES = (1 << 6) - 1;

    /// @notice Whether `bits` is a non-empty subset of `known`.
    /// @param bits the bit set given.
    /// @param known the bits that have a meaning: {ALL_ACTIONS} or {ALL_PURPOSES}.
    /// @return whether `bits` is not zero and has no bit outside `known`.
    function isValidSet(uint8 bits, uint8 known) internal pure returns (bool) {
        return bits != 0 && bits & ~known == 0;
    }

    /// @notice Whether `bits` names exactly one member of `known`.
    /// @param bits the bit set given.
    /// @param known the bits that have a meaning: {ALL_ACTIONS} or {ALL_PURPOSES}.
    /// @return whether `bits` is exactly one bit of `known`.
    function isSingle(uint8 bits, uint8 known) internal pure returns (bool) {
        return isValidSet(bits, known) && bits & (bits - 1) == 0;
    }

    /// @notice Whether a provision covering `actions` and `purposes` covers the query.
    /// @param actions the provision's ACTION_* bit set.
    /// @param purposes the provision's PURPOSE_* bit set.
    /// @param action the query's one ACTION_* bit.
    /// @param purpose the query's one PURPOSE_* bit.
    /// @return whether the provision's sets contain both the action and the purpose.
    function covers(uint8 actions, uint8 purposes, uint8 action, uint8 purpose) internal pure returns (bool) {
        return actions & action != 0 && purposes & purpose != 0;
    }

    /// @notice Whether `time` lies in the period [`start`, `end`], both ends inclusive.
    /// @param start the period's first second (unix time).
    /// @param end the period's last second (unix time).
    /// @param time the moment asked about (unix time), usually `block.timestamp`.
    /// @return whether `start <= time <= end`.
    function inPeriod(uint40 start, uint40 end, uint256 time) internal pure returns (bool) {
        return start <= time && time <= end;
    }

    /// @notice The storage key of an account grantee: the address, left-padded to 32 bytes.
    /// @dev Role keys are keccak256 role ids, so they never have 96 zero high bits in practice.
    /// @param account the grantee account.
    /// @return the key provisions about `account` are stored under.
    function accountKey(address account) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(account)));
    }
}
