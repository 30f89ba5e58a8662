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
    /// @dev Bytes of one queued node: its hash in the full tree, the remainder and the part.
    uint256 private constant _NODE_BYTES = 0x60;

    /// @notice The tree leaf of unit `unitId`: OpenZeppelin's double hash, so no 64-byte internal
    /// node can pass for a leaf.
    function leaf(bytes32 unitId) internal pure returns (bytes32 value) {
        // keccak256(bytes.concat(unitId)) in scratch space, without allocating memory per unit.
        assembly ("memory-safe") {
            mstore(0x00, unitId)
            value := keccak256(0x00, 0x20)
        }
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
    /// @dev OpenZeppelin's `processMultiProof` queue algorithm, computing three values per node:
    /// a leaf enters the part whole and the remainder as zero; a proof element (a subtree
    /// without any of the leaves) enters the remainder whole and the part as zero. Written in
    /// assembly because it runs once per unit shipped: no bounds checks past the ones below and
    /// no memory but the queue. `valid` is false for a malformed multiproof: no leaves, counts
    /// that do not add up, a proof element missing or left over, or a node read before it is
    /// computed. A flag is read as true when non-zero.
    function split(bytes32[] calldata proof, bool[] calldata proofFlags, bytes32[] memory leaves)
        internal
        pure
        returns (bool valid, bytes32 root, bytes32 remainder, bytes32 part)
    {
        uint256 steps = proofFlags.length;
        if (leaves.length == 0 || leaves.length + proof.length != steps + 1) return (false, 0, 0, 0);
        if (steps == 0) return (true, leaves[0], 0, leaves[0]);
        uint256 last = _queue(proof, proofFlags, leaves);
        if (last == 0) return (false, 0, 0, 0);
        assembly ("memory-safe") {
            root := mload(last)
            remainder := mload(add(last, 0x20))
            part := mload(add(last, 0x40))
        }
        valid = true;
    }

    /// @dev Runs the multiproof queue; returns the memory address of the last node computed (the
    /// root, as full, remainder and part words), or zero for a malformed multiproof.
    function _queue(bytes32[] calldata proof, bool[] calldata proofFlags, bytes32[] memory leaves)
        private
        pure
        returns (uint256 last)
    {
        assembly ("memory-safe") {
            function pair(x, y) -> h {
                switch lt(x, y)
                case 1 {
                    mstore(0x00, x)
                    mstore(0x20, y)
                }
                default {
                    mstore(0x00, y)
                    mstore(0x20, x)
                }
                h := keccak256(0x00, 0x40)
            }
            function pruned(x, y) -> h {
                if or(x, y) { h := pair(x, y) }
            }
            function copyNode(to, from) {
                mstore(to, mload(from))
                mstore(add(to, 0x20), mload(add(from, 0x20)))
                mstore(add(to, 0x40), mload(add(from, 0x40)))
            }
            function leafNode(to, value) {
                mstore(to, value)
                mstore(add(to, 0x20), 0)
                mstore(add(to, 0x40), value)
            }

            // One node per step, then the second operand `b` of the step at hand.
            let nodes := mload(0x40)
            let b := add(nodes, mul(proofFlags.length, _NODE_BYTES))
            mstore(0x40, add(b, _NODE_BYTES))
            let leafPtr := add(leaves, 0x20)
            let leafEnd := add(leafPtr, mul(mload(leaves), 0x20))
            let queuePtr := nodes
            let proofPtr := proof.offset
            for { let out := nodes } lt(out, b) { out := add(out, _NODE_BYTES) } {
                // a: the next leaf, else the next computed node
                switch lt(leafPtr, leafEnd)
                case 1 {
                    leafNode(out, mload(leafPtr))
                    leafPtr := add(leafPtr, 0x20)
                }
                default {
                    if iszero(lt(queuePtr, out)) {
                        proofPtr := 0 // marks the multiproof malformed
                        break
                    }
                    copyNode(out, queuePtr)
                    queuePtr := add(queuePtr, _NODE_BYTES)
                }
                // b: with the step's flag the next leaf or computed node, else a proof element
                switch iszero(calldataload(add(proofFlags.offset, div(mul(sub(out, nodes), 0x20), _NODE_BYTES))))
                case 0 {
                    switch lt(leafPtr, leafEnd)
                    case 1 {
                        leafNode(b, mload(leafPtr))
                        leafPtr := add(leafPtr, 0x20)
                    }
                    default {
                        if iszero(lt(queuePtr, out)) {
                        proofPtr := 0 // marks the multiproof malformed
                        break
                    }
                        copyNode(b, queuePtr)
                        queuePtr := add(queuePtr, _NODE_BYTES)
                    }
                }
                default {
                    if iszero(lt(proofPtr, add(proof.offset, mul(proof.length, 0x20)))) {
                        proofPtr := 0
                        break
                    }
                    let value := calldataload(proofPtr)
                    mstore(b, value)
                    mstore(add(b, 0x20), value)
                    mstore(add(b, 0x40), 0)
                    proofPtr := add(proofPtr, 0x20)
                }
                mstore(out, pair(mload(out), mload(b)))
                mstore(add(out, 0x20), pruned(mload(add(out, 0x20)), mload(add(b, 0x20))))
                mstore(add(out, 0x40), pruned(mload(add(out, 0x40)), mload(add(b, 0x40))))
            }
            if eq(proofPtr, add(proof.offset, mul(proof.length, 0x20))) { last := sub(b, _NODE_BYTES) }
        }
    }

    /// @dev A node of a pruned tree: zero when both children are empty, else the sorted-pair hash.
    function _node(bytes32 a, bytes32 b) private pure returns (bytes32) {
        if (a == bytes32(0) && b == bytes32(0)) return bytes32(0);
        return Hashes.commutativeKeccak256(a, b);
    }
}
