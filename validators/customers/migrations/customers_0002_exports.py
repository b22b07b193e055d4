"""Customer exports: who exported the archive, when, which columns (masked or not), how many rows.

Revision ID: customers_0002
Revises: customers_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "customers_0002"
down_revision: str | tuple[str, ...] | None = "customers_0001"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    op.create_table(
        "customer_exports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("exported_at", sa.DateTime, nullable=False),
        sa.Column("user", sa.String(120), nullable=False),
        sa.Column("workbook", sa.String(1000), nullable=False),
        sa.Column("file", sa.String(1000), nullable=False),
        sa.Column("columns", sa.Text, nullable=False),
        sa.Column("masked", sa.Text, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("customer_exports")
