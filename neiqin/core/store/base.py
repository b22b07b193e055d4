"""Where the store is, how it is connected, and how a write survives other clerks writing at once.

One shared :data:`metadata` holds every table; each domain module (``actions``, ``orders``,
``archive``, ``expenses``, and plug-in domains) defines its own tables on it or on a MetaData
of its own (see :mod:`neiqin.core.store.domains`).
"""

from __future__ import annotations

import getpass
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError, SQLAlchemyError

from neiqin.base.errors import NeiQinError
from neiqin.base.location import database_url as database_url  # re-exported: where the store is
from neiqin.base.location import default_path as default_path
from neiqin.base.location import location_url as location_url

metadata = MetaData()

T = TypeVar("T")

# a write that loses a race is tried again this many times (the database decides who won)
ATTEMPTS = 8
UNIQUE_RETRIES = 3
SQLITE_BUSY_MS = 15_000


class StoreError(NeiQinError):
    """The store cannot be opened or written (Chinese message, never a password)."""


def safe_url(url: str) -> str:
    """A URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        if "@" in url and "://" in url:
            scheme, rest = url.split("://", 1)
            return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
        return url


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (some services)
        return "unknown"


def is_sqlite(engine_or_conn: Engine | Connection) -> bool:
    return engine_or_conn.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout, and transactions NeiQin begins itself.

    pysqlite's own transaction handling begins a transaction only at the first write, so a
    read-then-write could not be made atomic. NeiQin emits BEGIN itself (SQLAlchemy's documented
    recipe): ``BEGIN IMMEDIATE`` for writes — one writer at a time, waiting up to the busy
    timeout — and ``BEGIN EXCLUSIVE`` while migrating.
    """
    kwargs: dict[str, Any] = {}
    if url.startswith("postgresql"):
        kwargs["pool_pre_ping"] = True
        kwargs["connect_args"] = {"connect_timeout": 10}
    engine = create_engine(url, **kwargs)
    if is_sqlite(engine):
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    import sqlite3

    dbapi_connection.isolation_level = None  # NeiQin emits BEGIN (see make_engine)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
    # WAL lets clerks read while one writes. Switching a file to it needs a moment when nobody else
    # uses it, and SQLite refuses at once rather than wait when two connections would deadlock:
    # try for a while, then go on in the file's current mode (it works, only with less concurrency).
    for attempt in range(40):
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() in ("wal", "memory"):
                break
            if cursor.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() == "wal":
                break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
        time.sleep(0.01 * (attempt + 1))
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("neiqin_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def retryable(exc: BaseException) -> bool:
    """A failure another writer caused, which the same transaction tried again resolves.

    A unique violation (the other writer won; read again and answer as the loser), SQLite busy
    after the timeout, PostgreSQL serialization failure or deadlock."""
    if isinstance(exc, IntegrityError):
        code = getattr(getattr(exc, "orig", None), "sqlstate", None)
        return code == "23505" or "UNIQUE constraint failed" in str(exc.orig)
    if isinstance(exc, OperationalError):
        orig = getattr(exc, "orig", None)
        if getattr(orig, "sqlstate", None) in ("40001", "40P01", "55P03"):
            return True
        text = str(orig).lower()
        return "database is locked" in text or "database table is locked" in text or "busy" in text
    if isinstance(exc, DBAPIError):
        return getattr(getattr(exc, "orig", None), "sqlstate", None) in ("40001", "40P01")
    return False


def run_transaction(
    engine: Engine,
    work: Callable[[Connection], T],
    *,
    write: bool = True,
    what: str = "写入",
    attempts: int = ATTEMPTS,
) -> T:
    """``work(conn)`` in one transaction, tried again (with backoff) when another writer got in the way.

    ``work`` must read what it decides on inside the transaction: after a lost race the next try
    sees the winner's rows (the invoice another claim took, the status another clerk recorded).
    Any other database failure becomes a :class:`StoreError` that names the store without its password.
    """
    conflicts = 0  # unique violations so far: the retry after one reads the winner's row
    for attempt in range(attempts):
        try:
            with engine.connect() as conn:
                if write and is_sqlite(conn):
                    conn.execution_options(neiqin_begin="IMMEDIATE")
                with conn.begin():
                    return work(conn)
        except SQLAlchemyError as exc:
            # a unique violation the next try does not resolve is a rule broken, not a race: stop soon
            conflicts += isinstance(exc, IntegrityError)
            if attempt + 1 < attempts and retryable(exc) and conflicts <= UNIQUE_RETRIES:
                time.sleep(min(2.0, 0.02 * 2**attempt) * (0.5 + random.random()))
                continue
            raise store_error(engine.url.render_as_string(hide_password=False), exc, what) from exc
    raise AssertionError("unreachable")  # pragma: no cover


def store_error(url: str, exc: BaseException, what: str = "打开") -> StoreError:
    """A Chinese message for a database failure: which store, what kind, never the password."""
    reason = exc.__class__.__name__
    orig = getattr(exc, "orig", None)
    if orig is not None:
        first = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
        reason = f"{orig.__class__.__name__}: {first}" if first else orig.__class__.__name__
    reason = without_password(reason, url)
    busy = retryable(exc)
    hint = "其他同事正在大量写入，请稍后再试" if busy else "请检查『数据库』设置或 NEIQIN_DB，或联系管理员"
    return StoreError(f"无法{what}数据库 {safe_url(url)}（{reason[:300]}）；{hint}")


def without_password(message: str, url: str) -> str:
    """``message`` with the password of ``url`` (if it has one) replaced by ***."""
    try:
        password = make_url(url).password
    except ArgumentError:
        return message
    return message.replace(str(password), "***") if password else message


@contextmanager
def reading(engine: Engine, what: str = "读取") -> Iterator[Connection]:
    """A connection for reads; a database failure becomes a :class:`StoreError`."""
    try:
        with engine.connect() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise store_error(engine.url.render_as_string(hide_password=False), exc, what) from exc


def chunks(items: list[T], size: int = 500) -> Iterator[list[T]]:
    """``items`` in slices small enough for one IN (…) list on every backend."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
