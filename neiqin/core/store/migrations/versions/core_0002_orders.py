"""Order line status memory and archived order lines (a478a0b).

Revision ID: core_0002
Revises: core_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "core_0002"
down_revision: str | tuple[str, ...] | None = "core_0001"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    op.create_table(
        "order_status",
        sa.Column("order_id", sa.String(64), primary_key=True),
        sa.Column("product_code", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("before_pause", sa.String(16), nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("workbook", sa.String(1000), nullable=False),
    )
    op.create_table(
        "archived_orders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("product_code", sa.String(64), nullable=False),
        sa.Column("archived_at", sa.DateTime, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("workbook", sa.String(1000), nullable=False),
        sa.Column("user", sa.String(120), nullable=False),
    )
    op.create_index("ix_archived_orders_order_id", "archived_orders", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_archived_orders_order_id", table_name="archived_orders")
    op.drop_table("archived_orders")
    op.drop_table("order_status")
