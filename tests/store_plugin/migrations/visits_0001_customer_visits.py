"""Customer visits (test plug-in domain).

Revision ID: visits_0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "visits_0001"
down_revision: str | tuple[str, ...] | None = None
branch_labels: str | tuple[str, ...] | None = ("visits",)
depends_on: str | tuple[str, ...] | None = "core_0004"


def upgrade() -> None:
    op.create_table(
        "customer_visits",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("customer", sa.String(120), nullable=False),
        sa.Column("visited_at", sa.DateTime, nullable=False),
        sa.Column("sales_rep", sa.String(120), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("customer_visits")
