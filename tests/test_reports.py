"""Sales reports: golden figures worked out by hand, PVM, reconciliation, periods, sources, CLI, tabs.

The golden ledger (figures in the comments are computed by hand, not by NeiQin):

| line | order | date       | customer | region | category | code | qty | price | amount | cost |
|------|-------|------------|----------|--------|----------|------|-----|-------|--------|------|
| L1   | SO10  | 2026-10-03 | 客户A    | 华东   | 电机     | P1   | 10  | 100   |        | 60   |
| L2   | SO10  | 2026-10-03 | 客户A    | 华东   | 配件     | P3   | 20  | 10    | 200    | 5    |
| L3   | SO11  | 2026-10-15 | 客户B    | 华南   | 电机     | P2   | 5   | 200   | 1000   | 150  |
| L4   | SO20  | 2026-11-02 | 客户A    | 华东   | 电机     | P1   | 12  | 110   | 1320   | 60   |
| L5   | SO21  | 2026-11-10 | 客户C    | 华北   | 电机     | P2   | 4   | 200   | 800    | 150  |
| L6   | SO21  | 2026-11-10 | 客户C    | 华北   | 传感器   | P4   | 3   | 50    | 150    | 30   |
| L7   | SO22  | 2026-11-20 | 客户B    | 华南   | 配件     | P3   | -2  | 10    | -20    | 5    |  (a return)
| L8   | SO23  | 2026-11-25 | 客户A    | 华东   | 电机     | P1   | 5   | 110   | 550    | 60   |  已取消
| L9   | SO24  | 2026-11-26 | 客户D    | 华东   | 配件     | P3   | 3   |       |        | 5    |  no price/amount
| L10  | SO01  | 2025-11-05 | 客户A    | 华东   | 电机     | P1   | 8   | 100   | 800    | 60   |

November 2026 counts L4–L7: revenue 1320 + 800 + 150 − 20 = 2250; quantity 12 + 4 + 3 − 2 = 17;
profit 600 + 200 + 60 − 10 = 850; orders SO20/SO21/SO22 = 3; lines 4; customers A, B, C = 3
(C is new: first line 2026-11-10). October 2026: revenue 1000 + 200 + 1000 = 2200, profit
400 + 100 + 250 = 750. November 2025: 800.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

import macros
from neiqin.app.cli import main
from neiqin.engine import count_calls, open_book
from validators.sales import reports
from validators.sales.sources import ReportInputError, load_mapping, read_export, read_values

from .conftest import TODAY, libreoffice_convert, needs_libreoffice

D = dt.datetime
HEADER = [
    "订单编号",
    "接单日期",
    "客户名称",
    "区域",
    "产品类别",
    "产品编码",
    "数量",
    "单价",
    "金额",
    "成本单价",
    "状态",
]
GOLDEN = [
    ["SO10", D(2026, 10, 3), "客户A", "华东", "电机", "P1", 10, 100, None, 60, "已完成"],
    ["SO10", D(2026, 10, 3), "客户A", "华东", "配件", "P3", 20, 10, 200, 5, "已完成"],
    ["SO11", D(2026, 10, 15), "客户B", "华南", "电机", "P2", 5, 200, 1000, 150, "已完成"],
    ["SO20", D(2026, 11, 2), "客户A", "华东", "电机", "P1", 12, 110, 1320, 60, "已发货"],
    ["SO21", D(2026, 11, 10), "客户C", "华北", "电机", "P2", 4, 200, 800, 150, "生产中"],
    ["SO21", D(2026, 11, 10), "客户C", "华北", "传感器", "P4", 3, 50, 150, 30, "生产中"],
    ["SO22", D(2026, 11, 20), "客户B", "华南", "配件", "P3", -2, 10, -20, 5, "已完成"],
    ["SO23", D(2026, 11, 25), "客户A", "华东", "电机", "P1", 5, 110, 550, 60, "已取消"],
    ["SO24", D(2026, 11, 26), "客户D", "华东", "配件", "P3", 3, None, None, 5, "已确认"],
    ["SO01", D(2025, 11, 5), "客户A", "华东", "电机", "P1", 8, 100, 800, 60, "已完成"],
]
NOV = dt.date(2026, 11, 1)


def golden_sales(rows: list[list[Any]] | None = None) -> reports.Sales:
    return read_values([HEADER, *(rows if rows is not None else GOLDEN)], "订单台账")


def test_golden_month_headline() -> None:
    report = reports.build_report(golden_sales(), "month", NOV)
    cur = report.current
    assert cur["revenue"] == pytest.approx(2250)
    assert cur["quantity"] == pytest.approx(17)
    assert cur["profit"] == pytest.approx(850)
    assert (cur["orders"], cur["lines"], cur["customers"]) == (3, 4, 3)
    assert cur["aov"] == pytest.approx(750)
    assert cur["margin"] == pytest.approx(850 / 2250)
    assert report.previous["revenue"] == pytest.approx(2200)  # L1 from 数量 × 单价
    assert report.previous["profit"] == pytest.approx(750)
    assert report.year_ago["revenue"] == pytest.approx(800)
    assert report.customers == {"new": 1, "returning": 2}
    assert report.title == "月报 2026-11"
    assert report.reconciled, [c for c in report.checks if not c.ok]


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("region", {"华东": 1320, "华北": 950, "华南": -20}),
        ("category", {"电机": 2120, "传感器": 150, "配件": -20}),
    ],
)
def test_golden_breakdowns(field: str, expected: dict[str, float]) -> None:
    report = reports.build_report(golden_sales(), "month", NOV)
    table = report.breakdowns[field]
    assert dict(zip(table[field], table["revenue"], strict=True)) == pytest.approx(expected)
    assert table["revenue"].sum() == pytest.approx(report.current["revenue"])


def test_golden_excluded_lines_are_listed_with_their_reason() -> None:
    report = reports.build_report(golden_sales(), "month", NOV)
    listed = dict(zip(report.excluded_lines["row"], report.excluded_lines["reason"], strict=True))
    # header in row 1: L8 is Excel row 9, L9 row 10
    assert listed == {9: "已取消", 10: "金额无法确定"}
    summary = dict(zip(report.excluded["reason"], report.excluded["lines"], strict=True))
    assert summary == {"已取消": 1, "金额无法确定": 1}


def test_golden_pvm_by_category_sums_to_the_change() -> None:
    report = reports.build_report(golden_sales(), "month", NOV)
    p = report.pvm_category
    assert p.change == pytest.approx(50)  # 2250 − 2200
    c = p.components
    # 电机 is sold in both months: p0 = 2000/15, p1 = 2120/16, q0 = 15, q1 = 16
    assert c["price"] == pytest.approx((2120 / 16 - 2000 / 15) * 16)
    assert c["volume"] == pytest.approx(2000 / 15)
    assert c["mix"] == pytest.approx(0)
    assert c["new"] == pytest.approx(150)  # 传感器 only in November
    assert c["other"] == pytest.approx(-220)  # 配件: 200 → −20 (net return)
    assert c["lost"] == pytest.approx(0)
    assert sum(c.values()) == pytest.approx(p.change)
    assert p.residual == pytest.approx(0, abs=1e-9)


def test_pvm_components_sum_to_the_change_on_random_data() -> None:
    import numpy as np

    rng = np.random.default_rng(7)
    n = 400
    frame = pd.DataFrame(
        {
            "order_id": [f"SO{i}" for i in rng.integers(0, 150, n)],
            "date": pd.to_datetime("2026-10-01") + pd.to_timedelta(rng.integers(0, 61, n), unit="D"),
            "product": [f"P{i}" for i in rng.integers(0, 30, n)],
            "category": [f"C{i}" for i in rng.integers(0, 6, n)],
            "quantity": rng.integers(-3, 20, n).astype(float),
        }
    )
    frame["revenue"] = frame["quantity"] * rng.uniform(5, 500, n)
    a = frame[frame["date"] < "2026-11-01"]
    b = frame[frame["date"] >= "2026-11-01"]
    for by in ("category", "product"):
        result = reports.pvm(a, b, by)
        assert sum(result.components.values()) == pytest.approx(result.change, abs=1e-6)
        assert result.table["change"].sum() == pytest.approx(result.change, abs=1e-6)


def test_golden_movers_and_explanation() -> None:
    report = reports.build_report(golden_sales(), "month", NOV, min_base=0)  # percentages even on small bases
    up, down = report.customer_moves
    assert list(zip(up["item"], up["change"], strict=True)) == [("客户C", 950), ("客户A", 120)]
    assert list(zip(down["item"], down["change"], strict=True)) == [("客户B", -1020)]
    text = "".join(report.explanation)
    assert "本月销售额 ¥2,250.00" in text
    assert "环比上升 2.3%" in text
    assert "同比上升 181.2%" in text
    assert "华南区域销售额下降" in text


def test_region_rule_recommends_visiting_top_customers() -> None:
    rows = [
        ["SO1", D(2026, 10, 3), "大客户甲", "华东", "电机", "P1", 10, 100, 1000, 60, None, "张三"],
        ["SO2", D(2026, 10, 9), "大客户甲", "华东", "电机", "P1", 10, 100, 1000, 60, None, "张三"],
        ["SO3", D(2026, 10, 9), "客户乙", "华南", "电机", "P1", 1, 100, 100, 60, None, "李四"],
        ["SO4", D(2026, 11, 3), "大客户甲", "华东", "电机", "P1", 5, 100, 500, 60, None, "张三"],
        ["SO5", D(2026, 11, 3), "客户乙", "华南", "电机", "P1", 1, 100, 100, 60, None, "李四"],
    ]
    sales = read_values([[*HEADER, "销售员"], *rows])
    report = reports.build_report(sales, "month", NOV, min_base=0)
    text = "".join(report.explanation)
    assert "华东区域销售额下降 75%" in text
    assert "大客户甲 的订单由 2 张减少到 1 张" in text
    assert "张三" in text


def test_unknown_profit_stays_unknown() -> None:
    rows = [r[:] for r in GOLDEN]
    rows[5][9] = None  # L6 without cost
    report = reports.build_report(golden_sales(rows), "month", NOV)
    assert report.current["profit"] is None and report.current["margin"] is None
    assert report.previous["profit"] == pytest.approx(750)
    doc = reports.report_json(golden_sales(rows), "month")
    nov = next(r for r in doc["rows"] if r["period"] == "2026-11")
    assert nov["profit"] is None
    assert any("缺少成本" in s for s in report.explanation)


def test_reconciliation_fails_loudly_when_a_line_is_dropped() -> None:
    sales = golden_sales()
    sales.all = sales.all.drop(index=sales.all.index[4])  # lose L5 between reading and reporting
    report = reports.build_report(sales, "month", NOV)
    assert not report.reconciled
    failed = {c.name for c in report.failed_checks()}
    assert {"行数", "销售额", "销量"} <= failed
    doc = reports.report_json(sales, "month", start=NOV)
    assert doc["reconciled"] is False


@pytest.mark.parametrize(
    ("text", "period", "expected"),
    [
        ("2017-11", None, ("month", dt.date(2017, 11, 1))),
        ("2017年11月", None, ("month", dt.date(2017, 11, 1))),
        ("2026-W48", None, ("week", dt.date(2026, 11, 23))),
        ("2026-11-26", "week", ("week", dt.date(2026, 11, 23))),
        ("2026-11-26", "month", ("month", dt.date(2026, 11, 1))),
        ("2026/11/26", "day", ("day", dt.date(2026, 11, 26))),
        (D(2026, 11, 29), "week", ("week", dt.date(2026, 11, 23))),
        (46352.0, "day", ("day", dt.date(2026, 11, 26))),  # an Excel serial date
        ("2027-01-01", "week", ("week", dt.date(2026, 12, 28))),  # ISO week 53 of 2026
    ],
)
def test_parse_period(text: Any, period: Any, expected: tuple[str, dt.date]) -> None:
    assert reports.parse_period(text, period) == expected


@pytest.mark.parametrize("text", ["2017-13", "2026-W60", "明天", ""])
def test_parse_period_rejects_with_a_chinese_message(text: str) -> None:
    with pytest.raises(ValueError, match=r"[\u4e00-\u9fff]"):
        reports.parse_period(text)


@pytest.mark.parametrize(
    ("start", "period", "previous", "year_ago", "title"),
    [
        (dt.date(2026, 11, 1), "month", dt.date(2026, 10, 1), dt.date(2025, 11, 1), "2026-11"),
        (dt.date(2026, 1, 1), "month", dt.date(2025, 12, 1), dt.date(2025, 1, 1), "2026-01"),
        (dt.date(2026, 11, 23), "week", dt.date(2026, 11, 16), dt.date(2025, 11, 24), "2026-W48"),
        (dt.date(2026, 12, 28), "week", dt.date(2026, 12, 21), dt.date(2025, 12, 22), "2026-W53"),
        (dt.date(2028, 2, 29), "day", dt.date(2028, 2, 28), dt.date(2027, 2, 28), "2028-02-29"),
    ],
)
def test_period_arithmetic(start: dt.date, period: Any, previous: dt.date, year_ago: dt.date, title: str) -> None:
    assert reports.shift(start, period) == previous
    assert reports.last_year(start, period) == year_ago
    assert reports.period_title(start, period) == title


def test_summarize_weeks_start_on_monday() -> None:
    table = reports.summarize(golden_sales().lines, "week")
    assert "2026-11-16" in set(table["period"])  # L7 (Friday 2026-11-20)
    assert table[table["period"] == "2026-11-02"]["revenue"].item() == pytest.approx(1320)


# --------------------------------------------------------------------------- exports and mappings


def _export(tmp_path: Path, rows: list[list[Any]], name: str = "export.xlsx") -> Path:
    path = tmp_path / name
    header = ["Order ID", "Order Date", "Customer", "Region", "Category", "Product ID", "Quantity", "Sales", "Profit"]
    if name.endswith(".csv"):
        frame = pd.DataFrame(rows, columns=header)
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        return path
    wb = Workbook()
    ws = wb.active
    ws.title = "Orders"
    ws.append(["Sales export"])  # a title row above the header
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


MAP = """
[source]
sheet = "Orders"
[columns]
order_id = "Order ID"
order_date = "Order Date"
customer = "Customer"
region = "Region"
category = "Category"
product_code = "Product ID"
quantity = "Quantity"
amount = "Sales"
profit = "Profit"
"""

EXPORT_ROWS = [
    ["CA-1", D(2017, 11, 3), "Ann", "East", "Tech", "T1", 2, 100.5, 20.25],
    ["CA-1", D(2017, 11, 3), "Ann", "East", "Office", "O1", 1, 10, -2],
    ["CA-2", D(2017, 11, 20), "Bob", "West", "Tech", "T1", 1, 50, 5],
    ["CA-3", D(2017, 10, 30), "Bob", "West", "Tech", "T1", 3, 150, 15],
]


@pytest.mark.parametrize("name", ["export.xlsx", "export.csv"])
def test_export_mapped_by_toml(tmp_path: Path, name: str) -> None:
    (tmp_path / "map.toml").write_text(MAP, encoding="utf-8")
    rows = [[r[0], r[1].strftime("%Y-%m-%d"), *r[2:]] for r in EXPORT_ROWS] if name.endswith(".csv") else EXPORT_ROWS
    sales = read_export(_export(tmp_path, rows, name), load_mapping(tmp_path / "map.toml"))
    doc = reports.report_json(sales, "month", "region", dt.date(2017, 11, 1))
    assert doc["rows"] == [
        {"period": "2017-11", "region": "East", "revenue": 110.5, "quantity": 3, "profit": 18.25, "orders": 1,
         "lines": 2, "customers": 1},
        {"period": "2017-11", "region": "West", "revenue": 50, "quantity": 1, "profit": 5, "orders": 1, "lines": 1,
         "customers": 1},
    ]  # fmt: skip
    assert doc["totals"]["revenue"] == 160.5 and doc["reconciled"]


def test_unparseable_export_values_are_issues_at_their_cells(tmp_path: Path) -> None:
    (tmp_path / "map.toml").write_text(MAP, encoding="utf-8")
    rows = [r[:] for r in EXPORT_ROWS]
    rows[1][7] = "n/a"
    rows[2][1] = "2017-02-30"
    sales = read_export(_export(tmp_path, rows), load_mapping(tmp_path / "map.toml"))
    found = {(i.row, i.column, i.code) for i in sales.issues}
    # title row 1, header row 2: the second data line is Excel row 4
    assert (4, "Sales", "LED-013") in found
    assert (5, "Order Date", "LED-012") in found
    # the unreadable amount is not reported a second time as "missing"; the line is left out and listed
    assert (4, "Sales", "REP-003") not in found
    assert set(zip(sales.excluded["row"], sales.excluded["reason"], strict=True)) == {
        (4, "金额无法确定"),
        (5, "缺少日期"),
    }


@pytest.mark.parametrize(
    ("toml", "code"),
    [
        ('[columns]\norder_id = "Order ID"\norder_date = "Date of order"\namount = "Sales"\n', "REP-001"),
        ('[columns]\norder_id = "Order ID"\norder_date = "Order Date"\nrevenue = "Sales"\n', "REP-006"),
        ('[columns]\norder_id = "Order ID"\n', "REP-002"),
        ("[columns\n", "REP-002"),
    ],
)
def test_bad_mappings_are_reported(tmp_path: Path, toml: str, code: str) -> None:
    (tmp_path / "map.toml").write_text(toml, encoding="utf-8")
    path = _export(tmp_path, EXPORT_ROWS)
    with pytest.raises(ReportInputError) as caught:
        read_export(path, load_mapping(tmp_path / "map.toml"))
    assert caught.value.issues[0].code == code
    assert "映射" in str(caught.value)


def test_missing_mapped_column_suggests_the_close_one(tmp_path: Path) -> None:
    (tmp_path / "map.toml").write_text(MAP.replace('"Order Date"', '"Order Dates"'), encoding="utf-8")
    with pytest.raises(ReportInputError, match="是否为「Order Date」"):
        read_export(_export(tmp_path, EXPORT_ROWS), load_mapping(tmp_path / "map.toml"))


# --------------------------------------------------------------------------- workbook, actions, CLI


def golden_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "订单台账"
    ws.append(HEADER)
    for r in GOLDEN:
        ws.append(r)
    wb.save(path)
    return path


def test_cli_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = golden_workbook(tmp_path / "g.xlsx")
    assert main(["report", str(path), "--period", "month", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["period"] == "month" and doc["by"] is None
    assert [r["period"] for r in doc["rows"]] == ["2025-11", "2026-10", "2026-11"]
    nov = doc["rows"][-1]
    assert {k: nov[k] for k in ("revenue", "quantity", "profit", "orders", "lines")} == {
        "revenue": 2250, "quantity": 17, "profit": 850, "orders": 3, "lines": 4
    }  # fmt: skip
    assert doc["totals"]["revenue"] == 800 + 2200 + 2250
    assert {(e["row"], e["reason"]) for e in doc["excluded"]} == {(9, "已取消"), (10, "金额无法确定")}


def test_cli_week_labels_are_mondays_and_by_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = golden_workbook(tmp_path / "g.xlsx")
    assert main(["report", str(path), "--period", "week", "--date", "2026-11-12", "--by", "区域", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["by"] == "region"
    assert doc["rows"] == [
        {"period": "2026-11-09", "region": "华北", "revenue": 950, "quantity": 7, "profit": 260, "orders": 1,
         "lines": 2, "customers": 1}
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "month", "--by", "颜色"], "不能按『颜色』分组"),
        (["--period", "month", "--date", "2026-13"], "不是有效的月份"),
        (["--period", "day", "--date", "2026-11"], "请给出具体日期"),
    ],
)
def test_cli_bad_arguments_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    path = golden_workbook(tmp_path / "g.xlsx")
    assert main(["report", str(path), *args]) == 2
    assert message in capsys.readouterr().err


def test_cli_out_writes_a_report_tab_without_touching_the_source(tmp_path: Path) -> None:
    path = golden_workbook(tmp_path / "g.xlsx")
    before = path.read_bytes()
    out = tmp_path / "报表.xlsx"
    assert main(["report", str(path), "--period", "month", "--date", "2026-11", "--out", str(out)]) == 0
    assert path.read_bytes() == before
    wb = load_workbook(out)
    assert "月报 2026-11" in wb.sheetnames
    ws = wb["月报 2026-11"]
    assert len(ws._charts) == 2
    # run again: the tab is replaced, not duplicated
    assert main(["report", str(path), "--period", "month", "--date", "2026-11", "--out", str(out)]) == 0
    assert load_workbook(out).sheetnames.count("月报 2026-11") == 1


def _tab_values(path: Path, name: str) -> dict[str, Any]:
    ws = load_workbook(path)[name]
    found = {}
    for row in ws.iter_rows():
        label = row[0].value
        if isinstance(label, str) and label not in found:
            found[label] = [c.value for c in row]
    return found


@pytest.mark.parametrize(
    ("action", "tab", "revenue", "previous"),
    [
        ("report_month", "月报 2026-11", 2250, 2200),
        # only excluded lines this week; L7 (Friday of last week) is outside last week's first 4 days
        ("report_week", "周报 2026-W48", 0, 0),
        ("report_day", "日报 2026-11-26", 0, 0),
    ],
)
def test_report_actions_write_their_tab(tmp_path: Path, action: str, tab: str, revenue: float, previous: float) -> None:
    path = golden_workbook(tmp_path / "g.xlsx")
    book = open_book(path)
    summary = macros.run(action, book, today=TODAY)
    assert summary.outcome == "ok", summary.text()
    book.save()
    values = _tab_values(path, tab)
    assert values["销售额"][1] == pytest.approx(revenue)
    assert (values["销售额"][2] or 0) == pytest.approx(previous)
    assert values[next(k for k in values if k.startswith("数据核对通过"))]


def test_report_tab_layout_golden(tmp_path: Path) -> None:
    from neiqin.core.config import Settings

    path = golden_workbook(tmp_path / "g.xlsx")
    book = open_book(path)
    macros.run("report_month", book, today=TODAY, settings=Settings(change_min_base=0))  # percentages
    book.save()
    values = _tab_values(path, "月报 2026-11")
    assert values["销售额"][1:6] == pytest.approx([2250, 2200, 50 / 2200, 800, 1450 / 800])
    assert values["毛利"][1] == pytest.approx(850)
    assert values["其中：新客户"][1] == 1
    assert values["华东"][1] == pytest.approx(1320)
    ws = load_workbook(path)["月报 2026-11"]
    assert ws.freeze_panes == "A3"
    revenue_row = next(r for r in range(1, 20) if ws.cell(r, 1).value == "销售额")
    assert ws.cell(revenue_row, 2).number_format.startswith("¥")
    rows = range(revenue_row, revenue_row + 8)
    colours = {ws.cell(r, 4).font.color.rgb for r in rows if ws.cell(r, 4).value not in (None, 0)}
    assert "FF007A33" in colours  # a rise is green


def test_unreconciled_report_says_so_at_the_top(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = golden_workbook(tmp_path / "g.xlsx")
    book = open_book(path)
    real = reports.prepare

    def lossy(*args: Any, **kwargs: Any) -> reports.Sales:
        sales = real(*args, **kwargs)
        sales.all = sales.all.drop(index=sales.all.index[4])
        return sales

    with monkeypatch.context() as m:
        m.setattr("validators.sales.sources.prepare", lossy)
        summary = macros.run("report_month", book, today=TODAY)
    assert summary.outcome == "issues"
    assert "数据核对未通过" in summary.text()
    book.save()
    ws = load_workbook(path)["月报 2026-11"]
    assert ws["A2"].value.startswith("⚠ 数据核对未通过")


def test_report_calls_do_not_grow_with_rows(tmp_path: Path) -> None:
    def calls(n: int) -> int:
        regions = ["华东", "华南", "华北"]

        def tail(i: int) -> list[Any]:
            return [1 + i % 4, 100, None, 60, "已确认"]

        rows = [
            [f"SO{i}", D(2026, 11, 1 + i % 25), f"客户{i % 7}", regions[i % 3], "电机", f"P{i % 5}", *tail(i)]
            for i in range(n)
        ]
        wb = Workbook()
        ws = wb.active
        ws.title = "订单台账"
        ws.append(HEADER)
        for r in rows:
            ws.append(r)
        path = tmp_path / f"n{n}.xlsx"
        wb.save(path)
        book = open_book(path)
        with count_calls() as counted:
            macros.run("report_month", book, today=TODAY)
        return sum(counted.values())

    assert calls(40) == calls(400)


def test_report_month_from_a_clerk_workbook_uses_archive_and_catalogue(tmp_path: Path) -> None:
    """订单归档 lines still count, and 成本单价 comes from 产品目录 when the line has none."""
    from .conftest import make_order_row, order_workbook

    rows = [make_order_row(order_id="SO1", unit_cost=None, status="已确认")]
    path = order_workbook(tmp_path / "w.xlsx", rows)
    book = open_book(path)
    assert macros.run("report_month", book, today=TODAY).outcome == "ok"
    book.save()
    values = _tab_values(path, "月报 2026-11")
    assert values["销售额"][1] == pytest.approx(18500)
    assert values["毛利"][1] == pytest.approx(18500 - 10 * 1330)  # MT-2200's cost in 产品目录


# --------------------------------------------------------------------------- LibreOffice


@needs_libreoffice
def test_report_tab_renders_with_charts_in_libreoffice(tmp_path: Path) -> None:
    path = golden_workbook(tmp_path / "g.xlsx")
    out = tmp_path / "report.xlsx"
    assert main(["report", str(path), "--period", "month", "--date", "2026-11", "--out", str(out)]) == 0
    wb = load_workbook(out)
    for name in list(wb.sheetnames):
        if name != "月报 2026-11":
            del wb[name]
    single = tmp_path / "single.xlsx"
    wb.save(single)
    pdf = libreoffice_convert(single, "pdf", tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "月报" in text and "2026年11月" in text
    # the chart titles are drawn by the chart objects themselves
    assert "近 12 个月销售额" in text.replace("  ", " ")
    assert "按区域" in text
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "page")], check=True)
    from PIL import Image

    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    blue = sum(1 for r, g, b in image.getdata() if b > 150 and r < 120 and g < 160)  # the series colour
    assert blue > 200, blue


def test_export_currency_is_shown_in_the_report(tmp_path: Path) -> None:
    (tmp_path / "map.toml").write_text(
        MAP.replace('sheet = "Orders"', 'sheet = "Orders"\ncurrency = "$"'), encoding="utf-8"
    )
    path = _export(tmp_path, EXPORT_ROWS)
    out = tmp_path / "out.xlsx"
    args = ["report", str(path), "--map", str(tmp_path / "map.toml"), "--period", "month", "--date", "2017-11"]
    assert main([*args, "--out", str(out)]) == 0
    ws = load_workbook(out)["月报 2017-11"]
    revenue_row = next(r for r in range(1, 20) if ws.cell(r, 1).value == "销售额")
    assert ws.cell(revenue_row, 2).number_format.startswith("$")
    explanation = " ".join(str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str))
    # the data ends on 11-20: November is compared day for day with October's first 20 days
    assert "本月（截至 11-20，与上月和去年同期的前 20 天比较）销售额 $160.50" in explanation


def _steady(days: list[dt.date]) -> list[list[Any]]:
    return [
        [f"SO{d:%m%d}", D(d.year, d.month, d.day), "客户A", "华东", "电机", "P1", 1, 100, 100, 60, "已完成"]
        for d in days
    ]


def test_an_unfinished_period_is_compared_day_for_day() -> None:
    """¥100 every day: on 11-12 November is level with October's first 12 days, not down 61 %."""
    days = [dt.date(2026, 10, 1) + dt.timedelta(days=i) for i in range(43)]  # 10-01 .. 11-12
    sales = golden_sales(_steady(days))
    report = reports.build_report(sales, "month", NOV, as_of=dt.date(2026, 11, 12))
    assert report.partial and report.through == dt.date(2026, 11, 12)
    assert report.current["revenue"] == pytest.approx(1200)
    assert report.previous["revenue"] == pytest.approx(1200)
    assert "截至 11-12，与上月和去年同期的前 12 天比较" in report.explanation[0]
    assert "环比持平" in report.explanation[0]
    assert not any("下降" in s for s in report.explanation)
    assert report.reconciled
    full = reports.build_report(sales, "month", dt.date(2026, 10, 1), as_of=dt.date(2026, 11, 12))
    assert not full.partial and full.current["revenue"] == pytest.approx(3100)


@pytest.mark.parametrize("status", ["已取消", "取消", "作废", "Cancelled", "CANCELED", " void "])
def test_cancelled_statuses_are_left_out(status: str) -> None:
    rows = [r[:] for r in GOLDEN]
    rows[3][10] = status  # L4
    report = reports.build_report(golden_sales(rows), "month", NOV)
    assert report.current["revenue"] == pytest.approx(2250 - 1320)
    assert report.reconciled


def test_a_customer_named_like_a_total_is_a_line_and_total_rows_are_listed(tmp_path: Path) -> None:
    rows = [r[:] for r in GOLDEN]
    rows.append([None, D(2026, 11, 12), "汇总贸易有限公司", "华东", "电机", "P1", 1, 5000, 5000, 60, "已确认"])
    rows.append(["合计", None, None, None, None, None, None, None, 9999, None, None])
    sales = golden_sales(rows)
    report = reports.build_report(sales, "month", NOV)
    assert report.current["revenue"] == pytest.approx(2250 + 5000)
    assert report.skipped == [("订单台账", 13)]
    doc = reports.report_json(sales, "month")
    assert doc["skipped"] == [{"sheet": "订单台账", "row": 13, "reason": "合计行"}]


def test_cli_date_outside_the_data_warns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = golden_workbook(tmp_path / "g.xlsx")
    assert main(["report", str(path), "--period", "month", "--date", "2030-01", "--json"]) == 1
    err = capsys.readouterr().err
    assert "数据中没有 2030-01 的销售行（数据范围 2025-11-05 至 2026-11-26）" in err


def test_empty_csv_is_a_chinese_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "map.toml").write_text(MAP, encoding="utf-8")
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    assert main(["report", str(tmp_path / "empty.csv"), "--map", str(tmp_path / "map.toml"), "--period", "month"]) == 2
    assert "是空文件" in capsys.readouterr().err


def test_rewriting_the_only_sheet_leaves_no_placeholder(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    path = golden_workbook(tmp_path / "g.xlsx")
    for _ in range(2):
        assert main(["report", str(path), "--period", "month", "--date", "2026-11", "--out", str(out)]) == 0
    wb = load_workbook(out)
    del wb["说明"]
    wb.save(out)
    assert main(["report", str(path), "--period", "month", "--date", "2026-11", "--out", str(out)]) == 0
    assert load_workbook(out).sheetnames == ["月报 2026-11"]


def test_region_chart_shows_the_ten_largest(tmp_path: Path) -> None:
    rows = [
        [f"SO{i}", D(2026, 11, 1 + i), f"客户{i}", f"区域{i:02d}", "电机", "P1", 1, 100 + i, 100 + i, 60, "已完成"]
        for i in range(15)
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = "订单台账"
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    path = tmp_path / "many.xlsx"
    wb.save(path)
    out = tmp_path / "out.xlsx"
    assert main(["report", str(path), "--period", "month", "--date", "2026-11", "--out", str(out)]) == 0
    chart = next(c for c in load_workbook(out)["月报 2026-11"]._charts if c.__class__.__name__ == "BarChart")
    ref = chart.series[0].val.numRef.f
    first, last = (int("".join(ch for ch in part if ch.isdigit())) for part in ref.split("!")[1].split(":"))
    assert last - first + 1 == 10


def test_a_clerks_own_sheet_named_like_a_report_is_never_deleted(tmp_path: Path) -> None:
    path = golden_workbook(tmp_path / "g.xlsx")
    wb = load_workbook(path)
    wb.create_sheet("月报 2026-11")["A1"] = "我自己做的十一月月报"
    wb.save(path)
    book = open_book(path)
    summary = macros.run("report_month", book, today=TODAY)
    assert summary.outcome == "failed"
    assert "不是 NeiQin 生成的报表" in summary.message and "改名" in summary.message
    book.save()
    assert load_workbook(path)["月报 2026-11"]["A1"].value == "我自己做的十一月月报"


GOLDEN_DIR = Path(__file__).parent / "golden"


def golden_headlines() -> list[dict[str, str]]:
    import csv

    with (GOLDEN_DIR / "headlines.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("row", golden_headlines(), ids=lambda r: f"{r['period']}-{r['date']}-{r['side']}")
def test_golden_headlines(row: dict[str, str]) -> None:
    """tests/golden/headlines.csv (worked out by hand) = the report on tests/golden/sales_ledger.csv."""
    import csv

    with (GOLDEN_DIR / "sales_ledger.csv").open(encoding="utf-8") as f:
        values = [list(line) for line in csv.reader(f)]  # every cell as text, as in a CSV export
    report = reports.build_report(read_values(values, "订单台账"), row["period"], dt.date.fromisoformat(row["date"]))
    side = getattr(report, row["side"])
    for measure in ("revenue", "quantity", "profit"):
        assert side[measure] == pytest.approx(float(row[measure])), measure
    for measure in ("orders", "lines", "customers"):
        assert side[measure] == int(row[measure]), measure
    assert report.reconciled, [c for c in report.checks if not c.ok]
