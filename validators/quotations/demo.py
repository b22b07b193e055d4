"""The demo company's quotations: one the clerk has just started (customer, codes, quantities) for
『生成报价单』 to fill, and an older one, edited by hand, that 『校验报价单』 finds fault with."""

from __future__ import annotations

import datetime as dt
from typing import Any


def demo_rows(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """报价单 forms of the demo company (its customers and its catalogue)."""
    customers, products = data.get("customers") or [], data.get("products") or []
    if len(customers) < 2 or len(products) < 4:
        return {}
    end: dt.date = data["end"]
    first, second = customers[0], customers[1]
    new = {
        "sheet": "报价单",
        "customer": first.name,
        "lines": [
            {"product_code": products[0][0], "quantity": 20},
            {"product_code": products[1][0], "quantity": 8},
            {"product_code": products[3][0], "quantity": 5, "price": round(products[3][5] * 0.95, 2)},  # 5% off
        ],
    }
    quoted = end - dt.timedelta(days=60)
    lines = []
    for (code, name, spec, _cat, unit, _price, *_rest), qty, offered in (
        (products[2], 4, products[2][5]),
        (products[4], 30, round(products[4][5] * 0.8, 2)),  # 20% off: beyond the discount limit
    ):
        lines.append(
            {"product_code": code, "product_name": name, "spec": spec, "unit": unit, "quantity": qty,
             "price": offered, "amount": round(qty * offered, 2)}
        )  # fmt: skip
    total = round(sum(line["amount"] for line in lines), 2)
    old = {
        "sheet": "报价单(2)",
        "quote_id": f"BJ-{quoted.year}-0001",
        "customer": second.name,
        "customer_id": second.code,
        "contact": second.contact,
        "quote_date": dt.datetime.combine(quoted, dt.time()),
        "valid_until": dt.datetime.combine(quoted + dt.timedelta(days=30), dt.time()),
        "tax_rate": 0.13,
        "payment": "月结 30 天",
        "delivery": "收到订单后 15 个工作日内",
        "sales_rep": second.rep,
        "total_net": round(total / 1.13, 2),
        "tax_amount": round(total - round(total / 1.13, 2), 2),
        "total": total,
        "total_upper": "壹万元整",  # written by hand, and wrong
        "terms": None,  # left out
        "lines": lines,
    }
    return {"quotations": [new, old]}
