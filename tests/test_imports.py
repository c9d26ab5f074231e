"""The import contract (DESIGN.md): which modules may import Whoosh and the user-interface
libraries. One table; a module moving or a new package is one line here.

Whoosh stays behind the storage/index/query/execution layer, so a Whoosh upgrade or
replacement touches those modules only; the terminal libraries stay in the
front ends, so the library (``import searcher``) loads none of them.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from searcher.program import BLAS_THREADS

PACKAGE = Path(__file__).resolve().parents[1] / "searcher"

# Third-party package -> the modules (dotted, under searcher/; a package name covers
# everything in it) that may import it. Anything else importing it fails the test.
ALLOWED: dict[str, tuple[str, ...]] = {
    "whoosh": ("schema", "storage", "integrity", "indexer", "_whoosh", "query.bind", "index",
               "suggest"),
    # (wrap: rich.cells only, rich's widths for plain output; never the console)
    "rich": ("render", "render_build", "render_shell", "render_inspect", "cli", "cli_serve",
             "shell", "wrap"),
    "click": ("cli", "cli_options", "cli_serve"),
    "prompt_toolkit": ("shell",),
    "starlette": ("serve",),
    "jinja2": ("serve",),
    "markupsafe": ("serve",),
    "uvicorn": ("serve",),
    "dask": ("cluster.dask_runner",),
    "distributed": ("cluster.dask_runner",),
}
# What `import searcher` must not load (the one-shot CLI and the library stay light).
NOT_ON_IMPORT = ("click", "rich", "prompt_toolkit", "starlette", "jinja2", "uvicorn", "dask",
                 "distributed")
# What a one-shot `searcher search` or `show` printing to a pipe or as JSON must not load
# (rich's drawing: its console, text and segments; wrap.py measures with rich.cells).
NOT_IN_ONE_SHOT = ("rich.console", "rich.text", "rich.segment", "prompt_toolkit",
                   "searcher.indexer", "searcher.render", "asyncio", "urllib.request",
                   "dateutil.relativedelta", "zoneinfo", "starlette", "jinja2", "uvicorn",
                   "searcher.serve", "dask", "distributed")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_packages(path: Path) -> set[str]:
    """Top-level names of every absolute import in the file, function-level ones too."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _allowed(module: str, owners: tuple[str, ...]) -> bool:
    return any(module == o or module.startswith(o + ".") for o in owners)


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[_module_name(p) or "searcher" for p in MODULES])
def test_only_the_allowed_modules_import_whoosh_and_the_ui_libraries(path: Path) -> None:
    module = _module_name(path)
    wrong = sorted(pkg for pkg in _imported_packages(path) & ALLOWED.keys()
                   if not _allowed(module, ALLOWED[pkg]))
    assert not wrong, (f"searcher.{module} imports {', '.join(wrong)}: only "
                       + "; ".join(f"{p}: {', '.join(ALLOWED[p])}" for p in wrong)
                       + " may (tests/test_imports.py, DESIGN.md)")


def test_the_table_names_modules_that_exist() -> None:
    """A stale entry would quietly allow a future module: each owner is a real module
    or package (or one of the names other work is moving to)."""
    planned = {"storage", "engine"}  # issue 7: storage.py, engine/ (being written)
    existing = {_module_name(p) for p in MODULES}
    for owners in ALLOWED.values():
        for owner in owners:
            assert owner in existing or owner in planned, owner


def test_import_searcher_loads_no_user_interface_library() -> None:
    code = ("import sys, searcher, searcher.index, searcher.highlight, searcher.passages; "
            f"print(sorted(m for m in {NOT_ON_IMPORT!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("args", [["search", "missile"], ["search", "--json", "missile"],
                                  ["show", "-q", "missile"], ["show", "--json"]],
                         ids=["search", "search-json", "show", "show-json"])
def test_one_shot_commands_to_a_pipe_load_no_terminal_library(seed_index: Path,
                                                              args: list[str]) -> None:
    """rich only draws for a terminal: piped and JSON output is built without it."""
    if args[0] == "show":
        from searcher import open_index

        with open_index(seed_index) as ix:
            args = [*args, ix.search("missile").hits[0].id]
    code = ("import sys\nfrom searcher.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in {NOT_IN_ONE_SHOT!r} if m in sys.modules), file=sys.stderr)")
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    done = subprocess.run([sys.executable, "-c", code, args[0], "--index", str(seed_index),
                           *args[1:]], capture_output=True, text=True, env=env, check=True)
    assert "missile" in done.stdout.lower()
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_the_package_loads_the_engine_on_first_use() -> None:
    """`import searcher.cli` loads no numpy (the command decides how it starts), and
    ``searcher.search`` is the one-shot function (no module has that name)."""
    out = run_python(
        "import sys, searcher.cli\n"
        "print('numpy' in sys.modules)\n"
        "import searcher.index\n"
        "from searcher.index import Index\n"
        "import searcher\n"
        "from searcher import open_index, search\n"
        "print(searcher.search is search is sys.modules['searcher.index'].search,"
        " searcher.Index is Index, callable(open_index), 'numpy' in sys.modules)")
    assert out.splitlines() == ["False", "True True True True"]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
@pytest.mark.parametrize(("env", "threads"), [({}, "1 1"), ({"OPENBLAS_NUM_THREADS": "2"}, "2 2"),
                                              ({"OMP_NUM_THREADS": "2"}, "None 2")])
def test_a_command_starts_numpy_without_a_thread_pool(seed_index: Path, env: dict[str, str],
                                                      threads: str) -> None:
    """OpenBLAS's thread pool costs a one-shot command ~55 ms and the engine does no
    matrix products: one thread (the main one) unless the user set a count."""
    code = ("import os, sys\nfrom searcher.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print(os.environ.get('OPENBLAS_NUM_THREADS'), len(os.listdir('/proc/self/task')),"
            " file=sys.stderr)")
    clean = {k: v for k, v in os.environ.items() if k not in BLAS_THREADS}
    done = subprocess.run([sys.executable, "-c", code, "search", "--json", "--index",
                           str(seed_index), "missile"], capture_output=True, text=True,
                          env={**clean, **env}, check=True)
    assert '"total"' in done.stdout
    assert done.stderr.strip().splitlines()[-1] == threads


def run_python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_few_modules_outside_whoosh_internals_import_whoosh() -> None:
    """Whoosh stays behind a handful of modules (issue 17: at most 8 outside _whoosh/):
    the query plan and the engine are ours, so a Whoosh upgrade touches few files."""
    touching = [_module_name(p) for p in MODULES if "whoosh" in _imported_packages(p)
                and not _allowed(_module_name(p), ("_whoosh",))]
    assert len(touching) <= 8, touching


def test_no_module_is_named_like_a_function() -> None:
    """One name per thing: ``searcher.search`` is the one-shot function, so no module
    is called ``search`` (it once forced a module-type trick in ``__init__``)."""
    assert not (PACKAGE / "search.py").exists() and not (PACKAGE / "search").exists()
