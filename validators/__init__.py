"""Validators: one package per ledger — its declaration, schema, rules, codes, template, settings.

Importing this package registers every ledger with the ledger kit (:mod:`neiqin.core.kit`):
each sub-package that exports ``LEDGERS`` is found by a package scan, so adding a ledger is
adding a folder; nothing here lists them. Rules and planners are pure: they take ledgers
(and snapshots an action read from the store) and return issues and plans.
"""

from __future__ import annotations

__neiqin__ = True  # marks NeiQin's own package (see neiqin.base.addin)

import importlib
import pkgutil
from types import ModuleType

from neiqin.core import kit


def _discover() -> list[ModuleType]:
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.ispkg or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for spec in getattr(module, "LEDGERS", ()):
            kit.register(spec, origin=module.__name__)
        found.append(module)
    for spec in kit.ledgers():  # a declaration naming an unknown companion is a bug: fail at import
        kit.require(spec.companions)
    return found


PACKAGES = _discover()

__all__ = ["PACKAGES"]
