"""The headless xlwings engine on real files, through xlwings' own API and converters."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlwings as xw

import neiqin
from neiqin.engine import EngineError, headless_caller, is_headless, open_book
from neiqin.engine.ooxml import error_cells

from .conftest import UI_REL, write_sheet


@pytest.fixture
def book_file(tmp_path: Path) -> Path:
    return write_sheet(
        tmp_path / "b.xlsx",
        [
            ["名称", "数量", "日期", "备注"],
            ["甲", 1, dt.datetime(2026, 11, 3), "#N/A"],
            ["乙", 2.5, dt.datetime(2026, 11, 4, 9, 30), None],
            ["丙", 3, dt.datetime(2026, 11, 5), "文字"],
        ],
        errors=[(1, 3)],
    )


def test_open_book_is_xlwings_book_on_headless_engine(book_file: Path) -> None:
    book = open_book(book_file)
    assert isinstance(book, xw.Book)
    assert is_headless(book)
    assert book.name == "b.xlsx"
    assert book.fullname == str(book_file.resolve())
    assert [s.name for s in book.sheets] == ["订单台账"]
    assert book.sheets[0] == book.sheets["订单台账"]


def test_values_are_excel_like(book_file: Path) -> None:
    sheet = open_book(book_file).sheets[0]
    assert sheet["A1"].value == "华东精工 2026 年订单台账"
    assert sheet["A2"].value is None  # blank row under the title
    assert sheet["B4"].value == 1.0 and isinstance(sheet["B4"].value, float)
    assert sheet["C4"].value == dt.datetime(2026, 11, 3)
    assert sheet["C5"].value == dt.datetime(2026, 11, 4, 9, 30)
    # error cells: None by default, the error text with err_to_str (as in Excel)
    assert sheet["D4"].value is None
    assert sheet["D4"].options(err_to_str=True).value == "#N/A"
    assert sheet["A3:D3"].value == ["名称", "数量", "日期", "备注"]


def test_expand_and_dataframe_through_xlwings_converters(book_file: Path) -> None:
    sheet = open_book(book_file).sheets[0]
    table = sheet.range("A3").expand()
    assert table.address == "$A$3:$D$6"
    df = table.options(pd.DataFrame, index=False).value
    assert list(df.columns) == ["名称", "数量", "日期", "备注"]
    assert df["数量"].tolist() == [1.0, 2.5, 3.0]
    assert df["日期"].iloc[0] == pd.Timestamp("2026-11-03")
    assert sheet.used_range.address == "$A$1:$D$6"
    assert sheet.range("A3").end("down").address == "$A$6"
    assert sheet.range("A6").end("up").address == "$A$3"


def test_writes_formats_and_save(book_file: Path, tmp_path: Path) -> None:
    book = open_book(book_file)
    sheet = book.sheets[0]
    sheet["F3"].value = [["金额"], [10], [20]]
    sheet["H3"].options(index=False).value = pd.DataFrame({"x": [1, 2], "d": pd.to_datetime(["2026-01-02", None])})
    sheet["F4"].color = (255, 199, 206)
    sheet["F4"].number_format = "¥#,##0.00"
    sheet["F5"].add_note("请核对")
    sheet["G4"].value = "=F4*2"
    new = book.sheets.add("汇总", after=sheet)
    new["A1"].value = "新表"
    out = tmp_path / "out.xlsx"
    book.save(out)

    wb = openpyxl.load_workbook(out)
    ws = wb["订单台账"]
    assert [ws[f"F{r}"].value for r in (3, 4, 5)] == ["金额", 10, 20]
    assert ws["H3"].value == "x" and ws["I5"].value is None and ws["I4"].value == dt.datetime(2026, 1, 2)
    assert ws["F4"].fill.fgColor.rgb == "FFFFC7CE"
    assert ws["F4"].number_format == "¥#,##0.00"
    assert ws["F5"].comment.text == "请核对"
    assert ws["G4"].value == "=F4*2"
    assert wb.sheetnames == ["订单台账", "汇总"]
    # the file the book came from is untouched when saving elsewhere
    assert openpyxl.load_workbook(book_file)["订单台账"]["F3"].value is None
    # reads after writes see the writes
    assert sheet["F4"].value == 10.0
    assert sheet["F4"].color == (255, 199, 206)
    assert sheet["F5"].note.text == "请核对"


def test_sheets_add_before_and_names(book_file: Path) -> None:
    book = open_book(book_file)
    book.sheets.add("首页", before=book.sheets[0])
    book.sheets.add("末页", after=book.sheets[-1])
    assert [s.name for s in book.sheets] == ["首页", "订单台账", "末页"]
    with pytest.raises(ValueError):
        book.sheets.add("首页")
    book.sheets["末页"].delete()
    assert [s.name for s in book.sheets] == ["首页", "订单台账"]


def test_app_properties_restored_even_on_error(book_file: Path) -> None:
    app = open_book(book_file).app
    with pytest.raises(RuntimeError), app.properties(screen_updating=False, calculation="manual"):
        assert app.screen_updating is False
        raise RuntimeError("boom")
    assert app.screen_updating is True
    assert app.calculation == "automatic"


def test_save_in_place_is_atomic_and_keeps_the_original_on_failure(book_file: Path, monkeypatch) -> None:
    book = open_book(book_file)
    book.sheets[0]["A10"].value = "新行"
    before = book_file.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(neiqin.engine.headless.package, "restore_package", broken)
        with pytest.raises(OSError):
            book.save()
    assert book_file.read_bytes() == before  # nothing half-written
    assert not [p for p in book_file.parent.iterdir() if p.name.startswith(".b.")]  # no temp left
    book.save()
    assert openpyxl.load_workbook(book_file)["订单台账"]["A10"].value == "新行"


def test_save_keeps_vba_project_and_ribbon(ribbon_xlsm: Path) -> None:
    with zipfile.ZipFile(ribbon_xlsm) as z:
        vba_before = z.read("xl/vbaProject.bin")
        ui_before = z.read("customUI/customUI14.xml")
    book = open_book(ribbon_xlsm)
    book.sheets[0]["A1"].value = "改过"
    book.sheets[0]["A1"].add_note("NeiQin")
    book.save()
    with zipfile.ZipFile(ribbon_xlsm) as z:
        names = z.namelist()
        assert z.read("xl/vbaProject.bin") == vba_before
        assert z.read("customUI/customUI14.xml") == ui_before
        rels = z.read("_rels/.rels").decode()
        types = z.read("[Content_Types].xml").decode()
    assert "customUI/customUI14.xml" in names
    assert UI_REL in rels and "customUI/customUI14.xml" in rels
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    assert 'Extension="bin"' in types or "vbaProject.bin" in types
    assert openpyxl.load_workbook(ribbon_xlsm, keep_vba=True).active["A1"].value == "改过"


def test_saving_an_xlsx_keeps_it_an_xlsx(book_file: Path) -> None:
    book = open_book(book_file)
    book.sheets[0]["A10"].value = 1
    book.save()
    with zipfile.ZipFile(book_file) as z:
        assert "spreadsheetml.sheet.main+xml" in z.read("[Content_Types].xml").decode()
        assert not any("vbaProject" in n for n in z.namelist())


def test_headless_caller_serves_book_caller(book_file: Path) -> None:
    with headless_caller(book_file) as book:
        assert xw.Book.caller() == book
        assert xw.Book.caller().sheets[0]["A3"].value == "名称"
    assert not hasattr(xw.Book, "_mock_caller")  # the stand-in is gone after the block


def test_error_scan_finds_error_cells(book_file: Path) -> None:
    assert error_cells(book_file, "订单台账") == {(4, 4): "#N/A"}


def test_merged_cells_cannot_be_overwritten_silently(book_file: Path) -> None:
    sheet = open_book(book_file).sheets[0]
    with pytest.raises(EngineError, match="合并单元格"):
        sheet["B1"].value = "x"


def test_unreadable_file_gives_chinese_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(EngineError, match="无法"):
        open_book(bad)


def test_engine_calls_do_not_grow_with_rows(tmp_path: Path) -> None:
    def read(n: int) -> int:
        rows = [["名称", "数量"]] + [[f"甲{i}", i] for i in range(n)]
        path = write_sheet(tmp_path / f"r{n}.xlsx", rows)
        book = open_book(path)
        with neiqin.count_calls() as calls:
            sheet = book.sheets["订单台账"]
            df = sheet.range("A3").expand().options(pd.DataFrame, index=False).value
            sheet.range("D3").options(index=False).value = df
            sheet.range("D3").expand().color = "#FFEB9C"
        assert len(df) == n
        return sum(calls.values())

    assert read(20) == read(2000) > 0


@pytest.mark.parametrize("address", ["A1", "B2:C3", "A:A", "2:2", "$B$2", "A1,C3:C4"])
def test_address_round_trip(book_file: Path, address: str) -> None:
    rng = open_book(book_file).sheets[0].range(address)
    expected = {
        "A1": "$A$1",
        "B2:C3": "$B$2:$C$3",
        "A:A": "$A$1:$A$1048576",
        "2:2": "$A$2:$XFD$2",
        "$B$2": "$B$2",
        "A1,C3:C4": "$A$1,$C$3:$C$4",
    }[address]
    assert rng.address == expected


def test_theme_colours_read_as_rgb(tmp_path: Path) -> None:
    from openpyxl.styles import PatternFill
    from openpyxl.styles.colors import Color

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"].fill = PatternFill("solid", fgColor=Color(theme=4, tint=0.0))
    ws["A2"].fill = PatternFill("solid", fgColor=Color(indexed=5))
    path = tmp_path / "t.xlsx"
    wb.save(path)
    sheet = open_book(path).sheets[0]
    sheet["C1"].value = 1  # load for writing: colours come from openpyxl
    assert sheet["A1"].color == (0x4F, 0x81, 0xBD)  # accent1 of the file's theme (Office 2007)
    assert sheet["A2"].color == (255, 255, 0)
    assert sheet["B1"].color is None


def test_prefetched_book_reads_the_same(book_file: Path) -> None:
    from neiqin.engine import prefetch

    direct = open_book(book_file).sheets[0].used_range.options(err_to_str=True).value
    for book in list(xw.engines["neiqin"].apps.active.books):
        book.close()
    prefetch.start(book_file)
    fetched = open_book(book_file).sheets[0].used_range.options(err_to_str=True).value
    assert fetched == direct


def test_file_changed_after_prefetch_is_read_fresh(book_file: Path) -> None:
    from neiqin.engine import prefetch

    prefetch.start(book_file)
    wb = openpyxl.load_workbook(book_file)
    wb["订单台账"]["A4"] = "改了"
    wb.save(book_file)
    os.utime(book_file, None)
    for book in list(xw.engines["neiqin"].apps.active.books):
        book.close()
    assert open_book(book_file).sheets[0]["A4"].value == "改了"


def test_renamed_sheet_still_reads(book_file: Path) -> None:
    book = open_book(book_file)
    book.sheets[0].name = "订单"
    assert book.sheets["订单"]["A3"].value == "名称"
    assert book.sheets["订单"].used_range.address == "$A$1:$D$6"
