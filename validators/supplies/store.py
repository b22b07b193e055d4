"""The office-supplies tables of the store: stocktakes and the adjustments they posted.

A domain of its own (``supplies``, Alembic branch in ``migrations/``), registered when this module
is first imported (the 领用登记 check's snapshot, the supplies actions): discovering the ledgers
imports no database library. The company keeps one stock of office supplies, so the tables are not
per workbook. "Only once" is the database's: one open stocktake at a time (a unique index on
``open_slot``, 1 while open and NULL once closed) and one adjustment per item per stocktake.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)

from neiqin.base.errors import NeiQinError
from neiqin.base.text import code_key
from neiqin.core.store import register_domain

from .stock import Adjustment, qty, text

NAME = "supplies"
MIGRATIONS = Path(__file__).parent / "migrations"

metadata = MetaData()

supply_stocktakes = Table(
    "supply_stocktakes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("number", String(32), nullable=False),
    Column("count_date", Date, nullable=False),
    Column("opened_at", DateTime, nullable=False),
    Column("opened_by", String(120), nullable=False, default=""),
    Column("fingerprints", Text, nullable=False, default="[]"),  # JSON: the 领用登记 lines counted in
    Column("open_slot", Integer, nullable=True),  # 1 while open, NULL once closed
    Column("closed_at", DateTime, nullable=True),
    Column("approver", String(120), nullable=True),
    Column("items_counted", Integer, nullable=True),  # set at the close (NULL: closed before it was recorded)
    Index("uq_supply_stocktakes_open", "open_slot", unique=True),
)

supply_adjustments = Table(
    "supply_adjustments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("stocktake_id", Integer, ForeignKey("supply_stocktakes.id"), nullable=False),
    Column("item_code", String(64), nullable=False),
    Column("count_date", Date, nullable=False),
    Column("book_qty", Float, nullable=False),
    Column("counted", Float, nullable=False),
    Column("quantity", Float, nullable=False),  # counted - book
    Column("reason", String(500), nullable=False, default=""),
    Column("approver", String(120), nullable=False),
    Column("posted_at", DateTime, nullable=False),
    Index("uq_supply_adjustments_item", "stocktake_id", "item_code", unique=True),
)

register_domain(NAME, metadata, MIGRATIONS)


def issue_fingerprint(values: Mapping[str, Any]) -> str:
    """One 领用登记 line as a stocktake remembers it (date, department, receiver, item, quantity)."""
    day = values.get("date")
    amount = values.get("quantity")
    return "|".join(
        (
            f"{day:%Y-%m-%d}" if day else "",
            text(values.get("department")),
            text(values.get("receiver")),
            code_key(values.get("item_code") or ""),
            qty(float(amount)) if amount is not None else "",
        )
    )


@dataclass(frozen=True)
class OpenStocktake:
    id: int
    number: str
    count_date: dt.date
    fingerprints: tuple[str, ...]


def open_stocktake(store: Any) -> OpenStocktake | None:
    """The stocktake that is open (counted, not closed), if any."""

    def work(conn: Connection) -> OpenStocktake | None:
        t = supply_stocktakes
        row = conn.execute(select(t).where(t.c.open_slot == 1)).mappings().first()
        if row is None:
            return None
        return OpenStocktake(row["id"], row["number"], row["count_date"], tuple(json.loads(row["fingerprints"])))

    return store.read(work)


def adjustments(store: Any) -> list[Adjustment]:
    """Every posted stocktake difference."""

    def work(conn: Connection) -> list[Adjustment]:
        t, s = supply_adjustments, supply_stocktakes
        rows = conn.execute(
            select(t.c.item_code, t.c.count_date, t.c.quantity, s.c.number).join(s, s.c.id == t.c.stocktake_id)
        ).all()
        return [Adjustment(r[0], r[1], float(r[2]), r[3]) for r in rows]

    return store.read(work)


def start_stocktake(
    store: Any, number: str, count_date: dt.date, when: dt.datetime, user: str, fingerprints: Sequence[str]
) -> int:
    """Open a stocktake; refused (NeiQinError) while another one is open."""

    def work(conn: Connection) -> int:
        t = supply_stocktakes
        if conn.execute(select(t.c.id).where(t.c.open_slot == 1)).first() is not None:
            return 0  # the unique index on open_slot makes a race end here too, on the retry
        result = conn.execute(
            insert(t).values(
                number=number,
                count_date=count_date,
                opened_at=when,
                opened_by=user,
                fingerprints=json.dumps(list(fingerprints), ensure_ascii=False),
                open_slot=1,
            )
        )
        return int(result.inserted_primary_key[0])

    found = store.write(work, what="开始盘点")
    if not found:
        raise NeiQinError(busy_message(open_stocktake(store)))
    return found


def busy_message(found: OpenStocktake | None) -> str:
    what = f"盘点 {found.number}（盘点日 {found.count_date:%Y-%m-%d}）" if found else "上一次盘点"
    return f"{what}还没有结束；请先在『盘点表』填完实盘数量并点『盘点结束』，再开始新的盘点"


def close_stocktake(
    store: Any,
    stocktake_id: int,
    lines: Sequence[Mapping[str, Any]],
    approver: str,
    when: dt.datetime,
    items_counted: int | None = None,
) -> int:
    """Post the differences of an open stocktake and close it, in one transaction; the number of lines posted.
    ``items_counted``: how many items were counted (differences or not), for 库存账实相符率.

    Closing a stocktake that is no longer open (a second click, another clerk) posts nothing."""

    def work(conn: Connection) -> int:
        t = supply_stocktakes
        still = conn.execute(select(t.c.id).where(t.c.id == stocktake_id, t.c.open_slot == 1)).first()
        if still is None:
            return 0
        if lines:
            conn.execute(
                insert(supply_adjustments),
                [{**line, "stocktake_id": stocktake_id, "posted_at": when} for line in lines],
            )
        conn.execute(
            update(t)
            .where(t.c.id == stocktake_id)
            .values(open_slot=None, closed_at=when, approver=approver, items_counted=items_counted)
        )
        return len(lines)

    return store.write(work, what="盘点过账")


def snapshot(store: Any, data: Any) -> Any:
    """What the checks of 领用登记 read from the store (the LedgerSpec's ``snapshot``)."""
    from .rules import SupplySnapshot

    return SupplySnapshot(adjustments(store), open_stocktake(store))


@dataclass(frozen=True)
class ClosedStocktake:
    """A stocktake closed and posted: who opened it, how many items were counted, which differed."""

    number: str
    count_date: dt.date
    opened_by: str
    closed_at: dt.datetime
    items_counted: int | None  # None: closed before the count was recorded
    differing: tuple[str, ...]  # the item codes with a posted difference


def closed_stocktakes(store: Any, start: dt.date, end: dt.date) -> list[ClosedStocktake]:
    """The stocktakes whose 盘点日 falls in ``start``..``end``, closed, oldest first."""

    def work(conn: Connection) -> list[ClosedStocktake]:
        t, a = supply_stocktakes, supply_adjustments
        found = conn.execute(
            select(t)
            .where(t.c.closed_at.is_not(None), t.c.count_date >= start, t.c.count_date <= end)
            .order_by(t.c.count_date, t.c.id)
        ).mappings()
        result = []
        for row in found.all():
            codes = conn.execute(select(a.c.item_code).where(a.c.stocktake_id == row["id"]).order_by(a.c.item_code))
            result.append(
                ClosedStocktake(
                    row["number"],
                    row["count_date"],
                    row["opened_by"],
                    row["closed_at"],
                    row["items_counted"],
                    tuple(r[0] for r in codes),
                )
            )
        return result

    return store.read(work)
