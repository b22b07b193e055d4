"""产品目录: products with their standard price, cost and supply mode (生产 / 采购)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from neiqin.base.perf import gc_paused
from neiqin.core.checks import check_columns, check_unique
from neiqin.core.config import Settings
from neiqin.core.issues import Issue, sort_issues
from neiqin.core.ledger import Ledger
from neiqin.core.schema import LedgerInfo, LedgerRow, column, register_ledger

MONEY = "¥#,##0.00"


@register_ledger
class ProductRow(LedgerRow):
    """产品目录 one product."""

    ledger: ClassVar[LedgerInfo] = LedgerInfo(
        name="products",
        sheet="产品目录",
        sheet_synonyms=("产品", "产品清单", "物料清单", "价目表", "产品价格表"),
        title="产品目录",
        key=("product_code",),
    )

    product_code: str = column(
        "产品编码", "物料编码", "产品代码", "货号", "存货编码", description="产品的唯一编码", required=True, width=11
    )
    product_name: str = column(
        "产品名称", "品名", "物料名称", "存货名称", description="产品名称", required=True, width=16
    )
    spec: str | None = column("规格型号", "规格", "型号", description="规格型号；订单的规格型号须与此一致", width=20)
    category: str | None = column("产品类别", "类别", "产品分类", description="产品类别", width=9)
    unit: str | None = column("单位", "计量单位", description="计量单位", width=6)
    list_price: Decimal | None = column(
        "标准单价",
        "标准价",
        "目录价",
        "指导价",
        description="标准销售单价（元），订单单价按此核对",
        ge=0,
        width=11,
        number_format=MONEY,
    )
    cost: Decimal | None = column(
        "成本单价", "成本价", "单位成本", description="单位成本（元）", ge=0, width=11, number_format=MONEY
    )
    supply: str | None = column(
        "供应方式",
        "来源",
        "生产/采购",
        description="生产 = 下达给生产部门；采购 = 下达给采购部门",
        choices="supply_modes",
        width=9,
    )
    lead_days: Decimal | None = column(
        "生产/采购周期",
        "周期",
        "交货周期",
        "采购周期",
        "生产周期",
        description="生产或采购需要的天数",
        ge=0,
        width=12,
        number_format="0",
    )


def check(ledger: Ledger, settings: Settings | None = None, today: dt.date | None = None) -> list[Issue]:
    """Required fields, bounds, closed lists and duplicate product codes."""
    settings = settings or Settings()
    issues = list(ledger.issues)
    with gc_paused():
        issues += check_columns(ledger, settings)
        issues += check_unique(ledger, "product_code")
    return sort_issues(issues)
