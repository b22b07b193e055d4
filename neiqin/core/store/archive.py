"""Archived order lines: every line 订单归档 moved out of 订单台账, once per digest."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Column, Connection, DateTime, Index, Integer, String, Table, Text, select

from neiqin.core.canonical import canonical

from .base import chunks, metadata
from .upsert import insert_ignoring

archived_orders = Table(
    "archived_orders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", String(64), nullable=False, index=True),
    Column("product_code", String(64), nullable=False),
    Column("archived_at", DateTime, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("data", Text, nullable=False),  # the line as JSON, by field name
    Column("workbook", String(1000), nullable=False, default=""),
    Column("user", String(120), nullable=False, default=""),
    # a line is kept once: two clerks archiving the same line at once keep one copy
    Index("uq_archived_orders_digest", "digest", unique=True),
)

TABLES = (archived_orders,)


def archive_lines(
    conn: Connection, lines: list[dict[str, Any]], digests: list[str], workbook: str, user: str, when: dt.datetime
) -> None:
    """Keep archived lines (a digest kept before, or twice in ``lines``, is skipped), all in one transaction."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for line, digest in zip(lines, digests, strict=True):
        if digest in seen:
            continue
        seen.add(digest)
        rows.append(
            {
                "order_id": str(line.get("order_id") or ""),
                "product_code": str(line.get("product_code") or ""),
                "archived_at": when,
                "digest": digest,
                "data": json.dumps({k: canonical(v) for k, v in line.items()}, ensure_ascii=False),
                "workbook": workbook,
                "user": user,
            }
        )
    insert_ignoring(conn, archived_orders, rows, ["digest"])


def archived(conn: Connection, digests: list[str] | None = None) -> list[dict[str, Any]]:
    """Archived lines in the order they were kept (all, or those with the given digests)."""
    if digests is None:
        return [dict(r._mapping) for r in conn.execute(select(archived_orders).order_by(archived_orders.c.id))]
    found: list[dict[str, Any]] = []
    for part in chunks(sorted(set(digests))):
        found.extend(
            dict(r._mapping) for r in conn.execute(select(archived_orders).where(archived_orders.c.digest.in_(part)))
        )
    return sorted(found, key=lambda r: r["id"])
