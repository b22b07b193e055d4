"""Reading a big sheet in row blocks (neiqin.engine.blocks): the same rows, values, error cells and merged
areas as python-calamine's whole-sheet read, on every kind of file; the same issues from `neiqin validate`;
refusals before anything is laid out."""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neiqin.app.build import build
from neiqin.app.cli import main
from neiqin.app.demo import generate
from neiqin.core import kit
from neiqin.core.ledger import column_letter
from neiqin.engine import blocks, ooxml, open_book, prefetch, values

from . import corpus
from .conftest import order_values, write_sheet
from .test_engine_lazyrows import as_excel_saves
from .test_realfiles import CASES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sheet XML unpacked 700 bytes at a time: a small test file is then cut into many blocks, as a big
    sheet is (with the real 4 MB chunks it would come whole with the sheet's head: one block)."""
    monkeypatch.setattr(blocks, "_CHUNK", 700)


def whole(path: Path, sheet: str) -> list[list[Any]]:
    """calamine's own read of the sheet, normalized as the engine normalizes it."""
    rows = (
        python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    )
    return values.calamine_rows(rows)


def typed(rows: list[list[Any]]) -> list[list[tuple[str, Any]]]:
    """Values with their types: True == 1.0 == 1, a date is not a datetime, a number is not a text."""
    return [[(type(v).__name__, v) for v in row] for row in rows]


def same_as_whole(path: Path, sheet: str, block_bytes: int) -> blocks.SheetRead:
    parsed: list[int] = []
    original = blocks._parse

    def counted(*args: Any) -> Any:
        parsed.append(1)
        return original(*args)

    blocks._parse = counted  # (restored below: hypothesis runs this many times in one test)
    try:
        read = blocks.read_sheet(path, sheet, block_bytes=block_bytes)
    finally:
        blocks._parse = original
    with zipfile.ZipFile(path) as zf:
        size = zf.getinfo(ooxml.sheet_parts(zf)[sheet]).file_size
    if size > 4 * max(block_bytes, 700) + 4000:  # rows enough for several blocks (after a head of ≤ 4 KB)
        assert len(parsed) >= 2
    assert prefetch.is_normalized(read.rows)
    assert typed(read.rows) == typed(whole(path, sheet))
    assert read.errors == ooxml.error_cells(path, sheet)
    assert sorted(read.merges) == sorted(ooxml.merged_refs(path, sheet))
    return read


# --------------------------------------------------------------------------- the files NeiQin meets


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("wb") / "NeiQin.xlsm")


@pytest.mark.parametrize("block_bytes", [400, 5000])
def test_every_sheet_of_the_workbook_reads_the_same_in_blocks(workbook: Path, block_bytes: int) -> None:
    names = python_calamine.CalamineWorkbook.from_path(str(workbook)).sheet_names
    assert len(names) > 10
    for name in names:
        same_as_whole(workbook, name, block_bytes)


# calamine refuses these as a whole sheet (a #SPILL! cell; a rows-only <dimension>, which a block does not
# carry): the engine reads them with openpyxl, or in blocks — compared end to end below
@pytest.mark.parametrize("case", [c for c in CASES if "#SPILL!" not in c and "rows-only" not in c])
@pytest.mark.parametrize("block_bytes", [300, 2000])
def test_every_corpus_file_reads_the_same_in_blocks(tmp_path: Path, case: str, block_bytes: int) -> None:
    doc = CASES[case](tmp_path)
    same_as_whole(doc.path, doc.sheet, block_bytes)


def test_a_cell_calamine_refuses_fails_the_block_read_as_it_fails_the_whole_read(tmp_path: Path) -> None:
    """#SPILL! (a modern error value calamine does not know): both reads refuse; the engine then reads the
    sheet with openpyxl (test_realfiles covers that end to end)."""
    doc = CASES["K3Cloud, a #SPILL! cell calamine refuses"](tmp_path)
    with pytest.raises(Exception) as whole_error:
        whole(doc.path, doc.sheet)
    with pytest.raises(type(whole_error.value)):
        blocks.read_sheet(doc.path, doc.sheet, block_bytes=300)


def prefixed(data: bytes) -> bytes:
    """The sheet XML as the Open XML SDK writes it: every element with the ``x:`` prefix."""
    data = data.replace(
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
        b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
    )
    return re.sub(rb"<(/?)([A-Za-z]+)(?=[\s/>])", rb"<\1x:\2", data)


def test_a_sheet_whose_elements_carry_a_namespace_prefix_reads_the_same(tmp_path: Path) -> None:
    lines = generate(7, dt.date(2026, 11, 26), mistakes=True)["lines"]
    spec = kit.ledger("orders")
    path = write_sheet(tmp_path / "o.xlsx", [[c.header for c in spec.columns()], *order_values(lines)])
    target = corpus.rewrite(path, tmp_path / "x.xlsx", {corpus.SHEET_XML: prefixed})
    assert b"<x:row" in zipfile.ZipFile(target).read(corpus.SHEET_XML)
    read = same_as_whole(target, "订单台账", 2000)
    assert len(read.rows) == len(lines) + 3 and read.merges == [f"A1:{column_letter(len(read.rows[3]))}1"]


def test_shared_strings_and_the_1904_date_system_come_with_every_block(tmp_path: Path) -> None:
    """Excel's own files keep texts in the shared-string table; a Mac workbook counts dates from 1904."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    for r in range(1, 400):
        ws.append([f"客户{r % 7}", dt.datetime(2026, 1, 1) + dt.timedelta(days=r), r * 1.5, r % 2 == 0])
    wb.save(tmp_path / "plain.xlsx")
    as_excel_saves(tmp_path / "plain.xlsx")  # (openpyxl writes texts inline)
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as zf:
        assert "xl/sharedStrings.xml" in zf.namelist()
    read = same_as_whole(tmp_path / "plain.xlsx", "台账", 1000)
    assert read.rows[0] == ["客户1", dt.datetime(2026, 1, 2), 1.5, False]
    assert read.rows[9][0] is read.rows[2][0]  # each distinct text once
    mac = corpus.rewrite(
        tmp_path / "plain.xlsx",
        tmp_path / "mac.xlsx",
        {"xl/workbook.xml": lambda d: re.sub(rb"<workbookPr\b", b'<workbookPr date1904="1"', d)},
    )
    read = same_as_whole(mac, "台账", 1000)
    assert read.rows[0][1] == dt.datetime(2030, 1, 3)  # the same serial number, four years and a day later


# --------------------------------------------------------------------------- any sheet (hypothesis)

TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        st.sampled_from(" \t\n\u3000\xa0="),
        st.sampled_from("订单客户合计¥"),
    ),
    max_size=12,
)
VALUE = st.one_of(
    st.none(),
    TEXT,
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.integers(-(10**12), 10**12),
    st.booleans(),
    st.datetimes(dt.datetime(1901, 1, 1), dt.datetime(2099, 12, 31)).map(lambda d: d.replace(microsecond=0)),
    st.sampled_from(["#N/A", "#DIV/0!", "#VALUE!"]).map(lambda e: ("error", e)),
)


@st.composite
def sheets(draw: st.DrawFn) -> dict[str, Any]:
    width = draw(st.integers(1, 7))
    rows = draw(st.lists(st.lists(VALUE, min_size=width, max_size=width), min_size=1, max_size=40))
    return {
        "top": draw(st.integers(1, 30)),
        "left": draw(st.integers(1, 4)),
        "rows": rows,
        "gaps": draw(st.lists(st.integers(0, 3), min_size=len(rows), max_size=len(rows))),
        "merges": draw(st.lists(st.tuples(st.integers(0, 39), st.integers(0, 6), st.integers(1, 3)), max_size=3)),
        "block": draw(st.integers(150, 3000)),
        "shared": draw(st.booleans()),  # texts in a shared-string table, as Excel saves them
    }


def write(path: Path, spec: dict[str, Any]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    row = spec["top"]
    for cells, gap in zip(spec["rows"], spec["gaps"], strict=True):
        row += gap
        for j, value in enumerate(cells):
            if value is None:
                continue
            if isinstance(value, tuple):
                ws.cell(row, spec["left"] + j).value = value[1]
                ws.cell(row, spec["left"] + j).data_type = "e"
                continue
            cell = ws.cell(row, spec["left"] + j, value)
            if isinstance(value, str):
                cell.data_type = "s"
        row += 1
    for r, c, n in spec["merges"]:
        top, left = spec["top"] + r, spec["left"] + c
        ws.merge_cells(start_row=top, start_column=left, end_row=top + n, end_column=left)
    wb.save(path)
    return as_excel_saves(path) if spec["shared"] else path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=sheets())
def test_any_sheet_reads_the_same_in_blocks(tmp_path: Path, spec: dict[str, Any]) -> None:
    path = write(tmp_path / "any.xlsx", spec)
    same_as_whole(path, "表", spec["block"])


# --------------------------------------------------------------------------- refusals


def test_a_value_in_the_last_cell_is_refused_before_a_block_is_laid_out(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单台账"
    ws["A1"] = "订单编号"
    ws["XFD1048576"] = "x"
    wb.save(tmp_path / "far.xlsx")
    with pytest.raises(blocks.SheetTooLarge):
        blocks.read_sheet(tmp_path / "far.xlsx", "订单台账", block_bytes=100)


def test_a_sheet_that_declares_a_doctype_is_refused(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "d.xlsx", [["订单编号"], ["SO1"]], title=None)
    doctype = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e "x">]>'
    target = corpus.rewrite(path, tmp_path / "dt.xlsx", {corpus.SHEET_XML: lambda d: doctype + d.split(b"?>")[-1]})
    with pytest.raises(blocks.SheetTooLarge, match="DOCTYPE"):
        blocks.read_sheet(target, "订单台账", block_bytes=100)


# --------------------------------------------------------------------------- end to end


@pytest.fixture
def in_blocks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every sheet read in blocks of about 2 KB (a big sheet's path, on a small file); yields the sheets so read."""
    read: list[str] = []
    original = blocks.read_sheet

    def spy(path: Any, sheet: str, **kw: Any) -> blocks.SheetRead:
        read.append(sheet)
        return original(path, sheet, **{**kw, "block_bytes": 2000})

    monkeypatch.setattr(blocks, "BLOCK_MIN", 0)
    monkeypatch.setattr(blocks, "read_sheet", spy)
    yield read


def validate(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, Any, str]:
    code = main(["validate", str(path), "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


@pytest.fixture
def demo_ledger(tmp_path: Path) -> Path:
    """The demo's order lines with their planted mistakes, 600 lines, and two Excel error cells."""
    lines = generate(7, dt.date(2026, 11, 26), mistakes=True)["lines"]
    spec = kit.ledger("orders")
    many = [dict(line, order_id=f"{line['order_id']}-{n}") for n in range(600 // len(lines) + 1) for line in lines]
    rows = [[c.header for c in spec.columns()], *order_values(many[:600])]
    rows[5][3], rows[40][7] = "#N/A", "#DIV/0!"
    return write_sheet(tmp_path / "订单台账.xlsx", rows, errors=[(5, 3), (40, 7)])


def test_validate_finds_the_same_issues_when_the_ledger_is_read_in_blocks(
    demo_ledger: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, in_blocks: list[str]
) -> None:
    monkeypatch.setattr(blocks, "BLOCK_MIN", 1 << 40)  # first as one piece
    one = validate(capsys, demo_ledger)
    assert in_blocks == []
    monkeypatch.setattr(blocks, "BLOCK_MIN", 0)
    several = validate(capsys, demo_ledger)
    assert "订单台账" in in_blocks
    assert several == one
    code, issues, _err = several
    assert code == 1
    # the two error cells, found by the block read's scan of the sheet XML (calamine reads them as empty)
    assert {(i["row"], i["column"], i["code"]) for i in issues if i["code"] == "LED-014"} == {
        (8, "客户名称", "LED-014"),
        (43, "规格型号", "LED-014"),
    }


def test_the_engine_reads_a_big_sheet_in_blocks_and_writes_it_back_unchanged_elsewhere(
    demo_ledger: Path, in_blocks: list[str]
) -> None:
    book = open_book(demo_ledger, engine="headless")
    sheet = book.sheets["订单台账"]
    values = sheet.used_range.value
    assert in_blocks == ["订单台账"]
    sheet.range("A10").value = "SO-CHANGED"
    book.save()
    again = open_book(demo_ledger, engine="headless").sheets["订单台账"].used_range.value
    values[9][0] = "SO-CHANGED"
    assert again == values


@pytest.mark.parametrize("case", list(CASES))
def test_every_corpus_file_validates_the_same_in_blocks(
    tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = CASES[case](tmp_path)
    expected = validate(capsys, doc.path)
    monkeypatch.setattr(blocks, "BLOCK_MIN", 0)
    monkeypatch.setattr(blocks, "read_sheet", functools.partial(blocks.read_sheet, block_bytes=500))
    assert validate(capsys, doc.path) == expected


@pytest.mark.parametrize(
    ("block", "ns", "span"),
    [
        (b'<row r="5"><c r="A5"><v>1</v></c></row><row r="9" spans="1:2"><c r="A9"/></row>', b"", (5, 9)),
        (b'<x:row r="5"><x:c r="A5"/></x:row><x:row r="7"><x:c r="A7"/></x:row>', b"x:", (5, 7)),
        (b'<row r="3"/><row r="4" x14ac:dyDescent="0.25"></row>', b"", (3, 4)),
        (b'<row r="1"><c r="AB300"><v>1</v></c></row>', b"", (1, 300)),  # a cell beyond its row
        (b'<row r="100"><c r="AB7"/><c r="C100"/></row>', b"", (7, 100)),  # a cell before its row
        (b'<row r="5"><c r="Z900000"/></row>', b"", (5, 5)),  # one letter: at most 1,048,576 x 26 cells
        (b'<row r="99"><c r="AA099"/></row>', b"", (99, 99)),  # a leading zero is the same row
        (b'<row spans="1:2" r="3"/><row r="8"/>', b"", (3, 8)),  # r= not the first attribute
    ],
)
def test_the_rows_a_block_spans(block: bytes, ns: bytes, span: tuple[int, int]) -> None:
    assert blocks._measure(block, ns)[:2] == span


@pytest.mark.parametrize(
    "block",
    [
        b'<row><c r="A5"/></row><row r="6"><c r="A6"/></row>',  # a block starting with a row without its number
        b'<row r="1048576"><c r="A1048576"/></row><row r="1"><c r="A1"/></row>',  # rows backwards
    ],
)
def test_a_block_the_whole_sheet_read_must_lay_out_is_left_to_it(block: bytes) -> None:
    with pytest.raises(ValueError):
        blocks._measure(block)


@given(first=st.integers(1, 1_048_576), size=st.integers(0, 5000), n=st.integers(1, 1_048_576))
def test_a_reference_outside_the_rows_is_found(first: int, size: int, n: int) -> None:
    last = first + size
    assert bool(ooxml.rows_outside(first, last).search(b'<c r="AB%d"/>' % n)) == (n < first or n > last)
    assert bool(ooxml.rows_outside(first, last, letters=2).search(b'<c r="B%d"/>' % n)) is False


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.integers(0, 40), min_size=0, max_size=30),
    chunk=st.integers(1, 64),
    block=st.integers(1, 200),
    prefix=st.sampled_from([b"", b"x:"]),
)
def test_the_rows_are_cut_into_blocks_at_row_ends_whatever_the_chunks(
    rows: list[int], chunk: int, block: int, prefix: bytes
) -> None:
    """Every byte of the rows lands in exactly one block, each block ends after a row's end tag (or is the
    last), and what follows the rows is the tail — wherever the file's chunks happen to split the tags."""
    row, end_row, end_data = b"<" + prefix + b"row", b"</" + prefix + b"row>", b"</" + prefix + b"sheetData"
    body = b"".join(row + b' r="%d">' % (i + 1) + b"v" * n + end_row for i, n in enumerate(rows))
    after = end_data + b"><" + prefix + b'mergeCells><mergeCell ref="A1:B2"/></' + prefix + b"worksheet>"
    stream = io.BytesIO(body + after)
    tail: list[bytes] = []
    original = blocks._CHUNK
    try:
        blocks._CHUNK = chunk
        cut = list(blocks._cut(stream, b"", end_row, end_data, block, tail))
    finally:
        blocks._CHUNK = original
    assert b"".join(cut) == body
    assert all(b.endswith(end_row) for b in cut[:-1] if b)
    assert b"".join(tail) == after


def test_a_doctype_after_a_long_prologue_is_refused_all_the_same(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "d.xlsx", [["订单编号"], ["SO1"]], title=None)
    prologue = b'<?xml version="1.0"?>' + b"<!--" + b" " * 100_000 + b'--><!DOCTYPE worksheet [<!ENTITY e "x">]>'
    target = corpus.rewrite(path, tmp_path / "dt.xlsx", {corpus.SHEET_XML: lambda d: prologue + d.split(b"?>")[-1]})
    with pytest.raises(blocks.SheetTooLarge, match="DOCTYPE"):
        blocks.read_sheet(target, "订单台账", block_bytes=100)


def test_a_sheet_whose_head_is_too_big_for_every_block_is_read_in_one_piece(
    demo_ledger: Path, monkeypatch: pytest.MonkeyPatch, in_blocks: list[str]
) -> None:
    """The part before the rows goes with every block: past a limit the sheet is read in one piece, the same."""
    expected = open_book(demo_ledger, engine="headless").sheets["订单台账"].used_range.value
    in_blocks.clear()
    monkeypatch.setattr(blocks, "_HEAD_LIMIT", 100)
    monkeypatch.setattr(blocks, "_CHUNK", 64)
    with pytest.raises(ValueError, match="no rows"):
        blocks.read_sheet(demo_ledger, "订单台账")
    in_blocks.clear()
    book = open_book(demo_ledger, engine="headless")
    assert book.sheets["订单台账"].used_range.value == expected
    assert in_blocks == ["订单台账"]  # tried, then read in one piece
    assert not prefetch.is_normalized(book.sheets["订单台账"].impl._st.grid)


def test_the_size_of_a_sheet_is_read_again_when_the_file_changes(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "s.xlsx", [["订单编号"], ["SO1"]], title=None)
    small = blocks.part_size(path, "订单台账")
    assert 0 < small == blocks.part_size(path, "订单台账")
    write_sheet(path, [["订单编号"], *[[f"SO{i}"] for i in range(2000)]], title=None)
    assert blocks.part_size(path, "订单台账") > small + 20_000
    assert blocks.part_size(path, "没有这张表") == 0


def test_a_range_beyond_what_one_read_gives_is_refused_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a sheet read in blocks may give more than 20 M cells in one read (a million-row ledger)."""
    from neiqin.engine.common import EngineError

    monkeypatch.setattr(blocks, "BLOCK_MIN", 1 << 40)  # this sheet is read in one piece

    path = write_sheet(tmp_path / "s.xlsx", [["订单编号"], ["SO1"]], title=None)
    sheet = open_book(path, engine="headless").sheets["订单台账"]
    with pytest.raises(EngineError, match=r"A1:U1000000.*超出一次能读取的范围"):
        sheet.range("A1:U1000000").value  # noqa: B018 - the read is the test
    assert sheet.range("A1:A2").value == ["订单编号", "SO1"]
