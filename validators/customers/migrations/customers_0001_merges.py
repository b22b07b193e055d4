"""Customer merges: what 合并客户 changed, kept so that 撤销合并 can put it back.

Revision ID: customers_0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "customers_0001"
down_revision: str | tuple[str, ...] | None = None
branch_labels: str | tuple[str, ...] | None = ("customers",)
depends_on: str | tuple[str, ...] | None = "core_0001"  # its table refers to no core table


def upgrade() -> None:
    op.create_table(
        "customer_merges",
        sa.Column("merge_id", sa.String(40), primary_key=True),
        sa.Column("survivor", sa.String(64), nullable=False),
        sa.Column("merged_ids", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("merged_at", sa.DateTime, nullable=False),
        sa.Column("user", sa.String(120), nullable=False),
        sa.Column("workbook", sa.String(1000), nullable=False),
        sa.Column("undone_at", sa.DateTime, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("customer_merges")
