"""Deleting a folder tree of any depth: what tests/test_bounded_cost.py and
bench/attack.py need after a tree 1,000 folders deep (issue 16, class 11).

shutil.rmtree (and so pytest's clean-up of its temporary folders) recurses a level at
a time and fails on such a tree (RecursionError). The product itself never deletes a
tree it did not make (its index folders are shallow), so this lives beside the tests.
"""

from __future__ import annotations

import os
from pathlib import Path


def remove_tree(top: Path) -> None:
    """Delete ``top`` and everything under it, bottom up, without recursion; symlinks
    are removed, never followed."""
    stack = [(os.fspath(top), False)]
    while stack:
        path, emptied = stack.pop()
        if emptied:
            os.rmdir(path)
            continue
        stack.append((path, True))
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, False))
                else:
                    os.unlink(entry.path)
