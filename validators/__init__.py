"""Validators: one module per ledger — its row schema (pydantic) and its rules -> Issues.

``validate(book, name, ...)`` is what ``neiqin validate`` and the ribbon's
校验 buttons call; it only reads the workbook (and the store).
"""

from __future__ import annotations

__neiqin__ = True  # marks NeiQin's own package (see neiqin.base.addin)

import datetime as dt
import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from neiqin.core.config import Settings
from neiqin.core.issues import Issue
from neiqin.core.ledger import Ledger, read_ledger
from neiqin.core.schema import ledger_model

from . import archive, changes, customers, expenses, orders, products, tasks  # noqa: F401  (register the ledgers)

# Ledgers that are forms (one per sheet, labels anywhere) rather than tables.
FORMS = ("expenses",)

if TYPE_CHECKING:
    import xlwings as xw

    from neiqin.core.store import Store


@dataclass
class Validation:
    """What a validation found: the issues, and the ledger it read."""

    issues: list[Issue]
    sheets: list[str] = field(default_factory=list)
    rows: int = 0
    ledger: Ledger | None = None


def read_optional(book: xw.Book, name: str, settings: Settings) -> Ledger | None:
    """A companion ledger, when the workbook has its sheet (by name); None otherwise."""
    info = ledger_model(name).ledger
    names = {s.name for s in book.sheets}
    sheet = next((n for n in (info.sheet, *info.sheet_synonyms) if n in names), None)
    return read_ledger(book, name, settings, sheet=sheet) if sheet else None


def validate(
    book: xw.Book,
    name: str,
    settings: Settings | None = None,
    today: dt.date | None = None,
    store: Store | None = None,
    sheet: str | None = None,
) -> Validation:
    """Read ledger ``name`` from ``book`` (``sheet``, else the sheet found) and run all its checks (read-only)."""
    settings = settings or Settings()
    if name == "expenses":  # every 费用报销单 of the workbook; invoices of earlier claims come from the store
        found = expenses.validate_forms(book, settings, today, store, sheets=[sheet] if sheet else None)
        return Validation(
            issues=found.issues,
            sheets=[f.sheet for f in found.forms] + found.companion_sheets,
            rows=sum(len(f.lines) for f in found.forms),
        )
    module = importlib.import_module(ledger_model(name).__module__)
    ledger = read_ledger(book, name, settings, sheet=sheet)
    extra: dict[str, Any] = {}
    if name == "orders":
        extra["companions"] = orders.Companions(
            customers=read_optional(book, "customers", settings),
            products=read_optional(book, "products", settings),
            statuses=store.statuses() if store is not None else None,
        )
    issues = module.check(ledger, settings, today, **extra)
    return Validation(issues=issues, sheets=[ledger.sheet], rows=len(ledger), ledger=ledger)
