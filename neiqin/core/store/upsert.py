"""INSERT … ON CONFLICT on both backends: the database, not a read before, decides what exists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table


def insert_statement(conn: Connection, table: Table) -> Any:
    """The dialect's INSERT (with ``on_conflict_do_nothing`` / ``on_conflict_do_update``)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - NeiQin supports SQLite and PostgreSQL
        raise NotImplementedError(conn.dialect.name)
    return insert(table)


def insert_ignoring(
    conn: Connection, table: Table, rows: list[dict[str, Any]], keys: list[str], where: Any = None
) -> None:
    """Insert ``rows``, skipping those whose ``keys`` exist already (one executemany)."""
    if rows:
        conn.execute(insert_statement(conn, table).on_conflict_do_nothing(index_elements=keys, index_where=where), rows)


def upsert(conn: Connection, table: Table, values: dict[str, Any], keys: list[str], update: dict[str, Any]) -> None:
    """Insert one row, or update ``update`` on the row with the same ``keys``."""
    stmt = insert_statement(conn, table).values(**values)
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=update))
