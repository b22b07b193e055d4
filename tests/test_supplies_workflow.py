"""办公用品 workflows end to end on real .xlsx files: stock ledger, stocktake round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import macros
from neiqin.core.config import Settings
from neiqin.core.store import open_store
from neiqin.engine import open_book
from validators.supplies import SupplyCode as S
from validators.supplies import store as supplies_store
from validators.supplies.planners import Books, book_at

from .conftest import validate_file
from .supplies_factory import ISSUES, D, supplies_book

COUNT_DAY = dt.date(2026, 11, 15)


def run(path: Path, action_id: str, today: dt.date = COUNT_DAY) -> macros.Summary:
    book = open_book(path)
    summary = macros.run(action_id, book, today=today)
    book.save()
    return summary


def sheet_rows(path: Path, name: str, first: int = 5) -> list[list[Any]]:
    ws = openpyxl.load_workbook(path)[name]
    return [list(r) for r in ws.iter_rows(min_row=first, values_only=True) if any(v is not None for v in r)]


def fill(path: Path, name: str, cells: dict[str, Any]) -> None:
    wb = openpyxl.load_workbook(path)
    for at, value in cells.items():
        wb[name][at] = value
    wb.save(path)


def add_issue(path: Path, line: list[Any]) -> None:
    wb = openpyxl.load_workbook(path)
    wb["领用登记"].append(line)
    wb.save(path)


def test_stock_ledger_per_item_and_month_with_moving_average(tmp_path: Path) -> None:
    receipts = [
        [D(2026, 10, 8), "CG1", "得力办公", "BG-001", "70g 500张/包", 20, 20, 24, "合格", None, "许亮", None],
        [D(2026, 11, 2), "CG2", "得力办公", "BG-001", "70g 500张/包", 20, 20, 27, "合格", None, "许亮", None],
        [D(2026, 11, 3), "CG3", "得力办公", "BG-001", "70g 500张/包", 10, 10, 30, "不合格", None, "许亮", None],
    ]
    issues = [
        [D(2026, 10, 20), "销售部", "王磊", "BG-001", 10, None, None],
        [D(2026, 11, 5), "销售部", "王磊", "BG-001", 6, None, None],
    ]
    path = supplies_book(tmp_path / "s.xlsx", {"入库登记": receipts, "领用登记": issues})
    summary = run(path, "stock_ledger", dt.date(2026, 11, 30))
    assert summary.outcome == "ok", summary.text()
    rows = sheet_rows(path, "库存台账")
    # 10 at 24 left in October; 20 at 27 in: (10×24 + 20×27) / 30 = 26; the rejected 10 never count
    assert rows[0][:11] == ["2026-10", "BG-001", "A4 复印纸", "包", 0, 20, 10, None, 10, 24, 240]
    assert rows[1][:11] == ["2026-11", "BG-001", "A4 复印纸", "包", 10, 20, 6, None, 24, 26, 624]
    # usage over the last 8 weeks: 10 (week of 10-20) and 6; without the highest week: 6 / 7 a week
    assert rows[1][11] == round(24 / (6 / 7 / 7))
    assert rows[0][11] is None


def test_stocktake_round_trip_count_variance_approval_posted_book_equals_physical(tmp_path: Path) -> None:
    path = supplies_book(tmp_path / "s.xlsx")
    started = run(path, "stocktake")
    assert started.outcome == "ok", started.text()
    table = sheet_rows(path, "盘点表")
    assert [(r[0], r[4], r[5]) for r in table] == [("BG-001", 35, None), ("BG-002", 18, None), ("BG-003", 0, None)]
    assert run(path, "stocktake").outcome == "failed"  # one open stocktake at a time

    # an issue typed in for a day already counted is blocked while the stocktake is open
    add_issue(path, [D(2026, 11, 12), "财务部", "何琳", "BG-001", 1, None, None])
    add_issue(path, [D(2026, 11, 16), "财务部", "何琳", "BG-001", 1, None, None])
    checked = macros.run("validate_supply_issues", open_book(path), today=COUNT_DAY)
    assert [(i.code, i.row) for i in checked.issues] == [(S.SUP_STOCKTAKE_OPEN, 4)]
    assert "盘点 PD20261115（盘点日 2026-11-15）还没有结束" in checked.issues[0].message
    fill(path, "领用登记", {"A4": D(2026, 11, 16)})  # the clerk dates it after the count, as told
    assert validate_file(path, "supply_issues").issues == []

    # nothing counted yet: not posted
    closing = run(path, "stocktake_close")
    assert closing.outcome == "ok" and "还没有填写任何实盘数量" in closing.message
    fill(path, "盘点表", {"F6": 18})
    closing = run(path, "stocktake_close")
    assert closing.outcome == "issues"
    assert [(i.code, i.row, i.column) for i in closing.issues] == [(S.SUP_COUNT_MISSING, r, "实盘数量") for r in (5, 7)]
    assert supplies_store.adjustments(open_store()) == []

    # counted: 3 packs of paper missing (75 元 > 50 元: a reason is needed), no approver yet
    fill(path, "盘点表", {"F5": 32, "F6": 18, "F7": 0})
    closing = run(path, "stocktake_close")
    assert sorted((i.code, i.row) for i in closing.issues) == [(S.SUP_REASON_NEEDED, 5), (S.SUP_APPROVER_NEEDED, 5)]
    assert supplies_store.open_stocktake(open_store()) is not None
    assert sheet_rows(path, "盘点表")[0][6:9] == [-3, 25, -75]

    fill(path, "盘点表", {"J5": "破损报废", "K5": "钱红"})
    closing = run(path, "stocktake_close")
    assert closing.outcome == "ok", closing.text()
    assert "1 种物品有差异" in closing.message and "已与实盘一致" in closing.message
    store = open_store()
    assert supplies_store.open_stocktake(store) is None
    (adjustment,) = supplies_store.adjustments(store)
    assert (adjustment.item, adjustment.date, adjustment.quantity) == ("BG-001", COUNT_DAY, -3)

    # book = physical at the count day; a second close posts nothing more
    book = open_book(path)
    from neiqin.core.ledger import read_ledger

    books = Books(
        *(read_ledger(book, n) for n in ("supplies", "supply_receipts", "supply_issues")),
        supplies_store.adjustments(store),
    )
    stock, _ = book_at(books, COUNT_DAY, Settings())
    assert (stock["bg001"], stock["bg002"], stock.get("bg003", 0)) == (32, 18, 0)
    assert run(path, "stocktake_close").message == "没有进行中的盘点；要盘点请先点『盘点』。"
    assert len(supplies_store.adjustments(open_store())) == 1
    # after the count day stock moves on from the physical quantity
    stock_after, _ = book_at(books, dt.date(2026, 11, 16), Settings())
    assert stock_after["bg001"] == 30


def test_a_stocktake_without_differences_closes_without_posting(tmp_path: Path) -> None:
    path = supplies_book(tmp_path / "s.xlsx")
    run(path, "stocktake")
    fill(path, "盘点表", {"F5": 35, "F6": 18, "F7": 0})
    closing = run(path, "stocktake_close")
    assert closing.message == "盘点 PD20261115 已结束：账实相符，没有差异。"
    assert supplies_store.adjustments(open_store()) == [] and supplies_store.open_stocktake(open_store()) is None


def test_actions_without_a_catalogue_say_so(tmp_path: Path) -> None:
    path = supplies_book(tmp_path / "s.xlsx", {"物品目录": None})
    summary = run(path, "stock_ledger")
    assert summary.outcome == "failed" and "工作簿中没有『物品目录』工作表" in summary.message


@pytest.mark.parametrize("action_id", ["stocktake_close"])
def test_closing_without_a_stocktake_is_said_plainly(tmp_path: Path, action_id: str) -> None:
    path = supplies_book(tmp_path / "s.xlsx", {"领用登记": ISSUES})
    assert run(path, action_id).message == "没有进行中的盘点；要盘点请先点『盘点』。"
