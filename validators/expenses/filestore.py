"""The store's record of invoice files imported into claims (『导入发票』): a store domain of its own.

"Only once" is the database's: an invoice (its key: 代码-号码 or the 20-digit 数电 number) belongs to
one claim (primary key of ``imported_invoices``), and so does a file (its SHA-256, primary key of
``invoice_files``). Importing the same folder again into the same claim changes nothing; the same
invoice or file imported into another claim — another claimant's folder, a copy renamed — is
found by :func:`claim_files`, which inserts what is free and answers who holds the rest, in one
transaction (two clerks importing at once: the database lets one of them in).

The domain is registered when this module is imported: by ``macros.invoices`` (every run of the ribbon,
``neiqin run``), not by the ledger's discovery, which imports no SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, DateTime, Index, Integer, MetaData, String, Table, select

from neiqin.core.store import register_domain
from neiqin.core.store.base import chunks
from neiqin.core.store.upsert import insert_ignoring

NAME = "invoice_files"
MIGRATIONS = Path(__file__).parent / "migrations"

metadata = MetaData()

imported_invoices = Table(
    "imported_invoices",
    metadata,
    Column("invoice_key", String(64), primary_key=True),
    Column("claim_id", String(64), nullable=False),
    Column("claimant", String(120), nullable=False, server_default=""),
    Column("imported_at", DateTime, nullable=False),
    Column("user", String(120), nullable=False, server_default=""),
    Column("workbook", String(1000), nullable=False, server_default=""),
    Index("ix_imported_invoices_claim_id", "claim_id"),
)

invoice_files = Table(
    "invoice_files",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("invoice_key", String(64), nullable=True),
    Column("claim_id", String(64), nullable=False),
    Column("claimant", String(120), nullable=False, server_default=""),
    Column("file", String(1000), nullable=False, server_default=""),
    Column("size", Integer, nullable=False, server_default="0"),
    Column("imported_at", DateTime, nullable=False),
    Column("user", String(120), nullable=False, server_default=""),
    Index("ix_invoice_files_claim_id", "claim_id"),
    Index("ix_invoice_files_invoice_key", "invoice_key"),
)

register_domain(NAME, metadata, MIGRATIONS)


def holders(conn: Connection, keys: list[str], hashes: list[str]) -> dict[str, dict[str, Any]]:
    """Who holds each of ``keys`` (invoice keys) and ``hashes`` (file SHA-256): key or hash -> its row."""
    found: dict[str, dict[str, Any]] = {}
    for part in chunks(sorted(set(keys))):
        for row in conn.execute(select(imported_invoices).where(imported_invoices.c.invoice_key.in_(part))):
            found[row.invoice_key] = dict(row._mapping)
    for part in chunks(sorted(set(hashes))):
        for row in conn.execute(select(invoice_files).where(invoice_files.c.sha256.in_(part))):
            found[row.sha256] = dict(row._mapping)
    return found


def claim_files(
    conn: Connection,
    claim_id: str,
    claimant: str,
    invoices: list[dict[str, Any]],
    when: dt.datetime,
    user: str,
    workbook: str,
) -> dict[str, dict[str, Any]]:
    """Record ``invoices`` ({key, files: [{sha256, file, size}]}) as imported into ``claim_id``.

    What is free is inserted (ON CONFLICT DO NOTHING: a clerk importing the same invoice at this moment
    waits for the other's commit, then skips it); returns who holds every key and hash afterwards,
    so the caller sees which of them another claim holds."""
    base = {"claim_id": claim_id, "claimant": claimant, "imported_at": when, "user": user}
    keys = [inv["key"] for inv in invoices if inv.get("key")]
    hashes = [f["sha256"] for inv in invoices for f in inv["files"]]
    rows = [{"invoice_key": key, **base, "workbook": workbook} for key in dict.fromkeys(keys)]
    insert_ignoring(conn, imported_invoices, rows, ["invoice_key"])
    held = holders(conn, keys, [])
    files: dict[str, dict[str, Any]] = {}
    for inv in invoices:
        key = inv.get("key")
        if key and held[key]["claim_id"] != claim_id:
            continue  # another claim's invoice: its files are not this claim's either
        for f in inv["files"]:
            files.setdefault(
                f["sha256"], {"sha256": f["sha256"], "invoice_key": key, "file": f["file"], "size": f["size"], **base}
            )
    insert_ignoring(conn, invoice_files, list(files.values()), ["sha256"])
    return holders(conn, keys, hashes)


def claim_of(conn: Connection, claim_id: str) -> list[dict[str, Any]]:
    """The files recorded for one claim, in the order they were imported."""
    query = select(invoice_files).where(invoice_files.c.claim_id == claim_id).order_by(invoice_files.c.imported_at)
    return [dict(r._mapping) for r in conn.execute(query)]
