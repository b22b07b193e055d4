"""Which customer a message comes from: names, short names, contacts, phones and e-mail in the text.

Evidence and its score (0–100): e-mail address or phone number of the archive 100, full name 100,
a near match of the full name (an OCR slip: 机槭 for 机械) its rapidfuzz score ≥ 88, e-mail domain 90,
short name 90, contact 85. A shorter name inside a longer one that matched counts once (宏达 inside
宏达电气). The customer is decided only when exactly one customer has evidence that points to no
other customer, or when only one customer has any evidence; otherwise the message names several
(CUSTOMER_AMBIGUOUS) or none (CUSTOMER_UNKNOWN) and the field stays empty.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import phonenumbers
from rapidfuzz import fuzz

from neiqin.base.text import fold
from neiqin.core.china.contact import phone_key  # one meaning of "the same phone" with the archive checks
from neiqin.core.intake.models import Customer, CustomerMatch

# mailboxes anyone can open: their domain says nothing about the company
PUBLIC_MAIL = frozenset(
    [
        "qq.com",
        "foxmail.com",
        "163.com",
        "126.com",
        "yeah.net",
        "sina.com",
        "sina.cn",
        "sohu.com",
        "139.com",
        "aliyun.com",
        "189.cn",
        "gmail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "msn.com",
    ]
)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_FUZZY_CUTOFF = 88.0


@dataclass(slots=True)
class Evidence:
    """What points to one customer."""

    score: float
    text: str  # Chinese, for the clerk: 简称『恒通』
    key: str  # the matched value: evidence another customer shares is not unique


@dataclass(slots=True)
class Found:
    """The customer evidence of a message, and where in the text names were found (masked for products)."""

    by_customer: dict[int, list[Evidence]] = field(default_factory=lambda: defaultdict(list))
    spans: list[tuple[int, int]] = field(default_factory=list)


class CustomerIndex:
    """The customer archive, indexed once for many messages."""

    def __init__(self, customers: Sequence[Customer]) -> None:
        self.customers = list(customers)
        words: dict[str, list[tuple[int, float, str]]] = defaultdict(list)
        self.phones: dict[str, set[int]] = defaultdict(set)
        self.emails: dict[str, set[int]] = defaultdict(set)
        self.domains: dict[str, set[int]] = defaultdict(set)
        self.full_names: list[tuple[int, str]] = []
        for i, c in enumerate(self.customers):
            words[fold(c.name)].append((i, 100.0, "名称"))
            self.full_names.append((i, fold(c.name)))
            for short in c.short_names:
                words[fold(short)].append((i, 90.0, "简称"))
            for person in c.contacts:
                words[fold(person)].append((i, 85.0, "联系人"))
            for phone in c.phones:
                key = phone_key(phone)
                if key:
                    self.phones[key].add(i)
            for email in c.emails:
                email = email.strip().casefold()
                self.emails[email].add(i)
                domain = email.rpartition("@")[2]
                if domain and domain not in PUBLIC_MAIL:
                    self.domains[domain].add(i)
        self.words = {w: v for w, v in words.items() if len(w) >= 2}
        alternation = "|".join(re.escape(w) for w in sorted(self.words, key=len, reverse=True))
        self._words_re = re.compile(alternation) if alternation else None

    def find(self, text: str, *, source: str = "") -> Found:
        """Every piece of customer evidence in ``text`` (NFKC-folded); ``source`` prefixes the evidence."""
        found = Found()
        low = lower(text)
        named: set[int] = set()
        if self._words_re is not None:
            for m in self._words_re.finditer(low):
                found.spans.append(m.span())
                for i, score, what in self.words[m.group()]:
                    found.by_customer[i].append(
                        Evidence(score, f"{source}{what}『{text[m.start() : m.end()]}』", m.group())
                    )
                    named.add(i)
        for i, name in self.full_names:
            if i in named or len(name) < 6:
                continue
            hit = fuzz.partial_ratio_alignment(name, low, score_cutoff=_FUZZY_CUTOFF)
            if hit is not None and not _inside(found.spans, hit.dest_start, hit.dest_end):
                found.spans.append((hit.dest_start, hit.dest_end))
                part = text[hit.dest_start : hit.dest_end]
                found.by_customer[i].append(
                    Evidence(hit.score, f"{source}名称近似『{part}』（{hit.score:.0f}分）", name)
                )
        for m in phonenumbers.PhoneNumberMatcher(text, "CN"):
            key = phone_key(m.raw_string)
            found.spans.append((m.start, m.end))
            if key is None:
                continue
            for i in self.phones.get(key, ()):
                found.by_customer[i].append(Evidence(100.0, f"{source}电话 {m.raw_string}", key))
        for m in _EMAIL.finditer(text):
            email = m.group().casefold()
            found.spans.append(m.span())
            for i in self.emails.get(email, ()):
                found.by_customer[i].append(Evidence(100.0, f"{source}邮箱 {m.group()}", email))
            domain = email.rpartition("@")[2]
            for i in self.domains.get(domain, ()):
                if i not in self.emails.get(email, ()):
                    found.by_customer[i].append(Evidence(90.0, f"{source}邮箱域名 {domain}", domain))
        return found

    def decide(self, *founds: Found) -> tuple[CustomerMatch | None, list[CustomerMatch]]:
        """The customer of a message, or None and the candidates (several, or none) to ask about."""
        evidence: dict[int, list[Evidence]] = defaultdict(list)
        for f in founds:
            for i, items in f.by_customer.items():
                evidence[i] += items
        if not evidence:
            return None, []
        owners: dict[str, set[int]] = defaultdict(set)
        for i, items in evidence.items():
            for e in items:
                owners[e.key].add(i)
        matches = {i: self._match(i, items) for i, items in evidence.items()}
        unique = [i for i, items in evidence.items() if any(len(owners[e.key]) == 1 for e in items)]
        if len(unique) == 1:
            return matches[unique[0]], []
        if len(evidence) == 1:
            return next(iter(matches.values())), []
        pool = unique or list(evidence)
        return None, sorted((matches[i] for i in pool), key=lambda m: -m.score)

    def _match(self, i: int, items: list[Evidence]) -> CustomerMatch:
        scores = sorted({e.key: e.score for e in items}.values(), reverse=True)
        combined = scores[0]
        for s in scores[1:]:  # more independent evidence, more certainty, never above 100
            combined += (100 - combined) * 0.5 * s / 100
        c = self.customers[i]
        texts = tuple(dict.fromkeys(e.text for e in items))
        return CustomerMatch(name=c.name, code=c.code, score=round(combined, 1), evidence=texts)


def lower(text: str) -> str:
    """``text`` lower-cased character by character, so offsets stay those of ``text``."""
    out = text.lower()
    if len(out) == len(text):
        return out
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)  # pragma: no cover - İ and kin


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)
