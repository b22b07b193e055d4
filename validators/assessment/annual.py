"""The annual review (regulation 五.2/五.4) and the training summary (六), pure.

The year is twelve monthly reviews (:func:`validators.assessment.scoring.review`, each month's KPIs
computed again from the ledgers, the archive and the action log): the average composite score gives
the year's grade and the ranking; the promotion rule and the honours list are settings; training
hours come from 培训记录.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from neiqin.core.ledger import Ledger

from .scoring import ClerkReview, grade_of, one_decimal, pairs
from .settings import AssessmentSettings


@dataclass(frozen=True)
class Training:
    """One line of 培训记录."""

    row: int
    date: dt.date
    person: str
    content: str
    kind: str
    mode: str
    hours: float
    result: str
    certificate: str


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()


def trainings(ledger: Ledger | None) -> list[Training]:
    """The usable lines of 培训记录 (a line missing its date, person or hours is reported by its checks)."""
    if ledger is None:
        return []
    frame = ledger.frame
    if not all(n in frame for n in ("date", "person", "hours")):
        return []
    found = []
    for pos, row in enumerate(ledger.rows):
        day, hours, person = frame["date"].iloc[pos], frame["hours"].iloc[pos], _text(frame["person"].iloc[pos])
        if day is None or day != day or hours is None or hours != hours or hours <= 0 or not person:
            continue

        def text(name: str, at: int = pos) -> str:
            return _text(frame[name].iloc[at]) if name in frame else ""

        found.append(Training(row, day.date(), person, text("content"), text("kind"), text("mode"), float(hours),
                              text("result"), text("certificate")))  # fmt: skip
    return found


def hours_of(found: Sequence[Training], year: int) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for t in found:
        if t.date.year == year:
            out[t.person] += t.hours
    return dict(out)


@dataclass
class AnnualRow:
    """One clerk's year."""

    clerk: str
    totals: dict[int, float | None]  # month number -> composite (None: not computed)
    grades: dict[int, str | None]
    bonus: float
    hours: float
    average: float | None = None
    grade: str | None = None
    rank: int | None = None
    candidate: bool = False
    honour: bool = False
    why: list[str] = field(default_factory=list)


def annual(
    year: int,
    months: Mapping[int, Sequence[ClerkReview]],
    hours: Mapping[str, float],
    own: AssessmentSettings,
    yearly_hours: float,
) -> list[AnnualRow]:
    """Each clerk's year: average composite, grade, rank, promotion candidate (by the rule in the settings), honours."""
    lowest = pairs(own.grade_bands)[-1][1] if own.grade_bands else ""
    rows: dict[str, AnnualRow] = {}
    for number, reviews in sorted(months.items()):
        for rv in reviews:
            row = rows.setdefault(rv.clerk, AnnualRow(rv.clerk, {}, {}, 0.0, hours.get(rv.clerk, 0.0)))
            row.totals[number] = rv.total
            row.grades[number] = rv.grade
            row.bonus += rv.bonus or 0.0
    for row in rows.values():
        scored = [t for t in row.totals.values() if t is not None]
        if scored:
            row.average = one_decimal(sum(scored) / len(scored))
            row.grade = grade_of(row.average, own)
        top = sum(g == own.promotion_grade for g in row.grades.values())
        poor = sum(g == lowest for g in row.grades.values())
        checks = [
            (row.grade == own.promotion_grade, f"年度等级{row.grade or '无'}（须为{own.promotion_grade}）"),
            (top >= own.promotion_months, f"{own.promotion_grade} {top} 个月（须至少 {own.promotion_months} 个月）"),
            (poor == 0, f"{lowest} {poor} 个月（须没有）"),
            (row.hours >= yearly_hours, f"培训 {row.hours:g} 学时（须至少 {yearly_hours:g}）"),
        ]
        row.candidate = bool(scored) and all(ok for ok, _ in checks)
        row.why = [text for ok, text in checks if not ok]
    ranked = sorted((r for r in rows.values() if r.average is not None), key=lambda r: (-r.average, r.clerk))
    for i, row in enumerate(ranked):
        row.rank = 1 + next(j for j, other in enumerate(ranked) if other.average == row.average)  # ties share a rank
        row.honour = i < own.honours and row.grade == own.promotion_grade
    return sorted(rows.values(), key=lambda r: (r.rank is None, r.rank or 0, r.clerk))


def training_needs(review: ClerkReview, threshold: float, found: Sequence[Training], year: int) -> list[str]:
    """The training a clerk's weak KPIs call for (a KPI scored below ``threshold``), and whether it was taken."""
    needs = []
    taken = [t for t in found if t.person == review.clerk and t.date.year == year]
    for item in review.kpis:
        if item.score is None or item.score >= threshold or not item.kpi.training:
            continue
        done = [t for t in taken if item.kpi.training in t.content]
        note = f"（今年已参加 {len(done)} 次）" if done else ""
        needs.append(f"{item.kpi.training}：{item.kpi.name} {item.kpi.show(item.result)}，得 {item.score:g} 分{note}")
    return needs
