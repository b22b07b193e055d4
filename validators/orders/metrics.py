"""Order measures with one definition each, used by every caller (订单看板, NQ_ONTIME, reports)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class OnTime:
    """按时交付率 of some lines: how many were due, how many of those shipped on time."""

    due: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


def on_time_lines(
    delivery: pd.Series,
    ship: pd.Series,
    cancelled: pd.Series,
    today: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Which lines are *due* and which of those were *on time* (boolean series): the definition of
    :func:`on_time`, line by line, for callers that list the lines behind the rate (考核指标).
    """
    promised = pd.to_datetime(delivery).dt.normalize()
    shipped = pd.to_datetime(ship).dt.normalize()
    due = promised.notna() & (promised <= pd.Timestamp(today)) & ~cancelled.fillna(False).astype(bool)
    if start is not None:
        due &= promised >= pd.Timestamp(start)
    if end is not None:
        due &= promised <= pd.Timestamp(end)
    kept = due & shipped.notna() & (shipped <= promised)
    return due, kept


def on_time(
    delivery: pd.Series,
    ship: pd.Series,
    cancelled: pd.Series,
    today: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> OnTime:
    """按时交付率 (regulation 四.1): a line is *due* when its 交货日期 is on or before today (and,
    when given, within [start, end]) and it is not cancelled; it is *on time* when its 发货日期 is
    on or before its 交货日期 — days compared, times of day ignored.
    """
    due, kept = on_time_lines(delivery, ship, cancelled, today, start, end)
    return OnTime(int(due.sum()), int(kept.sum()))
