"""Expense claim stages (e54a46a). The baseline: the schema of every store created before Alembic.

Revision ID: core_0004
Revises: core_0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "core_0004"
down_revision: str | tuple[str, ...] | None = "core_0003"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    op.create_table(
        "expense_claims",
        sa.Column("claim_id", sa.String(64), primary_key=True),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("claimant", sa.String(120), nullable=False),
        sa.Column("total", sa.Float, nullable=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("months", sa.Text, nullable=False),
        sa.Column("prereviewed_at", sa.DateTime, nullable=True),
        sa.Column("prereviewer", sa.String(120), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("workbook", sa.String(1000), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("expense_claims")
