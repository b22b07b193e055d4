"""Plug-in domains: a ledger package's own tables and Alembic branch, picked up by the store's upgrade."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, text

from neiqin.core.store import Domain, Store, StoreError, all_domains, open_store, register_domain, unregister_domain
from neiqin.core.store.base import make_engine
from neiqin.core.store.migrate import alembic_config

from . import store_plugin as plugin
from .test_store_migrations import CORE_HEAD, DATA, heads, schema, upgraded_from_empty, versions

pytestmark = pytest.mark.usefixtures("core_domain_only")  # the core and the test plug-in alone

VISITED = dt.datetime(2026, 11, 3, 14, 0)


@pytest.fixture
def visits() -> Iterator[Domain]:
    domain = register_domain(plugin.NAME, plugin.metadata, plugin.MIGRATIONS)
    yield domain
    unregister_domain(plugin.NAME)


def add_visit(store: Store, ticket: str, customer: str = "上海华东贸易有限公司") -> Any:
    from neiqin.core.store.upsert import insert_ignoring

    table = plugin.customer_visits
    values = {"customer": customer, "visited_at": VISITED, "sales_rep": "王磊", "ticket": ticket}
    return store.write(lambda conn: insert_ignoring(conn, table, [values], ["ticket"]))


def visit_count(store: Store) -> int:
    return store.read(lambda conn: conn.execute(select(func.count()).select_from(plugin.customer_visits)).scalar_one())


def test_a_new_store_has_the_plugin_tables_as_its_migrations_build_them(visits: Domain, tmp_path: Path) -> None:
    created, migrated = f"sqlite:///{tmp_path / 'c.db'}", f"sqlite:///{tmp_path / 'm.db'}"
    store = Store(created)
    upgraded_from_empty(migrated)
    assert versions(created) == versions(migrated) == heads()
    assert schema(created) == schema(migrated)
    add_visit(store, "T1")
    add_visit(store, "T1")  # once per ticket, by the plug-in's own unique index
    assert visit_count(store) == 1


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_plugin_registered_later_gets_its_tables_in_an_existing_store(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    if backend == "postgres":
        monkeypatch.setenv("NEIQIN_DB", request.getfixturevalue("postgres_url"))
    store = open_store()
    store.log_action("validate_orders", "/w.xlsx", "ok")
    assert versions(store.url) == heads()
    register_domain(plugin.NAME, plugin, plugin.MIGRATIONS)  # the module: its Table objects
    try:
        assert open_store() is store  # the same store, upgraded on the next use
        assert versions(store.url) == heads()
        add_visit(store, "T1")
        assert visit_count(store) == 1 and store.actions()[0]["action"] == "validate_orders"
    finally:
        unregister_domain(plugin.NAME)


def test_a_legacy_store_upgrades_core_and_plugin_together(visits: Domain, tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copyfile(DATA / "neiqin-d753945.db", path)
    store = Store(f"sqlite:///{path}")
    assert versions(store.url) == heads()
    assert store.claim("BX2610001")["stage"] == "已支付"
    add_visit(store, "T1")


def test_a_process_without_the_plugin_keeps_its_revision(visits: Domain, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = Store(url)
    add_visit(store, "T1")
    store.dispose()
    # the core goes back one revision: the store as a NeiQin whose core ended at core_0004 left it
    engine = make_engine(url)
    with engine.begin() as conn:
        from alembic import command

        command.downgrade(alembic_config(conn, all_domains()), "core_0004")
        conn.execute(text("UPDATE neiqin_domains SET revision = 'core_0004' WHERE domain = 'core'"))
    engine.dispose()
    assert versions(url) == heads() - {CORE_HEAD}  # Alembic's table: visits_0002 stands for core_0004 too
    unregister_domain(plugin.NAME)  # a process that never imported the plug-in's package
    store = Store(url)
    assert versions(url) == heads() | {"visits_0002"}  # the core upgraded, the plug-in's revision left as it was
    assert store.read(lambda conn: conn.execute(select(plugin.customer_visits.c.ticket)).scalars().all()) == ["T1"]
    Store(url).dispose()  # and it opens again without work


def test_a_store_with_a_newer_plugin_revision_is_refused(visits: Domain, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    Store(url).dispose()
    older = tmp_path / "older-plugin"
    older.mkdir()
    shutil.copy(plugin.MIGRATIONS / "visits_0001_customer_visits.py", older)
    register_domain(plugin.NAME, [plugin.customer_visits], older)
    with pytest.raises(StoreError, match=r"更新版本的 NeiQin 升级（版本 visits_0002）"):
        Store(url)


def _revision(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.py").write_text(body, encoding="utf-8")
    return folder


GOOD = 'revision = "shop_0001"\ndown_revision = None\nbranch_labels = ("shop",)\ndepends_on = "core_0004"\n'


@pytest.mark.parametrize(
    ("name", "table", "script", "message"),
    [
        ("Shop", "shop_items", GOOD, "lower-case"),
        ("shop", "action_log", GOOD, "belongs to 'core'"),
        ("shop", "shop_items", GOOD.replace("shop_0001", "s_0001"), "must start with shop_"),
        ("shop", "shop_items", GOOD.replace('("shop",)', "None"), "branch_labels"),
        ("shop", "shop_items", GOOD.replace('"core_0004"', "None"), "depends_on"),
        ("shop", "shop_items", "x = 1\n", "not an Alembic revision"),
        ("shop", "shop_items", None, "no revision scripts"),
    ],
)
def test_register_domain_refuses_what_would_break_the_upgrade(
    tmp_path: Path, name: str, table: str, script: str | None, message: str
) -> None:
    folder = tmp_path / "versions"
    folder.mkdir()
    if script is not None:
        _revision(folder, "shop_0001", script)
    items = Table(table, MetaData(), Column("id", Integer, primary_key=True), Column("name", String(20)))
    known = [d.name for d in all_domains()]  # the core and the ledgers' own domains
    with pytest.raises(ValueError, match=message):
        register_domain(name, [items], folder)
    assert [d.name for d in all_domains()] == known and name not in known


def test_insert_statement_of_a_plugin_table_runs_in_a_retried_transaction(visits: Domain, tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    table = plugin.customer_visits
    row = {"customer": "苏州恒通", "visited_at": VISITED, "sales_rep": "陈静", "ticket": "T9"}
    store.write(lambda conn: conn.execute(insert(table).values(**row)))
    with pytest.raises(StoreError, match="无法写入数据库"):
        store.write(lambda conn: conn.execute(insert(table).values(**row)))  # the same ticket: refused, not lost
    assert visit_count(store) == 1
