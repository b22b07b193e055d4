"""A visit ticket number, once per visit (test plug-in domain).

Revision ID: visits_0002
Revises: visits_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "visits_0002"
down_revision: str | tuple[str, ...] | None = "visits_0001"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    op.add_column("customer_visits", sa.Column("ticket", sa.String(32), nullable=True))
    op.create_index("uq_customer_visits_ticket", "customer_visits", ["ticket"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_customer_visits_ticket", table_name="customer_visits")
    with op.batch_alter_table("customer_visits") as batch:
        batch.drop_column("ticket")
