"""A plug-in domain for the store tests: its own tables and its own Alembic branch, as a ledger package has them.

Not registered at import: ``tests/test_store_domains.py`` registers it for the tests that need it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table

NAME = "visits"
MIGRATIONS = Path(__file__).parent / "migrations"

metadata = MetaData()

customer_visits = Table(
    "customer_visits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer", String(120), nullable=False),
    Column("visited_at", DateTime, nullable=False),
    Column("sales_rep", String(120), nullable=False, default=""),
    Column("ticket", String(32), nullable=True),  # added by visits_0002: one visit per ticket
    Index("uq_customer_visits_ticket", "ticket", unique=True),
)
