"""NeiQin.xlsm / NeiQin.xlam: reproducible build, checked by every reader we have."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import olefile
import openpyxl
import pytest
import xlwings
from oletools.olevba import VBA_Parser
from openpyxl.utils import get_column_letter

import macros
from neiqin.app.build import (
    SOURCE_ONLY_VBA_PROJECT,
    UI_NS,
    UI_PART,
    UI_REL_TYPE,
    BuildError,
    build,
    build_all,
    check_ribbon,
)
from neiqin.base.addin import addin_root, templates_dir
from neiqin.core import kit
from neiqin.core.marks import RESULT_SHEET
from neiqin.engine import open_book
from validators.orders import OrderRow

from .conftest import TODAY, libreoffice_convert, make_order_row, needs_libreoffice, order_values

COMMITTED = addin_root() / "workbook"

WIDTH = len(OrderRow.columns())
LAST = get_column_letter(WIDTH)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("build")
    build_all(folder)
    return folder


def test_build_is_byte_for_byte_reproducible(built: Path, tmp_path: Path) -> None:
    build_all(tmp_path)
    for name in ("NeiQin.xlsm", "NeiQin.xlam"):
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


@pytest.mark.parametrize("name", ["NeiQin.xlsm", "NeiQin.xlam"])
def test_committed_workbook_is_current(built: Path, name: str) -> None:
    assert (COMMITTED / name).read_bytes() == (built / name).read_bytes(), (
        f"workbook/{name} is stale: run `neiqin build` and commit it"
    )


def vba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


@pytest.mark.parametrize(("name", "module"), [("NeiQin.xlsm", "NeiQinRibbon.bas"), ("NeiQin.xlam", "NeiQinAddin.bas")])
def test_olevba_extracts_the_modules_exactly_as_their_sources(built: Path, name: str, module: str) -> None:
    modules = vba_modules(built / name)
    ribbon = (templates_dir() / "vba" / module).read_bytes().decode("ascii")
    assert modules["NeiQinRibbon"].strip() == ribbon.strip()
    xlwings_bas = (Path(xlwings.__file__).parent / "xlwings.bas").read_text(encoding="cp1252")
    assert modules["xlwings"].strip() == xlwings_bas.replace("\r\n", "\n").replace("\n", "\r\n").strip()
    assert "'Version: " + xlwings.__version__ in modules["xlwings"]
    assert "Dictionary" in modules
    assert "Sub NeiQinAction(control As IRibbonControl)" in modules["NeiQinRibbon"]


def test_ribbon_module_source_is_ascii_with_crlf() -> None:
    for path in (templates_dir() / "vba").glob("*.bas"):
        data = path.read_bytes()
        data.decode("ascii")
        assert b"\n" not in data.replace(b"\r\n", b""), f"{path.name} must use CRLF only"
    assert (
        b'RunPython "import macros; macros.dispatch(\'" & control.Id & "\')"'
        in (templates_dir() / "vba" / "NeiQinRibbon.bas").read_bytes()
    )


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("NeiQin.xlsm", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
        ("NeiQin.xlam", "application/vnd.ms-excel.addin.macroEnabled.main+xml"),
    ],
)
def test_package_has_ribbon_relationship_and_macro_content_type(built: Path, name: str, content_type: str) -> None:
    with zipfile.ZipFile(built / name) as zf:
        names = zf.namelist()
        assert UI_PART in names and "xl/vbaProject.bin" in names
        assert names[0] == "[Content_Types].xml"
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zf.infolist())
        rels = ET.fromstring(zf.read("_rels/.rels"))
        assert any(r.get("Type") == UI_REL_TYPE and r.get("Target") == UI_PART for r in rels)
        types = zf.read("[Content_Types].xml").decode()
        assert f'PartName="/xl/workbook.xml" ContentType="{content_type}"' in types
        core = zf.read("docProps/core.xml").decode()
        assert "2026-01-01T00:00:00Z" in core
        ole = olefile.OleFileIO(io.BytesIO(zf.read("xl/vbaProject.bin")))
        assert ole.openstream("VBA/_VBA_PROJECT").read() == SOURCE_ONLY_VBA_PROJECT


def test_ribbon_buttons_are_the_registered_actions(built: Path) -> None:
    with zipfile.ZipFile(built / "NeiQin.xlsm") as zf:
        root = ET.fromstring(zf.read(UI_PART))
    buttons = list(root.iter(f"{{{UI_NS}}}button"))
    assert [b.get("id") for b in buttons] == [a.id for a in macros.actions()]
    assert {b.get("onAction") for b in buttons} == {"NeiQinAction"}
    tab = next(root.iter(f"{{{UI_NS}}}tab"))
    assert tab.get("label") == "内勤"
    for button, act in zip(buttons, macros.actions(), strict=True):
        assert button.get("label") == act.label and button.get("imageMso") == act.image
        assert any("\u4e00" <= ch <= "\u9fff" for ch in button.get("supertip"))


def test_build_fails_when_buttons_and_actions_differ() -> None:
    xml = f'<customUI xmlns="{UI_NS}"><ribbon><tabs><tab id="t" label="内勤"><group id="g" label="x">'
    xml += '<button id="validate_orders" onAction="NeiQinAction"/><button id="ghost" onAction="NeiQinAction"/>'
    xml += "</group></tab></tabs></ribbon></customUI>"
    with pytest.raises(BuildError, match="不一致"):
        check_ribbon(xml, ["validate_orders"])
    with pytest.raises(ValueError, match="KNOWN_IMAGE_MSO"):
        macros.action("demo_x", label="x", group=kit.Group("orders", "订单", 10), image="NoSuchIcon")


def test_workbook_sheets_tables_lists_and_settings(built: Path) -> None:
    wb = openpyxl.load_workbook(built / "NeiQin.xlsm")
    assert wb.sheetnames[0] == "首页"
    assert {"订单台账", "设置", "列表", "xlwings.conf"} <= set(wb.sheetnames)
    assert wb["xlwings.conf"].sheet_state == "hidden"
    conf = {row[0].value: row[1].value for row in wb["xlwings.conf"].iter_rows(max_col=2)}
    assert set(conf) >= {"Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "UDF Modules"}
    assert conf["UDF Modules"] == "xlwings_udfs"
    orders = wb["订单台账"]
    assert "tbl_orders" in orders.tables
    header = [c.value for c in orders[orders.tables["tbl_orders"].ref.split(":")[0][1:]]]
    assert header[:3] == ["订单编号", "接单日期", "接单方式"]
    assert orders.cell(int(orders.tables["tbl_orders"].ref.split(":")[0][1:]), 1).comment is not None
    formulas = {dv.formula1 for dv in orders.data_validations.dataValidation}
    assert {"lst_order_channels", "lst_order_statuses"} <= formulas  # stored as Excel stores them: no "="
    assert "lst_order_statuses" in wb.defined_names
    assert sum(len(cf.rules) for cf in orders.conditional_formatting) == 5  # 4 status colours + overdue
    settings = {row[0].value for row in wb["设置"].iter_rows(min_row=4)}
    assert {"金额容差", "标记上限", "接单方式选项"} <= settings
    home = [c.value for row in wb["首页"].iter_rows() for c in row if c.value]
    assert "校验订单" in home


def test_headless_actions_run_on_the_built_workbook(built: Path, tmp_path: Path) -> None:
    copy = shutil.copyfile(built / "NeiQin.xlsm", tmp_path / "clerk.xlsm")
    book = open_book(copy)
    sheet = book.sheets["订单台账"]
    table = sheet.tables["tbl_orders"]
    rows = order_values([make_order_row(), make_order_row(order_id="SO2", customer=None)])
    start = table.header_row_range.row + 1
    sheet.range((start, 1)).value = rows
    table.resize(sheet.range(table.header_row_range[0, 0], sheet.range((start + 1, WIDTH))))
    from neiqin.core.ledger import read_ledger
    from neiqin.core.sheetio import append_rows

    from .conftest import CUSTOMERS, PRODUCTS

    for name, lines in (("customers", CUSTOMERS), ("products", PRODUCTS)):
        ledger = read_ledger(book, name)
        append_rows(book.sheets[ledger.sheet], ledger, lines)
    summary = macros.run("validate_orders", book, today=TODAY)
    book.save()
    assert summary.rows == 2 and summary.errors == 1
    wb = openpyxl.load_workbook(copy, keep_vba=True)
    assert RESULT_SHEET in wb.sheetnames
    assert wb["订单台账"].tables["tbl_orders"].ref == f"A{start - 1}:{LAST}{start + 1}"
    with zipfile.ZipFile(copy) as zf:
        assert UI_PART in zf.namelist() and "xl/vbaProject.bin" in zf.namelist()
    assert vba_modules(copy)["NeiQinRibbon"] == vba_modules(built / "NeiQin.xlsm")["NeiQinRibbon"]


@pytest.mark.libreoffice
@needs_libreoffice
def test_libreoffice_opens_sees_sheets_and_vba_and_exports_pdf(built: Path, tmp_path: Path) -> None:
    copy = shutil.copyfile(built / "NeiQin.xlsm", tmp_path / "copy.xlsm")  # never the real file
    for fmt in ("ods", "pdf"):
        libreoffice_convert(copy, fmt, tmp_path)
    with zipfile.ZipFile(tmp_path / "copy.ods") as ods:
        names = ods.namelist()
        content = ods.read("content.xml").decode()
    assert "Basic/VBAProject/NeiQinRibbon.xml" in names
    assert "Basic/VBAProject/xlwings.xml" in names
    for sheet in ("首页", "订单台账", "设置", "列表"):
        assert f'table:name="{sheet}"' in content
    pdf = (tmp_path / "copy.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000


def test_build_command_writes_both_files(tmp_path: Path) -> None:
    from neiqin.app.cli import main

    assert main(["build", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "NeiQin.xlsm").exists() and (tmp_path / "NeiQin.xlam").exists()
    assert build(tmp_path / "x.xlsm").read_bytes() == (tmp_path / "NeiQin.xlsm").read_bytes()
