"""产品目录 — products with their standard price, cost and supply mode (生产 / 采购)."""

from __future__ import annotations

from decimal import Decimal

from neiqin.core import fields as f
from neiqin.core.kit import Button, LedgerSpec, template_path
from neiqin.core.layout import load_layout
from neiqin.core.schema import LedgerRow, column
from validators.orders import GROUP


class ProductRow(LedgerRow):
    """产品目录 one product."""

    product_code: str = f.PRODUCT_CODE(description="产品的唯一编码", required=True, width=11)
    product_name: str = f.PRODUCT_NAME(required=True, width=16)
    spec: str | None = f.SPEC(description="规格型号；订单的规格型号须与此一致", width=20)
    category: str | None = f.CATEGORY(width=9)
    unit: str | None = f.UNIT(description="计量单位")
    list_price: Decimal | None = column(
        "标准单价",
        "标准价",
        "目录价",
        "指导价",
        description="标准销售单价（元），订单单价按此核对",
        ge=0,
        width=11,
        number_format=f.MONEY,
    )
    cost: Decimal | None = f.UNIT_COST(ge=0)
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


LEDGER = LedgerSpec(
    name="products",
    title="产品目录",
    noun="产品",
    doc="每种产品一行：编码、名称、规格型号、标准单价、成本、供应方式（生产/采购）、周期。订单台账的产品、"
    "规格和单价按此核对，『下达订单』按供应方式分派给生产或采购。",
    row=ProductRow,
    sheet="产品目录",
    sheet_synonyms=("产品", "产品清单", "物料清单", "价目表", "产品价格表"),
    key=("product_code",),
    unique=("product_code",),
    template=load_layout(template_path(__file__)),
    group=GROUP,
    button=Button(
        "校验产品", "AcceptInvitation", "检查『产品目录』：必填项、编码重复、价格和周期、供应方式。", size="normal"
    ),
)
LEDGERS = (LEDGER,)

__all__ = ["LEDGER", "LEDGERS", "ProductRow"]
