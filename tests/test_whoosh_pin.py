"""searcher._whoosh relies on Whoosh internals: it must run on the pinned release only."""

from __future__ import annotations

import pytest

from searcher import _whoosh
from tests.conftest import REPO


def test_installed_whoosh_is_the_release_the_internals_were_written_for() -> None:
    _whoosh.check_version()  # raises on any other release


def test_pyproject_pins_the_same_release() -> None:
    want = ".".join(map(str, _whoosh.WRITTEN_FOR))
    assert f'"whoosh-reloaded=={want}"' in (REPO / "pyproject.toml").read_text()


def test_another_release_is_refused_with_a_clear_message() -> None:
    with pytest.raises(RuntimeError, match=r"Whoosh 2\.7\.5's internals but Whoosh 3\.0\.1"):
        _whoosh.check_version((3, 0, 1))
