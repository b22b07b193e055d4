"""『生成报价单』: a quotation filled from 客户档案 and 产品目录 (pure; the action reads, numbers and writes).

The clerk fills 客户 (name or number) and, per line, 产品编码 and 数量. :func:`draft_quotation`
fills what is blank — customer fields, product name/spec/unit, list prices, 报价日期, 有效期至,
税率, 付款方式, 交货期, 条款 — and computes what is derived: 金额, 不含税合计, 税额, 合计,
大写金额. What the clerk typed (a negotiated 单价, a contact) is kept and checked. The action
then gets the number from the store (:mod:`validators.quotations.store`) and writes
:func:`plan_quotation`.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from neiqin.base.errors import NeiQinError
from neiqin.base.text import code_key
from neiqin.core import rmb
from neiqin.core.issues import Code, Issue
from neiqin.core.ledger import Ledger
from neiqin.core.money import money
from neiqin.core.plan import Plan

from .codes import QuoteCode
from .rules import Customers, Totals, catalogue_of, line_amount, pct, product_issues, tax_rate, totals
from .schema import FORM, QuoteForm

FILLED_FROM_CUSTOMER = ("customer_id", "contact", "phone", "address")
FILLED_FROM_PRODUCT = ("product_name", "spec", "unit", "price")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _cell_date(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


# ----------------------------------------------------------------------------- numbers


def number_regex(pattern: str) -> re.Pattern[str]:
    """A regex reading (year, seq) back from a number written with ``pattern`` (BJ-{year}-{seq:04d})."""
    parts = ["^"]
    names: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise NeiQinError(
            f"『设置』的报价单号格式「{pattern}」写法不对（{exc}）；请写成如 BJ-{{year}}-{{seq:04d}}"
        ) from None
    for literal, name, _spec, _conv in parsed:
        parts.append(re.escape(literal))
        if name is None:
            continue
        if name not in ("year", "seq") or name in names:
            raise NeiQinError(
                f"『设置』的报价单号格式「{pattern}」只能用 {{year}} 和 {{seq}} 各一次；"
                "请写成如 BJ-{year}-{seq:04d}"
            )
        names.add(name)
        parts.append(r"(?P<year>\d{4})" if name == "year" else r"(?P<seq>\d+)")
    if names != {"year", "seq"}:
        raise NeiQinError(
            f"『设置』的报价单号格式「{pattern}」须含年份 {{year}} 和序号 {{seq}}（号码按年编号）；"
            "请写成如 BJ-{year}-{seq:04d}"
        )
    return re.compile("".join(parts) + "$")


def read_number(pattern: str, text: Any) -> tuple[int, int] | None:
    """(year, seq) of a quotation number in the pattern's style; None for any other text."""
    if text is None:
        return None
    found = number_regex(pattern).match(str(text).strip())
    return (int(found["year"]), int(found["seq"])) if found else None


def workbook_floor(forms: list[QuoteForm], pattern: str, year: int) -> int:
    """The last number of ``year`` already on the workbook's quotations (0 when none)."""
    seqs = [n[1] for f in forms if (n := read_number(pattern, f.quote_id)) is not None and n[0] == year]
    return max(seqs, default=0)


# ----------------------------------------------------------------------------- the draft


@dataclass
class Draft:
    """A quotation filled from the master data, before its number."""

    form: QuoteForm
    issues: list[Issue] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)  # label field -> value as it will be
    lines: list[dict[str, Any]] = field(default_factory=list)  # per line of the form: field -> value
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)  # what changes on the sheet
    sums: Totals | None = None
    quoted_on: dt.date = dt.date.min
    customer: str = ""

    @property
    def ok(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)

    @property
    def year(self) -> int:
        return self.quoted_on.year


def _address(rec: dict[str, Any]) -> str | None:
    address = rec.get("address")
    parts = [
        p for p in (rec.get("province"), rec.get("city"), rec.get("district")) if p and p not in str(address or "")
    ]
    text = "".join(str(p) for p in (*parts, address or ""))
    return text or None


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"  # a placeholder the template does not know is left as written


def terms_text(settings: Any, values: dict[str, Any]) -> str:
    """The 条款 from the 『设置』 template (unknown placeholders are left as written)."""
    template = settings.quote_terms
    try:
        return string.Formatter().vformat(template, (), _Keep(values))
    except (ValueError, IndexError) as exc:
        raise NeiQinError(
            f"『设置』的报价条款模板写法不对（{exc}）；花括号只用于 {{valid_until}} 这样的占位符"
        ) from None


def draft_quotation(
    form: QuoteForm, customers: Ledger, products: Ledger, settings: Any, today: dt.date, user: str
) -> Draft:
    """Fill ``form`` from the master data; issues (unknown customer or product, no price …) hold it back."""
    # Long because it fills the form top to bottom, label by label, then line by line, then the totals.
    draft = Draft(form, issues=[i for i in FORM.check_schema([form], settings) if i.severity == "error"])
    values = {name: ff.value for name, ff in form.fields.items()}
    draft.fields = dict(values)

    def fill(name: str, value: Any, always: bool = False) -> None:
        ff = form.fields.get(name)
        if value is None or ff is None or not (always or _blank(ff.value)):
            return  # no such label on the clerk's sheet (联系电话 …), or typed by the clerk
        draft.fields[name] = value
        draft.cells[(ff.row, ff.col)] = value

    name = form.get("customer")
    directory = Customers.of(customers)
    rec = directory.find(name, form.get("customer_id")) if name is not None else None
    if name is not None and rec is None:
        draft.issues.append(
            form.at("customer", QuoteCode.QUO_UNKNOWN_CUSTOMER, value=str(name), suggestion=directory.suggestion(name))
        )
    if rec is not None:
        draft.customer = str(rec.get("name") or name)
        if rec.get("customer_id") is not None and code_key(name) == code_key(rec["customer_id"]):
            fill("customer", rec.get("name"), always=True)  # 客户 typed as a number: the name goes there
        fill("customer_id", rec.get("customer_id"))
        fill("contact", rec.get("contact"))
        fill("phone", rec.get("mobile") or rec.get("phone"))
        fill("address", _address(rec))
    quoted_on = _day(form.get("quote_date")) or today
    draft.quoted_on = quoted_on
    fill("quote_date", _cell_date(quoted_on))
    valid_until = _day(form.get("valid_until")) or quoted_on + dt.timedelta(days=settings.quote_validity_days)
    fill("valid_until", _cell_date(valid_until))
    rate = tax_rate(form, settings)
    fill("tax_rate", rate)
    fill("payment", settings.quote_payment)
    fill("delivery", settings.quote_delivery)
    fill("sales_rep", user or None)
    # the lines
    catalogue = catalogue_of(products)
    amounts: list[Decimal] = []
    for line in form.lines:
        v = dict(line.value)
        item = catalogue.get(code_key(v["product_code"])) if v.get("product_code") is not None else None
        found = product_issues(form, line, catalogue, settings)  # unknown code, text off the catalogue, discount
        draft.issues += [i for i in found if i.code != QuoteCode.QUO_NO_LIST_PRICE]  # no price at all: below
        if item is not None:
            for key in FILLED_FROM_PRODUCT:
                col = form.columns.get(key, ("", 0))[1]
                wanted = item.get("list_price" if key == "price" else key)
                if _blank(v.get(key)) and wanted is not None and key not in line.bad:
                    v[key] = float(wanted) if key == "price" else wanted
                    if col:
                        draft.cells[(line.row, col)] = v[key]
            if v.get("price") is None and "price" not in line.bad:
                draft.issues.append(form.at_line(line, "price", Code.LED_REQUIRED))
        amount = line_amount(v.get("quantity"), v.get("price"))
        if amount is not None:
            amounts.append(amount)
            v["amount"] = float(amount)
            col = form.columns.get("amount", ("", 0))[1]
            if col:
                draft.cells[(line.row, col)] = float(amount)
        draft.lines.append(v)
    if not form.lines:
        return draft  # QUO-003 from the schema check says so
    sums = totals(amounts, rate, settings.quote_price_basis)
    draft.sums = sums
    fill("total_net", float(sums.net), always=True)
    fill("tax_amount", float(sums.tax), always=True)
    fill("total", float(sums.total), always=True)
    fill("total_upper", rmb.to_upper(sums.total), always=True)
    terms = {
        "valid_until": f"{valid_until.year}年{valid_until.month}月{valid_until.day}日",
        "payment": draft.fields.get("payment") or settings.quote_payment,
        "delivery": draft.fields.get("delivery") or settings.quote_delivery,
        "tax_rate": pct(rate),
        "price_basis": settings.quote_price_basis,
        "customer": draft.customer or name or "",
    }
    fill("terms", terms_text(settings, terms))
    return draft


def store_values(draft: Draft) -> dict[str, Any]:
    """What the store keeps of a quotation (no contact data: the customer's name and the amounts)."""
    return {
        "customer": draft.customer,
        "total": draft.sums.total if draft.sums is not None else None,
        "quoted_on": draft.quoted_on,
        "valid_until": _day(draft.fields.get("valid_until")),
    }


def plan_quotation(draft: Draft, quote_id: str, file_name: str) -> Plan:
    """The cells of the filled quotation and its number; the message for the clerk."""
    form = draft.form
    plan = Plan(rows=len(form.lines), issues=list(draft.issues))
    for (row, col), value in draft.cells.items():
        plan.write(form.sheet, row, col, value)
    ff = form.fields.get("quote_id")
    if ff is not None and form.quote_id != quote_id:
        plan.write(form.sheet, ff.row, ff.col, quote_id)
    terms = form.fields.get("terms")
    if terms is not None and (terms.row, terms.col) in draft.cells:
        plan.show_in_full(form.sheet, terms.row, terms.col)
    draft.fields["quote_id"] = quote_id
    total = draft.sums.total if draft.sums is not None else Decimal(0)
    until = _day(draft.fields.get("valid_until"))
    plan.message = (
        f"报价单 {quote_id}（{draft.customer}）：{len(form.lines)} 种产品，合计 ¥{money(float(total))}"
        f"（{rmb.to_upper(total)}），有效期至 {until:%Y-%m-%d}；已另存为 {file_name}。"
    )
    warnings = [i for i in draft.issues if i.severity != "error"]
    if warnings:
        plan.details.append(f"有 {len(warnings)} 条提示（如单价折扣），已标在『{form.sheet}』上，请确认。")
    return plan


def file_form(draft: Draft, quote_id: str) -> dict[str, Any]:
    """The filled quotation as the template writes it into the standalone file."""
    values = {k: v for k, v in draft.fields.items() if v is not None}
    values["quote_id"] = quote_id
    values["lines"] = [{**line, "seq": line.get("seq") or i} for i, line in enumerate(draft.lines, start=1)]
    return values


def file_name(quote_id: str) -> str:
    """报价单_<number>.xlsx, with the characters a file name cannot hold replaced."""
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", quote_id).strip("._") or "报价单"
    return f"报价单_{safe}.xlsx"
