"""Checks every ledger gets from its schema: required, bounds, closed lists, formula text.

Vectorised over whole columns; only flagged rows cost Python work.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np

from neiqin.core.issues import Code, Issue
from neiqin.core.ledger import Ledger, display

if TYPE_CHECKING:
    from neiqin.core.config import Settings

FORMULA_TEXT = re.compile(r"^[\t\r]*([=+\-@])\s*[A-Za-z_(]")
_STARTS = tuple("\x00" + c for c in "=+-@\t\r")
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
            distinct = ledger.distinct.get(spec.field)
            if distinct is None:
                distinct = set(raw)
            joined = "\x00" + "\x00".join(v for v in distinct if type(v) is str)
            if not any(start in joined for start in _STARTS):
                continue  # no text in this column starts like a formula
            flagged = {
                value: match.group(1)
                for value in distinct
                if type(value) is str and value and value[0] in _FORMULA_TRIGGERS
                for match in [FORMULA_TEXT.match(value)]
                if match
            }
            if flagged:
                for pos, value in enumerate(raw):
                    if value in flagged:
                        issues.append(
                            ledger.issue(
                                Code.LED_FORMULA_TEXT,
                                int(rows[pos]),
                                spec.field,
                                value=display(value),
                                char=flagged[value],
                            )
                        )
    return issues


def check_unique(ledger: Ledger, field_name: str) -> list[Issue]:
    """A key column (客户编号, 产品编码 …) names each line once: later repeats point at the first."""
    if not ledger.has(field_name):
        return []
    values = ledger.frame[field_name]
    repeats = np.flatnonzero((values.notna() & values.duplicated(keep="first")).to_numpy())
    if not len(repeats):
        return []
    first: dict[Any, int] = {}
    for row, value in zip(ledger.rows, values, strict=True):
        first.setdefault(value, row)
    return [
        ledger.issue(
            Code.LED_DUPLICATE_KEY, ledger.rows[p], field_name, value=values.iloc[p], other=first[values.iloc[p]]
        )
        for p in repeats
    ]
