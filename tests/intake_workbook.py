"""A workbook as NeiQin.xlsm with the intake corpus' 客户档案 / 产品目录 (tests/data/intake/catalogue.toml)."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neiqin.core.intake import load_catalogue

from .conftest import order_workbook

CATALOGUE = load_catalogue(Path(__file__).parent / "data" / "intake" / "catalogue.toml")


def intake_customers(every_contact: bool = False) -> list[dict[str, Any]]:
    """客户档案 rows of the corpus' customers (the first contact and phone, or all of them in one cell)."""
    return [
        {
            "customer_id": c.code,
            "name": c.name,
            "contact": ("、".join(c.contacts) if every_contact else c.contacts[0]) if c.contacts else None,
            "mobile": ("、".join(c.phones) if every_contact else c.phones[0]) if c.phones else None,
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
    **ledgers: list[dict[str, Any]],
) -> Path:
    """A workbook with the corpus' customers and products, 订单录入 rows and 产品别名 rows (and other ledgers)."""
    return order_workbook(
        path,
        orders or [],
        customers=intake_customers(),
        products=intake_products(),
        order_intake=messages or [],
        product_aliases=aliases or [],
        **ledgers,
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


def corpus_workbook(
    path: Path, corpus: list[dict[str, Any]], orders: list[dict[str, Any]] | None = None
) -> tuple[Path, list[int]]:
    """The corpus catalogue as a workbook (简称, 邮箱 and 包装 columns, 产品别名) with every message on 订单录入.

    Returns the path and each message's 订单录入 row. An .eml message is entered as ``neiqin intake
    --into`` enters it (主题 line + body, sender as 客户, 邮件).
    """
    from neiqin.app.intake import read_file

    rows = []
    for m in corpus:
        if "eml" in m:
            message, _ = read_file(Path(__file__).parent / "data" / "intake" / m["eml"], None, None)
            rows.append({"text": message.text, "received": message.received, "customer": message.customer,
                         "channel": "邮件"})  # fmt: skip
        else:
            rows.append(
                {"text": m["text"], "received": m["sent"], "customer": m.get("hint"), "channel": m.get("channel")}
            )
    aliases = [
        {"customer": a.customer, "wording": a.wording, "product_code": a.product_code} for a in CATALOGUE.aliases
    ]
    order_workbook(
        path,
        orders or [],
        customers=intake_customers(every_contact=True),
        products=intake_products(),
        order_intake=rows,
        product_aliases=aliases,
    )
    add_column(path, "客户档案", "简称", {c.code: "、".join(c.short_names) for c in CATALOGUE.customers})
    add_column(path, "客户档案", "邮箱", {c.code: "、".join(c.emails) for c in CATALOGUE.customers if c.emails})
    raw = tomllib.loads((Path(__file__).parent / "data" / "intake" / "catalogue.toml").read_text(encoding="utf-8"))
    packs = {p["code"]: p.get("packs") for p in raw["product"]}  # the catalogue's own 包装 text
    add_column(path, "产品目录", "包装", {k: v for k, v in packs.items() if v})
    as_pasted(path)
    return path, [5 + i for i in range(len(corpus))]


@dataclass
class LedgerScore:
    """Cells of the draft lines against the hand-written expectations (customer, product, quantity, date)."""

    filled: int = 0
    correct: int = 0
    expected: int = 0
    wrong: list[str] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)  # empty where the customer wrote it, and not asked about
    lines: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.filled if self.filled else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


def score_ledger(path: Path, corpus: list[dict[str, Any]], rows: list[int], issues: list[Any]) -> LedgerScore:
    """Score what 粘贴订单 wrote for ``corpus`` (pasted on ``rows`` of 订单录入) into 订单台账."""
    from neiqin.core.ledger import read_ledger
    from neiqin.engine import open_book

    book = open_book(path, engine="headless")
    pasted = read_ledger(book, "order_intake")
    ids = dict(zip(pasted.rows, pasted.raw["order_id"], strict=True))
    orders = read_ledger(book, "orders")
    by_order: dict[str, list[dict[str, Any]]] = {}
    for pos, row in enumerate(orders.rows):
        line = {name: orders.raw[name][pos] for name in orders.columns} | {"_row": row}
        by_order.setdefault(line["order_id"], []).append(line)
    names = {c.code: c.name for c in CATALOGUE.customers}
    asked = {(i.row, i.column) for i in issues if i.sheet == orders.sheet}
    out = LedgerScore()
    for m, row in zip(corpus, rows, strict=True):
        expect = m["expect"]
        written = by_order.get(ids.get(row), []) if ids.get(row) else []
        wanted = expect.get("lines", []) if expect["kind"] == "order" else []
        if len(written) != len(wanted):
            out.wrong.append(f"{m['id']}: {len(written)} lines written, {len(wanted)} expected")
            continue
        for line, e in zip(written, wanted, strict=True):
            out.lines += 1
            delivery = line["delivery_date"]
            pairs = {
                "客户名称": (line["customer"], names.get(expect.get("customer"))),
                "产品编码": (line["product_code"], e.get("product")),
                "数量": (line["quantity"], float(e["quantity"]) if "quantity" in e else None),
                "交货日期": (delivery.date() if isinstance(delivery, dt.datetime) else delivery, e.get("delivery")),
            }
            for header, (got, want) in pairs.items():
                out.expected += want is not None
                if got is not None:
                    out.filled += 1
                    if got == want:
                        out.correct += 1
                    else:
                        out.wrong.append(f"{m['id']} {header}: {got} != {want}")
                elif want is not None and not _asked(asked, line["_row"], header):
                    out.silent.append(f"{m['id']} {header}")
    return out


def _asked(asked: set[tuple[int, str]], row: int, header: str) -> bool:
    """An empty cell where the customer wrote a value is asked about (a quantity goes with its product's question)."""
    return (row, header) in asked or (header == "数量" and (row, "产品编码") in asked)
