"""Validators: one module per ledger — its row schema (pydantic) and its rules -> Issues.

``validate(book, name, ...)`` is what ``neiqin validate`` and the ribbon's
校验 buttons call; it only reads the workbook.
"""

from __future__ import annotations

__neiqin__ = True  # marks NeiQin's own package (see neiqin.addin)

import datetime as dt
import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from neiqin.config import Settings
from neiqin.issues import Issue
from neiqin.ledger import read_ledger
from neiqin.schema import ledger_model

from . import orders  # noqa: F401  (registers the ledger)

if TYPE_CHECKING:
    import xlwings as xw


@dataclass
class Validation:
    """What a validation found: the issues and which sheets/rows it looked at."""

    issues: list[Issue]
    sheets: list[str] = field(default_factory=list)
    rows: int = 0


def validate(book: xw.Book, name: str, settings: Settings | None = None, today: dt.date | None = None) -> Validation:
    """Read ledger ``name`` from ``book`` and run all of its checks (read-only)."""
    settings = settings or Settings()
    module = importlib.import_module(ledger_model(name).__module__)
    ledger = read_ledger(book, name, settings)
    return Validation(issues=module.check(ledger, settings, today), sheets=[ledger.sheet], rows=len(ledger))
