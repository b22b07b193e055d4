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
    delete,
    event,
    insert,
    select,
    update,
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


order_status = Table(
    "order_status",
    metadata,
    Column("order_id", String(64), primary_key=True),
    Column("product_code", String(64), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("before_pause", String(16), nullable=True),  # the status an order line had when it was paused
    Column("updated_at", DateTime, nullable=False),
    Column("workbook", String(1000), nullable=False, default=""),
)

archived_orders = Table(
    "archived_orders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", String(64), nullable=False, index=True),
    Column("product_code", String(64), nullable=False),
    Column("archived_at", DateTime, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("data", Text, nullable=False),  # the line as JSON, by field name
    Column("workbook", String(1000), nullable=False, default=""),
    Column("user", String(120), nullable=False, default=""),
)

# 费用报销: every invoice of a claim that passed pre-review, until the claim is returned
invoice_registry = Table(
    "invoice_registry",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("invoice_key", String(64), nullable=False, index=True),  # 代码-号码, or the 20-digit 数电 number
    Column("claim_id", String(64), nullable=False, index=True),
    Column("amount", Float, nullable=True),
    Column("invoice_date", DateTime, nullable=True),
    Column("reserved_at", DateTime, nullable=False),
    Column("released_at", DateTime, nullable=True),  # set when the claim is returned
    Column("user", String(120), nullable=False, default=""),
    Column("workbook", String(1000), nullable=False, default=""),
)

sealed_forms = Table(
    "sealed_forms",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_id", String(64), nullable=False, index=True),
    Column("sealed_at", DateTime, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("file", String(1000), nullable=False),
    Column("user", String(120), nullable=False, default=""),
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

    # ---- order lines: last known status (for the status machine) and the archive

    def statuses(self, keys: list[tuple[str, str]] | None = None) -> dict[tuple[str, str], tuple[str, str | None]]:
        """Last recorded (status, status before a pause) per order line.

        A line is (订单编号, 产品编码); the n-th line of the same pair in one order (a split
        delivery) is (订单编号, 产品编码#n) — see ``validators.orders.line_keys``.
        """
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    order_status.c.order_id,
                    order_status.c.product_code,
                    order_status.c.status,
                    order_status.c.before_pause,
                )
            )
            found = {(r.order_id, r.product_code): (r.status, r.before_pause) for r in rows}
        if keys is None:
            return found
        return {k: found[k] for k in keys if k in found}

    def record_statuses(self, changes: dict[tuple[str, str], str], workbook: str = "") -> int:
        """Remember the current status of order lines; returns how many changed."""
        known = self.statuses()
        now = dt.datetime.now().replace(microsecond=0)
        changed = 0
        with self.engine.begin() as conn:
            for (order_id, product_code), status in changes.items():
                previous = known.get((order_id, product_code))
                if previous is not None and previous[0] == status:
                    continue
                before_pause = previous[0] if status == "暂停" and previous else (previous[1] if previous else None)
                values = {"status": status, "before_pause": before_pause, "updated_at": now, "workbook": workbook}
                if previous is None:
                    conn.execute(insert(order_status).values(order_id=order_id, product_code=product_code, **values))
                else:
                    conn.execute(
                        update(order_status)
                        .where(order_status.c.order_id == order_id, order_status.c.product_code == product_code)
                        .values(**values)
                    )
                changed += 1
        return changed

    def rekey_statuses(self, moves: dict[tuple[str, str], tuple[str, str]], drop: set[tuple[str, str]]) -> None:
        """After lines left the ledger: forget ``drop``, and give line ``new`` what was recorded for ``old``.

        (Archiving the first of two lines of one product moves the second from 产品编码#2 to
        产品编码; its remembered status moves with it.)
        """
        if not moves and not drop:
            return
        keys = set(moves) | set(moves.values()) | set(drop)
        with self.engine.begin() as conn:
            rows = {
                (r.order_id, r.product_code): r
                for r in conn.execute(select(order_status).where(order_status.c.order_id.in_({k[0] for k in keys})))
                if (r.order_id, r.product_code) in keys
            }
            for order_id, product_code in rows:
                conn.execute(
                    delete(order_status).where(
                        order_status.c.order_id == order_id, order_status.c.product_code == product_code
                    )
                )
            for old, new in moves.items():
                row = rows.get(old)
                if row is not None:
                    conn.execute(
                        insert(order_status).values(
                            order_id=new[0],
                            product_code=new[1],
                            status=row.status,
                            before_pause=row.before_pause,
                            updated_at=row.updated_at,
                            workbook=row.workbook,
                        )
                    )

    def archive_lines(
        self, lines: list[dict[str, Any]], digests: list[str], workbook: str, user: str, when: dt.datetime
    ) -> None:
        """Keep archived order lines (all of them, or none: one transaction; a line kept before is skipped)."""
        import json

        from validators.archive import canonical

        with self.engine.begin() as conn:
            known = {
                r.digest
                for r in conn.execute(select(archived_orders.c.digest).where(archived_orders.c.digest.in_(digests)))
            }
            for line, digest in zip(lines, digests, strict=True):
                if digest in known:
                    continue  # kept by an earlier run already
                known.add(digest)
                conn.execute(
                    insert(archived_orders).values(
                        order_id=str(line.get("order_id") or ""),
                        product_code=str(line.get("product_code") or ""),
                        archived_at=when,
                        digest=digest,
                        data=json.dumps({k: canonical(v) for k, v in line.items()}, ensure_ascii=False),
                        workbook=workbook,
                        user=user,
                    )
                )

    def archived(self, digests: list[str] | None = None) -> list[dict[str, Any]]:
        """Archived lines (all, or those with the given digests)."""
        query = select(archived_orders)
        if digests is not None:
            query = query.where(archived_orders.c.digest.in_(digests))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query.order_by(archived_orders.c.id))]

    # ---- 费用报销: the invoice registry (cross-claim duplicates) and sealed forms

    def claimed_invoices(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        """Reserved (not released) invoices among ``keys``: key -> {claim_id, reserved_at, …}."""
        if not keys:
            return {}
        query = (
            select(invoice_registry)
            .where(invoice_registry.c.invoice_key.in_(sorted(set(keys))), invoice_registry.c.released_at.is_(None))
            .order_by(invoice_registry.c.id)
        )
        with self.engine.connect() as conn:
            found: dict[str, dict[str, Any]] = {}
            for row in conn.execute(query):
                found.setdefault(row.invoice_key, dict(row._mapping))
            return found

    def reserve_invoices(
        self,
        claim_id: str,
        invoices: list[dict[str, Any]],
        when: dt.datetime,
        user: str = "",
        workbook: str = "",
    ) -> list[str]:
        """Reserve a claim's invoices (dicts with key, amount, invoice_date), all or none.

        Returns the keys another claim holds (then nothing is reserved). Keys this claim
        holds already are kept as they are, so pressing the button twice is harmless.
        """
        keys = [inv["key"] for inv in invoices]
        with self.engine.begin() as conn:
            held = {
                row.invoice_key: row.claim_id
                for row in conn.execute(
                    select(invoice_registry.c.invoice_key, invoice_registry.c.claim_id).where(
                        invoice_registry.c.invoice_key.in_(keys), invoice_registry.c.released_at.is_(None)
                    )
                )
            }
            taken = sorted(k for k, claim in held.items() if claim != claim_id)
            if taken:
                return taken
            for inv in invoices:
                if inv["key"] in held:
                    continue
                conn.execute(
                    insert(invoice_registry).values(
                        invoice_key=inv["key"],
                        claim_id=claim_id,
                        amount=inv.get("amount"),
                        invoice_date=inv.get("invoice_date"),
                        reserved_at=when,
                        user=user,
                        workbook=workbook,
                    )
                )
        return []

    def release_invoices(self, claim_id: str, when: dt.datetime) -> int:
        """Release every invoice a claim holds (the claim was returned); returns how many."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(invoice_registry)
                .where(invoice_registry.c.claim_id == claim_id, invoice_registry.c.released_at.is_(None))
                .values(released_at=when)
            )
            return int(result.rowcount or 0)

    def record_seal(self, claim_id: str, digest: str, file: str, when: dt.datetime, user: str = "") -> None:
        """Remember a sealed copy handed to finance."""
        with self.engine.begin() as conn:
            conn.execute(
                insert(sealed_forms).values(claim_id=claim_id, sealed_at=when, digest=digest, file=file, user=user)
            )

    def seals(self, claim_id: str | None = None) -> list[dict[str, Any]]:
        query = select(sealed_forms).order_by(sealed_forms.c.id)
        if claim_id is not None:
            query = query.where(sealed_forms.c.claim_id == claim_id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

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
