"""费用报销单: every check of a claim form (regulation 二.7 / 三.7 / 四.7).

Rules take every form of the workbook at once (an invoice on two forms, a claim number
used twice) and the snapshot the action read from the store (invoices other claims hold,
the stage of each claim, what the claimant's other claims spent this month). Companions:
『报销标准』 (limits by 职级 × 城市级别 × 费用类别) and 『城市级别』 (city → tier).
Checks return Issues at the cell the clerk must fix; nothing here raises on bad data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from neiqin.base.text import fold
from neiqin.core import invoices, rmb
from neiqin.core.config import Settings
from neiqin.core.forms import Line
from neiqin.core.issues import Code, Issue, make_issue
from neiqin.core.kit import CheckContext
from neiqin.core.ledger import CellProblem, Ledger, convert_cell, display
from neiqin.core.money import money, same_amount, to_fen
from validators.expense_limits import PER_DAY, PER_MONTH, PER_TIME, UNITS

from .codes import ExpenseCode
from .schema import ExpenseForm, invoice_key
from .states import CLOSED, MACHINE, stage

RULES_VERSION = "费用报销规则 2026.1"
WILDCARDS = frozenset({"", "全部", "不限", "所有", "*", "通用"})


# --------------------------------------------------------------------------- standards


@dataclass(frozen=True)
class Limit:
    rank: str  # '' = every rank
    tier: str  # '' = every city
    category: str
    amount: float
    unit: str


@dataclass
class Standards:
    """『报销标准』 and 『城市级别』 as lookups."""

    limits: list[Limit] = field(default_factory=list)
    cities: dict[str, str] = field(default_factory=dict)  # normalised city -> tier
    default_tier: str = "三类城市"
    present: bool = True  # the workbook has a 报销标准 sheet

    @staticmethod
    def city_key(city: Any) -> str:
        text = fold(city)
        return text.removesuffix("市") if len(text) > 2 else text

    def tier(self, city: Any) -> tuple[str, bool]:
        """The city's tier, and whether the city is listed."""
        if city is None:
            return self.default_tier, False
        found = self.cities.get(self.city_key(city))
        return (found, True) if found else (self.default_tier, False)

    def tiered(self, category: str) -> bool:
        """Does the category's limit depend on the city tier?"""
        return any(lim.category == category and lim.tier for lim in self.limits)

    def limit(self, rank: str | None, tier: str, category: str) -> Limit | None:
        """The most specific limit: exact rank and tier before a 全部 row (tiers compared as written
        by the company, ignoring width and spaces: 一线 = 一线 )."""
        best: tuple[int, Limit] | None = None
        tier_key = fold(tier)
        for lim in self.limits:
            if lim.category != category:
                continue
            if lim.rank and lim.rank != rank:
                continue
            if lim.tier and fold(lim.tier) != tier_key:
                continue
            score = (2 if lim.rank else 0) + (1 if lim.tier else 0)
            if best is None or score > best[0]:
                best = (score, lim)
        return best[1] if best else None


def _wild(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    return "" if text in WILDCARDS else text


def standards_from(limits: Ledger | None, cities: Ledger | None, settings: Settings) -> Standards:
    out = Standards(default_tier=settings.default_city_tier, present=limits is not None)
    if limits is not None and limits.has("category") and limits.has("limit"):
        f = limits.frame
        for pos in range(len(limits)):
            category, amount = f["category"].iloc[pos], f["limit"].iloc[pos]
            if category is None or amount != amount:  # NaN: a bad cell, reported by the ledger's own check
                continue
            unit = f["unit"].iloc[pos] if limits.has("unit") else None
            out.limits.append(
                Limit(
                    rank=_wild(f["rank"].iloc[pos]) if limits.has("rank") else "",
                    tier=_wild(f["tier"].iloc[pos]) if limits.has("tier") else "",
                    category=str(category),
                    amount=float(amount),
                    unit=unit if unit in UNITS else PER_TIME,
                )
            )
    if cities is not None and cities.has("city") and cities.has("tier"):
        for city, tier in zip(cities.frame["city"], cities.frame["tier"], strict=True):
            if city is not None and tier is not None:
                out.cities[Standards.city_key(city)] = str(tier)
    return out


# --------------------------------------------------------------------------- checks


_dec = to_fen


def _pct(rate: float) -> str:
    return f"{Decimal(repr(round(rate * 100, 6))).normalize():f}%"


def rate_fraction(value: float) -> float:
    """A 税率 cell as a fraction: 13 (typed without %) and 0.13 both mean 13%."""
    return value / 100 if value > 1 else value


def allowed_rates(settings: Settings) -> list[float]:
    out = []
    for text in settings.tax_rates:
        try:
            out.append(rate_fraction(float(convert_cell(text, "number"))))
        except (CellProblem, TypeError, ValueError):
            continue
    return out


def _split_message(message: str) -> tuple[str, str]:
    head, sep, tail = message.rpartition("；请")
    return (head, tail) if sep else (message, "对照发票原件核对")


_INVOICE_CODES = {
    "number_format": (ExpenseCode.EXP_INVOICE_NUMBER, "number"),
    "missing_number": (ExpenseCode.EXP_INVOICE_NUMBER, "number"),
    "code_format": (ExpenseCode.EXP_INVOICE_CODE, "code"),
    "missing_code": (ExpenseCode.EXP_INVOICE_CODE, "code"),
    "type_mismatch": (ExpenseCode.EXP_INVOICE_KIND, "kind"),
    "no_invoice_has_number": (ExpenseCode.EXP_INVOICE_KIND, "kind"),
    "year_mismatch": (ExpenseCode.EXP_INVOICE_YEAR, "number"),
    "lost_digits": (ExpenseCode.EXP_INVOICE_NUMBER, "number"),
    "lost_code_digits": (ExpenseCode.EXP_INVOICE_CODE, "code"),
}


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


@dataclass
class Snapshot:
    """What the expense checks need from the store, read once by the action for every form."""

    claimed: dict[str, dict[str, Any]] = field(default_factory=dict)  # invoice key -> the reservation holding it
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)  # claim id -> the store's record (stage …)
    monthly: dict[str, dict[str, float]] = field(default_factory=dict)  # claimant -> "类别|YYYY-MM" -> amount


def read_snapshot(store: Any, forms: Sequence[ExpenseForm]) -> Snapshot:
    """One query each: invoices held, claim records, and every claimant's other spending (for 每月 limits)."""
    if store is None:
        return Snapshot()
    keys = [inv["key"] for form in forms for inv in form_invoices(form)]
    ids = [str(f.claim_id) for f in forms if f.claim_id is not None]
    monthly = {}
    for form in forms:
        claimant = form.get("claimant")
        if claimant is not None:
            monthly[f"{claimant}\x00{form.claim_id or ''}"] = store.monthly_amounts(
                str(claimant), str(form.claim_id or "")
            )
    return Snapshot(store.claimed_invoices(keys), store.claims(ids), monthly)


def _snapshot(ctx: CheckContext) -> Snapshot:
    return ctx.snapshot if isinstance(ctx.snapshot, Snapshot) else Snapshot()


def check_approval(forms: Sequence[ExpenseForm], ctx: CheckContext) -> list[Issue]:
    """三.7: 部门负责人审批后才到内勤初审; nobody approves their own claim."""
    issues: list[Issue] = []
    for form in forms:
        approver, claimant = form.get("approver"), form.get("claimant")
        for name in ("approver", "approval_date"):
            ff = form.fields.get(name)
            if ff is not None and ff.value is None and not ff.bad:
                issues.append(form.at(name, ExpenseCode.EXP_NO_APPROVAL))
        if approver is not None and claimant is not None and fold(approver) == fold(claimant):
            issues.append(form.at("approver", ExpenseCode.EXP_SELF_APPROVAL, value=display(approver)))
    return issues


def check_invoices(forms: Sequence[ExpenseForm], ctx: CheckContext) -> list[Issue]:
    """发票类型 known; 发票代码 and 号码 agree with it; 无发票 needs a 说明; no invoice twice (form, other claims)."""
    snap = _snapshot(ctx)
    issues: list[Issue] = []
    for form in forms:
        claimed = _own_view(form, snap)
        seen: dict[str, list[Line]] = {}
        for line in form.lines:
            issues += _line_invoice(form, line, ctx.settings)
            issues += _line_duplicate(form, line, seen, claimed)
    return issues


def check_tax(forms: Sequence[ExpenseForm], ctx: CheckContext) -> list[Issue]:
    """税率 allowed; 税额 = 不含税金额 × 税率; 价税合计 = 不含税金额 + 税额 (a 专票 needs all three)."""
    return [i for form in forms for line in form.lines for i in _line_tax(form, line, ctx.settings)]


def check_dates(forms: Sequence[ExpenseForm], ctx: CheckContext) -> list[Issue]:
    """天数 a positive whole number; 开票日期 not in the future, not after the claim, within the period allowed."""
    return [i for form in forms for line in form.lines for i in _line_dates(form, line, ctx.settings, ctx.today)]


def check_limits(forms: Sequence[ExpenseForm], ctx: CheckContext) -> list[Issue]:
    """报销标准: per line (每次), per day (每天 × 天数) and per month (每月, with the claimant's other claims)."""
    standards = standards_from(ctx.companion("expense_limits"), ctx.companion("city_tiers"), ctx.settings)
    if not standards.present:
        return []
    snap = _snapshot(ctx)
    issues: list[Issue] = []
    for form in forms:
        claimant = form.get("claimant")
        earlier = snap.monthly.get(f"{claimant}\x00{form.claim_id or ''}", {}) if claimant is not None else {}
        issues += _limits(form, standards, earlier)
    return issues


def check_totals(forms: Sequence[ExpenseForm], ctx: CheckContext) -> list[Issue]:
    """合计(小写) = the lines, 合计(大写) reads as the same amount, 附件张数 ≥ the invoices."""
    return [i for form in forms for i in _check_totals(form, ctx.settings)]


def _line_invoice(form: ExpenseForm, line: Line, settings: Settings) -> list[Issue]:
    v = line.value
    issues: list[Issue] = []
    raw_kind = v.get("kind")
    kind = invoices.normalize_kind(raw_kind)
    if raw_kind is not None and (kind is None or kind not in settings.invoice_kinds):
        choices = "、".join(settings.invoice_kinds)
        issues.append(form.at_line(line, "kind", Code.LED_NOT_IN_LIST, value=display(raw_kind), choices=choices))
    for key, message in invoices.check_invoice(kind, v.get("code"), v.get("number"), _date(v.get("date"))):
        code, target = _INVOICE_CODES.get(key, (ExpenseCode.EXP_INVOICE_NUMBER, "number"))
        problem, todo = _split_message(message)
        issues.append(form.at_line(line, target, code, problem=problem, todo=todo))
    if kind == invoices.KIND_NONE and not (v.get("note") or "").strip():
        issues.append(form.at_line(line, "note", ExpenseCode.EXP_NO_INVOICE_NOTE))
    return issues


def _line_duplicate(
    form: ExpenseForm, line: Line, seen: dict[str, list[Line]], claimed: dict[str, dict[str, Any]]
) -> list[Issue]:
    """The same invoice earlier on this form (the same part of it), or held by another claim."""
    key = invoice_key(line)
    if key is None:
        return []
    if key in seen:
        # one invoice over several lines (房费 6% + 餐饮 13%, or two categories) is fine;
        # the same rate and category twice is the same line entered twice
        same = [ln for ln in seen[key] if _same_part(ln, line)]
        seen[key].append(line)
        if same:
            return [form.at_line(line, "number", ExpenseCode.EXP_DUPLICATE_INVOICE, key=key, other=same[0].row)]
        return []
    seen[key] = [line]
    other = claimed.get(key)
    if other is None or (str(other.get("claim_id")) == str(form.claim_id) and not other.get("not_own")):
        return []
    when = other.get("reserved_at")
    return [
        form.at_line(
            line,
            "number",
            ExpenseCode.EXP_INVOICE_CLAIMED,
            key=key,
            claim=other.get("claim_id"),
            when=display(when) if when else "此前",
        )
    ]


def _line_tax(form: ExpenseForm, line: Line, settings: Settings) -> list[Issue]:
    v = line.value
    issues: list[Issue] = []
    tolerance = settings.amount_tolerance + 1e-9
    net, rate, tax, gross = v.get("net"), v.get("rate"), v.get("tax"), v.get("gross")
    if invoices.normalize_kind(v.get("kind")) == invoices.KIND_SPECIAL:
        for name in ("net", "rate", "tax"):
            if name in form.columns and v.get(name) is None and name not in line.bad:
                issues.append(form.at_line(line, name, Code.LED_REQUIRED))
    if rate is not None:
        rate = rate_fraction(rate)
        if not any(abs(rate - r) < 1e-9 for r in allowed_rates(settings)):
            choices = "、".join(settings.tax_rates)
            issues.append(form.at_line(line, "rate", ExpenseCode.EXP_TAX_RATE, value=_pct(rate), choices=choices))
        elif net is not None and tax is not None:
            expected = (_dec(net) * Decimal(repr(rate))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            diff = abs(float(_dec(tax) - expected))
            if diff > tolerance:
                # an invoice with several items rounds each item's tax: a few fen, up to 税额容差
                rounding = diff <= settings.tax_tolerance + 1e-9
                issues.append(
                    form.at_line(
                        line,
                        "tax",
                        ExpenseCode.EXP_TAX_ROUNDING if rounding else ExpenseCode.EXP_TAX_AMOUNT,
                        amount=money(tax),
                        net=money(net),
                        rate=_pct(rate),
                        expected=money(float(expected)),
                        diff=money(abs(tax - float(expected))),
                    )
                )
    if net is not None and tax is not None and gross is not None:
        expected_gross = _dec(net) + _dec(tax)
        if abs(float(_dec(gross) - expected_gross)) > tolerance:
            issues.append(
                form.at_line(
                    line,
                    "gross",
                    ExpenseCode.EXP_GROSS_AMOUNT,
                    amount=money(gross),
                    net=money(net),
                    tax=money(tax),
                    expected=money(float(expected_gross)),
                    diff=money(abs(gross - float(expected_gross))),
                )
            )
    return issues


def _bad_days(line: Line) -> bool:
    days = line.value.get("days")
    return "days" in line.bad or (days is not None and (days <= 0 or days != int(days)))


def _line_dates(form: ExpenseForm, line: Line, settings: Settings, today: dt.date) -> list[Issue]:
    issues: list[Issue] = []
    days = line.value.get("days")
    if days is not None and (days <= 0 or days != int(days)):
        issues.append(form.at_line(line, "days", Code.LED_OUT_OF_RANGE, rule="为正整数", value=display(days)))
    invoice_date = _date(line.value.get("date"))
    if invoice_date is None:
        return issues
    claim_date = _date(form.get("claim_date"))
    shown = invoice_date.isoformat()
    if invoice_date > today:
        issues.append(form.at_line(line, "date", ExpenseCode.EXP_INVOICE_FUTURE, value=shown, today=today.isoformat()))
    elif claim_date is not None and invoice_date > claim_date:
        issues.append(
            form.at_line(
                line, "date", ExpenseCode.EXP_INVOICE_AFTER_CLAIM, value=shown, claim_date=claim_date.isoformat()
            )
        )
    age = ((claim_date or today) - invoice_date).days
    if age > settings.invoice_max_age_days:
        issues.append(
            form.at_line(
                line,
                "date",
                ExpenseCode.EXP_INVOICE_TOO_OLD,
                value=shown,
                days=age,
                limit=settings.invoice_max_age_days,
            )
        )
    return issues


def _limits(form: ExpenseForm, standards: Standards, earlier: dict[str, float]) -> list[Issue]:
    """The lines of one form against 报销标准: grouped per day / per month, per line for 每次."""
    issues: list[Issue] = []
    rank = form.get("rank")
    daily: dict[tuple[Limit, dt.date], list[Line]] = defaultdict(list)
    monthly: dict[tuple[Limit, int, int], list[Line]] = defaultdict(list)
    warned_cities: set[str] = set()
    for line in form.lines:
        category, gross, city = line.value.get("category"), line.value.get("gross"), line.value.get("city")
        if category is None or gross is None:
            continue
        tier, listed = standards.tier(city)
        if standards.tiered(category):
            if city is None and "city" in form.columns and "city" not in line.bad:
                issues.append(form.at_line(line, "city", Code.LED_REQUIRED))
            elif city is not None and not listed and str(city) not in warned_cities:
                warned_cities.add(str(city))
                issues.append(form.at_line(line, "city", ExpenseCode.EXP_UNKNOWN_CITY, value=display(city), tier=tier))
        limit = standards.limit(rank, tier, category)
        invoice_date = _date(line.value.get("date"))
        if limit is None:
            continue
        if limit.unit == PER_DAY and invoice_date is not None:
            if not _bad_days(line):  # 天数 unreadable or wrong: its own issue says so, the limit waits for it
                daily[(limit, invoice_date)].append(line)
        elif limit.unit == PER_MONTH and invoice_date is not None:
            monthly[(limit, invoice_date.year, invoice_date.month)].append(line)
        elif limit.unit == PER_TIME:
            issues += _over(form, [line], limit, rank, tier, "本行", 1)
    # grouped by the limit that applies: a 不分城市 limit adds up lines of every city
    for (limit, day), lines in daily.items():
        # receipts of one day without 天数 are that one day (two meals); once the clerk counts nights,
        # a line without 天数 is 1 more day, as the template says (不填为 1 天)
        counted = any(ln.value.get("days") is not None for ln in lines)
        days = sum(int(ln.value.get("days") or 1) for ln in lines) if counted else 1
        scope = "本行" if len(lines) == 1 else f"{day.isoformat()} 当天合计"
        issues += _over(form, lines, limit, rank, limit.tier, scope, days)
    for (limit, year, month), lines in monthly.items():
        # the claimant's other claims of that month (pre-reviewed, with finance or paid) count too
        before = earlier.get(f"{limit.category}|{year:04d}-{month:02d}", 0.0)
        scope = "本行" if len(lines) == 1 else f"{year} 年 {month} 月合计"
        if before:
            scope = f"{year} 年 {month} 月合计，含本人其他报销单 {money(before)} 元"
        issues += _over(form, lines, limit, rank, limit.tier, scope, 1, before)
    return issues


def _same_part(a: Line, b: Line) -> bool:
    """Two lines of one invoice that are the same part of it: same 税率 and same 费用类别."""

    def rate(line: Line) -> float | None:
        value = line.value.get("rate")
        return None if value is None else round(rate_fraction(value), 6)

    return rate(a) == rate(b) and a.value.get("category") == b.value.get("category")


def _over(
    form: ExpenseForm,
    lines: list[Line],
    limit: Limit,
    rank: Any,
    tier: str,
    scope: str,
    times: int,
    before: float = 0.0,
) -> list[Issue]:
    amount = sum(_dec(ln.value["gross"]) for ln in lines) + _dec(before)
    allowed = _dec(limit.amount) * times
    if amount <= allowed:
        return []
    return [
        form.at_line(
            lines[-1],
            "gross",
            ExpenseCode.EXP_OVER_LIMIT,
            category=limit.category,
            scope=scope,
            amount=money(float(amount)),
            rank=limit.rank or "各职级",
            tier=limit.tier or "不分城市",
            per=limit.unit,
            limit=money(limit.amount),
            times=f" × {times} 天 = {money(float(allowed))} 元" if times > 1 else "",
            excess=money(float(amount - allowed)),
        )
    ]


def _check_totals(form: ExpenseForm, settings: Settings) -> list[Issue]:
    issues: list[Issue] = []
    tolerance = settings.amount_tolerance + 1e-9
    total_f = form.fields.get("total")
    grosses = [ln.value["gross"] for ln in form.lines if ln.value.get("gross") is not None]
    expected = sum((_dec(g) for g in grosses), Decimal("0.00"))
    total = form.get("total")
    if total_f is not None and not total_f.bad:
        if total is None:
            if form.lines:
                issues.append(form.at("total", Code.LED_REQUIRED))
        elif grosses and abs(float(_dec(total) - expected)) > tolerance:
            issues.append(
                form.at(
                    "total",
                    ExpenseCode.EXP_TOTAL_MISMATCH,
                    amount=money(total),
                    expected=money(float(expected)),
                    diff=money(abs(total - float(expected))),
                )
            )
    upper_f = form.fields.get("total_upper")
    reference = _dec(total) if total is not None else (expected if grosses else None)
    if upper_f is not None and reference is not None:
        correct = rmb.to_upper(reference)
        text = upper_f.value
        if text is None:
            issues.append(form.at("total_upper", Code.LED_REQUIRED))
        else:
            try:
                written = rmb.parse_upper(text if isinstance(text, str) else display(text))
            except ValueError as exc:
                issues.append(
                    form.at(
                        "total_upper",
                        ExpenseCode.EXP_UPPER_INVALID,
                        value=display(text),
                        reason=_reason(exc),
                        expected=correct,
                    )
                )
            else:
                if written != reference:
                    issues.append(
                        form.at(
                            "total_upper",
                            ExpenseCode.EXP_UPPER_MISMATCH,
                            value=display(text),
                            written=money(float(written)),
                            amount=money(float(reference)),
                            expected=correct,
                        )
                    )
    # 附件张数 ≥ lines with an invoice
    attachments = form.get("attachments")
    distinct: set[Any] = set()
    for ln in form.lines:
        kind = invoices.normalize_kind(ln.value.get("kind"))
        if kind in (None, invoices.KIND_NONE):
            continue
        distinct.add(invoice_key(ln) or ("line", ln.row))
    with_invoice = len(distinct)  # one invoice split over several lines is one attachment
    if attachments is not None and attachments < with_invoice:
        issues.append(
            form.at("attachments", ExpenseCode.EXP_ATTACHMENTS, value=display(attachments), expected=with_invoice)
        )
    return issues


def _reason(exc: ValueError) -> str:
    """rmb's message without its own "应写作…" tail (the issue names the correct text)."""
    return re.sub(r"[，,][^，]*?元应写作“[^”]*”", "", str(exc)).rstrip("。；;，,")


def form_invoices(form: ExpenseForm) -> list[dict[str, Any]]:
    """The invoices of a form, as the store keeps them (key, amount = the sum of its lines, date)."""
    out: dict[str, dict[str, Any]] = {}
    for line in form.lines:
        v = line.value
        key = invoice_key(line)
        if key is None:
            continue
        gross = v.get("gross")
        if key in out:
            old = out[key]["amount"]
            out[key]["amount"] = None if old is None or gross is None else round(float(old) + float(gross), 2)
            continue
        date = v.get("date")
        out[key] = {
            "key": key,
            "amount": None if gross is None else round(float(gross), 2),
            "invoice_date": date if isinstance(date, dt.datetime) else None,
        }
    return list(out.values())


def form_months(form: ExpenseForm) -> dict[str, float]:
    """What a form spends per "费用类别|YYYY-MM" (by invoice date): the store keeps it for 每月 limits."""
    out: dict[str, float] = {}
    for line in form.lines:
        category, gross, date = line.value.get("category"), line.value.get("gross"), _date(line.value.get("date"))
        if category is None or not isinstance(gross, (int, float)) or date is None:
            continue
        key = f"{category}|{date.year:04d}-{date.month:02d}"
        out[key] = round(out.get(key, 0.0) + float(gross), 2)
    return out


def claim_fingerprint(form: ExpenseForm) -> str:
    """What 费用初审 approved: claimant, total and invoices (key and amount). 提交财务 seals a form only
    while this is unchanged."""
    total = form.get("total")
    payload = {
        "claim": str(form.claim_id or ""),
        "claimant": str(form.get("claimant") or ""),
        "total": None if not isinstance(total, (int, float)) else money(total),
        "invoices": sorted(
            [inv["key"], None if inv["amount"] is None else money(inv["amount"])] for inv in form_invoices(form)
        ),
    }
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- across forms and claims


def _own_view(form: ExpenseForm, snap: Snapshot) -> dict[str, dict[str, Any]]:
    """The invoices other claims hold, as this form sees them.

    An invoice this 报销单号 holds is the form's own only while the claim is open and the amount is
    what pre-review reserved (or the same claimant corrects it before hand-over): a copy of a paid
    claim is a duplicate.
    """
    cid = form.claim_id
    if cid is None:
        return snap.claimed
    record = snap.claims.get(str(cid))
    closed = record is not None and stage(record.get("stage")) in CLOSED
    itself = closed and stage(form.status) in CLOSED  # the sealed form itself may be looked at again
    amounts = {inv["key"]: inv["amount"] for inv in form_invoices(form)}
    same_person = record is not None and record.get("claimant") == str(form.get("claimant") or "")
    mine = {}
    for key, held in snap.claimed.items():
        same_claim = str(held.get("claim_id")) == str(cid)
        matches = same_person or same_amount(held.get("amount"), amounts.get(key))
        own = same_claim and (itself or (not closed and matches))
        mine[key] = {**held, "not_own": True} if same_claim and not own else held
    return mine


def check_claim_numbers(forms: Sequence[ExpenseForm], ctx: CheckContext) -> list[Issue]:
    """A 报销单号 names one claim: not twice in the workbook, not one already with finance or paid."""
    snap = _snapshot(ctx)
    issues: list[Issue] = []
    first: dict[str, str] = {}
    for form in forms:
        cid = form.claim_id
        if cid is None:
            continue
        record = snap.claims.get(str(cid))
        closed = record is not None and stage(record.get("stage")) in CLOSED
        if closed and stage(form.status, ctx.settings) not in CLOSED:
            when = record.get("updated_at") if record else None
            shown = MACHINE.label(stage(record.get("stage")), ctx.settings) if record else ""
            issues.append(
                form.at(
                    "claim_id",
                    ExpenseCode.EXP_CLAIM_CLOSED,
                    value=cid,
                    stage=shown,
                    when=display(when) if when else "此前",
                )
            )
        if cid in first:
            issues.append(form.at("claim_id", ExpenseCode.EXP_DUPLICATE_CLAIM, value=cid, other=first[cid]))
        else:
            first[cid] = form.sheet
    return issues


def check_standards_sheet(forms: Sequence[ExpenseForm], ctx: CheckContext) -> list[Issue]:
    """Without 『报销标准』 no limit is checked: say so on every form with lines."""
    if ctx.companion("expense_limits") is not None:
        return []
    return [
        make_issue(ExpenseCode.EXP_NO_STANDARDS, form.sheet, form.first_row, "", what="报销标准")
        for form in forms
        if form.lines
    ]


def check_invoices_across_forms(forms: Sequence[ExpenseForm], ctx: CheckContext) -> list[Issue]:
    """The same invoice on two forms of this workbook (the store only knows pre-reviewed claims)."""
    issues: list[Issue] = []
    first_key: dict[str, tuple[str, int, str]] = {}
    reported: set[tuple[str, str]] = set()
    for form in forms:
        for line in form.lines:
            key = invoice_key(line)
            if key is None:
                continue
            first = first_key.setdefault(key, (form.sheet, line.row, str(form.claim_id or "无单号")))
            if first[0] != form.sheet and (form.sheet, key) not in reported:
                reported.add((form.sheet, key))
                issues.append(
                    form.at_line(
                        line,
                        "number",
                        ExpenseCode.EXP_INVOICE_OTHER_FORM,
                        key=key,
                        form=first[0],
                        at=first[1],
                        claim=first[2],
                    )
                )
    return issues


def check_verified(forms: Sequence[ExpenseForm], ctx: CheckContext) -> list[Issue]:
    """An invoice whose 价税合计 reaches 『设置』查验金额起点 has 「已查验」 filled (0 = not required)."""
    limit = float(ctx.settings.verify_above or 0)
    if limit <= 0:
        return []
    issues: list[Issue] = []
    for form in forms:
        for line in form.lines:
            gross = line.value.get("gross")
            if invoice_key(line) is None or not isinstance(gross, (int, float)) or gross < limit - 0.005:
                continue
            if line.value.get("verified") is None:
                issues.append(
                    form.at_line(
                        line, "verified", ExpenseCode.EXP_NOT_VERIFIED, amount=money(gross), limit=money(limit)
                    )
                )
    return issues


def check_companions(forms: Sequence[ExpenseForm], ctx: CheckContext) -> list[Issue]:
    """『报销标准』 and 『城市级别』 with their own checks: a bad limit misjudges every claim."""
    from neiqin.core.kit import ledger

    issues: list[Issue] = []
    for name in ("expense_limits", "city_tiers"):
        companion = ctx.companion(name)
        if companion is not None:
            issues += ledger(name).check(companion, ctx)
    return issues


RULES = (
    check_approval,
    check_invoices,
    check_tax,
    check_dates,
    check_limits,
    check_totals,
    check_claim_numbers,
    check_standards_sheet,
    check_invoices_across_forms,
    check_verified,
    check_companions,
)
