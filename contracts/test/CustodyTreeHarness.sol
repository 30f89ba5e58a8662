// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CustodyTree} from "../libraries/CustodyTree.sol";

/// @title CustodyTreeHarness
/// @notice TEST ONLY: exposes the CustodyTree library so its property tests can compare it with
/// the SDK's trees directly.
contract CustodyTreeHarness {
    /// @notice {CustodyTree.split} of the units `unitIds` along their multiproof.
    function split(
        bytes32[] calldata unitIds,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external pure returns (bool valid, bytes32 root, bytes32 remainder, bytes32 part) {
        return CustodyTree.split(unitIds, proof, proofFlags);
    }

    /// @notice {CustodyTree.remove} of the leaf of unit `unitId` along its proof.
    function remove(bytes32[] calldata proof, bytes32 unitId) external pure returns (bytes32 root, bytes32 remainder) {
        return CustodyTree.remove(proof, CustodyTree.leaf(unitId));
    }
}
