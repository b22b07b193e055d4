"""Writing cells, rows and notes as Excel would: values, text that stays text, protection, inserted and deleted rows."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import GradientFill, PatternFill, Protection

import macros
from neiqin.core.sheetio import as_text
from neiqin.engine import EngineError, open_book

from .conftest import TODAY, make_order_row, order_workbook, write_orders


def _rewrite(path: Path, change) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    change(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def run_validate(path: Path) -> macros.Summary:
    book = open_book(path)
    summary = macros.run("validate_orders", book, today=TODAY)
    book.save()
    return summary


# ----------------------------------------------------------------------------- B3, A6, C3: writing values


def test_writing_none_or_empty_text_clears_the_value_only(tmp_path: Path) -> None:
    path = tmp_path / "w.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"], ws["A2"], ws["B1"] = "old", "old", 5
    ws["A1"].fill = PatternFill("solid", fgColor="FFFFFF00")
    wb.save(path)
    book = open_book(path, engine="headless")
    sheet = book.sheets["S"]
    sheet.range("A1").value = None
    sheet.range("A2").value = ""
    sheet.range("B1:B1").value = [[None]]
    sheet.range("C9").value = None  # nothing there: nothing created
    assert sheet.range("A1:B2").value == [[None, None], [None, None]]
    book.save()
    ws = openpyxl.load_workbook(path)["S"]
    assert [ws["A1"].value, ws["A2"].value, ws["B1"].value] == [None, None, None]
    assert ws["A1"].fill.fgColor.rgb == "FFFFFF00"  # Excel's Value = Empty keeps the format
    assert ws.max_row == 2


def test_apostrophe_makes_text_as_in_excel(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    openpyxl.Workbook().save(path)
    book = open_book(path, engine="headless")
    sheet = book.sheets[0]
    sheet.range("A1:D1").value = [["'=见合同第3条", "'01020003", "=1+1", as_text("3/4")]]
    assert sheet.range("A1").value == "=见合同第3条"
    assert sheet.range("B1").value == "01020003"
    book.save()
    ws = openpyxl.load_workbook(path).active
    assert (ws["A1"].data_type, ws["A1"].value, ws["A1"].quotePrefix) == ("s", "=见合同第3条", True)
    assert (ws["B1"].data_type, ws["B1"].value) == ("s", "01020003")
    assert ws["C1"].data_type == "f"  # a formula written on purpose stays a formula, as in Excel
    assert ws["D1"].value == "3/4"
    again = open_book(path, engine="headless").sheets[0]
    assert again.range("A1:D1").value[:2] == ["=见合同第3条", "01020003"]


@pytest.mark.parametrize(
    ("text", "prefixed"),
    [
        ("=见合同", True),
        ("+86 21 5555", True),
        ("-", True),
        ("01020003", True),
        ("3/4", True),
        ("11-3", True),
        ("3月4日", True),
        ("TRUE", True),
        ("'abc", True),
        ("已确认", False),
        ("SO2611001", False),
        ("D5", False),
        ("#FFC7CE", False),
        ("YE3-100L1-4 2.2kW", False),
    ],
)
def test_as_text_protects_what_excel_would_retype(text: str, prefixed: bool) -> None:
    assert as_text(text) == ("'" + text if prefixed else text)
    assert as_text(5.0) == 5.0 and as_text(None) is None


def test_archived_text_that_starts_with_equals_stays_text(tmp_path: Path) -> None:
    done = dict(
        status="已完成",
        order_date=dt.datetime(2026, 1, 3),
        delivery_date=dt.datetime(2026, 1, 10),
        ship_date=dt.datetime(2026, 1, 10),
    )
    path = order_workbook(tmp_path / "a.xlsx", [make_order_row(order_id="SO1", note="=见合同第3条", **done)])
    wb = openpyxl.load_workbook(path)
    ws = wb["订单台账"]
    col = [c.value for c in ws[4]].index("备注") + 1
    ws.cell(5, col).data_type = "s"  # typed as '=见合同第3条
    wb.save(path)
    book = open_book(path, engine="headless")
    summary = macros.run("archive_orders", book, today=TODAY)
    assert summary.outcome not in ("failed", "error"), summary.message
    book.save()
    ws = openpyxl.load_workbook(path)["订单归档"]
    acol = [c.value for c in ws[4]].index("备注") + 1
    assert (ws.cell(5, acol).value, ws.cell(5, acol).data_type) == ("=见合同第3条", "s")


def test_control_characters_are_written_as_excel_escapes(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    openpyxl.Workbook().save(path)
    book = open_book(path, engine="headless")
    sheet = book.sheets[0]
    sheet.range("A1").value = "10\x0b台"
    sheet.range("A2").add_note("数量「10\x0b台」无法识别")
    book.save()
    assert open_book(path, engine="headless").sheets[0].range("A1").value == "10\x0b台"


def test_mark_a_cell_holding_a_control_character(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "o.xlsx", [make_order_row(quantity="10台")])

    def ctrl(parts: dict[str, bytes]) -> None:
        key = "xl/worksheets/sheet1.xml"
        parts[key] = parts[key].replace("10台".encode(), "10_x000B_台".encode())

    _rewrite(path, ctrl)
    summary = run_validate(path)
    assert summary.outcome != "error" and summary.errors >= 1


# ----------------------------------------------------------------------------- B9 protection


def test_protected_sheet_refuses_writes_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单台账"
    ws["A1"] = "locked"
    ws["B1"].protection = Protection(locked=False)
    ws.protection.sheet = True
    wb.save(path)
    book = open_book(path, engine="headless")
    sheet = book.sheets["订单台账"]
    with pytest.raises(EngineError, match=r"受保护.*撤消工作表保护"):
        sheet.range("A1").value = "changed"
    with pytest.raises(EngineError, match="受保护"):
        sheet.range("A1").color = "#FFC7CE"
    with pytest.raises(EngineError, match="受保护"):
        sheet.range("A2").clear_contents()
    sheet.range("B1").value = "an unlocked cell may be typed in"
    assert sheet.range("A1:B1").value == ["locked", "an unlocked cell may be typed in"]


def test_action_on_a_protected_ledger_fails_clearly(tmp_path: Path) -> None:
    path = order_workbook(tmp_path / "p.xlsx", [make_order_row(order_id="SO1", status="待确认")])
    wb = openpyxl.load_workbook(path)
    wb["订单台账"].protection.sheet = True
    wb.save(path)
    summary = macros.run("confirm_orders", open_book(path, engine="headless"), today=TODAY)
    assert summary.outcome == "failed"
    assert "撤消工作表保护" in summary.message


# ----------------------------------------------------------------------------- C1, C2, C4


def test_gradient_fill_reads_its_first_colour_and_can_be_marked(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "o.xlsx", [make_order_row(customer=None)])
    wb = openpyxl.load_workbook(path)
    wb["订单台账"]["D4"].fill = GradientFill(stop=("FF00B050", "FFFFFFFF"))
    wb.save(path)
    assert open_book(path, engine="headless").sheets[0].range("D4").color == (0, 176, 80)
    summary = run_validate(path)
    assert summary.outcome != "error" and summary.errors == 1


def test_note_on_a_merged_cell_goes_to_its_top_left_cell(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    wb = openpyxl.Workbook()
    wb.active.merge_cells("A1:A3")
    wb.save(path)
    book = open_book(path, engine="headless")
    book.sheets[0].range("A2").add_note("合并单元格")
    book.save()
    assert openpyxl.load_workbook(path).active["A1"].comment.text == "合并单元格"


def test_formula_cell_reads_after_its_sheet_was_renamed(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"], ws["A2"], ws["A3"] = 2, "=A1*2", "text"
    wb.save(path)
    book = open_book(path, engine="headless")
    sheet = book.sheets["S"]
    assert sheet.range("A3").value == "text"  # read once from the file under its old name
    sheet.name = "T"
    assert book.sheets["T"].range("A2").value in (None, 4.0, "=A1*2")  # no WorksheetNotFound
    assert book.sheets["T"].range("A1:A3").value[::2] == [2.0, "text"]


def test_formula_of_a_block_is_one_per_cell_as_in_excel(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["B1"] = 3, "=A1*2", "x"
    wb.save(path)
    sheet = open_book(path, engine="headless").sheets[0]
    assert sheet.range("A1:B2").formula == (("3", "x"), ("=A1*2", ""))
    assert sheet.range("A2").formula == "=A1*2"


# ----------------------------------------------------------------------------- A5 appending


def _task_line(ws, row: int) -> None:
    values = ["SO1", "MT-2200", "三相异步电机", "YE3", 10, dt.datetime(2026, 11, 20), dt.datetime(2026, 11, 5)]
    for col, value in enumerate(values, start=1):
        ws.cell(row, col, value)


def test_dispatch_appends_above_a_total_line(tmp_path: Path) -> None:
    orders = [make_order_row(order_id="SO1", status="已下达"), make_order_row(order_id="SO2")]
    path = order_workbook(tmp_path / "o.xlsx", orders)
    wb = openpyxl.load_workbook(path)
    ws = wb["生产任务单"]
    _task_line(ws, 5)
    ws["C6"], ws["E6"] = "合计", "=SUM(E5:E5)"
    ws["E9"] = "=E6*2"  # refers to the total line, which moves
    wb.save(path)
    book = open_book(path, engine="headless")
    macros.run("dispatch_orders", book, today=TODAY)
    book.save()
    ws = openpyxl.load_workbook(path)["生产任务单"]
    assert [ws["A5"].value, ws["A6"].value] == ["SO1", "SO2"]
    assert (ws["C7"].value, ws["E7"].value) == ("合计", "=SUM(E5:E5)")  # kept, one row lower
    assert ws["E10"].value == "=E7*2"
    assert ws.tables["tbl_production_tasks"].ref.endswith("6")


def test_dispatch_appends_inside_a_table_above_its_total_row(tmp_path: Path) -> None:
    path = order_workbook(tmp_path / "o.xlsx", [make_order_row(order_id="SO2")])
    wb = openpyxl.load_workbook(path)
    ws = wb["生产任务单"]
    table = ws.tables["tbl_production_tasks"]
    _task_line(ws, 5)
    ws["A6"], ws["E6"] = "汇总", "=SUBTOTAL(109,[数量])"
    table.ref = "A4:K6"
    table.autoFilter.ref = "A4:K5"
    table.totalsRowCount = 1
    wb.save(path)
    book = open_book(path, engine="headless")
    macros.run("dispatch_orders", book, today=TODAY)
    book.save()
    ws = openpyxl.load_workbook(path)["生产任务单"]
    table = ws.tables["tbl_production_tasks"]
    assert (table.ref, table.totalsRowCount) == ("A4:K7", 1)
    assert [ws["A5"].value, ws["A6"].value, ws["A7"].value] == ["SO1", "SO2", "汇总"]


def test_insert_rows_moves_references_tables_and_formats(tmp_path: Path) -> None:
    path = tmp_path / "i.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"], ws["A5"], ws["B5"], ws["C2"] = 1, 5, "=SUM(A1:A5)+A5+$A$1", "=A5"
    ws.merge_cells("D5:E6")
    other = wb.create_sheet("O")
    other["A1"] = "=S!A5+'S'!B5"
    wb.save(path)
    book = open_book(path, engine="headless")
    book.sheets["S"].range("3:4").insert("down")
    book.save()
    wb = openpyxl.load_workbook(path)
    ws = wb["S"]
    assert (ws["A7"].value, ws["B7"].value, ws["C2"].value) == (5, "=SUM(A1:A7)+A7+$A$1", "=A7")
    assert [str(r) for r in ws.merged_cells.ranges] == ["D7:E8"]
    assert wb["O"]["A1"].value == "=S!A7+'S'!B7"
