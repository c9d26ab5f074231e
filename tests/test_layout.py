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
    top = {name for name in listed if "/" not in name.rstrip("/")}
    assert top == actual, (f"not in README: {sorted(actual - top)}; "
                           f"no such module: {sorted(top - actual)}")
    # A package whose modules are listed one by one (``query/lexer.py``) lists them all.
    nested = listed - top
    for pkg in {name.split("/")[0] for name in nested}:
        modules = {f"{pkg}/{p.name}" for p in (package / pkg).glob("*.py")
                   if not p.name.startswith("__")}
        shown = {name for name in nested if name.startswith(pkg + "/")}
        assert shown == modules, (f"not in README: {sorted(modules - shown)}; "
                                  f"no such module: {sorted(shown - modules)}")
