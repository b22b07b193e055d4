"""From KPIs and typed-in scores to the month's result: 指标得分 → 综合得分 → 等级 → 绩效系数 → 绩效奖金.

Pure. Each KPI with data is mapped to 0–100 by the bands of its unit (「比率指标分档」 for rates,
「错单数分档」 for counts, 「天数指标分档」 for days); the KPI score is their average (KPIs without
data are left out and named). The composite is the weighted sum of the KPI score, 自评, 上级评价
and the average of the 同事评价; a clerk missing one of them gets no composite (and an ASM-004).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from neiqin.core.kpi import Kpi, KpiResult
from neiqin.core.money import fen

from .schema import Score, missing_kinds
from .settings import AssessmentSettings, weights


def one_decimal(value: float) -> float:
    """A score as shown: one decimal, halves up (66.25 → 66.3)."""
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def pairs(items: Sequence[str]) -> list[tuple[str, str]]:
    """「a:b」 settings as (a, b) (validated by the settings model)."""
    out = []
    for item in items:
        left, _, right = str(item).replace("：", ":").partition(":")
        out.append((left.strip(), right.strip()))
    return out


def band_score(kpi: Kpi, value: float, own: AssessmentSettings) -> float:
    """A KPI's value on the 0–100 scale of its bands."""
    if kpi.unit == "%":
        for lower, score in sorted(((float(a), float(b)) for a, b in pairs(own.rate_bands)), reverse=True):
            if value * 100 >= lower - 1e-9:
                return score
        return 0.0
    bands = own.count_bands if kpi.unit == "单" else own.days_bands
    for upper, score in sorted((float(a), float(b)) for a, b in pairs(bands)):
        if value <= upper + 1e-9:
            return score
    return 0.0


def grade_of(total: float, own: AssessmentSettings) -> str:
    for lower, grade in sorted(((float(a), b) for a, b in pairs(own.grade_bands)), reverse=True):
        if total >= lower - 1e-9:
            return grade
    return pairs(own.grade_bands)[-1][1]


def coefficient_of(grade: str, own: AssessmentSettings) -> float | None:
    return next((float(c) for g, c in pairs(own.coefficients) if g == grade), None)


@dataclass(frozen=True)
class KpiScore:
    kpi: Kpi
    result: KpiResult
    score: float | None  # None: 无数据, not scored


@dataclass
class ClerkReview:
    """One clerk's month."""

    clerk: str
    month: dt.date
    kpis: list[KpiScore]
    self_score: float | None
    supervisor: list[Score]
    peers: list[Score]
    missing: list[str] = field(default_factory=list)
    total: float | None = None
    grade: str | None = None
    coefficient: float | None = None
    bonus: float | None = None

    @property
    def kpi_score(self) -> float | None:
        scored = [k.score for k in self.kpis if k.score is not None]
        return sum(scored) / len(scored) if scored else None  # shown with one decimal; the total uses it whole

    @property
    def supervisor_score(self) -> float | None:
        return sum(s.score for s in self.supervisor) / len(self.supervisor) if self.supervisor else None

    @property
    def peer_score(self) -> float | None:
        return sum(s.score for s in self.peers) / len(self.peers) if self.peers else None


def review(
    clerk: str, month: dt.date, kpis: Sequence[tuple[Kpi, KpiResult]], found: Sequence[Score], own: AssessmentSettings
) -> ClerkReview:
    """The month of ``clerk``: KPI scores by bands, the typed-in scores, and — when nothing is missing —
    综合得分, 等级, 绩效系数 and 绩效奖金."""
    mine = [s for s in found if s.person == clerk and s.month == month]
    scored = [KpiScore(k, r, band_score(k, r.value, own) if r.value is not None else None) for k, r in kpis]
    own_scores = [s.score for s in mine if s.kind == "自评" and s.rater == clerk]
    result = ClerkReview(
        clerk,
        month,
        scored,
        own_scores[0] if own_scores else None,
        [s for s in mine if s.kind == "上级评价"],
        [s for s in mine if s.kind == "同事评价" and s.rater != clerk],  # nobody rates themselves
    )
    missing = [k for k in missing_kinds(mine, clerk, month) if not (k == "同事评价" and result.peers)]
    if result.self_score is None and "自评" not in missing:
        missing.insert(0, "自评")
    if not result.peers and "同事评价" not in missing:
        missing.append("同事评价")
    if result.kpi_score is None:
        missing.insert(0, "考核指标（全部无数据）")
    result.missing = missing
    if missing:
        return result
    parts = {
        "指标得分": result.kpi_score,
        "自评": result.self_score,
        "上级评价": result.supervisor_score,
        "同事评价": result.peer_score,
    }
    shares = weights(own)
    total = sum(shares[name] * float(value or 0) for name, value in parts.items()) / 100
    result.total = one_decimal(total)
    result.grade = grade_of(result.total, own)
    result.coefficient = coefficient_of(result.grade, own)
    if result.coefficient is not None:
        result.bonus = fen(own.bonus_base * result.coefficient)
    return result
