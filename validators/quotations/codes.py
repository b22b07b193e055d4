"""Issue codes of 报价单 (制度：报价与合同): stable, documented in docs/issue-codes.md."""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class QuoteCode(StrEnum):
    """报价单"""

    QUO_NO_LABEL = "QUO-001"
    QUO_NO_LINES_HEADER = "QUO-002"
    QUO_NO_LINES = "QUO-003"
    QUO_NOT_A_FORM = "QUO-004"
    QUO_NO_COMPANION = "QUO-005"
    QUO_UNKNOWN_CUSTOMER = "QUO-010"
    QUO_UNKNOWN_PRODUCT = "QUO-011"
    QUO_OVER_DISCOUNT = "QUO-012"
    QUO_DISCOUNT = "QUO-013"
    QUO_ABOVE_LIST = "QUO-014"
    QUO_NO_LIST_PRICE = "QUO-015"
    QUO_LINE_AMOUNT = "QUO-016"
    QUO_TOTAL = "QUO-017"
    QUO_UPPER_INVALID = "QUO-018"
    QUO_UPPER_MISMATCH = "QUO-019"
    QUO_EXPIRED = "QUO-020"
    QUO_VALIDITY_ORDER = "QUO-021"
    QUO_NO_TERMS = "QUO-022"
    QUO_CATALOGUE_TEXT = "QUO-023"
    QUO_NUMBER_TAKEN = "QUO-024"


CODES = {
    QuoteCode.QUO_NO_LABEL: CodeInfo(
        "error", "报价单缺少标签", "报价单上找不到标签「{column}」；请按模板补上这个标签（值写在标签右边一格）"
    ),
    QuoteCode.QUO_NO_LINES_HEADER: CodeInfo(
        "error", "报价单没有明细表头", "找不到报价明细的表头（应有 {expected} 等列）；请按模板恢复明细表头"
    ),
    QuoteCode.QUO_NO_LINES: CodeInfo(
        "error", "报价单没有明细", "报价明细是空的；请在表头下面填写产品编码和数量，每种产品一行"
    ),
    QuoteCode.QUO_NOT_A_FORM: CodeInfo(
        "warning",
        "工作表名像报价单但不是报价单",
        "这张工作表名称以『报价单』开头，却没有报价单的标签（{expected}）；它没有被当作报价单检查，请改名或按模板填写",
    ),
    QuoteCode.QUO_NO_COMPANION: CodeInfo(
        "error",
        "缺少主数据工作表",
        "工作簿中没有『{what}』，无法核对报价单的{target}；请从 NeiQin.xlsm 复制『{what}』并填写",
    ),
    QuoteCode.QUO_UNKNOWN_CUSTOMER: CodeInfo(
        "error",
        "客户不在客户档案中",
        "客户「{value}」在『客户档案』中找不到（按客户编号和客户名称都找过）{suggestion}；"
        "请填写档案中的客户名称或客户编号，新客户先在『客户档案』建档",
    ),
    QuoteCode.QUO_UNKNOWN_PRODUCT: CodeInfo(
        "error",
        "产品不在产品目录中",
        "产品「{value}」在『产品目录』中找不到；请填写目录中的产品编码，新产品先加入『产品目录』",
    ),
    QuoteCode.QUO_OVER_DISCOUNT: CodeInfo(
        "error",
        "单价低于目录价超过折扣上限",
        "单价 {price} 比产品目录的标准单价 {list_price} 低 {discount}，超过『设置』的报价折扣上限 {limit}；"
        "请按目录价报价，或取得销售负责人审批后调整『设置』",
    ),
    QuoteCode.QUO_DISCOUNT: CodeInfo(
        "warning",
        "单价有折扣",
        "单价 {price} 比产品目录的标准单价 {list_price} 低 {discount}（在折扣上限 {limit} 以内）；"
        "请确认折扣已经销售负责人同意",
    ),
    QuoteCode.QUO_ABOVE_LIST: CodeInfo(
        "warning",
        "单价高于目录价",
        "单价 {price} 高于产品目录的标准单价 {list_price}（高 {markup}）；请确认不是填错",
    ),
    QuoteCode.QUO_NO_LIST_PRICE: CodeInfo(
        "warning",
        "产品目录没有标准单价",
        "产品「{value}」在『产品目录』中没有标准单价，单价无法核对；请在『产品目录』补上标准单价，或在此手工填写单价",
    ),
    QuoteCode.QUO_LINE_AMOUNT: CodeInfo(
        "error",
        "金额与 数量×单价 不符",
        "金额 {amount} 与 数量 {quantity} × 单价 {price} = {expected} 不符；请改为 {expected}",
    ),
    QuoteCode.QUO_TOTAL: CodeInfo(
        "error",
        "合计金额不对",
        "{what} {amount} 不对，按明细和税率 {rate} 应为 {expected}；请改为 {expected}（或再点『生成报价单』重算）",
    ),
    QuoteCode.QUO_UPPER_INVALID: CodeInfo(
        "error", "大写金额写法不对", "大写金额『{value}』写法不对：{reason}；请写作『{expected}』"
    ),
    QuoteCode.QUO_UPPER_MISMATCH: CodeInfo(
        "error",
        "大写金额与合计不符",
        "大写金额『{value}』是 {written} 元，按明细合计应为 {amount} 元；请写作『{expected}』",
    ),
    QuoteCode.QUO_EXPIRED: CodeInfo(
        "warning",
        "报价已过有效期",
        "报价有效期至 {value}，已过期 {days} 天；请不要再按此报价成交，"
        "重新报价：清空报价单号、报价日期和有效期至后点『生成报价单』",
    ),
    QuoteCode.QUO_VALIDITY_ORDER: CodeInfo(
        "error", "有效期早于报价日期", "有效期至 {value} 早于报价日期 {quote_date}；请改正有效期"
    ),
    QuoteCode.QUO_NO_TERMS: CodeInfo(
        "error",
        "报价单没有条款",
        "报价单的条款是空的；请填写报价条款（价格、有效期、付款方式、交货期），或清空后点『生成报价单』按『设置』的条款模板填写",
    ),
    QuoteCode.QUO_CATALOGUE_TEXT: CodeInfo(
        "warning",
        "产品名称或规格与目录不一致",
        "{what}「{value}」与『产品目录』中 {product} 的{what}「{expected}」不一致；"
        "请按目录改正，以免客户按错的规格下单",
    ),
    QuoteCode.QUO_NUMBER_TAKEN: CodeInfo(
        "error",
        "报价单号已被另一张报价单使用",
        "报价单号 {value} 已登记给客户「{other}」的报价单（{when}）；请清空报价单号后点『生成报价单』取新号",
    ),
}
