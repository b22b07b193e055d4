"""客户分级: ABC, status and RFM on a hand-worked order history (tests/customer_history.py), locks, edges."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from neiqin.core.config import Settings
from neiqin.core.ledger import read_ledger, read_optional
from neiqin.engine import open_book
from validators.customers.classes import History, is_locked, plan_classify, status_of
from validators.sales.sources import sales_from_ledgers

from .conftest import TODAY, ledger_rows, run_action
from .customer_history import history_workbook

# customer -> (grade, status, segment, words the reason must hold)
EXPECTED = {
    "C1": ("A", "活跃", "重要价值客户", ["¥100,000.00", "占 45.5%", "累计 0.0%", "最近下单 2026-11-01（25 天前）",
                                        "3 张订单", "M高（¥100,000.00，≥有销售额客户的平均 ¥55,000.00 为高）"]),
    "C2": ("A", "新", "重要发展客户", ["¥60,000.00", "占 27.3%", "累计 45.5%", "首次下单 2026-10-10", "1 张订单"]),
    "C3": ("B", "休眠", "一般保持客户", ["¥40,000.00", "累计 72.7%", "最近下单 2026-04-01（239 天前）", "3 张订单"]),
    "C4": ("C", "流失", "一般挽留客户", ["近 12 个月没有销售额", "最近下单 2025-09-01（451 天前）", "0 张订单"]),
    "C5": ("C", "潜在", None, ["没有这家客户的订单"]),
}  # fmt: skip


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return history_workbook(tmp_path_factory.mktemp("classify") / "台账.xlsx")


def _plan(path: Path, settings: Settings | None = None) -> tuple[Any, Any]:
    book = open_book(path, engine="headless")
    settings = settings or Settings()
    customers = read_ledger(book, "customers", settings)
    lines = sales_from_ledgers(read_ledger(book, "orders", settings), read_optional(book, "archive", settings)).lines
    return customers, plan_classify(customers, lines, TODAY, settings)


def _written(customers: Any, plan: Any) -> dict[str, dict[str, Any]]:
    cells = plan.cells.get(customers.sheet, {})
    out: dict[str, dict[str, Any]] = {}
    for pos, row in enumerate(customers.rows):
        cid = customers.raw["customer_id"][pos]
        out[cid] = {f: cells[(row, customers.col(f))] for f in ("grade", "status", "segment", "class_reason")
                    if (row, customers.col(f)) in cells}  # fmt: skip
    return out


@pytest.mark.parametrize("customer_id", sorted(EXPECTED))
def test_each_customer_is_classified_as_worked_by_hand(history: Path, customer_id: str) -> None:
    customers, plan = _plan(history)
    written = _written(customers, plan)[customer_id]
    grade, status, segment, words = EXPECTED[customer_id]
    assert written.get("grade") == grade
    assert written.get("status") == status
    assert written.get("segment", None) == segment
    for word in words:
        assert word in written["class_reason"], (word, written["class_reason"])


def test_locked_row_is_never_written_and_the_summary_counts(history: Path) -> None:
    customers, plan = _plan(history)
    assert _written(customers, plan)["C6"] == {}
    assert plan.message == (
        "已给 5 家客户分级：A 类 2 家、B 类 1 家、C 类 2 家；新 1 家、活跃 1 家、休眠 1 家、流失 1 家、潜在 1 家。"
        "「锁定」为是的 1 家未改。依据写在「分级依据」列。"
    )
    assert plan.details == [
        "订单中 1 个客户（1 行）在客户档案中找不到，未计入分级：不存在的客户有限公司；"
        "请在客户档案中建档，或把订单的客户名称改成档案中的全称"
    ]


def test_configured_monetary_line_moves_a_customer_to_another_segment(history: Path) -> None:
    settings = Settings()
    settings.rfm_amount = 30000
    customers, plan = _plan(history, settings)
    written = _written(customers, plan)
    assert written["C3"]["segment"] == "重要保持客户"  # 40,000 ≥ 30,000
    assert "M高（¥40,000.00，≥¥30,000.00 为高）" in written["C3"]["class_reason"]
    assert written["C1"]["segment"] == "重要价值客户"


@pytest.mark.parametrize(
    ("a_pct", "b_pct", "grades"),
    [
        (70, 90, {"C1": "A", "C2": "A", "C3": "B", "C4": "C"}),
        (40, 80, {"C1": "A", "C2": "B", "C3": "B", "C4": "C"}),  # C3: before 72.7% < 80
        (50, 70, {"C1": "A", "C2": "A", "C3": "C", "C4": "C"}),
    ],
)
def test_abc_thresholds(history: Path, a_pct: float, b_pct: float, grades: dict[str, str]) -> None:
    settings = Settings()
    settings.class_a_pct, settings.class_b_pct = a_pct, b_pct
    customers, plan = _plan(history, settings)
    written = _written(customers, plan)
    assert {cid: written[cid]["grade"] for cid in grades} == grades


@pytest.mark.parametrize(
    ("first", "last", "status"),
    [
        (None, None, "潜在"),
        (90, 90, "新"),  # first order exactly 「新客户天数」 ago
        (91, 10, "活跃"),
        (400, 90, "活跃"),
        (400, 91, "休眠"),
        (400, 365, "休眠"),
        (400, 366, "流失"),
    ],
)
def test_status_boundaries(first: int | None, last: int | None, status: str) -> None:
    history = None
    if first is not None and last is not None:
        history = History(first=TODAY - dt.timedelta(days=first), last=TODAY - dt.timedelta(days=last))
    assert status_of(history, TODAY, Settings()) == status


@pytest.mark.parametrize(
    ("value", "locked"),
    [("是", True), (" 是 ", True), ("Y", True), ("√", True), (1, True), ("锁定", True),
     ("否", False), (None, False), ("", False), ("N", False)],
)  # fmt: skip
def test_lock_words(value: Any, locked: bool) -> None:
    assert is_locked(value) is locked


def test_action_writes_the_archive_and_keeps_the_locked_row(history: Path, tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(history.read_bytes())
    summary = run_action(path, "classify_customers")
    assert summary.outcome == "ok" and summary.message.startswith("已给 5 家客户分级")
    rows = {r["customer_id"]: r for r in ledger_rows(path, "customers")}
    assert {cid: (rows[cid]["grade"], rows[cid]["status"], rows[cid]["segment"]) for cid in EXPECTED} == {
        cid: e[:3] for cid, e in EXPECTED.items()
    }
    assert (rows["C6"]["grade"], rows["C6"]["status"], rows["C6"]["segment"], rows["C6"]["class_reason"]) == (
        "A", "活跃", None, None)  # fmt: skip
    assert rows["C5"]["class_reason"].endswith("（2026-11-26 客户分级）")
    again = run_action(path, "classify_customers")  # nothing changed: the same values, nothing rewritten
    assert again.message == summary.message


def test_wrong_thresholds_are_refused_in_chinese(history: Path) -> None:
    settings = Settings()
    settings.class_a_pct, settings.class_b_pct = 80, 70
    summary = run_action(history, "classify_customers", settings=settings, check=False)
    assert summary.outcome == "failed"
    assert "「B类客户销售额占比（%）」（70）应大于「A类客户销售额占比（%）」（80）" in summary.message


def test_an_archive_without_the_class_columns_is_told_what_to_add(tmp_path: Path) -> None:
    from .conftest import write_sheet

    path = write_sheet(
        tmp_path / "旧.xlsx",
        [["客户编号", "客户名称", "联系人"], ["C1", "上海华东贸易有限公司", "张伟"]],
        sheet="客户档案",
    )
    summary = run_action(path, "classify_customers", check=False)
    assert summary.outcome == "failed"
    assert "『客户档案』缺少列：客户等级、状态、分级依据" in summary.message
