"""The reference CIDs of ipfs_cid_vectors.json (made by a real IPFS node) and their contents."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

_GEN = re.compile(r"shake_256\('([^']*)'\)\.digest\((\d+)\)")


@dataclass(frozen=True)
class Vector:
    content: bytes
    cidv0: str
    cidv1_raw_leaves: str

    def __str__(self) -> str:
        return f"{len(self.content)}B"


def _content(gen: str) -> bytes:
    """Rebuild a vector's content from its ``gen`` recipe, e.g. ``shake_256('x').digest(10)``."""
    match = _GEN.fullmatch(gen)
    if match is None:
        raise ValueError(f"unknown vector recipe {gen!r}")
    return hashlib.shake_256(match[1].encode()).digest(int(match[2]))


def load() -> list[Vector]:
    entries = json.loads((Path(__file__).parent / "ipfs_cid_vectors.json").read_text())
    return [Vector(_content(e["gen"]), e["cidv0"], e["cidv1_raw_leaves"]) for e in entries]


VECTORS = load()
