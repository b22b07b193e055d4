"""Delivery dates as customers write them, resolved against the time the message was sent.

A small rule set (documented with examples in docs/intake.md; every rule has a row in
tests/test_intake_dates.py). Weeks start on Monday. A range gives its last acceptable day, since the
ledger's 交货日期 is the latest date that still satisfies the customer:

===============================  ===========================================================
12月5日, 12月5号前, 12/5前        that day; without a year the next such day — a day up to 180 days
                                  back is taken as a slip and asked about (DATE_PAST), not moved a year
2026-12-05, 2026年12月5日         that day (DATE_PAST when before the message)
5号前, 20日                       that day of this month, or of next month when it has passed
下月10号, 本月20日               that day of that month
月初 / 上旬 / 月中 / 中旬 /        the 5th / 10th / 15th / 20th / last day (月初, 月中 roll to next
下旬 / 月底 / 月末                month once passed); 12月底, 下月初, 本月底前 likewise
今天 明天 后天 大后天            +0 … +3 days
三天内, 10日内, 2周内, 一个月内   +3 days, +10 days, +14 days, one month later; 5个工作日内 skips Sat/Sun
半个月内                          +15 days
周三 (bare)                       the next Wednesday after the message day
本周三 / 这周三, 下周三, 下下周三  Wednesday of this / next / the week after next (ISO weeks)
本周内, 下周内                    Sunday of that week; 周末前 → Friday of this week
年前 / 春节前 / 过年前            the day before the coming Spring Festival (除夕), from the lunar calendar
年底, 元旦前, 国庆前, 五一前      12-31, 12-31, 09-30, 04-30 (the coming one)
尽快, 越快越好, 急用, ASAP …      no date: DATE_ASAP (only when the message gives no date at all)
节前, 节后, 年后, 交期待定 …      no date: DATE_UNCLEAR
===============================  ===========================================================

A date is not a delivery date when its context says otherwise: 日期：(a fax header), 原定 / 由 / 从
(the old value in a change), 下的单 / 订的 (when the order was placed), 开票 / 付款 / 结算 (invoicing),
昨天, 前天, 上周三.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from lunar_python import Lunar

from neiqin.core.intake.units import parse_number

Status = Literal["ok", "past", "asap", "unclear", "ref"]

_CN = "零〇一二两三四五六七八九十"
MN = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"  # a month
DN = rf"(?:3[01]|[12]\d|0?[1-9]|[{_CN}]{{1,3}})"  # a day
NUM = rf"(?:(?<!\d)\d+|(?<![{_CN}])[{_CN}]+)"  # from the start of a run only (linear on long runs)
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_WEEKDAY.update({str(i + 1): i for i in range(7)})
_PART_DAY = {"初": 5, "上旬": 10, "中": 15, "中旬": 20}  # 下旬, 底, 末: the month's last day
_CLAUSE_END = re.compile(r"[\n。，,；;！!？?]")
_REF_BEFORE = re.compile(
    r"(?:(?<!交货)(?<!到货)(?<!交)(?<!货)日期|发送时间|(?<!货)时间|date|下单|订货日期|原定|原来|原|从|由|上次)"
    r"\s*[:：]?\s*$",
    re.I,
)
_REF_AFTER = re.compile(
    r"^\s*(?:(?:前|之前|以前)\s*)?(?:下的单|订的|订了|下单|开票|付款|结账|结算|对账|回款|发票|报价|有效|写道|发的货)"
)


@dataclass(frozen=True, slots=True)
class DateHit:
    """A date expression found in a message: where, what it says, and what it resolves to."""

    start: int
    end: int
    text: str
    value: dt.date | None
    status: Status  # ok, past (before the message), asap, unclear, ref (not a delivery date)


@cache
def spring_festival(year: int) -> dt.date:
    """春节 (正月初一) of a Gregorian year (lunar-python computes it astronomically: cached, ~45 ms a year)."""
    solar = Lunar.fromYmd(year, 1, 1).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def spring_festival_eve(after: dt.date) -> dt.date:
    """除夕 (the day before 春节) of the first Spring Festival after ``after``."""
    for year in (after.year, after.year + 1):
        festival = spring_festival(year)
        if festival > after:
            return festival - dt.timedelta(days=1)
    raise AssertionError("unreachable: a Spring Festival falls in every Gregorian year")  # pragma: no cover


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> tuple[int, int]:
    n = day.year * 12 + day.month - 1 + months
    return n // 12, n % 12 + 1


def _part(year: int, month: int, part: str) -> dt.date:
    if part in _PART_DAY:
        return dt.date(year, month, _PART_DAY[part])
    return _month_end(year, month)


def _n(text: str) -> int:
    value = parse_number(text)
    if value is None or value != value.to_integral_value():
        raise ValueError(text)
    return int(value)


def _year_for(sent: dt.date, month: int, day_of: Callable[[int], dt.date]) -> tuple[dt.date, Status]:
    """A month-day without a year: this year's, or next year's when this year's is long past."""
    this = day_of(sent.year)
    if this >= sent:
        return this, "ok"
    if (sent - this).days > 180:
        return day_of(sent.year + 1), "ok"
    return this, "past"


def _add_workdays(day: dt.date, n: int) -> dt.date:
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


Rule = tuple[re.Pattern[str], Callable[[re.Match[str], dt.date], tuple[dt.date | None, Status]]]


def _ymd(m: re.Match[str], sent: dt.date) -> tuple[dt.date | None, Status]:
    value = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    return value, "past" if value < sent else "ok"


def _md(m: re.Match[str], sent: dt.date) -> tuple[dt.date | None, Status]:
    month, day = _n(m["m"]), _n(m["d"])
    return _year_for(sent, month, lambda y: dt.date(y, month, day))


def _md_part(m: re.Match[str], sent: dt.date) -> tuple[dt.date | None, Status]:
    month, part = _n(m["m"]), m["part"]
    return _year_for(sent, month, lambda y: _part(y, month, part))


def _rel_month(m: re.Match[str]) -> int:
    rel = m["rel"]
    return 2 if rel.startswith("下下") else 1 if rel.startswith(("下", "次")) else 0


def _rel_month_day(m: re.Match[str], sent: dt.date) -> tuple[dt.date | None, Status]:
    y, mo = _add_months(sent, _rel_month(m))
    value = dt.date(y, mo, _n(m["d"]))
    return value, "past" if value < sent else "ok"


def _rel_month_part(m: re.Match[str], sent: dt.date) -> tuple[dt.date | None, Status]:
    y, mo = _add_months(sent, _rel_month(m))
    value = _part(y, mo, m["part"])
    return value, "past" if value < sent else "ok"


def _month_part(m: re.Match[str], sent: dt.date) -> tuple[dt.date | None, Status]:
    value = _part(sent.year, sent.month, m["part"])
    if value < sent:  # 月初 / 月中 said after the day: next month's
        y, mo = _add_months(sent, 1)
        value = _part(y, mo, m["part"])
    return value, "ok"


def _day_only(m: re.Match[str], sent: dt.date) -> tuple[dt.date | None, Status]:
    day = _n(m["d"])
    for months in (0, 1, 2):  # 31号 said in November: December's
        y, mo = _add_months(sent, months)
        if day <= calendar.monthrange(y, mo)[1] and dt.date(y, mo, day) >= sent:
            return dt.date(y, mo, day), "ok"
    return None, "unclear"


def _relative_day(m: re.Match[str], sent: dt.date) -> tuple[dt.date | None, Status]:
    word = m.group()
    if word in ("昨天", "前天", "昨日"):
        return None, "ref"
    offset = {"今天": 0, "今日": 0, "当天": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}[word]
    return sent + dt.timedelta(days=offset), "ok"


def _within(m: re.Match[str], sent: dt.date) -> tuple[dt.date | None, Status]:
    n, unit = _n(m["n"]), m["unit"]
    if unit == "工作日":
        return _add_workdays(sent, n), "ok"
    if unit in ("天", "日"):
        return sent + dt.timedelta(days=n), "ok"
    if unit in ("周", "星期", "礼拜"):
        return sent + dt.timedelta(weeks=n), "ok"
    y, mo = _add_months(sent, n)
    return dt.date(y, mo, min(sent.day, calendar.monthrange(y, mo)[1])), "ok"


def _half_month(m: re.Match[str], sent: dt.date) -> tuple[dt.date | None, Status]:
    return sent + dt.timedelta(days=15), "ok"


def _days_after(m: re.Match[str], sent: dt.date) -> tuple[dt.date | None, Status]:
    return sent + dt.timedelta(days=_n(m["n"])), "ok"


def _weekday(m: re.Match[str], sent: dt.date) -> tuple[dt.date | None, Status]:
    rel, wd = (m["rel"] or "").replace("个", ""), _WEEKDAY[m["wd"]]
    if rel.startswith("上"):
        return None, "ref"
    if not rel:
        ahead = (wd - sent.weekday()) % 7 or 7
        return sent + dt.timedelta(days=ahead), "ok"
    monday = sent - dt.timedelta(days=sent.weekday())
    weeks = 2 if rel == "下下" else 1 if rel == "下" else 0
    value = monday + dt.timedelta(weeks=weeks, days=wd)
    return value, "past" if value < sent else "ok"


def _week_within(m: re.Match[str], sent: dt.date) -> tuple[dt.date | None, Status]:
    monday = sent - dt.timedelta(days=sent.weekday())
    return monday + dt.timedelta(weeks=1 if m["rel"] == "下" else 0, days=6), "ok"


def _before_weekend(m: re.Match[str], sent: dt.date) -> tuple[dt.date | None, Status]:
    friday = sent - dt.timedelta(days=sent.weekday()) + dt.timedelta(days=4)
    return (friday if friday >= sent else friday + dt.timedelta(weeks=1)), "ok"


def _festival(m: re.Match[str], sent: dt.date) -> tuple[dt.date | None, Status]:
    return spring_festival_eve(sent), "ok"


def _fixed(month: int, day: int) -> Callable[[re.Match[str], dt.date], tuple[dt.date | None, Status]]:
    def resolve(m: re.Match[str], sent: dt.date) -> tuple[dt.date | None, Status]:
        value = dt.date(sent.year, month, day)
        return (value if value >= sent else dt.date(sent.year + 1, month, day)), "ok"

    return resolve


def _status(status: Status) -> Callable[[re.Match[str], dt.date], tuple[dt.date | None, Status]]:
    return lambda m, sent: (None, status)


_RULES: list[Rule] = [
    (re.compile(r"(?<!\d)(?P<y>20\d\d)\s*[年\-/.]\s*(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})(?:\s*[日号])?"), _ymd),
    (re.compile(rf"(?<![\d{_CN}])(?P<m>{MN})\s*月(?:份\s*)?(?P<part>初|上旬|中旬|下旬|底|末|中(?!\d))"), _md_part),
    (re.compile(rf"(?<![\d{_CN}])(?P<m>{MN})\s*月\s*(?P<d>{DN})(?:\s*[日号])?"), _md),
    (
        re.compile(
            r"(?:(?<=交期)|(?<=交货)|(?<=到货)|(?<=货期)|(?<=日期)|(?<=[:：\s]))?"
            r"(?<![\d./:\-])(?P<m>1[0-2]|0?[1-9])\s*[/.]\s*(?P<d>3[01]|[12]\d|0?[1-9])(?![\d./:])"
            r"(?=[ \t]*(?:前|之前|以前|到|交|送|发|号|日))"
        ),
        _md,
    ),
    (re.compile(rf"(?P<rel>下下个?月|下个?月|本月|这个?月|当月|次月)\s*(?P<d>{DN})\s*[日号]"), _rel_month_day),
    (
        re.compile(r"(?P<rel>下下个?月|下个?月|本月|这个?月|当月|次月)\s*(?P<part>初|上旬|中旬|下旬|底|末|中)"),
        _rel_month_part,
    ),
    (re.compile(r"(?<![下本这当次个年])月(?P<part>初|中旬|底|末|中)"), _month_part),
    (re.compile(rf"(?P<n>{NUM})\s*(?:个\s*)?(?P<unit>工作日|天|日|周|星期|礼拜|月)\s*(?:内|之内|以内)"), _within),
    (re.compile(r"半个?月\s*(?:内|之内|以内)"), _half_month),
    (re.compile(rf"(?P<n>{NUM})\s*(?:天|日)\s*(?:后|以后|之后)"), _days_after),
    (re.compile(r"大后天|后天|明天|明日|今天|今日|当天|昨天|昨日|前天"), _relative_day),
    (re.compile(r"(?P<rel>本|这|下)个?(?:周|星期|礼拜)\s*(?:内|之内)"), _week_within),
    (re.compile(r"(?:本|这个?)?周末\s*(?:前|之前|以前)"), _before_weekend),
    (
        re.compile(r"(?:(?P<rel>下下个?|下个?|本|这个?|上个?)\s*)?(?:周|星期|礼拜)\s*(?P<wd>[一二三四五六日天1-7])"),
        _weekday,
    ),
    (
        re.compile(rf"(?<![\d{_CN}去今明往前])(?:春节|过年|年)\s*(?:前|之前|以前)|(?:春节|过年)\s*(?:放假\s*)?前"),
        _festival,
    ),
    (re.compile(r"年底|年末"), _fixed(12, 31)),
    (re.compile(r"元旦\s*(?:前|之前|以前)"), _fixed(12, 31)),
    (re.compile(r"国庆节?\s*(?:前|之前|以前)"), _fixed(9, 30)),
    (re.compile(r"五一\s*(?:前|之前|以前)"), _fixed(4, 30)),
    (
        re.compile(
            rf"(?<![\d月{_CN}第])(?P<d>{DN})\s*[号日]"
            r"(?=[ \t]*(?:前|之前|以前|到|交|送|发|要|左右|$|[，,。；;!！?？\s]))"
        ),
        _day_only,
    ),
    (re.compile(r"节前|节后|年后|过完年|春节后|元旦后|过节后|周末(?!前)"), _status("unclear")),
    (
        re.compile(
            r"(?:交期|交货期|货期|交货时间|到货时间|交货日期)\s*(?:[:：]\s*)?(?:待定|另行通知|另定|再定|再议|未定|另议)"
        ),
        _status("unclear"),
    ),
    (
        re.compile(
            r"尽快|尽早|越快越好|越早越好|马上|立即|立刻|急用|急需|加急|十万火急|asap|现货|(?:^|(?<=[\s，,。！!]))急(?=[!！])",
            re.I,
        ),
        _status("asap"),
    ),
]


def find_dates(text: str, sent: dt.date) -> list[DateHit]:
    """Every date expression in ``text`` (NFKC-folded), in text order, resolved against ``sent``."""
    hits: list[DateHit] = []
    taken = bytearray(len(text))
    for pattern, resolve in _RULES:
        for m in pattern.finditer(text):
            start, end = m.span()
            if start == end or any(taken[start:end]):
                continue
            try:
                value, status = resolve(m, sent)
            except ValueError:  # 2月30日, 13月 …
                value, status = None, "unclear"
            if status in ("ok", "past") and _is_reference(text, start, end):
                status = "ref"
            hits.append(DateHit(start, end, m.group(), value, status))
            taken[start:end] = b"\x01" * (end - start)
    hits.sort(key=lambda h: h.start)
    return hits


def _is_reference(text: str, start: int, end: int) -> bool:
    """Whether the date around [start, end) is when something else happened (order placed, invoice …)."""
    before = text[max(0, start - 10) : start]
    cut = [m.end() for m in _CLAUSE_END.finditer(before)]
    before = before[cut[-1] :] if cut else before
    return bool(_REF_BEFORE.search(before) or _REF_AFTER.match(text[end : end + 8]))
