// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Roles
/// @notice The suite's role identifiers, shared by every hygeia contract.
/// @dev Governance admin is OpenZeppelin's DEFAULT_ADMIN_ROLE (0x00).
library Roles {
    /// @notice Issues, suspends, reinstates and revokes credentials; audits.
    bytes32 internal constant REGULATOR = keccak256("hygeia.role.REGULATOR");
    /// @notice Licensed care provider (practitioner or organization).
    bytes32 internal constant PROVIDER = keccak256("hygeia.role.PROVIDER");
    /// @notice Licensed payer.
    bytes32 internal constant INSURER = keccak256("hygeia.role.INSURER");
    /// @notice DSCSA manufacturer (licensed trading partner).
    bytes32 internal constant MANUFACTURER = keccak256("hygeia.role.MANUFACTURER");
    /// @notice DSCSA wholesale distributor (licensed trading partner).
    bytes32 internal constant DISTRIBUTOR = keccak256("hygeia.role.DISTRIBUTOR");
    /// @notice DSCSA dispenser, i.e. a pharmacy (licensed trading partner).
    bytes32 internal constant DISPENSER = keccak256("hygeia.role.DISPENSER");
    /// @notice Self-registered patient; holds no credential.
    bytes32 internal constant PATIENT = keccak256("hygeia.role.PATIENT");

    /// @notice The bit that stands for `role` in a participant's role set; 0 for a foreign role.
    /// @dev Order: admin, regulator, provider, insurer, manufacturer, distributor, dispenser, patient.
    /// @param role a role id.
    /// @return `1 << index`, the index being the role's place in that order (admin 0, patient 7);
    /// zero for a role foreign to the suite.
    function bit(bytes32 role) internal pure returns (uint256) {
        if (role == 0x00) return 1 << 0;
        if (role == REGULATOR) return 1 << 1;
        if (role == PROVIDER) return 1 << 2;
        if (role == INSURER) return 1 << 3;
        if (role == MANUFACTURER) return 1 << 4;
        if (role == DISTRIBUTOR) return 1 << 5;
        if (role == DISPENSER) return 1 << 6;
        if (role == PATIENT) return 1 << 7;
        return 0;
    }

    /// @notice Whether `role` needs a regulator-issued credential to be active.
    /// @param role a role id.
    /// @return true for PROVIDER, INSURER, MANUFACTURER, DISTRIBUTOR and DISPENSER.
    function isLicensed(bytes32 role) internal pure returns (bool) {
        return role == PROVIDER || role == INSURER || role == MANUFACTURER || role == DISTRIBUTOR || role == DISPENSER;
    }
}
