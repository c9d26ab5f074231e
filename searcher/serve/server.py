"""Running the app on uvicorn: ``searcher serve``. Loopback by default; the caller
warns before binding anywhere else (the server is read-only, with no authentication)."""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path

import uvicorn

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; anything else reaches other machines."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def run(index: Path, *, host: str, port: int, workers: int) -> None:
    """Serve until interrupted. Worker processes each open the index (``$SEARCHER_INDEX``,
    set by the command); one worker serves the app made here."""
    shown = f"[{host}]" if ":" in host else host
    print(f"searcher: serving {index} at http://{shown}:{port}/ (Ctrl-C stops)",
          file=sys.stderr, flush=True)
    if workers > 1:
        uvicorn.run("searcher.serve.app:app_from_env", factory=True, host=host, port=port,
                    workers=workers, log_level="warning", access_log=False)
    else:
        from .app import create_app

        uvicorn.run(create_app(index), host=host, port=port, log_level="warning",
                    access_log=False)
