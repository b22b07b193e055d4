"""Order lines: the last status NeiQin saw for each line (for the status machine).

A line is (订单编号, 产品编码); the n-th line of the same pair in one order (a split delivery)
is (订单编号, 产品编码#n) — see ``validators.orders.line_keys``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, Connection, DateTime, String, Table, bindparam, delete, insert, select, update

from .base import chunks, metadata

Key = tuple[str, str]

order_status = Table(
    "order_status",
    metadata,
    Column("order_id", String(64), primary_key=True),
    Column("product_code", String(64), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("before_pause", String(16), nullable=True),  # the status an order line had when it was paused
    Column("updated_at", DateTime, nullable=False),
    Column("workbook", String(1000), nullable=False, default=""),
)

TABLES = (order_status,)
PAUSED = "暂停"
WHOLE_TABLE = 2_000  # more orders than this: read the table once rather than in IN (…) slices


def statuses(conn: Connection, keys: list[Key] | None = None) -> dict[Key, tuple[str, str | None]]:
    """Last recorded (status, status before a pause) per line: all, or those among ``keys``."""
    cols = (order_status.c.order_id, order_status.c.product_code, order_status.c.status, order_status.c.before_pause)
    if keys is None:
        # rows unpacked as tuples: twice as fast as attribute access on a store that knows 100,000 lines
        return {(order_id, code): (status, paused) for order_id, code, status, paused in conn.execute(select(*cols))}
    return {key: (row.status, row.before_pause) for key, row in _rows(conn, keys, lock=False).items()}


def _rows(conn: Connection, keys: list[Key] | set[Key], *, lock: bool) -> dict[Key, Any]:
    """The rows of ``keys`` (locked for this transaction where the backend locks rows, in key order).

    Looked up by order number (the primary key's first column: an index range on every backend),
    then filtered to the lines asked for; a whole ledger's worth of orders in one pass over the table."""
    wanted = set(keys)
    found: dict[Key, Any] = {}
    orders = sorted({order_id for order_id, _code in wanted})
    whole = select(order_status).order_by(order_status.c.order_id, order_status.c.product_code)
    parts = [None] if len(orders) > WHOLE_TABLE else list(chunks(orders))
    for part in parts:
        query = whole if part is None else whole.where(order_status.c.order_id.in_(part))
        if lock:
            query = query.with_for_update()
        for row in conn.execute(query):
            key = (row.order_id, row.product_code)
            if key in wanted:
                found[key] = row
    return found


def record_statuses(conn: Connection, changes: dict[Key, str], workbook: str, now: dt.datetime) -> int:
    """Remember the current status of order lines; returns how many changed.

    Reads the lines' rows in the same transaction (locked on PostgreSQL): a clerk recording the
    same new line at the same moment makes the insert fail, and the retried transaction updates."""
    known = _rows(conn, list(changes), lock=True)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for (order_id, product_code), status in sorted(changes.items()):
        previous = known.get((order_id, product_code))
        if previous is not None and previous.status == status:
            continue
        if previous is None:
            before_pause = None
        elif status == PAUSED:
            before_pause = previous.status
        else:
            before_pause = previous.before_pause
        values = {"status": status, "before_pause": before_pause, "updated_at": now, "workbook": workbook}
        if previous is None:
            inserts.append({"order_id": order_id, "product_code": product_code, **values})
        else:
            updates.append({"key_order": order_id, "key_product": product_code, **values})
    # one executemany each, not one statement per line: a first validation records every line
    if inserts:
        conn.execute(insert(order_status), inserts)
    if updates:
        conn.execute(
            update(order_status).where(
                order_status.c.order_id == bindparam("key_order"),
                order_status.c.product_code == bindparam("key_product"),
            ),
            updates,
        )
    return len(inserts) + len(updates)


def rekey_statuses(conn: Connection, moves: dict[Key, Key], drop: set[Key]) -> None:
    """Forget ``drop``; give line ``new`` what was recorded for ``old`` (``moves`` old -> new)."""
    keys = set(moves) | set(moves.values()) | set(drop)
    rows = _rows(conn, keys, lock=True)
    if rows:
        conn.execute(
            delete(order_status).where(
                order_status.c.order_id == bindparam("key_order"),
                order_status.c.product_code == bindparam("key_product"),
            ),
            [{"key_order": o, "key_product": p} for o, p in sorted(rows)],
        )
    moved = [
        {
            "order_id": new[0],
            "product_code": new[1],
            "status": row.status,
            "before_pause": row.before_pause,
            "updated_at": row.updated_at,
            "workbook": row.workbook,
        }
        for old, new in sorted(moves.items())
        if (row := rows.get(old)) is not None
    ]
    if moved:
        conn.execute(insert(order_status), moved)
