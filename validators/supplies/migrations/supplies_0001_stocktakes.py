"""Office supplies: stocktakes and the adjustments they post.

Revision ID: supplies_0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "supplies_0001"
down_revision: str | tuple[str, ...] | None = None
branch_labels: str | tuple[str, ...] | None = ("supplies",)
depends_on: str | tuple[str, ...] | None = "core_0005"


def upgrade() -> None:
    op.create_table(
        "supply_stocktakes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("count_date", sa.Date, nullable=False),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("opened_by", sa.String(120), nullable=False),
        sa.Column("fingerprints", sa.Text, nullable=False),
        sa.Column("open_slot", sa.Integer, nullable=True),
        sa.Column("closed_at", sa.DateTime, nullable=True),
        sa.Column("approver", sa.String(120), nullable=True),
    )
    op.create_index("uq_supply_stocktakes_open", "supply_stocktakes", ["open_slot"], unique=True)
    op.create_table(
        "supply_adjustments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("stocktake_id", sa.Integer, sa.ForeignKey("supply_stocktakes.id"), nullable=False),
        sa.Column("item_code", sa.String(64), nullable=False),
        sa.Column("count_date", sa.Date, nullable=False),
        sa.Column("book_qty", sa.Float, nullable=False),
        sa.Column("counted", sa.Float, nullable=False),
        sa.Column("quantity", sa.Float, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("approver", sa.String(120), nullable=False),
        sa.Column("posted_at", sa.DateTime, nullable=False),
    )
    op.create_index("uq_supply_adjustments_item", "supply_adjustments", ["stocktake_id", "item_code"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_supply_adjustments_item", table_name="supply_adjustments")
    op.drop_table("supply_adjustments")
    op.drop_index("uq_supply_stocktakes_open", table_name="supply_stocktakes")
    op.drop_table("supply_stocktakes")
