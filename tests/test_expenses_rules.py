"""费用报销单 checks, one parametrised table per rule, on real .xlsx files read through the engine.

Each row of a table: (form overrides or line overrides, the (code, column) pairs expected).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from validators.expenses import ExpenseCode

from .expense_factory import D, checked, form_file, make_expense_form, make_line

ROW_OF_FIRST_LINE = 8  # the template's lines table starts at row 8


def found(tmp_path: Path, form: dict[str, Any], **kwargs: Any) -> set[tuple[str, str]]:
    issues = checked(form_file(tmp_path / "claim.xlsx", form, **kwargs))
    return {(str(i.code), i.column) for i in issues}


def one_line_form(gross: float, **line: Any) -> dict[str, Any]:
    """A form with one 无发票 line of ``gross`` (no tax, no limit), totals consistent."""
    from neiqin.core.rmb import to_upper

    item = make_line(
        category="其他", kind="无发票", code=None, number=None, net=None, rate=None, tax=None, gross=gross, note="杂费"
    )
    item.update(line)
    return make_expense_form(lines=[item], attachments=0, total=gross, total_upper=to_upper(gross))


def test_the_sample_form_is_clean(tmp_path: Path) -> None:
    assert found(tmp_path, make_expense_form()) == set()


def test_labels_are_found_after_the_clerk_inserts_rows(tmp_path: Path) -> None:
    form = make_expense_form(claimant=None)
    issues = checked(form_file(tmp_path / "moved.xlsx", form, insert_rows=3))
    assert [(str(i.code), i.cell) for i in issues] == [("LED-010", "E7")]  # 报销人 moved from E4 to E7


# --------------------------------------------------------------------------- header fields and approvals


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"claimant": None}, {("LED-010", "报销人")}),
        ({"claim_id": None}, {("LED-010", "报销单号")}),
        ({"purpose": "  "}, {("LED-010", "事由")}),
        ({"claim_date": "2026-02-30"}, {("LED-012", "报销日期")}),
        ({"claim_date": "下周一"}, {("LED-011", "报销日期")}),
        ({"claim_date": "#N/A"}, {("LED-014", "报销日期")}),
        ({"attachments": "三张"}, {("LED-013", "附件张数")}),
        ({"total_upper": 1409.5}, {("EXP-016", "合计(大写)")}),
        ({"total": "一千四百零九元五角"}, {("LED-013", "合计(小写)")}),  # 小写 is a number
        ({"rank": "实习生"}, {("LED-016", "职级")}),
        ({"status": "处理中"}, {("LED-016", "状态")}),
        ({"approver": "王磊"}, {("EXP-005", "部门负责人")}),
        ({"approver": None}, {("EXP-006", "部门负责人")}),
        ({"approval_date": None}, {("EXP-006", "部门审批日期")}),
        ({"approver": None, "approval_date": None}, {("EXP-006", "部门负责人"), ("EXP-006", "部门审批日期")}),
        ({"attachments": 2}, {("EXP-022", "附件张数")}),
        ({"attachments": 4}, set()),
        ({"lines": []}, {("EXP-003", "费用明细")}),
    ],
)
def test_header_fields(tmp_path: Path, overrides: dict[str, Any], expected: set[tuple[str, str]]) -> None:
    form = make_expense_form(**overrides)
    if "lines" in overrides:
        form.update(total=None, total_upper=None, attachments=0)
    assert found(tmp_path, form) == expected


def test_issue_is_at_the_value_cell_with_a_message_saying_what_to_do(tmp_path: Path) -> None:
    issues = checked(form_file(tmp_path / "c.xlsx", make_expense_form(approver="王磊")))
    (issue,) = issues
    assert (issue.sheet, issue.cell, issue.column) == ("费用报销单", "B22", "部门负责人")
    assert "王磊" in issue.message and "请" in issue.message


def test_a_missing_label_is_reported(tmp_path: Path) -> None:
    import openpyxl

    path = form_file(tmp_path / "c.xlsx", make_expense_form())
    wb = openpyxl.load_workbook(path)
    wb["费用报销单"]["D5"] = None  # the 附件张数 label
    wb.save(path)
    assert {(str(i.code), i.column) for i in checked(path)} == {("EXP-001", "附件张数")}


# --------------------------------------------------------------------------- invoices

NUMERAL_20 = "26312000000012345678"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ({"kind": "电子发票(数电)", "code": None, "number": NUMERAL_20}, set()),
        ({"kind": "电子发票（数电）", "code": None, "number": NUMERAL_20}, set()),  # full-width brackets
        ({"kind": "电子发票(数电)", "code": None, "number": NUMERAL_20[:-1]}, {("EXP-007", "发票号码")}),
        ({"kind": "电子发票(数电)", "code": None, "number": "25" + NUMERAL_20[2:]}, {("EXP-010", "发票号码")}),
        ({"kind": "电子发票(数电)", "code": "3100231130", "number": NUMERAL_20}, {("EXP-008", "发票代码")}),
        ({"kind": "电子发票(数电)", "code": None, "number": 2.6312000000012346e19}, {("EXP-007", "发票号码")}),
        ({"kind": "增值税专用发票", "code": 3.1002311301e15, "number": "01234567"}, {("EXP-008", "发票代码")}),
        ({"kind": "增值税专用发票", "code": None, "number": NUMERAL_20}, {("EXP-009", "发票类型")}),
        ({"kind": "增值税专用发票", "code": "31002311301", "number": "01234567"}, {("EXP-008", "发票代码")}),
        ({"kind": "增值税专用发票", "code": "3100231130", "number": "1234567"}, {("EXP-007", "发票号码")}),
        ({"kind": "增值税专用发票", "code": "3100231130", "number": "0123456A"}, {("EXP-007", "发票号码")}),
        ({"kind": "增值税普通发票", "code": "031001900111", "number": "01234567"}, set()),
        ({"kind": "增值税普通发票", "code": None, "number": "01234567"}, {("EXP-008", "发票代码")}),
        ({"kind": "增值税普通发票", "code": "031001900111", "number": None}, {("EXP-007", "发票号码")}),
        ({"kind": "无发票", "code": None, "number": "01234567", "note": "出租车"}, {("EXP-009", "发票类型")}),
        ({"kind": "支付宝截图"}, {("LED-016", "发票类型")}),
    ],
)
def test_invoice_code_and_number_agree_with_the_type(
    tmp_path: Path, line: dict[str, Any], expected: set[tuple[str, str]]
) -> None:
    lines = [make_line(**line)]
    form = make_expense_form(lines=lines, total=900.0, total_upper="玖佰元整", attachments=1)
    assert found(tmp_path, form) == expected


def test_a_line_without_invoice_needs_a_note(tmp_path: Path) -> None:
    assert found(tmp_path, one_line_form(35.0, note=None)) == {("EXP-011", "说明")}
    assert found(tmp_path, one_line_form(35.0, note="过路费，无发票")) == set()


def test_the_same_invoice_twice_in_one_form(tmp_path: Path) -> None:
    lines = [make_line(gross=450.0, net=424.53, tax=25.47), make_line(gross=450.0, net=424.53, tax=25.47)]
    form = make_expense_form(lines=lines, total=900.0, total_upper="玖佰元整", attachments=2)
    issues = checked(form_file(tmp_path / "c.xlsx", form))
    assert [(str(i.code), i.cell) for i in issues] == [("EXP-023", f"H{ROW_OF_FIRST_LINE + 1}")]
    assert f"第 {ROW_OF_FIRST_LINE} 行" in issues[0].message


# --------------------------------------------------------------------------- tax


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ({"rate": 0.06, "tax": 50.94}, set()),
        ({"rate": 6, "tax": 50.94}, set()),  # typed as 6 without the % sign
        ({"rate": "6%", "tax": 50.94}, set()),
        ({"rate": 0.07, "tax": 59.43, "net": 840.57}, {("EXP-012", "税率")}),
        ({"rate": 0.06, "tax": 50.95, "gross": 900.01}, set()),  # within 0.01
        ({"rate": 0.06, "tax": 60.0, "gross": 909.06}, {("EXP-013", "税额"), ("EXP-015", "合计(小写)")}),
        ({"rate": 0.06, "tax": 50.94, "gross": 910.0}, {("EXP-014", "价税合计"), ("EXP-015", "合计(小写)")}),
        (
            {"rate": None, "tax": None, "net": None},
            {("LED-010", "税率"), ("LED-010", "税额"), ("LED-010", "不含税金额")},
        ),
        ({"gross": "见发票"}, {("LED-013", "价税合计")}),
    ],
)
def test_tax(tmp_path: Path, line: dict[str, Any], expected: set[tuple[str, str]]) -> None:
    form = make_expense_form(lines=[make_line(**line)], total=900.0, total_upper="玖佰元整", attachments=1)
    assert found(tmp_path, form) == expected


# --------------------------------------------------------------------------- totals and 大写


@pytest.mark.parametrize(
    ("amount", "upper", "expected"),
    [
        (1409.50, "壹仟肆佰零玖元伍角", None),
        (1409.50, "壹仟肆佰零玖元伍角整", None),
        (6007.14, "陆仟零柒元壹角肆分", None),
        (1680.32, "壹仟陆佰捌拾元叁角贰分", None),
        (1680.32, "壹仟陆佰捌拾元零叁角贰分", None),
        (1680.32, "人民币壹仟陆佰捌拾元零叁角贰分", None),
        (1000.0, "壹仟元整", None),
        (1000.0, "壹仟元正", None),
        (1409.50, "壹仟肆佰玖元伍角", "EXP-016"),
        (6007.14, "陆仟柒元壹角肆分", "EXP-016"),
        (1409.50, "一千四百零九元五角", "EXP-016"),
        (1409.50, "1409.50", "EXP-016"),
        (1409.50, "壹仟肆佰零玖元", "EXP-017"),
        (1680.32, "壹仟陆佰捌拾元整", "EXP-017"),
        (1409.50, None, "LED-010"),
    ],
)
def test_upper_case_total(tmp_path: Path, amount: float, upper: str | None, expected: str | None) -> None:
    from neiqin.core.rmb import to_upper

    form = one_line_form(amount)
    form["total_upper"] = upper
    issues = checked(form_file(tmp_path / "c.xlsx", form))
    assert [str(i.code) for i in issues] == ([expected] if expected else [])
    if expected in ("EXP-016", "EXP-017"):
        assert issues[0].column == "合计(大写)" and issues[0].cell == "E20"
        assert f"『{to_upper(amount)}』" in issues[0].message  # names the correct text


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (1409.50, set()),
        (1409.51, set()),  # within the 0.01 tolerance
        (1400.0, {("EXP-015", "合计(小写)"), ("EXP-017", "合计(大写)")}),  # 大写 agrees with 小写, not the lines
        (None, {("LED-010", "合计(小写)")}),
    ],
)
def test_lower_case_total_is_the_sum_of_the_lines(
    tmp_path: Path, total: float | None, expected: set[tuple[str, str]]
) -> None:
    form = make_expense_form(total=total)
    if total == 1409.51:
        form["total_upper"] = "壹仟肆佰零玖元伍角壹分"
    assert found(tmp_path, form) == expected


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (D(2026, 11, 10), set()),
        (D(2026, 11, 20), set()),  # the claim's own day
        (D(2026, 11, 22), {("EXP-018", "日期")}),  # after 报销日期 (2026-11-20)
        (D(2026, 11, 30), {("EXP-019", "日期")}),  # after today (2026-11-26)
        (D(2026, 5, 24), set()),  # 180 days before 报销日期: the last day allowed
        (D(2026, 5, 23), {("EXP-020", "日期")}),
        ("2026/11/10", set()),
        ("2026-11-31", {("LED-012", "日期")}),
        (None, {("LED-010", "日期")}),
    ],
)
def test_invoice_dates(tmp_path: Path, date: Any, expected: set[tuple[str, str]]) -> None:
    line = make_line(date=date)
    form = make_expense_form(lines=[line], total=900.0, total_upper="玖佰元整", attachments=1)
    assert found(tmp_path, form) == expected


# --------------------------------------------------------------------------- limits (报销标准)


def limit_form(*lines: dict[str, Any], rank: str = "员工") -> dict[str, Any]:
    from neiqin.core.rmb import to_upper

    total = round(sum(line["gross"] for line in lines), 2)
    return make_expense_form(
        rank=rank,
        lines=list(lines),
        total=total,
        total_upper=to_upper(total),
        attachments=sum(1 for line in lines if line["kind"] != "无发票"),
    )


def hotel(gross: float, days: int | None = 1, city: str | None = "上海", **kw: Any) -> dict[str, Any]:
    net = round(gross / 1.06, 2)
    return make_line(gross=gross, net=net, tax=round(gross - net, 2), days=days, city=city, **kw)


def no_invoice(category: str, gross: float, date: dt.datetime = D(2026, 11, 10), city: str = "上海") -> dict[str, Any]:
    return make_line(
        category=category,
        kind="无发票",
        code=None,
        number=None,
        net=None,
        rate=None,
        tax=None,
        gross=gross,
        note="按标准",
        date=date,
        city=city,
        days=None,
    )


@pytest.mark.parametrize(
    ("lines", "rank", "expected"),
    [
        ([hotel(500.0)], "员工", set()),  # 员工, 一类城市: 500 per night
        ([hotel(600.0)], "员工", {("EXP-021", "价税合计")}),
        ([hotel(600.0)], "主管", set()),
        ([hotel(900.0, days=2)], "员工", set()),
        ([hotel(1100.0, days=2)], "员工", {("EXP-021", "价税合计")}),
        ([hotel(400.0, city="杭州")], "员工", set()),  # 二类城市: 400
        ([hotel(450.0, city="杭州")], "员工", {("EXP-021", "价税合计")}),
        ([hotel(300.0, city="张家界")], "员工", {("EXP-026", "城市")}),  # unlisted: 三类城市 (300), warned
        ([hotel(350.0, city="张家界")], "员工", {("EXP-026", "城市"), ("EXP-021", "价税合计")}),
        ([hotel(300.0, city=None)], "员工", {("LED-010", "城市")}),
        ([no_invoice("伙食补助", 60.0), no_invoice("伙食补助", 50.0)], "员工", {("EXP-021", "价税合计")}),
        ([no_invoice("伙食补助", 60.0), no_invoice("伙食补助", 40.0, D(2026, 11, 11))], "员工", set()),
        ([no_invoice("业务招待", 500.0)], "员工", set()),
        ([no_invoice("业务招待", 501.0)], "员工", {("EXP-021", "价税合计")}),
        ([no_invoice("业务招待", 1500.0)], "经理", set()),
        ([no_invoice("通讯", 150.0), no_invoice("通讯", 100.0, D(2026, 11, 1))], "员工", {("EXP-021", "价税合计")}),
        ([no_invoice("通讯", 150.0), no_invoice("通讯", 100.0, D(2026, 10, 1))], "员工", set()),
        ([no_invoice("差旅交通", 5000.0)], "员工", set()),  # no standard: not limited
        ([hotel(500.0, days=0)], "员工", {("LED-015", "天数")}),
        ([hotel(500.0, days=1.5)], "员工", {("LED-015", "天数")}),
    ],
)
def test_limits(tmp_path: Path, lines: list[dict[str, Any]], rank: str, expected: set[tuple[str, str]]) -> None:
    assert found(tmp_path, limit_form(*lines, rank=rank)) == expected


def test_over_limit_message_states_the_limit_and_the_excess(tmp_path: Path) -> None:
    issues = checked(form_file(tmp_path / "c.xlsx", limit_form(hotel(1100.0, days=2))))
    (issue,) = issues
    assert issue.cell == f"L{ROW_OF_FIRST_LINE}"
    assert "500.00" in issue.message and "× 2 天 = 1,000.00" in issue.message and "超出 100.00 元" in issue.message


def test_without_the_standards_sheet_limits_are_not_checked_but_said(tmp_path: Path) -> None:
    got = found(tmp_path, limit_form(hotel(2000.0)), standards=False)
    assert got == {(str(ExpenseCode.EXP_NO_STANDARDS), "")}
