"""The ``Store`` every action uses: one object over the domain modules, each call one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from . import actions as _actions
from . import archive as _archive
from . import domains as _domains
from . import expenses as _expenses
from . import orders as _orders
from .base import StoreError, database_url, location_url, make_engine, reading, run_transaction, safe_url, store_error
from .migrate import ensure_schema

T = TypeVar("T")
Key = tuple[str, str]


class Store:
    """NeiQin's database: SQLite file by default, PostgreSQL by URL for many clerks.

    Opening it upgrades its schema when needed (see :mod:`neiqin.core.store.migrate`). Each
    method is one transaction; one that loses a race with another clerk is tried again, and the
    database's unique constraints decide what exists only once.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine: Engine = make_engine(url)
        except SQLAlchemyError as exc:
            raise store_error(url, exc) from exc
        except ImportError as exc:  # the database's driver is not installed
            raise StoreError(
                f"无法打开数据库 {safe_url(url)}：缺少数据库驱动 {exc.name or exc}；"
                '公司的 PostgreSQL 数据库请先安装：python -m pip install "neiqin[postgres]"'
            ) from exc
        self._generation = -1
        self.upgrade()

    def upgrade(self) -> None:
        """Bring the schema to the heads of the core and every registered domain (cheap when it is)."""
        generation = _domains.generation()
        ensure_schema(self.engine, _domains.all_domains())
        self._generation = generation

    def read(self, work: Callable[[Connection], T]) -> T:
        """``work(conn)`` on a connection for reads (plug-in domains use it for their tables)."""
        with reading(self.engine) as conn:
            return work(conn)

    def write(self, work: Callable[[Connection], T], what: str = "写入") -> T:
        """``work(conn)`` in one write transaction, tried again when another writer got in the way.

        ``work`` reads what it decides on inside the transaction (see ``base.run_transaction``)."""
        return run_transaction(self.engine, work, what=what)

    # ---- the action log

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
        self.write(
            lambda conn: _actions.log_action(
                conn,
                action,
                workbook,
                outcome,
                rows=rows,
                issues=issues,
                errors=errors,
                seconds=seconds,
                message=message,
                user=user,
                time=time,
            ),
            "写入操作日志到",
        )

    def actions(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest action-log rows, newest first."""
        return self.read(lambda conn: _actions.latest(conn, limit))

    def actions_between(
        self, start: dt.datetime, end: dt.datetime, names: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """Action-log rows with ``start <= time < end`` (of the actions ``names``), oldest first (考核指标)."""
        return self.read(lambda conn: _actions.between(conn, start, end, names))

    # ---- order lines: last known status (for the status machine) and the archive

    def statuses(self, keys: list[Key] | None = None) -> dict[Key, tuple[str, str | None]]:
        """Last recorded (status, status before a pause) per order line (all, or those among ``keys``).

        A line is (订单编号, 产品编码); the n-th line of the same pair in one order (a split
        delivery) is (订单编号, 产品编码#n) — see ``validators.orders.line_keys``.
        """
        return self.read(lambda conn: _orders.statuses(conn, keys))

    def record_statuses(self, changes: dict[Key, str], workbook: str = "") -> int:
        """Remember the current status of order lines; returns how many changed."""
        now = dt.datetime.now().replace(microsecond=0)
        return self.write(lambda conn: _orders.record_statuses(conn, changes, workbook, now), "记录订单状态到")

    def rekey_statuses(self, moves: dict[Key, Key], drop: set[Key]) -> None:
        """After lines left the ledger: forget ``drop``, and give line ``new`` what was recorded for ``old``.

        (Archiving the first of two lines of one product moves the second from 产品编码#2 to
        产品编码; its remembered status moves with it.)
        """
        if moves or drop:
            self.write(lambda conn: _orders.rekey_statuses(conn, moves, drop), "记录订单状态到")

    def archive_lines(
        self, lines: list[dict[str, Any]], digests: list[str], workbook: str, user: str, when: dt.datetime
    ) -> None:
        """Keep archived order lines (all of them, or none: one transaction; a line kept before is skipped)."""
        self.write(lambda conn: _archive.archive_lines(conn, lines, digests, workbook, user, when), "归档到")

    def archived(self, digests: list[str] | None = None) -> list[dict[str, Any]]:
        """Archived lines (all, or those with the given digests), in the order they were kept."""
        return self.read(lambda conn: _archive.archived(conn, digests))

    # ---- 费用报销: the invoice registry (cross-claim duplicates) and sealed forms

    def claimed_invoices(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        """Reserved (not released) invoices among ``keys``: key -> {claim_id, reserved_at, …}."""
        if not keys:
            return {}
        return self.read(lambda conn: _expenses.claimed_invoices(conn, keys))

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
        holds already are kept as they are, so pressing the button twice is harmless. Two
        claims reserving one invoice at the same moment: the database lets one win, the
        other gets the key back.
        """
        return self.write(
            lambda conn: _expenses.reserve_invoices(conn, claim_id, invoices, when, user, workbook), "登记发票到"
        )

    def release_invoices(self, claim_id: str, when: dt.datetime) -> int:
        """Release every invoice a claim holds (the claim was returned); returns how many."""
        return self.write(lambda conn: _expenses.release_invoices(conn, claim_id, when), "释放发票到")

    def record_seal(self, claim_id: str, digest: str, file: str, when: dt.datetime, user: str = "") -> None:
        """Remember a sealed copy handed to finance (once per claim and digest, numbered in the order
        of submission); the claim is 已交财务 from now on."""
        self.write(lambda conn: _expenses.record_seal(conn, claim_id, digest, file, when, user), "登记封存副本到")

    # ---- 费用报销: claim stages

    def claims(self, claim_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The store's record of each claim among ``claim_ids`` (claim_id -> row, with ``stage``).

        A claim sealed before claim stages were kept has no row but a seal: it shows as 已交财务."""
        if not any(claim_ids):
            return {}
        return self.read(lambda conn: _expenses.claims(conn, claim_ids))

    def monthly_amounts(self, claimant: str, exclude: str) -> dict[str, float]:
        """What the claimant's other claims that passed 费用初审 (and were not returned) spent per
        "费用类别|YYYY-MM": the 每月 limits count them too."""
        if not claimant:
            return {}
        return self.read(lambda conn: _expenses.monthly_amounts(conn, claimant, exclude))

    def claim(self, claim_id: str) -> dict[str, Any] | None:
        return self.claims([claim_id]).get(str(claim_id))

    def set_claim_stage(self, claim_id: str, stage: str, when: dt.datetime) -> None:
        """Record that a claim reached ``stage`` (初审退回, 财务已审核, 财务退回, 已支付 …)."""
        self.write(lambda conn: _expenses.set_stage(conn, str(claim_id), stage, when), "记录报销单状态到")

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
        return self.write(
            lambda conn: _expenses.prereview_claim(
                conn,
                str(claim_id),
                invoices,
                claimant=claimant,
                total=total,
                fingerprint=fingerprint,
                when=when,
                user=user,
                workbook=workbook,
                months=months,
            ),
            "记录费用初审到",
        )

    def seals(self, claim_id: str | None = None) -> list[dict[str, Any]]:
        """Sealed copies in the order they were recorded (all, or one claim's)."""
        return self.read(lambda conn: _expenses.seals(conn, claim_id))

    def dispose(self) -> None:
        self.engine.dispose()


_STORES: dict[str, Store] = {}
_PINNED: list[Store] = []


def open_store(setting: str | None = None) -> Store:
    """The store for this process (one engine per URL); a store pinned by :func:`pinned_store` first."""
    if _PINNED:
        return _PINNED[-1]
    url = database_url(setting)
    store = _STORES.get(url)
    if store is None:
        store = _STORES[url] = Store(url)
    elif store._generation != _domains.generation():
        store.upgrade()  # a plug-in domain registered since: its tables appear now
    return store


@contextmanager
def pinned_store(location: str) -> Iterator[Store]:
    """A store of its own for a while: :func:`open_store` returns it whatever ``$NEIQIN_DB`` or the
    数据库 setting say (the demo keeps its fake history apart from the company's store)."""
    store = Store(location_url(location))
    _PINNED.append(store)
    try:
        yield store
    finally:
        _PINNED.remove(store)
        store.dispose()
