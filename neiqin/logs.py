"""Where NeiQin writes tracebacks of bugs (never shown to the clerk as such)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

_CONFIGURED = False


def log_file() -> Path:
    """The log file: ``$NEIQIN_LOG`` or neiqin.log in the user's log folder."""
    env = os.environ.get("NEIQIN_LOG")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_log_dir("NeiQin", appauthor=False)) / "neiqin.log"


def setup() -> Path:
    """Send NeiQin's warnings and bug tracebacks to the log file (idempotent)."""
    global _CONFIGURED
    path = log_file()
    if _CONFIGURED:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("neiqin")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    _CONFIGURED = True
    return path
