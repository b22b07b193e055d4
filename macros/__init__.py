"""Ribbon actions, one module per workflow, and the registry that lists them.

The ribbon's VBA callback runs ``import macros; macros.dispatch('<button id>')``. Importing
this package imports ``validators`` (which registers every ledger), gives every ledger its
校验 button, and imports every workflow module found here (a package scan: adding a module
adds its buttons; nothing lists them).
"""

from __future__ import annotations

__neiqin__ = True  # marks NeiQin's own package (see neiqin.base.addin)

import importlib
import pkgutil

from neiqin.base.addin import ensure_import_path

ensure_import_path()  # NeiQin's validators/ before any look-alike package

import validators  # noqa: E402,F401  (registers every ledger)

from .ledgers import register_validate_actions  # noqa: E402
from .registry import Action, Context, Summary, action, actions, dispatch, get, run  # noqa: E402

_INFRASTRUCTURE = {"registry", "ledgers"}


def _discover() -> None:
    # on each ribbon group: the main ledger's 校验 button, the workflow buttons, the companions' 校验
    register_validate_actions(large=True)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name not in _INFRASTRUCTURE and not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    register_validate_actions(large=False)


_discover()

__all__ = ["Action", "Context", "Summary", "action", "actions", "dispatch", "get", "run"]
