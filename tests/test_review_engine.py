"""Regressions from the code review: saving, marks, appending, text written as text, protection."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import GradientFill, PatternFill, Protection

import macros
from neiqin.app.cli import main
from neiqin.core.marks import NOTE_TITLE, REGISTRY_SHEET
from neiqin.core.sheetio import as_text
from neiqin.engine import EngineError, ooxml, open_book

from .conftest import TODAY, XLWINGS_XLSM, make_order_row, order_workbook, write_orders

THREADED = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">
<threadedComment ref="K4" dT="2026-11-20T10:00:00.00" personId="{11111111-1111-1111-1111-111111111111}"
 id="{22222222-2222-2222-2222-222222222222}"><text>数量请与客户再确认</text></threadedComment>
<threadedComment ref="K4" dT="2026-11-21T09:00:00.00" personId="{11111111-1111-1111-1111-111111111111}"
 id="{33333333-3333-3333-3333-333333333333}" parentId="{22222222-2222-2222-2222-222222222222}">
<text>已确认，10 台</text></threadedComment></ThreadedComments>""".encode()
PERSONS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">
<person displayName="张三" id="{11111111-1111-1111-1111-111111111111}" userId="zs" providerId="None"/>
</personList>""".encode()
TC_REL = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"


def _rewrite(path: Path, change) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    change(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def _with_threaded_comments(path: Path) -> Path:
    """Add an Excel 365 threaded comment with a reply (which openpyxl cannot keep) to sheet1."""

    def change(parts: dict[str, bytes]) -> None:
        parts["xl/threadedComments/threadedComment1.xml"] = THREADED
        parts["xl/persons/person.xml"] = PERSONS
        parts["xl/worksheets/_rels/sheet1.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rIdT1" Type="{TC_REL}" Target="../threadedComments/threadedComment1.xml"/>'
            "</Relationships>"
        ).encode()
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/threadedComments/threadedComment1.xml" '
            b'ContentType="application/vnd.ms-excel.threadedcomments+xml"/>'
            b'<Override PartName="/xl/persons/person.xml" ContentType="application/vnd.ms-excel.person+xml"/></Types>',
        )

    _rewrite(path, change)
    return path


def run_validate(path: Path) -> macros.Summary:
    book = open_book(path)
    summary = macros.run("validate_orders", book, today=TODAY)
    book.save()
    return summary


# ----------------------------------------------------------------------------- A2 losses on save


def test_save_that_loses_threaded_comments_keeps_a_backup_and_says_so(tmp_path: Path, capsys) -> None:
    path = _with_threaded_comments(write_orders(tmp_path / "o.xlsx", [make_order_row(customer=None)]))
    original = path.read_bytes()
    assert ooxml.inventory(path)["新式批注（含回复）"] == 2

    code = main(["validate", str(path), "--mark", "--today", "2026-11-26"])
    assert code == 1
    err = capsys.readouterr().err
    backup = tmp_path / "o.neiqin-backup.xlsx"
    assert backup.read_bytes() == original  # the clerk's original, untouched
    assert "新式批注（含回复） 2 个" in err and str(backup) in err and "另行备份" not in err
    assert NOTE_TITLE in openpyxl.load_workbook(path)["订单台账"]["D4"].comment.text  # the result is saved

    # a second loss never overwrites the first backup
    _with_threaded_comments(path)
    assert main(["validate", str(path), "--mark", "--today", "2026-11-26"]) == 1
    assert backup.read_bytes() == original
    assert (tmp_path / "o.neiqin-backup-2.xlsx").exists()


def test_run_with_out_leaves_the_original_and_says_so(tmp_path: Path, capsys) -> None:
    path = _with_threaded_comments(write_orders(tmp_path / "o.xlsx", [make_order_row()]))
    original = path.read_bytes()
    out = tmp_path / "out.xlsx"
    assert main(["run", "overdue_alert", str(path), "--out", str(out), "--today", "2026-11-26"]) == 0
    err = capsys.readouterr().err
    assert f"原文件 {path} 未改动" in err
    assert path.read_bytes() == original
    assert not list(tmp_path.glob("*neiqin-backup*"))


def test_vba_signature_relationship_survives_a_save(tmp_path: Path) -> None:
    path = tmp_path / "signed.xlsm"
    path.write_bytes(XLWINGS_XLSM.read_bytes())
    sig_rel = "http://schemas.microsoft.com/office/2006/relationships/vbaProjectSignature"

    def sign(parts: dict[str, bytes]) -> None:
        parts["xl/vbaProjectSignature.bin"] = b"\x01" * 64
        parts["xl/_rels/vbaProject.bin.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{sig_rel}" Target="vbaProjectSignature.bin"/></Relationships>'
        ).encode()
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/vbaProjectSignature.bin" '
            b'ContentType="application/vnd.ms-office.vbaProjectSignature"/></Types>',
        )

    _rewrite(path, sign)
    assert ooxml.inventory(path)["宏代码的数字签名"] == 1
    book = open_book(path, engine="headless")
    book.sheets[0].range("A1").value = "x"
    book.save()
    assert book.impl.save_warnings == [] and book.impl.save_backup is None
    with zipfile.ZipFile(path) as zf:
        assert b'Target="vbaProjectSignature.bin"' in zf.read("xl/_rels/vbaProject.bin.rels")
        assert zf.read("xl/vbaProjectSignature.bin") == b"\x01" * 64
        assert b"/xl/vbaProjectSignature.bin" in zf.read("[Content_Types].xml")


def test_removing_its_own_note_is_no_lost_note(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "o.xlsx", [make_order_row(amount=17000.0)])
    run_validate(path)
    wb = openpyxl.load_workbook(path)
    wb["订单台账"]["M4"] = 18500
    wb.save(path)
    book = open_book(path)
    macros.run("validate_orders", book, today=TODAY)
    book.save()
    assert openpyxl.load_workbook(path)["订单台账"]["M4"].comment is None
    assert book.impl.save_warnings == []


# ----------------------------------------------------------------------------- A7 lost update


def test_save_refuses_to_overwrite_a_file_changed_since_open(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "o.xlsx", [make_order_row()])
    book = open_book(path, engine="headless")
    book.sheets[0].range("A30").value = "NeiQin"
    wb = openpyxl.load_workbook(path)
    wb["订单台账"]["A6"] = "SO2 clerk's line"
    wb.save(path)
    os.utime(path, ns=(1, 1))  # however fast the clerk was: the file is not the one NeiQin read
    with pytest.raises(EngineError, match="被修改过"):
        book.save()
    assert openpyxl.load_workbook(path)["订单台账"]["A6"].value == "SO2 clerk's line"
    book.save(tmp_path / "copy.xlsx")  # saving elsewhere is fine


def test_save_refuses_while_excel_has_the_file_open(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "o.xlsx", [make_order_row()])
    (tmp_path / "~$o.xlsx").write_bytes(b"\x00")
    book = open_book(path, engine="headless")
    book.sheets[0].range("A30").value = "NeiQin"
    with pytest.raises(EngineError, match="正在 Excel 中打开"):
        book.save()


def test_saving_twice_in_one_session_is_no_conflict(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "o.xlsx", [make_order_row()])
    book = open_book(path, engine="headless")
    book.sheets[0].range("A30").value = 1
    book.save()
    book.sheets[0].range("A31").value = 2
    book.save()
    assert openpyxl.load_workbook(path)["订单台账"]["A31"].value == 2


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


# ----------------------------------------------------------------------------- B1 formula results after a save


def _with_results(path: Path, results: dict[str, str], sheet: str | None = None) -> Path:
    """Give formula cells the cached results Excel would have saved (openpyxl writes none)."""
    with zipfile.ZipFile(path) as zf:
        key = ooxml.sheet_parts(zf)[sheet] if sheet else "xl/worksheets/sheet1.xml"

    def change(parts: dict[str, bytes]) -> None:
        data = parts[key].decode()
        for ref, value in results.items():
            start = data.index(f'<c r="{ref}"')
            end = data.index("</c>", start)
            data = data[:start] + data[start:end].replace("<v />", f"<v>{value}</v>").replace("<v/>", "") + data[end:]
        parts[key] = data.encode()

    _rewrite(path, change)
    return path


def test_formula_results_survive_a_save_unless_neiqin_changed_their_inputs(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"], ws["A2"], ws["B1"], ws["B2"] = 2, "=A1*2", 3, "=B1*2"
    ws["C1"], ws["D1"], ws["E1"] = "=A2+1", "=B2+1", "=SUM(A1:A2)"
    ws["F1"], ws["F2"] = dt.datetime(2026, 11, 3), "=F1+17"
    ws["F2"].number_format = "yyyy-mm-dd"
    wb.save(path)
    _with_results(path, {"A2": "4", "B2": "6", "C1": "5", "D1": "7", "E1": "6", "F2": "46346"})
    assert open_book(path, engine="headless").sheets["S"].range("A2").value == 4.0

    book = open_book(path, engine="headless")
    book.sheets["S"].range("B1").value = 10  # B2 and D1 now depend on what NeiQin wrote
    book.sheets.add("报表").range("A1").value = "x"
    book.save()
    sheet = open_book(path, engine="headless").sheets["S"]
    assert sheet.range("A2").value == 4.0
    assert sheet.range("C1").value == 5.0  # through another unchanged formula
    assert sheet.range("E1").value == 6.0
    assert sheet.range("F2").value == dt.datetime(2026, 11, 20)
    assert sheet.range("B2").value is None and sheet.range("D1").value is None  # Excel recalculates these
    assert openpyxl.load_workbook(path)["S"]["B2"].value == "=B1*2"  # the formulas themselves are intact


def test_dispatch_keeps_the_results_of_a_delivery_date_formula(tmp_path: Path) -> None:
    rows = [make_order_row(order_id=f"SO{i}", status="已确认") for i in range(1, 4)]
    path = order_workbook(tmp_path / "o.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    ws = wb["订单台账"]
    col = [c.value for c in ws[4]].index("交货日期") + 1
    letter = openpyxl.utils.get_column_letter(col)
    for r in (5, 6, 7):
        ws[f"{letter}{r}"] = f"=B{r}+17"
        ws[f"{letter}{r}"].number_format = "yyyy-mm-dd"
    wb.save(path)
    _with_results(path, {f"{letter}{r}": "46346" for r in (5, 6, 7)}, "订单台账")
    book = open_book(path, engine="headless")
    summary = macros.run("dispatch_orders", book, today=TODAY)
    assert summary.outcome not in ("failed", "error"), summary.message
    book.save()
    sheet = open_book(path, engine="headless").sheets["订单台账"]
    assert sheet.range((5, col), (7, col)).value == [dt.datetime(2026, 11, 20)] * 3


def test_a_shown_note_stays_shown_after_a_save(tmp_path: Path) -> None:
    path = tmp_path / "n.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B2"], ws["C3"] = "y", "z"
    ws["B2"].comment = Comment("置顶提醒：本月起交期按合同", "张三")
    ws["C3"].comment = Comment("普通批注", "张三")
    wb.save(path)

    def show_b2(parts: dict[str, bytes]) -> None:
        vml = next(n for n in parts if n.endswith(".vml"))
        first, rest = parts[vml].split(b"visibility:hidden", 1)
        parts[vml] = first + b"width:300px;height:120px;z-index:1;visibility:visible" + rest

    _rewrite(path, show_b2)
    book = open_book(path, engine="headless")
    book.sheets[0].range("A1").value = "x"
    book.sheets[0].range("C3").note.text = "NeiQin 改过的批注"
    book.save()
    with zipfile.ZipFile(path) as zf:
        vml = b"".join(zf.read(n) for n in zf.namelist() if n.endswith(".vml"))
    assert vml.count(b"visibility:visible") == 1 and b"width:300px;height:120px" in vml
    assert vml.count(b"visibility:hidden") == 1


def test_run_out_into_a_missing_folder_names_that_folder(tmp_path: Path, capsys) -> None:
    path = write_orders(tmp_path / "o.xlsx", [make_order_row()])
    missing = tmp_path / "nope" / "x.xlsx"
    assert main(["run", "overdue_alert", str(path), "--out", str(missing), "--today", "2026-11-26"]) == 2
    err = capsys.readouterr().err
    assert f"保存位置 {missing.parent} 不存在" in err and ".x." not in err


def test_deleting_rows_moves_references_and_shrinks_tables(tmp_path: Path) -> None:
    path = tmp_path / "d.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for r in range(1, 8):
        ws.cell(r, 1, r)
        ws.cell(r, 2, f"=A{r}*2")
    ws["C1"], ws["C2"] = "=SUM(A2:A7)", "=A4"
    ws["D6"].hyperlink = "https://example.com"
    ws.merge_cells("E6:F7")
    from openpyxl.worksheet.table import Table

    ws.add_table(Table(displayName="T1", ref="G1:H7"))
    wb.create_sheet("O")["A1"] = "=S!A6"
    wb.save(path)
    book = open_book(path, engine="headless")
    book.sheets["S"].range("3:4").delete()
    book.save()
    wb = openpyxl.load_workbook(path)
    ws = wb["S"]
    assert [ws.cell(r, 1).value for r in range(1, 6)] == [1, 2, 5, 6, 7]
    assert ws["B4"].value == "=A4*2"  # the moved line's own formula follows it
    assert (ws["C1"].value, ws["C2"].value) == ("=SUM(A2:A5)", "=#REF!")
    assert wb["O"]["A1"].value == "=S!A4"
    assert ws["D4"].hyperlink.ref == "D4"
    assert [str(r) for r in ws.merged_cells.ranges] == ["E4:F5"]
    assert ws.tables["T1"].ref == "G1:H5"


def test_shifting_part_of_a_table_is_refused_as_in_excel(tmp_path: Path) -> None:
    path = order_workbook(tmp_path / "o.xlsx", [make_order_row(order_id="SO1"), make_order_row(order_id="SO2")])
    book = open_book(path, engine="headless")
    with pytest.raises(EngineError, match="请删除整行"):
        book.sheets["订单台账"].range("A5:C5").delete()


def test_a_clerks_own_sheet_named_like_a_report_is_not_wiped(tmp_path: Path) -> None:
    path = order_workbook(tmp_path / "o.xlsx", [make_order_row(order_id="SO1")])
    wb = openpyxl.load_workbook(path)
    own = wb.create_sheet("逾期预警")
    own["A1"], own["B2"] = "我自己的逾期跟踪", "客户A 已催"
    wb.save(path)
    book = open_book(path, engine="headless")
    summary = macros.run("overdue_alert", book, today=TODAY)
    assert summary.outcome == "failed" and "改名" in summary.message
    assert book.sheets["逾期预警"].range("B2").value == "客户A 已催"

    wb = openpyxl.load_workbook(path)
    wb["逾期预警"].title = "我的跟踪"
    wb.save(path)
    book = open_book(path, engine="headless")
    assert macros.run("overdue_alert", book, today=TODAY).outcome != "failed"
    book.save()
    book = open_book(path, engine="headless")  # NeiQin's own sheet is replaced on the next run
    assert macros.run("overdue_alert", book, today=TODAY).outcome != "failed"


def test_text_formatted_cells_get_text_as_written(tmp_path: Path) -> None:
    from neiqin.core.sheetio import write_cells

    path = tmp_path / "t.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"].number_format = "@"
    wb.save(path)
    book = open_book(path, engine="headless")
    sheet = book.sheets[0]
    write_cells(sheet, {(1, 1): "=见合同", (1, 2): "=见合同"})
    book.save()
    ws = openpyxl.load_workbook(path).active
    assert (ws["A1"].value, ws["A1"].data_type, ws["A1"].quotePrefix) == ("=见合同", "s", False)  # no apostrophe
    assert (ws["B1"].value, ws["B1"].data_type, ws["B1"].quotePrefix) == ("=见合同", "s", True)


def test_a_write_checks_only_the_merged_areas_it_reaches(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 200, 2):
        ws.merge_cells(f"A{r}:A{r + 1}")  # a vertically merged 订单编号 on every other row
    wb.save(path)
    sheet = open_book(path).sheets[0]
    sheet["B1:B4"].value = [["x"], ["y"], ["z"], ["w"]]  # beside the merges: fine
    sheet["A3"].value = "top-left"
    sheet["A4"].value = None  # a covered cell may be cleared, as in Excel
    with pytest.raises(EngineError, match="A6"):
        sheet["A5:A6"].value = [["a"], ["b"]]
    assert sheet["A3"].value == "top-left" and sheet["B4"].value == "w"


def test_charts_read_labels_without_creating_cells(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, (month, amount) in enumerate((("月份", "销售额"), ("1月", 10), ("2月", None), ("3月", 30)), 1):
        ws.cell(r, 1, month)
        if amount is not None:
            ws.cell(r, 2, amount)
    wb.save(path)
    sheet = open_book(path).sheets[0]
    ws = sheet.api
    cells_before = set(ws._cells)
    chart = sheet.charts.add(source=sheet["A1:B4"], chart_type="line")
    assert chart.chart_type == "line" and not ws._charts[0].marker
    assert ws._charts[0].series[0].tx.strRef.f.replace("$", "").endswith("!B1")  # the first row gives the name
    assert ws._charts[0].series[0].cat is not None  # the first column gives the categories
    chart.chart_type = "line_markers"
    assert chart.chart_type == "line_markers" and ws._charts[0].marker
    assert set(ws._cells) == cells_before  # B3 stays empty: no cell made for it
