"""`neiqin doctor` (passes on a correct install, names the fault on a broken one) and import-ledger."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from neiqin.app import doctor
from neiqin.app.build import build
from neiqin.app.cli import main
from neiqin.app.importer import import_ledger
from neiqin.engine import open_book
from validators.orders import OrderRow

from .conftest import TODAY, write_sheet

WIDTH = len(OrderRow.columns())
LAST = get_column_letter(WIDTH)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("wb") / "NeiQin.xlsm")


@pytest.fixture
def clerk_copy(workbook: Path, tmp_path: Path) -> Path:
    return shutil.copyfile(workbook, tmp_path / "NeiQin.xlsm")


def test_doctor_passes_after_fix(clerk_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", str(clerk_copy)]) == 1  # a fresh copy still has the PYTHONPATH placeholder
    assert "PYTHONPATH" in capsys.readouterr().out
    assert main(["doctor", str(clerk_copy), "--fix"]) == 0
    out = capsys.readouterr().out
    assert "已写入 xlwings.conf：PYTHONPATH" in out and "一切就绪" in out and "✗" not in out
    conf = doctor.read_conf(clerk_copy)
    assert Path(conf["PYTHONPATH"]).joinpath("macros", "__init__.py").exists()
    assert doctor.workbook_vba_version(clerk_copy) == "0.37.8"  # the fix kept the VBA project


def test_doctor_fix_never_writes_over_a_key_after_a_gap(clerk_copy: Path) -> None:
    book = open_book(clerk_copy, engine="headless")
    conf = book.sheets["xlwings.conf"]
    rows = conf.used_range.options(ndim=2).value
    keys = [str(r[0]).upper() for r in rows]
    gap = keys.index("PYTHONPATH") + 1  # 1-based row of PYTHONPATH: empty it, keep the rows below
    conf.range((gap, 1), (gap, 2)).value = [[None, None]]
    book.save()
    below = [r[0] for r in rows[gap:]]
    assert below, "the test needs keys below the gap"
    doctor.fix(clerk_copy)
    after = open_book(clerk_copy, engine="headless").sheets["xlwings.conf"].used_range.options(ndim=2).value
    assert [r[0] for r in after[gap:]] == below  # the keys after the gap are untouched
    assert str(after[gap - 1][0]).upper() == "PYTHONPATH"  # the missing key went into the gap


def test_doctor_names_a_version_mismatch(clerk_copy: Path) -> None:
    from pyopenvba import ExcelFile

    with ExcelFile(clerk_copy) as book:
        source = book.get_module("xlwings").replace("'Version: 0.37.8", "'Version: 0.36.0")
        book.set_module("xlwings", source)
        book.save()
    check = doctor.check_xlwings(clerk_copy)
    assert check.status == "fail"
    assert "0.36.0" in check.message and "0.37.8" in check.message
    assert "neiqin build" in check.fix
    assert doctor.check_xlwings(None, installed="0.35.0").status == "fail"


def test_doctor_names_a_missing_module(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def fake(name: str, *args, **kwargs):
        if name == "xlwings_udfs":
            raise ModuleNotFoundError("No module named 'xlwings_udfs'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(doctor.importlib, "import_module", fake)
    checks = {c.name: c for c in doctor.check_modules()}
    assert checks["模块 macros"].status == "ok"
    assert checks["模块 xlwings_udfs"].status == "fail"
    assert "无法导入" in checks["模块 xlwings_udfs"].message


def test_doctor_finds_a_stale_ribbon_and_old_python(clerk_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import macros

    ghost = dataclasses.replace(macros.registry._REGISTRY["validate_orders"], id="ghost_action")
    monkeypatch.setitem(macros.registry._REGISTRY, "ghost_action", ghost)
    check = doctor.check_ribbon(clerk_copy)
    assert check.status == "fail" and "ghost_action" in check.message
    assert doctor.check_python((3, 9, 1)).status == "fail"


def test_import_ledger_by_header_matching(clerk_copy: Path, tmp_path: Path) -> None:
    headers = ["单号", "下单日期", "客户", "货号", "订单数量", "含税单价(元)", "交期", "客户地址"]
    rows = [
        ["SO1", "2026/11/3", "上海华东贸易有限公司", "MT-2200", 10, 1850, "2026-11-20", "上海"],
        ["SO2", "2026-02-30", "苏州恒通机械有限公司", "GR-0407", 5, 420, "2026-11-30", "苏州"],
    ]
    source = write_sheet(tmp_path / "old.xlsx", [headers, *rows], sheet="Sheet1")
    before = source.read_bytes()
    result = import_ledger(source, clerk_copy, "orders")
    assert source.read_bytes() == before
    assert (result.rows, result.unmatched) == (2, ["客户地址"])
    ws = openpyxl.load_workbook(clerk_copy, keep_vba=True)["订单台账"]
    header_row = result.first_row - 1
    assert ws.cell(header_row, 1).value == "订单编号"
    assert [ws.cell(result.first_row, c).value for c in (1, 2, 4, 6, 11)] == [
        "SO1",
        dt.datetime(2026, 11, 3),  # a date, not the text 2026/11/3
        "上海华东贸易有限公司",
        "MT-2200",
        10,
    ]
    assert ws.cell(result.first_row, 2).number_format == "yyyy-mm-dd"
    # the date that does not exist is copied as typed (never lost) and listed
    assert ws.cell(result.first_row + 1, 2).value == "2026-02-30"
    assert [(i.row, i.code) for i in result.unconverted] == [(5, "LED-012")]
    assert ws.tables["tbl_orders"].ref == f"A{header_row}:{LAST}{result.last_row}"
    # the imported text date that does not exist is reported where it now is
    import macros

    summary = macros.run("validate_orders", open_book(clerk_copy), today=TODAY)
    assert any(i.row == result.first_row + 1 and i.code == "LED-012" for i in summary.issues)


def test_import_ledger_cli(clerk_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_sheet(tmp_path / "old.xlsx", [["订单号", "客户名称"], ["SO9", "甲"]], sheet="订单")
    assert main(["import-ledger", str(source), "--into", str(clerk_copy)]) == 1  # imported, required columns empty
    out = capsys.readouterr().out
    assert "已导入 1 行" in out
    assert "源文件没有这些必需的列，导入的行中将为空，请导入后补填：接单日期、产品编码、数量、单价、交货日期" in out
    junk = write_sheet(tmp_path / "junk.xlsx", [["名称", "备注"], ["甲", "乙"]], sheet="订单")
    assert main(["import-ledger", str(junk), "--into", str(clerk_copy)]) == 2  # no order-ledger header
    assert "找不到表头" in capsys.readouterr().err
    assert main(["import-ledger", str(tmp_path / "nope.xlsx"), "--into", str(clerk_copy)]) == 2
