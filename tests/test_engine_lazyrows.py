"""Big sheets kept as the file's XML until touched (``neiqin.engine.lazyrows``): same result as a full load.

Every test runs the same operations twice — once with the sheet's rows left lazy (the threshold
lowered to 0 bytes), once the old way (the whole sheet loaded by openpyxl) — and compares the saved
files cell by cell with openpyxl (values, types, fills, fonts, number formats, notes, links, merged
areas, row heights, validation, conditional formats) and with python-calamine (what NeiQin reads).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

import neiqin
from neiqin.engine import delete_rows, lazyrows, open_book
from neiqin.engine.common import EngineError

WIDTH = 8
SST_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
EXCEL_ROOT = (
    b'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" '
    b'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
)
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def as_excel_saves(path: Path) -> Path:
    """Store the text cells as Excel does, in a shared-string table (openpyxl writes them inline)."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    table: dict[bytes, int] = {}

    def to_shared(m: re.Match[bytes]) -> bytes:
        index = table.setdefault(m.group(2), len(table))
        return m.group(1) + b't="s"><v>' + str(index).encode() + b"</v></c>"

    inline = re.compile(rb'(<c r="[A-Z]+\d+"(?: s="\d+")? )t="inlineStr"><is>(<t(?: [^>]*)?>.*?</t>)</is></c>', re.S)
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        # and as Excel writes rows: with an attribute of a prefixed namespace declared on the root only
        xml = inline.sub(to_shared, parts[name]).replace(b"<worksheet ", b"<worksheet " + EXCEL_ROOT, 1)
        parts[name] = re.sub(rb'<row r="(\d+)"', rb'<row r="\1" x14ac:dyDescent="0.25"', xml)
    items = b"".join(b"<si>" + text + b"</si>" for text in table)
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (len(table), len(table))
        + items
        + b"</sst>"
    )
    rels = parts["xl/_rels/workbook.xml.rels"]
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        b"</Relationships>",
        f'<Relationship Id="rIdSst" Type="{SST_REL}" Target="sharedStrings.xml"/>'.encode() + b"</Relationships>",
    )
    types = parts["[Content_Types].xml"]
    parts["[Content_Types].xml"] = types.replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_CT}"/>'.encode() + b"</Types>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def ledger(path: Path, rows: int, formulas: bool = True) -> Path:
    """A ledger with what a clerk's file has: header merge, styles, dates, notes, a link, formulas,
    validation, conditional formats, row heights, a second sheet referring into it; shared strings."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws["A1"] = "华东精工 订单台账"
    ws.merge_cells("A1:D1")
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["订单编号", "客户名称", "产品", "数量", "单价", "交货日期", "备注", "金额"])
    for r in range(3, rows + 3):
        ws.append(
            [
                f"SO{r:05d}",
                ["华东贸易", "上海机电", "苏州精密"][r % 3],
                f"产品{r % 7}",
                r % 11 + 1,
                round(12.5 * (r % 13), 2),
                dt.datetime(2026, 1 + r % 12, 1 + r % 28),
                "加急" if r % 5 == 0 else None,
                f"=D{r}*E{r}" if formulas and r % 4 == 0 else None,
            ]
        )
        ws.cell(r, 6).number_format = "yyyy-mm-dd"
        if r % 6 == 0:
            ws.cell(r, 2).fill = PatternFill("solid", fgColor="FF00B050")  # the clerk's own colour
        if r % 9 == 0:
            ws.row_dimensions[r].height = 24
    ws.cell(7, 2).comment = Comment("客户说下周补资料", "张三")
    ws.cell(9, 1).hyperlink = "https://example.com/SO00009"
    ws.cell(rows + 3, 1, "合计")
    ws.cell(rows + 3, 4, f"=SUM(D3:D{rows + 2})")
    dv = DataValidation(type="list", formula1='"华东贸易,上海机电,苏州精密"')
    dv.add(f"B3:B{rows + 2}")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add(
        f"D3:D{rows + 2}",
        CellIsRule(operator="greaterThan", formula=["10"], fill=PatternFill("solid", fgColor="FFFFEB9C")),
    )
    other = wb.create_sheet("汇总")
    other["A1"] = "第 20 行数量"
    other["B1"] = "=台账!D20"
    wb.save(path)
    return as_excel_saves(path)


def run(path: Path, ops: Callable[[Any], None], lazy: bool, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(lazyrows, "LAZY_BYTES", 0 if lazy else 1 << 40)
    book = open_book(path, engine="headless")
    ops(book)
    state = book.sheets["台账"].impl._st
    assert state.ws is None or (state.lazy is not None) == lazy  # the path under test is the one taken
    book.save()
    book.close()
    return path


def snapshot(path: Path) -> dict[str, Any]:
    """Everything the two paths must agree on, read by openpyxl and by python-calamine."""
    out: dict[str, Any] = {}
    wb = openpyxl.load_workbook(path, rich_text=True)
    for ws in wb.worksheets:
        cells = {}
        for (r, c), cell in sorted(ws._cells.items()):
            if cell.value is None and not cell.has_style and cell.comment is None and cell.hyperlink is None:
                continue
            cells[(r, c)] = (
                cell.value,
                cell.data_type,
                cell.fill.fgColor.rgb if cell.fill.fill_type else None,
                cell.font.b,
                cell.number_format,
                cell.comment.text if cell.comment else None,
                cell.hyperlink.target if cell.hyperlink else None,
            )
        out[ws.title] = {
            "cells": cells,
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height},
            "validation": sorted(str(dv.sqref) for dv in ws.data_validations.dataValidation),
            "conditional": sorted(str(cf.sqref) for cf in ws.conditional_formatting),
        }
    with zipfile.ZipFile(path) as zf:  # every sheet well-formed (spliced rows use the root's prefixes)
        for name in [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]:
            ET.fromstring(zf.read(name))
    cal = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in cal.sheet_names:
        out[f"calamine {name}"] = cal.get_sheet_by_name(name).to_python()
    return out


def same_both_ways(tmp_path: Path, rows: int, ops: Callable[[Any], None], monkeypatch: pytest.MonkeyPatch) -> Path:
    source = ledger(tmp_path / "source.xlsx", rows)
    lazy, full = tmp_path / "lazy.xlsx", tmp_path / "full.xlsx"
    for target in (lazy, full):
        shutil.copyfile(source, target)
    run(lazy, ops, True, monkeypatch)
    run(full, ops, False, monkeypatch)
    got, want = snapshot(lazy), snapshot(full)
    assert got.keys() == want.keys()
    for key in want:
        assert got[key] == want[key], key
    return lazy


def mark_and_delete(book: Any) -> None:
    sheet = book.sheets["台账"]
    sheet.range("B12").color = "#FFC7CE"
    sheet.range("B12").add_note("【NeiQin 校验】B12\n· 客户名称为空")
    sheet.range("C30,D31,B42").color = "#FFEB9C"
    sheet.range("B7").note.text = "客户说下周补资料\n\n【NeiQin 校验】B7"
    sheet.range("G40").value = "改过"
    delete_rows(sheet, [15, 16, 17, 50, *range(80, 86), 121])


def test_marks_and_deleted_rows_match_a_full_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lazy = same_both_ways(tmp_path, 150, mark_and_delete, monkeypatch)
    ws = openpyxl.load_workbook(lazy)["台账"]
    # spot checks that the operations did what they say (the comparison alone would pass if both did nothing)
    assert ws["B12"].fill.fgColor.rgb == "FFFFC7CE" and "客户名称为空" in ws["B12"].comment.text
    assert ws["A15"].value == "SO00018"  # rows 15–17 deleted
    assert ws["H17"].value == "=D17*E17"  # a formula below the deletion follows its row
    assert openpyxl.load_workbook(lazy)["汇总"]["B1"].value == "=台账!D17"  # so does a reference from another sheet
    assert ws["G37"].value == "改过"  # written at row 40, three rows above it deleted


def test_writing_values_and_appending_rows_match_a_full_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def ops(book: Any) -> None:
        sheet = book.sheets["台账"]
        sheet.range("D20:E22").value = [[5, 1.5], [6, 2.5], [7, None]]
        sheet.range("A200").value = [["SO99999", "新客户", "产品X", 3, 9.9, dt.datetime(2026, 12, 1)]]
        sheet.range("F25").number_format = "@"
        assert sheet.range("A3:C5").value[0][0] == "SO00003"  # reads see the file's rows
        delete_rows(sheet, [4])
        assert sheet.range("A3:A4").value == ["SO00003", "SO00005"]

    lazy = same_both_ways(tmp_path, 120, ops, monkeypatch)
    ws = openpyxl.load_workbook(lazy)["台账"]
    assert ws["A199"].value == "SO99999" and ws["D19"].value == 5


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    deleted=st.lists(st.integers(3, 62), max_size=12, unique=True),
    marked=st.lists(st.tuples(st.integers(3, 62), st.integers(1, WIDTH)), max_size=6, unique=True),
)
def test_any_deletion_and_marks_match_a_full_load(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    deleted: list[int],
    marked: list[tuple[int, int]],
) -> None:
    def ops(book: Any) -> None:
        sheet = book.sheets["台账"]
        for r, c in marked:
            cell = sheet.range((r, c))
            cell.color = "#FFC7CE"
            if cell.note is not None:  # the clerk's own note (B7): the mark is added below it, as marks do
                cell.note.text = f"{cell.note.text}\n\n【NeiQin 校验】{r},{c}"
            else:
                cell.add_note(f"【NeiQin 校验】{r},{c}")
        if deleted:
            delete_rows(sheet, deleted)

    same_both_ways(tmp_path_factory.mktemp("prop"), 60, ops, monkeypatch)


def touched_rows(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """(workbook calls, rows made openpyxl cells) for marking two cells of a lazy ledger."""
    monkeypatch.setattr(lazyrows, "LAZY_BYTES", 0)
    book = open_book(path, engine="headless")
    sheet = book.sheets["台账"]
    with neiqin.count_calls() as calls:
        sheet.range("B12,C14").color = "#FFC7CE"
        sheet.range("B12").add_note("【NeiQin 校验】B12")
        values = sheet.range("A3:H3").value
    assert values[0] == "SO00003"
    ws = sheet.impl._st.ws
    loaded = len({r for r, _ in ws._cells})
    book.save()
    book.close()
    return sum(calls.values()), loaded


def test_calls_and_loaded_rows_do_not_grow_with_the_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = touched_rows(ledger(tmp_path / "small.xlsx", 100, formulas=False), monkeypatch)
    large = touched_rows(ledger(tmp_path / "large.xlsx", 4000, formulas=False), monkeypatch)
    assert small == large
    # the header merge, the note, the link and the total's formula are cells from the start (rows 1, 7, 9
    # and the last); the rows marked (12, 14) are the only others
    _, loaded = large
    assert loaded == 6
    ws = openpyxl.load_workbook(tmp_path / "large.xlsx")["台账"]
    assert ws["B12"].fill.fgColor.rgb == "FFFFC7CE" and ws["C14"].fill.fgColor.rgb == "FFFFC7CE"
    assert ws["A4002"].value == "SO04002" and ws["F4002"].number_format == "yyyy-mm-dd"


def test_a_broken_row_is_a_clear_message_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = ledger(tmp_path / "b.xlsx", 30)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b'<c r="B20"', b'<c r="B20" x=', 1)
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    monkeypatch.setattr(lazyrows, "LAZY_BYTES", 0)
    with pytest.raises(EngineError, match=r"无法读取『b\.xlsx』.*另存为") as raised:
        book = open_book(path, engine="headless")
        book.sheets["台账"].range("B20").color = "#FFC7CE"
    assert "Traceback" not in str(raised.value)
