"""validate_orders end to end on real files: marks, the 校验结果 sheet, and the clerk's own data."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

import macros
from neiqin.core.marks import FILLS, NOTE_TITLE, REGISTRY_SHEET, RESULT_SHEET
from neiqin.engine import headless_caller, open_book

from .conftest import TODAY, cells, make_order_row, order_workbook, write_orders

ERROR_RGB = "FF" + FILLS["error"][1:]
WARNING_RGB = "FF" + FILLS["warning"][1:]


def run_validate(path: Path) -> macros.Summary:
    book = open_book(path)
    summary = macros.run("validate_orders", book, today=TODAY)
    book.save()
    return summary


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    rows = [
        make_order_row(),  # row 4
        make_order_row(order_id="SO2", customer=None),  # row 5: D5 error
        make_order_row(order_id="SO3", amount=1.0),  # row 6: M6 error
        make_order_row(order_id="SO4", quantity=-1, amount=-1850),  # row 7: K7 warning
    ]
    path = write_orders(tmp_path / "orders.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    ws = wb["订单台账"]
    ws["D5"].fill = PatternFill("solid", fgColor="FF00B050")  # the clerk's own green
    ws["D5"].comment = Comment("客户说下周补资料", "张三")
    ws["B4"].fill = PatternFill("solid", fgColor="FFFFFF00")  # unflagged, must never change
    wb.save(path)
    return path


def test_marks_fill_and_note_on_each_flagged_cell(ledger: Path) -> None:
    summary = run_validate(ledger)
    assert summary.outcome == "issues" and summary.errors == 2 and summary.warnings == 1
    ws = openpyxl.load_workbook(ledger)["订单台账"]
    assert ws["D5"].fill.fgColor.rgb == ERROR_RGB
    assert ws["M6"].fill.fgColor.rgb == ERROR_RGB
    assert ws["K7"].fill.fgColor.rgb == WARNING_RGB
    assert "客户名称」为必填项" in ws["D5"].comment.text
    assert ws["D5"].comment.text.startswith("客户说下周补资料")  # the clerk's note is kept first
    assert NOTE_TITLE in ws["M6"].comment.text and "金额" in ws["M6"].comment.text
    assert ws["B4"].fill.fgColor.rgb == "FFFFFF00"
    assert ws["A4"].comment is None


def test_result_sheet_lists_every_issue_with_a_link(ledger: Path) -> None:
    run_validate(ledger)
    wb = openpyxl.load_workbook(ledger)
    ws = wb[RESULT_SHEET]
    assert "共 3 条问题（错误 2 条，警告 1 条）" in ws["A2"].value
    assert [c.value for c in ws[4]] == ["序号", "工作表", "位置", "行", "列", "代码", "级别", "问题说明"]
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert [(r[3], r[4], r[5], r[6]) for r in body] == [
        (5, "客户名称", "LED-010", "错误"),
        (6, "金额", "ORD-003", "错误"),
        (7, "数量", "ORD-002", "警告"),
    ]
    assert body[0][2] == '=HYPERLINK("#\'订单台账\'!D5","D5")'
    assert wb[REGISTRY_SHEET].sheet_state == "hidden"


def test_rerun_replaces_marks_and_fixing_restores_the_clerks_fill_and_note(ledger: Path) -> None:
    run_validate(ledger)
    first = openpyxl.load_workbook(ledger)["订单台账"]["D5"].comment.text
    run_validate(ledger)  # unchanged ledger: identical marks, nothing doubled
    ws = openpyxl.load_workbook(ledger)["订单台账"]
    assert ws["D5"].comment.text == first
    assert ws["D5"].comment.text.count(NOTE_TITLE) == 1

    wb = openpyxl.load_workbook(ledger)
    ws = wb["订单台账"]
    ws["D5"] = "上海华东贸易有限公司"  # the clerk fixes the two errors
    ws["M6"] = 18500
    ws["M6"].fill = PatternFill("solid", fgColor="FF0070C0")  # and paints M6 blue herself
    wb.save(ledger)
    summary = run_validate(ledger)
    assert summary.errors == 0 and summary.warnings == 1
    ws = openpyxl.load_workbook(ledger)["订单台账"]
    assert ws["D5"].fill.fgColor.rgb == "FF00B050"  # the clerk's green is back
    assert ws["D5"].comment.text == "客户说下周补资料"
    assert ws["D5"].comment.author == "张三"
    assert ws["M6"].fill.fgColor.rgb == "FF0070C0"  # her own later change is left alone
    assert ws["M6"].comment is None
    assert ws["K7"].fill.fgColor.rgb == WARNING_RGB


def test_validation_changes_no_clerk_cell(ledger: Path) -> None:
    before = cells(ledger, "订单台账")
    run_validate(ledger)
    run_validate(ledger)
    assert cells(ledger, "订单台账") == before


def test_mark_limit_from_the_settings_sheet(tmp_path: Path) -> None:
    rows = [make_order_row(order_id=f"SO{i}", customer=None) for i in range(6)]
    path = write_orders(tmp_path / "o.xlsx", rows, extra_sheets={"设置": [["参数", "值"], ["标记上限", 2]]})
    summary = run_validate(path)
    assert summary.errors == 6
    assert any("超过『标记上限』的 4 个未标" in line for line in summary.details)
    ws = openpyxl.load_workbook(path)["订单台账"]
    marked = [r for r in range(4, 10) if ws[f"D{r}"].comment is not None]
    assert marked == [4, 5]
    result = openpyxl.load_workbook(path)[RESULT_SHEET]
    assert result.max_row == 4 + 6  # all six are still listed


def test_bad_setting_is_an_issue_on_the_settings_sheet(tmp_path: Path) -> None:
    path = write_orders(
        tmp_path / "o.xlsx", [make_order_row()], extra_sheets={"设置": [["参数", "值"], ["金额容差", "很小"]]}
    )
    summary = run_validate(path)
    (issue,) = summary.issues
    assert (issue.sheet, issue.row, issue.column, issue.col) == ("设置", 2, "金额容差", 2)


def test_ribbon_path_dispatch_through_headless_caller(ledger: Path) -> None:
    with headless_caller(ledger) as book:
        summary = macros.dispatch("validate_orders")
        assert book.app.impl.alerts and "校验订单" in book.app.impl.alerts[-1][0]
        book.save()
    assert summary.outcome == "issues"
    assert RESULT_SHEET in openpyxl.load_workbook(ledger).sheetnames


def test_engine_calls_same_for_100_and_10000_rows(tmp_path: Path) -> None:
    import neiqin

    defects = [
        make_order_row(order_id="X1", customer=None),
        make_order_row(order_id="X2", amount=1),
        make_order_row(order_id="X3", channel="QQ"),
    ]

    def calls(n: int) -> int:
        rows = [make_order_row(order_id=f"SO{i}") for i in range(n - len(defects))] + defects
        path = write_orders(tmp_path / f"o{n}.xlsx", rows)
        book = open_book(path)
        with neiqin.count_calls() as counted:
            summary = macros.run("validate_orders", book, today=TODAY)
        assert summary.rows == n and summary.errors == 3
        return sum(counted.values())

    assert calls(100) == calls(10_000)


# ----------------------------------------------------------------------------- A4 marks


def test_clerks_reply_under_neiqins_note_is_kept(tmp_path: Path) -> None:
    path = order_workbook(tmp_path / "o.xlsx", [make_order_row(order_id="SO1", customer=None)])
    wb = openpyxl.load_workbook(path)
    wb["订单台账"]["D5"].comment = Comment("客户名称待销售确认", "张三")
    wb.save(path)
    run_validate(path)
    wb = openpyxl.load_workbook(path)
    cell = wb["订单台账"]["D5"]
    cell.comment = Comment(cell.comment.text + "\n张三 11/27：已电话确认", "张三")
    wb.save(path)

    run_validate(path)  # still wrong: the reply stays, NeiQin's block is there once
    text = openpyxl.load_workbook(path)["订单台账"]["D5"].comment.text
    assert "张三 11/27：已电话确认" in text and "客户名称待销售确认" in text
    assert text.count(NOTE_TITLE) == 1

    wb = openpyxl.load_workbook(path)
    wb["订单台账"]["D5"] = "上海华东贸易有限公司"  # fixed: NeiQin's block goes, the clerk's text stays
    wb.save(path)
    run_validate(path)
    assert openpyxl.load_workbook(path)["订单台账"]["D5"].comment.text == "客户名称待销售确认\n张三 11/27：已电话确认"


def test_marks_follow_their_line_when_the_clerk_deletes_a_row(tmp_path: Path) -> None:
    rows = [
        make_order_row(order_id="SO1", customer=None),
        make_order_row(order_id="SO2", customer=None),
        make_order_row(order_id="SO3"),
    ]
    path = order_workbook(tmp_path / "o.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    wb["订单台账"]["D5"].fill = PatternFill("solid", fgColor="FFFFFF00")  # the clerk's yellow on SO1
    wb["订单台账"]["D6"].comment = Comment("SO2 客户待定", "张三")
    wb.save(path)
    run_validate(path)

    wb = openpyxl.load_workbook(path)
    ws = wb["订单台账"]
    ws.delete_rows(5)  # as Excel does: SO2 (values, fill, note) moves up to row 5
    ws["D5"] = "上海华东贸易有限公司"
    wb.save(path)
    run_validate(path)

    ws = openpyxl.load_workbook(path)["订单台账"]
    assert ws["A5"].value == "SO2"
    assert ws["D5"].fill.fill_type is None  # SO2 never had SO1's yellow
    assert ws["D5"].comment.text == "SO2 客户待定"  # SO2's own note is given back
    assert ws["A6"].value == "SO3" and ws["D6"].comment is None


def test_registry_keeps_a_note_starting_with_equals_as_text(tmp_path: Path) -> None:
    path = order_workbook(tmp_path / "o.xlsx", [make_order_row(order_id="SO1", customer=None)])
    wb = openpyxl.load_workbook(path)
    wb["订单台账"]["D5"].comment = Comment("=客户见合同附件第2页", "张三")
    wb.save(path)
    run_validate(path)
    reg = openpyxl.load_workbook(path)[REGISTRY_SHEET]
    assert (reg["D2"].value, reg["D2"].data_type) == ("=客户见合同附件第2页", "s")
    wb = openpyxl.load_workbook(path)
    wb["订单台账"]["D5"] = "上海华东贸易有限公司"
    wb.save(path)
    run_validate(path)
    assert openpyxl.load_workbook(path)["订单台账"]["D5"].comment.text == "=客户见合同附件第2页"
