"""Customer change history: the archive's last snapshot per workbook and every change recorded (客户变更记录).

Revision ID: customers_0003
Revises: customers_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "customers_0003"
down_revision: str | tuple[str, ...] | None = "customers_0002"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    op.create_table(
        "customer_snapshots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("workbook", sa.String(1000), nullable=False),
        sa.Column("customer", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("values", sa.Text, nullable=False),
        sa.Column("hashes", sa.Text, nullable=False),
        sa.UniqueConstraint("workbook", "customer", name="uq_customer_snapshots_workbook_customer"),
    )
    op.create_table(
        "customer_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("workbook", sa.String(1000), nullable=False),
        sa.Column("changed_at", sa.DateTime, nullable=False),
        sa.Column("user", sa.String(120), nullable=False),
        sa.Column("source", sa.String(60), nullable=False),
        sa.Column("customer", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("field", sa.String(60), nullable=False),
        sa.Column("old", sa.Text, nullable=False),
        sa.Column("new", sa.Text, nullable=False),
    )
    op.create_index("ix_customer_changes_workbook", "customer_changes", ["workbook"])


def downgrade() -> None:
    op.drop_index("ix_customer_changes_workbook", table_name="customer_changes")
    op.drop_table("customer_changes")
    op.drop_table("customer_snapshots")
