"""Invoice registry and sealed forms of expense claims (91983cd).

Revision ID: core_0003
Revises: core_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "core_0003"
down_revision: str | tuple[str, ...] | None = "core_0002"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    op.create_table(
        "invoice_registry",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("invoice_key", sa.String(64), nullable=False),
        sa.Column("claim_id", sa.String(64), nullable=False),
        sa.Column("amount", sa.Float, nullable=True),
        sa.Column("invoice_date", sa.DateTime, nullable=True),
        sa.Column("reserved_at", sa.DateTime, nullable=False),
        sa.Column("released_at", sa.DateTime, nullable=True),
        sa.Column("user", sa.String(120), nullable=False),
        sa.Column("workbook", sa.String(1000), nullable=False),
    )
    op.create_index("ix_invoice_registry_invoice_key", "invoice_registry", ["invoice_key"])
    op.create_index("ix_invoice_registry_claim_id", "invoice_registry", ["claim_id"])
    op.create_table(
        "sealed_forms",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("claim_id", sa.String(64), nullable=False),
        sa.Column("sealed_at", sa.DateTime, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("file", sa.String(1000), nullable=False),
        sa.Column("user", sa.String(120), nullable=False),
    )
    op.create_index("ix_sealed_forms_claim_id", "sealed_forms", ["claim_id"])


def downgrade() -> None:
    op.drop_index("ix_sealed_forms_claim_id", table_name="sealed_forms")
    op.drop_table("sealed_forms")
    op.drop_index("ix_invoice_registry_claim_id", table_name="invoice_registry")
    op.drop_index("ix_invoice_registry_invoice_key", table_name="invoice_registry")
    op.drop_table("invoice_registry")
