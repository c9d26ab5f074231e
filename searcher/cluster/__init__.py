"""A sharded index: N ordinary searcher indexes and a small manifest (layout.py),
built by routing each article to its shard (build.py) and searched in two rounds
with the whole collection's statistics (search.py), so answers equal one index's."""
