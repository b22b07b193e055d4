"""Quotations: one row per quotation number, unique per year.

Revision ID: quotations_0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "quotations_0001"
down_revision: str | tuple[str, ...] | None = None
branch_labels: str | tuple[str, ...] | None = ("quotations",)
depends_on: str | tuple[str, ...] | None = "core_0001"  # its table refers to no core table


def upgrade() -> None:
    op.create_table(
        "quotations",
        sa.Column("quote_id", sa.String(60), primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=True),
        sa.Column("customer", sa.String(200), nullable=False),
        sa.Column("total", sa.Numeric(16, 2), nullable=True),
        sa.Column("quoted_on", sa.Date, nullable=True),
        sa.Column("valid_until", sa.Date, nullable=True),
        sa.Column("user", sa.String(120), nullable=False),
        sa.Column("workbook", sa.String(1000), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("year", "seq", name="uq_quotations_year_seq"),
    )


def downgrade() -> None:
    op.drop_table("quotations")
