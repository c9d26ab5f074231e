"""One build's problem ledger: every problem and reader decision, counted.

Each problem is counted per kind (``problem_kind``: the message without its
particulars) however many there are; the first ``MAX_PROBLEMS_KEPT`` are listed for the
report, and those met while a file is read are remembered in the file's manifest entry
(the first ``MAX_PROBLEMS_PER_FILE``), so that later builds report an unchanged file's
problems again until it is fixed (update.py decides when a file is read).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from .models import Problem
from .storage import FileEntry

MAX_PROBLEMS_KEPT = 1000  # the report lists this many; counts per kind stay exact
MAX_PROBLEMS_PER_FILE = 200  # remembered in the manifest to report again (counts too)
_KIND_END = re.compile(r"[:(\"'0-9]|\bat\b|;")


def shown_id(aid: str) -> str:
    """An id as a problem quotes it: whole up to 200 characters, else its start and "…"
    (a 1 MB id was copied into every message, the manifest and the summary)."""
    return repr(aid if len(aid) <= 200 else aid[:199] + "…")


def problem_kind(message: str) -> str:
    """What a problem is about, without its particulars: ``invalid JSON``, ``duplicate id``."""
    match = _KIND_END.search(message)
    return (message[: match.start()] if match else message).strip(" ,.") or message[:40]


@dataclass
class ProblemLedger:
    """The problems and decisions of one build (``BuildReport.problems``,
    ``problem_kinds``, ``decisions``)."""

    problems: list[Problem] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    decisions: Counter[str] = field(default_factory=Counter)
    reading: FileEntry | None = None  # the file being read: its problems are remembered

    def add(self, problem: Problem, aid: str | None = None) -> None:
        """Count ``problem`` (``aid``: the id it refused, remembered with it)."""
        self.kinds[problem_kind(problem.message)] += problem.count
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(problem)
        entry = self.reading
        if entry is not None and len(entry.problems) < MAX_PROBLEMS_PER_FILE:
            entry.problems.append({"path": problem.path, "message": problem.message,
                                   "line": problem.line, "skipped": problem.skipped,
                                   "aid": aid, "count": problem.count,
                                   "through": problem.through})

    @staticmethod
    def remembered(entry: FileEntry) -> Iterator[Problem]:
        """An unchanged file's problems, as its last read reported them (a duplicate
        id no longer refused, because this build indexed it, is not repeated)."""
        for p in entry.problems:
            if p.get("aid") is None or p["aid"] in entry.refused:
                yield Problem(p["path"], p["message"], p["line"], p["skipped"],
                              p.get("count", 1), p.get("through"))
