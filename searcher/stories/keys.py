"""An article's story key: a 64-bit hash of its id, held in the index's ``story`` column
so the engine can map document numbers to story groups with array operations."""

from __future__ import annotations

import hashlib


def story_key(article_id: str) -> int:
    """Never 0 (the column's value for a document that has none)."""
    digest = hashlib.blake2b(article_id.encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "little") or 1
