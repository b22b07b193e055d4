"""Stock, replayed: every accepted receipt, issue and posted stocktake adjustment, in date order.

Pure functions over ledgers already read (and the adjustments the store keeps): the rules of
领用登记, 库存台账, 盘点 and 采购计划 all count stock the same way, here.

- A receipt adds what was *accepted*: 合格 = 实收数量, 不合格 = nothing, 部分合格 = 合格数量
  (nothing while it is missing — the check says so).
- Book value is a moving average: a receipt at 单价 p moves the average to
  (stock × average + quantity × p) / (stock + quantity); issues and adjustments leave at the average.
  Before the first priced receipt the catalogue's 参考单价 stands in.
- On one day receipts come first, then issues, then a stocktake's adjustment (the count is
  taken at the end of its day).
- An issue that would take stock below zero is refused: it is reported at its row of 领用登记
  and not counted, so the rows after it are judged on the stock that is really there.
"""

from __future__ import annotations

import datetime as dt
import math
import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from neiqin.base.text import code_key
from neiqin.core.ledger import Ledger

KIND_ORDER = {"in": 0, "out": 1, "adjust": 2}


def value_of(value: Any) -> Any:
    """A frame cell as plain Python: None for a blank (NaN, NaT), a date for a timestamp."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value


_LINES: dict[int, list[tuple[int, dict[str, Any]]]] = {}  # id(ledger) -> its lines (dropped with the ledger)


def lines(ledger: Ledger | None) -> list[tuple[int, dict[str, Any]]]:
    """(Excel row, values by field) of every line of a ledger (none when it is missing).

    Made once per ledger read: every rule of 领用登记 walks the same lines (do not change them)."""
    if ledger is None:
        return []
    key = id(ledger)
    found = _LINES.get(key)
    if found is None:
        names = list(ledger.frame.columns)
        columns = [_column(ledger.frame[n]) for n in names]
        found = [
            (row, dict(zip(names, values, strict=True))) for row, *values in zip(ledger.rows, *columns, strict=True)
        ]
        _LINES[key] = found
        weakref.finalize(ledger, _LINES.pop, key, None)
    return found


def _column(series: pd.Series) -> list[Any]:
    """A frame column as plain Python values (see :func:`value_of`), converted a column at a time."""
    if pd.api.types.is_float_dtype(series.dtype):
        return [None if v != v else v for v in series.tolist()]
    return [value_of(v) for v in series.tolist()]


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def qty(value: float) -> str:
    """A quantity as a clerk writes it: 12, 2.5."""
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


@dataclass(frozen=True)
class Item:
    """One line of 物品目录 as the planners use it."""

    code: str
    name: str
    spec: str = ""
    unit: str = ""
    ref_price: float = 0.0
    min_stock: float = 0.0
    max_stock: float | None = None
    lead_days: float = 0.0
    supplier: str = ""
    pack: float = 1.0

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


def catalogue(ledger: Ledger | None) -> dict[str, Item]:
    """物品目录 by code key (the first line of a code wins; the duplicate is LED-018)."""
    found: dict[str, Item] = {}
    for _row, v in lines(ledger):
        code = text(v.get("item_code"))
        if not code or code_key(code) in found:
            continue
        found[code_key(code)] = Item(
            code,
            text(v.get("name")),
            text(v.get("spec")),
            text(v.get("unit")),
            float(v.get("ref_price") or 0),
            float(v.get("min_stock") or 0),
            v.get("max_stock"),
            float(v.get("lead_days") or 0),
            text(v.get("supplier")),
            float(v.get("pack") or 1),
        )
    return found


def accepted(values: Mapping[str, Any], inspection_values: Sequence[str]) -> float:
    """The quantity of a receipt that goes into stock (see the module docstring)."""
    result = text(values.get("result"))
    got = float(values.get("got_qty") or 0)
    if result == inspection_values[1]:
        return 0.0
    if result == inspection_values[2]:
        part = values.get("accepted")
        return min(float(part), got) if part is not None else 0.0
    return got if result == inspection_values[0] else 0.0


@dataclass(frozen=True)
class Move:
    """One movement of stock: in (a receipt), out (an issue) or adjust (a posted stocktake difference)."""

    date: dt.date
    item: str  # the code key
    quantity: float  # signed: + in, - out
    kind: str
    price: float | None = None  # a receipt's 单价
    row: int = 0  # the Excel row of its ledger (0: from the store)
    department: str = ""
    person: str = ""


@dataclass(frozen=True)
class Adjustment:
    """A posted stocktake difference (from the store)."""

    item: str
    date: dt.date
    quantity: float
    stocktake: str = ""


def moves(
    receipts: Ledger | None,
    issues: Ledger | None,
    adjustments: Iterable[Adjustment],
    inspection_values: Sequence[str],
) -> list[Move]:
    """Every movement, in the order stock is replayed (date, receipts before issues before adjustments, row)."""
    found: list[Move] = []
    for row, v in lines(receipts):
        if v.get("date") is None or not text(v.get("item_code")) or v.get("got_qty") is None:
            continue  # not delivered yet: on order (see on_order)
        found.append(
            Move(v["date"], code_key(v["item_code"]), accepted(v, inspection_values), "in", v.get("price"), row)
        )
    for row, v in lines(issues):
        if v.get("date") is None or not text(v.get("item_code")) or not v.get("quantity"):
            continue
        found.append(
            Move(
                v["date"],
                code_key(v["item_code"]),
                -float(v["quantity"]),
                "out",
                None,
                row,
                text(v.get("department")),
                text(v.get("receiver")),
            )
        )
    for a in adjustments:
        found.append(Move(a.date, code_key(a.item), a.quantity, "adjust"))
    found.sort(key=lambda m: (m.date, KIND_ORDER[m.kind], m.row))
    return found


def on_order(receipts: Ledger | None) -> dict[str, float]:
    """Open purchases by item key: 入库登记 lines with 应收数量 and neither 实收数量 nor 验收结果 yet."""
    found: dict[str, float] = defaultdict(float)
    for _row, v in lines(receipts):
        if text(v.get("item_code")) and v.get("got_qty") is None and not text(v.get("result")) and v.get("due_qty"):
            found[code_key(v["item_code"])] += float(v["due_qty"])
    return dict(found)


@dataclass(frozen=True)
class Step:
    """A movement as replayed: stock before and after, the average price after, whether it was refused."""

    move: Move
    before: float
    after: float
    average: float
    refused: bool = False


@dataclass
class Replay:
    steps: list[Step] = field(default_factory=list)
    stock: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    average: dict[str, float] = field(default_factory=dict)

    def refused(self) -> list[Step]:
        return [s for s in self.steps if s.refused]


def replay(all_moves: Sequence[Move], items: Mapping[str, Item], until: dt.date | None = None) -> Replay:
    """Stock and moving-average price after every movement (up to ``until``, inclusive)."""
    out = Replay()
    for m in all_moves:
        if until is not None and m.date > until:
            break
        before = out.stock[m.item]
        avg = out.average.get(m.item, items[m.item].ref_price if m.item in items else 0.0)
        after = before + m.quantity
        if m.kind == "out" and after < -1e-9:
            out.steps.append(Step(m, before, before, avg, refused=True))
            continue
        if m.kind == "in" and m.quantity > 0:
            price = avg if m.price is None else float(m.price)
            avg = (max(before, 0.0) * avg + m.quantity * price) / (max(before, 0.0) + m.quantity)
        out.stock[m.item] = after
        out.average[m.item] = avg
        out.steps.append(Step(m, before, after, avg))
    return out


def weekly_usage(all_moves: Sequence[Move], item: str, today: dt.date, weeks: int) -> list[float]:
    """Quantity issued in each of the last ``weeks`` whole weeks of 7 days ending ``today`` (oldest first)."""
    start = today - dt.timedelta(days=7 * weeks - 1)
    totals = [0.0] * weeks
    for m in all_moves:
        if m.kind == "out" and m.item == item and start <= m.date <= today:
            totals[(m.date - start).days // 7] += -m.quantity
    return totals


def usage_rate(weekly: Sequence[float]) -> float:
    """Usage per week, robust to a one-off spike: the mean of the weekly totals without the highest week.

    (A trimmed mean rather than the median: an item used every other week keeps a usage rate.)
    """
    if len(weekly) < 2:
        return float(sum(weekly))
    return (sum(weekly) - max(weekly)) / (len(weekly) - 1)
