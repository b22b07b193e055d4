"""Factories for 报价单 tests: a correct quotation by field name, and real workbooks holding it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from .conftest import CUSTOMERS, PRODUCTS

D = dt.datetime
TODAY = dt.date(2026, 11, 26)
TERMS = "1. 以上单价含税（13%）。\n2. 本报价有效期至 2026年12月20日。\n3. 付款方式：月结 30 天。"
FIRST_LINE_ROW = 11  # the template's line table starts under its header on row 10


def make_quote_line(**overrides: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "product_code": "MT-2200",
        "product_name": "三相异步电机",
        "spec": "YE3-100L1-4 2.2kW",
        "unit": "台",
        "quantity": 3,
        "price": 1850.0,
        "amount": 5550.0,
    }
    line.update(overrides)
    return line


def make_quote(lines: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    """A correct, filled quotation of 上海华东贸易有限公司 (prices incl. 13% VAT), totals consistent."""
    from neiqin.core.money import to_fen
    from neiqin.core.rmb import to_upper

    if lines is None:
        lines = [
            make_quote_line(),
            make_quote_line(
                product_code="VF-0750", product_name="通用变频器", spec="FR-E820-0.75K", quantity=2, price=1280.0,
                amount=2560.0,
            ),
        ]  # fmt: skip
    total = sum((to_fen(line["amount"]) for line in lines), Decimal("0.00"))
    net = to_fen(total / Decimal("1.13"))
    form: dict[str, Any] = {
        "sheet": "报价单",
        "quote_id": "BJ-2026-0007",
        "customer": "上海华东贸易有限公司",
        "customer_id": "C0001",
        "contact": "张伟",
        "quote_date": D(2026, 11, 20),
        "valid_until": D(2026, 12, 20),
        "tax_rate": 0.13,
        "payment": "月结 30 天",
        "delivery": "收到订单后 15 个工作日内",
        "sales_rep": "李娜",
        "total_net": float(net),
        "tax_amount": float(total - net),
        "total": float(total),
        "total_upper": to_upper(total),
        "terms": TERMS,
        "lines": lines,
    }
    form.update(overrides)
    return form


def quote_file(
    path: Path,
    *forms: dict[str, Any],
    customers: list[dict[str, Any]] | None = CUSTOMERS,
    products: list[dict[str, Any]] | None = PRODUCTS,
    drop_labels: tuple[str, ...] = (),
    phone_label: bool = False,
) -> Path:
    """A workbook with 客户档案, 产品目录 (None: left out) and one sheet per quotation.

    ``drop_labels``: labels taken off every quotation (a clerk's own layout); ``phone_label``: a
    联系电话 label added under the customer block (A9, its value in B9), as a clerk may add it."""
    from neiqin.core import kit
    from neiqin.core.sheets import write_ledger
    from validators.quotations.template import write_quotation_form

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if customers is not None:
        write_ledger(wb, kit.ledger("customers"), customers)
    if products is not None:
        write_ledger(wb, kit.ledger("products"), products)
    for form in forms or (make_quote(),):
        ws = write_quotation_form(wb, form, name=form.get("sheet", "报价单"))
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in drop_labels:
                    cell.value = None
        if phone_label:
            ws["A9"] = "联系电话"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def new_quote(*lines: dict[str, Any], customer: str = "上海华东贸易有限公司", **fields: Any) -> dict[str, Any]:
    """A quotation as the clerk starts it: the customer and, per line, a product code and a quantity."""
    return {"sheet": "报价单", "customer": customer, "lines": list(lines), **fields}


def label_value(path: Path, sheet: str, label: str) -> Any:
    """The value right of ``label`` (right of its merged area) on a quotation sheet, as saved."""
    ws = openpyxl.load_workbook(path)[sheet]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == label:
                col = cell.column + 1
                for area in ws.merged_cells.ranges:
                    if area.min_row == cell.row and area.min_col == cell.column:
                        col = area.max_col + 1
                return ws.cell(cell.row, col).value
    raise AssertionError(f"no label {label} on {sheet}")


def line_values(path: Path, sheet: str = "报价单") -> list[dict[str, Any]]:
    """The filled lines of a quotation sheet by header, as saved."""
    ws = openpyxl.load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if "产品编码" in r)
    header = rows[at]
    out = []
    for r in rows[at + 1 :]:
        if r[1] is None:
            if any(isinstance(v, str) and v in ("不含税合计", "合计", "大写金额") for v in r):
                break
            continue
        out.append(dict(zip(header, r, strict=False)))
    return out
