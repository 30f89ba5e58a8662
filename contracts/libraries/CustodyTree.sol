// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";

/// @title CustodyTree
/// @notice Merkle trees of the units a party holds, as pruned copies of their lot's tree.
/// @dev A lot's tree is an OpenZeppelin StandardMerkleTree over its units' leaves
/// (`keccak256(bytes.concat(unitId))`, sorted-pair hashing). A holding's tree has the same shape
/// with every subtree that contains none of the holding's units replaced by zero, and every other
/// node hashed as usual. Zero is never a leaf nor a node hash, so:
/// - a holding holds a unit exactly when a standard OpenZeppelin proof (or multiproof) shows the
///   unit's leaf under the holding's root; proof elements may be zero (empty subtrees);
/// - the root is a function of the lot's shape and the set of units held, however the holding
///   came to be, so the SDK rebuilds it from that set alone;
/// - an empty holding has root zero.
/// Moving units out of a holding recomputes, in one pass over the same (multi)proof, the root of
/// the units left behind and the root of the units taken, without storage per unit.
library CustodyTree {
    /// @notice The tree leaf of unit `unitId`: OpenZeppelin's double hash, so no 64-byte internal
    /// node can pass for a leaf.
    function leaf(bytes32 unitId) internal pure returns (bytes32) {
        return keccak256(bytes.concat(unitId));
    }

    /// @notice Takes one leaf out of a tree: `root` computed from `leafValue` and its `proof`
    /// (equal to the holding's root if the unit is in it), and the root without the leaf.
    function remove(bytes32[] calldata proof, bytes32 leafValue)
        internal
        pure
        returns (bytes32 root, bytes32 remainder)
    {
        root = leafValue;
        for (uint256 i = 0; i < proof.length; ++i) {
            root = Hashes.commutativeKeccak256(root, proof[i]);
            remainder = _node(remainder, proof[i]);
        }
    }

    /// @notice Splits a tree along an OpenZeppelin multiproof of `leaves`: `root` is the root the
    /// multiproof computes (equal to the holding's root if the leaves are in it), `remainder` the
    /// root without the leaves and `part` the root of the leaves alone.
    /// @dev Same queue algorithm as OpenZeppelin's `processMultiProof`, computing three values per
    /// node. `valid` is false for a malformed multiproof (no leaves, counts that do not add up, a
    /// proof element left over, or a node read before it is computed).
    function split(bytes32[] calldata proof, bool[] calldata proofFlags, bytes32[] memory leaves)
        internal
        pure
        returns (bool valid, bytes32 root, bytes32 remainder, bytes32 part)
    {
        uint256 steps = proofFlags.length;
        if (leaves.length == 0 || leaves.length + proof.length != steps + 1) return (false, 0, 0, 0);
        if (steps == 0) return (true, leaves[0], 0, leaves[0]);

        Queue memory q = Queue({
            full: new bytes32[](steps),
            rest: new bytes32[](steps),
            part: new bytes32[](steps),
            leafPos: 0,
            hashPos: 0,
            proofPos: 0
        });
        for (uint256 i = 0; i < steps; ++i) {
            if (!_step(q, leaves, proof, proofFlags[i], i)) return (false, 0, 0, 0);
        }
        if (q.proofPos != proof.length) return (false, 0, 0, 0);
        return (true, q.full[steps - 1], q.rest[steps - 1], q.part[steps - 1]);
    }

    /// @dev The multiproof queue: leaves first, then the nodes computed so far, in three versions.
    struct Queue {
        bytes32[] full;
        bytes32[] rest;
        bytes32[] part;
        uint256 leafPos;
        uint256 hashPos;
        uint256 proofPos;
    }

    /// @dev Step `step` of the multiproof: node `step` from the next queue item and, when `merge`,
    /// the one after it, else the next proof element: a subtree without any of the leaves, kept
    /// whole in the remainder and absent (zero) from the part.
    function _step(Queue memory q, bytes32[] memory leaves, bytes32[] calldata proof, bool merge, uint256 step)
        private
        pure
        returns (bool ok)
    {
        (ok, q.full[step], q.rest[step], q.part[step]) = _pop(q, leaves, step);
        if (!ok) return false;
        bytes32 b;
        bytes32 bRest;
        bytes32 bPart;
        if (merge) {
            (ok, b, bRest, bPart) = _pop(q, leaves, step);
            if (!ok) return false;
        } else {
            if (q.proofPos == proof.length) return false;
            b = proof[q.proofPos++];
            bRest = b;
        }
        q.full[step] = Hashes.commutativeKeccak256(q.full[step], b);
        q.rest[step] = _node(q.rest[step], bRest);
        q.part[step] = _node(q.part[step], bPart);
    }

    /// @dev Next queue item at step `step`: a leaf (taken whole into the part, out of the
    /// remainder) or a node computed at an earlier step.
    function _pop(Queue memory q, bytes32[] memory leaves, uint256 step)
        private
        pure
        returns (bool ok, bytes32 full, bytes32 rest, bytes32 part)
    {
        if (q.leafPos < leaves.length) {
            full = leaves[q.leafPos++];
            return (true, full, 0, full);
        }
        uint256 pos = q.hashPos++;
        if (pos >= step) return (false, 0, 0, 0);
        return (true, q.full[pos], q.rest[pos], q.part[pos]);
    }

    /// @dev A node of a pruned tree: zero when both children are empty, else the sorted-pair hash.
    function _node(bytes32 a, bytes32 b) private pure returns (bytes32) {
        if (a == bytes32(0) && b == bytes32(0)) return bytes32(0);
        return Hashes.commutativeKeccak256(a, b);
    }
}
