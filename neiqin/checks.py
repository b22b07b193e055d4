"""Checks every ledger gets from its schema: required, bounds, closed lists, formula text.

Vectorised over whole columns; only flagged rows cost Python work.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from .issues import Code, Issue
from .ledger import Ledger, display

if TYPE_CHECKING:
    from .config import Settings

FORMULA_TEXT = re.compile(r"^[\t\r]*([=+\-@])\s*[A-Za-z_(]")
_FORMULA_TRIGGERS = frozenset("=+-@\t\r")


def reported_cells(issues: list[Issue]) -> set[tuple[int, int]]:
    """Cells that already have an issue (so a converted-away value is not 'missing')."""
    return {(i.row, i.col) for i in issues if i.col}


def check_columns(ledger: Ledger, settings: Settings) -> list[Issue]:
    """Required fields, numeric bounds, closed lists and formula-like text."""
    issues: list[Issue] = []
    already = reported_cells(ledger.issues)
    rows = ledger.frame.index.to_numpy()
    for spec in ledger.model.columns():
        if spec.field not in ledger.columns:
            continue
        series = ledger.frame[spec.field]
        col = ledger.col(spec.field)
        if spec.required:
            for pos in np.flatnonzero(series.isna().to_numpy()):
                row = int(rows[pos])
                if (row, col) not in already:
                    issues.append(ledger.issue(Code.LED_REQUIRED, row, spec.field))
        if spec.kind == "number" and (spec.ge is not None or spec.gt is not None):
            values = series.to_numpy()
            bad = np.zeros(len(values), dtype=bool)
            rule = ""
            if spec.ge is not None:
                bad |= values < spec.ge
                rule = f"大于或等于 {spec.ge:g}"
            if spec.gt is not None:
                bad |= values <= spec.gt
                rule = f"大于 {spec.gt:g}"
            for pos in np.flatnonzero(bad):
                issues.append(
                    ledger.issue(
                        Code.LED_OUT_OF_RANGE, int(rows[pos]), spec.field, rule=rule, value=display(values[pos])
                    )
                )
        if spec.choices:
            allowed = settings.choices(spec.choices)
            bad = (series.notna() & ~series.isin(allowed)).to_numpy()
            for pos in np.flatnonzero(bad):
                issues.append(
                    ledger.issue(
                        Code.LED_NOT_IN_LIST,
                        int(rows[pos]),
                        spec.field,
                        value=display(series.iloc[pos]),
                        choices="、".join(allowed),
                    )
                )
        if spec.kind == "text":
            raw = ledger.raw[spec.field]
            for pos, value in enumerate(raw):
                if type(value) is str and value and value[0] in _FORMULA_TRIGGERS:
                    match = FORMULA_TEXT.match(value)
                    if match:
                        issues.append(
                            ledger.issue(
                                Code.LED_FORMULA_TEXT,
                                int(rows[pos]),
                                spec.field,
                                value=display(value),
                                char=match.group(1),
                            )
                        )
    return issues
