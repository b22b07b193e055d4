"""Meetings as the rules and planners use them: times parsed, intervals, names split, due dates read.

A clerk types 开始 as a time cell, 09:30, 9点半 or 下午2点; a decision's 期限 as a date cell,
2026年3月26日 or 「待商定」. Everything here is pure: from a ledger's cells to values.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from neiqin.base.text import fold, nfkc
from neiqin.core.ledger import CellProblem, Ledger, parse_date

_CLOCK = re.compile(
    r"^(上午|早上|早晨|中午|下午|晚上|傍晚)?\s*(\d{1,2})\s*(?:[:：.]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?|"
    r"[点时]\s*(?:(半)|(\d{1,2})\s*分?)?)$"
)
_AFTERNOON = {"下午", "晚上", "傍晚"}
_NAME_SEPARATORS = re.compile(r"[、,，;；/\n\r\t]+|\s{1,}")


def parse_clock(value: Any) -> dt.time | None:
    """A cell as a time of day; None when empty; ValueError when it is not a time."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.time().replace(microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):  # an Excel time: a fraction of a day
        if math.isnan(value) or not 0 <= value < 1:
            raise ValueError(value)
        seconds = round(value * 86400)
        if seconds >= 86400:
            raise ValueError(value)
        return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    m = _CLOCK.match(nfkc(value).strip())
    if not m:
        raise ValueError(value)
    part, hour = m[1], int(m[2])
    minute = 30 if m[5] else int(m[3] or m[6] or 0)
    second = int(m[4] or 0)
    if (part in _AFTERNOON and hour < 12) or (part == "中午" and hour < 3):
        hour += 12
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(value)
    return dt.time(hour, minute, second)


def clock_text(value: dt.time) -> str:
    return value.strftime("%H:%M")


def split_names(value: Any) -> list[str]:
    """Names in one cell (张三、李四，王五 / 张三 李四), each once, in order."""
    if value is None:
        return []
    seen: dict[str, None] = {}
    for name in _NAME_SEPARATORS.split(str(value)):  # as written: names are compared with 人员 as written
        name = name.strip()
        if name and name not in seen:
            seen[name] = None
    return list(seen)


@dataclass(frozen=True)
class Due:
    """A decision's 期限 as typed: a date, 「待商定」, nothing, or text that is neither."""

    date: dt.date | None = None
    pending: str | None = None  # the words when not yet agreed (待商定)
    bad: bool = False  # neither a date nor pending words

    @property
    def empty(self) -> bool:
        return self.date is None and self.pending is None and not self.bad


def parse_due(value: Any, pending_words: Sequence[str]) -> Due:
    """A 期限/截止时间 cell: a date (cell, 2026-03-26, 2026年3月26日), pending words, or bad text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Due()
    if isinstance(value, str):
        key = fold(value)
        if any(fold(w) and fold(w) in key for w in pending_words):
            return Due(pending=value.strip())
    try:
        found = parse_date(value)
    except CellProblem:
        return Due(bad=True)
    return Due(date=found.date()) if found is not None else Due()


@dataclass(frozen=True)
class Meeting:
    """One line of 会议安排 with its interval (None when a time is missing or wrong)."""

    pos: int  # position in the ledger
    row: int  # Excel row
    meeting_id: str
    topic: str
    day: dt.date | None  # 日期
    start: dt.datetime | None
    end: dt.datetime | None
    room: str | None
    chair: str | None
    attendees: tuple[str, ...]  # the chair first when the chair is not listed, then 参会人员
    agenda: str | None
    equipment: str | None
    materials: str | None
    notified_at: dt.datetime | None

    listed: tuple[str, ...] = ()  # the names of 参会人员 as written (without the chair added)
    when: str = ""  # 2026-11-30 09:00–10:00 (for messages)

    @property
    def people(self) -> tuple[str, ...]:
        """Everyone who has to be there: the chair and the attendees."""
        return self.attendees


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _stamp(value: Any) -> dt.datetime | None:
    """A date cell of the frame (a pandas time stamp, NaT when empty) as a datetime."""
    if value is None or pd.isna(value):
        return None
    return value.to_pydatetime() if hasattr(value, "to_pydatetime") else value


def _when(start: dt.datetime | None, end: dt.datetime | None) -> str:
    if start is None or end is None:
        return ""
    day = f"{start.year}-{start.month:02d}-{start.day:02d}"
    return f"{day} {start.hour:02d}:{start.minute:02d}–{end.hour:02d}:{end.minute:02d}"


def meetings_of(ledger: Ledger) -> list[Meeting]:
    """Every line of 会议安排 as a :class:`Meeting` (cached on the ledger: each rule asks)."""
    cached = ledger.__dict__.get("_meetings")
    if cached is not None and cached[0] is ledger.frame.index:
        return cached[1]

    def column(name: str) -> Sequence[Any]:
        return ledger.frame[name].tolist() if ledger.has(name) else [None] * len(ledger)

    def raw(name: str) -> Sequence[Any]:
        return ledger.raw[name] if ledger.has(name) else [None] * len(ledger)

    found = []
    values = zip(
        ledger.rows,
        column("meeting_id"),
        column("topic"),
        column("date"),
        raw("start"),
        raw("end"),
        column("room"),
        column("chair"),
        column("attendees"),
        column("agenda"),
        column("equipment"),
        column("materials"),
        column("notified_at"),
        strict=True,
    )
    for pos, (row, mid, topic, day, start, end, room, chair, attendees, agenda, equip, mats, notified) in enumerate(
        values
    ):
        begin = finish = None
        date = _stamp(day)
        try:
            t0, t1 = parse_clock(start), parse_clock(end)
        except ValueError:
            t0 = t1 = None
        if date is not None and t0 is not None and t1 is not None:
            begin = dt.datetime.combine(date.date(), t0)
            finish = dt.datetime.combine(date.date(), t1)
        chair_name = _text(chair)
        listed = split_names(attendees)
        names = list(listed)
        if chair_name and chair_name not in names:
            names.insert(0, chair_name)
        found.append(
            Meeting(
                pos,
                row,
                _text(mid) or "",
                _text(topic) or "",
                date.date() if date is not None else None,
                begin,
                finish,
                _text(room),
                chair_name,
                tuple(names),
                _text(agenda),
                _text(equip),
                _text(mats),
                _stamp(notified),
                tuple(listed),
                _when(begin, finish),
            )
        )
    ledger.__dict__["_meetings"] = (ledger.frame.index, found)
    return found


@dataclass(frozen=True)
class Clash:
    """Two lines whose intervals on one resource (a room, a person) overlap."""

    first: int  # the earlier-starting line (its index in the list given)
    second: int  # the later one, reported


def overlaps(intervals: Iterable[tuple[dt.datetime, dt.datetime, int]]) -> list[Clash]:
    """Lines whose [start, end) overlap an earlier one on the same resource — sort and sweep, O(n log n).

    Each line that starts before the latest end seen so far clashes with the line holding that end;
    touching intervals (one ends at 10:00, the next starts at 10:00) do not clash.
    """
    clashes: list[Clash] = []
    latest_end: dt.datetime | None = None
    holder = -1
    for start, end, index in sorted(intervals):
        if latest_end is not None and start < latest_end:
            clashes.append(Clash(holder, index))
        if latest_end is None or end > latest_end:
            latest_end, holder = end, index
    return clashes


def staff_names(staff: Ledger | None) -> set[str] | None:
    """The names in 人员 (None when the workbook has no 人员 sheet: names are then not checked)."""
    if staff is None or not staff.has("name"):
        return None
    return {str(v).strip() for v in staff.frame["name"] if v is not None and v == v}


def staff_rows(staff: Ledger | None) -> list[dict[str, Any]]:
    """人员 as rows by field name (what :func:`validators.staff.people` takes)."""
    if staff is None:
        return []
    fields = [f for f in ("name", "department", "title", "is_head", "mobile", "email") if staff.has(f)]
    columns = [staff.frame[f].tolist() for f in fields]
    return [
        {f: (None if v is None or v != v else v) for f, v in zip(fields, line, strict=True)}
        for line in zip(*columns, strict=True)
    ]
