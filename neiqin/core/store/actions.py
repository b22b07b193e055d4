"""The action log: one row per action run (Excel ribbon or CLI), whatever its outcome."""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

from sqlalchemy import Column, Connection, DateTime, Float, Integer, String, Table, Text, insert, select

from .base import current_user, metadata

action_log = Table(
    "action_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("time", DateTime, nullable=False),
    Column("user", String(120), nullable=False),
    Column("host", String(120), nullable=False),
    Column("action", String(64), nullable=False),
    Column("workbook", String(1000), nullable=False),
    Column("rows", Integer, nullable=False, default=0),
    Column("issues", Integer, nullable=False, default=0),
    Column("errors", Integer, nullable=False, default=0),
    Column("seconds", Float, nullable=False, default=0.0),
    Column("outcome", String(20), nullable=False),
    Column("message", Text, nullable=False, default=""),
)


def log_action(
    conn: Connection,
    action: str,
    workbook: str,
    outcome: str,
    *,
    rows: int = 0,
    issues: int = 0,
    errors: int = 0,
    seconds: float = 0.0,
    message: str = "",
    user: str | None = None,
    time: dt.datetime | None = None,
) -> None:
    """Write one row of the action log."""
    conn.execute(
        insert(action_log).values(
            time=time or dt.datetime.now().replace(microsecond=0),
            user=user or current_user(),
            host=socket.gethostname()[:120],
            action=action[:64],
            workbook=workbook[:1000],
            rows=rows,
            issues=issues,
            errors=errors,
            seconds=round(seconds, 3),
            outcome=outcome[:20],
            message=message[:4000],
        )
    )


def latest(conn: Connection, limit: int = 100) -> list[dict[str, Any]]:
    """The latest action-log rows, newest first."""
    result = conn.execute(select(action_log).order_by(action_log.c.id.desc()).limit(limit))
    return [dict(row._mapping) for row in result]


def between(
    conn: Connection, start: dt.datetime, end: dt.datetime, names: list[str] | None = None
) -> list[dict[str, Any]]:
    """Action-log rows with ``start <= time < end`` (of the actions ``names``, when given), oldest first."""
    query = select(action_log).where(action_log.c.time >= start, action_log.c.time < end)
    if names is not None:
        query = query.where(action_log.c.action.in_(names))
    return [dict(row._mapping) for row in conn.execute(query.order_by(action_log.c.time, action_log.c.id))]


# rows an upgrade set aside because they broke an "only once" rule (see migration core_0005)
superseded_rows = Table(
    "superseded_rows",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("table_name", String(64), nullable=False),
    Column("row_id", Integer, nullable=False),
    Column("data", Text, nullable=False),  # the row as JSON
    Column("reason", Text, nullable=False),  # Chinese, for the clerk who checks it
    Column("set_aside_at", DateTime, nullable=False),
)

TABLES = (action_log, superseded_rows)
