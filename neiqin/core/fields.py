"""Fields several ledgers share, declared once with their synonyms.

订单编号 is 订单号 / 单号 / 单据编号 in every ledger that has it, so a synonym learnt from one
company's export (金蝶 K3Cloud writes 单据编号, 用友 U8 单号) helps every ledger at once.
A ledger uses a type as ``order_id: str = ORDER_ID(required=True, description=…)``; it may
add synonyms of its own and override the description, width and format.

The synonyms come from the systems clerks export from — 金蝶 K3Cloud (单据编号, 日期, 物料编码,
含税单价, 价税合计, 实发数量 …), 用友 U8/U9 (单号, 料品, 品名, 价格含税, 业务员, 交期 …) — and from
real ledgers (编号, 物料号, 型号, 产品ID, 客户ID, 预计送货日期, 销售代表, 门店名称, 办事处 …).
Some of them are *weak* (:data:`WEAK_HEADERS`): a generic name such as 日期 or 编号, or a stand-in
such as 客户ID for 客户名称 or 办事处 for 区域. A weak column is read only when the sheet has no
stronger column for the field; next to one (K3Cloud's 应发数量 beside 实发数量) it is ignored quietly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from neiqin.base.text import header_key
from neiqin.core.schema import column

DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
MONEY = "¥#,##0.00"
QUANTITY_FORMAT = "#,##0.##"


@dataclass(frozen=True)
class FieldType:
    """A field shared by several ledgers: its canonical header, synonyms and defaults."""

    header: str
    synonyms: tuple[str, ...]
    description: str
    width: float | None = None
    number_format: str | None = None

    def __call__(
        self,
        *more_synonyms: str,
        header: str | None = None,
        description: str | None = None,
        required: bool = False,
        width: float | None = None,
        number_format: str | None = None,
        **options: Any,
    ) -> Any:
        """The pydantic field of this type in one ledger (see :func:`neiqin.core.schema.column`)."""
        names = [header or self.header]
        synonyms = [s for s in (*self.synonyms, *more_synonyms) if s not in names]
        if header and header != self.header:
            synonyms.insert(0, self.header)
        return column(
            names[0],
            *dict.fromkeys(synonyms),
            description=description or self.description,
            required=required,
            width=width or self.width,
            number_format=number_format or self.number_format,
            **options,
        )


ORDER_ID = FieldType(
    "订单编号",
    ("订单号", "单号", "销售订单号", "订单编码", "单据编号", "销售单号", "单据号", "订单号码", "销售订单编号", "编号"),
    "本公司的销售订单号，如 SO2611001",
    width=14,
)
ORDER_DATE = FieldType(
    "接单日期",
    ("下单日期", "订单日期", "接单时间", "单据日期", "订货日期", "业务日期", "日期"),
    "收到客户订单的日期",
    width=12,
    number_format=DATE,
)
CUSTOMER_ID = FieldType(
    "客户编号", ("客户代码", "客户编码", "客户ID", "门店编号", "门店编码"), "客户的唯一编号，如 C0001", width=10
)
CUSTOMER = FieldType(
    "客户名称",
    ("客户", "客户全称", "购货单位", "单位名称", "客户简称", "收货单位", "门店名称", "客户ID"),
    "客户全称，与『客户档案』一致",
    width=24,
)
CUSTOMER_PO = FieldType(
    "客户订单号", ("客户PO", "PO号", "客户PO号", "采购订单号"), "客户自己的采购单号（PO），便于对账", width=14
)
PRODUCT_CODE = FieldType(
    "产品编码",
    (
        "物料编码",
        "产品代码",
        "货号",
        "存货编码",
        "物料号",
        "产品ID",
        "料号",
        "物料代码",
        "料品",  # 用友 U9: the item, shown by its code (its name is 品名 / 料品名称)
        "料品编码",
        "料品代码",
        "商品编码",
        "产品编号",
        "存货代码",
    ),
    "产品目录中的产品编码",
    width=12,
)
PRODUCT_NAME = FieldType(
    "产品名称", ("品名", "物料名称", "存货名称", "料品名称", "商品名称", "货品名称"), "产品名称", width=18
)
SPEC = FieldType("规格型号", ("规格", "型号", "物料规格", "料品规格"), "规格型号", width=14)
CATEGORY = FieldType("产品类别", ("类别", "产品分类"), "产品类别", width=10)
UNIT = FieldType("单位", ("计量单位",), "计量单位，如 台、件、套", width=6)
QUANTITY = FieldType(
    "数量",
    ("订单数量", "订购数量", "销售数量", "实发数量", "发货数量", "出库数量", "应发数量"),
    "数量",
    width=8,
    number_format=QUANTITY_FORMAT,
)
UNIT_PRICE = FieldType(
    "单价", ("含税单价", "销售单价", "价格含税"), "含税销售单价（元）", width=11, number_format=MONEY
)
AMOUNT = FieldType(
    "金额",
    ("订单金额", "销售额", "含税金额", "价税合计", "销售金额", "本币价税合计", "金额含税"),
    "金额（元）",
    width=13,
    number_format=MONEY,
)
UNIT_COST = FieldType("成本单价", ("成本价", "单位成本"), "单位成本（元）", width=11, number_format=MONEY)
DELIVERY_DATE = FieldType(
    "交货日期",
    ("交期", "要求交货日期", "承诺交期", "交货期", "预计送货日期", "要货日期", "计划交货日期", "预计交货日期"),
    "与客户约定的交货日期",
    width=12,
    number_format=DATE,
)
SALES_REP = FieldType(
    "销售员", ("业务员", "销售人员", "负责销售", "销售代表", "业务代表", "销售经理"), "负责的销售员", width=8
)
REGION = FieldType(
    "区域",
    ("销售区域", "大区", "地区", "片区", "销售部门", "办事处", "客户省份", "省份"),
    "销售区域，如 华东、华北",
    width=8,
)
NOTE = FieldType("备注", ("说明",), "其他说明", width=20)

# Generic or stand-in names: read only when the sheet has no stronger column for the field (see the module doc).
WEAK_HEADERS = frozenset(
    header_key(name)
    for name in (
        "编号",  # 订单编号 in an order ledger, but any numbering elsewhere
        "日期",  # K3Cloud's document date; a ledger with 接单日期 means that one
        "业务日期",
        "客户ID",  # an ID where the ledger wants the name
        "门店编号",
        "门店编码",
        "门店名称",
        "收货单位",
        "客户简称",
        "应发数量",  # K3Cloud delivery notes: 实发数量 is what left the warehouse
        "销售部门",  # a department or office standing in for the sales region
        "办事处",
        "客户省份",
        "省份",
    )
)
