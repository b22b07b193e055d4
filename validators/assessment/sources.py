"""What the KPIs are computed from, built (purely) from ledgers, their issues and the store's records.

Who did what: an order line's 录入时间 is written by 『确认订单』, and the action log records who
ran that action when (the clerk is the 内勤姓名 setting), so a line belongs to the clerk whose
『确认订单』 run has the line's 录入时间. A line whose 录入时间 matches no run (typed by hand, or
confirmed before the log existed) belongs to nobody and is reported, never guessed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from neiqin.base.text import fold
from neiqin.core.issues import Issue
from neiqin.core.ledger import Ledger
from validators.orders.states import MACHINE, S

CONFIRM_ACTION = "confirm_orders"
REPORT_ACTIONS = {"report_day": "day", "report_week": "week", "report_month": "month"}
REPORT_NAMES = {"day": "日报", "week": "周报", "month": "月报"}
DONE = ("ok", "issues")  # outcomes of a run that did its work (failed / error did not)
# the action log writes the run's time; older logs wrote the end of the run: a few minutes' grace
ATTRIBUTION_WINDOW = dt.timedelta(minutes=10)


def _missing(value: Any) -> bool:
    """None, NaN or NaT (NaT is a datetime instance: test it before any isinstance)."""
    return value is None or value is pd.NaT or (isinstance(value, float) and value != value)


def _date(value: Any) -> dt.date | None:
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _datetime(value: Any) -> dt.datetime | None:
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return None


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()


@dataclass(frozen=True)
class OrderLine:
    """One line of 订单台账 as the KPIs see it."""

    row: int  # Excel row
    order_id: str
    product_code: str
    customer: str
    order_date: dt.date | None
    entered_at: dt.datetime | None
    delivery_date: dt.date | None
    ship_date: dt.date | None
    cancelled: bool
    clerk: str | None  # who confirmed it (None: no 『确认订单』 run has its 录入时间)
    errors: tuple[str, ...] = ()  # error issues on the line now (what the marks show)
    archived_in: str = ""  # the archive sheet, for a line archived out of the ledger

    @property
    def name(self) -> str:
        where = f"『{self.archived_in}』第 {self.row} 行" if self.archived_in else f"第 {self.row} 行"
        return f"订单 {self.order_id} / {self.product_code}（{where}）"


@dataclass(frozen=True)
class OrdersSource:
    sheet: str
    lines: tuple[OrderLine, ...]

    def of(self, clerk: str) -> list[OrderLine]:
        return list(self._by_clerk.get(clerk, ()))

    def entered(self, clerk: str, start: dt.date, end: dt.date) -> list[OrderLine]:
        """The clerk's lines whose 录入时间 falls in [start, end] (a month)."""
        months = {(start.year, start.month), (end.year, end.month)}
        found = [x for m in sorted(months) for x in self._by_month.get((clerk, *m), ())]
        return [x for x in found if x.entered_at is not None and start <= x.entered_at.date() <= end]

    @functools.cached_property
    def _by_month(self) -> dict[tuple[str | None, int, int], list[OrderLine]]:
        found: dict[tuple[str | None, int, int], list[OrderLine]] = {}
        for line in self.lines:
            if line.entered_at is not None:
                found.setdefault((line.clerk, line.entered_at.year, line.entered_at.month), []).append(line)
        return found

    @functools.cached_property
    def _by_clerk(self) -> dict[str | None, list[OrderLine]]:  # every KPI of every month asks: group once
        found: dict[str | None, list[OrderLine]] = {}
        for line in self.lines:
            found.setdefault(line.clerk, []).append(line)
        return found

    @property
    def unattributed(self) -> list[OrderLine]:
        return [line for line in self.lines if line.entered_at is not None and line.clerk is None]


@dataclass(frozen=True)
class Change:
    """An executed change of 订单变更记录."""

    row: int
    change_id: str
    order_id: str
    product_code: str  # '' = every line of the order
    field_name: str
    requested_by: str
    executed_at: dt.datetime | None


@dataclass(frozen=True)
class CustomerRecord:
    row: int
    name: str
    errors: tuple[str, ...]


@dataclass(frozen=True)
class CustomersSource:
    sheet: str
    records: Mapping[str, CustomerRecord]  # fold(name) -> record

    def find(self, name: str) -> CustomerRecord | None:
        return self.records.get(fold(name))


@dataclass(frozen=True)
class ActionRun:
    """One row of the action log."""

    time: dt.datetime
    user: str
    action: str
    outcome: str
    message: str = ""

    @property
    def report(self) -> str | None:
        """day / week / month when this is a report run."""
        return REPORT_ACTIONS.get(self.action)

    def report_start(self) -> dt.date:
        """The first day of the period the report covered (from the tab named in its message, else the run's day)."""
        period = self.report or "day"
        name = REPORT_NAMES[period]
        found = re.search(rf"『{name} (\d{{4}})-(W?)(\d{{2}})(?:-(\d{{2}}))?』", self.message)
        day = self.time.date()
        if found:
            year, week, mid, last = found.groups()
            try:
                if week:
                    return dt.date.fromisocalendar(int(year), int(mid), 1)
                return dt.date(int(year), int(mid), int(last or 1))
            except ValueError:  # not a date (a tab renamed by hand): the run's own period
                pass
        if period == "month":
            return day.replace(day=1)
        if period == "week":
            return day - dt.timedelta(days=day.weekday())
        return day


@dataclass(frozen=True)
class ActionsSource:
    runs: tuple[ActionRun, ...]

    def who_ran(self, action: str, when: dt.datetime | None) -> str | None:
        """The clerk whose run of ``action`` (one that did its work) wrote the time ``when`` into a sheet;
        None when no run has that time (typed by hand, or made before the log existed) — never guessed."""
        if when is None:
            return None
        runs, times = self._done(action)
        at = bisect.bisect_left(times, when - dt.timedelta(seconds=1))  # a cell keeps whole seconds
        if at < len(times) and times[at] - when <= ATTRIBUTION_WINDOW:
            return runs[at].user
        return None

    def _done(self, action: str) -> tuple[list[ActionRun], list[dt.datetime]]:
        cache = self.__dict__.setdefault("_done_cache", {})  # frozen: the cache lives beside the fields
        if action not in cache:
            runs = [r for r in self.runs if r.action == action and r.outcome in DONE]
            cache[action] = (runs, [r.time for r in runs])
        return cache[action]

    def reports_of(self, clerk: str) -> list[ActionRun]:
        return list(self._reports.get(clerk, ()))

    @functools.cached_property
    def _reports(self) -> dict[str, list[ActionRun]]:
        found: dict[str, list[ActionRun]] = {}
        for run in self.runs:
            if run.action in REPORT_ACTIONS and run.outcome in DONE:
                found.setdefault(run.user, []).append(run)
        return found


@dataclass(frozen=True)
class Claim:
    """A 费用报销单 pre-reviewed: its department approval (on the form) and its pre-review (in the store)."""

    claim_id: str
    sheet: str
    approval_date: dt.date | None
    prereviewed_at: dt.datetime | None
    prereviewer: str


@dataclass
class Sources:
    """Every source there is (None: the workbook or store has none: its KPIs say 无数据)."""

    orders: OrdersSource | None = None
    changes: tuple[Change, ...] | None = None
    customers: CustomersSource | None = None
    actions: ActionsSource | None = None
    claims: tuple[Claim, ...] | None = None
    ledgers: dict[str, Any] = field(default_factory=dict)  # other ledgers (contributed KPIs), by name

    def as_dict(self) -> dict[str, Any]:
        found = {
            "orders": self.orders,
            "changes": self.changes,
            "customers": self.customers,
            "actions": self.actions,
            "claims": self.claims,
        }
        return {**self.ledgers, **{k: v for k, v in found.items() if v is not None}}


def action_runs(rows: Iterable[Mapping[str, Any]]) -> ActionsSource:
    """The action log rows (as the store gives them) as runs, oldest first."""
    runs = [
        ActionRun(r["time"], str(r.get("user") or ""), str(r["action"]), str(r["outcome"]), str(r.get("message") or ""))
        for r in rows
        if r.get("time") is not None
    ]
    return ActionsSource(tuple(sorted(runs, key=lambda r: r.time)))


def _errors_by_row(issues: Iterable[Issue], sheet: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for issue in issues:
        if issue.severity == "error" and issue.sheet == sheet and issue.row:
            found.setdefault(issue.row, []).append(
                f"{issue.column}：{issue.message}" if issue.column else issue.message
            )
    return found


def order_lines(
    orders: Ledger, issues: Sequence[Issue], actions: ActionsSource, settings: Any, archive: Ledger | None = None
) -> OrdersSource:
    """订单台账's lines (and 订单归档's: months that are reviewed later), each with the clerk who confirmed it
    and its error issues."""
    lines = _lines(orders, issues, actions, settings)
    if archive is not None:
        lines += _lines(archive, (), actions, settings, archived=True)
    return OrdersSource(orders.sheet, tuple(lines))


def _lines(
    orders: Ledger, issues: Sequence[Issue], actions: ActionsSource, settings: Any, archived: bool = False
) -> list[OrderLine]:
    frame = orders.frame
    errors = _errors_by_row(issues, orders.sheet)

    columns: dict[str, list[Any]] = {}

    def column(name: str) -> list[Any]:  # each column listed once (not once per line)
        if name not in columns:
            columns[name] = frame[name].tolist() if name in frame else [None] * len(frame)
        return columns[name]

    statuses = MACHINE.states_of(column("status"), settings) if "status" in frame else [None] * len(frame)
    lines: list[OrderLine] = []
    for pos, row in enumerate(orders.rows):
        entered = _datetime(column("entered_at")[pos])
        clerk = actions.who_ran(CONFIRM_ACTION, entered)
        lines.append(
            OrderLine(
                row=row,
                order_id=_text(column("order_id")[pos]),
                product_code=_text(column("product_code")[pos]),
                customer=_text(column("customer")[pos]),
                order_date=_date(column("order_date")[pos]),
                entered_at=entered,
                delivery_date=_date(column("delivery_date")[pos]),
                ship_date=_date(column("ship_date")[pos]),
                cancelled=statuses[pos] == S.CANCELLED,
                clerk=clerk,
                errors=tuple(errors.get(row, ())),
                archived_in=orders.sheet if archived else "",
            )
        )
    return lines


def executed_changes(changes: Ledger) -> tuple[Change, ...]:
    """The changes of 订单变更记录 that 『执行变更』 executed (执行结果 starts with 已执行)."""
    frame = changes.frame
    if "result" not in frame:
        return ()
    found = []
    for pos, row in enumerate(changes.rows):
        if not _text(frame["result"].iloc[pos]).startswith("已执行"):
            continue
        found.append(
            Change(
                row=row,
                change_id=_text(frame["change_id"].iloc[pos]) if "change_id" in frame else "",
                order_id=_text(frame["order_id"].iloc[pos]) if "order_id" in frame else "",
                product_code=_text(frame["product_code"].iloc[pos]) if "product_code" in frame else "",
                field_name=_text(frame["field"].iloc[pos]) if "field" in frame else "",
                requested_by=_text(frame["requested_by"].iloc[pos]) if "requested_by" in frame else "",
                executed_at=_datetime(frame["executed_at"].iloc[pos]) if "executed_at" in frame else None,
            )
        )
    return tuple(found)


def customer_records(customers: Ledger, issues: Sequence[Issue]) -> CustomersSource:
    """客户档案's records by folded name, with the error issues on each."""
    errors = _errors_by_row(issues, customers.sheet)
    records: dict[str, CustomerRecord] = {}
    if "name" in customers.frame:
        for row, name in zip(customers.rows, customers.frame["name"], strict=True):
            text = _text(name)
            if text:
                records.setdefault(fold(text), CustomerRecord(row, text, tuple(errors.get(row, ()))))
    return CustomersSource(customers.sheet, records)


def claims_of(forms: Iterable[Any], stored: Mapping[str, Mapping[str, Any]]) -> tuple[Claim, ...]:
    """The claims of the workbook's forms (``Form``) that the store says were pre-reviewed."""
    found = []
    for form in forms:
        claim_id = _text(form.get("claim_id"))
        record = stored.get(claim_id)
        if not claim_id or record is None or record.get("prereviewed_at") is None:
            continue
        found.append(
            Claim(
                claim_id,
                form.sheet,
                _date(form.get("approval_date")),
                _datetime(record.get("prereviewed_at")),
                str(record.get("prereviewer") or ""),
            )
        )
    return tuple(found)
