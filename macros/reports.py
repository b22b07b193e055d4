"""Periodic sales reports (regulation 二.3 / 三.3 / 四.3): 日报、周报、月报 tabs.

The figures come from :mod:`validators.sales.reports` (one engine for the tabs, ``neiqin report``
and the worksheet functions); this module only lays them out for a manager: headline
figures against the previous period and last year, 波动说明, breakdowns, top 10s, a
12-period trend and revenue by region as native charts, and 数据核对 — a report that
does not reconcile says so in red at the top. The whole tab is written as one block
and formatted block by block, so the number of workbook calls does not grow with the
data.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Any

import pandas as pd
import xlwings as xw

from neiqin.base.errors import NeiQinError
from neiqin.base.text import text_width
from neiqin.core.ledger import read_ledger, read_optional
from neiqin.core.sheetio import LINE_HEIGHT, as_text_rows, joined_addresses, lines_needed, print_setup
from neiqin.engine import MAX_ROW_HEIGHT
from validators.sales import GROUP
from validators.sales.reports import (
    MEASURES,
    PERIOD_LABELS,
    REPORT_NAMES,
    Period,
    Report,
    Sales,
    build_report,
    period_start,
    period_title,
    period_words,
    ratio,
    yuan,
)
from validators.sales.sources import ReportInputError, sales_from_ledgers

from .registry import Context, Summary, action, get

log = logging.getLogger(__name__)

WIDTH = 8  # columns A:H — the printed page width
WIDTHS = [22, 16, 16, 14, 16, 15, 15, 15]
MONEY = "¥#,##0.00"
COUNT = "#,##0"
QTY = "#,##0.##"
PCT = "0.0%"
CHANGE = "+0.0%;-0.0%;0.0%"  # coloured green/red by font (see _Grid.signed)
RISE_WORDS = frozenset({"大幅增长", "增长"})  # a change from a base below 环比最小基数 (validators.sales.reports)
FALL_WORDS = frozenset({"下降"})
MONEY_CHANGE = "+¥#,##0;-¥#,##0;¥0"
MONEY0 = "¥#,##0"
UP_COLOR = "#007A33"
DOWN_COLOR = "#C00000"
TITLE_FILL = "#1F4E78"
SECTION_FILL = "#DDEBF7"
HEADER_FILL = "#F2F2F2"
BAD_FILL = "#FFC7CE"
GOOD_FILL = "#C6EFCE"


class _Grid:
    """The tab being laid out: rows of WIDTH cells plus the formats to apply to blocks."""

    def __init__(self) -> None:
        self.rows: list[list[Any]] = []
        self.formats: list[tuple[tuple[int, int, int, int], str]] = []
        self.sections: list[int] = []
        self.headers: list[tuple[int, int]] = []
        self.paragraphs: list[tuple[int, int]] = []  # (row, estimated lines)
        self.totals: list[tuple[int, int]] = []
        self.anchors: dict[str, tuple[int, int]] = {}
        self.texts: list[tuple[int, int, int, int]] = []
        self.up: list[tuple[int, int]] = []  # cells of a rise (green) and of a fall (red)
        self.down: list[tuple[int, int]] = []
        self.numbers: list[tuple[int, int, int, int]] = []  # number columns, header included: right-aligned
        self.wrapped: list[tuple[int, int, int, int]] = []  # name columns: wrapped, never cut off
        self.tall: dict[int, int] = {}  # row -> lines its longest name needs

    def signed(self, row: int, col: int, value: Any) -> None:
        if isinstance(value, str):  # a change said in words (a base too small for a percentage)
            if value in RISE_WORDS:
                self.up.append((row, col))
            elif value in FALL_WORDS:
                self.down.append((row, col))
        elif isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
            if value > 1e-9:
                self.up.append((row, col))
            elif value < -1e-9:
                self.down.append((row, col))

    @property
    def next_row(self) -> int:
        return len(self.rows) + 1

    def add(self, *cells: Any) -> int:
        row = list(cells)[:WIDTH]
        self.rows.append(row + [None] * (WIDTH - len(row)))
        return len(self.rows)

    def blank(self, n: int = 1) -> None:
        for _ in range(n):
            self.add()

    def section(self, title: str) -> None:
        self.blank()
        self.sections.append(self.add(title))

    def table(
        self,
        header: list[str],
        rows: list[list[Any]],
        formats: dict[int, str],
        total: list[Any] | None = None,
        empty: str = "（本期没有数据）",
        text_cols: tuple[int, ...] = (1,),
        spill: dict[int, int] | None = None,
    ) -> tuple[int, int]:
        """A header, rows (and a total); number columns right-aligned under their headers, names
        wrapped over up to two lines — or, for a column in ``spill`` (col -> last empty column to its
        right), on one line reaching across the empty columns."""
        head = self.add(*header)
        self.headers.append((head, len(header)))
        first = self.next_row
        changes = [c for c, f in formats.items() if f in (CHANGE, MONEY_CHANGE)]
        for r in rows:
            row = self.add(*r)
            for c in changes:
                self.signed(row, c, r[c - 1] if c - 1 < len(r) else None)
        if not rows:
            self.add(empty)
        if total is not None:
            row = self.add(*total)
            self.totals.append((row, len(header)))
            for c in changes:
                self.signed(row, c, total[c - 1] if c - 1 < len(total) else None)
        last = self.next_row - 1
        for col, fmt in formats.items():
            self.formats.append(((first, col, last, col), fmt))
            if col not in text_cols:  # a number column's header stands over its numbers
                self.numbers.append((head, col, last, col))
        for col in text_cols:  # labels stay text: Excel would turn "2026-11" or "00123" into a date/number
            self.texts.append((first, col, last, col))
            if col in (spill or {}):
                width = sum(WIDTHS[col - 1 : spill[col]])  # type: ignore[index]
                for row in range(first, last + 1):
                    self.rows[row - 1][col - 1] = _fit(self.rows[row - 1][col - 1], width, lines=1)
                continue
            self.wrapped.append((first, col, last, col))
            for row in range(first, last + 1):  # a long name wraps (its row grows) instead of being cut off
                value = _fit(self.rows[row - 1][col - 1], WIDTHS[col - 1])
                self.rows[row - 1][col - 1] = value
                if isinstance(value, str):
                    lines = lines_needed(value, WIDTHS[col - 1])
                    if lines > 1:
                        self.tall[row] = max(self.tall.get(row, 1), lines)
        return first, last

    def paragraph(self, text: str) -> None:
        lines = max(1, math.ceil(text_width(text) / (sum(WIDTHS) * 1.05)))
        self.paragraphs.append((self.add(text), lines))


NAME_LINES = 2  # a name wraps over at most two lines; a longer one ends in "…"


def _fit(text: Any, width: float, lines: int = NAME_LINES) -> Any:
    """A name shown whole over up to ``lines`` wrapped lines of a column ``width`` wide, else shortened with "…".

    The budget keeps a tenth in hand: Excel wraps Latin names at spaces, which takes more room than the width.
    """
    if not isinstance(text, str) or lines_needed(text, width) <= lines:
        return text
    budget = (width - 1.5) * lines * 0.9 - 1
    out = ""
    for ch in text:
        if text_width(out + ch) > budget:
            break
        out += ch
    return out.rstrip() + "…"


def _v(value: Any) -> Any:
    """A figure for a cell: None for unknown (shown empty, never 0)."""
    if value is None:
        return None
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return value


def _none_if_nan(series: pd.Series) -> list[Any]:
    return [_v(x) for x in series]


def _layout(report: Report, generated: dt.datetime) -> _Grid:
    # Long because a report tab is one page read top to bottom: each block below is a section
    # of it, in order; splitting it would scatter the row bookkeeping they share.
    g = _Grid()
    word = PERIOD_LABELS[report.period]
    name = REPORT_NAMES[report.period]
    so_far = f"（截至 {report.through:%m-%d}）" if report.partial else ""
    g.add(f"{name} · {period_words(report.start, report.period)} 销售报告{so_far}")
    failed = report.failed_checks()
    if failed:
        g.add("⚠ 数据核对未通过：" + "；".join(c.name for c in failed) + "。请勿使用本报表，见下方『数据核对』。")
    else:
        g.add(f"数据核对通过 ✓（报表合计与数据源一致）　数据：{report.description}　生成：{generated:%Y-%m-%d %H:%M}")
    days = (report.through - report.start).days + 1
    same = f"本{word}尚未结束：上{word}和去年同期都只取前 {days} 天比较。" if report.partial else ""
    if not report.current["lines"]:
        same = f"⚠ 本{word}没有销售数据（请确认日期或『设置』的「报表日期」）。" + same
    g.add(
        same + "环比 = 与上一" + word + "相比，同比 = 与去年同期相比；绿色为增长，红色为下降；"
        "毛利空白 = 有行缺少成本，无法计算。"
    )

    # ---- 核心指标
    g.section("一、核心指标")
    cur, prev, ago = report.current, report.previous, report.year_ago
    rows = []
    for key, fmt in (
        ("revenue", MONEY),
        ("profit", MONEY),
        ("margin", PCT),
        ("quantity", QTY),
        ("orders", COUNT),
        ("lines", COUNT),
        ("aov", MONEY),
        ("customers", COUNT),
    ):
        if key == "margin":  # a change of a percentage is in percentage points
            change = None if cur[key] is None or prev[key] is None else (cur[key] - prev[key]) * 100
            yoy = None if cur[key] is None or ago[key] is None else (cur[key] - ago[key]) * 100
        elif key in ("revenue", "profit"):  # a total amount: in words when its base is too small for a percentage
            change, yoy = report.change(cur[key], prev[key]), report.change(cur[key], ago[key])
        else:
            change, yoy = ratio(cur[key], prev[key]), ratio(cur[key], ago[key])
        before = _v(prev[key]) if prev["lines"] else None
        year = _v(ago[key]) if ago["lines"] else None
        if not prev["lines"]:
            change = None
        if not ago["lines"]:
            yoy = None
        rows.append([MEASURES[key], _v(cur[key]), before, _v(change), year, _v(yoy), None, fmt])
    rows.append(["其中：新客户", report.customers["new"], None, None, None, None])
    rows.append(["其中：老客户", report.customers["returning"], None, None, None, None])
    header = ["指标", f"本{word}", f"上{word}", "环比", "去年同期", "同比"]
    first = g.next_row + 1
    _, last = g.table(header, [r[:6] for r in rows], {4: CHANGE, 6: CHANGE})
    g.numbers += [(first - 1, 2, last, 3), (first - 1, 5, last, 5)]  # formatted row by row below
    for i, r in enumerate(rows[:8]):
        fmt = r[7]
        g.formats.append(((first + i, 2, first + i, 3), fmt))
        g.formats.append(((first + i, 5, first + i, 5), fmt))
    g.formats.append(((first + 8, 2, first + 9, 2), COUNT))
    points = '+0.0" 个百分点";-0.0" 个百分点";0.0" 个百分点"'
    g.formats.append(((first + 2, 4, first + 2, 4), points))
    g.formats.append(((first + 2, 6, first + 2, 6), points))

    # ---- 波动说明
    g.section("二、波动说明")
    for sentence in report.explanation:
        g.paragraph(sentence)
    g.blank()
    g.anchors["charts"] = (g.next_row, 1)
    g.blank(18)

    # ---- PVM
    g.section(f"三、销售额变化分解（价格-销量-结构，按产品类别；上{word} → 本{word}）")
    t = report.pvm_category.table
    pvm_rows = [
        [i, a, b, p, v, m, n + lost + o, c]
        for i, a, b, p, v, m, n, lost, o, c in zip(
            t["item"],
            t["revenue_a"],
            t["revenue_b"],
            t["price"],
            t["volume"],
            t["mix"],
            t["new"],
            t["lost"],
            t["other"],
            t["change"],
            strict=True,
        )
    ]
    comp = report.pvm_category.components
    total = [
        "合计",
        float(t["revenue_a"].sum()),
        float(t["revenue_b"].sum()),
        comp["price"],
        comp["volume"],
        comp["mix"],
        comp["new"] + comp["lost"] + comp["other"],
        report.pvm_category.change,
    ]
    fmts = {2: MONEY0, 3: MONEY0} | {c: MONEY_CHANGE for c in range(4, 9)}
    g.table(
        [
            "产品类别",
            f"上{word}销售额",
            f"本{word}销售额",
            "价格影响",
            "销量影响",
            "结构影响",
            "新增/流失/其他",
            "变化",
        ],
        pvm_rows,
        fmts,
        total,
    )
    g.add(
        "价格影响 = (本期单价 − 上期单价) × 本期销量；销量影响 = 销量变化 × 上期平均单价；"
        "结构影响 = 销量变化 × (该类单价 − 平均单价)；只在一期出现的类别计入 新增/流失。各项之和等于销售额变化。"
    )
    g.paragraphs.append((g.next_row - 1, 2))

    # ---- movers
    g.section(f"四、拉动与拖累（上{word} → 本{word}，前 5 名）")
    mover_rows = []
    for kind, (up, down), label in (
        ("客户", report.customer_moves, lambda x: x),
        ("产品", report.product_moves, lambda x: report.names.get(x, x)),
    ):
        for tag, table in (("拉动", up), ("拖累", down)):
            for item, a, b, c in zip(
                table["item"], table["revenue_a"], table["revenue_b"], table["change"], strict=True
            ):
                shown = label(item)
                shown = f"{item} {shown}" if kind == "产品" and shown != item else shown
                mover_rows.append([f"{kind}{tag}", shown, None, None, None, a, b, c])
    # the name reads across the empty columns C:E (on one line); the amounts stand in F:H
    g.table(
        ["类型", "客户 / 产品", None, None, None, f"上{word}销售额", f"本{word}销售额", "变化"],
        mover_rows,
        {6: MONEY0, 7: MONEY0, 8: MONEY_CHANGE},
        empty="（两期之间没有变化）",
        text_cols=(1, 2),
        spill={2: 5},
    )

    # ---- breakdowns
    number = 5
    for key, title in (("region", "按区域"), ("category", "按产品类别"), ("sales_rep", "按销售员")):
        if key not in report.breakdowns:
            continue  # nobody filled the field (a sales export without 销售员): no table of （未填）
        b = report.breakdowns[key]
        g.section(f"{_cn(number)}、{title}")
        number += 1
        rows = [
            [k, r, s, p, _v(report.change(r, p)), o, c, pf]
            for k, r, s, p, o, c, pf in zip(
                b[key],
                b["revenue"],
                _none_if_nan(b["share"]),
                b["prev_revenue"],
                b["orders"],
                b["customers"],
                _none_if_nan(b["profit"]),
                strict=True,
            )
        ]
        now, before = float(b["revenue"].sum()), float(b["prev_revenue"].sum())
        total = ["合计", now, 1 if len(b) else None, before, _v(report.change(now, before)), report.current["orders"],
                 report.current["customers"], _v(report.current["profit"])]  # fmt: skip
        first, _ = g.table(
            [title[1:], "销售额", "占比", f"上{word}销售额", "环比", "订单数", "客户数", "毛利"],
            rows,
            {2: MONEY, 3: PCT, 4: MONEY, 5: CHANGE, 6: COUNT, 7: COUNT, 8: MONEY},
            total,
        )
        if key == "region":
            g.anchors["regions"] = (first, len(rows))

    g.section(f"{_cn(number)}、前十大客户")
    number += 1
    tc = report.top_customers
    g.table(
        ["客户", "销售额", "占比", f"上{word}销售额", "环比", "订单数", "毛利", "排名"],
        [
            [k, r, _v(s), p, _v(report.change(r, p)), o, _v(pf), i + 1]
            for i, (k, r, s, p, o, pf) in enumerate(
                zip(
                    tc["customer"],
                    tc["revenue"],
                    tc["share"],
                    tc["prev_revenue"],
                    tc["orders"],
                    tc["profit"],
                    strict=True,
                )
            )
        ],
        {2: MONEY, 3: PCT, 4: MONEY, 5: CHANGE, 6: COUNT, 7: MONEY, 8: COUNT},
        empty=f"（本{word}没有销售额）",
    )
    g.section(f"{_cn(number)}、前十大产品")
    number += 1
    tp = report.top_products
    g.table(
        ["产品", "产品名称", "销售额", "占比", "销量", f"上{word}销售额", "环比", "毛利"],
        [
            [k, report.names.get(k), r, _v(s), q, p, _v(report.change(r, p)), _v(pf)]
            for k, r, s, q, p, pf in zip(
                tp["product"],
                tp["revenue"],
                tp["share"],
                tp["quantity"],
                tp["prev_revenue"],
                tp["profit"],
                strict=True,
            )
        ],
        {3: MONEY, 4: PCT, 5: QTY, 6: MONEY, 7: CHANGE, 8: MONEY},
        text_cols=(1, 2),
        empty=f"（本{word}没有销售额）",
    )
    if "region" in report.breakdowns:
        g.section(f"{_cn(number)}、客户分布（按区域）")
        number += 1
        d = report.distribution
        g.table(
            ["区域", "客户数", "订单数", "销售额"],
            [[k, c, o, r] for k, c, o, r in zip(d["region"], d["customers"], d["orders"], d["revenue"], strict=True)],
            {2: COUNT, 3: COUNT, 4: MONEY},
        )
    g.section(f"{_cn(number)}、近 {len(report.trend)} {'个月' if report.period == 'month' else word}趋势")
    number += 1
    tr = report.trend
    first, last = g.table(
        ["期间", "销售额", "毛利", "订单数", "客户数", "销量"],
        [
            [k, r, _v(p), o, c, q]
            for k, r, p, o, c, q in zip(
                tr["title"], tr["revenue"], tr["profit"], tr["orders"], tr["customers"], tr["quantity"], strict=True
            )
        ],
        {2: MONEY, 3: MONEY, 4: COUNT, 5: COUNT, 6: QTY},
    )
    g.anchors["trend"] = (first - 1, last)

    # ---- 数据核对
    g.section(f"{_cn(number)}、数据核对")
    g.table(
        ["核对项", "数据源", "报表", "结果", "说明"],
        [[c.name, c.expected, c.actual, "✓ 一致" if c.ok else "✗ 不一致", c.note] for c in report.checks],
        {2: "#,##0.00", 3: "#,##0.00"},
    )
    g.anchors["checks"] = (g.next_row - len(report.checks), len(report.checks))
    g.blank()
    ex = report.excluded
    g.table(
        ["未计入的行（原因）", "行数", "金额（已知部分）"],
        [[r, n, _v(a)] for r, n, a in zip(ex["reason"], ex["lines"], ex["revenue"], strict=True)],
        {2: COUNT, 3: MONEY},
        empty="（没有未计入的行）",
    )
    if report.skipped:
        g.add(
            f"另有 {len(report.skipped):,} 行读取时跳过（合计行或重复的表头行，不是订单行）："
            + "、".join(f"『{sheet}』第 {row} 行" for sheet, row in report.skipped[:20])
            + ("……" if len(report.skipped) > 20 else "")
            + "；如果其中有订单行，请改正后重新生成报表。"
        )
        g.paragraphs.append((g.next_row - 1, 2))
    lines = report.excluded_lines.head(200)
    if len(lines):
        g.blank()
        g.table(
            ["工作表", "行号", "订单编号", "原因"],
            [
                [s, int(r), o, why]
                for s, r, o, why in zip(lines["sheet"], lines["row"], lines["order_id"], lines["reason"], strict=True)
            ],
            {2: "0"},
            text_cols=(1, 3),
        )
        if len(report.excluded_lines) > 200:
            g.add(f"……另有 {len(report.excluded_lines) - 200:,} 行未列出")
    return g


def _cn(n: int) -> str:
    return "零一二三四五六七八九十"[n] if n <= 10 else "十" + "零一二三四五六七八九"[n - 10]


def _freeze_top(sheet: xw.Sheet, rows: int) -> None:
    """Keep the title and the 核对 line in view while scrolling.

    xlwings' desktop engines have no freeze-panes API, so it goes through the native
    object: openpyxl's worksheet headless, the window through COM on Windows; macOS
    skips it (layout only).
    """
    try:
        api = sheet.api
        if hasattr(api, "freeze_panes"):  # the headless engine's openpyxl worksheet
            api.freeze_panes = f"A{rows + 1}"
            return
        api.Activate()
        window = api.Application.ActiveWindow
        window.FreezePanes = False
        window.SplitColumn = 0
        window.SplitRow = rows
        window.FreezePanes = True
    except Exception as exc:
        log.debug("freeze panes skipped: %s", exc)


def write_report(book: xw.Book, report: Report, generated: dt.datetime, after: str | None = None) -> xw.Sheet:
    """(Re)write the report's tab in ``book``; returns the sheet."""
    name = report.title
    names = [s.name for s in book.sheets]
    if name in names:
        old = book.sheets[name]
        title = old.range("A1").value
        if not (isinstance(title, str) and title.startswith(f"{REPORT_NAMES[report.period]} · ")):
            # a sheet the clerk made and named like a report: never NeiQin's to delete
            raise NeiQinError(
                f"工作簿中已有名为『{name}』的工作表，但它不是 NeiQin 生成的报表；"
                "请把它改名（例如加上“手工”），再生成报表"
            )
        position = names.index(name)
        anchor = book.sheets[position - 1] if position > 0 else None
        placeholder = book.sheets.add(after=old) if len(names) == 1 else None  # a book keeps one sheet
        old.delete()
        sheet = (
            book.sheets.add(name, after=anchor) if anchor is not None else book.sheets.add(name, before=book.sheets[0])
        )
        if placeholder is not None:
            placeholder.delete()
    else:
        target = after if after in names else names[-1]
        sheet = book.sheets.add(name, after=book.sheets[target])
    g = _layout(report, generated)
    last = len(g.rows)
    _text_format(sheet, g.texts)
    # names and explanations quote the source's text: never a formula (Text cells keep it as written)
    text_cells = [(r - 1, c - 1) for r1, c1, r2, c2 in g.texts for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
    sheet.range("A1").value = as_text_rows(g.rows, keep=text_cells)
    for col, w in enumerate(WIDTHS, start=1):
        sheet.range((1, col)).column_width = w
    title = sheet.range("A1")
    title.font.bold = True
    title.font.size = 16
    title.font.color = TITLE_FILL
    status = sheet.range((2, 1), (2, WIDTH))
    status.color = BAD_FILL if report.failed_checks() else GOOD_FILL
    sheet.range("A2").font.bold = True
    if report.failed_checks():
        sheet.range("A2").font.color = "#9C0006"
    sheet.range("A3").font.color = "#595959"
    body = sheet.range((4, 1), (last, WIDTH))
    body.vertical_alignment = "top"
    for (r1, c1, r2, c2), fmt in g.formats:
        sheet.range((r1, c1), (r2, c2)).number_format = fmt.replace("¥", report.currency)
    _font_colors(sheet, g.up, UP_COLOR)
    _font_colors(sheet, g.down, DOWN_COLOR)
    for address in joined_addresses(f"{_a1(r1, c1)}:{_a1(r2, c2)}" for r1, c1, r2, c2 in g.numbers):
        sheet.range(address).horizontal_alignment = "right"  # headers over their numbers, words too
    for address in joined_addresses(f"{_a1(r1, c1)}:{_a1(r2, c2)}" for r1, c1, r2, c2 in g.wrapped):
        sheet.range(address).wrap_text = True
    for row, lines in sorted(g.tall.items()):  # only the rows of long names: never one per data line
        sheet.range((row, 1)).row_height = min(LINE_HEIGHT * lines + 2, MAX_ROW_HEIGHT)
    _format_rows(sheet, g.sections, SECTION_FILL, bold=True, size=12)
    _format_rows(sheet, [r for r, _ in g.headers], HEADER_FILL, bold=True)
    _format_rows(sheet, [r for r, _ in g.totals], None, bold=True)
    for r, lines in g.paragraphs:
        row = sheet.range((r, 1), (r, WIDTH))
        row.merge()
        row.wrap_text = True
        row.row_height = min(16 * lines + 2, MAX_ROW_HEIGHT)  # Excel refuses a taller row
    _charts(sheet, report, g)
    _freeze_top(sheet, 2)
    print_setup(sheet, landscape=False)  # portrait: the tab is 8 columns wide
    return sheet


def _a1(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


def _format_rows(
    sheet: xw.Sheet, rows: list[int], fill: str | None, bold: bool = False, size: int | None = None
) -> None:
    """Format whole rows A:H, a multi-area range per call."""
    for address in joined_addresses(f"A{r}:H{r}" for r in rows):
        rng = sheet.range(address)
        if fill:
            rng.color = fill
        if bold:
            rng.font.bold = True
        if size:
            rng.font.size = size


def _text_format(sheet: xw.Sheet, areas: list[tuple[int, int, int, int]]) -> None:
    """Format label cells as text before the values are written."""
    for address in joined_addresses(f"{_a1(r1, c1)}:{_a1(r2, c2)}" for r1, c1, r2, c2 in areas):
        sheet.range(address).number_format = "@"


def _font_colors(sheet: xw.Sheet, cells: list[tuple[int, int]], color: str) -> None:
    """Colour many single cells with few calls."""
    for address in joined_addresses(_a1(r, c) for r, c in cells):
        sheet.range(address).font.color = color


def _charts(sheet: xw.Sheet, report: Report, g: _Grid) -> None:
    """The 12-period trend line and revenue by region, in the band under 波动说明."""
    top, _ = g.anchors["charts"]
    head, last = g.anchors["trend"]
    word = "月" if report.period == "month" else PERIOD_LABELS[report.period]
    trend = sheet.charts.add(
        source=sheet.range((head, 1), (last, 2)),
        chart_type="line_markers",
        anchor=sheet.range((top, 1)),
        width=440,
        height=250,
        name="销售额趋势",
        style=None,  # Excel's own default style: the modern styles (201+) need Excel 2013
    )
    unit = "元" if report.currency == "¥" else report.currency
    span = f"近 {len(report.trend)} 个{word}" if report.period == "month" else f"近 {len(report.trend)} {word}"
    trend.title = f"{span}销售额（{unit}）"
    first, n = g.anchors["regions"]
    if n:
        shown = min(n, 10)  # the table lists every region; a chart of 38 bars is unreadable
        bars = sheet.charts.add(
            source=sheet.range((first - 1, 1), (first + shown - 1, 2)),
            chart_type="bar_clustered",
            anchor=sheet.range((top, 5)),
            width=330,
            height=250,
            name="区域销售额",
            style=None,
        )
        bars.title = f"本期销售额（按区域{'，前 10' if n > 10 else ''}，{unit}）"


NOTES_SHEET = "说明"
NOTES_TITLE = "NeiQin 销售报表说明"


def notes_rows(report: Report, tabs: list[str], generated: dt.datetime, source: str = "") -> list[tuple[str, str]]:
    """The 说明 sheet of a report file: what each section means, the definitions, the data, how it reconciles."""
    # Long because it is the text of the sheet, one (label, explanation) per row, in the order it is read.
    money = "元" if report.currency == "¥" else report.currency
    base = f"{report.currency}{report.min_base:,.0f}"
    return [
        (
            f"由 neiqin report 于 {generated:%Y-%m-%d %H:%M} 生成。本文件的报表页：{'、'.join(tabs)}。"
            "再次运行会更新同名的报表页，其他期间的报表页保留。",
            "",
        ),
        ("【数据来源】", ""),
        ("数据", "：".join(x for x in (source, report.description) if x) or "（未记录）"),
        ("货币", f"金额单位：{money}；报表中的金额按数据原样汇总，显示时四舍五入到分。"),
        (
            "不计入的行",
            "已取消的行、没有接单日期的行、金额无法确定（既没有金额也没有 数量 × 单价）的行不计入，"
            "逐行列在报表页末尾，写明工作表、行号、订单编号和原因；其他数据问题不影响计入。",
        ),
        ("【报表页各部分】", ""),
        (
            "核心指标",
            "本期的销售额、毛利、毛利率、销量、订单数、行数、客单价、客户数（新客户 / 老客户），"
            "与上一期（环比）和去年同期（同比）比较；增长绿色、下降红色，没有可比数据时留空。",
        ),
        (
            "波动说明",
            "一段文字：变化多少，主要来自哪个因素，拉动和拖累最多的客户和产品，以及建议"
            "（如某区域下降超过 20% 且主要客户订单减少 → 建议销售员回访）。"
            "下方两张图：近 12 期销售额趋势、本期各区域销售额。",
        ),
        (
            "销售额变化分解",
            "按产品类别把销售额变化分成 价格影响 = (本期单价 − 上期单价) × 本期销量、"
            "销量影响 = 销量变化 × 上期平均单价、结构影响 = 销量变化 × (该类单价 − 平均单价)，"
            "只在一期出现的类别计入 新增/流失/其他；各项之和正好等于销售额变化。",
        ),
        ("拉动与拖累", "与上期相比销售额增加最多、减少最多的前 5 名客户和产品。"),
        (
            "按区域 / 产品类别 / 销售员",
            "本期各分组的销售额、占比、上期销售额、环比、订单数、客户数、毛利；"
            "数据里没有的字段（如导出文件没有销售员）不列表。",
        ),
        ("前十大客户 / 前十大产品", "本期销售额最高的 10 家客户、10 个产品；本期没有销售额的不列入。"),
        ("客户分布（按区域）", "各区域本期下单的客户数、订单数和销售额。"),
        ("近 12 期趋势", "包括本期在内的 12 个月（周报为 12 周、日报为 12 天）的销售额、毛利、订单数、客户数、销量。"),
        ("数据核对", "把报表的合计与数据源重新加总后比较，见下方【怎样核对】。"),
        ("【口径】", ""),
        ("销售额", "金额；没有填金额时 = 数量 × 单价。退货（负数量 / 负金额）按负数计入。"),
        (
            "毛利",
            "数据给出的毛利；否则 = 金额 − 数量 × 成本单价（订单台账的行没有成本单价时取『产品目录』的）。"
            "有任何一行毛利未知，合计就是未知（留空，不当作 0）。毛利率 = 毛利 ÷ 销售额。",
        ),
        ("订单数 / 行数", "订单数 = 不同的订单编号个数；行数 = 计入的订单行数。客单价 = 销售额 ÷ 订单数。"),
        ("客户数", "本期下单的不同客户数；新客户 = 在全部数据中第一次下单落在本期的客户，其余为老客户。"),
        (
            "期间",
            "日报为一天，周报为一周（ISO 周，周一开始），月报为一个自然月。本期尚未结束时，"
            "上期和去年同期只取同样多的前几天比较。",
        ),
        (
            "环比 / 同比",
            "环比 = (本期 − 上期) ÷ 上期；同比 = 与去年同期（周报为去年同一周次）相比。"
            f"上期（或去年同期）金额低于『环比最小基数』（{base}，可在『设置』或配置文件 config.toml 中修改）"
            "时不写百分比，"
            "改写『大幅增长』（本期达到该基数）、『增长』、『下降』或『持平』，并给出两期金额。"
            "毛利率的变化以百分点表示。",
        ),
        (
            "金额取整",
            "每个金额都由未取整的各行加总后只取整一次（四舍五入到分），所以同一批行的分项和合计显示相同；"
            "分项取整后相加可能与合计差一分，以合计为准。",
        ),
        ("【怎样核对】", ""),
        ("行数", "数据源本期的行数 = 计入的行数 + 未计入的行数。"),
        (
            "销售额 / 销量",
            "数据源本期的金额和数量（不含已取消的行）重新加总，与报表合计相同（销量另加金额无法确定的行）。",
        ),
        ("分项之和", "按区域、按产品类别、按销售员、按客户各表的销售额之和，趋势表的本期，都等于报表合计。"),
        ("波动分解", "价格、销量、结构、新增、流失、其他各项之和等于销售额变化。"),
        (
            "结果",
            "全部一致时报表页第二行为绿色『数据核对通过 ✓』；有不一致时为红色，写明哪一项，"
            "请勿使用该报表，先查明数据（命令行也以退出码 1 提示）。",
        ),
    ]


def write_notes(
    book: xw.Book, report: Report, generated: dt.datetime, source: str = "", create: bool = True
) -> xw.Sheet | None:
    """(Re)write the 说明 sheet of a report file (``source``: the file the figures come from).

    A 说明 sheet NeiQin did not write is left alone, and with ``create=False`` (a file that already
    existed) a missing one is not added back — the clerk deleted it (None in both cases).
    """
    names = [s.name for s in book.sheets]
    if NOTES_SHEET in names:
        sheet = book.sheets[NOTES_SHEET]
        title = sheet.range("A1").value
        if not (title is None or (isinstance(title, str) and title.startswith("NeiQin"))):
            return None  # the clerk's own 说明
        sheet.clear()
    elif not create:
        return None
    else:
        sheet = book.sheets.add(NOTES_SHEET, before=book.sheets[0])
    tabs = [n for n in names if n.split(" ")[0] in REPORT_NAMES.values()] or [report.title]
    rows = notes_rows(report, tabs, generated, source)
    widths = (22, 96)
    sheet.range("A1").value = [[NOTES_TITLE, None], *[list(r) for r in rows]]
    for col, width in enumerate(widths, start=1):
        sheet.range((1, col)).column_width = width
    sheet.range("A1").font.bold = True
    sheet.range("A1").font.size = 16
    sheet.range("A1").font.color = TITLE_FILL
    last = len(rows) + 1
    body = sheet.range((2, 1), (last, 2))
    body.vertical_alignment = "top"
    sheet.range((2, 2), (last, 2)).wrap_text = True
    heads = [i for i, (label, text) in enumerate(rows, start=2) if label.startswith("【")]
    _format_rows_ab(sheet, heads, SECTION_FILL)
    sheet.range((2, 1), (last, 1)).font.bold = True
    for i, (label, text) in enumerate(rows, start=2):
        lines = lines_needed(text, widths[1]) if text else lines_needed(label, sum(widths)) if i == 2 else 1
        if lines > 1:
            sheet.range((i, 1)).row_height = min(LINE_HEIGHT * lines + 2, MAX_ROW_HEIGHT)
    intro = sheet.range((2, 1), (2, 2))  # the first line spans both columns
    intro.merge()
    intro.wrap_text = True
    sheet.range("A2").font.bold = False
    print_setup(sheet, landscape=False)
    return sheet


def _format_rows_ab(sheet: xw.Sheet, rows: list[int], fill: str) -> None:
    for address in joined_addresses(f"A{r}:B{r}" for r in rows):
        sheet.range(address).color = fill


# --------------------------------------------------------------------------- actions


def read_sales(book: xw.Book, settings: Any) -> Sales:
    """Sales lines of a NeiQin workbook: 订单台账 and 订单归档, costs and categories from 产品目录."""
    return sales_from_ledgers(
        read_ledger(book, "orders", settings),
        read_optional(book, "archive", settings),
        read_optional(book, "products", settings),
    )


def _report(book: xw.Book, ctx: Context, period: Period) -> Summary:
    act = get(f"report_{period}")
    try:
        sales = read_sales(book, ctx.settings)
    except ReportInputError as exc:
        return Summary(act.id, act.label, "failed", str(exc), issues=exc.issues)
    day = ctx.settings.report_date or ctx.today
    start = period_start(day, period)
    report = build_report(sales, period, start, as_of=day, min_base=ctx.settings.change_min_base)
    sheet = write_report(book, report, ctx.now)
    cur, prev = report.current, report.previous
    change = report.change(cur["revenue"], prev["revenue"])
    word = PERIOD_LABELS[period]
    if isinstance(change, str):  # a base too small for a percentage: the two amounts
        compared = f"，环比{change}（{yuan(prev['revenue'])} → {yuan(cur['revenue'])}）"
    else:
        compared = f"，环比 {change * 100:+.1f}%" if change is not None else f"，上{word}无数据"
    message = f"已生成『{sheet.name}』：销售额 {yuan(cur['revenue'])}，订单 {cur['orders']} 张{compared}。"
    details = []
    outcome = "ok"
    if not report.reconciled:
        outcome = "issues"
        details.append("⚠ 数据核对未通过：" + "；".join(c.name for c in report.failed_checks()) + "；请勿使用本报表。")
    if len(report.excluded_lines):
        details.append(
            f"有 {len(report.excluded_lines)} 行未计入（{'、'.join(report.excluded['reason'])}），见报表末尾。"
        )
    if not len(sales.lines):
        details.append("订单台账中还没有可统计的订单行。")
    if sales.issues:
        details.append(f"订单台账有 {len(sales.issues)} 处数据问题影响报表，请点『校验订单』查看。")
    if report.current["lines"] == 0 and len(sales.lines):
        details.append(f"本{word}（{period_title(start, period)}）没有订单；可在『设置』的「报表日期」指定其他日期。")
    return Summary(act.id, act.label, outcome, message, rows=len(sales.all), issues=sales.issues, details=details)


@action(
    "report_day",
    label="日报",
    group=GROUP,
    image="CalendarInsert",
    screentip="生成销售日报",
    supertip="按『订单台账』和『订单归档』生成当天的销售日报（与前一天、去年同日比较，含波动说明和数据核对）。"
    "日期默认今天，可在『设置』的「报表日期」指定。",
)
def report_day(book: xw.Book, ctx: Context) -> Summary:
    return _report(book, ctx, "day")


@action(
    "report_week",
    label="周报",
    group=GROUP,
    image="ChartTrendline",
    screentip="生成销售周报",
    supertip="生成本周（周一至周日）的销售周报：与上周、去年同周比较，按区域/类别/销售员分解，前十大客户和产品，趋势图。",
)
def report_week(book: xw.Book, ctx: Context) -> Summary:
    return _report(book, ctx, "week")


@action(
    "report_month",
    label="月报",
    group=GROUP,
    image="ChartTypeColumnInsertGallery",
    screentip="生成销售月报",
    supertip="生成本月的销售月报：销售额、销量、毛利、客户分布，环比和同比，价格-销量-结构分解，"
    "12 个月趋势图和数据核对。",
)
def report_month(book: xw.Book, ctx: Context) -> Summary:
    return _report(book, ctx, "month")
