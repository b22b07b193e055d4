"""报价单's table in the store (domain ``quotations``, Alembic branch in ``migrations/``).

``quotations``: one row per quotation number. The number is unique in the database — the
primary key, and (year, seq) unique — so two clerks pressing 『生成报价单』 at the same time
never get the same number: the insert of the loser fails, its transaction is tried again
(``Store.write``) and reads the winner's row. Imported by the action that uses it, never when
the ledgers are discovered (discovery imports no SQLAlchemy).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    UniqueConstraint,
    func,
    select,
    update,
)

from neiqin.core.store import register_domain

metadata = MetaData()

quotations = Table(
    "quotations",
    metadata,
    Column("quote_id", String(60), primary_key=True),
    Column("year", Integer, nullable=False),
    Column("seq", Integer, nullable=True),  # None: a number the clerk typed in another style
    Column("customer", String(200), nullable=False),
    Column("total", Numeric(16, 2), nullable=True),
    Column("quoted_on", Date, nullable=True),
    Column("valid_until", Date, nullable=True),
    Column("user", String(120), nullable=False),
    Column("workbook", String(1000), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("year", "seq", name="uq_quotations_year_seq"),
)

DOMAIN = register_domain("quotations", metadata, Path(__file__).parent / "migrations")


def _values(quote: dict[str, Any], when: dt.datetime, user: str, workbook: str) -> dict[str, Any]:
    total = quote.get("total")
    return {
        "customer": str(quote.get("customer") or "")[:200],
        "total": Decimal(str(total)) if total is not None else None,
        "quoted_on": quote.get("quoted_on"),
        "valid_until": quote.get("valid_until"),
        "user": user,
        "workbook": workbook,
        "updated_at": when,
    }


def reserve_number(
    conn: Connection,
    year: int,
    pattern: str,
    floor: int,
    quote: dict[str, Any],
    when: dt.datetime,
    user: str,
    workbook: str,
) -> str:
    """The next number of ``year`` (after the store's last and after ``floor``, the workbook's last), kept.

    Read and insert in one transaction; a clerk who got the same number first makes the insert fail
    on the unique constraint and the transaction runs again with the next number.
    """
    last = conn.execute(select(func.max(quotations.c.seq)).where(quotations.c.year == year)).scalar_one_or_none()
    seq = max(last or 0, floor) + 1
    quote_id = pattern.format(year=year, seq=seq)
    conn.execute(
        quotations.insert().values(
            quote_id=quote_id, year=year, seq=seq, created_at=when, **_values(quote, when, user, workbook)
        )
    )
    return quote_id


def record_quotation(
    conn: Connection,
    quote_id: str,
    year: int,
    seq: int | None,
    quote: dict[str, Any],
    when: dt.datetime,
    user: str,
    workbook: str,
) -> dict[str, Any] | None:
    """Keep a quotation that already has its number (made again, or numbered by hand).

    Returns the row of another customer's quotation holding the number (nothing is changed then),
    else None. A number typed by hand in the pattern's style takes its (year, seq) when free.
    """
    row = conn.execute(select(quotations).where(quotations.c.quote_id == quote_id)).first()
    values = _values(quote, when, user, workbook)
    if row is not None:
        if row.customer and values["customer"] and row.customer != values["customer"]:
            return dict(row._mapping)
        conn.execute(update(quotations).where(quotations.c.quote_id == quote_id).values(**values))
        return None
    if seq is not None:
        taken = conn.execute(
            select(quotations.c.quote_id).where(quotations.c.year == year, quotations.c.seq == seq)
        ).first()
        seq = None if taken is not None else seq
    conn.execute(quotations.insert().values(quote_id=quote_id, year=year, seq=seq, created_at=when, **values))
    return None


def all_quotations(conn: Connection) -> list[dict[str, Any]]:
    """Every quotation kept, by year and number."""
    rows = conn.execute(select(quotations).order_by(quotations.c.year, quotations.c.seq, quotations.c.quote_id))
    return [dict(r._mapping) for r in rows]
