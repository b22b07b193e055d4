"""库存账实相符率 (regulation 五.1), computed from the stocktakes the store keeps.

『盘点』 records who opened a stocktake; 『盘点结束』 records how many items were counted and posts
each item whose count differed from the book. A clerk's rate for a month is, over the stocktakes she
opened whose 盘点日 is in the month, the items counted without a difference ÷ the items counted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from neiqin.core.kpi import Evidence, Kpi, KpiInputs, KpiResult, register_kpi, register_store_source, share

SOURCE = "stocktakes"


def read_stocktakes(store: Any, start: dt.date, end: dt.date) -> Any:
    """The stocktakes closed in the month (the store source of this KPI); None when the store has none."""
    from .store import closed_stocktakes  # registers the supplies tables on first use

    return tuple(closed_stocktakes(store, start, end)) or None


def stock_accuracy(inputs: KpiInputs) -> KpiResult:
    """库存账实相符率."""
    evidence: list[Evidence] = []
    kept = counted = 0
    for s in inputs.source(SOURCE):
        if s.opened_by != inputs.clerk or not inputs.in_month(s.count_date):
            continue
        if s.items_counted is None:
            evidence.append(Evidence(f"盘点 {s.number}（盘点日 {s.count_date:%Y-%m-%d}）：没有记录盘点品种数，未计入"))
            continue
        same = s.items_counted - len(s.differing)
        counted += s.items_counted
        kept += same
        differ = f"，有差异：{'、'.join(s.differing)}" if s.differing else ""
        evidence.append(
            Evidence(
                f"盘点 {s.number}（盘点日 {s.count_date:%Y-%m-%d}，{s.closed_at:%Y-%m-%d %H:%M} 结束）："
                f"盘点 {s.items_counted} 种，账实相符 {same} 种{differ}",
                not s.differing,
            )
        )
    return share(kept, counted, evidence, "无数据：本月没有该内勤开始并已结束的盘点")


KPIS = (
    Kpi(
        "stock_accuracy",
        "库存账实相符率",
        "该内勤本月（按盘点日）开始并已结束的盘点中，实盘数量与账面数量相符的物品种数 ÷ 盘点的物品种数"
        "（取自历史数据库的盘点记录）。",
        "%",
        True,
        (SOURCE,),
        "已结束的盘点",
        stock_accuracy,
        category="工作质量",
        training="内勤工作流程和标准",
    ),
)

register_store_source(SOURCE, read_stocktakes)
for _kpi in KPIS:
    register_kpi(_kpi)
