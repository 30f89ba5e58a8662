"""The event index: the suite's events in a relational database (SQLite by default, PostgreSQL at
scale), followed reorg-safe and resumably from the chain (`hygeia index`).

    store = IndexStore("sqlite:///.hygeia/index/31337.sqlite")
    Indexer(w3, deployment, store, confirmations=0).run_once()
"""

from __future__ import annotations

from hygeia.index.follower import DEFAULT_MAX_RANGE, Indexer, Progress
from hygeia.index.store import Block, IndexStore, default_url

__all__ = ["DEFAULT_MAX_RANGE", "Block", "IndexStore", "Indexer", "Progress", "default_url"]
