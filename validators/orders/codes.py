"""Issue codes of 订单台账（订单管理，制度二.1 / 四.1）: stable, documented in docs/issue-codes.md."""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class OrderCode(StrEnum):
    """订单台账（订单管理，制度二.1 / 四.1）"""

    ORD_QTY_ZERO = "ORD-001"
    ORD_QTY_NEGATIVE = "ORD-002"
    ORD_AMOUNT_MISMATCH = "ORD-003"
    ORD_DELIVERY_BEFORE_ORDER = "ORD-004"
    ORD_SHIP_BEFORE_ORDER = "ORD-005"
    ORD_DUPLICATE_KEY = "ORD-006"
    ORD_DUPLICATE_LINE = "ORD-007"
    ORD_BELOW_COST = "ORD-008"
    ORD_ORDER_DATE_FUTURE = "ORD-009"
    ORD_STATUS_TRANSITION = "ORD-010"
    ORD_UNKNOWN_CUSTOMER = "ORD-011"
    ORD_UNKNOWN_PRODUCT = "ORD-012"
    ORD_SPEC_MISMATCH = "ORD-013"
    ORD_PRICE_DEVIATION = "ORD-014"
    ORD_DUPLICATE_PO = "ORD-015"
    ORD_NO_COMPANION = "ORD-016"
    ORD_LATE_FORECAST = "ORD-017"


CODES: dict[OrderCode, CodeInfo] = {
    OrderCode.ORD_QTY_ZERO: CodeInfo(
        "error",
        "数量为 0",
        "数量为 0；请按客户订单填写订购数量",
    ),
    OrderCode.ORD_QTY_NEGATIVE: CodeInfo(
        "warning",
        "数量为负（退货）",
        "数量为负数（{value}），将按退货处理；如不是退货请改为正数",
    ),
    OrderCode.ORD_AMOUNT_MISMATCH: CodeInfo(
        "error",
        "金额与数量×单价不符",
        "金额 {amount} 与 数量×单价 = {expected} 不符（相差 {diff}）；请核对数量、单价和金额",
    ),
    OrderCode.ORD_DELIVERY_BEFORE_ORDER: CodeInfo(
        "error",
        "交货日期早于接单日期",
        "交货日期 {delivery} 早于接单日期 {order}；请与客户确认交货日期",
    ),
    OrderCode.ORD_SHIP_BEFORE_ORDER: CodeInfo(
        "error",
        "发货日期早于接单日期",
        "发货日期 {ship} 早于接单日期 {order}；请核对发货日期",
    ),
    OrderCode.ORD_DUPLICATE_KEY: CodeInfo(
        "warning",
        "订单编号与产品重复",
        "订单 {order_id} 的产品 {product} 与第 {other} 行重复；如确为两行请在备注中说明，否则删除一行",
    ),
    OrderCode.ORD_DUPLICATE_LINE: CodeInfo(
        "warning",
        "整行重复",
        "与第 {other} 行完全相同；如是重复录入请删除本行",
    ),
    OrderCode.ORD_BELOW_COST: CodeInfo(
        "warning",
        "低于成本销售",
        "单价 {price} 低于成本单价 {cost}；请确认是否有特价审批",
    ),
    OrderCode.ORD_ORDER_DATE_FUTURE: CodeInfo(
        "warning",
        "接单日期晚于今天",
        "接单日期 {value} 晚于今天（{today}）；请核对日期",
    ),
    OrderCode.ORD_STATUS_TRANSITION: CodeInfo(
        "error",
        "状态跳步或倒退",
        "状态从『{old}』直接变成『{new}』（{why}）；订单行应按 {path} 推进，请改回『{old}』或其下一步",
    ),
    OrderCode.ORD_UNKNOWN_CUSTOMER: CodeInfo(
        "error",
        "客户不在客户档案中",
        "『{value}』不在『客户档案』中{suggestion}；请核对客户名称，新客户请先在『客户档案』登记",
    ),
    OrderCode.ORD_UNKNOWN_PRODUCT: CodeInfo(
        "error",
        "产品不在产品目录中",
        "产品编码『{value}』不在『产品目录』中{suggestion}；请核对编码，新产品请先加入『产品目录』",
    ),
    OrderCode.ORD_SPEC_MISMATCH: CodeInfo(
        "error",
        "规格型号与产品目录不符",
        "规格型号『{value}』与产品目录中 {product} 的『{expected}』不一致；请与客户订单核对",
    ),
    OrderCode.ORD_PRICE_DEVIATION: CodeInfo(
        "warning",
        "单价偏离标准单价",
        "单价 {price} 比标准单价 {list_price} {direction} {pct}%（允许 {limit}%）；请确认报价或特价审批",
    ),
    OrderCode.ORD_DUPLICATE_PO: CodeInfo(
        "warning",
        "客户订单号重复",
        "客户订单号 {po} 已用于订单 {other_order}（第 {other} 行）；请确认不是同一张订单录了两次",
    ),
    OrderCode.ORD_NO_COMPANION: CodeInfo(
        "warning",
        "缺少核对用的工作表",
        "工作簿中没有『{what}』，未核对{target}；请加入『{what}』工作表（可用 neiqin build 生成的 NeiQin.xlsm）",
    ),
    OrderCode.ORD_LATE_FORECAST: CodeInfo(
        "warning",
        "预计完成晚于交货日期",
        "预计完成日期 {expected} 晚于交货日期 {delivery}{problem}；请与生产/采购协调，或提前告知客户",
    ),
}
