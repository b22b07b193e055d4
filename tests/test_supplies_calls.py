"""The workbook calls of the office-supplies actions do not grow with the number of lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import macros
import neiqin
from neiqin.engine import open_book

from .supplies_factory import D, supplies_book

TODAY = dt.date(2026, 11, 30)


def book_with(tmp_path: Path, n: int) -> Path:
    """``n`` issues of 1 pack spread over 2026, all covered by one big receipt; approved, within quota."""
    receipts = [
        [D(2025, 12, 30), "CG1", "得力办公", "BG-001", "70g 500张/包", 5000, 5000, 25, "合格", None, "许亮", None]
    ]
    issues: list[list[Any]] = [
        [D(2026, 1 + i % 11, 1 + i % 28), "销售部", "王磊", "BG-001", 1, "日常", "郑军"] for i in range(n)
    ]
    return supplies_book(tmp_path / f"s{n}.xlsx", {"入库登记": receipts, "领用登记": issues, "领用标准": []})


def calls(path: Path, action_id: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("NEIQIN_DB", str(path.with_suffix(".db")))  # a store each: one open stocktake at a time
    book = open_book(path)
    with neiqin.count_calls() as counted:
        summary = macros.run(action_id, book, today=TODAY)
    assert summary.outcome == "ok", summary.text()
    return sum(counted.values())


@pytest.mark.parametrize(
    "action_id", ["validate_supply_issues", "stock_ledger", "purchase_plan", "supplies_report", "stocktake"]
)
def test_workbook_calls_do_not_grow_with_the_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, action_id: str
) -> None:
    small, large = book_with(tmp_path, 22), book_with(tmp_path, 440)
    assert calls(small, action_id, monkeypatch) == calls(large, action_id, monkeypatch)
