"""``searcher shell``: the interactive prompt over an index, and its piped mode.

- ``prompt.py``: input and output (prompt_toolkit session, pager, piped mode, Ctrl-C);
- ``session.py``: the session state and what a typed line does (``Shell``);
- ``commands.py``: the ``:commands`` table and handlers;
- ``filters.py``: sticky filters (``:filter``);
- ``completion.py`` and ``lexer.py``: completion and colouring of the prompt line.
"""

from __future__ import annotations

from .prompt import run, run_prompt, run_script
from .session import Shell

__all__ = ["Shell", "run", "run_prompt", "run_script"]
