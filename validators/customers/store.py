"""The customer archive's tables in the store (domain ``customers``, Alembic branch in ``migrations/``).

``customer_exports``: one row per 脱敏导出 (who, when, which columns, how many rows).
``customer_snapshots`` / ``customer_changes``: the archive's last snapshot per workbook (confidential
values only masked and digested, see :mod:`validators.customers.history`) and every change recorded
(客户变更记录: when, who, 来源 = the button or 手工, customer, field, old and new value, masked alike).
``customer_merges``: one row per 合并客户 — the survivor, the merged records as they were, the
survivor's values before, and every order line re-pointed (with its old and new 校验值 for
『订单归档』) — so that 撤销合并 puts everything back. Merged records are never deleted from here.

Imported (and so registered with the store) by the actions that use these tables, never when the
ledgers are discovered: discovery imports no SQLAlchemy; a store already open picks the tables up
on its next use (see :mod:`neiqin.core.store.domains`).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    select,
    update,
)

from neiqin.core.store import register_domain

metadata = MetaData()

customer_merges = Table(
    "customer_merges",
    metadata,
    Column("merge_id", String(40), primary_key=True),  # a merge is kept once (a retried write cannot double it)
    Column("survivor", String(64), nullable=False),
    Column("merged_ids", Text, nullable=False),  # JSON list of 客户编号
    Column("data", Text, nullable=False),  # JSON: records, survivor_before, lines (see validators.customers.merging)
    Column("merged_at", DateTime, nullable=False),
    Column("user", String(120), nullable=False),
    Column("workbook", String(1000), nullable=False),
    Column("undone_at", DateTime, nullable=True),
)

customer_exports = Table(
    "customer_exports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("exported_at", DateTime, nullable=False),
    Column("user", String(120), nullable=False),
    Column("workbook", String(1000), nullable=False),
    Column("file", String(1000), nullable=False),
    Column("columns", Text, nullable=False),  # JSON list of the headers exported
    Column("masked", Text, nullable=False),  # JSON list of the headers exported masked
    Column("rows", Integer, nullable=False),
)

customer_snapshots = Table(
    "customer_snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workbook", String(1000), nullable=False),
    Column("customer", String(200), nullable=False),  # 客户编号, or 名称: + the name key
    Column("name", Text, nullable=False),
    Column("values", Text, nullable=False),  # JSON field -> text (confidential fields masked)
    Column("hashes", Text, nullable=False),  # JSON field -> SHA-256 of a confidential value
    UniqueConstraint("workbook", "customer", name="uq_customer_snapshots_workbook_customer"),
)

customer_changes = Table(
    "customer_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workbook", String(1000), nullable=False, index=True),
    Column("changed_at", DateTime, nullable=False),
    Column("user", String(120), nullable=False),
    Column("source", String(60), nullable=False),  # 『按钮名』 or 手工
    Column("customer", String(200), nullable=False),
    Column("name", Text, nullable=False),
    Column("field", String(60), nullable=False),  # the column's header, or （新增客户）/（删除客户）
    Column("old", Text, nullable=False),
    Column("new", Text, nullable=False),
)

DOMAIN = register_domain("customers", metadata, Path(__file__).parent / "migrations")


def keep_merge(
    conn: Connection,
    merge_id: str,
    survivor: str,
    merged_ids: list[str],
    data: dict[str, Any],
    when: dt.datetime,
    user: str,
    workbook: str,
) -> None:
    conn.execute(
        customer_merges.insert().values(
            merge_id=merge_id,
            survivor=survivor,
            merged_ids=json.dumps(merged_ids, ensure_ascii=False),
            data=json.dumps(data, ensure_ascii=False),
            merged_at=when,
            user=user,
            workbook=workbook,
        )
    )


def open_merges(conn: Connection) -> list[dict[str, Any]]:
    """Merges not undone, newest first, with their data decoded from JSON."""
    rows = conn.execute(
        select(customer_merges)
        .where(customer_merges.c.undone_at.is_(None))
        .order_by(customer_merges.c.merged_at.desc(), customer_merges.c.merge_id.desc())
    )
    return [{**dict(r._mapping), "merged_ids": json.loads(r.merged_ids), "data": json.loads(r.data)} for r in rows]


def mark_undone(conn: Connection, merge_id: str, when: dt.datetime) -> int:
    """Mark a merge undone (only once: a second undo of the same merge changes nothing)."""
    result = conn.execute(
        update(customer_merges)
        .where(customer_merges.c.merge_id == merge_id, customer_merges.c.undone_at.is_(None))
        .values(undone_at=when)
    )
    return int(result.rowcount or 0)


def log_export(
    conn: Connection,
    when: dt.datetime,
    user: str,
    workbook: str,
    file: str,
    columns: list[str],
    masked: list[str],
    rows: int,
) -> None:
    """Every 脱敏导出 is logged: who, when, which columns (and which of them masked), how many rows."""
    conn.execute(
        customer_exports.insert().values(
            exported_at=when,
            user=user,
            workbook=workbook,
            file=file,
            columns=json.dumps(columns, ensure_ascii=False),
            masked=json.dumps(masked, ensure_ascii=False),
            rows=rows,
        )
    )


def exports(conn: Connection) -> list[dict[str, Any]]:
    """The export log, oldest first, columns decoded."""
    rows = conn.execute(select(customer_exports).order_by(customer_exports.c.id))
    return [{**dict(r._mapping), "columns": json.loads(r.columns), "masked": json.loads(r.masked)} for r in rows]


def load_snapshot(conn: Connection, workbook: str) -> dict[str, Any] | None:
    """The workbook's last snapshot as {customer: Record}; None when it was never snapshotted."""
    from .history import Record

    rows = conn.execute(select(customer_snapshots).where(customer_snapshots.c.workbook == workbook))
    out = {r.customer: Record(r.name, json.loads(r.values), json.loads(r.hashes)) for r in rows}
    return out or None


def save_history(
    conn: Connection,
    workbook: str,
    entries: list[tuple[str, Any]],
    old: dict[str, Any] | None,
    new: dict[str, Any],
    when: dt.datetime,
    user: str,
) -> None:
    """Record ``entries`` (source, Change with its field already as a header) and make ``new`` the snapshot:
    only the customers that differ from ``old`` (the stored one, None: none) are written."""
    from neiqin.core.store.base import chunks

    if entries:
        conn.execute(
            customer_changes.insert(),
            [
                {"workbook": workbook, "changed_at": when, "user": user, "source": source, "customer": c.customer,
                 "name": c.name, "field": c.field, "old": c.old, "new": c.new}
                for source, c in entries
            ],
        )  # fmt: skip
    old = old or {}
    stale = [k for k, r in old.items() if not r.same(new.get(k))]
    fresh = [k for k, r in new.items() if not r.same(old.get(k))]
    c = customer_snapshots.c
    for part in chunks(stale):
        conn.execute(delete(customer_snapshots).where(c.workbook == workbook, c.customer.in_(part)))
    for part in chunks(fresh, 1000):
        conn.execute(
            customer_snapshots.insert(),
            [
                {"workbook": workbook, "customer": k, "name": r.name,
                 "values": json.dumps(r.values, ensure_ascii=False), "hashes": json.dumps(r.hashes)}
                for r, k in ((new[k].masked(), k) for k in part)
            ],
        )  # fmt: skip


def changes(conn: Connection, workbook: str) -> list[dict[str, Any]]:
    """The workbook's recorded changes, oldest first."""
    rows = conn.execute(
        select(customer_changes).where(customer_changes.c.workbook == workbook).order_by(customer_changes.c.id)
    )
    return [dict(r._mapping) for r in rows]
