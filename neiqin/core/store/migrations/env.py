"""Alembic environment: NeiQin runs migrations on a connection it passes in (``config.attributes``).

NeiQin opens the connection, takes the migration lock (SQLite exclusive transaction, PostgreSQL
advisory lock) and commits; see :mod:`neiqin.core.store.migrate`. Run by hand (``alembic -c``
with ``sqlalchemy.url``), it connects itself.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

config = context.config


def run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=config.attributes.get("target_metadata"),
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    with create_engine(config.get_main_option("sqlalchemy.url")).begin() as conn:
        run(conn)
