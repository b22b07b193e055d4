"""城市级别 — which tier each city is in, for the tiered expense limits.

The tiers are the company's own words (一类城市 …, or 一线 / 二线 / 三线): whatever this sheet says.
They are checked against 『报销标准』, not against a built-in list — a tier here without a limit
there is an issue (CTY-001), and so is a tier there that no city here has (报销标准, LIM-001).
"""

from __future__ import annotations

from neiqin.base.text import fold
from neiqin.core.issues import Issue
from neiqin.core.kit import Button, CheckContext, LedgerSpec, template_path
from neiqin.core.layout import load_layout
from neiqin.core.ledger import Ledger, display
from neiqin.core.schema import LedgerRow, column
from validators.expenses import GROUP
from validators.expenses.rules import WILDCARDS  # a 报销标准 tier that applies to every city

from .codes import CODES, CityTierCode


class CityTierRow(LedgerRow):
    """城市级别 one city and its tier."""

    city: str = column("城市", "城市名称", "地区", description="城市名（不带“市”也可）", required=True, width=10)
    tier: str = column(
        "级别",
        "城市级别",
        "类别",
        description="本公司的写法：一类城市、二类城市……或 一线、二线……（与『报销标准』的「城市级别」一致）",
        required=True,
        width=10,
    )


def tiers_of(ledger: Ledger | None, field_name: str = "tier") -> dict[str, tuple[str, list[int]]]:
    """The tiers a sheet uses: folded tier -> (as written first, the rows), wildcards (全部 …) left out."""
    out: dict[str, tuple[str, list[int]]] = {}
    if ledger is None or not ledger.has(field_name):
        return out
    for row, tier in zip(ledger.rows, ledger.frame[field_name], strict=True):
        if tier is None or str(tier).strip() in WILDCARDS:
            continue
        key = fold(tier)
        out.setdefault(key, (str(tier), []))[1].append(row)
    return out


def check_tiers_have_limits(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """Every tier a city has here has a limit in 『报销标准』 (when that sheet has limits by tier)."""
    limits = tiers_of(ctx.companion("expense_limits"))
    if not limits:
        return []  # no 报销标准, or no limit by tier: nothing depends on the tier
    shown = "、".join(text for text, _rows in limits.values())
    return [
        ledger.issue(
            CityTierCode.CTY_TIER_WITHOUT_LIMITS, rows[0], "tier", value=display(text), count=len(rows), tiers=shown
        )
        for key, (text, rows) in tiers_of(ledger).items()
        if key not in limits
    ]


LEDGER = LedgerSpec(
    name="city_tiers",
    title="城市级别",
    noun="城市",
    doc="每个城市一行：城市名和城市级别（默认北上广深为一类城市，省会和计划单列市为二类……；级别用本公司的写法，"
    "如 一线、二线，与『报销标准』一致即可）。不在表中的城市按『设置』的「未列城市级别」核对。",
    row=CityTierRow,
    sheet="城市级别",
    sheet_synonyms=("城市分类", "地区类别"),
    key=("city",),
    unique=("city",),
    companions=("expense_limits",),
    rules=(check_tiers_have_limits,),
    codes=CODES,
    template=load_layout(template_path(__file__)),
    group=GROUP,
    button=Button(
        "校验城市级别",
        "AcceptInvitation",
        "检查『城市级别』：城市重复、级别是否在『报销标准』中有标准。",
        size="normal",
    ),
)
LEDGERS = (LEDGER,)

__all__ = ["LEDGER", "LEDGERS", "CityTierCode", "CityTierRow", "tiers_of"]
