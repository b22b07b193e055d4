"""Reading one message into an Intake: customer, kind, references, lines, dates and questions.

The steps (each documented in its module): cut quoted history and signature (:mod:`.mail`); find the
customer (:mod:`.customers`); find dates (:mod:`.dates`) and order references; find product evidence
(:mod:`.catalogue`); mask all of those and read prices and quantities (:mod:`.units`) from what is left;
walk the message in text order grouping evidence, quantities and prices into lines; resolve each line
against the catalogue; ask about everything that stays uncertain. Nothing is guessed: a field is
filled only when the message says it unambiguously.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from rapidfuzz import fuzz

from neiqin.base.errors import NeiQinError
from neiqin.base.text import code_key, fold, nfkc
from neiqin.core.intake.catalogue import ProductIndex, key
from neiqin.core.intake.customers import CustomerIndex, lower
from neiqin.core.intake.dates import DateHit, find_dates
from neiqin.core.intake.mail import read_eml, split_message
from neiqin.core.intake.models import (
    Action,
    Alias,
    Ask,
    Customer,
    CustomerMatch,
    Intake,
    IntakeLine,
    Kind,
    Product,
    Question,
)
from neiqin.core.intake.units import (
    DIVISIBLE,
    NUMBER,
    UNIT,
    fix_ocr_digits,
    is_piece,
    parse_number,
    unit_word,
)

CHINA = dt.timezone(dt.timedelta(hours=8))
MAX_CHARS = 20_000  # of a message's new text read for orders (a note says when more was left unread)
MAX_SIDE = 2_000  # of a signature, forwarded header or customer hint read for the customer
PRIORITY = {"alias": 6, "code": 5, "spec": 4, "name": 3, "part": 2, "attr": 1, "fuzzy": 0}
_STRONG = frozenset({"alias", "code", "spec", "part"})

_CANCEL = re.compile(r"取消|撤销|撤单|作废|不要了|退订|退单|\bcancel", re.I)
_CHANGE = re.compile(
    r"改为|改成|改到|改至|更改|变更|修改|调整为|调整到|调整成|追加|加订|增订|增加到|增至|加到|减少到|减少|减到|减至|"
    r"少要|多要|推迟|延期|延后|延迟|提前到|提前至|换成|换为"
)
_SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|回复|答复|转发)\s*[:：]\s*)+", re.I)
_PO_LABEL = re.compile(
    r"(?<![A-Z])(?:客户订单号|客户订单|采购订单号|采购单号|采购订单|采购单|订单编号|订单号|合同编号|合同号|单号|PO\s*NO\.?|PO号|PO#|P/O|PO|NO(?=\s*[.:：#]))"
    r"\s*[.:：#]?\s*(?P<v>[A-Z0-9][A-Z0-9\-_/]{2,}[A-Z0-9])"
)
_PO_TOKEN = re.compile(r"(?<![A-Z0-9\-])PO-[A-Z0-9][A-Z0-9\-]*[A-Z0-9]")
_LOOSE_REF = re.compile(r"(?<![A-Z0-9\-.])[A-Z]{1,6}(?:-[A-Z0-9]+)+(?![A-Z0-9\-.])")
_S0 = re.compile(r"(?<![A-Z0-9])S0(\d+)(?![A-Z0-9])")
_URL = re.compile(r"https?://\S+|www\.\S+", re.I)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_ORDINAL = re.compile(
    rf"^[ \t]*(?:[(（]\d{{1,2}}[)）]|\d{{1,2}}[.、](?!\d)|\d{{1,2}}(?=[ \t]+[^\d\s]))(?![ \t]*{UNIT})", re.M
)
_ALNUM = re.compile(r"[a-z0-9](?:[a-z0-9\-_/.]*[a-z0-9])?")
_PIECE = re.compile(r"[a-z0-9.]+")
_POWER = re.compile(r"(?<![a-z0-9.\-])(\d+(?:\.\d+)?)\s*(kw|千瓦|k(?![a-z0-9])|w(?![a-z0-9])|瓦)")
_RATIO = re.compile(
    r"速比\s*(?:1\s*[:：/比]\s*)?(?P<a>\d+(?:\.\d+)?)"
    r"|(?<![\d.:])1\s*[:：]\s*(?P<b>\d+(?:\.\d+)?)(?![\d:])"
    r"|(?<![a-z])i\s*=\s*(?P<c>\d+(?:\.\d+)?)"
)
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{3,}")
_CUR = r"(?:¥|￥|rmb)"
# every run of blanks follows something that must be there: masked text has long blank runs, and two
# blank runs around an optional word would make a match attempt quadratic in the run's length
_WS = r"[ \t]*"


def _opt(pattern: str) -> str:
    return rf"(?:{pattern}{_WS})?"


_PRICES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            rf"(?:合计|总计|总价|总金额|金额){_WS}{_opt('[:：]')}{_opt(_CUR)}(?P<num>{NUMBER})(?:{_WS}(?:元|块))?"
        ),
        "total",
    ),
    # 共9250元 is a total, 共6只 a quantity
    (
        re.compile(
            rf"(?:共计|一共|共){_WS}{_opt('[:：]')}"
            rf"(?:{_CUR}{_WS}(?P<num>{NUMBER})|(?P<num2>{NUMBER}){_WS}(?:元|块))"
        ),
        "total",
    ),
    (
        re.compile(
            rf"(?:含税单价|含税价|不含税价|单价|价格|价钱|售价|报价|按){_WS}"
            rf"{_opt('(?:还是|也是|都是|仍是|仍按|还按|为|是|按)')}{_opt('[:：]')}{_opt(_CUR)}(?P<num>{NUMBER})"
            rf"(?:{_WS}(?:元|块))?(?:{_WS}(?:/|每|一){_WS}(?P<per>{UNIT}))?"
        ),
        "unit",
    ),
    (re.compile(rf"每{_WS}(?P<per>{UNIT}){_WS}{_opt(_CUR)}(?P<num>{NUMBER})(?:{_WS}(?:元|块))?"), "unit"),
    (
        re.compile(rf"{_opt(_CUR)}(?P<num>{NUMBER}){_WS}(?:元|块钱|块){_WS}(?:/|每|一){_WS}(?P<per>{UNIT})"),
        "unit",
    ),
    (re.compile(rf"{_CUR}{_WS}(?P<num>{NUMBER}){_WS}/{_WS}(?P<per>{UNIT})"), "unit"),
    (re.compile(rf"(?<![\d.])(?P<num>\d+(?:\.\d+)?){_WS}/{_WS}(?P<per>{UNIT})"), "unit"),
    (re.compile(rf"{_CUR}{_WS}(?P<num>{NUMBER})|(?P<num2>{NUMBER}){_WS}(?:元|块钱)"), "unclear"),
]
_QTY = re.compile(
    rf"{_opt('(?P<pre>各|约|大约|大概|差不多|估计|预计|左右)')}"
    rf"(?P<num>{NUMBER}){_WS}{_opt('(?P<approx>多|来|余)')}(?P<unit>{UNIT})"
    rf"(?P<post>{_WS}(?:左右|上下))?"
)
_VAGUE = re.compile(rf"(?:好几|几|若干)(?:十|百|千)?{_WS}(?P<unit>{UNIT})")  # 几台, 几十个: no number to read
_COUNT = re.compile(rf"(?:(?<![a-z0-9])[x×*]{_WS}|数量{_WS}{_opt('[:：]')})(?P<num>{NUMBER})(?![\d.]*[ \t]*[a-z0-9])")
_BARE = re.compile(r"(?<![A-Za-z0-9.\-/:])(\d+(?:\.\d+)?)(?![A-Za-z0-9.\-/:%])")
_SEP = re.compile(r"\n|[，,；;。！!？?:：]|、|和|及|与|跟|还有|另外|以及|另")
_COORD = frozenset("、和及与跟，,") | {"还有", "另外", "以及", "另"}
_HEADER_WORDS = ("序号", "品名", "名称", "型号", "规格", "数量", "单位", "单价", "金额", "备注")
# what a change does to a quantity: the last of these words in the clause before the quantity
_ACTION = re.compile(
    r"(?P<set>改为|改成|改到|改至|调整为|调整到|调整成|增加到|增至|加到|减少到|减到|减至|变为|变成)"
    r"|(?P<add>追加|加订|增订|再加|多要|增加|加(?![急工班]))"
    r"|(?P<reduce>减少|少要|减掉|减去|减|取消)"
)
_OLD = re.compile(r"(?:由|从|原来|原定|原)\s*$")


@dataclass(slots=True)
class Tok:
    """A piece of product evidence: the products it fits."""

    start: int
    end: int
    kind: str
    codes: frozenset[str]
    score: float
    text: str


@dataclass(slots=True)
class Qty:
    start: int
    end: int
    value: Decimal | None
    unit: str | None
    marker: Literal["unit", "count", "bare", "table"]
    approx: bool = False
    each: bool = False
    action: Action | None = None
    text: str = ""


@dataclass(slots=True)
class Price:
    start: int
    end: int
    value: Decimal | None
    per: str | None
    kind: Literal["unit", "unclear", "total"]
    text: str = ""


@dataclass(slots=True)
class Item:
    toks: list[Tok]
    line: int
    qty: Qty | None = None
    price: Price | None = None
    amount: Decimal | None = None
    dates: list[DateHit] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    last_end: int = 0
    touched: bool = False  # a separator came after its last event
    codes: frozenset[str] | None = None  # the products every piece of evidence fits

    def __post_init__(self) -> None:
        toks, self.toks = self.toks, []
        for t in toks:
            self.add(t)

    def add(self, tok: Tok) -> None:
        self.toks.append(tok)
        self.codes = tok.codes if self.codes is None else self.codes & tok.codes


class _Seps:
    """The separators of a message (，、和 …, newlines) by position, for range questions in log time."""

    def __init__(self, seps: list[tuple[int, str]]) -> None:
        seps.sort()
        self.starts = [p for p, _ in seps]
        self.texts = [t for _, t in seps]

    def between(self, a: int, b: int) -> list[str]:
        return self.texts[bisect.bisect_left(self.starts, a) : bisect.bisect_left(self.starts, b)]

    def end_before(self, pos: int) -> int:
        """Where the last separator before ``pos`` ends (0 when there is none)."""
        i = bisect.bisect_left(self.starts, pos)
        return self.starts[i - 1] + len(self.texts[i - 1]) if i else 0


@dataclass(slots=True)
class Event:
    start: int
    end: int
    type: str  # T Q P B D S
    obj: object = None


def fold_chars(text: str) -> str:
    """``text`` in NFKC character by character where that keeps one character (full-width ３ → 3, ，→ ,),
    so every offset in the result is the same offset in ``text``."""
    out = []
    for ch in text:
        folded = _FOLD_CACHE.get(ch)
        if folded is None:
            folded = nfkc(ch)
            folded = _FOLD_CACHE.setdefault(ch, folded if len(folded) == 1 else ch)
        out.append(folded)
    return "".join(out)


_FOLD_CACHE: dict[str, str] = {}


def china_date(sent: dt.datetime | dt.date) -> dt.date:
    """The calendar day of ``sent`` in China (an aware time is converted to UTC+8)."""
    if isinstance(sent, dt.datetime):
        if sent.tzinfo is not None:
            sent = sent.astimezone(CHINA)
        return sent.date()
    return sent


class Reader:
    """Reads messages against one customer archive, catalogue and alias table (index built once)."""

    def __init__(
        self,
        customers: Sequence[Customer],
        products: Sequence[Product],
        aliases: Sequence[Alias] = (),
        *,
        order_id_pattern: str = r"SO\d{7}",
    ) -> None:
        self.customers = CustomerIndex(customers)
        self.catalogue = ProductIndex(products)
        self.aliases: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for a in aliases:
            if a.product_code in self.catalogue.products:
                self.aliases[fold(a.customer)][fold(a.wording)].add(a.product_code)
        self.order_id = re.compile(rf"(?<![A-Z0-9])(?:{order_id_pattern})(?![0-9])")

    # ------------------------------------------------------------------------------- entry points

    def parse_eml(self, data: bytes, *, sent: dt.datetime | None = None) -> Intake:
        """Read an ``.eml`` file's bytes: its Date is the sent time (or ``sent``), its From the customer hint."""
        mail = read_eml(data)
        when = sent or mail.sent
        if when is None:
            raise NeiQinError(
                "邮件没有可读的发送日期（Date），无法换算“明天”“下周五”这类交货日期；请指定收到邮件的时间"
            )
        notes = [f"邮件附件『{name}』未读取，请打开查看是否另有订货内容" for name in mail.attachments]
        return self.parse(mail.text, sent=when, customer_hint=mail.sender, subject=mail.subject, notes=notes)

    def parse(
        self,
        text: str,
        *,
        sent: dt.datetime | dt.date,
        customer_hint: str | None = None,
        subject: str = "",
        notes: Iterable[str] = (),
    ) -> Intake:
        """Read one message (e-mail text, WeChat, SMS, OCR'd fax) sent at ``sent``."""
        if isinstance(sent, dt.date) and not isinstance(sent, dt.datetime):
            sent = dt.datetime.combine(sent, dt.time())
        day = china_date(sent)
        parts = split_message((text or "").replace("\r\n", "\n").replace("\r", "\n"))
        original, head = parts.body, ""
        subject = _SUBJECT_PREFIX.sub("", nfkc(subject or ""))
        notes = list(notes)
        if parts.forwarded and not self._has_product(fold_chars(original)):
            original, head = parts.forwarded, parts.forwarded_head
            notes.append("正文只有转发的邮件，已按转发的原邮件读取")
        if len(original) > MAX_CHARS:  # no order is that long: a pasted report or a hostile file
            cut = original.rfind("\n", 0, MAX_CHARS)
            original = original[: cut if cut > 0 else MAX_CHARS]
            notes.append(f"正文很长，只读取了前 {len(original)} 个字，请核对其余部分是否另有订货内容")
        body = fold_chars(original)  # offsets in body are offsets in original
        head = nfkc(head[:MAX_SIDE])

        found_body = self.customers.find(body)
        founds = [
            found_body,
            self.customers.find(nfkc(parts.signature[:MAX_SIDE])),
            self.customers.find(head, source="转发原邮件："),
        ]
        if customer_hint:
            founds.append(self.customers.find(nfkc(customer_hint[:MAX_SIDE]), source="发件人："))
        customer, candidates = self.customers.decide(*founds)
        questions: list[Question] = []
        if customer is None and candidates:
            names = "、".join(c.name for c in candidates[:5])
            questions.append(
                Question(
                    code=Ask.CUSTOMER_AMBIGUOUS, field="customer", text=f"可能是这几家客户：{names}，请确认是哪一家"
                )
            )
        elif customer is None:
            questions.append(
                Question(
                    code=Ask.CUSTOMER_UNKNOWN,
                    field="customer",
                    text="未能确定是哪家客户（客户档案中没有匹配的名称、简称、联系人、电话或邮箱），请确认发件单位",
                )
            )

        kind: Kind = "order"
        kind_text = f"{subject}\n{body}"
        if _CHANGE.search(kind_text):
            kind = "change"
        elif _CANCEL.search(kind_text):
            kind = "cancel"

        fixed = fix_ocr_digits(body)
        low = lower(body)
        fixed_low = lower(fixed)
        mask = bytearray(len(body))

        def cover(start: int, end: int) -> None:
            mask[start:end] = b"\x01" * (end - start)

        for s, e in found_body.spans:
            cover(s, e)
        for m in _EMAIL.finditer(body):
            cover(*m.span())
        for m in _URL.finditer(body):
            cover(*m.span())
        order_ids, pos = self._refs(fixed, cover)
        sub_ids, sub_pos = self._refs(fix_ocr_digits(subject), lambda s, e: None)
        order_ids = list(dict.fromkeys(order_ids + sub_ids))
        pos = list(dict.fromkeys(pos + sub_pos))
        dates = find_dates(fixed, day)
        for h in dates:
            cover(h.start, h.end)
        for m in _ORDINAL.finditer(fixed):
            cover(*m.span())

        aliases = self._aliases_of(customer)
        toks = self._product_tokens(_masked(low, mask), aliases, body)
        for t in toks:
            cover(t.start, t.end)
        if kind in ("cancel", "change"):
            loose = _masked("".join(ch.upper() if len(ch.upper()) == 1 else ch for ch in fixed), mask)
            for m in _LOOSE_REF.finditer(loose):
                value = m.group()
                if sum(c.isdigit() for c in value) >= 4 and value not in pos and not self.order_id.fullmatch(value):
                    pos.append(value)
                    cover(*m.span())

        events = self._events(_masked(fixed_low, mask), fixed, toks, dates)
        items = self._group(events, body)
        newlines = [i for i, ch in enumerate(original) if ch == "\n"]
        lines = [self._line(item, original, kind, newlines) for item in items]
        lines, date_questions, delivery = _dates(lines, items, dates, kind, day)
        questions += date_questions
        if kind in ("cancel", "change") and not order_ids and not pos:
            what = "取消" if kind == "cancel" else "变更"
            questions.append(
                Question(
                    code=Ask.REF_MISSING,
                    field="ref",
                    text=f"未写要{what}的订单号或客户订单号，请与客户确认是哪一张订单",
                )
            )
        if kind == "change" and not lines and delivery is None and not any(q.field == "delivery" for q in questions):
            questions.append(
                Question(code=Ask.CHANGE_UNCLEAR, field="change", text="未能识别要变更的内容，请与客户确认")
            )
        return Intake(
            kind=kind,
            sent=sent,
            customer=customer,
            customer_candidates=tuple(candidates),
            order_ids=tuple(order_ids),
            pos=tuple(pos),
            delivery=delivery,
            lines=tuple(lines),
            questions=tuple(questions),
            notes=tuple(notes),
            text=original,
        )

    # ------------------------------------------------------------------------------------ helpers

    def _has_product(self, text: str) -> bool:
        low = lower(text)
        return bool(self._product_tokens(low, {}, text))

    def _aliases_of(self, customer: CustomerMatch | None) -> dict[str, set[str]]:
        if customer is None:
            return {}
        out: dict[str, set[str]] = {}
        for k in (fold(customer.name), fold(customer.code or "")):
            for wording, codes in self.aliases.get(k, {}).items():
                out.setdefault(wording, set()).update(codes)
        return out

    def _refs(self, text: str, cover: Callable[[int, int], None]) -> tuple[list[str], list[str]]:
        """Our order numbers and the customer's PO numbers in ``text``; their spans are ``cover``ed."""
        upper = "".join(ch.upper() if len(ch.upper()) == 1 else ch for ch in text)
        # S02611018: an OCR'd or mistyped zero for the O of our order number (only when the result is one)
        upper = _S0.sub(lambda m: "SO" + m.group(1) if self.order_id.fullmatch("SO" + m.group(1)) else m.group(), upper)
        order_ids: list[str] = []
        pos: list[str] = []
        taken = bytearray(len(upper))
        for m in _PO_LABEL.finditer(upper):
            value = m.group("v")
            if not any(c.isdigit() for c in value):
                continue
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
            cover(*m.span())
            if self.order_id.fullmatch(value):
                order_ids.append(value)
            else:
                pos.append(value)
        for m in _PO_TOKEN.finditer(upper):
            if not any(taken[m.start() : m.end()]):
                pos.append(m.group())
                cover(*m.span())
        for m in self.order_id.finditer(upper):
            cover(*m.span())
            order_ids.append(m.group())
        return list(dict.fromkeys(order_ids)), list(dict.fromkeys(pos))

    def _product_tokens(self, low: str, aliases: dict[str, set[str]], text: str) -> list[Tok]:
        ix = self.catalogue
        found: list[Tok] = []
        for wording, codes in aliases.items():
            start = low.find(wording)
            while start >= 0:
                end = start + len(wording)
                found.append(Tok(start, end, "alias", frozenset(codes), 100.0, text[start:end]))
                start = low.find(wording, end)
        if ix.lexicon_re is not None:
            for m in ix.lexicon_re.finditer(low):
                s, e = m.span()
                w = m.group()
                if (w[0].isascii() and s > 0 and low[s - 1].isalnum() and low[s - 1].isascii()) or (
                    w[-1].isascii() and e < len(low) and low[e].isascii() and (low[e].isalnum() or low[e] == ".")
                ):
                    continue  # 10米 inside 110米, plc inside plcs
                word = ix.lexicon[w]
                found.append(Tok(s, e, word.kind, word.codes, 100.0, text[s:e]))
        for m in _ALNUM.finditer(low):
            found += self._alnum(m.group(), m.start(), text)
        for m in _POWER.finditer(low):
            value = Decimal(m.group(1)).normalize()
            if m.group(2) in ("w", "瓦"):
                value = (value / 1000).normalize()
            codes = frozenset(ix.power.get(value, ()))
            found.append(Tok(m.start(), m.end(), "attr", codes, 100.0, text[m.start() : m.end()]))
        for m in _RATIO.finditer(low):
            raw = m.group("a") or m.group("b") or m.group("c")
            codes = frozenset(ix.ratio.get(Decimal(raw).normalize(), ()))
            if codes or m.group("b") is None:  # a bare 1:N only when some reducer has that ratio (not a time)
                found.append(Tok(m.start(), m.end(), "attr", codes, 100.0, text[m.start() : m.end()]))
        chosen = _non_overlapping(found)
        taken = bytearray(len(low))
        for t in chosen:
            taken[t.start : t.end] = b"\x01" * (t.end - t.start)
        chosen += self._fuzzy(low, taken, aliases, text)
        chosen.sort(key=lambda t: t.start)
        return chosen

    def _alnum(self, run: str, offset: int, text: str) -> list[Tok]:
        ix = self.catalogue
        whole = self._alnum_hit(run)
        if whole is not None:
            kind, codes, score = whole
            return [Tok(offset, offset + len(run), kind, codes, score, text[offset : offset + len(run)])]
        pieces = [(m.start(), m.end()) for m in _PIECE.finditer(run)]
        out: list[Tok] = []
        i = 0
        while i < len(pieces):
            for j in range(len(pieces), i, -1):
                sub = run[pieces[i][0] : pieces[j - 1][1]]
                hit = self._alnum_hit(sub, parts=j == i + 1)
                if hit is not None:
                    kind, codes, score = hit
                    s, e = offset + pieces[i][0], offset + pieces[j - 1][1]
                    out.append(Tok(s, e, kind, codes, score, text[s:e]))
                    i = j
                    break
            else:
                i += 1
        if not out:
            k = key(run)
            if len(k) >= 5:
                inside = [f for f in ix.spec_full if len(f) >= 5 and f in k]
                if inside:
                    best = max(inside, key=len)
                    out.append(
                        Tok(
                            offset,
                            offset + len(run),
                            "spec",
                            frozenset(ix.spec_full[best]),
                            90.0,
                            text[offset : offset + len(run)],
                        )
                    )
        return out

    def _alnum_hit(self, s: str, parts: bool = False) -> tuple[str, frozenset[str], float] | None:
        ix = self.catalogue
        exact, k = code_key(s), key(s)
        if k in ix.codes:
            return "code", frozenset({ix.codes[k]}), 100.0 if exact in ix.exact_codes else 95.0
        if k in ix.spec_full:
            return "spec", frozenset(ix.spec_full[k]), 100.0 if exact in ix.exact_spec else 95.0
        if parts and k in ix.spec_part:
            return "part", frozenset(ix.spec_part[k]), 95.0
        return None

    def _fuzzy(self, low: str, taken: bytearray, aliases: dict[str, set[str]], text: str) -> list[Tok]:
        """OCR slips in a name or an alias (三相异步电杋): rapidfuzz over the CJK runs nothing else explained."""
        out: list[Tok] = []
        free = "".join(" " if taken[i] else ch for i, ch in enumerate(low))
        for run in _CJK_RUN.finditer(free):
            best: Tok | None = None
            pool = [(w, frozenset(c), 90.0, "alias") for w, c in aliases.items() if len(w) >= 3]
            pool += [(w, c, 80.0, "fuzzy") for w, c in self.catalogue.names.items()]
            for word, codes, cutoff, kind in pool:
                hit = fuzz.partial_ratio_alignment(word, run.group(), score_cutoff=cutoff)
                if hit is None or hit.dest_end - hit.dest_start < min(4, len(word)):
                    continue
                if best is None or hit.score > best.score:
                    s, e = run.start() + hit.dest_start, run.start() + hit.dest_end
                    best = Tok(s, e, kind, codes, round(hit.score, 1), text[s:e])
            if best is not None:
                out.append(best)
        return out

    def _events(self, masked: str, fixed: str, toks: list[Tok], dates: list[DateHit]) -> list[Event]:
        events = [Event(t.start, t.end, "T", t) for t in toks]
        events += [Event(h.start, h.end, "D", h) for h in dates if h.status != "ref"]
        work = list(masked)  # prices, then quantities, are blanked out once read

        def take(s: int, e: int) -> None:
            work[s:e] = " " * (e - s)

        def current() -> str:
            return "".join(work)

        text = current()
        for pattern, kind in _PRICES:
            for m in pattern.finditer(text):
                num = m.groupdict().get("num") or m.groupdict().get("num2")
                per = m.groupdict().get("per")
                value = parse_number(num) if num else None
                if value is None:
                    continue
                s, e = _span(m)
                price = Price(s, e, value, unit_word(per) if per else None, kind, fixed[s:e])  # type: ignore[arg-type]
                events.append(Event(s, e, "P", price))
                take(s, e)
            text = current()
        for m in _VAGUE.finditer(text):
            s, e = _span(m)
            vague = Qty(s, e, None, unit_word(m.group("unit")), "unit", approx=True, text=fixed[s:e])
            events.append(Event(s, e, "Q", vague))
            take(s, e)
        text = current()
        for m in _QTY.finditer(text):
            pre, post = m.group("pre") or "", m.group("post") or ""
            s, e = _span(m)
            before = text[max(0, s - 8) : s]
            q = Qty(
                s,
                e,
                parse_number(m.group("num")),
                unit_word(m.group("unit")),
                "unit",
                approx=bool(pre and pre != "各")
                or bool(post)
                or bool(m.group("approx"))
                or bool(re.search(r"(?:大约|大概|约|差不多)\s*$", before)),
                each=pre == "各" or before.rstrip().endswith("各"),
                text=fixed[s:e],
            )
            events.append(Event(s, e, "Q", q))
            take(s, e)
        text = current()
        for m in _COUNT.finditer(text):
            s, e = _span(m)
            q = Qty(s, e, parse_number(m.group("num")), None, "count", text=fixed[s:e])
            events.append(Event(s, e, "Q", q))
            take(s, e)
        text = current()
        for m in _BARE.finditer(text):
            events.append(Event(m.start(), m.end(), "B", parse_number(m.group(1))))
        for m in _SEP.finditer(masked):
            events.append(Event(m.start(), m.end(), "S", m.group()))
        events.sort(key=lambda ev: (ev.start, ev.type != "S"))
        for ev in events:
            if ev.type == "Q":
                before = fixed[max(0, ev.start - 30) : ev.start]
                cut = [m.end() for m in re.finditer(r"[\n。，,；;]", before)]
                before = before[cut[-1] :] if cut else before
                q = ev.obj
                assert isinstance(q, Qty)
                if _OLD.search(before):
                    ev.type = "X"  # 由2台改为3台: the old quantity
                    continue
                words = list(_ACTION.finditer(before))
                if words:
                    q.action = words[-1].lastgroup  # type: ignore[assignment]
        return [ev for ev in events if ev.type != "X"]

    def _group(self, events: list[Event], body: str) -> list[Item]:
        """Walk the message in order: evidence, quantities, prices and dates become lines."""
        items: list[Item] = []
        orphans: list[Qty] = []  # quantities no product took: never dropped in silence
        orphan_from: dict[int, int] = {}  # where the words before a pending quantity start
        prev_end = 0
        cur: Item | None = None
        pending_q: Qty | None = None
        pending_p: Price | None = None
        since_qty: list[Item] = []  # items made since a quantity was last given (各 gives to all of them)
        seps = _Seps([(ev.start, str(ev.obj)) for ev in events if ev.type == "S"])
        sep_between = seps.between
        newlines = [i for i, ch in enumerate(body) if ch == "\n"]
        header = _table_header(body)

        def line_of(pos: int) -> int:
            return bisect.bisect_left(newlines, pos)

        for k, ev in enumerate(events):
            if ev.type == "S":
                if cur is not None:
                    cur.touched = True
                continue
            before_ev, prev_end = prev_end, max(prev_end, ev.end)
            if ev.type == "T":
                tok = ev.obj
                assert isinstance(tok, Tok)
                if cur is not None and self._joins(cur, tok, sep_between(cur.last_end, tok.start), events, k):
                    cur.add(tok)
                else:
                    cur = Item([tok], line_of(tok.start))
                    if header is not None and header[0] < cur.line:
                        cur.columns = list(header[1])
                    items.append(cur)
                    since_qty.append(cur)
                    if pending_q is not None:
                        cur.qty, pending_q = pending_q, None
                        since_qty = []
                    if pending_p is not None:
                        cur.price, pending_p = pending_p, None
                cur.last_end, cur.touched = tok.end, False
            elif ev.type == "Q":
                q = ev.obj
                assert isinstance(q, Qty)
                if q.each and since_qty:
                    for item in since_qty:
                        if item.qty is None:
                            item.qty = q
                    since_qty = []
                elif cur is not None and cur.qty is None and not self._qty_first(cur, ev, events, k, seps):
                    cur.qty = q
                    since_qty = []
                    cur.last_end, cur.touched = ev.end, False
                else:
                    if pending_q is not None:
                        orphans.append(pending_q)
                    pending_q = q
                    orphan_from[id(q)] = before_ev
            elif ev.type == "P":
                p = ev.obj
                assert isinstance(p, Price)
                if p.kind == "total":
                    continue
                if cur is not None and cur.price is None:
                    cur.price = p
                    cur.last_end, cur.touched = ev.end, False
                else:
                    pending_p = p
            elif ev.type == "B":
                value = ev.obj
                if cur is None or line_of(ev.start) != cur.line or not isinstance(value, Decimal):
                    continue
                if cur.qty is not None and cur.columns:
                    column = cur.columns.pop(0)
                    if column == "单价" and cur.price is None:
                        cur.price = Price(ev.start, ev.end, value, None, "unit", body[ev.start : ev.end])
                    elif column == "金额":
                        cur.amount = value
                elif cur.qty is None:
                    marker = "table" if header is not None and header[0] < cur.line else "bare"
                    cur.qty = Qty(ev.start, ev.end, value, None, marker, text=body[ev.start : ev.end])
                    since_qty = []
                    cur.last_end, cur.touched = ev.end, False
            elif ev.type == "D":
                hit = ev.obj
                assert isinstance(hit, DateHit)
                if cur is not None and not sep_between(cur.last_end, ev.start):
                    cur.dates.append(hit)
        if pending_q is not None:
            orphans.append(pending_q)
        for q in orphans:  # 西门子V20 5台: a line whose product is asked about
            nl = bisect.bisect_left(newlines, q.start)
            start = max(seps.end_before(q.start), newlines[nl - 1] + 1 if nl else 0, orphan_from.get(id(q), 0))
            words = body[start : q.start].strip() or q.text
            s = body.index(words, start) if words in body[start : q.start] else q.start
            orphan = Item([Tok(s, s + len(words), "none", frozenset(), 0.0, words)], line_of(q.start), qty=q)
            orphan.last_end = q.end
            items.append(orphan)
        items.sort(key=lambda item: item.toks[0].start)
        _inherit_names(items, seps, self.catalogue)
        return items

    def _joins(self, cur: Item, tok: Tok, between: list[str], events: list[Event], k: int) -> bool:
        prev = events[k - 1] if k > 0 else None
        adjacent = not between and prev is not None and prev.type == "T" and prev.obj is cur.toks[-1]
        if adjacent:
            return True  # one product phrase: 三相异步电机 YE3-132S-4 5.5kW
        if cur.qty is not None:
            return False
        codes = cur.codes
        if codes is not None and tok.codes and not (codes & tok.codes):
            return False
        if any(s in _COORD for s in between):
            same = {_family(t.kind) for t in cur.toks}
            if _family(tok.kind) in same and _family(tok.kind) != "attr":
                return False  # 电机、变频电机: a list of two products
        return True

    def _qty_first(self, cur: Item, ev: Event, events: list[Event], k: int, seps: _Seps) -> bool:
        """Whether a quantity belongs to the product that follows it (…，要5台变频器) rather than to ``cur``."""
        nxt = events[k + 1] if k + 1 < len(events) else None
        if nxt is None or nxt.type != "T" or nxt.start - ev.end > 3:
            return False
        return bool(seps.between(cur.last_end, ev.start))

    def _line(self, item: Item, body: str, kind: Kind, newlines: list[int]) -> IntakeLine:
        """One draft line from a grouped item; ``body`` is the message as written (for wording and text)."""
        ix = self.catalogue
        toks = item.toks
        start, end = toks[0].start, max(t.end for t in toks)
        wording = body[start:end].strip()
        i = bisect.bisect_left(newlines, start)
        line_start = newlines[i - 1] + 1 if i else 0
        j = bisect.bisect_left(newlines, end)
        line_end = newlines[j] if j < len(newlines) else len(body)
        text = body[line_start:line_end].strip()
        codes = item.codes or frozenset()
        questions: list[Question] = []
        candidates = sorted(codes)
        product = ix.products[candidates[0]] if len(candidates) == 1 else None
        score = min(t.score for t in toks)
        if {t.kind for t in toks} <= {"name", "attr", "fuzzy"}:
            score = min(score, 85.0)
        evidence = tuple(f"{_KIND_LABEL[t.kind]}『{t.text}』" for t in toks if t.kind != "none")
        if not candidates:
            score = 0.0
            questions.append(
                Question(
                    code=Ask.PRODUCT_UNKNOWN,
                    field="product",
                    text=f"『{wording}』在产品目录中找不到，请与客户确认产品型号",
                )
            )
        elif product is None:
            listed = "、".join(f"{ix.products[c].spec or ix.products[c].name}（{c}）" for c in candidates[:6])
            more = f"等{len(candidates)}个" if len(candidates) > 6 else _count_cn(len(candidates))
            questions.append(
                Question(
                    code=Ask.PRODUCT_AMBIGUOUS,
                    field="product",
                    text=f"『{wording}』对应{more}规格：{listed}，请与客户确认要哪一个",
                )
            )
        action: Action = "order" if kind == "order" else "cancel" if kind == "cancel" else "set"
        quantity = unit = price = None
        said = item.qty.text if item.qty is not None else None
        q = item.qty
        if q is not None and q.action is not None and kind == "change":
            action = q.action
        if kind == "cancel" and q is not None and q.value is not None:
            action = "reduce"
        if q is not None and q.approx:
            questions.append(
                Question(
                    code=Ask.QUANTITY_APPROX, field="quantity", text=f"数量『{q.text}』不是确数，请与客户确认准确数量"
                )
            )
        elif q is None or q.value is None:
            if kind == "order":
                questions.append(
                    Question(
                        code=Ask.QUANTITY_MISSING,
                        field="quantity",
                        text=f"『{wording}』未写数量（或数量无法识别），请与客户确认",
                    )
                )
            elif kind == "change":
                questions.append(
                    Question(
                        code=Ask.CHANGE_UNCLEAR,
                        field="change",
                        text=f"『{wording}』未写变更后的数量，请与客户确认要改什么",
                    )
                )
        elif candidates:
            quantity, unit, problem = _convert(q, [ix.products[c] for c in candidates])
            if problem is not None:
                questions.append(problem)
        list_price = product.list_price if product is not None else None
        if item.price is not None and candidates:
            if item.price.kind == "unclear":
                questions.append(
                    Question(
                        code=Ask.PRICE_UNCLEAR,
                        field="price",
                        text=f"『{item.price.text.strip()}』未说明是单价还是总价，请与客户确认",
                    )
                )
            else:
                price, problem = _unit_price(item.price, [ix.products[c] for c in candidates])
                if problem is not None:
                    questions.append(problem)
        if item.amount is not None and q is not None and q.value is not None and item.price is not None:
            said_price = item.price.value
            if said_price is not None and q.value * said_price != item.amount:
                quantity = price = unit = None
                questions.append(
                    Question(
                        code=Ask.AMOUNT_MISMATCH,
                        field="quantity",
                        text=f"数量 {q.value} × 单价 {said_price} = {q.value * said_price}，与金额 {item.amount} 不符"
                        "（可能是传真识别错误），请核对原件后填写数量和单价",
                    )
                )
        price_differs = None
        if price is not None and list_price is not None:
            price_differs = price != list_price
        confidence = score / 100 * (1.0 if quantity is not None or kind != "order" else 0.5)
        return IntakeLine(
            text=text,
            wording=wording,
            product_code=product.code if product else None,
            product_name=product.name if product else None,
            product_spec=product.spec if product else None,
            score=score,
            evidence=evidence,
            candidates=tuple(candidates) if product is None else (),
            quantity=quantity,
            unit=unit,
            said=said,
            price=price,
            list_price=list_price,
            price_differs=price_differs,
            action=action,
            confidence=round(confidence, 2),
            questions=tuple(questions),
        )


_KIND_LABEL = {
    "none": "原文",
    "alias": "客户叫法",
    "code": "产品编号",
    "spec": "规格",
    "part": "规格",
    "name": "名称",
    "attr": "参数",
    "fuzzy": "名称近似",
}


def _family(kind: str) -> str:
    return {"part": "spec", "fuzzy": "name", "alias": "name"}.get(kind, kind)


def _count_cn(n: int) -> str:
    return {2: "两个", 3: "三个", 4: "四个", 5: "五个", 6: "六个"}.get(n, f"{n}个")


def _span(m: re.Match[str]) -> tuple[int, int]:
    """A match's span without the blanks it took at either end."""
    g = m.group()
    return m.start() + len(g) - len(g.lstrip()), m.end() - len(g) + len(g.rstrip())


def _masked(text: str, mask: bytearray) -> str:
    if not any(mask):
        return text
    return "".join(" " if mask[i] and ch != "\n" else ch for i, ch in enumerate(text))


def _non_overlapping(found: list[Tok]) -> list[Tok]:
    """The strongest evidence first (an alias over a code over a spec over a name …), longer before shorter;
    evidence overlapping what is already taken is dropped."""
    found.sort(key=lambda t: (-PRIORITY[t.kind], -(t.end - t.start), t.start))
    size = max((t.end for t in found), default=0)
    covered = bytearray(size)
    taken: list[Tok] = []
    for t in found:
        if not any(covered[t.start : t.end]):
            taken.append(t)
            covered[t.start : t.end] = b"\x01" * (t.end - t.start)
    return taken


def _table_header(body: str) -> tuple[int, list[str]] | None:
    """The first line naming at least three columns (序号 品名 规格 数量 单位 单价 金额): its number, and
    the numeric columns after 数量 in order (单价, 金额)."""
    for n, line in enumerate(body.split("\n")):
        if sum(word in line for word in _HEADER_WORDS) >= 3 and "数量" in line:
            after = line[line.index("数量") :]
            cols = sorted((after.index(w), w) for w in ("单价", "金额") if w in after)
            return n, [w for _, w in cols]
    return None


def _inherit_names(items: list[Item], seps: _Seps, ix: ProductIndex) -> None:
    """An item that is only an attribute (1kW的一套) takes the product name of its neighbour, or failing
    that the category of the products its neighbour names (小电机10台，2.2kW的5台 → 电机)."""
    for i, item in enumerate(items):
        if not all(t.kind == "attr" for t in item.toks):
            continue
        own = item.codes or frozenset()
        donors = []
        if i + 1 < len(items):
            between = seps.between(item.toks[-1].end, items[i + 1].toks[0].start)
            if between and all(s in _COORD for s in between) and (item.qty is None or item.qty is items[i + 1].qty):
                donors.append(items[i + 1])
        if i > 0:
            donors.append(items[i - 1])
        for donor in donors:
            names = [t for t in donor.toks if _family(t.kind) == "name"]
            if not names:
                continue
            pool = frozenset.intersection(*(t.codes for t in names))
            categories = {ix.products[c].category for c in pool if ix.products[c].category}
            by_category = frozenset(c for c, p in ix.products.items() if p.category in categories)
            if own & pool:
                item.add(Tok(names[0].start, names[0].start, "name", pool, names[0].score, ""))
                break
            if own & by_category:
                item.add(Tok(names[0].start, names[0].start, "name", by_category, names[0].score, ""))
                break


def _convert(q: Qty, products: list[Product]) -> tuple[Decimal | None, str | None, Question | None]:
    """The quantity in the catalogue unit, if every candidate product gives the same; else a question."""
    results = {_convert_one(q, p) for p in products}
    if len(results) == 1:
        value, unit, problem = next(iter(results))
        if problem is None:
            return value, unit, None
        return None, None, _unit_question(problem, q, products[0])
    return None, None, None  # the products differ: the PRODUCT_AMBIGUOUS question covers it


def _convert_one(q: Qty, p: Product) -> tuple[Decimal | None, str | None, str | None]:
    value = q.value
    assert value is not None
    unit = unit_word(p.unit)
    said = q.unit
    if value <= 0:
        return None, None, "zero"
    if said is None:
        if q.marker == "bare" and p.packs:
            return None, None, "bare"
        return value, unit, None
    if said == unit:
        result = value
    elif said in p.packs:
        result = value * p.packs[said]
    elif is_piece(said) and is_piece(unit):
        result = value
    else:
        return None, None, "unit"
    if unit not in DIVISIBLE and result != result.to_integral_value():
        return None, None, "whole"
    result = result.quantize(Decimal(1)) if result == result.to_integral_value() else result.normalize()
    return result, unit, None


def _unit_question(problem: str, q: Qty, p: Product) -> Question:
    unit = p.unit
    if problem == "bare":
        packs = "、".join(f"1{u}={_fmt(n)}{unit}" for u, n in p.packs.items())
        return Question(
            code=Ask.UNIT_UNKNOWN,
            field="quantity",
            text=f"数量『{q.text}』未写单位，而{p.name}有包装（{packs}），请与客户确认是{q.value}{unit}还是按包装计",
        )
    if problem == "whole":
        converted = _fmt((q.value or 0) * p.packs.get(q.unit or "", Decimal(1)))
        return Question(
            code=Ask.UNIT_NOT_WHOLE,
            field="quantity",
            text=f"『{q.text}』折合{converted}{unit}，不是整{unit}，请与客户确认数量",
        )
    if problem == "zero":
        return Question(code=Ask.QUANTITY_MISSING, field="quantity", text=f"数量『{q.text}』不大于 0，请与客户确认")
    return Question(
        code=Ask.UNIT_UNKNOWN,
        field="quantity",
        text=f"『{q.text}』：产品目录没有『{q.unit}』与『{unit}』的换算，请与客户确认每{q.unit}多少{unit}",
    )


def _unit_price(price: Price, products: list[Product]) -> tuple[Decimal | None, Question | None]:
    results = set()
    for p in products:
        unit = unit_word(p.unit)
        per = price.per
        if per is None or per == unit or (is_piece(per) and is_piece(unit)):
            results.add(price.value)
        elif per in p.packs and price.value is not None:
            results.add((price.value / p.packs[per]).quantize(Decimal("0.0001")).normalize())
        else:
            return None, Question(
                code=Ask.PRICE_UNCLEAR,
                field="price",
                text=f"单价『{price.text.strip()}』按『{per}』计，产品目录没有『{per}』与『{unit}』的换算，请与客户确认",
            )
    if len(results) == 1:
        value = next(iter(results))
        if value is not None and value == value.to_integral_value():
            value = value.quantize(Decimal(1))
        return value, None
    return None, None


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _dates(
    lines: list[IntakeLine], items: list[Item], hits: list[DateHit], kind: Kind, day: dt.date
) -> tuple[list[IntakeLine], list[Question], dt.date | None]:
    """Delivery date of each line and of the message, and the questions about dates."""
    ok = [h for h in hits if h.status == "ok"]
    values = list(dict.fromkeys(h.value for h in ok))
    delivery = values[0] if len(values) == 1 else None
    questions: list[Question] = []
    past = [h for h in hits if h.status == "past"]
    unclear = [h for h in hits if h.status == "unclear"]
    asap = [h for h in hits if h.status == "asap"]

    def why(where: str = "") -> Question:
        if past:
            h = past[0]
            return Question(
                code=Ask.DATE_PAST,
                field="delivery",
                text=f"{where}交货日期『{h.text}』（{h.value}）早于来信日期 {day}，请与客户确认",
            )
        if unclear:
            return Question(
                code=Ask.DATE_UNCLEAR,
                field="delivery",
                text=f"{where}交货时间『{unclear[0].text}』无法确定具体日期，请与客户确认",
            )
        if asap:
            return Question(
                code=Ask.DATE_ASAP,
                field="delivery",
                text=f"{where}客户要求『{asap[0].text}』交货，未写日期：请与客户确认最晚交货日期",
            )
        return Question(code=Ask.DATE_MISSING, field="delivery", text=f"{where}未写交货日期，请与客户确认交货日期")

    if kind != "order":
        if delivery is None and past and not ok:
            questions.append(why())
        return lines, questions, delivery
    per_line: list[dt.date | None] = []
    attached = {id(h) for item in items for h in item.dates}
    loose = [h.value for h in ok if id(h) not in attached]
    loose_values = list(dict.fromkeys(loose))
    for item in items:
        if len(values) == 1:
            per_line.append(values[0])
            continue
        own = [h.value for h in item.dates if h.status == "ok"]
        per_line.append(own[0] if own else loose_values[0] if len(loose_values) == 1 else None)
    if lines and all(v is None for v in per_line):
        questions.append(why())
        return lines, questions, delivery
    out = []
    for line, value in zip(lines, per_line, strict=True):
        if value is None:
            line = line.model_copy(update={"questions": (*line.questions, why())})
        else:
            line = line.model_copy(update={"delivery": value})
        out.append(line)
    if not lines and not values and kind == "order":
        questions.append(why())
    return out, questions, delivery
