"""Issue codes of 销售报表（制度二.3 / 四.3）: stable, documented in docs/issue-codes.md."""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class ReportCode(StrEnum):
    """销售报表（制度二.3 / 四.3）"""

    REP_MAP_COLUMN = "REP-001"
    REP_MAP_FILE = "REP-002"
    REP_NO_AMOUNT = "REP-003"
    REP_NO_DATE = "REP-004"
    REP_NOT_RECONCILED = "REP-005"
    REP_MAP_FIELD = "REP-006"


CODES: dict[ReportCode, CodeInfo] = {
    ReportCode.REP_MAP_COLUMN: CodeInfo(
        "error",
        "映射的列不存在",
        "映射文件把 {field}（{label}）对应到列「{column}」，但『{sheet}』的表头中没有这一列{suggestion}；"
        "请改正映射文件",
    ),
    ReportCode.REP_MAP_FILE: CodeInfo(
        "error",
        "映射文件无效",
        "映射文件 {path} 无法使用：{detail}；请改正映射文件（格式见 README『销售报表』）",
    ),
    ReportCode.REP_NO_AMOUNT: CodeInfo(
        "warning",
        "金额无法确定",
        "这一行没有金额，也无法用 数量×单价 算出，报表未计入；请补填「{column}」或数量和单价",
    ),
    ReportCode.REP_NO_DATE: CodeInfo(
        "warning",
        "缺少日期",
        "这一行没有接单日期，无法归入任何报告期，报表未计入；请补填「{column}」",
    ),
    ReportCode.REP_NOT_RECONCILED: CodeInfo(
        "error",
        "报表与数据源不一致",
        "报表核对不通过：{detail}；请勿使用本报表，并把数据文件发给管理员",
    ),
    ReportCode.REP_MAP_FIELD: CodeInfo(
        "error",
        "映射了未知字段",
        "映射文件中的字段 {field} 不是 NeiQin 的字段（可用：{known}）；请改正映射文件",
    ),
}
