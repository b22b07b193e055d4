"""Issue codes of 费用报销单（制度二.7 / 三.7 / 四.7）: stable, documented in docs/issue-codes.md."""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class ExpenseCode(StrEnum):
    """费用报销单（制度二.7 / 三.7 / 四.7）"""

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
    EXP_NOT_A_FORM = "EXP-033"
    EXP_INVOICE_FILE = "EXP-034"
    EXP_INVOICE_FILE_NOTE = "EXP-035"
    EXP_INVOICE_BUYER = "EXP-036"
    EXP_INVOICE_UNREADABLE = "EXP-037"
    EXP_INVOICE_IMPORTED = "EXP-038"
    EXP_LINES_FULL = "EXP-039"
    EXP_NO_COMPANY = "EXP-040"
    EXP_NOT_VERIFIED = "EXP-041"


CODES: dict[ExpenseCode, CodeInfo] = {
    ExpenseCode.EXP_NO_LABEL: CodeInfo(
        "error",
        "报销单缺少栏目",
        "报销单中找不到「{column}」栏；请按模板加上「{column}」，并把内容填在它右边一格",
    ),
    ExpenseCode.EXP_NO_LINES_HEADER: CodeInfo(
        "error",
        "找不到费用明细表头",
        "报销单中找不到费用明细的表头（应包含 {expected} 等列名）；请按模板恢复明细表头",
    ),
    ExpenseCode.EXP_NO_LINES: CodeInfo(
        "error",
        "没有费用明细",
        "报销单没有填写任何费用明细；请按发票逐张填写明细",
    ),
    ExpenseCode.EXP_DUPLICATE_CLAIM: CodeInfo(
        "error",
        "报销单号重复",
        "报销单号『{value}』与『{other}』相同；请为每张报销单使用不同的单号",
    ),
    ExpenseCode.EXP_SELF_APPROVAL: CodeInfo(
        "error",
        "报销人自己审批",
        "部门负责人『{value}』就是报销人本人，不能自己审批；请由上一级负责人审批",
    ),
    ExpenseCode.EXP_NO_APPROVAL: CodeInfo(
        "error",
        "缺少部门审批",
        "「{column}」为空：部门负责人审批后才能交内勤初审（制度三.7）；请先送部门负责人签字并填写审批日期",
    ),
    ExpenseCode.EXP_INVOICE_NUMBER: CodeInfo(
        "error",
        "发票号码不符合规定",
        "{problem}；请{todo}",
    ),
    ExpenseCode.EXP_INVOICE_CODE: CodeInfo(
        "error",
        "发票代码不符合规定",
        "{problem}；请{todo}",
    ),
    ExpenseCode.EXP_INVOICE_KIND: CodeInfo(
        "error",
        "发票类型与号码格式不符",
        "{problem}；请{todo}",
    ),
    ExpenseCode.EXP_INVOICE_YEAR: CodeInfo(
        "error",
        "数电发票号码年份与开票日期不符",
        "{problem}；请{todo}",
    ),
    ExpenseCode.EXP_NO_INVOICE_NOTE: CodeInfo(
        "error",
        "无发票未写说明",
        "这一行没有发票；请在「说明」中写明原因（如 出租车无发票、补助按标准发放）",
    ),
    ExpenseCode.EXP_TAX_RATE: CodeInfo(
        "error",
        "税率不在允许范围",
        "税率 {value} 不是增值税的税率（可选：{choices}）；请按发票上的税率填写",
    ),
    ExpenseCode.EXP_TAX_AMOUNT: CodeInfo(
        "error",
        "税额与 不含税金额×税率 不符",
        "税额 {amount} 与 不含税金额 {net} × 税率 {rate} = {expected} 不符（相差 {diff}）；请按发票核对税额",
    ),
    ExpenseCode.EXP_INVOICE_OTHER_FORM: CodeInfo(
        "error",
        "发票也在本工作簿的另一张报销单上",
        "发票 {key} 也在报销单『{form}』（{claim}）第 {at} 行；同一张发票不能重复报销，请删除这一行",
    ),
    ExpenseCode.EXP_TAX_ROUNDING: CodeInfo(
        "warning",
        "税额与 不含税金额×税率 有尾差",
        "税额 {amount} 与 不含税金额 {net} × 税率 {rate} = {expected} 相差 {diff}，在『设置』税额容差以内"
        "（多个项目的发票逐项计税会有尾差）；请按发票核对税额",
    ),
    ExpenseCode.EXP_GROSS_AMOUNT: CodeInfo(
        "error",
        "价税合计与 不含税金额+税额 不符",
        "价税合计 {amount} 与 不含税金额 {net} + 税额 {tax} = {expected} 不符（相差 {diff}）；请按发票核对",
    ),
    ExpenseCode.EXP_TOTAL_MISMATCH: CodeInfo(
        "error",
        "合计(小写)与明细之和不符",
        "合计(小写) {amount} 与各行价税合计之和 {expected} 不符（相差 {diff}）；请改为 {expected}",
    ),
    ExpenseCode.EXP_UPPER_INVALID: CodeInfo(
        "error",
        "合计(大写)写法不对",
        "合计(大写)『{value}』写法不对：{reason}；请写作『{expected}』",
    ),
    ExpenseCode.EXP_UPPER_MISMATCH: CodeInfo(
        "error",
        "合计(大写)与小写不符",
        "合计(大写)『{value}』是 {written} 元，与合计(小写) {amount} 元不符；请写作『{expected}』",
    ),
    ExpenseCode.EXP_INVOICE_AFTER_CLAIM: CodeInfo(
        "error",
        "开票日期晚于报销日期",
        "开票日期 {value} 晚于报销日期 {claim_date}；请核对开票日期或报销日期",
    ),
    ExpenseCode.EXP_INVOICE_FUTURE: CodeInfo(
        "error",
        "开票日期晚于今天",
        "开票日期 {value} 晚于今天（{today}）；请对照发票核对日期",
    ),
    ExpenseCode.EXP_INVOICE_TOO_OLD: CodeInfo(
        "error",
        "发票超过报销期限",
        "开票日期 {value} 距报销日期已 {days} 天，超过『发票报销期限(天)』{limit} 天；请附说明报经理特批，或不予报销",
    ),
    ExpenseCode.EXP_OVER_LIMIT: CodeInfo(
        "error",
        "超出报销标准",
        "{category}（{scope}）{amount} 元超出报销标准（{rank}、{tier}：{per} {limit} 元{times}），"
        "超出 {excess} 元；请按标准核减，或附特批说明",
    ),
    ExpenseCode.EXP_ATTACHMENTS: CodeInfo(
        "error",
        "附件张数不足",
        "附件张数 {value} 少于明细中的发票张数 {expected}（同一张发票分几行只算一张）；请核对所附发票张数",
    ),
    ExpenseCode.EXP_DUPLICATE_INVOICE: CodeInfo(
        "error",
        "同一张发票报销两次",
        "发票 {key} 与第 {other} 行是同一张发票；请删除重复的一行",
    ),
    ExpenseCode.EXP_INVOICE_CLAIMED: CodeInfo(
        "error",
        "发票已在其他报销单中报销",
        "发票 {key} 已在报销单 {claim} 中报销（{when} 初审通过）；同一张发票不能重复报销，请删除这一行",
    ),
    ExpenseCode.EXP_NO_STANDARDS: CodeInfo(
        "warning",
        "缺少报销标准",
        "工作簿中没有『{what}』，未核对报销限额；请加入『{what}』工作表（可用 neiqin build 生成的 NeiQin.xlsm）",
    ),
    ExpenseCode.EXP_UNKNOWN_CITY: CodeInfo(
        "warning",
        "城市不在城市级别表中",
        "城市『{value}』不在『城市级别』中，按{tier}的标准核对；请核对城市名，或在『城市级别』中补充",
    ),
    ExpenseCode.EXP_STATUS_TRANSITION: CodeInfo(
        "error",
        "报销状态不能这样变更",
        "报销单 {claim} 当前为『{old}』，不能改为『{new}』（{why}）；请核对财务结果",
    ),
    ExpenseCode.EXP_CLAIM_CLOSED: CodeInfo(
        "error",
        "报销单号已交财务或已办结",
        "报销单号『{value}』的报销单状态为『{stage}』（{when}），不能再次初审或交财务；"
        "同一笔费用不能重复报销，新的报销请使用新的报销单号",
    ),
    ExpenseCode.EXP_NOT_PREREVIEWED: CodeInfo(
        "error",
        "报销单没有通过费用初审",
        "报销单 {claim} {why}，不能交财务；请先点『费用初审』（会重新登记发票），通过后再提交财务",
    ),
    ExpenseCode.EXP_NOT_A_FORM: CodeInfo(
        "warning",
        "不是报销单",
        "『{sheet}』名称像报销单，但没有报销单的标签（{expected}，值写在标签右边一格），未作为报销单校验；"
        "如果它是登记表或导出的清单，请改个不以『费用报销单』开头的名称",
    ),
    ExpenseCode.EXP_INVOICE_FILE: CodeInfo(
        "error",
        "发票文件内容有误",
        "{invoice}（文件 {files}）：{problem}；请{todo}",
    ),
    ExpenseCode.EXP_INVOICE_FILE_NOTE: CodeInfo(
        "warning",
        "发票文件需要核对",
        "{invoice}（文件 {files}）：{problem}；请{todo}",
    ),
    ExpenseCode.EXP_INVOICE_BUYER: CodeInfo(
        "error",
        "发票抬头不是本公司",
        "{invoice}（文件 {files}）：{problem}；请{todo}",
    ),
    ExpenseCode.EXP_INVOICE_UNREADABLE: CodeInfo(
        "error",
        "发票文件无法读取",
        "文件 {file} 无法读取：{problem}，未写入明细；请{todo}",
    ),
    ExpenseCode.EXP_INVOICE_IMPORTED: CodeInfo(
        "error",
        "发票已导入其他报销单",
        "{invoice}（文件 {file}）已{where}；同一张发票不能重复报销，未写入明细。请把文件从本报销单的发票文件夹中删去，"
        "有疑问请与报销人核实",
    ),
    ExpenseCode.EXP_LINES_FULL: CodeInfo(
        "error",
        "费用明细写不下导入的发票",
        "{why}；请{todo}。本次没有写入任何发票",
    ),
    ExpenseCode.EXP_NO_COMPANY: CodeInfo(
        "warning",
        "未设置公司名称和纳税人识别号",
        "『设置』中{missing}为空，未核对发票的购买方是否为本公司；请在『设置』（费用报销）中填写",
    ),
    ExpenseCode.EXP_NOT_VERIFIED: CodeInfo(
        "error",
        "大额发票未查验",
        "价税合计 {amount} 元，达到『设置』查验金额起点 {limit} 元，「已查验」未填写；"
        "请在国家税务总局查验平台查验这张发票，填写「已查验」和「查验日期」后再初审",
    ),
    ExpenseCode.EXP_SEAL_FAILED: CodeInfo(
        "error",
        "封存副本无法写出",
        "报销单 {claim} 的封存副本无法写到 {path}（{why}）；{todo}。状态未改，请处理后再点『提交财务』",
    ),
}
