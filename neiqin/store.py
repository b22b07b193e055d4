"""History that outlives one workbook, in a SQL database (SQLAlchemy Core).

SQLite file by default (in the user's data folder); ``$NEIQIN_DB`` or the setting
数据库 — a path or a database URL — points elsewhere, e.g. a company PostgreSQL
server shared by many clerks. Tables are created on first use.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import socket
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .errors import NeiQinError

metadata = MetaData()

action_log = Table(
    "action_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("time", DateTime, nullable=False),
    Column("user", String(120), nullable=False),
    Column("host", String(120), nullable=False),
    Column("action", String(64), nullable=False),
    Column("workbook", String(1000), nullable=False),
    Column("rows", Integer, nullable=False, default=0),
    Column("issues", Integer, nullable=False, default=0),
    Column("errors", Integer, nullable=False, default=0),
    Column("seconds", Float, nullable=False, default=0.0),
    Column("outcome", String(20), nullable=False),
    Column("message", Text, nullable=False, default=""),
)


class StoreError(NeiQinError):
    """The store cannot be opened or written (Chinese message)."""


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("NeiQin", appauthor=False)) / "neiqin.db"


def database_url(setting: str | None = None) -> str:
    """``$NEIQIN_DB`` > the 数据库 setting > the default SQLite file; paths become URLs."""
    value = os.environ.get("NEIQIN_DB") or setting or str(default_path())
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


class Store:
    """NeiQin's database."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine: Engine = create_engine(url, future=True)
            if url.startswith("sqlite"):
                event.listen(self.engine, "connect", _sqlite_pragmas)
            metadata.create_all(self.engine)
        except SQLAlchemyError as exc:
            raise StoreError(
                f"无法打开数据库 {_safe(url)}：{exc.__class__.__name__}；请检查『数据库』设置或 NEIQIN_DB"
            ) from exc

    def log_action(
        self,
        action: str,
        workbook: str,
        outcome: str,
        rows: int = 0,
        issues: int = 0,
        errors: int = 0,
        seconds: float = 0.0,
        message: str = "",
        user: str | None = None,
        time: dt.datetime | None = None,
    ) -> None:
        """One row of the action log (every action run, Excel or CLI)."""
        with self.engine.begin() as conn:
            conn.execute(
                insert(action_log).values(
                    time=time or dt.datetime.now().replace(microsecond=0),
                    user=user or current_user(),
                    host=socket.gethostname(),
                    action=action,
                    workbook=workbook,
                    rows=rows,
                    issues=issues,
                    errors=errors,
                    seconds=round(seconds, 3),
                    outcome=outcome,
                    message=message[:4000],
                )
            )

    def actions(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest action-log rows, newest first."""
        with self.engine.connect() as conn:
            result = conn.execute(select(action_log).order_by(action_log.c.id.desc()).limit(limit))
            return [dict(row._mapping) for row in result]

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _safe(url: str) -> str:
    """A URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (some services)
        return "unknown"


_STORES: dict[str, Store] = {}


def open_store(setting: str | None = None) -> Store:
    """The store for this process (one engine per URL)."""
    url = database_url(setting)
    store = _STORES.get(url)
    if store is None:
        store = _STORES[url] = Store(url)
    return store
