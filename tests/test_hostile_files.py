"""Odd and hostile workbook files: every run ends in a value or a Chinese EngineError, never a crash.

The first tests are the regressions of the odd-file runs that ended in exit 3, a traceback or an
aborted process; the property-based suite at the end generates odd packages of its own.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.chart import BarChart, Reference

from neiqin.app.cli import main
from neiqin.engine import EngineError, open_book, save_backup, save_warnings
from neiqin.engine import ooxml as package

SHEET = "xl/worksheets/sheet1.xml"
ROOT = Path(__file__).resolve().parent.parent


def small_book(path: Path, title: str = "订单台账") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(["订单编号", "客户名称", "数量"])
    ws.append(["SO1", "苏州恒通", 3])
    ws.append(["SO2", "见合同", 5])
    wb.save(path)
    return path


def rewrite(path: Path, target: Path, parts: dict[str, Callable[[bytes], bytes] | bytes]) -> Path:
    """A copy of the package with some parts changed (a callable gets the old bytes)."""
    with zipfile.ZipFile(path) as zf, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in zf.namelist():
            data = zf.read(name)
            change = parts.get(name)
            out.writestr(name, change(data) if callable(change) else (change if change is not None else data))
    return target


def read_everything(path: Path) -> list[object]:
    """Open the workbook and read every sheet's used range, as a ledger reader does."""
    book = open_book(path, engine="headless")
    try:
        return [sheet.used_range.value for sheet in book.sheets]
    finally:
        book.close()


def run_isolated(code: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Python code in a fresh process (a reader that aborts must not take pytest with it)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT
    )


# --------------------------------------------------------------------------- regressions


def test_a_value_in_the_last_cell_is_a_clear_message_not_an_aborted_process(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "订单编号"
    wb.active["B2"] = "SO1"
    wb.active["XFD1048576"] = 1
    path = tmp_path / "far.xlsx"
    wb.save(path)
    done = run_isolated(
        "from neiqin.engine import EngineError, open_book\n"
        f"book = open_book({str(path)!r}, engine='headless')\n"
        "sheet = book.sheets[0]\n"
        "print(repr(sheet.range('A1:B2').value), repr(sheet.range('XFD1048576').value))\n"
        "try:\n    sheet.used_range.value\nexcept EngineError as exc:\n    print('EngineError', exc)\n"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    first, second = done.stdout.splitlines()
    assert first == "[['订单编号', None], [None, 'SO1']] 1.0"
    assert second.startswith("EngineError 工作表『Sheet』要读取的区域 A1:XFD1048576")


def test_a_huge_declared_range_is_read_by_its_real_content(tmp_path: Path) -> None:
    path = rewrite(
        small_book(tmp_path / "a.xlsx"),
        tmp_path / "declared.xlsx",
        {SHEET: lambda d: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', d)},
    )
    assert read_everything(path) == [
        [["订单编号", "客户名称", "数量"], ["SO1", "苏州恒通", 3.0], ["SO2", "见合同", 5.0]]
    ]


def test_a_libreoffice_rows_only_dimension_falls_back_to_openpyxl(tmp_path: Path) -> None:
    # LibreOffice may write <dimension ref="1:2137"/>: python-calamine refuses it ("missing the
    # expected column component"); openpyxl reads the file, so the engine must too
    path = rewrite(
        small_book(tmp_path / "a.xlsx"),
        tmp_path / "rows.xlsx",
        {SHEET: lambda d: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="1:2137"/>', d)},
    )
    assert read_everything(path) == [[["订单编号", "客户名称", "数量"], ["SO1", "苏州恒通", 3], ["SO2", "见合同", 5]]]
    assert main(["validate", str(path), "--json"]) in (0, 1)


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("malformed sheet", {SHEET: lambda d: d.replace(b"</sheetData>", b"<row><c></sheetData>")}),
        (
            "entity in a sheet",
            {
                SHEET: lambda d: d.replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY e "SO9">]><worksheet', 1).replace(
                    b"<v>3</v>", b"<v>&e;</v>"
                )
            },
        ),
        (
            "billion laughs in the content types",
            {"[Content_Types].xml": lambda d: d.replace(b"<Types", LAUGHS + b"<Types", 1)},
        ),
        (
            "billion laughs in the package relationships",
            {"_rels/.rels": lambda d: LAUGHS + re.sub(rb"^<\\?xml[^>]*>", b"", d)},
        ),
        (
            "entity-expanded sheet name",
            {
                "xl/workbook.xml": lambda d: d.replace(
                    b"<workbook", b'<!DOCTYPE w [<!ENTITY n "' + b"x" * 3000 + b'">]><workbook', 1
                ).replace('name="订单台账"'.encode(), b'name="&n;"')
            },
        ),
    ],
)
def test_hostile_xml_is_an_engine_error(tmp_path: Path, name: str, change: dict) -> None:
    path = rewrite(small_book(tmp_path / "a.xlsx"), tmp_path / "odd.xlsx", change)
    with pytest.raises(EngineError) as raised:
        read_everything(path)
    assert re.search(r"[\u4e00-\u9fff]", str(raised.value))
    assert main(["validate", str(path), "--json"]) == 2


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b"]>"
)


def with_bad_crc(path: Path, member: str) -> None:
    """Flip the stored CRC-32 of ``member`` (local header and central directory): it fails only when read."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    data[info.header_offset + 14] ^= 0xFF
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if bytes(data[at + 46 : at + 46 + length]) == member.encode():
            data[at + 16] ^= 0xFF
            break
        at = data.find(b"PK\x01\x02", at + 4)
    assert at != -1
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("member", ["xl/styles.xml", "docProps/app.xml"])
def test_a_member_with_a_bad_crc_never_saves_a_damaged_file(tmp_path: Path, member: str) -> None:
    path = small_book(tmp_path / "crc.xlsx")
    with_bad_crc(path, member)
    before = path.read_bytes()
    book = open_book(path, engine="headless")
    assert book.sheets[0].range("A2").value == "SO1"  # reading the sheet never needs that part
    with pytest.raises(EngineError, match="损坏"):
        book.sheets[0].range("D2").value = "已核对"
        book.save()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crc.xlsx"]


def test_an_ods_file_is_refused_for_writing_as_an_xls_is(tmp_path: Path) -> None:
    path = tmp_path / "ledger.ods"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        '<office:spreadsheet><table:table table:name="订单台账"><table:table-row><table:table-cell '
        'office:value-type="string"><text:p>SO1</text:p></table:table-cell></table:table-row></table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
            'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        zf.writestr("content.xml", content)
    book = open_book(path, engine="headless")
    assert book.sheets[0].range("A1").value == "SO1"
    with pytest.raises(EngineError, match=r"只能写入 \.xlsx / \.xlsm"):
        book.sheets[0].range("B1").value = "已核对"


def test_a_symlink_loop_is_a_clear_message(tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    os.symlink(b, a)
    os.symlink(a, b)
    with pytest.raises(EngineError, match="符号链接"):
        open_book(a, engine="headless")
    assert main(["validate", str(a)]) == 2


def test_prefetch_threads_import_nothing(tmp_path: Path) -> None:
    # imports on the prefetch thread raced the main thread's: `NameError: name 'sys' is not defined`
    path = small_book(tmp_path / "five.xlsx")
    done = run_isolated(
        "import sys, threading\n"
        "seen = []\n"
        "def hook(event, args):\n"
        "    if event == 'import' and threading.current_thread() is not threading.main_thread():\n"
        "        seen.append((threading.current_thread().name, args[0]))\n"
        "sys.addaudithook(hook)\n"
        "from neiqin.engine import prefetch\n"
        f"prefetch.start({str(path)!r})\n"
        "import pathlib\n"
        f"job = prefetch.take(pathlib.Path({str(path)!r}).resolve())\n"
        "assert job is not None and job.grid('订单台账') is not None\n"
        "[f.result() for f in job.errors.values()]\n"
        "print(seen)\n"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


def test_openpyxl_warnings_go_to_the_log_not_the_screen(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # openpyxl says in English that it drops the data bars: the clerk gets NeiQin's Chinese save warning instead
    path = rewrite(
        small_book(tmp_path / "a.xlsx"),
        tmp_path / "bars.xlsx",
        {SHEET: lambda d: d.replace(b"</worksheet>", DATA_BAR_EXT + b"</worksheet>")},
    )
    with warnings.catch_warnings(record=True) as caught, caplog.at_level("INFO", logger="neiqin"):
        warnings.simplefilter("always")
        book = open_book(path, engine="headless")
        book.sheets[0].range("D2").value = "已核对"
        book.save()
    assert [str(w.message) for w in caught] == []
    assert "Conditional Formatting extension is not supported" in caplog.text
    assert main(["run", "validate_orders", str(path)]) in (0, 1)


def test_stale_temp_files_of_killed_saves_are_removed(tmp_path: Path) -> None:
    path = small_book(tmp_path / "ledger.xlsx")
    old = time.time() - 3600
    stale = [tmp_path / ".ledger.neiqin-tmp-ab12cd34.xlsx", tmp_path / ".ledger.k2j4h6g8.xlsx"]
    stale.append(tmp_path / ".ledger.neiqin-tmp-zz99yy88.xlsx.pkg")
    fresh = tmp_path / ".ledger.neiqin-tmp-qq11ww22.xlsx"  # a save running right now
    foreign = [tmp_path / ".ledger.notes.xlsx", tmp_path / ".other.neiqin-tmp-ab12cd34.xlsx"]
    for p in [*stale, fresh, *foreign]:
        p.write_bytes(b"x")
        if p is not fresh:
            os.utime(p, (old, old))
    book = open_book(path, engine="headless")
    book.sheets[0].range("D2").value = "已核对"
    book.save()
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["ledger.xlsx", fresh.name, *(p.name for p in foreign)])


def test_charts_of_a_workbook_neiqin_did_not_make_are_no_false_loss(tmp_path: Path) -> None:
    path = small_book(tmp_path / "charts.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for anchor in ("E2", "E20"):
        chart = BarChart()
        chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=3), titles_from_data=True)
        ws.add_chart(chart, anchor)
    wb.save(path)
    book = open_book(path, engine="headless")
    book.sheets[0].range("D2").value = "已核对"
    book.save()
    assert save_warnings(book) == [] and save_backup(book) is None
    assert package.inventory(path)["图表"] == 2


DATA_BAR_EXT = (
    b'<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
    b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings>'
    b'<x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    b'<x14:cfRule type="dataBar" id="{00000000-0000-0000-0000-000000000001}"><x14:dataBar minLength="0" '
    b'maxLength="100"><x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/></x14:dataBar></x14:cfRule>'
    b"<xm:sqref>C2:C3</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>"
)


def test_data_bars_a_save_drops_are_named_and_backed_up(tmp_path: Path) -> None:
    path = rewrite(
        small_book(tmp_path / "a.xlsx"),
        tmp_path / "bars.xlsx",
        {SHEET: lambda d: d.replace(b"</worksheet>", DATA_BAR_EXT + b"</worksheet>")},
    )
    book = open_book(path, engine="headless")
    book.sheets[0].range("D2").value = "已核对"
    book.save()
    assert save_warnings(book) == ["条件格式（数据条、图标集等扩展） 1 个"]
    backup = save_backup(book)
    assert backup is not None and DATA_BAR_EXT in zipfile.ZipFile(backup).read(SHEET)


# --------------------------------------------------------------------------- generated files


def _base_package() -> bytes:
    buffer = io.BytesIO()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单台账"
    ws.append(["订单编号", "客户名称", "数量", "日期"])
    ws.append(["SO1", "苏州恒通", 3, "2026-11-01"])
    ws.append(["SO2", "'001", 5.5, None])
    ws.merge_cells("B3:B4")
    wb.save(buffer)
    return buffer.getvalue()


BASE = _base_package()
PART_NAMES = zipfile.ZipFile(io.BytesIO(BASE)).namelist()


@st.composite
def odd_packages(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["truncated", "random", "mangled", "dimension", "cells", "sheet name"]))
    if kind == "truncated":
        return BASE[: draw(st.integers(0, len(BASE) - 1))]
    if kind == "random":
        return draw(st.binary(max_size=2000))
    with zipfile.ZipFile(io.BytesIO(BASE)) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    if kind == "mangled":
        name = draw(st.sampled_from(PART_NAMES))
        data = parts[name]
        at = draw(st.integers(0, len(data)))
        cut = draw(st.integers(0, 40))
        parts[name] = data[:at] + draw(st.binary(max_size=30)) + data[at + cut :]
    elif kind == "dimension":
        ref = draw(
            st.one_of(
                st.sampled_from(["1:2137", "A:C", "A1:XFD1048576", "", "ZZZZ9", "A0", "A1:B2:C3", "XFD1048576"]),
                st.text(alphabet="AZ019:$", max_size=12),
            )
        )
        parts[SHEET] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="%s"/>' % ref.encode(), parts[SHEET])
    elif kind == "cells":
        where = draw(st.sampled_from(["E2", "XFD1", "A1048576", "AB300", "XFD1048576"]))
        value = draw(
            st.one_of(
                st.text(max_size=200),
                st.floats(allow_nan=True, allow_infinity=True),
                st.integers(-(2**53), 2**53),  # Excel stores numbers as doubles: larger ones are not exact
                st.sampled_from(["=1/0", "=SUM(A1:A3)", "#N/A", "'=1+1", "\x0b\x00", "x" * 40000]),
            )
        )
        xml_value = (
            b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>'
            % (where.encode(), re.sub(r"[<&>]", "", str(value)).encode("utf-8", "replace")[:40000])
            if isinstance(value, str)
            else b'<c r="%s"><v>%s</v></c>' % (where.encode(), repr(value).encode())
        )
        row = int(re.sub(r"\D", "", where))
        parts[SHEET] = parts[SHEET].replace(b"</sheetData>", b'<row r="%d">%s</row></sheetData>' % (row, xml_value))
    else:
        name = draw(st.text(min_size=0, max_size=40))
        escaped = name.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").encode("utf-8", "replace")
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
            'name="订单台账"'.encode(), b'name="' + escaped + b'"'
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return buffer.getvalue()


def _cells(path: Path) -> dict[tuple[str, str], object] | None:
    """Every clerk cell as openpyxl reads it (None when openpyxl cannot read the file)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path)
    except Exception:
        return None
    # an empty text cell and no value look the same in Excel
    return {
        (ws.title, c.coordinate): c.value
        for ws in wb.worksheets
        for c in ws._cells.values()
        if c.value not in ("", None)
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=odd_packages())
def test_odd_packages_end_in_a_value_or_an_engine_error(tmp_path: Path, data: bytes) -> None:
    folder = Path(tempfile_dir(tmp_path))
    path = folder / "odd.xlsx"
    path.write_bytes(data)
    try:
        book = open_book(path, engine="headless")
        for sheet in book.sheets:
            sheet.used_range.value  # noqa: B018 - reading is the point
    except EngineError as exc:
        assert re.search(r"[\u4e00-\u9fff]", str(exc))
        return
    before = _cells(path)
    out = folder / "marked.xlsx"
    try:
        sheet = book.sheets[0]
        sheet.range("A1").color = "#FFC7CE"
        sheet.range("A1").note.text if sheet.range("A1").note else sheet.range("A1").add_note("NeiQin：请核对")
        book.save(out)
    except EngineError as exc:
        assert re.search(r"[\u4e00-\u9fff]", str(exc))
        assert not out.exists()
        return
    after = _cells(out)
    if before is not None:
        assert after == before  # marks change formats and notes, never a clerk's value


_COUNTER = iter(range(10**9))


def tempfile_dir(tmp_path: Path) -> Path:
    folder = tmp_path / f"run{next(_COUNTER)}"
    folder.mkdir()
    return folder


def test_a_big_sheet_is_measured_by_its_references_and_read_by_calamine(tmp_path: Path) -> None:
    """A big part is measured by its row numbers and references — and still parsed by calamine, not
    silently handed to openpyxl (which takes ten times as long on a big ledger)."""
    from neiqin.engine import ooxml, prefetch

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单台账"
    filler = "长" * 200
    for i in range(1, 20_001):
        ws.append([f"SO{i}", filler, i])
    path = tmp_path / "big.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("xl/worksheets/sheet1.xml").file_size > 8 << 20
    extent = ooxml.sheet_extent(path, "订单台账")
    assert extent == (20_000, 26, False)  # an upper bound: references of one letter reach Z at most
    import python_calamine

    grid = prefetch.parse_sheet(python_calamine.CalamineWorkbook.from_path(str(path)), "订单台账", path)
    assert len(grid) == 20_000 and grid[-1][0] == "SO20000"


@pytest.mark.parametrize(
    ("cells", "extent"),
    [
        (b'<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="C2"><v>2</v></c></row>', (2, 26)),
        # a value far beyond the rows it sits in, the <dimension> saying A1:A1: measured by the reference
        (b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD999999"><v>2</v></c></row>', (999_999, 16_384)),
        (b'<row r="3"><c r="Z700000"><v>2</v></c></row>', (700_000, 26)),
        (b'<row><c r="AB12"><v>1</v></c></row>', (12, 28)),  # rows without numbers: their cells tell
    ],
)
def test_a_sheet_is_measured_by_its_cells_not_its_declared_dimension(
    tmp_path: Path, cells: bytes, extent: tuple[int, int]
) -> None:
    from neiqin.engine import ooxml

    path = small_book(tmp_path / "far.xlsx")
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><dimension ref="A1:A1"/><sheetData>' + cells + b"</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["xl/worksheets/sheet1.xml"] = xml
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert ooxml.sheet_extent(path, "订单台账") == (*extent, False)
