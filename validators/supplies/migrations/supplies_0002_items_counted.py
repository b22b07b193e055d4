"""Office supplies: how many items a stocktake counted (库存账实相符率 = items without a difference ÷ items counted).

Revision ID: supplies_0002
Revises: supplies_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "supplies_0002"
down_revision: str | tuple[str, ...] | None = "supplies_0001"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    with op.batch_alter_table("supply_stocktakes") as batch:
        batch.add_column(sa.Column("items_counted", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("supply_stocktakes") as batch:
        batch.drop_column("items_counted")
