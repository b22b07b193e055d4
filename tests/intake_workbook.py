"""A workbook as NeiQin.xlsm with the intake corpus' 客户档案 / 产品目录 (tests/data/intake/catalogue.toml)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from neiqin.core.intake import load_catalogue

from .conftest import order_workbook

CATALOGUE = load_catalogue(Path(__file__).parent / "data" / "intake" / "catalogue.toml")


def intake_customers() -> list[dict[str, Any]]:
    """客户档案 rows of the corpus' customers (first contact and phone: the sheet has one of each)."""
    return [
        {
            "customer_id": c.code,
            "name": c.name,
            "contact": c.contacts[0] if c.contacts else None,
            "mobile": c.phones[0] if c.phones else None,
            "sales_rep": "王磊",
            "region": "华东",
        }
        for c in CATALOGUE.customers
    ]


def intake_products() -> list[dict[str, Any]]:
    """产品目录 rows of the corpus' products."""
    return [
        {
            "product_code": p.code,
            "product_name": p.name,
            "spec": p.spec or None,
            "category": p.category or None,
            "unit": p.unit,
            "list_price": float(p.list_price) if p.list_price is not None else None,
            "supply": "生产",
            "lead_days": 7,
        }
        for p in CATALOGUE.products
    ]


def paste(text: str, received: dt.datetime = dt.datetime(2026, 12, 1, 9, 30), **more: Any) -> dict[str, Any]:
    """One 订单录入 row."""
    return {"text": text, "received": received, **more}


def intake_workbook(
    path: Path,
    messages: list[dict[str, Any]] | None = None,
    aliases: list[dict[str, Any]] | None = None,
    orders: list[dict[str, Any]] | None = None,
) -> Path:
    """A workbook with the corpus' customers and products, 订单录入 rows and 产品别名 rows."""
    return order_workbook(
        path,
        orders or [],
        customers=intake_customers(),
        products=intake_products(),
        order_intake=messages or [],
        product_aliases=aliases or [],
    )


def as_pasted(path: Path, sheet: str = "订单录入") -> Path:
    """Every cell of the sheet that starts with = stored as text, as Excel keeps text pasted into a Text column."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for row in wb[sheet].iter_rows():
        for cell in row:
            if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                cell.data_type = "s"
    wb.save(path)
    return path


def add_column(path: Path, sheet: str, header: str, values: dict[str, Any]) -> Path:
    """A column NeiQin's schema does not declare (简称, 邮箱, 包装 …), filled by the line's first cell."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    head = next(r for r in ws.iter_rows(min_row=1, max_row=10) if sum(c.value is not None for c in r) >= 3)
    col = max(c.column for c in head if c.value is not None) + 1
    ws.cell(head[0].row, col, header)
    for row in ws.iter_rows(min_row=head[0].row + 1):
        if row[0].value in values:
            ws.cell(row[0].row, col, values[row[0].value])
    wb.save(path)
    return path
