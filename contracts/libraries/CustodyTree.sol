// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";

/// @title CustodyTree
/// @notice Merkle trees of the units a party holds, as pruned copies of their lot's tree.
/// @dev A lot's tree is an OpenZeppelin StandardMerkleTree over its units' leaves
/// (`keccak256(bytes.concat(unitId))`, sorted-pair hashing). A holding's tree has the same shape
/// pruned to the holding's units: a subtree holding none of them is zero, a node with one empty
/// child is its other child, and a node with two non-empty children is their sorted-pair hash.
/// Zero is never a leaf nor a node hash, and a leaf (the hash of 32 bytes) is never a node (the
/// hash of 64 bytes), so:
/// - a holding holds a unit exactly when a proof (or multiproof) folds the unit's leaf into the
///   holding's root with the node rule; the SDK makes proofs in the lot's shape, whose elements
///   may be zero (empty subtrees), and such proofs may also be shortened or padded with zeros
///   without changing what they prove;
/// - the root is a function of the lot's shape and the set of units held, however the holding
///   came to be, so the SDK rebuilds it from that set alone;
/// - holding every unit gives the lot's root, and holding none gives zero.
/// Moving units out of a holding recomputes, in one pass over the same (multi)proof, the root of
/// the units left behind and the root of the units taken, without storage per unit. A node
/// whose sides do not both hold taken and kept units needs one hash, or none.
library CustodyTree {
    // slither-disable-start assembly -- on purpose: scratch-space leaf hashing, the inlined multiproof queue
    /// @dev Bytes of one queued node: its hash in the full tree, the remainder and the part.
    uint256 private constant _NODE_BYTES = 0x60;

    /// @notice The tree leaf of unit `unitId`: OpenZeppelin's double hash, so no 64-byte internal
    /// node can pass for a leaf.
    /// @param unitId the unit's id, `keccak256(abi.encode(gtin, serial))`.
    /// @return value `keccak256(bytes.concat(unitId))`.
    function leaf(bytes32 unitId) internal pure returns (bytes32 value) {
        // keccak256(bytes.concat(unitId)) in scratch space, without allocating memory per unit.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, unitId)
            value := keccak256(0x00, 0x20)
        }
    }

    /// @notice Takes one leaf out of a tree: `root` computed from `leafValue` and its `proof`
    /// (equal to the holding's root if the unit is in it), and the root without the leaf.
    /// @param proof the siblings from the leaf up, in the lot's tree shape; zero for an empty subtree.
    /// @param leafValue the leaf to take out ({leaf} of the unit's id).
    /// @return root the root the proof folds `leafValue` into.
    /// @return remainder the root of the same tree without the leaf; zero if it was the only one.
    function remove(
        bytes32[] calldata proof,
        bytes32 leafValue
    ) internal pure returns (bytes32 root, bytes32 remainder) {
        root = leafValue;
        for (uint256 i = 0; i < proof.length; ++i) {
            bytes32 sibling = proof[i];
            root = _node(root, sibling);
            remainder = _node(remainder, sibling);
        }
    }

    /// @notice Splits a tree along an OpenZeppelin multiproof of the leaves of `unitIds`: `root` is
    /// the root the multiproof computes (equal to the holding's root if the units are in it),
    /// `remainder` the root without them and `part` the root of them alone.
    /// @dev OpenZeppelin's `processMultiProof` queue algorithm over the pruned node rule, carrying
    /// three values per node (full, remainder, part): a leaf enters the part whole and the
    /// remainder empty; a proof element (a subtree without any of the units) enters the remainder
    /// whole and the part empty. A node whose sides hold no kept units is all part, one whose
    /// sides hold no taken units all remainder: only where both meet are three values hashed.
    /// Leaves are hashed from calldata as they are consumed. Written in assembly, inlined,
    /// because it runs once per node of a shipment's proof. `valid` is false for a malformed
    /// multiproof: no units, counts that do not add up, a proof element missing or left over, or
    /// a node read before it is computed. A flag is read as true when non-zero.
    /// @param unitIds the ids of the units taken, in the multiproof's leaf order; not empty.
    /// @param proof the multiproof's nodes: subtrees without any of the units, zero when empty.
    /// @param proofFlags one flag per hashing step: non-zero to take the next leaf or computed node,
    /// zero to take the next proof node, as in OpenZeppelin's `processMultiProof`.
    /// @return valid false for a malformed multiproof, and then all three roots are zero.
    /// @return root the root the multiproof computes.
    /// @return remainder the root of the tree without the units; zero when none is left.
    /// @return part the root of the tree of the units alone.
    function split(
        bytes32[] calldata unitIds,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) internal pure returns (bool valid, bytes32 root, bytes32 remainder, bytes32 part) {
        uint256 steps = proofFlags.length;
        if (unitIds.length == 0 || unitIds.length + proof.length != steps + 1) return (false, 0, 0, 0);
        if (steps == 0) {
            root = leaf(unitIds[0]);
            return (true, root, 0, root);
        }
        uint256 last = _queue(unitIds, proof, proofFlags);
        if (last == 0) return (false, 0, 0, 0);
        // The last node's three words, where _queue left them in memory.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            root := mload(last)
            remainder := mload(add(last, 0x20))
            part := mload(add(last, 0x40))
        }
        valid = true;
    }

    // One assembly loop over the multiproof, as long as the algorithm: split into functions, it
    // would pay for calls at every node.
    // solhint-disable function-max-lines
    /// @dev Runs the multiproof queue; returns the memory address of the last node computed (the
    /// root, as full, remainder and part words), or zero for a malformed multiproof.
    // slither-disable-next-line cyclomatic-complexity -- one inlined loop over the multiproof (see split)
    function _queue(
        bytes32[] calldata unitIds,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) private pure returns (uint256 last) {
        // In assembly, inlined, because it runs once per node of a shipment's proof (see split).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            function join(x, y) -> h {
                h := x
                if y {
                    switch x
                    case 0 {
                        h := y
                    }
                    default {
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
                }
            }

            // The remainder and part of a node whose sides hold both taken and kept units.
            function mixed(out, a, b) {
                mstore(add(out, 0x20), join(mload(add(a, 0x20)), mload(add(b, 0x20))))
                mstore(add(out, 0x40), join(mload(add(a, 0x40)), mload(add(b, 0x40))))
            }

            // Nodes, one per step, then three scratch nodes: a leaf as first operand, a leaf as
            // second operand, a proof element. A scratch leaf's remainder and a proof element's
            // part stay zero.
            let out := mload(0x40)
            let end := add(out, mul(proofFlags.length, _NODE_BYTES))
            mstore(0x40, add(end, mul(3, _NODE_BYTES)))
            mstore(add(end, 0x20), 0)
            mstore(add(end, 0x80), 0)
            mstore(add(end, 0x100), 0)
            let unit := unitIds.offset
            let unitEnd := add(unit, shl(5, unitIds.length))
            let queue := out
            let proofPtr := proof.offset
            let flag := proofFlags.offset
            for {} lt(out, end) {
                out := add(out, _NODE_BYTES)
                flag := add(flag, 0x20)
            } {
                // a: the next leaf, else the next computed node
                let a := queue
                switch lt(unit, unitEnd)
                case 1 {
                    mstore(0x00, calldataload(unit))
                    let value := keccak256(0x00, 0x20)
                    a := end
                    mstore(a, value)
                    mstore(add(a, 0x40), value)
                    unit := add(unit, 0x20)
                }
                default {
                    if iszero(lt(queue, out)) {
                        break
                    }
                    queue := add(queue, _NODE_BYTES)
                }
                // b: with the step's flag the next leaf or computed node, else a proof element
                let b := queue
                switch calldataload(flag)
                case 0 {
                    let value := calldataload(proofPtr)
                    b := add(end, 0xc0)
                    mstore(b, value)
                    mstore(add(b, 0x20), value)
                    proofPtr := add(proofPtr, 0x20)
                }
                default {
                    switch lt(unit, unitEnd)
                    case 1 {
                        mstore(0x00, calldataload(unit))
                        let value := keccak256(0x00, 0x20)
                        b := add(end, 0x60)
                        mstore(b, value)
                        mstore(add(b, 0x40), value)
                        unit := add(unit, 0x20)
                    }
                    default {
                        if iszero(lt(queue, out)) {
                            break
                        }
                        queue := add(queue, _NODE_BYTES)
                    }
                }
                // full: `join` inlined, as it runs at every node of every shipment
                let full := mload(a)
                {
                    let y := mload(b)
                    if y {
                        switch full
                        case 0 {
                            full := y
                        }
                        default {
                            switch lt(full, y)
                            case 1 {
                                mstore(0x00, full)
                                mstore(0x20, y)
                            }
                            default {
                                mstore(0x00, y)
                                mstore(0x20, full)
                            }
                            full := keccak256(0x00, 0x40)
                        }
                    }
                }
                // remainder and part: the node itself on a side of one kind, else pruned nodes
                switch or(mload(add(a, 0x20)), mload(add(b, 0x20)))
                case 0 {
                    mstore(add(out, 0x20), 0)
                    mstore(add(out, 0x40), full)
                }
                default {
                    switch or(mload(add(a, 0x40)), mload(add(b, 0x40)))
                    case 0 {
                        mstore(add(out, 0x20), full)
                        mstore(add(out, 0x40), 0)
                    }
                    default {
                        mixed(out, a, b)
                    }
                }
                mstore(out, full)
            }
            // Complete only if every step ran and read exactly the proof: reading past it reads
            // other calldata.
            if and(eq(out, end), eq(proofPtr, add(proof.offset, shl(5, proof.length)))) {
                last := sub(end, _NODE_BYTES)
            }
        }
    }
    // solhint-enable function-max-lines

    /// @dev A node of a pruned tree: the other child when one is empty, else the sorted-pair hash.
    function _node(bytes32 a, bytes32 b) private pure returns (bytes32) {
        if (b == bytes32(0)) return a;
        if (a == bytes32(0)) return b;
        return Hashes.commutativeKeccak256(a, b);
    }
    // slither-disable-end assembly
}
