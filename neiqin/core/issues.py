"""Findings as data: the Issue record and the one table of stable codes.

Every check in NeiQin returns Issues; none raises on bad data. A code never changes
meaning once released. The core owns the ``LED`` codes every ledger shares (reading,
required values, closed lists …); each ledger declares its own codes (``ORD``, ``EXP`` …)
in its package and registers them with :func:`register_codes` when it is declared.
:data:`CODES` is the one table of all of them; ``docs/issue-codes.md`` is generated from it
(``neiqin docs``) and a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

Severity = Literal["error", "warning"]


class Code(StrEnum):
    """The codes every ledger shares (prefix LED): reading a sheet and the schema's own checks."""

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


@dataclass(frozen=True, slots=True)
class CodeInfo:
    severity: Severity
    title: str  # short Chinese name of the rule
    template: str  # Chinese message; {placeholders} filled by the check; says what to do


_CORE: dict[Code, CodeInfo] = {
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
        "{letter} 列「{column}」与 {other_letter} 列「{other}」都表示{meaning}，只读取 {other_letter} 列；"
        "请删除或改名重复的列",
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
}


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding at the cell the clerk must look at."""

    sheet: str
    row: int  # the Excel row number the clerk sees (0 = the sheet as a whole)
    column: str  # the header text as it appears in the clerk's sheet ("" = the row)
    code: str  # a registered code (a StrEnum member: LED-010, ORD-003 …)
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


CODES: dict[str, CodeInfo] = dict(_CORE)  # every registered code, core first, then by ledger
OWNERS: dict[str, str] = dict.fromkeys(_CORE, "通用（所有台账）")  # code -> the ledger title that declared it


def register_codes(codes: Mapping[StrEnum, CodeInfo], owner: str) -> None:
    """Make a ledger's codes known (idempotent); a code value can only ever mean one thing."""
    for code, info in codes.items():
        known = CODES.get(code)
        if known is not None and (known != info or OWNERS.get(code) != owner):
            raise ValueError(f"issue code {code} registered twice ({OWNERS.get(code)} / {owner})")
        CODES[code] = info
        OWNERS[code] = owner


def make_issue(code: str, sheet: str, row: int, column: str, col: int = 0, **values: Any) -> Issue:
    """An Issue whose severity and message come from the code table."""
    try:
        info = CODES[code]
    except KeyError:
        raise KeyError(f"issue code {code} is not registered (declare it in its ledger's codes)") from None
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


GROUP_OVER = 100  # an issue repeated on more rows than this is one grouped finding (validate --json/text)


@dataclass(frozen=True)
class IssueGroup:
    """The same issue (sheet, column, code, severity) on many rows: the first one, how many, and the first rows.

    Its JSON form is the first issue's object (the contract's six fields, ``row`` = the first row,
    ``message`` = the first row's message) plus ``count`` (every row with it) and ``rows`` (the first
    :data:`GROUP_OVER` of them, in order).
    """

    first: Issue
    count: int
    rows: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.first.to_dict(), "count": self.count, "rows": list(self.rows)}


def group_issues(issues: Iterable[Issue], over: int = GROUP_OVER) -> list[Issue | IssueGroup]:
    """Issues in their order, each (sheet, column, code, severity) found on more than ``over`` rows made one
    :class:`IssueGroup` where its first issue was; ``over`` ≤ 0 groups nothing. Linear in the issue count."""
    issues = list(issues)
    if over <= 0:
        return list(issues)
    members: dict[tuple[str, str, str, str], list[Issue]] = {}
    for issue in issues:
        members.setdefault((issue.sheet, issue.column, str(issue.code), issue.severity), []).append(issue)
    big = {key: found for key, found in members.items() if len(found) > over}
    if not big:
        return issues
    out: list[Issue | IssueGroup] = []
    for issue in issues:
        key = (issue.sheet, issue.column, str(issue.code), issue.severity)
        found = big.get(key)
        if found is None:
            out.append(issue)
        elif found[0] is issue:
            out.append(IssueGroup(issue, len(found), tuple(i.row for i in found[:over])))
    return out


def docs_markdown() -> str:
    """The issue-code table for docs/issue-codes.md."""
    lines = [
        "# 问题代码 / Issue codes",
        "",
        "由 `neiqin docs` 生成，请勿手工编辑。每个台账在自己的包里声明代码（`validators/<台账>/codes.py`）。",
        "Generated by `neiqin docs` from the codes each ledger declares; do not edit by hand.",
        "",
        "每条问题都有：工作表 `sheet`、Excel 行号 `row`、列名 `column`（表头原文）、代码 `code`、",
        "级别 `severity`（`error` 错误 / `warning` 警告）和中文说明 `message`。",
        "有错误时 `neiqin validate` 以退出码 1 结束；只有警告时为 0。",
        "",
    ]
    owners: dict[str, list[str]] = {}
    for code in CODES:
        owners.setdefault(OWNERS.get(code, ""), []).append(code)
    for owner, codes in owners.items():
        lines += ["", f"## {owner}", "", "| 代码 | 级别 | 规则 | 说明模板（{…} 为具体内容） |", "|---|---|---|---|"]
        for code in sorted(codes):
            info = CODES[code]
            level = "错误" if info.severity == "error" else "警告"
            template = info.template.replace("|", "\\|")
            lines.append(f"| `{code}` | {level} | {info.title} | {template} |")
    return "\n".join(lines) + "\n"
