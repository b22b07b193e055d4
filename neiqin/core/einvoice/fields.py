"""What a reader found in one file before it becomes an :class:`InvoiceRecord` (internal)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import values
from .model import InvoiceItem, InvoiceKind, Problem

# the fields two readings of one invoice are compared on, with the Chinese name a message uses
COMPARED = (
    ("kind", "发票种类"),
    ("code", "发票代码"),
    ("number", "发票号码"),
    ("date", "开票日期"),
    ("net", "合计金额（不含税）"),
    ("tax", "合计税额"),
    ("gross", "价税合计"),
    ("seller_tax_id", "销售方纳税人识别号"),
    ("buyer_tax_id", "购买方纳税人识别号"),
    ("check_code", "校验码"),
)
SCALARS = (
    "kind",
    "code",
    "number",
    "date",
    "net",
    "tax",
    "gross",
    "seller_name",
    "seller_tax_id",
    "buyer_name",
    "buyer_tax_id",
    "check_code",
)


@dataclass
class Extract:
    kind: InvoiceKind | None = None
    code: str = ""
    number: str = ""
    date: dt.date | None = None
    net: Decimal | None = None
    tax: Decimal | None = None
    gross: Decimal | None = None
    seller_name: str = ""
    seller_tax_id: str = ""
    buyer_name: str = ""
    buyer_tax_id: str = ""
    check_code: str = ""
    items: list[InvoiceItem] = field(default_factory=list)
    format: str = ""
    problems: list[Problem] = field(default_factory=list)

    def empty(self) -> bool:
        """Nothing that identifies an invoice: no number and no amount."""
        return not self.number and self.gross is None and self.net is None

    def fill_from(self, other: Extract) -> None:
        """Take ``other``'s values where this one has none."""
        for name in SCALARS:
            if _blank(getattr(self, name)) and not _blank(getattr(other, name)):
                setattr(self, name, getattr(other, name))
        if not self.items and other.items:
            self.items = list(other.items)

    def disagreements(self, other: Extract) -> list[tuple[str, Any, Any]]:
        """(Chinese field name, this value, other value) where both have a value and they differ."""
        return differences(self, other)

    def bad(self, what: str, raw: object) -> None:
        """Note a field whose text is not a valid value."""
        text = values.clean(raw)[:40]
        self.problems.append(Problem(code="bad_value", message=f"{what}“{text}”无法识别；请对照发票原件核对"))


def differences(a: Any, b: Any) -> list[tuple[str, Any, Any]]:
    """(Chinese field name, a's value, b's value) of the :data:`COMPARED` fields both have and that differ.

    Amounts are compared to the fen.
    """
    out = []
    for name, label in COMPARED:
        mine, theirs = getattr(a, name), getattr(b, name)
        if _blank(mine) or _blank(theirs):
            continue
        if isinstance(mine, Decimal) and isinstance(theirs, Decimal):
            if values.fen(mine) != values.fen(theirs):
                out.append((label, mine, theirs))
        elif mine != theirs:
            out.append((label, mine, theirs))
    return out


def _blank(value: Any) -> bool:
    return value is None or value == ""


def shown(value: Any) -> str:
    """A field value in a message."""
    if isinstance(value, Decimal):
        return values.money_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, InvoiceKind):
        return value.title
    return str(value)
