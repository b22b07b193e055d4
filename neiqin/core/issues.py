"""Findings as data: the Issue record and the one table of stable codes.

Every check in NeiQin returns Issues; none raises on bad data. A code never changes
meaning once released; ``docs/issue-codes.md`` is generated from :data:`CODES`
(``python -m neiqin.core.issues``) and a test keeps the two in step.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

Severity = Literal["error", "warning"]


class Code(StrEnum):
    """Stable issue codes. Prefix: LED = any ledger, ORD = 订单台账, CUS = 客户档案, ARC = 订单归档, REP = 销售报表."""

    LED_NO_HEADER = "LED-001"
    LED_MISSING_COLUMN = "LED-002"
    LED_UNKNOWN_COLUMN = "LED-003"
    LED_DUPLICATE_COLUMN = "LED-004"
    LED_REQUIRED = "LED-010"
    LED_BAD_DATE = "LED-011"
    LED_IMPOSSIBLE_DATE = "LED-012"
    LED_BAD_NUMBER = "LED-013"
    LED_EXCEL_ERROR = "LED-014"
    LED_OUT_OF_RANGE = "LED-015"
    LED_NOT_IN_LIST = "LED-016"
    LED_FORMULA_TEXT = "LED-017"
    LED_DUPLICATE_KEY = "LED-018"
    LED_AMBIGUOUS_NUMBER = "LED-019"
    LED_LOST_DIGITS = "LED-020"
    LED_MERGED_CELLS = "LED-021"

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

    CUS_BAD_PHONE = "CUS-001"

    ARC_TAMPERED = "ARC-001"

    EXP_NO_LABEL = "EXP-001"
    EXP_NO_LINES_HEADER = "EXP-002"
    EXP_NO_LINES = "EXP-003"
    EXP_DUPLICATE_CLAIM = "EXP-004"
    EXP_SELF_APPROVAL = "EXP-005"
    EXP_NO_APPROVAL = "EXP-006"
    EXP_INVOICE_NUMBER = "EXP-007"
    EXP_INVOICE_CODE = "EXP-008"
    EXP_INVOICE_KIND = "EXP-009"
    EXP_INVOICE_YEAR = "EXP-010"
    EXP_NO_INVOICE_NOTE = "EXP-011"
    EXP_TAX_RATE = "EXP-012"
    EXP_TAX_AMOUNT = "EXP-013"
    EXP_GROSS_AMOUNT = "EXP-014"
    EXP_TOTAL_MISMATCH = "EXP-015"
    EXP_UPPER_INVALID = "EXP-016"
    EXP_UPPER_MISMATCH = "EXP-017"
    EXP_INVOICE_AFTER_CLAIM = "EXP-018"
    EXP_INVOICE_FUTURE = "EXP-019"
    EXP_INVOICE_TOO_OLD = "EXP-020"
    EXP_OVER_LIMIT = "EXP-021"
    EXP_ATTACHMENTS = "EXP-022"
    EXP_DUPLICATE_INVOICE = "EXP-023"
    EXP_INVOICE_CLAIMED = "EXP-024"
    EXP_NO_STANDARDS = "EXP-025"
    EXP_UNKNOWN_CITY = "EXP-026"
    EXP_STATUS_TRANSITION = "EXP-027"
    EXP_CLAIM_CLOSED = "EXP-028"
    EXP_NOT_PREREVIEWED = "EXP-029"
    EXP_SEAL_FAILED = "EXP-030"
    EXP_TAX_ROUNDING = "EXP-031"
    EXP_INVOICE_OTHER_FORM = "EXP-032"

    REP_MAP_COLUMN = "REP-001"
    REP_MAP_FILE = "REP-002"
    REP_NO_AMOUNT = "REP-003"
    REP_NO_DATE = "REP-004"
    REP_NOT_RECONCILED = "REP-005"
    REP_MAP_FIELD = "REP-006"


@dataclass(frozen=True, slots=True)
class CodeInfo:
    severity: Severity
    title: str  # short Chinese name of the rule
    template: str  # Chinese message; {placeholders} filled by the check; says what to do


CODES: dict[Code, CodeInfo] = {
    Code.LED_NO_HEADER: CodeInfo(
        "error",
        "找不到表头",
        "在『{sheet}』前 {rows} 行中找不到表头（应包含 {expected} 等列名）；请确认工作表或表头行",
    ),
    Code.LED_MISSING_COLUMN: CodeInfo(
        "error",
        "缺少必需的列",
        "缺少必需的列「{column}」（也可命名为：{synonyms}）；请在表头行添加该列",
    ),
    Code.LED_UNKNOWN_COLUMN: CodeInfo(
        "warning",
        "不认识的列",
        "不认识的列「{column}」，校验时将忽略该列{suggestion}",
    ),
    Code.LED_DUPLICATE_COLUMN: CodeInfo(
        "warning",
        "重复的列",
        "「{column}」与「{other}」都表示{meaning}，只使用第一列；请删除或改名重复的列",
    ),
    Code.LED_REQUIRED: CodeInfo(
        "error",
        "必填项为空",
        "「{column}」为必填项，当前为空；请补充",
    ),
    Code.LED_BAD_DATE: CodeInfo(
        "error",
        "不是日期",
        "『{value}』不是有效日期；请填写如 2026-11-03 的日期",
    ),
    Code.LED_IMPOSSIBLE_DATE: CodeInfo(
        "error",
        "日期不存在",
        "『{value}』这一天不存在（{detail}）；请核对日期",
    ),
    Code.LED_BAD_NUMBER: CodeInfo(
        "error",
        "不是数字",
        "『{value}』不是数字；请只填写数字，如 1200 或 1,200.50",
    ),
    Code.LED_EXCEL_ERROR: CodeInfo(
        "error",
        "Excel 错误值",
        "单元格显示 Excel 错误值 {value}；请修正公式或直接填写数值",
    ),
    Code.LED_OUT_OF_RANGE: CodeInfo(
        "error",
        "数值超出范围",
        "「{column}」应{rule}，当前为 {value}；请核对",
    ),
    Code.LED_NOT_IN_LIST: CodeInfo(
        "error",
        "不在可选范围内",
        "『{value}』不是可选的{column}；请从下拉列表选择：{choices}",
    ),
    Code.LED_FORMULA_TEXT: CodeInfo(
        "error",
        "疑似公式的文字",
        "『{value}』以 {char} 开头，复制或导出时可能被 Excel 当作公式执行；请删除开头的 {char}",
    ),
    Code.LED_DUPLICATE_KEY: CodeInfo(
        "error",
        "编号重复",
        "『{value}』与第 {other} 行重复；「{column}」必须唯一，请删除或改正其中一行",
    ),
    Code.LED_AMBIGUOUS_NUMBER: CodeInfo(
        "error",
        "数字写法不明确",
        "『{value}』的逗号、空格或小数点位置不对，无法确定是多少；请写成如 1200.50 或 1,200.50（逗号只用作千分位）",
    ),
    Code.LED_LOST_DIGITS: CodeInfo(
        "error",
        "长数字已丢失位数",
        "『{value}』是 16 位以上的数字，Excel 只保留 15 位有效数字，后面几位已经变了；"
        "请把「{column}」列设为文本格式后重新输入（或在前面加英文单引号 '）",
    ),
    Code.LED_MERGED_CELLS: CodeInfo(
        "warning",
        "合并单元格",
        "「{column}」有 {count} 处合并单元格（如第 {first}–{last} 行的『{value}』），"
        "已按合并区域的每一行都填了这个值读取；请取消合并后在每行填写（合并单元格不能排序、筛选，也无法逐行标记问题）",
    ),
    Code.ORD_QTY_ZERO: CodeInfo(
        "error",
        "数量为 0",
        "数量为 0；请按客户订单填写订购数量",
    ),
    Code.ORD_QTY_NEGATIVE: CodeInfo(
        "warning",
        "数量为负（退货）",
        "数量为负数（{value}），将按退货处理；如不是退货请改为正数",
    ),
    Code.ORD_AMOUNT_MISMATCH: CodeInfo(
        "error",
        "金额与数量×单价不符",
        "金额 {amount} 与 数量×单价 = {expected} 不符（相差 {diff}）；请核对数量、单价和金额",
    ),
    Code.ORD_DELIVERY_BEFORE_ORDER: CodeInfo(
        "error",
        "交货日期早于接单日期",
        "交货日期 {delivery} 早于接单日期 {order}；请与客户确认交货日期",
    ),
    Code.ORD_SHIP_BEFORE_ORDER: CodeInfo(
        "error",
        "发货日期早于接单日期",
        "发货日期 {ship} 早于接单日期 {order}；请核对发货日期",
    ),
    Code.ORD_DUPLICATE_KEY: CodeInfo(
        "warning",
        "订单编号与产品重复",
        "订单 {order_id} 的产品 {product} 与第 {other} 行重复；如确为两行请在备注中说明，否则删除一行",
    ),
    Code.ORD_DUPLICATE_LINE: CodeInfo(
        "warning",
        "整行重复",
        "与第 {other} 行完全相同；如是重复录入请删除本行",
    ),
    Code.ORD_BELOW_COST: CodeInfo(
        "warning",
        "低于成本销售",
        "单价 {price} 低于成本单价 {cost}；请确认是否有特价审批",
    ),
    Code.ORD_ORDER_DATE_FUTURE: CodeInfo(
        "warning",
        "接单日期晚于今天",
        "接单日期 {value} 晚于今天（{today}）；请核对日期",
    ),
    Code.ORD_STATUS_TRANSITION: CodeInfo(
        "error",
        "状态跳步或倒退",
        "状态从『{old}』直接变成『{new}』（{why}）；订单行应按 待确认→已确认→已下达→生产中/采购中→已发货→已完成 "
        "推进，请改回『{old}』或其下一步",
    ),
    Code.ORD_UNKNOWN_CUSTOMER: CodeInfo(
        "error",
        "客户不在客户档案中",
        "『{value}』不在『客户档案』中{suggestion}；请核对客户名称，新客户请先在『客户档案』登记",
    ),
    Code.ORD_UNKNOWN_PRODUCT: CodeInfo(
        "error",
        "产品不在产品目录中",
        "产品编码『{value}』不在『产品目录』中{suggestion}；请核对编码，新产品请先加入『产品目录』",
    ),
    Code.ORD_SPEC_MISMATCH: CodeInfo(
        "error",
        "规格型号与产品目录不符",
        "规格型号『{value}』与产品目录中 {product} 的『{expected}』不一致；请与客户订单核对",
    ),
    Code.ORD_PRICE_DEVIATION: CodeInfo(
        "warning",
        "单价偏离标准单价",
        "单价 {price} 比标准单价 {list_price} {direction} {pct}%（允许 {limit}%）；请确认报价或特价审批",
    ),
    Code.ORD_DUPLICATE_PO: CodeInfo(
        "warning",
        "客户订单号重复",
        "客户订单号 {po} 已用于订单 {other_order}（第 {other} 行）；请确认不是同一张订单录了两次",
    ),
    Code.ORD_NO_COMPANION: CodeInfo(
        "warning",
        "缺少核对用的工作表",
        "工作簿中没有『{what}』，未核对{target}；请加入『{what}』工作表（可用 neiqin build 生成的 NeiQin.xlsm）",
    ),
    Code.ORD_LATE_FORECAST: CodeInfo(
        "warning",
        "预计完成晚于交货日期",
        "预计完成日期 {expected} 晚于交货日期 {delivery}{problem}；请与生产/采购协调，或提前告知客户",
    ),
    Code.ARC_TAMPERED: CodeInfo(
        "error",
        "归档后被改动",
        "这一行归档后被改动过（与归档时的校验值不符）；请按数据库中的归档记录核对并改回",
    ),
    Code.EXP_NO_LABEL: CodeInfo(
        "error",
        "报销单缺少栏目",
        "报销单中找不到「{column}」栏；请按模板加上「{column}」，并把内容填在它右边一格",
    ),
    Code.EXP_NO_LINES_HEADER: CodeInfo(
        "error",
        "找不到费用明细表头",
        "报销单中找不到费用明细的表头（应包含 {expected} 等列名）；请按模板恢复明细表头",
    ),
    Code.EXP_NO_LINES: CodeInfo(
        "error",
        "没有费用明细",
        "报销单没有填写任何费用明细；请按发票逐张填写明细",
    ),
    Code.EXP_DUPLICATE_CLAIM: CodeInfo(
        "error",
        "报销单号重复",
        "报销单号『{value}』与『{other}』相同；请为每张报销单使用不同的单号",
    ),
    Code.EXP_SELF_APPROVAL: CodeInfo(
        "error",
        "报销人自己审批",
        "部门负责人『{value}』就是报销人本人，不能自己审批；请由上一级负责人审批",
    ),
    Code.EXP_NO_APPROVAL: CodeInfo(
        "error",
        "缺少部门审批",
        "「{column}」为空：部门负责人审批后才能交内勤初审（制度三.7）；请先送部门负责人签字并填写审批日期",
    ),
    Code.EXP_INVOICE_NUMBER: CodeInfo(
        "error",
        "发票号码不符合规定",
        "{problem}；请{todo}",
    ),
    Code.EXP_INVOICE_CODE: CodeInfo(
        "error",
        "发票代码不符合规定",
        "{problem}；请{todo}",
    ),
    Code.EXP_INVOICE_KIND: CodeInfo(
        "error",
        "发票类型与号码格式不符",
        "{problem}；请{todo}",
    ),
    Code.EXP_INVOICE_YEAR: CodeInfo(
        "error",
        "数电发票号码年份与开票日期不符",
        "{problem}；请{todo}",
    ),
    Code.EXP_NO_INVOICE_NOTE: CodeInfo(
        "error",
        "无发票未写说明",
        "这一行没有发票；请在「说明」中写明原因（如 出租车无发票、补助按标准发放）",
    ),
    Code.EXP_TAX_RATE: CodeInfo(
        "error",
        "税率不在允许范围",
        "税率 {value} 不是增值税的税率（可选：{choices}）；请按发票上的税率填写",
    ),
    Code.EXP_TAX_AMOUNT: CodeInfo(
        "error",
        "税额与 不含税金额×税率 不符",
        "税额 {amount} 与 不含税金额 {net} × 税率 {rate} = {expected} 不符（相差 {diff}）；请按发票核对税额",
    ),
    Code.EXP_INVOICE_OTHER_FORM: CodeInfo(
        "error",
        "发票也在本工作簿的另一张报销单上",
        "发票 {key} 也在报销单『{form}』（{claim}）第 {at} 行；同一张发票不能重复报销，请删除这一行",
    ),
    Code.EXP_TAX_ROUNDING: CodeInfo(
        "warning",
        "税额与 不含税金额×税率 有尾差",
        "税额 {amount} 与 不含税金额 {net} × 税率 {rate} = {expected} 相差 {diff}，在『设置』税额容差以内"
        "（多个项目的发票逐项计税会有尾差）；请按发票核对税额",
    ),
    Code.EXP_GROSS_AMOUNT: CodeInfo(
        "error",
        "价税合计与 不含税金额+税额 不符",
        "价税合计 {amount} 与 不含税金额 {net} + 税额 {tax} = {expected} 不符（相差 {diff}）；请按发票核对",
    ),
    Code.EXP_TOTAL_MISMATCH: CodeInfo(
        "error",
        "合计(小写)与明细之和不符",
        "合计(小写) {amount} 与各行价税合计之和 {expected} 不符（相差 {diff}）；请改为 {expected}",
    ),
    Code.EXP_UPPER_INVALID: CodeInfo(
        "error",
        "合计(大写)写法不对",
        "合计(大写)『{value}』写法不对：{reason}；请写作『{expected}』",
    ),
    Code.EXP_UPPER_MISMATCH: CodeInfo(
        "error",
        "合计(大写)与小写不符",
        "合计(大写)『{value}』是 {written} 元，与合计(小写) {amount} 元不符；请写作『{expected}』",
    ),
    Code.EXP_INVOICE_AFTER_CLAIM: CodeInfo(
        "error",
        "开票日期晚于报销日期",
        "开票日期 {value} 晚于报销日期 {claim_date}；请核对开票日期或报销日期",
    ),
    Code.EXP_INVOICE_FUTURE: CodeInfo(
        "error",
        "开票日期晚于今天",
        "开票日期 {value} 晚于今天（{today}）；请对照发票核对日期",
    ),
    Code.EXP_INVOICE_TOO_OLD: CodeInfo(
        "error",
        "发票超过报销期限",
        "开票日期 {value} 距报销日期已 {days} 天，超过『发票报销期限(天)』{limit} 天；请附说明报经理特批，或不予报销",
    ),
    Code.EXP_OVER_LIMIT: CodeInfo(
        "error",
        "超出报销标准",
        "{category}（{scope}）{amount} 元超出报销标准（{rank}、{tier}：{per} {limit} 元{times}），"
        "超出 {excess} 元；请按标准核减，或附特批说明",
    ),
    Code.EXP_ATTACHMENTS: CodeInfo(
        "error",
        "附件张数不足",
        "附件张数 {value} 少于明细中的发票张数 {expected}（同一张发票分几行只算一张）；请核对所附发票张数",
    ),
    Code.EXP_DUPLICATE_INVOICE: CodeInfo(
        "error",
        "同一张发票报销两次",
        "发票 {key} 与第 {other} 行是同一张发票；请删除重复的一行",
    ),
    Code.EXP_INVOICE_CLAIMED: CodeInfo(
        "error",
        "发票已在其他报销单中报销",
        "发票 {key} 已在报销单 {claim} 中报销（{when} 初审通过）；同一张发票不能重复报销，请删除这一行",
    ),
    Code.EXP_NO_STANDARDS: CodeInfo(
        "warning",
        "缺少报销标准",
        "工作簿中没有『{what}』，未核对报销限额；请加入『{what}』工作表（可用 neiqin build 生成的 NeiQin.xlsm）",
    ),
    Code.EXP_UNKNOWN_CITY: CodeInfo(
        "warning",
        "城市不在城市级别表中",
        "城市『{value}』不在『城市级别』中，按{tier}的标准核对；请核对城市名，或在『城市级别』中补充",
    ),
    Code.EXP_STATUS_TRANSITION: CodeInfo(
        "error",
        "报销状态不能这样变更",
        "报销单 {claim} 当前为『{old}』，不能改为『{new}』（{why}）；请核对财务结果",
    ),
    Code.EXP_CLAIM_CLOSED: CodeInfo(
        "error",
        "报销单号已交财务或已办结",
        "报销单号『{value}』的报销单已{stage}（{when}），不能再次初审或交财务；"
        "同一笔费用不能重复报销，新的报销请使用新的报销单号",
    ),
    Code.EXP_NOT_PREREVIEWED: CodeInfo(
        "error",
        "报销单没有通过费用初审",
        "报销单 {claim} {why}，不能交财务；请先点『费用初审』（会重新登记发票），通过后再提交财务",
    ),
    Code.EXP_SEAL_FAILED: CodeInfo(
        "error",
        "封存副本无法写出",
        "报销单 {claim} 的封存副本无法写到 {path}（{why}）；{todo}。状态未改，请处理后再点『提交财务』",
    ),
    Code.CUS_BAD_PHONE: CodeInfo(
        "warning",
        "电话号码无效",
        "『{value}』不是有效的手机或固定电话号码；请核对后更正",
    ),
    Code.REP_MAP_COLUMN: CodeInfo(
        "error",
        "映射的列不存在",
        "映射文件把 {field}（{label}）对应到列「{column}」，但『{sheet}』的表头中没有这一列{suggestion}；"
        "请改正映射文件",
    ),
    Code.REP_MAP_FILE: CodeInfo(
        "error",
        "映射文件无效",
        "映射文件 {path} 无法使用：{detail}；请改正映射文件（格式见 README『销售报表』）",
    ),
    Code.REP_NO_AMOUNT: CodeInfo(
        "warning",
        "金额无法确定",
        "这一行没有金额，也无法用 数量×单价 算出，报表未计入；请补填「{column}」或数量和单价",
    ),
    Code.REP_NO_DATE: CodeInfo(
        "warning",
        "缺少日期",
        "这一行没有接单日期，无法归入任何报告期，报表未计入；请补填「{column}」",
    ),
    Code.REP_NOT_RECONCILED: CodeInfo(
        "error",
        "报表与数据源不一致",
        "报表核对不通过：{detail}；请勿使用本报表，并把数据文件发给管理员",
    ),
    Code.REP_MAP_FIELD: CodeInfo(
        "error",
        "映射了未知字段",
        "映射文件中的字段 {field} 不是 NeiQin 的字段（可用：{known}）；请改正映射文件",
    ),
}


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding at the cell the clerk must look at."""

    sheet: str
    row: int  # the Excel row number the clerk sees (0 = the sheet as a whole)
    column: str  # the header text as it appears in the clerk's sheet ("" = the row)
    code: Code
    severity: Severity
    message: str  # Chinese, says what to do
    col: int = field(default=0, compare=False)  # Excel column number, for marking; not exported

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: exactly the contract's field names."""
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "code": str(self.code),
            "severity": self.severity,
            "message": self.message,
        }

    @property
    def cell(self) -> str:
        """A1 address of the flagged cell, '' when the issue has no cell."""
        if not self.col or not self.row:
            return ""
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(self.col)}{self.row}"


def make_issue(code: Code, sheet: str, row: int, column: str, col: int = 0, **values: Any) -> Issue:
    """An Issue whose severity and message come from the code table."""
    info = CODES[code]
    return Issue(
        sheet=sheet,
        row=row,
        column=column,
        code=code,
        severity=info.severity,
        message=info.template.format(column=column, sheet=sheet, **values),
        col=col,
    )


def has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.severity == "error" for i in issues)


def sort_issues(issues: Iterable[Issue]) -> list[Issue]:
    """Sheet by sheet, top to bottom, left to right — the order a clerk reads."""
    return sorted(issues, key=lambda i: (i.sheet, i.row, i.col, str(i.code)))


def docs_markdown() -> str:
    """The issue-code table for docs/issue-codes.md."""
    lines = [
        "# 问题代码 / Issue codes",
        "",
        "由 `python -m neiqin.core.issues > docs/issue-codes.md` 生成，请勿手工编辑。",
        "Generated from `neiqin/issues.py`; do not edit by hand.",
        "",
        "每条问题都有：工作表 `sheet`、Excel 行号 `row`、列名 `column`（表头原文）、代码 `code`、",
        "级别 `severity`（`error` 错误 / `warning` 警告）和中文说明 `message`。",
        "有错误时 `neiqin validate` 以退出码 1 结束；只有警告时为 0。",
        "",
        "| 代码 | 级别 | 规则 | 说明模板（{…} 为具体内容） |",
        "|---|---|---|---|",
    ]
    for code, info in CODES.items():
        level = "错误" if info.severity == "error" else "警告"
        template = info.template.replace("|", "\\|")
        lines.append(f"| `{code}` | {level} | {info.title} | {template} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(docs_markdown())
