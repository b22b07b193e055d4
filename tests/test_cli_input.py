"""The command line on a clerk's files: validate's output, bad input said plainly (where, what to do)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from neiqin.app.cli import main

from .conftest import (
    make_order_row,
    order_workbook,
    write_orders,
)


def columns(ws: Any, header_row: int = 4) -> dict[str, int]:
    """Header text -> column number of a sheet's header row."""
    return {c.value: c.column for c in ws[header_row] if c.value is not None}


# --------------------------------------------------------------------------- B4 CLI validate


def test_validate_reads_the_sheet_asked_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_orders(tmp_path / "v.xlsx", [make_order_row(order_id="SO1")])
    wb = openpyxl.load_workbook(path)
    other = wb.copy_worksheet(wb["订单台账"])
    other.title = "十月订单"
    other["D4"] = None  # 客户名称 missing, on 十月订单 only
    wb.save(path)
    assert main(["validate", str(path), "--today", "2026-11-26"]) == 0
    assert main(["validate", str(path), "--sheet", "十月订单", "--today", "2026-11-26"]) == 1
    assert "『十月订单』" in capsys.readouterr().out
    assert main(["validate", str(path), "--sheet", "十月订单", "--mark", "--today", "2026-11-26"]) == 2


def test_validate_with_and_without_mark_agree(tmp_path: Path) -> None:
    path = order_workbook(tmp_path / "v.xlsx", [make_order_row(order_id="SO1", status="已完成")])
    assert main(["validate", str(path), "--mark", "--today", "2026-11-26"]) == 0  # remembers 已完成
    wb = openpyxl.load_workbook(path)
    ws = wb["订单台账"]
    ws.cell(5, columns(ws)["状态"]).value = "已确认"  # goes back
    wb.save(path)
    assert main(["validate", str(path), "--today", "2026-11-26"]) == 1
    assert main(["validate", str(path), "--mark", "--today", "2026-11-26"]) == 1
