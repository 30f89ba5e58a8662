// Test vectors from OpenZeppelin's JS StandardMerkleTree (@openzeppelin/merkle-tree 1.0.8) for
// hygeia's leaf encoding: values [unit id, position] with types ["bytes32", "uint32"], the unit
// id keccak256(abi.encode(uint64 gtin, bytes32 serial digest)) and the position the serial's
// place in the lot (the commissioning document's order).
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";

const GTIN = "614141000418";
const abi = AbiCoder.defaultAbiCoder();
const cases = [];
for (const size of [1, 2, 3, 7, 8, 25]) {
  const serials = Array.from({ length: size }, (_, i) => `SN${String(i).padStart(4, "0")}`);
  const values = serials.map((s, i) => [
    keccak256(abi.encode(["uint64", "bytes32"], [GTIN, keccak256(toUtf8Bytes(s))])),
    i,
  ]);
  const tree = StandardMerkleTree.of(values, ["bytes32", "uint32"]);
  const proofs = {};
  serials.forEach((s, i) => { proofs[s] = tree.getProof(i); });
  cases.push({ gtin: Number(GTIN), serials, root: tree.root, proofs });
}
console.log(JSON.stringify({ generator: "@openzeppelin/merkle-tree 1.0.8 StandardMerkleTree", cases }, null, 1));
