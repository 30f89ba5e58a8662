"""keccak256 for the paths that hash per unit (unit ids, lot trees, holding words).

eth-hash picks pycryptodome when it is installed, as it is here, and pycryptodome builds a hash
object through several Python layers: about 12 us a hash against under 2 us for the keccak of
the Keccak team's code through safe-pysha3 (already installed with eth-brownie). A lot of
100,000 units costs some 400,000 hashes to read back, so this is the difference between seconds
and a fraction of one. Same function, same digests: tests/core/test_hashing.py checks it against
eth-hash.
"""

from __future__ import annotations

from sha3 import keccak_256


def keccak(data: bytes) -> bytes:
    """keccak256 of `data` (Ethereum's, not NIST SHA3-256)."""
    digest: bytes = keccak_256(data).digest()
    return digest
