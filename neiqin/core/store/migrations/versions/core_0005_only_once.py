""" "Only once" by the database: one open reservation per invoice, one archived copy per line digest,
one sealed record per (claim, digest), sealed submissions numbered per claim.

Stores created before this revision may hold what these rules forbid (two claims accepted the same
invoice at once). Nothing is lost: the earlier row stays in force, each later one is copied to
``superseded_rows`` with the reason (a later invoice reservation is released rather than deleted),
and one action-log row (``store_upgrade``) says what was set aside, so the clerk can check it.

Revision ID: core_0005
Revises: core_0004
"""

from __future__ import annotations

import datetime as dt
import json
import socket
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "core_0005"
down_revision: str | tuple[str, ...] | None = "core_0004"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None

OPEN = sa.text("released_at IS NULL")

invoices = sa.table(
    "invoice_registry",
    sa.column("id", sa.Integer),
    sa.column("invoice_key", sa.String),
    sa.column("claim_id", sa.String),
    sa.column("amount", sa.Float),
    sa.column("invoice_date", sa.DateTime),
    sa.column("reserved_at", sa.DateTime),
    sa.column("released_at", sa.DateTime),
    sa.column("user", sa.String),
    sa.column("workbook", sa.String),
)
archived = sa.table(
    "archived_orders",
    sa.column("id", sa.Integer),
    sa.column("order_id", sa.String),
    sa.column("product_code", sa.String),
    sa.column("archived_at", sa.DateTime),
    sa.column("digest", sa.String),
    sa.column("data", sa.Text),
    sa.column("workbook", sa.String),
    sa.column("user", sa.String),
)
sealed = sa.table(
    "sealed_forms",
    sa.column("id", sa.Integer),
    sa.column("claim_id", sa.String),
    sa.column("sealed_at", sa.DateTime),
    sa.column("digest", sa.String),
    sa.column("file", sa.String),
    sa.column("user", sa.String),
    sa.column("submission", sa.Integer),
)
action_log = sa.table(
    "action_log",
    sa.column("time", sa.DateTime),
    sa.column("user", sa.String),
    sa.column("host", sa.String),
    sa.column("action", sa.String),
    sa.column("workbook", sa.String),
    sa.column("rows", sa.Integer),
    sa.column("issues", sa.Integer),
    sa.column("errors", sa.Integer),
    sa.column("seconds", sa.Float),
    sa.column("outcome", sa.String),
    sa.column("message", sa.Text),
)


def upgrade() -> None:
    superseded = op.create_table(
        "superseded_rows",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row_id", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("set_aside_at", sa.DateTime, nullable=False),
    )
    conn = op.get_bind()
    now = dt.datetime.now().replace(microsecond=0)
    notes: list[str] = []

    def set_aside(table: str, row: Any, reason: str) -> None:
        data = json.dumps(dict(row._mapping), ensure_ascii=False, default=str)
        conn.execute(
            sa.insert(superseded).values(table_name=table, row_id=row.id, data=data, reason=reason, set_aside_at=now)
        )

    # an invoice held by two claims at once: the earlier reservation stands, the later is released
    holder: dict[str, Any] = {}
    released: list[str] = []
    for row in conn.execute(sa.select(invoices).where(invoices.c.released_at.is_(None)).order_by(invoices.c.id)):
        first = holder.setdefault(row.invoice_key, row)
        if first is row:
            continue
        reason = (
            f"发票 {row.invoice_key} 同时登记在报销单 {first.claim_id} 和 {row.claim_id}；"
            f"保留较早的 {first.claim_id}，解除 {row.claim_id} 的登记，请核对 {row.claim_id}"
        )
        set_aside("invoice_registry", row, reason)
        conn.execute(sa.update(invoices).where(invoices.c.id == row.id).values(released_at=now))
        released.append(f"{row.invoice_key}（{first.claim_id} / {row.claim_id}）")
    if released:
        notes.append(f"{len(released)} 张发票曾被两张报销单同时登记，已保留较早的一张：" + "、".join(released[:20]))
    op.create_index(
        "uq_invoice_registry_open",
        "invoice_registry",
        ["invoice_key"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )

    # an order line archived twice (same digest, same content): one copy stays
    seen: set[str] = set()
    doubled = 0
    for row in conn.execute(sa.select(archived).order_by(archived.c.id)):
        if row.digest not in seen:
            seen.add(row.digest)
            continue
        set_aside(
            "archived_orders", row, f"订单行 {row.order_id}/{row.product_code} 重复归档（校验值相同），保留较早的一份"
        )
        conn.execute(sa.delete(archived).where(archived.c.id == row.id))
        doubled += 1
    if doubled:
        notes.append(f"{doubled} 行订单被重复归档（内容相同），已保留较早的一份")
    op.create_index("uq_archived_orders_digest", "archived_orders", ["digest"], unique=True)

    # sealed forms: one record per (claim, digest), numbered by submission
    op.add_column("sealed_forms", sa.Column("submission", sa.Integer, nullable=True))
    kept: set[tuple[str, str]] = set()
    numbers: dict[str, int] = {}
    for row in conn.execute(sa.select(sealed).order_by(sealed.c.id)):
        if (row.claim_id, row.digest) in kept:
            set_aside(
                "sealed_forms", row, f"报销单 {row.claim_id} 的同一封存副本（摘要相同）登记了两次，保留较早的一条"
            )
            conn.execute(sa.delete(sealed).where(sealed.c.id == row.id))
            notes.append(f"报销单 {row.claim_id} 的同一封存副本登记了两次：{row.file}")
            continue
        kept.add((row.claim_id, row.digest))
        numbers[row.claim_id] = numbers.get(row.claim_id, 0) + 1
        conn.execute(sa.update(sealed).where(sealed.c.id == row.id).values(submission=numbers[row.claim_id]))
    with op.batch_alter_table("sealed_forms") as batch:
        batch.alter_column("submission", existing_type=sa.Integer, nullable=False)
    op.create_index("uq_sealed_forms_claim_digest", "sealed_forms", ["claim_id", "digest"], unique=True)
    op.create_index("uq_sealed_forms_claim_submission", "sealed_forms", ["claim_id", "submission"], unique=True)

    if notes:
        conn.execute(
            sa.insert(action_log).values(
                time=now,
                user="NeiQin",
                host=socket.gethostname()[:120],
                action="store_upgrade",
                workbook="",
                rows=0,
                issues=len(notes),
                errors=0,
                seconds=0.0,
                outcome="issues",
                message=("数据库升级：" + "；".join(notes) + "。原记录见表 superseded_rows。")[:4000],
            )
        )


def downgrade() -> None:
    op.drop_index("uq_sealed_forms_claim_submission", table_name="sealed_forms")
    op.drop_index("uq_sealed_forms_claim_digest", table_name="sealed_forms")
    with op.batch_alter_table("sealed_forms") as batch:
        batch.drop_column("submission")
    op.drop_index("uq_archived_orders_digest", table_name="archived_orders")
    op.drop_index("uq_invoice_registry_open", table_name="invoice_registry")
    op.drop_table("superseded_rows")
