"""History that outlives one workbook, in a SQL database (SQLAlchemy Core, Alembic migrations).

SQLite file by default (in the user's data folder); ``$NEIQIN_DB`` or the setting 数据库 — a path
or a database URL — points elsewhere, e.g. a company PostgreSQL server shared by many clerks
(``postgresql+psycopg://user:password@host/neiqin``). The schema upgrades itself on first use.

One module per domain: ``actions`` (action log), ``orders`` (order line status memory),
``archive`` (archived order lines), ``expenses`` (invoice registry, claim stages, sealed forms);
plug-in ledgers add theirs with :func:`register_domain`. :class:`Store` is the facade.
"""

from __future__ import annotations

from .actions import action_log, superseded_rows
from .archive import archived_orders
from .base import (
    StoreError,
    current_user,
    database_url,
    default_path,
    location_url,
    metadata,
    safe_url,
)
from .domains import Domain, all_domains, register_domain, unregister_domain
from .expenses import CLOSED_STAGES, expense_claims, invoice_registry, same_amount, sealed_forms
from .facade import _STORES, Store, open_store, pinned_store
from .orders import order_status

__all__ = [
    "CLOSED_STAGES",
    "_STORES",
    "Domain",
    "Store",
    "StoreError",
    "action_log",
    "all_domains",
    "archived_orders",
    "current_user",
    "database_url",
    "default_path",
    "expense_claims",
    "invoice_registry",
    "location_url",
    "metadata",
    "open_store",
    "order_status",
    "pinned_store",
    "register_domain",
    "safe_url",
    "same_amount",
    "sealed_forms",
    "superseded_rows",
    "unregister_domain",
]
