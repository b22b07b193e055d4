"""Invoice files imported into expense claims: one claim per file (SHA-256) and per invoice.

Revision ID: invoice_files_0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "invoice_files_0001"
down_revision: str | tuple[str, ...] | None = None
branch_labels: str | tuple[str, ...] | None = ("invoice_files",)
depends_on: str | tuple[str, ...] | None = "core_0004"  # its tables need nothing newer of the core


def upgrade() -> None:
    op.create_table(
        "imported_invoices",
        sa.Column("invoice_key", sa.String(64), primary_key=True),
        sa.Column("claim_id", sa.String(64), nullable=False),
        sa.Column("claimant", sa.String(120), nullable=False, server_default=""),
        sa.Column("imported_at", sa.DateTime, nullable=False),
        sa.Column("user", sa.String(120), nullable=False, server_default=""),
        sa.Column("workbook", sa.String(1000), nullable=False, server_default=""),
    )
    op.create_table(
        "invoice_files",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("invoice_key", sa.String(64), nullable=True),
        sa.Column("claim_id", sa.String(64), nullable=False),
        sa.Column("claimant", sa.String(120), nullable=False, server_default=""),
        sa.Column("file", sa.String(1000), nullable=False, server_default=""),
        sa.Column("size", sa.Integer, nullable=False, server_default="0"),
        sa.Column("imported_at", sa.DateTime, nullable=False),
        sa.Column("user", sa.String(120), nullable=False, server_default=""),
    )
    op.create_index("ix_imported_invoices_claim_id", "imported_invoices", ["claim_id"])
    op.create_index("ix_invoice_files_claim_id", "invoice_files", ["claim_id"])
    op.create_index("ix_invoice_files_invoice_key", "invoice_files", ["invoice_key"])


def downgrade() -> None:
    op.drop_table("invoice_files")
    op.drop_table("imported_invoices")
