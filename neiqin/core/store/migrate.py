"""Bring a database to the schema of this NeiQin and its plug-in domains, on first use.

- Every domain at its head: nothing to do (one query of ``neiqin_domains``, NeiQin's record of
  the revision each domain was migrated to; Alembic is not even imported).
- A new, empty database: the tables are created from their definitions and stamped at the heads
  (Alembic's "building an up to date database from scratch").
- A database created before Alembic (no ``alembic_version``): its tables say which core revision
  it is at; a column it lacks that its revision has (``order_status.before_pause``) is added; it
  is stamped there and upgraded.
- Otherwise: ``alembic upgrade heads`` over the core and every registered domain.

A process may open a store that also holds a plug-in domain it did not load (a CLI command that
does not import that ledger's package). Alembic cannot upgrade past a revision it has no script
for, and its version table names only the newest revisions (a plug-in revision that depends on a
core revision stands for both). So while the loaded domains upgrade, such revisions are set aside
and the loaded domains' revisions taken from ``neiqin_domains``; afterwards they are put back.

All but the first happen under a lock — an exclusive transaction on SQLite, an advisory lock on
PostgreSQL — so many clerks opening an old or new store at once upgrade it once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .base import ATTEMPTS, StoreError, is_sqlite, retryable, safe_url, store_error, without_password
from .domains import CORE, CORE_MIGRATIONS, Domain, ancestors

LOCK_KEY = 0x4E_51_53_54_4F_52_45  # "NQSTORE": the advisory lock of NeiQin's migrations on PostgreSQL
VERSION_TABLE = "alembic_version"

# NeiQin's record of each domain's revision (Alembic's table is kept as Alembic wants it, beside it)
runner_metadata = MetaData()
neiqin_domains = Table(
    "neiqin_domains",
    runner_metadata,
    Column("domain", String(64), primary_key=True),
    Column("revision", String(64), nullable=False),
    Column("implies", Text, nullable=False),  # JSON: the revisions (of any domain) this one builds on
    Column("migrated_at", DateTime, nullable=False),
)
alembic_version = Table("alembic_version", MetaData(), Column("version_num", String(32), primary_key=True))

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
    """The revisions Alembic's table names; None when there is none (a new or pre-Alembic database)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    return set(conn.execute(select(alembic_version.c.version_num)).scalars())


def recorded(conn: Connection) -> dict[str, tuple[str, set[str]]] | None:
    """``neiqin_domains``: domain -> (revision, the revisions it implies); None when the table is missing."""
    if not inspect(conn).has_table(neiqin_domains.name):
        return None
    return {r.domain: (r.revision, set(json.loads(r.implies))) for r in conn.execute(select(neiqin_domains))}


def _current(selected: list[Domain], record: dict[str, tuple[str, set[str]]] | None) -> bool:
    return record is not None and all(record.get(d.name, ("",))[0] == d.head() for d in selected)


def ensure_schema(engine: Engine, selected: list[Domain]) -> None:
    """Upgrade the database to the heads of ``selected`` domains if it is not there yet.

    Tried again when the database was busy: on a SQLite file in rollback-journal mode two processes
    that both read and then want to write are told "locked" at once (SQLite's deadlock rule)."""
    url = engine.url.render_as_string(hide_password=False)
    for attempt in range(ATTEMPTS):
        try:
            _ensure(engine, selected)
            return
        except SQLAlchemyError as exc:
            if attempt + 1 < ATTEMPTS and retryable(exc):
                time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random()))
                continue
            raise store_error(url, exc) from exc
        except StoreError:
            raise
        except Exception as exc:  # Alembic's CommandError and the like: a broken revision script
            reason = without_password(str(exc), url)[:300]
            raise StoreError(
                f"数据库 {safe_url(url)} 升级失败（{exc.__class__.__name__}: {reason}）；请联系管理员"
            ) from exc


def _ensure(engine: Engine, selected: list[Domain]) -> None:
    with engine.connect() as conn:
        if _current(selected, recorded(conn)):
            return
    with engine.connect() as conn:
        if is_sqlite(conn):
            conn.execution_options(neiqin_begin="EXCLUSIVE")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            migrate(conn, selected)


def migrate(conn: Connection, selected: list[Domain]) -> None:
    """Inside the lock: create, stamp or upgrade (see the module docstring)."""
    if not any(d.name == CORE for d in selected):
        raise ValueError("the core domain must be selected")
    record = recorded(conn)
    if _current(selected, record):
        return  # another clerk's process upgraded it while this one waited for the lock
    record = record or {}
    known = {r.revision for d in selected for r in d.revisions()}
    current = current_versions(conn)
    newer = sorted(
        {record[d.name][0] for d in selected if d.name in record and record[d.name][0] not in known}
        | {r for r in current or () if r not in known and any(r.startswith(f"{d.name}_") for d in selected)}
    )
    if newer:
        raise StoreError(
            f"数据库已由更新版本的 NeiQin 升级（版本 {', '.join(newer)}），本机的 NeiQin 较旧；请先升级本机的 NeiQin"
        )
    if current is None:
        level = legacy_level(conn)
        if level is None:
            _create_all(conn, selected)
            _command(conn, selected, "stamp", "heads")
        else:
            _repair_legacy(conn)
            _command(conn, selected, "stamp", level)
            _command(conn, selected, "upgrade", "heads")
        _record(conn, selected)
        return
    graph = ancestors(selected)
    aside = current - known  # revisions of domains this process did not load
    if aside:
        # what they stood for among the loaded domains: the revisions NeiQin recorded for those
        loaded = (current & known) | {record[d.name][0] for d in selected if d.name in record}
        _set_versions(conn, _newest(loaded, graph))
    _command(conn, selected, "upgrade", "heads")
    if aside:
        implied = set().union(*(implies for name, (_rev, implies) in record.items() if _foreign(name, selected)))
        _set_versions(conn, (current_versions(conn) or set()) - implied | aside)
    _record(conn, selected)


def _foreign(name: str, selected: list[Domain]) -> bool:
    return all(d.name != name for d in selected)


def _newest(revisions: set[str], graph: dict[str, set[str]]) -> set[str]:
    """``revisions`` without those another one builds on: what Alembic's table holds for them."""
    return {r for r in revisions if not any(r in graph.get(other, ()) for other in revisions)}


def _set_versions(conn: Connection, revisions: set[str]) -> None:
    conn.execute(delete(alembic_version))
    if revisions:
        conn.execute(insert(alembic_version), [{"version_num": r} for r in sorted(revisions)])


def _record(conn: Connection, selected: list[Domain]) -> None:
    """Write down the revision every loaded domain is at now (and what it builds on)."""
    runner_metadata.create_all(conn)
    graph = ancestors(selected)
    now = dt.datetime.now().replace(microsecond=0)
    names = [d.name for d in selected]
    conn.execute(delete(neiqin_domains).where(neiqin_domains.c.domain.in_(names)))
    conn.execute(
        insert(neiqin_domains),
        [
            {
                "domain": d.name,
                "revision": d.head(),
                "implies": json.dumps(sorted(graph.get(d.head(), ()))),
                "migrated_at": now,
            }
            for d in selected
        ],
    )


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

    getattr(command, name)(alembic_config(conn, selected), revision)


def _escape(path: str) -> str:
    return path.replace("%", "%%")  # configparser interpolation
