"""Bring a database to the schema of this NeiQin and its plug-in domains, on first use.

- A database at every branch head: nothing to do (one query; Alembic is not even imported).
- A new, empty database: the tables are created from their definitions and stamped at the heads
  (Alembic's "building an up to date database from scratch").
- A database created before Alembic (no ``alembic_version``): its tables say which core revision
  it is at; a column it lacks that its revision has (``order_status.before_pause``) is added; it
  is stamped there and upgraded.
- Otherwise: ``alembic upgrade heads`` over the core and every registered domain.

All but the first happen under a lock — an exclusive transaction on SQLite, an advisory lock on
PostgreSQL — so many clerks opening an old or new store at once upgrade it once.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Column, Connection, String, bindparam, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .base import StoreError, is_sqlite, safe_url, store_error
from .domains import CORE, CORE_MIGRATIONS, Domain, script_heads

LOCK_KEY = 0x4E_51_53_54_4F_52_45  # "NQSTORE": the advisory lock of NeiQin's migrations on PostgreSQL
VERSION_TABLE = "alembic_version"

# The core schema as it grew before Alembic (each step: the tables ``create_all`` made then).
LEGACY_LEVELS: list[tuple[str, frozenset[str]]] = [
    ("core_0001", frozenset({"action_log"})),  # ffb4d6a
    ("core_0002", frozenset({"order_status", "archived_orders"})),  # a478a0b
    ("core_0003", frozenset({"invoice_registry", "sealed_forms"})),  # 91983cd
    ("core_0004", frozenset({"expense_claims"})),  # e54a46a … the last store without Alembic
]
# columns a store made before Alembic may lack although it has their table: ``create_all`` never
# adds a column to a table that exists (a store whose order_status predates before_pause)
LEGACY_COLUMNS: list[tuple[str, str, Any]] = [("order_status", "before_pause", String(16))]


def current_versions(conn: Connection) -> set[str] | None:
    """The revisions the database is stamped at; None when it has no version table (new or pre-Alembic)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    return {row[0] for row in conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))}


def ensure_schema(engine: Engine, selected: list[Domain]) -> None:
    """Upgrade the database to the heads of ``selected`` domains if it is not there yet."""
    url = engine.url.render_as_string(hide_password=False)
    expected = script_heads(selected)
    try:
        with engine.connect() as conn:
            current = current_versions(conn)
    except SQLAlchemyError as exc:
        raise store_error(url, exc) from exc
    if current is not None and expected <= current:
        return
    try:
        with engine.connect() as conn:
            if is_sqlite(conn):
                conn.execution_options(neiqin_begin="EXCLUSIVE")
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
                migrate(conn, selected)
    except SQLAlchemyError as exc:
        raise store_error(url, exc, "升级") from exc
    except StoreError:
        raise
    except Exception as exc:  # Alembic's CommandError and the like: a broken revision script
        raise StoreError(
            f"数据库 {safe_url(url)} 升级失败（{exc.__class__.__name__}: {str(exc)[:300]}）；请联系管理员"
        ) from exc


def migrate(conn: Connection, selected: list[Domain]) -> None:
    """Inside the lock: create, stamp or upgrade (see the module docstring)."""
    current = current_versions(conn)
    if current is None:
        level = legacy_level(conn)
        if level is None:
            _create_all(conn, selected)
            _command(conn, selected, "stamp", "heads")
            return
        _repair_legacy(conn)
        _command(conn, selected, "stamp", level)
        current = {level}
    known = {r.revision for d in selected for r in d.revisions()}
    foreign = sorted(current - known)
    newer = [r for r in foreign if any(r.startswith(f"{d.name}_") for d in selected)]
    if newer:
        raise StoreError(
            f"数据库已由更新版本的 NeiQin 升级（版本 {', '.join(newer)}），本机的 NeiQin 较旧；请先升级本机的 NeiQin"
        )
    # revisions of plug-in domains this process did not load: kept aside while the others upgrade
    if foreign:
        delete = text(f"DELETE FROM {VERSION_TABLE} WHERE version_num IN :revs")
        conn.execute(delete.bindparams(bindparam("revs", expanding=True)), {"revs": foreign})
    _command(conn, selected, "upgrade", "heads")
    if foreign:
        conn.execute(text(f"INSERT INTO {VERSION_TABLE} (version_num) VALUES (:rev)"), [{"rev": r} for r in foreign])


def legacy_level(conn: Connection) -> str | None:
    """The core revision a store made before Alembic is at, from its tables; None for an empty database."""
    names = set(inspect(conn).get_table_names())
    level: str | None = None
    reached = 0
    for i, (revision, tables) in enumerate(LEGACY_LEVELS):
        if not tables <= names:
            break
        level, reached = revision, i + 1
    later = set().union(*(tables for _rev, tables in LEGACY_LEVELS[reached:])) & names
    if later:
        raise StoreError(
            f"数据库的表结构无法识别（有 {', '.join(sorted(later))}，却缺少更早的表）；"
            "请确认『数据库』设置指向 NeiQin 的数据库，或联系管理员"
        )
    return level


def _repair_legacy(conn: Connection) -> None:
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    inspector = inspect(conn)
    names = set(inspector.get_table_names())
    ops = Operations(MigrationContext.configure(conn))
    for table, column, type_ in LEGACY_COLUMNS:
        if table in names and column not in {c["name"] for c in inspector.get_columns(table)}:
            ops.add_column(table, Column(column, type_, nullable=True))


def _create_all(conn: Connection, selected: list[Domain]) -> None:
    by_metadata: dict[int, tuple[Any, list[Any]]] = {}
    for domain in selected:
        for table in domain.tables:
            by_metadata.setdefault(id(table.metadata), (table.metadata, []))[1].append(table)
    for meta, tables in by_metadata.values():
        meta.create_all(conn, tables=tables)


def alembic_config(conn: Connection | None, selected: list[Domain]) -> Any:
    """An Alembic ``Config`` over the core's environment and every selected domain's versions folder."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", _escape(str(CORE_MIGRATIONS)))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(_escape(str(d.versions)) for d in selected))
    if conn is not None:
        cfg.attributes["connection"] = conn
    cfg.attributes["target_metadata"] = list({id(t.metadata): t.metadata for d in selected for t in d.tables}.values())
    return cfg


def _command(conn: Connection, selected: list[Domain], name: str, revision: str) -> None:
    from alembic import command

    if not any(d.name == CORE for d in selected):
        raise ValueError("the core domain must be selected")
    getattr(command, name)(alembic_config(conn, selected), revision)


def _escape(path: str) -> str:
    return path.replace("%", "%%")  # configparser interpolation
