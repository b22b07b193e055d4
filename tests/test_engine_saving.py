"""Saving a workbook: nothing lost without a backup and a word, no lost update, formula results kept."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment

import macros
from neiqin.app.cli import main
from neiqin.core.marks import NOTE_TITLE
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
