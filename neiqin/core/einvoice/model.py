"""Invoice records: what one file says (:class:`InvoiceRecord`), one invoice from all its files (:class:`Invoice`).

Field names follow the expense claim form's line columns (``validators.expenses.LINE_COLUMNS``):
``net`` = 不含税金额 (合计金额), ``tax`` = 税额 (合计税额), ``gross`` = 价税合计, ``kind_label`` = the form's
发票类型 label, ``code`` / ``number`` = 发票代码 / 发票号码, ``date`` = 开票日期.  Amounts are exact Decimals;
``to_dict()`` writes them as strings ("1130.00") so JSON never rounds them.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from neiqin.base.text import nfkc
from neiqin.core import invoices

from . import values

Severity = Literal["error", "warning"]


class InvoiceKind(StrEnum):
    """发票种类 as the QR code writes it (the second field of ``01,<种类>,…``)."""

    SPECIAL = "01"  # 增值税专用发票 (paper)
    GENERAL = "04"  # 增值税普通发票 (paper)
    E_SPECIAL = "08"  # 增值税电子专用发票 (2020 onwards; not in the brief's list, but its QR uses 08)
    E_GENERAL = "10"  # 增值税电子普通发票
    DIGITAL_SPECIAL = "31"  # 电子发票（增值税专用发票）, 数电专票
    DIGITAL_GENERAL = "32"  # 电子发票（普通发票）, 数电普票

    @property
    def title(self) -> str:
        """The name printed on the invoice."""
        return _TITLES[self]

    @property
    def digital(self) -> bool:
        """A 全面数字化的电子发票: 20-digit number, no 发票代码, no 校验码."""
        return self in (InvoiceKind.DIGITAL_SPECIAL, InvoiceKind.DIGITAL_GENERAL)

    @property
    def form_label(self) -> str:
        """The expense form's 发票类型 for this kind."""
        if self.digital:
            return invoices.KIND_DIGITAL
        if self in (InvoiceKind.SPECIAL, InvoiceKind.E_SPECIAL):
            return invoices.KIND_SPECIAL
        return invoices.KIND_GENERAL


_TITLES = {
    InvoiceKind.SPECIAL: "增值税专用发票",
    InvoiceKind.GENERAL: "增值税普通发票",
    InvoiceKind.E_SPECIAL: "增值税电子专用发票",
    InvoiceKind.E_GENERAL: "增值税电子普通发票",
    InvoiceKind.DIGITAL_SPECIAL: "电子发票（增值税专用发票）",
    InvoiceKind.DIGITAL_GENERAL: "电子发票（普通发票）",
}


# most specific first: 电子发票（增值税专用发票） also contains 增值税专用发票
_TITLE_ORDER = ("31", "32", "08", "10", "01", "04")


def kind_from_title(text: str) -> InvoiceKind | None:
    """The kind named by an invoice's printed title anywhere in ``text`` (spaces and bracket widths ignored)."""
    compact = re.sub(r"\s+", "", nfkc(text))
    for code in _TITLE_ORDER:
        kind = InvoiceKind(code)
        if nfkc(kind.title) in compact:
            return kind
    return None


class Source(StrEnum):
    """What kind of file a record was read from (by its content, not its extension)."""

    XML = "xml"
    OFD = "ofd"
    PDF = "pdf"
    IMAGE = "image"
    UNKNOWN = "unknown"


# where sources disagree, the merged invoice takes the value of the most authoritative one:
# the XML is the legal archive copy, an OFD carries the same data, a PDF is a rendering, a photo only its QR code
SOURCE_RANK = {Source.XML: 0, Source.OFD: 1, Source.PDF: 2, Source.IMAGE: 3, Source.UNKNOWN: 4}


class Problem(BaseModel):
    """One finding: a stable ``code`` (see ``neiqin.core.einvoice`` for the list) and a Chinese message."""

    model_config = ConfigDict(frozen=True)

    code: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return self.message


class InvoiceItem(BaseModel):
    """One line of the invoice (项目): name, amount without tax, rate as a fraction, tax."""

    model_config = ConfigDict(frozen=True)

    name: str = ""
    amount: Decimal | None = None
    rate: Decimal | None = None
    tax: Decimal | None = None


class RateLine(BaseModel):
    """The part of an invoice at one tax rate: what one line of the expense form holds."""

    model_config = ConfigDict(frozen=True)

    rate: Decimal | None
    net: Decimal | None
    tax: Decimal | None
    gross: Decimal | None


class InvoiceData(BaseModel):
    """The fields of an invoice; shared by a file's record and the merged invoice."""

    model_config = ConfigDict(frozen=True)

    kind: InvoiceKind | None = None
    code: str = ""
    number: str = ""
    date: dt.date | None = None
    net: Decimal | None = None
    tax: Decimal | None = None
    gross: Decimal | None = None
    tax_rates: tuple[Decimal, ...] = ()
    seller_name: str = ""
    seller_tax_id: str = ""
    buyer_name: str = ""
    buyer_tax_id: str = ""
    items: tuple[InvoiceItem, ...] = ()
    check_code: str = ""

    @property
    def digital(self) -> bool:
        """A 数电 invoice: by its kind, or (kind unknown) by a 20-digit number without a code."""
        if self.kind is not None:
            return self.kind.digital
        return len(self.number) == invoices.DIGITAL_NUMBER_LENGTH and not self.code

    @property
    def kind_label(self) -> str | None:
        """The expense form's 发票类型 (增值税专用发票 / 增值税普通发票 / 电子发票(数电)); None when unknown."""
        if self.kind is not None:
            return self.kind.form_label
        return invoices.KIND_DIGITAL if self.digital else None

    @property
    def key(self) -> str | None:
        """The identity the expense form and the store's invoice registry use (``invoices.invoice_key``)."""
        if not self.number:
            return None
        # the key follows the fields' format, so a legacy invoice of unknown kind still gets one
        return invoices.invoice_key(self.kind_label or invoices.KIND_GENERAL, self.code or None, self.number)

    @property
    def rate(self) -> Decimal | None:
        """The tax rate when the invoice has exactly one."""
        return self.tax_rates[0] if len(self.tax_rates) == 1 else None

    def rate_lines(self) -> tuple[RateLine, ...]:
        """The invoice split by tax rate (the form takes one line per rate: 房费 6% + 餐饮 13%).

        From the items when every item has its amount, rate and tax; otherwise one line with the
        totals (and the rate when there is exactly one).
        """
        rows = [(i.rate, i.amount, i.tax) for i in self.items if None not in (i.rate, i.amount, i.tax)]
        if rows and len(rows) == len(self.items):
            sums: dict[Decimal, tuple[Decimal, Decimal]] = {}
            for rate, amount, tax in rows:
                assert rate is not None and amount is not None and tax is not None  # for the type checker
                net_sum, tax_sum = sums.get(rate, (Decimal(0), Decimal(0)))
                sums[rate] = (net_sum + values.fen(amount), tax_sum + values.fen(tax))
            return tuple(RateLine(rate=r, net=n, tax=t, gross=n + t) for r, (n, t) in sorted(sums.items()))
        return (RateLine(rate=self.rate, net=self.net, tax=self.tax, gross=self.gross),)

    @property
    def check_code_last6(self) -> str:
        """The last 6 characters of the 校验码 (what the 查验 platform asks for 普票)."""
        return self.check_code[-6:]

    @property
    def title(self) -> str:
        """How a message names this invoice: 发票 2531…6789 (or 代码-号码)."""
        if self.code:
            return f"发票 {self.code}-{self.number}"
        return f"发票 {self.number}" if self.number else "发票"

    def fields_dict(self) -> dict[str, Any]:
        """The invoice fields, JSON-ready (Decimals as strings, dates ISO)."""

        def dec(v: Decimal | None) -> str | None:
            return None if v is None else f"{values.fen(v):f}"

        return {
            "kind": None if self.kind is None else self.kind.value,
            "kind_title": None if self.kind is None else self.kind.title,
            "kind_label": self.kind_label,
            "key": self.key,
            "code": self.code,
            "number": self.number,
            "date": None if self.date is None else self.date.isoformat(),
            "net": dec(self.net),
            "tax": dec(self.tax),
            "gross": dec(self.gross),
            "tax_rates": [values.percent(r) for r in self.tax_rates],
            "seller_name": self.seller_name,
            "seller_tax_id": self.seller_tax_id,
            "buyer_name": self.buyer_name,
            "buyer_tax_id": self.buyer_tax_id,
            "check_code": self.check_code,
            "check_code_last6": self.check_code_last6,
            "items": [
                {
                    "name": i.name,
                    "amount": dec(i.amount),
                    "rate": None if i.rate is None else values.percent(i.rate),
                    "tax": dec(i.tax),
                }
                for i in self.items
            ],
        }


class InvoiceRecord(InvoiceData):
    """What one file says.  ``error`` is set (and the fields are empty) when the file could not be read."""

    path: str
    source: Source = Source.UNKNOWN
    sha256: str = ""
    size: int = 0
    format: str = ""  # how it was read, for people: "数电发票 XML（版本 0.32）", "PDF 文字 + 二维码" …
    error: str | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def readable(self) -> bool:
        return self.error is None

    @property
    def ok(self) -> bool:
        """Read, and no problem found."""
        return self.error is None and not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "source": self.source.value,
            "format": self.format,
            "sha256": self.sha256,
            "size": self.size,
            "error": self.error,
            **self.fields_dict(),
            "problems": [p.model_dump() for p in self.problems],
        }


class Invoice(InvoiceData):
    """One invoice from every file that carries it (its XML, OFD, PDF, photo …).

    The fields are those of the most authoritative source that has them (XML > OFD > PDF > image);
    ``problems`` holds the sources' own problems (prefixed with the file name) and where they disagree.
    """

    sources: tuple[InvoiceRecord, ...]
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(r.path for r in self.sources)

    def to_dict(self) -> dict[str, Any]:
        from .checks import verification

        return {
            "readable": True,
            "error": None,
            **self.fields_dict(),
            "problems": [p.model_dump() for p in self.problems],
            "verification": verification(self).to_dict(),
            "sources": [
                {
                    "path": r.path,
                    "source": r.source.value,
                    "format": r.format,
                    "sha256": r.sha256,
                    "problems": [p.model_dump() for p in r.problems],
                }
                for r in self.sources
            ],
        }


class Reading(BaseModel):
    """The result of reading files and folders: invoices (sources grouped), unreadable files, skipped files."""

    model_config = ConfigDict(frozen=True)

    invoices: tuple[Invoice, ...] = ()
    unreadable: tuple[InvoiceRecord, ...] = ()
    skipped: tuple[str, ...] = ()  # hidden files of a folder (.DS_Store, ~$lock files), listed, not read

    @property
    def records(self) -> tuple[InvoiceRecord, ...]:
        """Every file read, readable or not."""
        return tuple(r for inv in self.invoices for r in inv.sources) + self.unreadable

    @property
    def ok(self) -> bool:
        """Every file read and no problem found."""
        return not self.unreadable and all(inv.ok for inv in self.invoices)

    def to_list(self) -> list[dict[str, Any]]:
        """The JSON list of ``neiqin invoices read --json``: one object per invoice, then one per unreadable file."""
        out = [inv.to_dict() for inv in self.invoices]
        for r in self.unreadable:
            out.append(
                {
                    "readable": False,
                    "error": r.error,
                    **InvoiceData().fields_dict(),
                    "problems": [{"code": "unreadable", "message": r.error, "severity": "error"}],
                    "verification": None,
                    "sources": [
                        {
                            "path": r.path,
                            "source": r.source.value,
                            "format": r.format,
                            "sha256": r.sha256,
                            "problems": [],
                        }
                    ],
                }
            )
        return out
