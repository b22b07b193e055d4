"""Properties of the quotation arithmetic: whatever the lines, 生成报价单's totals add up, its 大写金额
reads back as its 合计, and 校验报价单 finds nothing wrong with the amounts it filled in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from neiqin.core import kit, rmb
from neiqin.core.config import Settings
from neiqin.core.forms import parse_form
from neiqin.core.ledger import parse_ledger
from validators.quotations.planners import draft_quotation
from validators.quotations.rules import amount_issues, totals
from validators.quotations.schema import FORM
from validators.quotations.template import write_quotation_form

from .conftest import CUSTOMERS, PRODUCTS

fen = st.integers(min_value=1, max_value=10**9).map(lambda c: Decimal(c) / 100)
rates = st.sampled_from([0.0, 0.01, 0.03, 0.06, 0.09, 0.13])
bases = st.sampled_from(["含税", "不含税"])


@given(st.lists(fen, min_size=1, max_size=30), rates, bases)
def test_totals_add_up_and_read_back_in_words(amounts: list[Decimal], rate: float, basis: str) -> None:
    t = totals(amounts, rate, basis)
    assert t.net + t.tax == t.total
    assert (t.total if basis == "含税" else t.net) == sum(amounts)
    assert t.tax >= 0 and t.net.as_tuple().exponent == -2
    assert rmb.parse_upper(rmb.to_upper(t.total)) == t.total


def _ledger(name: str, rows: list[dict[str, Any]]) -> Any:
    spec = kit.ledger(name)
    columns = spec.columns()
    values = [[c.header for c in columns], *[[r.get(c.field) for c in columns] for r in rows]]
    return parse_ledger(values, spec, spec.sheet)


CUSTOMER_LEDGER, PRODUCT_LEDGER = _ledger("customers", CUSTOMERS), _ledger("products", PRODUCTS)
BLANK = [list(r) for r in write_quotation_form(openpyxl.Workbook(), blank_lines=12).iter_rows(values_only=True)]
CUSTOMER_CELL, FIRST_LINE, CODE, QUANTITY, PRICE = (5, 2), 11, 2, 6, 7  # the template's layout (1-based)


def _grid(customer: str, form_lines: list[dict[str, Any]]) -> list[list[Any]]:
    grid = [list(r) for r in BLANK]
    grid[CUSTOMER_CELL[0] - 1][CUSTOMER_CELL[1] - 1] = customer
    for i, line in enumerate(form_lines):
        row = grid[FIRST_LINE - 1 + i]
        row[CODE - 1], row[QUANTITY - 1], row[PRICE - 1] = line["product_code"], line["quantity"], line["price"]
    return grid


lines = st.lists(
    st.tuples(
        st.sampled_from([p["product_code"] for p in PRODUCTS]),
        st.integers(min_value=1, max_value=5000),
        st.one_of(st.none(), st.integers(min_value=90, max_value=100)),  # a price at 90–100 % of the list, or none
    ),
    min_size=1,
    max_size=12,
)


@given(lines, rates, bases)
def test_what_the_action_fills_in_passes_the_amount_checks(items: list[tuple], rate: float, basis: str) -> None:
    settings = Settings()
    settings.quote_price_basis = basis
    settings.quote_tax_rate_pct = rate * 100
    listed = {p["product_code"]: p["list_price"] for p in PRODUCTS}
    form_lines = [
        {"product_code": code, "quantity": qty, "price": None if pct is None else round(listed[code] * pct / 100, 2)}
        for code, qty, pct in items
    ]
    grid = _grid(CUSTOMERS[0]["name"], form_lines)
    form = parse_form(grid, FORM, "报价单")
    draft = draft_quotation(form, CUSTOMER_LEDGER, PRODUCT_LEDGER, settings, dt.date(2026, 11, 26), "李娜")
    assert draft.ok, [i.message for i in draft.issues]
    for (row, col), value in draft.cells.items():
        grid[row - 1][col - 1] = value
    filled = parse_form(grid, FORM, "报价单")
    assert amount_issues(filled, settings) == []
    assert rmb.parse_upper(filled.get("total_upper")) == draft.sums.total
