"""采购计划 worked out by hand on a small history with a spike week (and the arithmetic as a table)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import macros
from neiqin.engine import open_book
from validators.supplies.planners import suggest
from validators.supplies.stock import usage_rate

from .supplies_factory import QUOTES, D, supplies_book

TODAY = dt.date(2026, 11, 30)
WINDOW = TODAY - dt.timedelta(days=55)  # the first day of the last 8 weeks (2026-10-06)


@pytest.mark.parametrize(
    ("weekly", "rate"),
    [
        ([12, 12, 12, 12, 60, 12, 12, 12], 12),  # the spike week is left out
        ([0, 0, 0, 10, 0, 0, 0, 10], 10 / 7),  # used every fourth week: still a rate (a median would say 0)
        ([5, 5], 5),
        ([7], 7),
        ([], 0),
    ],
)
def test_usage_rate_is_the_mean_without_the_highest_week(weekly: list[float], rate: float) -> None:
    assert usage_rate(weekly) == pytest.approx(rate)


# per day, lead days, safety, stock, on order, pack, 最高库存 -> need, quantity, capped
SUGGESTIONS = [
    ("the worked example", (12 / 7, 7, 12, 16, 5, 5, 60), (3, 5, False)),
    ("a plain mean would buy three times as much", (18 / 7, 7, 18, 16, 5, 5, 60), (15, 15, False)),
    ("an exact number of packs", (10 / 7, 7, 10, 10, 0, 5, 60), (10, 10, False)),
    ("capped by 最高库存, in whole packs", (2, 10, 10, 5, 0, 10, 20), (25, 10, True)),
    ("no 最高库存", (2, 10, 10, 5, 0, 10, None), (25, 30, False)),
    ("enough in stock", (1, 7, 5, 20, 0, 1, None), (-8, 0, False)),
    ("already at 最高库存", (2, 10, 10, 15, 5, 1, 20), (10, 0, True)),
]


@pytest.mark.parametrize(("what", "given", "expected"), SUGGESTIONS, ids=[s[0] for s in SUGGESTIONS])
def test_suggested_quantity(what: str, given: tuple[Any, ...], expected: tuple[Any, ...]) -> None:
    s = suggest(*given)
    assert (s.need, s.quantity, s.capped) == pytest.approx(expected)


def history() -> dict[str, list[list[Any]]]:
    """BG-001: 160 packs in, 12 a week for 8 weeks but 60 in the fifth (a trade fair), 5 on order.
    BG-002: 20 boxes, never used. BG-003: none at all."""
    receipts = [
        [D(2026, 10, 1), "CG1", "得力办公", "BG-001", "70g 500张/包", 160, 160, 25, "合格", None, "许亮", None],
        [D(2026, 10, 1), "CG2", "晨光文具", "BG-002", "0.5mm 黑", 20, 20, 18, "合格", None, "许亮", None],
        [D(2026, 11, 28), "CG3", "得力办公", "BG-001", "70g 500张/包", 5, None, None, None, None, None, "在途"],
    ]
    issues = [
        [dt.datetime.combine(WINDOW, dt.time()) + dt.timedelta(days=7 * week + 2), "销售部", "王磊", "BG-001", amount,
         "展会" if amount == 60 else "日常", "郑军"]
        for week, amount in enumerate([12, 12, 12, 12, 60, 12, 12, 12])
    ]  # fmt: skip
    quotes = [
        QUOTES[0],  # 得力办公 ¥24, 5 days, valid to 2026-12-31
        ["晨光文具", "BG-001", 22, 10, D(2026, 10, 1), D(2026, 12, 31)],  # cheaper, but 10 days > 采购周期 7
        ["京东企业购", "BG-001", 21, 3, D(2026, 8, 1), D(2026, 11, 15)],  # cheapest, expired
    ]
    return {"入库登记": receipts, "领用登记": issues, "供应商报价": quotes, "领用标准": []}


def test_purchase_plan_worked_by_hand(tmp_path: Path) -> None:
    path = supplies_book(tmp_path / "s.xlsx", history())
    book = open_book(path)
    summary = macros.run("purchase_plan", book, today=TODAY)
    book.save()
    assert summary.outcome == "ok", summary.text()
    assert summary.message == "写出『采购计划』：建议采购 2 种物品，约 180.00 元；短缺 1 种，积压 1 种。"
    ws = openpyxl.load_workbook(path)["采购计划"]
    rows = [list(r) for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    assert [r[0] for r in rows] == ["BG-003", "BG-001", "BG-002"]  # shortage, purchase, overstock
    short, paper, pens = rows
    # BG-003: nothing in stock, no use: buy the safety stock (最低库存 10) in packs of 10, no quote: the usual supplier
    assert short[4:13] == [0, 0, 0, 10, "得力办公", 6, 60, "短缺", "现有加在途 0个 低于最低库存 10个"]
    assert "暂按常用供应商 得力办公 和参考单价询价" in short[13]
    # BG-001: 12 a week (the 60 left out) -> 12 over 7 days + safety 12 - (16 + 5) = 3 -> 5 (packs of 5)
    assert paper[4:13] == [16, 5, 12, 5, "得力办公", 24, 120, None, None]
    assert paper[13] == (
        "近 8 周（去掉最高的一周）平均每周领用 12包（最高一周 60包，按一次性用量不计）；采购周期 7 天内约用 12包；"
        "安全库存 12包；现有 16包、在途 5包；需 3包，按每次 5包 的倍数取整为 5包；"
        "选 得力办公 报价 ¥24.00（交期 5 天，有效期至 2026-12-31），为有效报价中交期不超过采购周期的最低价。"
    )
    assert pens[4:13] == [20, 0, 0, None, None, None, None, "积压", "近 8 周没有领用，现有 20盒"]
