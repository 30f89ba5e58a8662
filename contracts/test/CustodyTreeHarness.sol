// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CustodyTree} from "../libraries/CustodyTree.sol";

/// @title CustodyTreeHarness
/// @notice TEST ONLY: exposes the CustodyTree library so its property tests can compare it with
/// the SDK's trees directly.
contract CustodyTreeHarness {
    /// @notice {CustodyTree.split} of the units `unitIds` along their multiproof.
    /// @param unitIds the ids of the units taken, in the multiproof's leaf order.
    /// @param proof the multiproof's nodes.
    /// @param proofFlags the multiproof's flags.
    /// @return valid false for a malformed multiproof.
    /// @return root the root the multiproof computes.
    /// @return remainder the root without the units.
    /// @return part the root of the units alone.
    function split(
        bytes32[] calldata unitIds,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external pure returns (bool valid, bytes32 root, bytes32 remainder, bytes32 part) {
        return CustodyTree.split(unitIds, proof, proofFlags);
    }

    /// @notice {CustodyTree.remove} of the leaf of unit `unitId` along its proof.
    /// @param proof the unit's proof in the tree.
    /// @param unitId the unit's id.
    /// @return root the root the proof folds the unit's leaf into.
    /// @return remainder the root without the unit.
    function remove(bytes32[] calldata proof, bytes32 unitId) external pure returns (bytes32 root, bytes32 remainder) {
        return CustodyTree.remove(proof, CustodyTree.leaf(unitId));
    }
}
