"""The one read-and-check path: a ledger (or the forms of a form ledger), its companions, its store
snapshot, and every check its declaration names — read-only.

The ribbon's 校验 buttons (``macros/ledgers.py``), the workflow actions and ``neiqin validate``
all call :func:`check_ledger`, so they always find the same problems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from neiqin.core.forms import Form, read_forms
from neiqin.core.issues import Issue
from neiqin.core.kit import CheckContext, LedgerSpec
from neiqin.core.ledger import Ledger, read_ledger, read_optional

if TYPE_CHECKING:
    import xlwings as xw

    from neiqin.core.config import Settings


@dataclass
class Checked:
    """A ledger as read and what its checks found."""

    spec: LedgerSpec
    data: Any  # a Ledger, or the list of forms of a form ledger
    issues: list[Issue]
    scope: list[str]  # the sheets whose marks this check replaces
    rows: int
    ctx: CheckContext
    companions: dict[str, Ledger | None] = field(default_factory=dict)

    @property
    def ledger(self) -> Ledger:
        assert isinstance(self.data, Ledger)
        return self.data

    @property
    def forms(self) -> list[Form]:
        return list(self.data)

    def by_sheet(self) -> dict[str, list[Issue]]:
        out: dict[str, list[Issue]] = {}
        for issue in self.issues:
            out.setdefault(issue.sheet, []).append(issue)
        return out


def check_ledger(
    book: xw.Book,
    spec: LedgerSpec,
    settings: Settings,
    today: dt.date,
    *,
    store: Any = None,
    sheet: str | None = None,
    forms: Sequence[Form] | None = None,
) -> Checked:
    """Read ``spec`` from ``book`` and run all its checks (read-only).

    ``sheet``: a table's sheet, or the one form to check; ``forms``: forms already read;
    ``store``: where the declared snapshot comes from (None: no snapshot).
    """
    # a snapshot of the whole store table is read first: meanwhile the sheet parses on the background threads
    early = spec.snapshot is not None and store is not None and not spec.snapshot_needs_data
    snapshot = spec.snapshot(store, None) if early and spec.snapshot is not None else None
    if spec.form is not None:
        data: Any = list(forms) if forms is not None else read_forms(book, spec, [sheet] if sheet else None)
        sheets = [f.sheet for f in data]
        rows = sum(len(f.lines) for f in data)
    else:
        data = read_ledger(book, spec, settings, sheet=sheet)
        sheets = [data.sheet]
        rows = len(data)
    companions = {name: read_optional(book, name, settings) for name in spec.companions}
    if spec.snapshot is not None and store is not None and not early:
        snapshot = spec.snapshot(store, data)
    ctx = CheckContext(settings, today, companions, snapshot, workbook=book.fullname)
    issues = spec.check(data, ctx)
    if spec.checks_companions:
        sheets += [c.sheet for c in companions.values() if c is not None]
    return Checked(spec, data, issues, sheets, rows, ctx, companions)
