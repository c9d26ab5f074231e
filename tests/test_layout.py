"""README's code layout table names every module of the package, and only real ones."""

from __future__ import annotations

import re

from .conftest import REPO


def test_the_layout_table_matches_the_package() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Code layout"):]
    listed = {name for row in re.findall(r"^\| (`.*?) \|", section, re.M)
              for name in re.findall(r"`([\w/]+?(?:\.py)?)`", row)}
    package = REPO / "searcher"
    actual = {p.name + "/" if p.is_dir() else p.name for p in package.iterdir()
              if not p.name.startswith("__") and (p.is_dir() or p.suffix == ".py")}
    assert listed == actual, (f"not in README: {sorted(actual - listed)}; "
                              f"no such module: {sorted(listed - actual)}")
