"""Where NeiQin writes tracebacks of bugs (never shown to the clerk as such)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

_handler: logging.Handler | None = None
_path: Path | None = None


def log_file() -> Path:
    """The log file: ``$NEIQIN_LOG`` or neiqin.log in the user's log folder."""
    env = os.environ.get("NEIQIN_LOG")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_log_dir("NeiQin", appauthor=False)) / "neiqin.log"


def setup() -> Path:
    """Send NeiQin's warnings and bug tracebacks to the log file (idempotent)."""
    global _handler, _path
    path = log_file()
    if _handler is not None and _path == path:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("neiqin")
    if _handler is not None:
        logger.removeHandler(_handler)
        _handler.close()
    _handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(_handler)
    logger.setLevel(logging.INFO)
    _path = path
    return path
