"""History that outlives one workbook, in a SQL database (SQLAlchemy Core).

SQLite file by default (in the user's data folder); ``$NEIQIN_DB`` or the setting
数据库 — a path or a database URL — points elsewhere, e.g. a company PostgreSQL
server shared by many clerks. Tables are created on first use.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
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
    bindparam,
    create_engine,
    delete,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from neiqin.base.errors import NeiQinError

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


# 费用报销: where each claim (报销单号) is, and what its pre-review saw (claimant, total, invoices)
expense_claims = Table(
    "expense_claims",
    metadata,
    Column("claim_id", String(64), primary_key=True),
    Column("stage", String(16), nullable=False),  # 初审通过 / 初审退回 / 已交财务 / 财务已审核 / 财务退回 / 已支付
    Column("claimant", String(120), nullable=False, default=""),
    Column("total", Float, nullable=True),
    Column("fingerprint", String(64), nullable=False, default=""),  # expenses.claim_fingerprint at pre-review
    Column("months", Text, nullable=False, default="{}"),  # JSON {"费用类别|YYYY-MM": amount} for 每月 limits
    Column("prereviewed_at", DateTime, nullable=True),
    Column("prereviewer", String(120), nullable=False, default=""),
    Column("updated_at", DateTime, nullable=False),
    Column("workbook", String(1000), nullable=False, default=""),
)

# a claim in one of these stages is with finance or finished: its 报销单号 and invoices are closed
CLOSED_STAGES = ("已交财务", "财务已审核", "已支付")


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
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for (order_id, product_code), status in changes.items():
            previous = known.get((order_id, product_code))
            if previous is not None and previous[0] == status:
                continue
            before_pause = previous[0] if status == "暂停" and previous else (previous[1] if previous else None)
            values = {"status": status, "before_pause": before_pause, "updated_at": now, "workbook": workbook}
            if previous is None:
                inserts.append({"order_id": order_id, "product_code": product_code, **values})
            else:
                updates.append({"key_order": order_id, "key_product": product_code, **values})
        # one executemany each, not one statement per line: a first validation records every line
        with self.engine.begin() as conn:
            if inserts:
                conn.execute(insert(order_status), inserts)
            if updates:
                conn.execute(
                    update(order_status).where(
                        order_status.c.order_id == bindparam("key_order"),
                        order_status.c.product_code == bindparam("key_product"),
                    ),
                    updates,
                )
        return len(inserts) + len(updates)

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

        from neiqin.core.canonical import canonical

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
                _insert_invoice(conn, inv, claim_id, when, user, workbook)
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
        """Remember a sealed copy handed to finance; the claim is 已交财务 from now on."""
        with self.engine.begin() as conn:
            conn.execute(
                insert(sealed_forms).values(claim_id=claim_id, sealed_at=when, digest=digest, file=file, user=user)
            )
            self._set_stage(conn, claim_id, "已交财务", when)

    # ---- 费用报销: claim stages

    def claims(self, claim_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The store's record of each claim among ``claim_ids`` (claim_id -> row, with ``stage``).

        A claim sealed before claim stages were kept has no row but a seal: it shows as 已交财务."""
        ids = sorted({str(c) for c in claim_ids if c})
        if not ids:
            return {}
        with self.engine.connect() as conn:
            found = {
                r.claim_id: dict(r._mapping)
                for r in conn.execute(select(expense_claims).where(expense_claims.c.claim_id.in_(ids)))
            }
            for r in conn.execute(select(sealed_forms).where(sealed_forms.c.claim_id.in_(ids))):
                found.setdefault(r.claim_id, {"claim_id": r.claim_id, "stage": "已交财务", "updated_at": r.sealed_at})
            return found

    def monthly_amounts(self, claimant: str, exclude: str) -> dict[str, float]:
        """What the claimant's other claims that passed 费用初审 (and were not returned) spent per
        "费用类别|YYYY-MM": the 每月 limits count them too."""
        out: dict[str, float] = {}
        if not claimant:
            return out
        query = select(expense_claims.c.months).where(
            expense_claims.c.claimant == claimant,
            expense_claims.c.claim_id != exclude,
            expense_claims.c.stage.in_(("初审通过", *CLOSED_STAGES)),
        )
        with self.engine.connect() as conn:
            for (months,) in conn.execute(query):
                for key, amount in json.loads(months or "{}").items():
                    out[key] = round(out.get(key, 0.0) + float(amount), 2)
        return out

    def claim(self, claim_id: str) -> dict[str, Any] | None:
        return self.claims([claim_id]).get(str(claim_id))

    def _set_stage(self, conn: Any, claim_id: str, stage: str, when: dt.datetime, **values: Any) -> None:
        done = conn.execute(
            update(expense_claims)
            .where(expense_claims.c.claim_id == claim_id)
            .values(stage=stage, updated_at=when, **values)
        )
        if not done.rowcount:
            conn.execute(insert(expense_claims).values(claim_id=claim_id, stage=stage, updated_at=when, **values))

    def set_claim_stage(self, claim_id: str, stage: str, when: dt.datetime) -> None:
        """Record that a claim reached ``stage`` (初审退回, 财务已审核, 财务退回, 已支付 …)."""
        with self.engine.begin() as conn:
            self._set_stage(conn, str(claim_id), stage, when)

    def prereview_claim(
        self,
        claim_id: str,
        invoices: list[dict[str, Any]],
        *,
        claimant: str,
        total: float | None,
        fingerprint: str,
        when: dt.datetime,
        user: str = "",
        workbook: str = "",
        months: dict[str, float] | None = None,
    ) -> tuple[str | None, dict[str, str]]:
        """Record that a claim passed 费用初审 and reserve its invoices, in one transaction.

        Returns (the closed stage the claim is in, {}) when its 报销单号 is with finance or paid,
        ({}, key -> holder) when another claim — or an earlier form under the same 报销单号 with
        other amounts — holds one of the invoices; nothing is written then. Otherwise the claim's
        invoices become exactly ``invoices``: keys no longer on the form are released, and the
        claim's stage, claimant, total and fingerprint are those of this pre-review."""
        claim_id = str(claim_id)
        keys = [inv["key"] for inv in invoices]
        amounts = {inv["key"]: inv.get("amount") for inv in invoices}
        with self.engine.begin() as conn:
            row = conn.execute(select(expense_claims).where(expense_claims.c.claim_id == claim_id)).first()
            stage = row.stage if row is not None else None
            if (
                stage is None
                and conn.execute(select(sealed_forms.c.id).where(sealed_forms.c.claim_id == claim_id)).first()
            ):
                stage = "已交财务"
            if stage in CLOSED_STAGES:
                return stage, {}
            held = list(
                conn.execute(
                    select(invoice_registry).where(
                        invoice_registry.c.invoice_key.in_(keys), invoice_registry.c.released_at.is_(None)
                    )
                )
            )
            # the claim's own invoices: same amounts as reserved, or the same claimant correcting them
            same_person = row is not None and row.claimant == claimant
            taken = {
                r.invoice_key: r.claim_id
                for r in held
                if r.claim_id != claim_id or not (same_person or same_amount(r.amount, amounts.get(r.invoice_key)))
            }
            if taken:
                return None, dict(sorted(taken.items()))
            own = {r.invoice_key for r in held}
            conn.execute(
                update(invoice_registry)
                .where(
                    invoice_registry.c.claim_id == claim_id,
                    invoice_registry.c.released_at.is_(None),
                    invoice_registry.c.invoice_key.not_in(keys),
                )
                .values(released_at=when)
            )
            for inv in invoices:
                if inv["key"] in own:
                    conn.execute(  # a corrected amount
                        update(invoice_registry)
                        .where(
                            invoice_registry.c.claim_id == claim_id,
                            invoice_registry.c.invoice_key == inv["key"],
                            invoice_registry.c.released_at.is_(None),
                        )
                        .values(amount=inv.get("amount"))
                    )
                    continue
                _insert_invoice(conn, inv, claim_id, when, user, workbook)
            self._set_stage(
                conn,
                claim_id,
                "初审通过",
                when,
                claimant=claimant,
                total=total,
                fingerprint=fingerprint,
                months=json.dumps(months or {}, ensure_ascii=False, sort_keys=True),
                prereviewed_at=when,
                prereviewer=user,
                workbook=workbook,
            )
        return None, {}

    def seals(self, claim_id: str | None = None) -> list[dict[str, Any]]:
        query = select(sealed_forms).order_by(sealed_forms.c.id)
        if claim_id is not None:
            query = query.where(sealed_forms.c.claim_id == claim_id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def dispose(self) -> None:
        self.engine.dispose()


def same_amount(a: Any, b: Any) -> bool:
    """Two invoice amounts equal to the fen (None only equals None)."""
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 0.005


def _insert_invoice(conn: Any, inv: dict[str, Any], claim_id: str, when: dt.datetime, user: str, workbook: str) -> None:
    """Register one invoice of a claim (see :meth:`Store.reserve_invoices`)."""
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
