"""Ribbon actions, one module per workflow, and the registry that lists them.

The ribbon's VBA callback runs ``import macros; macros.dispatch('<button id>')``.
"""

from __future__ import annotations

__neiqin__ = True  # marks NeiQin's own package (see neiqin.base.addin)

from neiqin.base.addin import ensure_import_path

ensure_import_path()  # NeiQin's validators/ before any look-alike package

from . import expenses, orders, reports  # noqa: E402,F401  (register the expense, order and report actions)
from .registry import Action, Context, Summary, action, actions, dispatch, get, run  # noqa: E402

__all__ = ["Action", "Context", "Summary", "action", "actions", "dispatch", "get", "run"]
