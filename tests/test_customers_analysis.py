"""客户分析: every figure on the hand-worked history (tests/customer_history.py), the paragraphs, the sheet."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from neiqin.core.config import Settings
from neiqin.core.ledger import read_ledger, read_optional
from neiqin.engine import open_book
from validators.customers.analysis import Analysis, analyse, month_labels, risk_of
from validators.sales.sources import sales_from_ledgers

from .conftest import TODAY, run_action
from .customer_history import CUSTOMERS, history_workbook

D = dt.date


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return history_workbook(tmp_path_factory.mktemp("analysis") / "台账.xlsx")


@pytest.fixture(scope="module")
def analysis(history: Path) -> Analysis:
    book = open_book(history, engine="headless")
    settings = Settings()
    customers = read_ledger(book, "customers", settings)
    lines = sales_from_ledgers(read_ledger(book, "orders", settings), read_optional(book, "archive", settings)).lines
    return analyse(customers, lines, TODAY, settings)


MONTHS = month_labels(TODAY)  # 2025-12 … 2026-11
# id -> total, 今年累计, 去年同期, 同比, interval (days), last, expected, risk, products, {month: revenue}
EXPECTED: dict[str, tuple[Any, ...]] = {
    "C1": (100000, 100000, 10000, 9.0, (334 + 92 + 92) / 3, D(2026, 11, 1), D(2027, 4, 23), "低",
           [("三相异步电机", 50000), ("通用变频器", 50000)], {"2026-05": 20000, "2026-08": 30000, "2026-11": 50000}),
    "C2": (60000, 60000, 0, None, None, D(2026, 10, 10), None, "—",
           [("三相异步电机", 40000), ("通用变频器", 20000)], {"2026-10": 60000}),
    "C3": (40000, 40000, 0, None, 29.5, D(2026, 4, 1), D(2026, 5, 1), "高", [("三相异步电机", 40000)],
           {"2026-02": 10000, "2026-03": 15000, "2026-04": 15000}),
    "C4": (0, 0, 8000, -1.0, None, D(2025, 9, 1), None, "—", [], {}),
    "C5": (0, 0, 0, None, None, None, None, "—", [], {}),
    "C6": (20000, 15000, 0, None, 340, D(2026, 11, 20), D(2027, 10, 26), "低", [("三相异步电机", 20000)],
           {"2025-12": 5000, "2026-11": 15000}),
}  # fmt: skip


@pytest.mark.parametrize("customer_id", sorted(EXPECTED))
def test_customer_figures(analysis: Analysis, customer_id: str) -> None:
    c = next(c for c in analysis.customers if c.customer_id == customer_id)
    total, ytd, last_ytd, change, interval, last, expected, risk, products, months = EXPECTED[customer_id]
    assert (c.total, c.ytd, c.last_ytd) == (total, ytd, last_ytd)
    assert c.change == pytest.approx(change) if change is not None else c.change is None
    assert c.interval == pytest.approx(interval) if interval is not None else c.interval is None
    assert (c.last, c.expected, c.risk) == (last, expected, risk)
    assert c.products == products
    assert c.months == [months.get(m, 0) for m in MONTHS]


def test_locked_customer_shows_its_own_grade(analysis: Analysis) -> None:
    grades = {c.customer_id: (c.grade, c.status) for c in analysis.customers}
    assert grades == {"C1": ("A", "活跃"), "C2": ("A", "新"), "C3": ("B", "休眠"), "C4": ("C", "流失"),
                      "C5": ("C", "潜在"), "C6": ("A", "活跃")}  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "name", "total", "share", "ytd", "last_ytd", "nonzero"),
    [
        ("regions", "华东", 220000, 220 / 225, 215000, 18000, {"2025-12": 5000, "2026-11": 65000, "2026-10": 60000}),
        ("regions", "华中", 0, 0, 0, 0, {}),
        ("regions", "档案外客户", 5000, 5 / 225, 5000, 0, {"2026-11": 5000}),
        ("industries", "贸易", 120000, 120 / 225, 115000, 10000, {"2025-12": 5000, "2026-11": 65000}),
        ("industries", "机械", 100000, 100 / 225, 100000, 0, {"2026-02": 10000, "2026-10": 60000}),
        ("industries", "电气", 0, 0, 0, 8000, {}),
    ],
)
def test_region_and_industry_figures(
    analysis: Analysis, kind: str, name: str, total: float, share: float, ytd: float, last_ytd: float,
    nonzero: dict[str, float],
) -> None:  # fmt: skip
    g = next(g for g in getattr(analysis, kind) if g.name == name)
    assert (g.total, g.ytd, g.last_ytd) == (total, ytd, last_ytd)
    assert g.share == pytest.approx(share)
    for month, value in nonzero.items():
        assert g.months[MONTHS.index(month)] == value
    assert analysis.total == 225000


def test_whom_to_call_per_rep(analysis: Analysis) -> None:
    from validators.customers.analysis import paragraph

    assert {rep: [c.customer.customer_id for c in calls] for rep, calls in analysis.calls.items()} == {
        "王磊": ["C2"],
        "陈静": ["C3", "C4", "C5"],
    }
    assert paragraph("陈静", analysis.calls["陈静"], analysis) == (
        "陈静：本周请联系 3 家客户。"
        "1. 杭州明远机电有限公司（B 类，近 12 个月 ¥40,000.00）：平均 30 天下一次单，"
        "已 239 天没有下单（比预计的 05-01 晚 209 天），流失风险高，请回访了解原因；"
        "2. 南京远大电气有限公司（C 类，近 12 个月没有销售额）：只下过一单，已 451 天没有下单（流失），"
        "请问问还有没有需要；"
        "3. 合肥新锐科技有限公司（C 类，近 12 个月没有销售额）：还没有下过单（潜在客户），可以约一次拜访。"
    )
    assert paragraph("王磊", analysis.calls["王磊"], analysis).startswith(
        "王磊：本周请联系 1 家客户。1. 苏州恒通机械有限公司（A 类，近 12 个月 ¥60,000.00）：新客户，10-10 首次下单"
    )


@pytest.mark.parametrize(
    ("since", "interval", "risk"),
    [(None, 30.0, "—"), (40, None, "—"), (30, 30.0, "低"), (31, 30.0, "中"), (60, 30.0, "中"), (61, 30.0, "高")],
)
def test_churn_risk_boundaries(since: int | None, interval: float | None, risk: str) -> None:
    assert risk_of(since, interval) == risk


def test_action_writes_a_sheet_with_charts_and_no_contact_details(history: Path, tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(history.read_bytes())
    summary = run_action(path, "customer_analysis")
    assert summary.message == (
        "已生成『客户分析』：6 家客户，近 12 个月销售额 ¥225,000.00；流失风险中、高的 1 家；"
        "本周建议联系 4 家（按负责销售各写了一段）。"
    )
    run_action(path, "customer_analysis")  # again: the sheet is replaced, not doubled
    wb = openpyxl.load_workbook(path)
    ws = wb["客户分析"]
    assert wb.sheetnames.count("客户分析") == 1
    assert len(ws._charts) == 2
    cells = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert any(v.startswith("陈静：本周请联系 3 家客户") for v in cells)
    with zipfile.ZipFile(path) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 2  # native charts in the file
    shown = " ".join(cells)
    for c in CUSTOMERS:  # 制度四.2: the sheet a rep reads carries no mobile or e-mail
        assert c["mobile"] not in shown
        assert c.get("email") is None or c["email"] not in shown


def test_a_clerks_own_sheet_of_that_name_is_kept(history: Path, tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    wb = openpyxl.load_workbook(history)
    wb.create_sheet("客户分析")["A1"] = "我的分析笔记"
    wb.save(path)
    summary = run_action(path, "customer_analysis", check=False)
    assert summary.outcome == "failed"
    assert "已有名为『客户分析』的工作表，但不是 NeiQin 生成的" in summary.message
    assert openpyxl.load_workbook(path)["客户分析"]["A1"].value == "我的分析笔记"
