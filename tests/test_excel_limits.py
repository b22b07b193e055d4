"""What Excel refuses or "repairs" is never written: row heights, column widths, text too long for a
row, dropdown formulas, package parts, chart axes, code names (issue 12; the whole files are checked
by tests/test_ooxml_schemas.py)."""

from __future__ import annotations

import math
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.datavalidation import DataValidation

from neiqin.core.sheetio import CONTINUED, fit_text, output_sheet
from neiqin.core.sheets import list_validation
from neiqin.engine import EngineError, open_book
from neiqin.engine.layout import wrapped_lines

from .conftest import make_order_row, order_workbook, write_sheet
from .expense_factory import expense_workbook, make_expense_form

ROOT = Path(__file__).resolve().parents[1]
EXCEL_MAX_ROW_HEIGHT = 409.5
ORDER_LINE = "· 订单 SO2611{:03d} 三相异步电机 YE3-100L1-4 2.2kW×10台：生产中，交货日期 2026-12-20"  # one line at 100


def _book(tmp_path: Path) -> Path:
    return write_sheet(tmp_path / "b.xlsx", [["名称", "说明"], ["甲", "短"]], title=None)


# --------------------------------------------------------------------------- row heights and column widths


@pytest.mark.parametrize(
    ("lines", "height"), [(1, None), (3, 47.0), (27, 407.0), (28, EXCEL_MAX_ROW_HEIGHT), (400, 409.5)]
)
def test_autofit_gives_a_row_at_most_409_5_points(tmp_path: Path, lines: int, height: float | None) -> None:
    book = open_book(_book(tmp_path))
    sheet = book.sheets[0]
    sheet.range("B2").value = "\n".join(["甲"] * lines)
    sheet.range("B2").wrap_text = True
    sheet.range("A2:B2").rows.autofit()
    book.save()
    assert openpyxl.load_workbook(book.fullname).active.row_dimensions[2].height == height


@pytest.mark.parametrize(
    ("attribute", "value", "refused"),
    [
        ("row_height", 409.5, False),
        ("row_height", 1, False),
        ("row_height", 409.6, True),
        ("row_height", 1187, True),
        ("row_height", -1, True),
        ("row_height", math.nan, True),
        ("row_height", "高", True),
        ("column_width", 255, False),
        ("column_width", 255.5, True),
        ("column_width", -0.5, True),
    ],
)
def test_row_height_and_column_width_are_refused_beyond_excel_limits_as_excel_does(
    tmp_path: Path, attribute: str, value: object, refused: bool
) -> None:
    book = open_book(_book(tmp_path))
    cell = book.sheets[0].range("B2")
    if refused:
        with pytest.raises(EngineError, match="超出 Excel 允许的范围"):
            setattr(cell, attribute, value)
    else:
        setattr(cell, attribute, value)
        assert getattr(cell, attribute) == value


# --------------------------------------------------------------------------- text too long for one row


@pytest.mark.parametrize(
    ("text", "width", "pieces"),
    [
        ("短", 100, 1),
        ("\n".join(ORDER_LINE.format(i) for i in range(27)), 100, 1),  # 27 lines: 407 pt
        ("\n".join(ORDER_LINE.format(i) for i in range(28)), 100, 2),
        ("\n".join(ORDER_LINE.format(i) for i in range(200)), 100, 8),
        ("长" * 5_000, 100, 4),  # one line with no break: cut at the column's width
        ("长" * 5_000, None, 55),  # the standard width: 94 characters, then 91 after （续）
        ("王磊您好：\n" + "长" * 3_000 + "\n——销售内勤", 100, 3),  # the long line fills the first piece
    ],
)
def test_fit_text_cuts_at_line_ends_into_pieces_a_row_can_show(text: str, width: float | None, pieces: int) -> None:
    parts = fit_text(text, width)
    assert len(parts) == pieces
    assert all(wrapped_lines(CONTINUED + p if i else p, width) <= 27 for i, p in enumerate(parts))
    if "长" * 200 not in text:  # only line ends cut
        assert "\n".join(parts) == text
    assert "".join(p.replace("\n", "") for p in parts) == text.replace("\n", "")
    assert pieces == 1 or wrapped_lines(parts[0], width) >= 26  # no piece but the last is left half empty


@given(
    lines=st.lists(st.text(alphabet="甲乙 ab·，1", max_size=600), min_size=1, max_size=80),
    width=st.one_of(st.none(), st.floats(min_value=0.5, max_value=255)),
)
@settings(max_examples=200, deadline=None)
def test_fit_text_never_gives_a_piece_taller_than_a_row_nor_loses_text(lines: list[str], width: float | None) -> None:
    text = "\n".join(lines)
    parts = fit_text(text, width)
    assert all(wrapped_lines(CONTINUED + p if i else p, width) <= 27 for i, p in enumerate(parts))
    assert "".join(p.replace("\n", "") for p in parts) == text.replace("\n", "")
    assert parts == [text] or all(parts)


def test_a_text_too_long_for_one_row_continues_on_the_rows_below(tmp_path: Path) -> None:
    message = "王磊您好：\n" + "\n".join(ORDER_LINE.format(i) for i in range(70)) + "\n——销售内勤"
    book = open_book(_book(tmp_path))
    output_sheet(
        book,
        "进度通知",
        "进度通知",
        "说明",
        ["对象", "名称", "未完成行数", "消息"],
        [["销售员", "王磊", 70, message], ["客户", "上海华东贸易有限公司", 2, "贵司订单 2 行"]],
        widths=[8, 26, 10, 100],
        wrap=[4],
    )
    book.save()
    ws = openpyxl.load_workbook(book.fullname)["进度通知"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5, max_col=4)]
    assert rows[0][:3] == ["销售员", "王磊", 70] and rows[0][3].startswith("王磊您好")
    assert len(rows) == 4  # 72 lines: 27 + 27 + 18, then the customer
    for row in rows[1:3]:
        assert row[:3] == [None, None, None] and row[3].startswith(CONTINUED)
    assert rows[3] == ["客户", "上海华东贸易有限公司", 2, "贵司订单 2 行"]
    assert "\n".join([rows[0][3]] + [r[3].removeprefix(CONTINUED) for r in rows[1:3]]) == message
    heights = [ws.row_dimensions[r].height for r in range(5, 9)]
    assert heights == [407.0, 407.0, 15 * 18 + 2, None]


# --------------------------------------------------------------------------- dropdowns


@pytest.mark.parametrize(
    ("source", "formula"),
    [
        ("lst_ranks", "lst_ranks"),
        ("=lst_ranks", "lst_ranks"),
        ("'城市级别'!$A$5:$A$305", "'城市级别'!$A$5:$A$305"),
        (["电话", "微信"], '"电话,微信"'),
        (["甲"] * 127, '"' + ",".join(["甲"] * 127) + '"'),  # 255 characters: Excel's most
        (["甲"] * 128, None),
        (["A,B", "C"], None),  # Excel would split the value
        (['说"明'], None),
    ],
)
def test_list_validation_is_stored_as_excel_stores_it(source: object, formula: str | None) -> None:
    dv = list_validation(source)  # type: ignore[arg-type]
    assert (dv.formula1 if dv is not None else None) == formula


def test_ledger_and_expense_form_dropdowns_have_no_leading_equals(tmp_path: Path) -> None:
    ledger = order_workbook(tmp_path / "o.xlsx", [make_order_row()])
    form = expense_workbook(tmp_path / "e.xlsx", [make_expense_form()])
    formulas = {
        (path.name, ws.title, dv.formula1)
        for path in (ledger, form)
        for ws in openpyxl.load_workbook(path).worksheets
        for dv in ws.data_validations.dataValidation
    }
    assert ("o.xlsx", "订单台账", "lst_order_channels") in formulas
    assert ("e.xlsx", "费用报销单", "'城市级别'!$A$5:$A$305") in formulas
    assert [f for f in formulas if f[2].startswith("=")] == []


def test_saving_a_workbook_of_an_earlier_version_stores_its_dropdowns_as_excel_does(tmp_path: Path) -> None:
    path = _book(tmp_path)
    wb = openpyxl.load_workbook(path)
    dv = DataValidation(type="list", formula1="=lst_ranks", allow_blank=True)  # as NeiQin.xlsm 0.1.0 has it
    dv.add("B2:B100")
    wb.active.add_data_validation(dv)
    wb.save(path)
    book = open_book(path)
    book.sheets[0].range("A3").value = "乙"
    book.save()
    assert [d.formula1 for d in openpyxl.load_workbook(path).active.data_validations.dataValidation] == ["lst_ranks"]


# --------------------------------------------------------------------------- package parts, charts


def _package_roots(path: Path) -> dict[str, str]:
    """The root start tag of [Content_Types].xml and of every .rels part."""
    with zipfile.ZipFile(path) as zf:
        return {
            name: re.search(rb"<(?![?!])([^\s>/]+)", zf.read(name))[1].decode()  # type: ignore[index]
            for name in zf.namelist()
            if name == "[Content_Types].xml" or name.endswith(".rels")
        }


@pytest.mark.parametrize("kind", ["xlsx", "xlsm with ribbon", "built NeiQin.xlsm", "xlsx with notes and a chart"])
def test_engine_saves_write_package_parts_in_the_default_namespace(
    tmp_path: Path, ribbon_xlsm: Path, kind: str
) -> None:
    path = {
        "xlsx": _book(tmp_path),
        "xlsm with ribbon": ribbon_xlsm,
        "built NeiQin.xlsm": Path(shutil.copyfile(ROOT / "workbook" / "NeiQin.xlsm", tmp_path / "n.xlsm")),
        "xlsx with notes and a chart": _book(tmp_path),
    }[kind]
    book = open_book(path)
    sheet = book.sheets[0]
    sheet.range("D1").value = [["区域", "销售额"], ["华东", 10], ["华南", 20]]
    if kind == "xlsx with notes and a chart":
        sheet.range("A2").add_note("NeiQin 批注")
        sheet.charts.add(source=sheet.range("D1:E3"), chart_type="column_clustered", anchor=sheet.range("G2"))
    book.save()
    roots = _package_roots(path)
    assert "[Content_Types].xml" in roots and "_rels/.rels" in roots
    assert {name: root for name, root in roots.items() if ":" in root} == {}


@pytest.mark.parametrize(
    ("chart_type", "categories", "values"),
    [("column_clustered", "b", "l"), ("bar_clustered", "l", "b"), ("line_markers", "b", "l")],
)
def test_chart_axes_are_shown_where_excel_draws_them(
    tmp_path: Path, chart_type: str, categories: str, values: str
) -> None:
    book = open_book(_book(tmp_path))
    sheet = book.sheets[0]
    sheet.range("D1").value = [["区域", "销售额"], ["华东", 10], ["华南", 20]]
    chart = sheet.charts.add(source=sheet.range("D1:E3"), chart_type="line", anchor=sheet.range("G2"))
    chart.chart_type = chart_type  # a changed type keeps its axes shown
    book.save()
    with zipfile.ZipFile(book.fullname) as zf:
        xml = zf.read("xl/charts/chart1.xml").decode()
    axes = re.findall(r"<(catAx|valAx)>(.*?)</\1>", xml)
    assert [a for a, _ in axes] == ["catAx", "valAx"]
    for axis, body in axes:
        assert '<delete val="0"' in body, axis
        assert f'<axPos val="{categories if axis == "catAx" else values}"' in body, axis


# --------------------------------------------------------------------------- code names


def _code_names(path: Path) -> dict[str, str | None]:
    wb = openpyxl.load_workbook(path, keep_vba=True)
    return {ws.title: ws.sheet_properties.codeName for ws in wb.worksheets}


def test_new_sheets_of_a_macro_workbook_get_code_names_no_vba_module_has(tmp_path: Path) -> None:
    path = Path(shutil.copyfile(ROOT / "workbook" / "NeiQin.xlsm", tmp_path / "n.xlsm"))
    before = _code_names(path)
    assert all(before.values())  # Sheet1 … SheetN, each with its document module in the VBA project
    n = len(before)
    assert sorted(before.values(), key=lambda name: int(name[5:])) == [f"Sheet{i}" for i in range(1, n + 1)]
    book = open_book(path)
    book.sheets["列表"].delete()  # its module stays in the VBA project: its code name is not free
    book.sheets.add("校验结果", after=book.sheets[-1])
    book.sheets.add("进度通知", after=book.sheets[-1])
    book.save()
    after = _code_names(path)
    assert (after["校验结果"], after["进度通知"]) == (f"Sheet{n + 1}", f"Sheet{n + 2}")
    assert {k: v for k, v in after.items() if k in before} == {k: v for k, v in before.items() if k != "列表"}


def test_saving_a_macro_workbook_names_sheets_an_earlier_version_added_without_code_names(tmp_path: Path) -> None:
    path = Path(shutil.copyfile(ROOT / "workbook" / "NeiQin.xlsm", tmp_path / "n.xlsm"))
    n = len(_code_names(path))  # the built workbook's sheets are Sheet1 … SheetN
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb.create_sheet("校验结果")  # as NeiQin 0.1.0 added it: no code name
    wb.save(path)
    assert _code_names(path)["校验结果"] is None
    book = open_book(path)
    book.sheets["首页"].range("A3").value = "已检查"
    book.save()
    assert _code_names(path)["校验结果"] == f"Sheet{n + 1}"


def test_plain_workbooks_get_no_code_names(tmp_path: Path) -> None:
    book = open_book(_book(tmp_path))
    book.sheets.add("校验结果")
    book.save()
    assert set(_code_names(Path(book.fullname)).values()) == {None}


# --------------------------------------------------------------------------- numbers


def test_numbers_are_stored_as_excel_stores_them(tmp_path: Path) -> None:
    """numpy's float64 (what pandas gives) and whole numbers too: ``<v>560</v>``, never ``np.float64(560.0)``."""
    import numpy as np

    book = open_book(_book(tmp_path))
    book.sheets[0].range("A3").value = [[np.float64(560.0), 10.0, 0.1 + 0.2, 1.3510798882111102e16]]
    book.save()
    with zipfile.ZipFile(book.fullname) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode()
    assert re.findall(r'<c r="[A-D]3"[^>]*><v>([^<]*)</v>', xml) == [
        "560",
        "10",
        "0.30000000000000004",
        "1.3510798882111102e+16",
    ]


def test_the_build_does_not_depend_on_the_engine_having_been_used(tmp_path: Path) -> None:
    from neiqin.app.build import build
    from neiqin.engine.common import opx

    opx()  # the engine's number writing is in place, as in any process that opened a workbook
    assert build(tmp_path / "NeiQin.xlsm").read_bytes() == (ROOT / "workbook" / "NeiQin.xlsm").read_bytes()
