"""YAML with bounded cost, for front matter written by strangers.

PyYAML's safe loader refuses arbitrary objects but not an alias bomb: a few hundred
bytes of ``&b [*a, *a, ...]`` nested eight deep stand for tens of millions of values
once anything walks them (converting to meta, hashing, printing JSON). The loaded
graph shares the repeated nodes, so the cost shows only when it is expanded: before
constructing anything, the node graph's expanded size is counted (linear time, each
shared node once) and a block that stands for more than ``MAX_NODES`` values, or
refers to itself, or is longer than ``MAX_BYTES``, is refused like any other invalid
YAML.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_NODES = 100_000  # values a front matter block may stand for, aliases expanded
MAX_BYTES = 256 * 1024  # characters of one front matter block


class YAMLTooCostly(yaml.YAMLError):
    """The block would cost too much to load; ``problem`` says why (as PyYAML's errors do)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _expanded_size(root: yaml.Node) -> int:
    """How many nodes the graph stands for with every alias expanded (capped)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise YAMLTooCostly("it refers to itself")
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        open_nodes.discard(key)
        if total > MAX_NODES:
            raise YAMLTooCostly(f"aliases expand it to more than {MAX_NODES:,} values")
        sizes[key] = total
        return total

    return size(root)


class _Loader(yaml.SafeLoader):
    """The safe loader, except that a timestamp or integer Python cannot hold (year 0,
    month 13, a 5,000-digit number) stays the text it was written as: PyYAML raised
    ValueError, and one bad date lost the whole front matter (title, tags, authors)
    instead of that value, which the field map then rejects and counts."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_int(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def load(text: str) -> Any:
    """The YAML value of ``text`` (safe types only); YAMLError when it is invalid or
    would cost too much to load."""
    if len(text) > MAX_BYTES:
        raise YAMLTooCostly(f"longer than {MAX_BYTES // 1024} KB")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()
