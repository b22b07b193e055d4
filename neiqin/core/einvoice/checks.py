"""Pure checks on invoices read from files; each returns a list of :class:`Problem` (Chinese messages).

They take an :class:`InvoiceRecord` (one file) or an :class:`Invoice` (one invoice from all its files)
alike.  Amounts are compared to the fen.  :func:`verification` gives the fields a clerk types into
the tax administration's 查验 page (which needs a captcha and cannot be automated).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from neiqin.base.text import fold

from . import values
from .fields import differences, shown
from .model import Invoice, InvoiceData, InvoiceKind, InvoiceRecord, Problem

# 增值税发票开票软件 accepts a line's tax within ±0.06 元 of 金额 × 税率 (the whole invoice within 1.27 元,
# the expense form's 税额容差); a larger gap means the data was altered or is a 差额征税 invoice
LINE_TAX_TOLERANCE = Decimal("0.06")


def _name(path: str) -> str:
    return PurePath(path).name or path


def check_fields(x: InvoiceData) -> list[Problem]:
    """The fields every invoice has are there and well formed (number and code length, 数电 year)."""
    problems: list[Problem] = []
    if not x.number:
        problems.append(
            Problem(code="missing_number", message="没有读到发票号码（文件不完整，或不是发票）；请向开票方索取发票原件")
        )
    elif x.digital:
        if not (x.number.isascii() and x.number.isdigit() and len(x.number) == 20):
            problems.append(
                Problem(
                    code="number_format",
                    message=f"数电发票号码应为 20 位数字，读到的是“{x.number[:30]}”；请对照发票原件核对",
                )
            )
        elif x.date is not None and x.number[:2] != f"{x.date.year % 100:02d}":
            problems.append(
                Problem(
                    code="year_mismatch",
                    message=f"数电发票号码前两位“{x.number[:2]}”表示 20{x.number[:2]} 年开具，"
                    f"与开票日期 {x.date:%Y-%m-%d} 不符；发票数据可能被改动，请查验发票",
                )
            )
    else:
        if not (x.number.isascii() and x.number.isdigit() and len(x.number) == 8):
            problems.append(
                Problem(
                    code="number_format",
                    message=f"发票号码应为 8 位数字（数电发票为 20 位），读到的是“{x.number[:30]}”；请对照发票原件核对",
                )
            )
        if not x.code:
            problems.append(
                Problem(
                    code="missing_code",
                    message="没有读到发票代码（专票、普票都有 10 位或 12 位代码）；请对照发票原件核对",
                )
            )
        elif not (x.code.isascii() and x.code.isdigit() and len(x.code) in (10, 12)):
            problems.append(
                Problem(
                    code="code_format",
                    message=f"发票代码应为 10 位或 12 位数字，读到的是“{x.code[:30]}”；请对照发票原件核对",
                )
            )
    if x.date is None:
        problems.append(Problem(code="missing_date", message="没有读到开票日期；请对照发票原件核对"))
    if x.gross is None and x.net is None:
        problems.append(
            Problem(code="missing_amount", message="没有读到金额（价税合计或合计金额）；请对照发票原件核对")
        )
    return problems


def check_totals(x: InvoiceData) -> list[Problem]:
    """合计金额 + 合计税额 = 价税合计, the items add up to both totals, each item's tax = 金额 × 税率."""
    problems: list[Problem] = []
    net, tax, gross = x.net, x.tax, x.gross
    if net is not None and tax is not None and gross is not None:
        total = values.fen(net) + values.fen(tax)
        if total != values.fen(gross):
            problems.append(
                Problem(
                    code="total_mismatch",
                    message=f"合计金额 {values.money_text(net)} + 合计税额 {values.money_text(tax)} = "
                    f"{values.money_text(total)}，与价税合计 {values.money_text(gross)} 不符"
                    f"（相差 {values.money_text(abs(total - values.fen(gross)))} 元）；"
                    "发票数据有误或被改动，请向开票方核实",
                )
            )
    items = x.items
    if items and net is not None and all(i.amount is not None for i in items):
        total = sum((values.fen(i.amount) for i in items if i.amount is not None), Decimal(0))
        if total != values.fen(net):
            problems.append(
                Problem(
                    code="items_mismatch",
                    message=f"{len(items)} 个项目的金额之和 {values.money_text(total)} 与合计金额 "
                    f"{values.money_text(net)} 不符（相差 {values.money_text(abs(total - values.fen(net)))} 元）；"
                    "发票数据有误或被改动，请向开票方核实",
                )
            )
    if items and tax is not None and all(i.tax is not None for i in items):
        total = sum((values.fen(i.tax) for i in items if i.tax is not None), Decimal(0))
        if total != values.fen(tax):
            problems.append(
                Problem(
                    code="items_mismatch",
                    message=f"{len(items)} 个项目的税额之和 {values.money_text(total)} 与合计税额 "
                    f"{values.money_text(tax)} 不符（相差 {values.money_text(abs(total - values.fen(tax)))} 元）；"
                    "发票数据有误或被改动，请向开票方核实",
                )
            )
    for n, item in enumerate(items, 1):
        if item.amount is None or item.rate is None or item.tax is None:
            continue
        expected = values.fen(item.amount * item.rate)
        gap = abs(values.fen(item.tax) - expected)
        if gap > LINE_TAX_TOLERANCE:
            problems.append(
                Problem(
                    code="item_tax",
                    severity="warning",
                    message=f"第 {n} 项“{item.name[:30]}”税额 {values.money_text(item.tax)} 与 金额 "
                    f"{values.money_text(item.amount)} × 税率 {values.percent(item.rate)} = "
                    f"{values.money_text(expected)} "
                    f"相差 {values.money_text(gap)} 元，超过逐项计税的尾差（{LINE_TAX_TOLERANCE} 元）；"
                    "差额征税发票如此，其他发票请向开票方核实",
                )
            )
    return problems


def check_sources(sources: Invoice | Sequence[InvoiceRecord]) -> list[Problem]:
    """The files of one invoice agree (number, date, amounts, kind, tax ids, 校验码); compared with the first."""
    records = list(sources.sources if isinstance(sources, Invoice) else sources)
    readable = [r for r in records if r.readable]
    problems: list[Problem] = []
    if len(readable) < 2:
        return problems
    first = readable[0]
    for other in readable[1:]:
        for what, mine, theirs in differences(first, other):
            problems.append(
                Problem(
                    code="sources_disagree",
                    message=f"{what}不一致：{_name(first.path)} 为 {shown(mine)}，{_name(other.path)} 为 "
                    f"{shown(theirs)}；同一张发票的文件内容应相同，请向开票方核实哪一份是原件",
                )
            )
    return problems


def company_key(name: str) -> str:
    """A company name as compared: NFKC (full-width brackets = half-width), case-folded, no whitespace."""
    return fold(name)


def check_buyer(x: InvoiceData, name: str | None = None, tax_id: str | None = None) -> list[Problem]:
    """The buyer is the given company: its name (after normalisation) and its 纳税人识别号.

    A file that does not carry the buyer (a QR code alone) gives a warning: check the invoice itself.
    """
    problems: list[Problem] = []
    if name:
        if not x.buyer_name:
            problems.append(
                Problem(
                    code="buyer_unknown",
                    severity="warning",
                    message=f"文件中没有购买方名称（只有二维码），无法核对抬头是否为“{name}”；请看发票原件",
                )
            )
        elif company_key(x.buyer_name) != company_key(name):
            problems.append(
                Problem(
                    code="buyer_name",
                    message=f"购买方名称为“{x.buyer_name}”，不是本公司“{name}”；抬头不符的发票不能报销，请让开票方重开",
                )
            )
    if tax_id:
        if not x.buyer_tax_id:
            problems.append(
                Problem(
                    code="buyer_unknown",
                    severity="warning",
                    message=f"文件中没有购买方纳税人识别号，无法核对是否为 {values.tax_id(tax_id)}；请看发票原件",
                )
            )
        elif values.tax_id(x.buyer_tax_id) != values.tax_id(tax_id):
            problems.append(
                Problem(
                    code="buyer_tax_id",
                    message=f"购买方纳税人识别号为 {x.buyer_tax_id}，本公司为 {values.tax_id(tax_id)}；"
                    "识别号不符的发票不能报销，请让开票方重开",
                )
            )
    return problems


def check_tax_rates(x: InvoiceData, allowed: Iterable[str | Decimal | float]) -> list[Problem]:
    """Every tax rate of the invoice is among ``allowed`` ("13%", "0.13", 13, Decimal("0.13") all mean 13 %)."""
    fractions = {r for a in allowed if (r := values.rate(a if isinstance(a, str | Decimal) else str(a))) is not None}
    bad = [r for r in x.tax_rates if r not in fractions]
    if not bad:
        return []
    listed = "、".join(values.percent(r) for r in sorted(fractions))
    return [
        Problem(
            code="tax_rate",
            message=f"税率 {'、'.join(values.percent(r) for r in bad)} 不在允许的税率（{listed}）之中；请核对发票",
        )
    ]


def check_date(x: InvoiceData, start: dt.date | None = None, end: dt.date | None = None) -> list[Problem]:
    """The 开票日期 is within [start, end] (either may be None = open)."""
    if x.date is None or (start is None and end is None):
        return []
    if (start is None or x.date >= start) and (end is None or x.date <= end):
        return []
    window = f"{start or '……'} 至 {end or '……'}"
    return [
        Problem(
            code="date_window",
            message=f"开票日期 {x.date:%Y-%m-%d} 不在 {window} 之内；请核对发票是否属于本次报销",
        )
    ]


def find_duplicates(items: Iterable[InvoiceRecord | Invoice]) -> list[Problem]:
    """The same invoice twice in a set: identical files (SHA-256), two invoices with one number, or one
    invoice's file of a kind (two PDFs, two XMLs) given twice."""
    entries = list(items)
    records: list[InvoiceRecord] = []
    for entry in entries:
        records.extend(entry.sources if isinstance(entry, Invoice) else [entry])
    problems: list[Problem] = []
    by_hash: dict[str, list[str]] = defaultdict(list)
    for r in records:
        if r.sha256:
            by_hash[r.sha256].append(r.path)
    same_files = {h for h, paths in by_hash.items() if len(paths) > 1}
    for h in sorted(same_files, key=lambda h: by_hash[h][0]):
        paths = by_hash[h]
        short = [_name(p) for p in paths]
        names = "、".join(short if len(set(short)) == len(short) else paths)  # same name in two folders: full paths
        problems.append(
            Problem(
                code="duplicate_file",
                message=f"文件 {names} 内容完全相同：同一文件提交了两次，只能报销一次；请删去重复的文件",
            )
        )
    by_key: dict[tuple[str, Any], list[InvoiceRecord]] = defaultdict(list)
    invoices_by_key: dict[str, int] = defaultdict(int)
    for entry in entries:
        if isinstance(entry, Invoice) and entry.key:
            invoices_by_key[entry.key] += 1
    for r in records:
        if r.key and r.sha256 not in same_files:
            by_key[(r.key, r.source)].append(r)
    for key, count in invoices_by_key.items():
        if count > 1:
            problems.append(
                Problem(
                    code="duplicate_invoice", message=f"发票 {key} 出现了 {count} 次，只能报销一次；请删去重复的发票"
                )
            )
    for (key, source), group in by_key.items():
        if len(group) > 1 and invoices_by_key.get(key, 0) <= 1:
            names = "、".join(_name(r.path) for r in group)
            problems.append(
                Problem(
                    code="duplicate_invoice",
                    message=f"发票 {key} 的 {source.value.upper()} 文件有 {len(group)} 份（{names}）："
                    "同一张发票只能报销一次；请删去重复的文件",
                )
            )
    return problems


@dataclass(frozen=True, slots=True)
class Verification:
    """What the clerk types into the 查验 page for one invoice (a captcha stops automation).

    数电发票: 发票号码, 开票日期, 价税合计.  专票 (01, 08): 发票代码, 发票号码, 开票日期, 不含税金额.
    普票 (04, 10): 发票代码, 发票号码, 开票日期, 校验码后 6 位.
    """

    kind_title: str | None
    code: str
    number: str
    date: str  # YYYYMMDD, as the page takes it
    amount_label: str | None  # 价税合计 / 金额（不含税）, or None when the page asks the check code
    amount: str | None
    check_code_last6: str | None
    missing: tuple[str, ...]  # what the files did not give (the clerk reads it off the invoice)

    def lines(self) -> list[str]:
        out = [f"发票种类：{self.kind_title or '（文件未写明）'}"]
        if self.code:
            out.append(f"发票代码：{self.code}")
        out.append(f"发票号码：{self.number or '（未读到）'}")
        out.append(f"开票日期：{self.date or '（未读到）'}")
        if self.amount_label:
            out.append(f"{self.amount_label}：{self.amount or '（未读到）'}")
        if self.check_code_last6 is not None or "校验码后6位" in self.missing:
            out.append(f"校验码后6位：{self.check_code_last6 or '（未读到）'}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind_title": self.kind_title,
            "code": self.code,
            "number": self.number,
            "date": self.date,
            "amount_label": self.amount_label,
            "amount": self.amount,
            "check_code_last6": self.check_code_last6,
            "missing": list(self.missing),
        }


def verification(x: InvoiceData) -> Verification:
    """The 查验 fields for ``x`` by its kind (a 20-digit number without code counts as 数电)."""
    missing: list[str] = []
    kind = x.kind
    digital = x.digital
    special = kind in (InvoiceKind.SPECIAL, InvoiceKind.E_SPECIAL)
    general = kind in (InvoiceKind.GENERAL, InvoiceKind.E_GENERAL)
    if kind is None and not digital:  # a legacy invoice of unknown kind: the check code says 普票
        general = bool(x.check_code)
        special = not general
    amount_label: str | None = None
    amount: Decimal | None = None
    last6: str | None = None
    if digital:
        amount_label, amount = "价税合计", x.gross
    elif special:
        amount_label, amount = "金额（不含税）", x.net
    elif general:
        last6 = x.check_code_last6 or None
        if last6 is None:
            missing.append("校验码后6位")
    if amount_label and amount is None:
        missing.append(amount_label)
    if not digital and not x.code:
        missing.append("发票代码")
    if not x.number:
        missing.append("发票号码")
    if x.date is None:
        missing.append("开票日期")
    return Verification(
        kind_title=None if kind is None else kind.title,
        code="" if digital else x.code,
        number=x.number,
        date="" if x.date is None else f"{x.date:%Y%m%d}",
        amount_label=amount_label,
        amount=None if amount is None else f"{values.fen(amount):f}",
        check_code_last6=last6,
        missing=tuple(missing),
    )
