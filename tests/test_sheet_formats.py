"""What NeiQin writes into a ledger looks like what the clerk typed: formats of appended lines,
dates written into existing cells, text with line breaks, and boxes whose whole text must show."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Alignment

import neiqin
from neiqin.core.kit import ledger as spec
from neiqin.core.ledger import read_ledger
from neiqin.core.sheetio import (
    MAX_ROW_HEIGHT,
    append_rows,
    is_date_format,
    lines_needed,
    show_in_full,
    write_cells,
)
from neiqin.engine import open_book

D = dt.datetime
CLAIM_HEADERS = [c.header for c in spec("claims").columns()]


def claim(n: int, **overrides: Any) -> dict[str, Any]:
    row = {
        "claim_id": f"BX26110{n:02d}",
        "claimant": "王磊",
        "department": "华东销售部",
        "amount": 1409.5 + n,
        "status": "初审通过",
        "submitted": D(2026, 11, 20),
        "approved": D(2026, 11, 21),
        "prereviewed": D(2026, 11, 26),
    }
    row.update(overrides)
    return row


def register(path: Path, lines: list[dict[str, Any]], style: dict[str, dict[str, Any]] | None = None) -> Path:
    """A clerk's own 报销登记 (no Excel table): a title, the header in row 3, ``lines`` formatted by ``style``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "报销登记"
    ws["A1"] = "报销登记"
    fields = [c.field for c in spec("claims").columns()]
    for j, header in enumerate(CLAIM_HEADERS, start=1):
        ws.cell(3, j, header)
    for i, line in enumerate(lines, start=4):
        for j, name in enumerate(fields, start=1):
            cell = ws.cell(i, j, line.get(name))
            for attr, value in (style or {}).get(name, {}).items():
                if attr == "number_format":
                    cell.number_format = value
                else:
                    cell.alignment = Alignment(**{attr: value})
    ws.column_dimensions["F"].width = 11
    wb.save(path)
    return path


def append(path: Path, lines: list[dict[str, Any]]) -> tuple[int, int]:
    book = open_book(path, engine="headless")
    sheet = book.sheets["报销登记"]
    first, last = append_rows(sheet, read_ledger(book, "claims", sheet="报销登记"), lines)
    book.save()
    return first, last


def cell_formats(path: Path, row: int) -> dict[str, tuple[str, str | None, bool]]:
    ws = openpyxl.load_workbook(path)["报销登记"]
    return {
        h: (c.number_format, c.alignment.horizontal, bool(c.alignment.wrap_text))
        for h, c in zip(CLAIM_HEADERS, ws[row], strict=False)
    }


STYLE = {
    "amount": {"number_format": "¥#,##0.00"},
    "submitted": {"number_format": "yyyy/m/d"},
    "approved": {"number_format": "yyyy-mm-dd"},
    "prereviewed": {"number_format": 'yyyy"年"m"月"d"日"'},
    "status": {"horizontal": "center"},
    "feedback": {"wrap_text": True},
}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("金额", ("¥#,##0.00", None, False)),  # not General next to the ¥ cells above
        ("提交日期", ("yyyy/m/d", None, False)),  # the clerk's own date format, never yyyy-mm-dd h:mm:ss
        ("部门审批日期", ("yyyy-mm-dd", None, False)),
        ("初审日期", ('yyyy"年"m"月"d"日"', None, False)),
        ("状态", ("General", "center", False)),  # alignment
        ("反馈", ("General", None, True)),  # wrap
        ("报销单号", ("General", None, False)),
    ],
)
def test_an_appended_line_takes_the_formats_of_the_line_above(tmp_path: Path, header: str, expected: tuple) -> None:
    path = register(tmp_path / "r.xlsx", [claim(1)], STYLE)
    first, last = append(path, [claim(2), claim(3, feedback="已交财务")])
    assert (first, last) == (5, 6)
    for row in (first, last):
        assert cell_formats(path, row)[header] == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [("金额", "¥#,##0.00"), ("提交日期", "yyyy-mm-dd"), ("初审日期", "yyyy-mm-dd"), ("报销单号", "General")],
)
def test_without_a_line_above_the_schema_format_is_used(tmp_path: Path, header: str, expected: str) -> None:
    path = register(tmp_path / "r.xlsx", [])
    append(path, [claim(1)])
    assert cell_formats(path, 4)[header][0] == expected


def test_a_date_under_a_general_line_gets_a_date_format(tmp_path: Path) -> None:
    """The line above has an empty General date cell: the date is not written as yyyy-mm-dd h:mm:ss (### in 11 wide)."""
    path = register(tmp_path / "r.xlsx", [claim(1, submitted=None)], {"amount": {"number_format": "#,##0.00"}})
    append(path, [claim(2), claim(3, submitted=D(2026, 11, 22, 14, 30))])
    assert cell_formats(path, 5)["提交日期"][0] == "yyyy-mm-dd"  # the schema's date format
    assert cell_formats(path, 5)["金额"][0] == "#,##0.00"  # the clerk's, not the schema's ¥


def test_a_prepared_column_keeps_its_format_when_there_is_no_line_above(tmp_path: Path) -> None:
    path = register(tmp_path / "r.xlsx", [])
    wb = openpyxl.load_workbook(path)
    wb["报销登记"]["F4"].number_format = "m/d"
    wb.save(path)
    append(path, [claim(1)])
    assert cell_formats(path, 4)["提交日期"][0] == "m/d"


def test_appending_costs_the_same_workbook_calls_for_2_and_200_lines(tmp_path: Path) -> None:
    counts = []
    for n in (2, 200):
        path = register(tmp_path / f"r{n}.xlsx", [claim(0)], STYLE)
        book = open_book(path, engine="headless")
        sheet = book.sheets["报销登记"]
        ledger = read_ledger(book, "claims", sheet="报销登记")
        with neiqin.count_calls() as calls:
            # every other line with a text of two lines: still no call per line
            append_rows(
                sheet, ledger, [claim(i + 1, return_reason="发票不全\n请补充" if i % 2 else None) for i in range(n)]
            )
        counts.append(sum(calls.values()))
    assert counts[0] == counts[1]


def test_text_with_line_breaks_wraps_in_its_own_cell(tmp_path: Path) -> None:
    """退回原因 of several lines: wrapped (not spilling over 反馈), top-aligned, the row grown."""
    path = register(tmp_path / "r.xlsx", [claim(1)], STYLE)
    reasons = "\n".join(f"{n}. 第 {n + 8} 行「发票号码」：发票号码应为 8 位数字" for n in range(1, 4))
    append(path, [claim(2, status="初审退回", return_reason=reasons)])
    ws = openpyxl.load_workbook(path)["报销登记"]
    box = ws.cell(5, CLAIM_HEADERS.index("退回原因") + 1)
    assert box.value == reasons
    assert box.alignment.wrap_text and box.alignment.vertical == "top"
    assert ws.cell(5, 1).alignment.vertical == "top"  # the line reads from the top
    assert ws.row_dimensions[5].height >= 3 * 15


@pytest.mark.parametrize(
    ("before", "value", "after"),
    [
        ("General", D(2026, 11, 26), "yyyy-mm-dd"),
        ("General", D(2026, 11, 26, 9, 30), "yyyy-mm-dd hh:mm"),
        ("@", D(2026, 11, 26), "yyyy-mm-dd"),
        ("yyyy/m/d", D(2026, 11, 26), "yyyy/m/d"),  # a date format the clerk chose stays
        ("General", 12.5, "General"),  # only dates get a format
    ],
)
def test_a_date_written_into_an_existing_line_keeps_a_date_format(
    tmp_path: Path, before: str, value: Any, after: str
) -> None:
    path = register(tmp_path / "r.xlsx", [claim(1)], {"handed_over": {"number_format": before}})
    book = open_book(path, engine="headless")
    col = CLAIM_HEADERS.index("交财务日期") + 1
    write_cells(book.sheets["报销登记"], {(4, col): value})
    book.save()
    assert openpyxl.load_workbook(path)["报销登记"].cell(4, col).number_format == after


@pytest.mark.parametrize(
    ("fmt", "is_date"),
    [
        ("yyyy-mm-dd", True),
        ("yyyy-mm-dd h:mm:ss", True),
        ('yyyy"年"m"月"d"日"', True),
        ("[$-804]yyyy/m/d", True),
        ("hh:mm", True),
        ("General", False),
        ("@", False),
        ("¥#,##0.00", False),
        ('#,##0.00"元"', False),
        ('0"天"', False),
        ("[Red]#,##0", False),
        (None, False),
    ],
)
def test_date_formats_are_told_from_number_formats(fmt: Any, is_date: bool) -> None:
    assert is_date_format(fmt) is is_date


# --------------------------------------------------------------------------- a box whose whole text must show


def box_sheet(path: Path, text: str, below: str | None = "以下空白") -> Path:
    """A form's last block: label in A10, the box B10:M10 merged (48 pt), a print area A1:M10, a note under it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "费用报销单"
    for j in range(1, 14):
        ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width = 12
    ws["A10"] = "退回原因"
    ws["B10"] = text
    ws.merge_cells("B10:M10")
    ws.row_dimensions[10].height = 48
    if below:
        ws["A12"] = below
    ws.print_area = "A1:M10"
    wb.save(path)
    return path


def test_lines_needed_counts_wide_characters_twice() -> None:
    assert lines_needed("一" * 10, 21.5) == 1
    assert lines_needed("一" * 11, 21.5) == 2
    assert lines_needed("a\nb\nc", 10) == 3


@pytest.mark.parametrize("reasons", [6, 12])
def test_a_box_grows_its_row_to_show_every_reason(tmp_path: Path, reasons: int) -> None:
    text = "\n".join(
        f"{n}. 第 {n} 行「发票号码」：增值税普通发票号码应为 8 位数字，当前为 7 位；请对照发票核对"
        for n in range(reasons)
    )
    path = box_sheet(tmp_path / "f.xlsx", text)
    book = open_book(path, engine="headless")
    assert show_in_full(book.sheets["费用报销单"], 10, 2) == (10, 10)
    book.save()
    ws = openpyxl.load_workbook(path)["费用报销单"]
    assert ws["B10"].alignment.wrap_text and ws["B10"].alignment.vertical == "top"
    assert ws.row_dimensions[10].height >= reasons * 15 > 48
    assert ws.row_dimensions[10].height <= MAX_ROW_HEIGHT
    assert ws["A12"].value == "以下空白"


def test_a_box_beyond_excels_row_limit_continues_over_more_rows(tmp_path: Path) -> None:
    """60 reasons need ~900 pt: two more rows are inserted under the box and merged into it; nothing is cut."""
    text = "\n".join(f"{n}. 第 {n} 行「发票号码」：增值税普通发票号码应为 8 位数字；请对照发票核对" for n in range(60))
    path = box_sheet(tmp_path / "f.xlsx", text)
    book = open_book(path, engine="headless")
    first, last = show_in_full(book.sheets["费用报销单"], 10, 2)
    book.save()
    assert (first, last) == (10, 12)
    ws = openpyxl.load_workbook(path)["费用报销单"]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert "B10:M12" in merged and "A10:A12" in merged
    heights = [ws.row_dimensions[r].height for r in (10, 11, 12)]
    assert all(h <= MAX_ROW_HEIGHT for h in heights)
    assert sum(heights) >= lines_needed(text, 12 * 12) * 16
    assert ws["B10"].value == text  # the whole text, in one cell
    assert ws["A14"].value == "以下空白"  # what was under the box moved down, not overwritten
    assert ws.print_area.endswith("$M$12")  # the paper shows it too


@pytest.mark.parametrize("value", [560.0, 1409.5, 1.3510798882111102e16, 0.1 + 0.2, 10.0])
def test_numbers_written_through_the_engine_read_back_the_same(tmp_path: Path, value: float) -> None:
    """A numpy float (a ledger's 金额 read into a frame) is saved as a number, not "np.float64(…)", and
    every double comes back as it was written."""
    import numpy as np

    path = tmp_path / "n.xlsx"
    openpyxl.Workbook().save(path)
    book = open_book(path, engine="headless")
    book.sheets[0].range("A1").value = [[np.float64(value), value]]
    book.save()
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == value and ws["B1"].value == value
