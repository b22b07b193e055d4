"""订单台账 — the order ledger (regulation 二.1 / 三.1 / 四.1).

One line per product of a customer order: 接单 → 核对 → 录入 → 下达 → 跟踪 → 发货 → 归档.
"""

from __future__ import annotations

from neiqin.core.kit import Button, Group, LedgerSpec, template_path
from neiqin.core.layout import load_layout

from .codes import CODES, OrderCode
from .rules import RULES, line_keys, record_statuses, statuses_snapshot
from .schema import OrderRow
from .settings import OrderSettings
from .states import CLOSED, MACHINE, OrderStatus

GROUP = Group("orders", "订单", order=10)

LEDGER = LedgerSpec(
    name="orders",
    title="订单台账",
    noun="订单",
    doc="一张订单有几种产品就写几行（订单编号相同）。NeiQin 核对必填项、日期、数量与金额、重复行、"
    "客户是否在『客户档案』、产品与规格是否在『产品目录』、单价偏离、客户订单号重复和状态跳步（制度二.1 / 四.1）。",
    row=OrderRow,
    sheet="订单台账",
    sheet_synonyms=("订单", "销售订单", "订单明细", "销售订单台账", "订单登记表", "订单登记"),
    key=("order_id",),
    companions=("customers", "products"),
    rules=RULES,
    codes=CODES,
    template=load_layout(template_path(__file__)),
    states=MACHINE,
    settings=OrderSettings,
    group=GROUP,
    button=Button(
        "校验订单",
        "AcceptInvitation",
        "检查『订单台账』每一行：必填项、日期、数量、金额 = 数量×单价、交货期、重复行、可选值，"
        "客户是否在『客户档案』、产品与规格是否在『产品目录』、单价是否偏离标准价、状态是否跳步……"
        "问题标在单元格上（浅色底纹 + 批注），并全部列在『校验结果』工作表。",
    ),
    snapshot=statuses_snapshot,
    snapshot_needs_data=False,  # every remembered status: read while the sheet parses
    record=record_statuses,
)
LEDGERS = (LEDGER,)

__all__ = [
    "CLOSED",
    "GROUP",
    "LEDGER",
    "LEDGERS",
    "MACHINE",
    "OrderCode",
    "OrderRow",
    "OrderSettings",
    "OrderStatus",
    "line_keys",
]
