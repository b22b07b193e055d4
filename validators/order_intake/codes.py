"""Issue codes of 订单录入: one per question 『粘贴订单』 leaves for the clerk (stable, in docs/issue-codes.md).

Each marks the empty cell of a draft line in 订单台账 that the clerk must ask the customer about;
the message is the reader's question (neiqin.core.intake.Ask), which names what to ask.
"""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class IntakeCode(StrEnum):
    """订单录入"""

    INT_CUSTOMER_UNKNOWN = "INT-001"
    INT_CUSTOMER_AMBIGUOUS = "INT-002"
    INT_PRODUCT_UNKNOWN = "INT-003"
    INT_PRODUCT_AMBIGUOUS = "INT-004"
    INT_QUANTITY_MISSING = "INT-005"
    INT_QUANTITY_APPROX = "INT-006"
    INT_UNIT_UNKNOWN = "INT-007"
    INT_UNIT_NOT_WHOLE = "INT-008"
    INT_PRICE_UNCLEAR = "INT-009"
    INT_AMOUNT_MISMATCH = "INT-010"
    INT_DATE_MISSING = "INT-011"
    INT_DATE_ASAP = "INT-012"
    INT_DATE_UNCLEAR = "INT-013"
    INT_DATE_PAST = "INT-014"
    INT_REF_MISSING = "INT-015"
    INT_CHANGE_UNCLEAR = "INT-016"
    INT_PRICE_DIFFERS = "INT-017"
    INT_NO_TIME = "INT-018"


# by the reader's question code (neiqin.core.intake.Ask, a StrEnum: its members look these up); not imported
# here, so that discovering the ledgers does not load the reader's libraries (rapidfuzz, cn2an …)
TITLES = {
    "CUSTOMER_UNKNOWN": "来信客户不明",
    "CUSTOMER_AMBIGUOUS": "来信可能是几家客户",
    "PRODUCT_UNKNOWN": "产品在目录中找不到",
    "PRODUCT_AMBIGUOUS": "叫法对应几个产品",
    "QUANTITY_MISSING": "未写数量",
    "QUANTITY_APPROX": "数量不是确数",
    "UNIT_UNKNOWN": "单位无法换算",
    "UNIT_NOT_WHOLE": "换算后不是整数",
    "PRICE_UNCLEAR": "价格不明",
    "AMOUNT_MISMATCH": "数量×单价与金额不符",
    "DATE_MISSING": "未写交货日期",
    "DATE_ASAP": "只说尽快交货",
    "DATE_UNCLEAR": "交货时间不明确",
    "DATE_PAST": "交货日期早于来信",
    "REF_MISSING": "未写要变更的订单",
    "CHANGE_UNCLEAR": "变更内容不明",
}
BY_ASK: dict[str, IntakeCode] = {ask: IntakeCode[f"INT_{ask}"] for ask in TITLES}

CODES: dict[IntakeCode, CodeInfo] = {
    **{
        BY_ASK[ask]: CodeInfo("error", title, "『粘贴订单』待问：{question}（{where}）；问清后请在此格填写")
        for ask, title in TITLES.items()
    },
    IntakeCode.INT_PRICE_DIFFERS: CodeInfo(
        "warning",
        "来信单价与标准价不同",
        "来信写的单价 {price} 元与产品目录的标准价 {list_price} 元不同；请核对报价或合同后再确认",
    ),
    IntakeCode.INT_NO_TIME: CodeInfo(
        "error",
        "未填收到时间",
        "没有填写收到这条消息的时间，无法换算“明天”“下周五”这类交货日期，本条未录入；"
        "请在「{column}」填写收到时间后再点『粘贴订单』",
    ),
}
