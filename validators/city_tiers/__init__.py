"""城市级别 — which tier each city is in, for the tiered expense limits."""

from __future__ import annotations

from neiqin.core.kit import Button, LedgerSpec, template_path
from neiqin.core.layout import load_layout
from neiqin.core.schema import LedgerRow, column
from validators.expenses import GROUP


class CityTierRow(LedgerRow):
    """城市级别 one city and its tier."""

    city: str = column("城市", "城市名称", "地区", description="城市名（不带“市”也可）", required=True, width=10)
    tier: str = column(
        "级别", "城市级别", "类别", description="一类城市、二类城市……", required=True, choices="city_tiers", width=10
    )


LEDGER = LedgerSpec(
    name="city_tiers",
    title="城市级别",
    noun="城市",
    doc="每个城市一行：城市名和城市级别（默认北上广深为一类城市，省会和计划单列市为二类……，都可以改）。"
    "不在表中的城市按『设置』的「未列城市级别」核对。",
    row=CityTierRow,
    sheet="城市级别",
    sheet_synonyms=("城市分类", "地区类别"),
    key=("city",),
    unique=("city",),
    template=load_layout(template_path(__file__)),
    group=GROUP,
    button=Button("校验城市级别", "AcceptInvitation", "检查『城市级别』：城市重复、级别。", size="normal"),
)
LEDGERS = (LEDGER,)

__all__ = ["LEDGER", "LEDGERS", "CityTierRow"]
