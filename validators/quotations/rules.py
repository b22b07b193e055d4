"""报价单 rules: a quotation against 客户档案 and 产品目录, its amounts, its words, its validity.

Pure: the forms, the companions and the settings in, issues out. The master-data lookups and the
amount arithmetic here are also what 『生成报价单』 fills the form with (``planners``), so the
check and the fill never disagree.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from neiqin.base.text import clean, code_key, fold
from neiqin.core import rmb
from neiqin.core.issues import Code, Issue
from neiqin.core.kit import CheckContext
from neiqin.core.ledger import Ledger, display
from neiqin.core.money import money, to_fen
from validators.expenses.rules import rate_fraction

from .codes import QuoteCode
from .schema import QuoteForm

CUSTOMER_FIELDS = ("customer_id", "name", "contact", "mobile", "phone", "province", "city", "district", "address")
PRODUCT_FIELDS = ("product_code", "product_name", "spec", "unit", "list_price")


def _value(v: Any) -> Any:
    return None if v is None or v != v else v  # NaN (pandas' blank) is None


def _records(ledger: Ledger, names: Sequence[str]) -> list[dict[str, Any]]:
    present = [n for n in names if ledger.has(n)]
    columns = [ledger.frame[n].tolist() for n in present]
    return [
        {"_row": row, **{n: _value(col[i]) for n, col in zip(present, columns, strict=True)}}
        for i, row in enumerate(ledger.rows)
    ]


@dataclass
class Customers:
    """客户档案 by 客户编号 and by name key (有限公司 = 有限责任公司, brackets and widths ignored)."""

    by_id: dict[str, dict[str, Any]]
    by_name: dict[str, dict[str, Any]]
    names: list[str]

    @classmethod
    def of(cls, ledger: Ledger) -> Customers:
        from neiqin.core.china.names import company_key  # the China package loads its libraries: when checked

        by_id: dict[str, dict[str, Any]] = {}
        by_name: dict[str, dict[str, Any]] = {}
        for rec in _records(ledger, CUSTOMER_FIELDS):
            if rec.get("customer_id") is not None:
                by_id.setdefault(code_key(rec["customer_id"]), rec)
            if rec.get("name") is not None:
                by_name.setdefault(company_key(rec["name"]) or fold(rec["name"]), rec)
        return cls(by_id, by_name, [str(r["name"]) for r in by_name.values()])

    def find(self, name: Any, number: Any = None) -> dict[str, Any] | None:
        """The customer a quotation names: by 客户编号, then 客户 as a number, then 客户 as a name."""
        for value in (number, name):
            if value is not None and code_key(value) in self.by_id:
                return self.by_id[code_key(value)]
        if name is None:
            return None
        from neiqin.core.china.names import company_key

        return self.by_name.get(company_key(name) or fold(name))

    def suggestion(self, name: Any) -> str:
        close = difflib.get_close_matches(clean(name), self.names, n=1, cutoff=0.6)
        return f"（是不是「{close[0]}」？）" if close else ""


def catalogue_of(products: Ledger) -> dict[str, dict[str, Any]]:
    """产品目录 by product code key (MT-2200 = mt2200); the first line of a code wins."""
    found: dict[str, dict[str, Any]] = {}
    for rec in _records(products, PRODUCT_FIELDS):
        if rec.get("product_code") is not None:
            found.setdefault(code_key(rec["product_code"]), rec)
    return found


def tax_rate(form: QuoteForm, settings: Any) -> float:
    """The form's 税率 as a fraction (13 and 13% both mean 0.13), else the setting."""
    value = form.get("tax_rate")
    if isinstance(value, (int, float)):
        return rate_fraction(float(value))
    return settings.quote_tax_rate_pct / 100


def pct(fraction: float) -> str:
    return f"{Decimal(repr(round(fraction * 100, 2))).normalize():f}%"


def line_amount(quantity: Any, price: Any) -> Decimal | None:
    """数量 × 单价, rounded half-up to the fen (None when either is missing, or the quantity is not above 0:
    the schema check reports it, and the 金额 as written stands for the line meanwhile)."""
    if not isinstance(quantity, (int, float)) or not isinstance(price, (int, float)) or quantity <= 0:
        return None
    return to_fen(Decimal(repr(float(quantity))) * Decimal(repr(float(price))))


@dataclass(frozen=True)
class Totals:
    net: Decimal  # 不含税合计
    tax: Decimal  # 税额
    total: Decimal  # 合计 (价税合计)


def totals(amounts: Sequence[Decimal], rate: float, basis: str) -> Totals:
    """The form's totals from its line amounts: prices incl. tax (合计 = Σ, 税额 backed out) or excl. tax."""
    s = sum(amounts, Decimal("0.00"))
    r = Decimal(repr(rate))
    if basis == "含税":
        net = to_fen(s / (1 + r))
        return Totals(net, s - net, s)
    tax = to_fen(s * r)
    return Totals(s, tax, s + tax)


def due_amounts(form: QuoteForm) -> list[Decimal]:
    """Each line's 金额 as it should be: 数量 × 单价 (the 金额 as written where either is missing).

    The totals are checked against these, so a wrong 金额 is reported on its line only."""
    out = []
    for line in form.lines:
        computed = line_amount(line.value.get("quantity"), line.value.get("price"))
        amount = line.value.get("amount")
        if computed is not None:
            out.append(computed)
        elif isinstance(amount, (int, float)):
            out.append(to_fen(amount))
    return out


def check_customer(forms: Sequence[QuoteForm], ctx: CheckContext) -> list[Issue]:
    """客户 (or 客户编号) is a customer of 『客户档案』."""
    if "customers" not in ctx.companions:
        return []
    ledger: Ledger | None = ctx.companion("customers")
    customers = Customers.of(ledger) if ledger is not None else None
    issues: list[Issue] = []
    for form in forms:
        name = form.get("customer")
        if name is None:
            continue  # required: reported by the schema check
        if customers is None:
            issues.append(form.at("customer", QuoteCode.QUO_NO_COMPANION, what="客户档案", target="客户"))
            continue
        if customers.find(name, form.get("customer_id")) is None:
            issues.append(
                form.at(
                    "customer",
                    QuoteCode.QUO_UNKNOWN_CUSTOMER,
                    value=display(name),
                    suggestion=customers.suggestion(name),
                )
            )
    return issues


def check_products(forms: Sequence[QuoteForm], ctx: CheckContext) -> list[Issue]:
    """产品编码 in 『产品目录』, 产品名称 and 规格 as catalogued, 单价 against the 标准单价 and the discount limit."""
    if "products" not in ctx.companions:
        return []
    ledger: Ledger | None = ctx.companion("products")
    catalogue = catalogue_of(ledger) if ledger is not None else None
    issues: list[Issue] = []
    for form in forms:
        if catalogue is None:
            if form.lines:
                issues.append(form.at_table(QuoteCode.QUO_NO_COMPANION, what="产品目录", target="产品和单价"))
            continue
        for line in form.lines:
            issues += product_issues(form, line, catalogue, ctx.settings)
    return issues


def product_issues(form: QuoteForm, line: Any, catalogue: dict[str, dict[str, Any]], settings: Any) -> list[Issue]:
    """One line against the catalogue: unknown code, name/spec off the catalogue, price off the list."""
    v = line.value
    code = v.get("product_code")
    if code is None:
        return []
    item = catalogue.get(code_key(code))
    if item is None:
        return [form.at_line(line, "product_code", QuoteCode.QUO_UNKNOWN_PRODUCT, value=display(code))]
    issues = []
    for name, what in (("product_name", "产品名称"), ("spec", "规格")):
        written, expected = v.get(name), item.get(name)
        if written is not None and expected is not None and code_key(written) != code_key(expected):
            issues.append(
                form.at_line(
                    line,
                    name,
                    QuoteCode.QUO_CATALOGUE_TEXT,
                    what=what,
                    value=display(written),
                    expected=display(expected),
                    product=display(item["product_code"]),
                )
            )
    issues += price_issues(form, line, item, settings)
    return issues


def price_issues(form: QuoteForm, line: Any, item: dict[str, Any], settings: Any) -> list[Issue]:
    """单价 against the 标准单价: a discount within the limit is a warning saying it, beyond it an error."""
    price, listed = line.value.get("price"), item.get("list_price")
    if not isinstance(price, (int, float)):
        return []
    if listed is None:
        return [form.at_line(line, "price", QuoteCode.QUO_NO_LIST_PRICE, value=display(item["product_code"]))]
    listed = float(listed)
    tolerance = settings.amount_tolerance + 1e-9
    if abs(price - listed) <= tolerance or listed <= 0:
        return []
    shown = {"price": money(price), "list_price": money(listed)}
    if price > listed:
        return [form.at_line(line, "price", QuoteCode.QUO_ABOVE_LIST, markup=pct(price / listed - 1), **shown)]
    discount = 1 - price / listed
    limit = settings.quote_discount_limit_pct / 100
    code = QuoteCode.QUO_OVER_DISCOUNT if discount > limit + 1e-9 else QuoteCode.QUO_DISCOUNT
    return [form.at_line(line, "price", code, discount=pct(discount), limit=pct(limit), **shown)]


def check_amounts(forms: Sequence[QuoteForm], ctx: CheckContext) -> list[Issue]:
    """金额 = 数量 × 单价 on every line; 不含税合计, 税额 and 合计 from the lines and the 税率;
    大写金额 reads as 合计."""
    return [i for form in forms for i in amount_issues(form, ctx.settings)]


def amount_issues(form: QuoteForm, settings: Any) -> list[Issue]:
    # Long because each of the form's amounts (lines, three totals, the words) is checked in turn.
    issues: list[Issue] = []
    tolerance = settings.amount_tolerance + 1e-9
    for line in form.lines:
        v = line.value
        expected = line_amount(v.get("quantity"), v.get("price"))
        if expected is None or "amount" in line.bad or "amount" not in form.columns:
            continue
        amount = v.get("amount")
        if amount is None:
            issues.append(form.at_line(line, "amount", Code.LED_REQUIRED))
        elif abs(float(to_fen(amount) - expected)) > tolerance:
            issues.append(
                form.at_line(
                    line,
                    "amount",
                    QuoteCode.QUO_LINE_AMOUNT,
                    amount=money(amount),
                    quantity=display(v["quantity"]),
                    price=money(v["price"]),
                    expected=money(float(expected)),
                )
            )
    amounts = due_amounts(form)
    if not amounts:
        return issues
    rate = tax_rate(form, settings)
    due = totals(amounts, rate, settings.quote_price_basis)
    for name, what, expected in (
        ("total_net", "不含税合计", due.net),
        ("tax_amount", "税额", due.tax),
        ("total", "合计", due.total),
    ):
        ff = form.fields.get(name)
        if ff is None or ff.bad:
            continue
        if ff.value is None:
            if name == "total":
                issues.append(form.at(name, Code.LED_REQUIRED))
            continue
        if abs(float(to_fen(ff.value) - expected)) > tolerance:
            issues.append(
                form.at(
                    name,
                    QuoteCode.QUO_TOTAL,
                    what=what,
                    amount=money(ff.value),
                    rate=pct(rate),
                    expected=money(float(expected)),
                )
            )
    issues += upper_issues(form, due.total)
    return issues


def upper_issues(form: QuoteForm, due: Decimal) -> list[Issue]:
    """大写金额: a correct spelling (PBOC rules) of the 合计 the lines make (a wrong 合计 is reported on its own)."""
    ff = form.fields.get("total_upper")
    if ff is None:
        return []
    expected = rmb.to_upper(due)
    text = ff.value
    if text is None or (isinstance(text, str) and not text.strip()):
        return [form.at("total_upper", Code.LED_REQUIRED)]
    try:
        written = rmb.parse_upper(str(text))
    except ValueError as exc:
        reason = str(exc)
        return [
            form.at("total_upper", QuoteCode.QUO_UPPER_INVALID, value=display(text), reason=reason, expected=expected)
        ]
    if written != due:
        return [
            form.at(
                "total_upper",
                QuoteCode.QUO_UPPER_MISMATCH,
                value=display(text),
                written=money(float(written)),
                amount=money(float(due)),
                expected=expected,
            )
        ]
    return []


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def check_validity(forms: Sequence[QuoteForm], ctx: CheckContext) -> list[Issue]:
    """有效期至 not before the 报价日期, and not past (an expired quotation is re-quoted, never used)."""
    issues: list[Issue] = []
    for form in forms:
        until, quoted = _day(form.get("valid_until")), _day(form.get("quote_date"))
        if until is None:
            continue
        if quoted is not None and until < quoted:
            issues.append(
                form.at("valid_until", QuoteCode.QUO_VALIDITY_ORDER, value=display(until), quote_date=display(quoted))
            )
        elif until < ctx.today:
            issues.append(
                form.at("valid_until", QuoteCode.QUO_EXPIRED, value=display(until), days=(ctx.today - until).days)
            )
    return issues


def check_terms(forms: Sequence[QuoteForm], ctx: CheckContext) -> list[Issue]:
    """条款 filled (a quotation goes out with its price, validity, payment and delivery terms)."""
    issues: list[Issue] = []
    for form in forms:
        ff = form.fields.get("terms")
        if ff is not None and (ff.value is None or (isinstance(ff.value, str) and not ff.value.strip())):
            issues.append(form.at("terms", QuoteCode.QUO_NO_TERMS))
    return issues


RULES = (check_customer, check_products, check_amounts, check_validity, check_terms)
