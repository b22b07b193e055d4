"""订单台账: one line of the order ledger.

The field names are a contract: reports and imports map other files onto them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from neiqin.core import fields as f
from neiqin.core.schema import LedgerRow, column


class OrderRow(LedgerRow):
    """订单台账 one line of the order ledger."""

    order_id: str = f.ORDER_ID(
        description="本公司的销售订单号，如 SO2611001；一张订单有几种产品就写几行，订单编号相同", required=True
    )
    order_date: dt.date = f.ORDER_DATE(description="收到客户订单的日期，如 2026-11-03", required=True)
    channel: str | None = column(
        "接单方式",
        "下单方式",
        "来源",
        "订单来源",
        description="客户下单的方式：电话、邮件、传真、微信、面谈或其他（见『设置』）",
        choices="order_channels",
        width=10,
    )
    # widths hold what clerks write: 大连德力自动化科技有限公司, PO-0025-2512001, YE3-80M2-4 0.75kW-改
    customer: str = f.CUSTOMER(required=True, width=28)
    customer_po: str | None = f.CUSTOMER_PO(width=18)
    product_code: str = f.PRODUCT_CODE(required=True)
    product_name: str | None = f.PRODUCT_NAME()
    spec: str | None = f.SPEC(description="规格型号，与客户订单一致", width=22)
    category: str | None = f.CATEGORY(description="产品类别，决定下达给生产还是采购")
    unit: str | None = f.UNIT()
    quantity: Decimal = f.QUANTITY(description="订购数量；退货填负数", required=True)
    unit_price: Decimal = f.UNIT_PRICE(required=True, ge=0)
    amount: Decimal | None = f.AMOUNT(description="金额 = 数量 × 单价（元）；可不填，由 NeiQin 计算")
    unit_cost: Decimal | None = f.UNIT_COST(description="单位成本（元），用于毛利；不发给客户", ge=0)
    delivery_date: dt.date = f.DELIVERY_DATE(required=True)
    sales_rep: str | None = f.SALES_REP(description="负责该订单的销售员")
    region: str | None = f.REGION()
    status: str | None = column(
        "状态",
        "订单状态",
        description="订单行的状态：待确认、已确认、已下达、生产中、采购中、已发货、已完成、已取消、暂停",
        choices="order_statuses",
        width=8,
    )
    ship_date: dt.date | None = column(
        "发货日期", "实际发货日期", "实际送货日期", description="实际发货的日期", width=12, number_format=f.DATE
    )
    entered_at: dt.datetime | None = column(
        "录入时间",
        "确认时间",
        description="『确认订单』按钮填写：订单核对无误、录入系统的时间（考核订单处理及时率）",
        width=16,
        number_format=f.DATETIME,
    )
    expected_date: dt.date | None = column(
        "预计完成日期",
        "预计交期",
        description="『更新进度』按钮从生产/采购任务单带回的预计完成日期",
        width=12,
        number_format=f.DATE,
    )
    problem: str | None = column(
        "执行问题",
        "异常",
        description="『更新进度』按钮从任务单带回的问题，如“缺料：定子缺货”",
        width=20,
    )
    note: str | None = f.NOTE()
