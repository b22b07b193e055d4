"""The KPI registry: the regulation's 考核指标, each declared once, computed from what NeiQin records.

A KPI (订单处理及时率, 客户信息准确率 …) is a :class:`Kpi`: a stable code, the Chinese name, the
definition printed in ``docs/kpis.md``, the unit, whether higher is better, the *sources* it
needs (a ledger's name, or a store record such as ``actions`` — the action log) and a pure
function from :class:`KpiInputs` (one clerk, one month, the sources) to a :class:`KpiResult`
(value + evidence). A ledger package contributes its KPIs by calling :func:`register_kpi` when
it is imported, as it registers its ledger. When a source is missing, or the clerk has nothing
the KPI counts in the month, the result is *无数据* — never a default 0 or 100 %.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Unit = Literal["%", "单", "天"]


@dataclass(frozen=True)
class Evidence:
    """One line behind a figure: what was counted, where it is, and whether it met the standard."""

    text: str  # Chinese: 「订单 SO2611001 / MT-2200（订单台账第 5 行）：接单 11-03，录入 11-03 10:00，用时 10 小时」
    ok: bool | None = None  # met the standard (None: only informative)


@dataclass(frozen=True)
class KpiResult:
    """A KPI's value for one clerk and month, or why there is none (``value`` None = 无数据)."""

    value: float | None  # a share 0..1 for %, a count, a number of days
    numerator: float | None = None
    denominator: float | None = None
    evidence: tuple[Evidence, ...] = ()
    reason: str = ""  # why there is no value (无数据)

    @property
    def has_data(self) -> bool:
        return self.value is not None


def no_data(reason: str, evidence: tuple[Evidence, ...] = ()) -> KpiResult:
    """无数据, and why."""
    return KpiResult(None, evidence=evidence, reason=reason)


def share(kept: int, counted: int, evidence: list[Evidence], nothing: str) -> KpiResult:
    """A rate kept ÷ counted; 无数据 (``nothing``) when nothing was counted."""
    if not counted:
        return no_data(nothing, tuple(evidence))
    return KpiResult(kept / counted, kept, counted, tuple(evidence))


@dataclass(frozen=True)
class KpiInputs:
    """What a KPI function gets: one clerk, one month (``start``..``end`` inclusive), the sources.

    ``sources`` holds only what exists: a source absent here means the workbook or the store had
    none, and every KPI that needs it says 无数据.
    """

    clerk: str
    start: dt.date
    end: dt.date
    as_of: dt.date  # the day the figures are computed (lines due after it are not yet due)
    settings: Any
    sources: Mapping[str, Any] = field(default_factory=dict)

    def source(self, name: str) -> Any:
        return self.sources[name]

    def in_month(self, when: dt.date | dt.datetime | None) -> bool:
        if when is None:
            return False
        day = when.date() if isinstance(when, dt.datetime) else when
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Kpi:
    """One 考核指标."""

    code: str  # ASCII, stable: the column of 考核表, the settings of its bands
    name: str  # 订单处理及时率
    definition: str  # Chinese, for the docs and the personal sheet: what is counted, from which data
    unit: Unit
    higher_is_better: bool
    needs: tuple[str, ...]  # source names (a ledger name, or ``actions``, ``claims`` …)
    source_label: str  # Chinese: where the data comes from (『订单台账』与『确认订单』的操作日志)
    compute: Callable[[KpiInputs], KpiResult]
    category: str = "工作任务完成情况"  # the regulation's heading (五.1)
    training: str = ""  # the training suggested when this KPI is weak (六.1)
    any_of: tuple[str, ...] = ()  # sources read when present, at least one of them needed (收文 or 发文)

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source this KPI reads (the needed ones and those of ``any_of``)."""
        return self.needs + self.any_of

    def evaluate(self, inputs: KpiInputs) -> KpiResult:
        """The value for ``inputs``; 无数据 when a source is missing."""
        missing = [n for n in self.needs if inputs.sources.get(n) is None]
        if missing or (self.any_of and all(inputs.sources.get(n) is None for n in self.any_of)):
            return no_data(f"无数据：没有{self.source_label}")
        return self.compute(inputs)

    def show(self, result: KpiResult) -> str:
        """The value as a person reads it: 95.0%、2 单、1.5 天、无数据."""
        if result.value is None:
            return "无数据"
        if self.unit == "%":
            return f"{result.value * 100:.1f}%"
        if self.unit == "单":
            return f"{result.value:.0f} 单"
        return f"{result.value:.1f} 天"


_KPIS: dict[str, Kpi] = {}


def register_kpi(kpi: Kpi) -> Kpi:
    """Make a KPI known (idempotent for the same declaration; a second, different one is a bug)."""
    known = _KPIS.get(kpi.code)
    if known is not None and (known.name, known.needs) != (kpi.name, kpi.needs):
        raise ValueError(f"KPI {kpi.code!r} declared twice, differently")
    if any(k.name == kpi.name and k.code != kpi.code for k in _KPIS.values()):
        raise ValueError(f"KPI name {kpi.name!r} declared under two codes")
    _KPIS[kpi.code] = kpi
    return kpi


def kpis() -> list[Kpi]:
    """Every registered KPI, in registration order."""
    return list(_KPIS.values())


def kpi(code: str) -> Kpi:
    return _KPIS[code]


StoreSource = Callable[[Any, dt.date, dt.date], Any]
_STORE_SOURCES: dict[str, StoreSource] = {}


def register_store_source(name: str, read: StoreSource) -> None:
    """A source a KPI reads from the store rather than a sheet (e.g. the posted stocktakes):
    ``read(store, start, end)`` returns it, or None when the store has nothing of the kind."""
    _STORE_SOURCES[name] = read


def store_source(name: str) -> StoreSource | None:
    return _STORE_SOURCES.get(name)
