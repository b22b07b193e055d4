"""报销标准 — expense limits: 职级 × 城市级别 × 费用类别 → 限额 per 计量 (每天 / 每次 / 每月)."""

from __future__ import annotations

from neiqin.base.text import fold
from neiqin.core.issues import Code, Issue
from neiqin.core.kit import Button, CheckContext, LedgerSpec, template_path
from neiqin.core.layout import load_layout
from neiqin.core.ledger import Ledger, display
from neiqin.core.schema import LedgerRow, column
from validators.expenses import GROUP

from .codes import CODES, LimitCode

PER_DAY, PER_TIME, PER_MONTH = "每天", "每次", "每月"
UNITS = (PER_DAY, PER_TIME, PER_MONTH)


class ExpenseLimitRow(LedgerRow):
    """报销标准 one limit: 职级 × 城市级别 × 费用类别 → 限额 per 计量."""

    rank: str | None = column("职级", "级别", description="员工、主管、经理、总监；“全部” = 各职级相同", width=8)
    tier: str | None = column(
        "城市级别", "地区类别", description="与『城市级别』的写法一致（一类城市、一线……）；“全部” = 不分城市", width=10
    )
    category: str = column(
        "费用类别", "费用项目", description="住宿、伙食补助、市内交通、业务招待、通讯……", required=True, width=10
    )
    limit: float = column("限额", "标准", "限额(元)", description="报销上限（元）", required=True, ge=0, width=10)
    unit: str | None = column("计量", "单位", "计算方式", description="每天、每次或每月", width=8)
    note: str | None = column("说明", "备注", description="标准的依据或补充说明", width=30)


def check_tiers_listed(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """Every tier a limit names is a tier of 『城市级别』 (the company's own words, not a built-in list),
    and the tier of cities not listed there (『设置』「未列城市级别」) has limits."""
    from validators.city_tiers import tiers_of

    mine = tiers_of(ledger)
    if not mine:
        return []  # no limit by tier
    issues: list[Issue] = []
    shown_mine = "、".join(text for text, _rows in mine.values())
    cities = ctx.companion("city_tiers")
    listed = tiers_of(cities)
    if cities is not None and listed:
        shown = "、".join(text for text, _rows in listed.values())
        default = fold(ctx.settings.default_city_tier)
        for key, (text, rows) in mine.items():
            if key not in listed and key != default:
                count = f"（第 {'、'.join(map(str, rows[:5]))}{'…' if len(rows) > 5 else ''} 行）"
                issues.append(
                    ledger.issue(LimitCode.LIM_TIER_NOT_LISTED, rows[0], "tier", value=text, tiers=shown, count=count)
                )
    if fold(ctx.settings.default_city_tier) not in mine:
        row = next(iter(mine.values()))[1][0]
        issues.append(
            ledger.issue(
                LimitCode.LIM_DEFAULT_TIER, row, "tier", value=ctx.settings.default_city_tier, tiers=shown_mine
            )
        )
    return issues


def check_units(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """计量 is 每天, 每次 or 每月."""
    if not ledger.has("unit"):
        return []
    return [
        ledger.issue(Code.LED_NOT_IN_LIST, row, "unit", value=display(unit), choices="、".join(UNITS))
        for row, unit in zip(ledger.rows, ledger.frame["unit"], strict=True)
        if unit is not None and unit not in UNITS
    ]


LEDGER = LedgerSpec(
    name="expense_limits",
    title="报销标准",
    noun="标准",
    doc="报销限额：职级 × 城市级别 × 费用类别 → 限额，计量为每天（按天数）、每次（每行）或每月（同月合计）；"
    "「职级」「城市级别」写“全部”表示不分。费用报销单按此核对限额。",
    row=ExpenseLimitRow,
    sheet="报销标准",
    sheet_synonyms=("费用标准", "报销限额", "差旅标准"),
    key=("category",),
    companions=("city_tiers",),
    rules=(check_units, check_tiers_listed),
    codes=CODES,
    template=load_layout(template_path(__file__)),
    group=GROUP,
    button=Button("校验报销标准", "AcceptInvitation", "检查『报销标准』：费用类别、限额和计量。", size="normal"),
)
LEDGERS = (LEDGER,)

__all__ = ["LEDGER", "LEDGERS", "PER_DAY", "PER_MONTH", "PER_TIME", "UNITS", "ExpenseLimitRow", "LimitCode"]
