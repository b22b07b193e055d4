"""Loading NeiQin's plug-in packages (the ledgers and the ribbon actions) for the app layer.

The core never imports them; the CLI, the demo, the build and the doctor do, through here,
after putting NeiQin's own folder first on ``sys.path`` (see :mod:`neiqin.base.addin`).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from neiqin.base.addin import ensure_import_path


def load_validators() -> ModuleType:
    """Import NeiQin's ``validators`` package (which registers every ledger)."""
    ensure_import_path()
    return importlib.import_module("validators")


def load_macros() -> ModuleType:
    """Import NeiQin's ``macros`` package (which registers every ledger and every action)."""
    ensure_import_path()
    return importlib.import_module("macros")
