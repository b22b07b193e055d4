"""What a manager reads on a report tab: no ¥0 in the top tens, headers over their numbers, names not cut
off, no 「+60729.1%」 on a tiny base, one rounding rule, no table of （未填）, and a 说明 sheet worth reading."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

import macros
from neiqin.app.cli import main
from neiqin.core import money
from neiqin.core.config import Settings
from neiqin.core.money import to_fen
from neiqin.core.sheetio import lines_needed
from neiqin.engine import open_book
from validators.sales import reports
from validators.sales.sources import read_values

D = dt.datetime
DAY = dt.date(2026, 11, 26)
HEADER = [
    "订单编号",
    "接单日期",
    "客户名称",
    "区域",
    "产品类别",
    "产品编码",
    "产品名称",
    "数量",
    "单价",
    "金额",
    "销售员",
]
LONG = "伺服驱动器套装（含编码器电缆、制动电阻）"  # more than two lines of 16, one line of B:E
MEDIUM = "光电开关（对射式，20 米）"  # two lines of 16
# the day before: one small order of a customer and a product that sell nothing on the 26th
ROWS = [
    [
        "SO1",
        D(2026, 11, 25),
        "重庆东升设备制造有限公司",
        "华东",
        "传感器",
        "SN-EN600",
        "旋转编码器",
        4,
        304,
        1216,
        "王磊",
    ],
    ["SO2", D(2026, 11, 26), "重庆天成有限公司", "西南", "伺服", "SV-1000", LONG, 10, 72489.935, 724899.35, "杨帆"],
    [
        "SO3",
        D(2026, 11, 26),
        "宁波远航股份有限公司",
        "华东",
        "传感器",
        "SN-PE30",
        MEDIUM,
        10,
        1478.3,
        14783,
        "王磊",
    ],
]


def sales(rows: list[list[Any]] = ROWS, header: list[str] = HEADER) -> reports.Sales:
    return read_values([header, *rows], "订单台账")


def ledger_file(path: Path, rows: list[list[Any]] = ROWS, header: list[str] = HEADER) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "订单台账"
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def day_tab(tmp_path: Path, settings: Settings | None = None) -> tuple[Any, Any]:
    path = ledger_file(tmp_path / "w.xlsx")
    book = open_book(path)
    summary = macros.run("report_day", book, today=DAY, settings=settings)
    assert summary.outcome == "ok", summary.text()
    book.save()
    return openpyxl.load_workbook(path)["日报 2026-11-26"], summary


def section(ws: Any, title: str) -> list[tuple[Any, ...]]:
    """The rows of a section (header row first) up to the next blank row."""
    rows = list(ws.iter_rows())
    start = next(i for i, r in enumerate(rows) if isinstance(r[0].value, str) and r[0].value.endswith(title))
    out = []
    for r in rows[start + 1 :]:
        if all(c.value is None for c in r):
            break
        out.append(r)
    return out


# --------------------------------------------------------------------------- ¥0 in the top tens


def test_top_tens_leave_out_what_sold_nothing_this_period() -> None:
    report = reports.build_report(sales(), "day", DAY)
    assert list(report.top_customers["customer"]) == ["重庆天成有限公司", "宁波远航股份有限公司"]
    assert "SN-EN600" not in list(report.top_products["product"])
    assert report.reconciled  # 按客户 still sums every customer


@pytest.mark.parametrize("title", ["前十大客户", "前十大产品"])
def test_the_tab_has_no_zero_line_in_a_top_ten(tmp_path: Path, title: str) -> None:
    ws, _ = day_tab(tmp_path)
    body = section(ws, title)[1:]
    amount_col = 1 if title == "前十大客户" else 2
    assert len(body) == 2
    assert all(r[amount_col].value > 0 for r in body)


# --------------------------------------------------------------------------- headers over their numbers


@pytest.mark.parametrize(
    ("title", "header", "alignment"),
    [
        ("核心指标", "本日", "right"),
        ("核心指标", "环比", "right"),
        ("按区域", "销售额", "right"),
        ("按区域", "占比", "right"),
        ("按区域", "毛利", "right"),
        ("前十大产品", "销量", "right"),
        ("数据核对", "数据源", "right"),
        ("按区域", "区域", None),  # a text column stays left
        ("前十大产品", "产品名称", None),
    ],
)
def test_number_headers_stand_over_their_numbers(tmp_path: Path, title: str, header: str, alignment: Any) -> None:
    ws, _ = day_tab(tmp_path)
    head = section(ws, title)[0]
    cell = next(c for c in head if c.value == header)
    assert cell.alignment.horizontal == alignment
    below = ws.cell(cell.row + 1, cell.column)
    assert below.alignment.horizontal == alignment  # the same as its column's values


# --------------------------------------------------------------------------- names


def test_a_long_product_name_is_shown_not_cut(tmp_path: Path) -> None:
    ws, _ = day_tab(tmp_path)
    rows = {r[0].value: r for r in section(ws, "前十大产品")}
    medium, long = rows["SN-PE30"][1], rows["SV-1000"][1]
    assert medium.value == MEDIUM  # two lines: the whole name
    assert long.value.endswith("…") and LONG.startswith(long.value[:-1])
    assert lines_needed(long.value, 16) == 2  # as much of the name as two lines hold
    for cell in (medium, long):
        assert cell.alignment.wrap_text
        assert ws.row_dimensions[cell.row].height >= 2 * 15  # its row shows both lines


def test_names_longer_than_two_lines_end_in_an_ellipsis() -> None:
    from macros.reports import _fit

    assert _fit("伺服驱动器套装", 16) == "伺服驱动器套装"  # fits: untouched
    assert _fit("SV-1000 伺服驱动器套装", 16) == "SV-1000 伺服驱动器套装"  # two lines: whole
    shortened = _fit(LONG, 16)
    assert shortened.endswith("…") and LONG.startswith(shortened[:-1])

    assert lines_needed(shortened, 16) <= 2


def test_mover_names_read_on_one_line_across_the_empty_columns(tmp_path: Path) -> None:
    ws, _ = day_tab(tmp_path)
    rows = section(ws, "前 5 名）")
    head = [c.value for c in rows[0]]
    assert head[:2] == ["类型", "客户 / 产品"] and head[2:5] == [None, None, None]
    product = next(r for r in rows[1:] if r[0].value == "产品拉动" and str(r[1].value).startswith("SV-1000"))
    assert product[1].value == f"SV-1000 {LONG}"  # 62 columns wide: the whole name on one line
    assert not product[1].alignment.wrap_text
    assert [c.value for c in product[2:5]] == [None, None, None]  # room to read across
    assert product[5].value == 0 and product[6].value == pytest.approx(724899.35)


# --------------------------------------------------------------------------- a base too small for a percentage


@pytest.mark.parametrize(
    ("now", "before", "min_base", "word"),
    [
        (739682.35, 1216.0, 10000, "大幅增长"),  # the demo's day: not +60729.1%
        (5000.0, 1216.0, 10000, "增长"),  # grew, still small
        (100.0, 1216.0, 10000, "下降"),
        (1216.0, 1216.0, 10000, "持平"),
        (739682.35, 1216.0, 1000, None),  # the base is large enough: a percentage
        (739682.35, 0.0, 10000, None),  # no base at all: no comparison, no word
        (5000.0, -300.0, 10000, "增长"),  # a negative profit is no base for a percentage
        (None, 1216.0, 10000, None),
    ],
)
def test_change_words_for_a_tiny_base(now: Any, before: Any, min_base: float, word: Any) -> None:
    assert reports.change_word(now, before, min_base) == word


def test_a_tiny_base_is_said_in_words_with_both_amounts(tmp_path: Path) -> None:
    ws, summary = day_tab(tmp_path)
    assert "环比大幅增长（¥1,216.00 → ¥739,682.35）" in summary.message
    assert "%" not in summary.message
    revenue = next(r for r in section(ws, "核心指标") if r[0].value == "销售额")
    assert revenue[3].value == "大幅增长" and revenue[3].font.color.rgb == "FF007A33"
    text = "".join(str(r[0].value) for r in section(ws, "波动说明"))
    assert "环比大幅增长（¥1,216.00 → ¥739,682.35）" in text
    assert "60729" not in text and "59513" not in text  # nor the region's percentage
    regions = section(ws, "按区域")
    total = next(r for r in regions if r[0].value == "合计")
    assert total[4].value == "大幅增长"


def test_the_minimum_base_is_a_setting(tmp_path: Path) -> None:
    ws, summary = day_tab(tmp_path, Settings(change_min_base=0))
    assert "环比 +60729.1%" in summary.message
    revenue = next(r for r in section(ws, "核心指标") if r[0].value == "销售额")
    assert revenue[3].value == pytest.approx(738466.35 / 1216)
    assert Settings().change_min_base == 10000


# --------------------------------------------------------------------------- one rounding rule

# 114.352 + 311.97 + 42.924 + 416.489 = 885.735 exactly; pandas adds it to 885.7349999999999 in one
# order and to 885.735 in another: the period's row and the 合计 must both show 885.74 (half-up).
NOISY = [114.352, 311.97, 42.924, 416.489]


def test_a_period_row_and_its_total_round_the_same() -> None:
    rows = [
        [f"SO{i}", D(2026, 11, 3), "客户A", "华东", "电机", "P1", "电机", 1, None, v, None] for i, v in enumerate(NOISY)
    ]
    doc = reports.report_json(sales(rows), "month")
    assert doc["rows"][0]["revenue"] == doc["totals"]["revenue"] == 885.74


def test_cli_prints_the_same_amount_in_the_row_and_the_total(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    rows = [
        [f"SO{i}", D(2026, 11, 3), "客户A", "华东", "电机", "P1", "电机", 1, None, v, None] for i, v in enumerate(NOISY)
    ]
    path = ledger_file(tmp_path / "w.xlsx", rows)
    assert main(["report", str(path), "--period", "month", "--date", "2026-11"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[1] == lines[2].split()[1] == "885.74"
    assert main(["report", str(path), "--period", "month", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["rows"][0]["revenue"] == doc["totals"]["revenue"] == 885.74


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        (885.7349999999999, "885.74"),  # summation noise below the half fen
        (885.735, "885.74"),
        (118447.82499999999, "118447.83"),
        (2.675, "2.68"),  # half-up, not the binary 2.67499…
        (-2.675, "-2.68"),
        (0.004999, "0.00"),
        (1409.5, "1409.50"),
    ],
)
def test_money_rounds_half_up_to_the_fen_ignoring_float_noise(value: float, fen: str) -> None:
    assert to_fen(value) == Decimal(fen)
    assert money.fen(value) == float(fen)  # the fast path rounds the same


@given(
    st.one_of(
        st.integers(-(10**9), 10**9).map(lambda n: n / 1000),  # amounts with a third decimal: ties on every 5
        st.floats(-1e9, 1e9, allow_nan=False),
        st.lists(st.integers(-(10**7), 10**7).map(lambda n: n / 1000), min_size=2, max_size=6).map(sum),  # noisy sums
    )
)
def test_the_fast_fen_is_the_decimal_rounding(value: float) -> None:
    assert money.fen(value) == float(to_fen(value))


# --------------------------------------------------------------------------- no table of （未填）


def test_a_field_nobody_filled_gets_no_breakdown(tmp_path: Path) -> None:
    header = HEADER[:-1]  # an export without 销售员
    rows = [r[:-1] for r in ROWS]
    report = reports.build_report(sales(rows, header), "day", DAY)
    assert "sales_rep" not in report.breakdowns and "region" in report.breakdowns
    assert "按销售员" not in [c.name for c in report.checks]
    path = ledger_file(tmp_path / "w.xlsx", rows, header)
    book = open_book(path)
    assert macros.run("report_day", book, today=DAY).outcome == "ok"
    book.save()
    ws = openpyxl.load_workbook(path)["日报 2026-11-26"]
    titles = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert not any(t.endswith("按销售员") for t in titles)
    assert "（未填）" not in titles
    assert any(t.endswith("按区域") for t in titles)


def test_a_filled_sales_rep_still_gets_its_table() -> None:
    report = reports.build_report(sales(), "day", DAY)
    assert list(report.breakdowns["sales_rep"]["sales_rep"]) == ["杨帆", "王磊"]


# --------------------------------------------------------------------------- 说明


def test_a_report_file_explains_itself(tmp_path: Path) -> None:
    path = ledger_file(tmp_path / "w.xlsx")
    out = tmp_path / "报表.xlsx"
    assert main(["report", str(path), "--period", "day", "--date", "2026-11-26", "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "说明"
    ws = wb["说明"]
    labels = {str(r[0].value): r[1].value for r in ws.iter_rows() if r[0].value}
    assert ws["A1"].value == "NeiQin 销售报表说明"
    assert "日报 2026-11-26" in ws["A2"].value
    for heading in ("【数据来源】", "【报表页各部分】", "【口径】", "【怎样核对】"):
        assert heading in labels
    for section_name in ("核心指标", "波动说明", "销售额变化分解", "拉动与拖累", "数据核对"):
        assert labels[section_name]  # what each section means
    assert "数量 × 单价" in labels["销售额"] and "成本单价" in labels["毛利"]
    assert "环比最小基数" in labels["环比 / 同比"] and "¥10,000" in labels["环比 / 同比"]
    assert "w.xlsx" in labels["数据"]  # where the figures come from
    assert "计入的行数 + 未计入的行数" in labels["行数"]  # how it reconciles
    assert len(labels) >= 25
    # run for another day: both tabs listed, one 说明
    assert main(["report", str(path), "--period", "day", "--date", "2026-11-25", "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames.count("说明") == 1
    assert "日报 2026-11-25" in wb["说明"]["A2"].value and "日报 2026-11-26" in wb["说明"]["A2"].value


def test_a_clerks_own_notes_sheet_is_left_alone(tmp_path: Path) -> None:
    path = ledger_file(tmp_path / "w.xlsx")
    out = tmp_path / "报表.xlsx"
    wb = Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "本文件给周一例会用"
    wb.save(out)
    assert main(["report", str(path), "--period", "day", "--date", "2026-11-26", "--out", str(out)]) == 0
    assert openpyxl.load_workbook(out)["说明"]["A1"].value == "本文件给周一例会用"
