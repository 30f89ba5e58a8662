// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Roles
/// @notice The suite's role identifiers and their order in a participant's role set, shared by
/// every hygeia contract (and read by the Python SDK's generated types).
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

    /// @notice Bit index of the governance admin in a role set (ParticipantRegistry.rolesOf).
    uint8 internal constant ADMIN_BIT = 0;
    /// @notice Bit index of REGULATOR in a role set.
    uint8 internal constant REGULATOR_BIT = 1;
    /// @notice Bit index of PROVIDER in a role set.
    uint8 internal constant PROVIDER_BIT = 2;
    /// @notice Bit index of INSURER in a role set.
    uint8 internal constant INSURER_BIT = 3;
    /// @notice Bit index of MANUFACTURER in a role set.
    uint8 internal constant MANUFACTURER_BIT = 4;
    /// @notice Bit index of DISTRIBUTOR in a role set.
    uint8 internal constant DISTRIBUTOR_BIT = 5;
    /// @notice Bit index of DISPENSER in a role set.
    uint8 internal constant DISPENSER_BIT = 6;
    /// @notice Bit index of PATIENT in a role set.
    uint8 internal constant PATIENT_BIT = 7;
    /// @notice Number of suite roles: their bit indexes run from 0 to COUNT - 1.
    uint8 internal constant COUNT = 8;
    /// @notice The role-set bits of the roles that need a regulator-issued credential.
    uint256 internal constant LICENSED_BITS =
        (1 << PROVIDER_BIT)
            | (1 << INSURER_BIT)
            | (1 << MANUFACTURER_BIT)
            | (1 << DISTRIBUTOR_BIT)
            | (1 << DISPENSER_BIT);

    /// @notice The bit that stands for `role` in a participant's role set.
    /// @param role a role id.
    /// @return the role's bit (`1 << index`), or 0 for a role foreign to the suite.
    function bit(bytes32 role) internal pure returns (uint256) {
        if (role == 0x00) return 1 << ADMIN_BIT;
        if (role == REGULATOR) return 1 << REGULATOR_BIT;
        if (role == PROVIDER) return 1 << PROVIDER_BIT;
        if (role == INSURER) return 1 << INSURER_BIT;
        if (role == MANUFACTURER) return 1 << MANUFACTURER_BIT;
        if (role == DISTRIBUTOR) return 1 << DISTRIBUTOR_BIT;
        if (role == DISPENSER) return 1 << DISPENSER_BIT;
        if (role == PATIENT) return 1 << PATIENT_BIT;
        return 0;
    }

    /// @notice The role whose bit index is `index` (the inverse of {bit}).
    /// @param index a bit index below {COUNT}.
    /// @return the role id (zero for the admin, and for an index of no role).
    function roleAt(uint256 index) internal pure returns (bytes32) {
        if (index == REGULATOR_BIT) return REGULATOR;
        if (index == PROVIDER_BIT) return PROVIDER;
        if (index == INSURER_BIT) return INSURER;
        if (index == MANUFACTURER_BIT) return MANUFACTURER;
        if (index == DISTRIBUTOR_BIT) return DISTRIBUTOR;
        if (index == DISPENSER_BIT) return DISPENSER;
        if (index == PATIENT_BIT) return PATIENT;
        return 0x00;
    }

    /// @notice The licensed role whose bit in a role set is `roleBit`.
    /// @param roleBit one bit of {LICENSED_BITS}, as `1 << index`.
    /// @return the role id, or zero for a bit of no licensed role.
    function licensedRoleOf(uint256 roleBit) internal pure returns (bytes32) {
        if (roleBit == 1 << PROVIDER_BIT) return PROVIDER;
        if (roleBit == 1 << INSURER_BIT) return INSURER;
        if (roleBit == 1 << MANUFACTURER_BIT) return MANUFACTURER;
        if (roleBit == 1 << DISTRIBUTOR_BIT) return DISTRIBUTOR;
        if (roleBit == 1 << DISPENSER_BIT) return DISPENSER;
        return 0x00;
    }

    /// @notice Whether `role` needs a regulator-issued credential to be active.
    /// @param role a role id.
    /// @return true for provider, insurer, manufacturer, distributor and dispenser.
    function isLicensed(bytes32 role) internal pure returns (bool) {
        return bit(role) & LICENSED_BITS != 0;
    }
}
