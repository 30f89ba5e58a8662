// Test vectors from OpenZeppelin's JS StandardMerkleTree (@openzeppelin/merkle-tree 1.0.8) for
// hygeia's leaf encoding: values [gtin, serial digest] with types ["uint64", "bytes32"].
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { keccak256, toUtf8Bytes } from "ethers";

const GTIN = "614141000418";
const cases = [];
for (const size of [1, 2, 3, 7, 8, 25]) {
  const serials = Array.from({ length: size }, (_, i) => `SN${String(i).padStart(4, "0")}`);
  const values = serials.map((s) => [GTIN, keccak256(toUtf8Bytes(s))]);
  const tree = StandardMerkleTree.of(values, ["uint64", "bytes32"]);
  const proofs = {};
  serials.forEach((s, i) => { proofs[s] = tree.getProof(i); });
  const chosen = serials.filter((_, i) => i % 3 === 1);
  const multi = chosen.length ? tree.getMultiProof(serials.map((s, i) => [s, i]).filter(([s]) => chosen.includes(s)).map(([, i]) => i)) : null;
  cases.push({
    gtin: Number(GTIN), serials, root: tree.root, proofs,
    multiproof: multi && {
      leaves: multi.leaves.map((v) => serials[values.findIndex((w) => w[1] === v[1])]),
      proof: multi.proof, proofFlags: multi.proofFlags,
    },
  });
}
console.log(JSON.stringify({ generator: "@openzeppelin/merkle-tree 1.0.8 StandardMerkleTree", cases }, null, 1));
