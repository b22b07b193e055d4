"""Alembic migrations: stores made before Alembic upgrade themselves on first use, once, with their data."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, insert, inspect, text

from neiqin.core.store import Store, StoreError, all_domains
from neiqin.core.store.base import make_engine
from neiqin.core.store.domains import script_heads
from neiqin.core.store.migrate import alembic_config

from . import store_procs
from .store_procs import at_once

pytestmark = pytest.mark.usefixtures("core_domain_only")  # the core and the test plug-in alone

DATA = Path(__file__).parent / "data" / "store"
CORE_HEAD = "core_0005"


def heads() -> set[str]:
    """alembic_version after an upgrade in this process: the core's head and the heads of the other domains
    registered so far (a ledger package registers its own when first used, the test plug-in when a test does;
    they build on an early core revision, so their heads stand beside the core's)."""
    return {CORE_HEAD, *script_heads([d for d in all_domains() if d.name != "core"])}


WHEN = dt.datetime(2026, 11, 20, 9, 0)
DOUBLE = "4400000000-00000042"  # accepted on BX2610004 and BX2610005 by the old code's race


def legacy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copyfile(DATA / name, target)
    return target


def rows(path: Path, table: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
    finally:
        con.close()


def versions(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
    finally:
        engine.dispose()


def make_legacy_module() -> Any:
    spec = importlib.util.spec_from_file_location("make_legacy_stores", DATA / "make_legacy_stores.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def exercise(store: Store) -> None:
    """Every public method of the store, on what the old code left in it."""
    store.log_action("validate_orders", "/w.xlsx", "ok", rows=1, user="李娜")
    assert store.actions(1)[0]["action"] == "validate_orders"
    assert store.statuses()[("SO2610003", "PT-OS80")] == ("暂停", "已确认")  # the old code's pause, kept
    assert store.record_statuses({("SO2610003", "PT-OS80"): "已确认", ("SO3", "X"): "待确认"}) == 2
    store.rekey_statuses({("SO3", "X"): ("SO3", "Y")}, drop=set())
    assert store.statuses([("SO3", "Y")]) == {("SO3", "Y"): ("待确认", None)}
    before = len(store.archived())
    store.archive_lines([{"order_id": "SO2609001", "product_code": "MT-2200"}], ["a" * 64], "/w", "李娜", WHEN)
    store.archive_lines([{"order_id": "SO9", "product_code": "Z"}], ["z" * 64], "/w", "李娜", WHEN)
    assert len(store.archived()) == before + 1 and store.archived(["z" * 64])[0]["order_id"] == "SO9"
    assert store.claimed_invoices([DOUBLE])[DOUBLE]["claim_id"] == "BX2610004"
    assert store.reserve_invoices("BX2610005", [{"key": DOUBLE}], WHEN) == [DOUBLE]  # now told who holds it
    assert store.reserve_invoices("BX9", [{"key": "9900000000-00000001", "amount": 5.0}], WHEN) == []
    assert store.release_invoices("BX9", WHEN) == 1
    assert store.claim("BX2610001")["stage"] == "已支付"
    assert set(store.claims(["BX2610001", "BX2610002"])) == {"BX2610001", "BX2610002"}
    assert store.monthly_amounts("王磊", exclude="") == {"交通费|2026-10": 320.0}
    assert store.prereview_claim(
        "BX2610002",
        [{"key": "3100231130-07654321", "amount": 320.0}],
        claimant="王磊",
        total=320.0,
        fingerprint="f",
        when=WHEN,
    ) == ("已交财务", {})
    store.set_claim_stage("BX2610002", "财务退回", WHEN)
    store.record_seal("BX2610002", "e" * 64, "/s2.xlsx", WHEN)
    assert [s["submission"] for s in store.seals("BX2610002")] == [1, 2]
    assert store.prereview_claim(
        "BX7", [{"key": "7700000000-00000007", "amount": 7.0}], claimant="张伟", total=7.0, fingerprint="f", when=WHEN
    ) == (None, {})


# ---- the fixtures: stores made by the code before Alembic


def test_store_from_before_order_lines_upgrades_on_first_use(tmp_path: Path) -> None:
    path = legacy("neiqin-fd02737.db", tmp_path)
    log = rows(path, "action_log")
    store = Store(f"sqlite:///{path}")
    assert versions(store.url) == heads()
    assert rows(path, "action_log") == log  # untouched
    assert "before_pause" in {c["name"] for c in inspect(store.engine).get_columns("order_status")}
    store.record_statuses({("SO1", "MT"): "已确认"})
    store.record_statuses({("SO1", "MT"): "暂停"})
    assert store.statuses() == {("SO1", "MT"): ("暂停", "已确认")}
    store.reserve_invoices("BX1", [{"key": "K"}], WHEN)
    store.record_seal("BX1", "d" * 64, "/s.xlsx", WHEN)
    assert store.claim("BX1")["stage"] == "已交财务"


def test_store_of_main_before_alembic_upgrades_with_its_data(tmp_path: Path) -> None:
    path = legacy("neiqin-d753945.db", tmp_path)
    tables = ("action_log", "order_status", "archived_orders", "invoice_registry", "sealed_forms", "expense_claims")
    before = {t: rows(path, t) for t in tables}
    store = Store(f"sqlite:///{path}")
    after = {t: rows(path, t) for t in tables}
    assert versions(store.url) == heads()
    for table in ("order_status", "expense_claims"):
        assert after[table] == before[table], table
    # the action log: the old rows, then one row that says what the upgrade set aside
    assert after["action_log"][:2] == before["action_log"]
    (note,) = [r for r in after["action_log"][2:]]
    assert note[4] == "store_upgrade" and note[10] == "issues"
    assert f"{DOUBLE}（BX2610004 / BX2610005）" in note[11] and "superseded_rows" in note[11]
    # the invoice two claims accepted at once: the earlier claim keeps it, the later one's is released
    assert [r[:7] for r in after["invoice_registry"][:5]] == [r[:7] for r in before["invoice_registry"][:5]]
    assert after["invoice_registry"][5][:6] == before["invoice_registry"][5][:6]
    assert before["invoice_registry"][5][6] is None and after["invoice_registry"][5][6] is not None
    # a line archived twice and a seal recorded twice: one row each stays, the other is set aside
    assert after["archived_orders"] == before["archived_orders"][:3]
    assert [r[:6] for r in after["sealed_forms"]] == [before["sealed_forms"][0]] and after["sealed_forms"][0][6] == 1
    aside = {(r[1], r[2]): (json.loads(r[3]), r[4]) for r in rows(path, "superseded_rows")}
    assert set(aside) == {("invoice_registry", 6), ("archived_orders", 4), ("sealed_forms", 2)}
    assert aside[("archived_orders", 4)][0]["workbook"] == before["archived_orders"][3][6]
    assert aside[("sealed_forms", 2)][0]["file"] == "D:/报销/王磊10月-封存(2).xlsx"
    assert "保留较早的 BX2610004" in aside[("invoice_registry", 6)][1]
    exercise(store)
    Store(store.url).dispose()  # a second opening finds it current
    assert len([r for r in rows(path, "action_log") if r[4] == "store_upgrade"]) == 1


def test_store_whose_order_status_lacks_before_pause_upgrades(tmp_path: Path) -> None:
    """A store whose order_status table predates its before_pause column (which create_all never adds):
    no such store was committed (the column came with the table in a478a0b), but one made by an
    uncommitted build in between would fail every order action with 'no such column'."""
    path = legacy("neiqin-d753945.db", tmp_path)
    con = sqlite3.connect(path)
    con.execute("ALTER TABLE order_status DROP COLUMN before_pause")
    con.commit()
    con.close()
    store = Store(f"sqlite:///{path}")
    assert versions(store.url) == heads()
    assert store.statuses()[("SO2610003", "PT-OS80")] == ("暂停", None)
    store.record_statuses({("SO2610001", "MT-2200"): "暂停"})
    assert store.statuses()[("SO2610001", "MT-2200")] == ("暂停", "已确认")


def open_at_once(url: str, n: int = 5) -> list[str]:
    return at_once(store_procs.open_and_log, [(url,)] * n)


@pytest.mark.parametrize("name", [None, "neiqin-fd02737.db", "neiqin-d753945.db"])
def test_many_clerks_opening_a_new_or_old_store_at_once(tmp_path: Path, name: str | None) -> None:
    path = legacy(name, tmp_path) if name else tmp_path / "new.db"
    assert open_at_once(f"sqlite:///{path}") == ["ok"] * 5
    assert versions(f"sqlite:///{path}") == {CORE_HEAD}  # the clerks' processes import the store, no ledger
    assert sum(r[4] == "validate_orders" and r[5] == "/w.xlsx" for r in rows(path, "action_log")) == 5
    assert sum(r[4] == "store_upgrade" for r in rows(path, "action_log")) == (1 if name == "neiqin-d753945.db" else 0)


# ---- PostgreSQL: the old code's schema, the same rows, the same upgrade


def legacy_on_postgres(url: str) -> None:
    """The store of main before Alembic on PostgreSQL: made by that code, holding the SQLite fixture's rows."""
    old = make_legacy_module().old_store("d753945")
    store = old.Store(url)
    source = sqlite3.connect(DATA / "neiqin-d753945.db")
    source.row_factory = sqlite3.Row
    with store.engine.begin() as conn:
        for table in old.metadata.sorted_tables:
            values = [dict(r) for r in source.execute(f'SELECT * FROM "{table.name}" ORDER BY 1')]
            for row in values:
                for column in table.columns:
                    if isinstance(row[column.name], str) and column.type.python_type is dt.datetime:
                        row[column.name] = dt.datetime.fromisoformat(row[column.name])
            if values:
                conn.execute(insert(table), values)
        for table in old.metadata.sorted_tables:  # the ids go on after the copied rows, as they would have
            if "id" in table.c:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), 100)"))
    source.close()
    store.dispose()


@pytest.mark.postgres
def test_old_store_on_postgres_upgrades_once_with_many_clerks_at_once(postgres_url: str) -> None:
    legacy_on_postgres(postgres_url)
    assert open_at_once(postgres_url) == ["ok"] * 5
    assert versions(postgres_url) == heads()
    store = Store(postgres_url)
    upgrades = [r for r in store.actions(50) if r["action"] == "store_upgrade"]
    assert len(upgrades) == 1 and f"{DOUBLE}（BX2610004 / BX2610005）" in upgrades[0]["message"]
    exercise(store)


@pytest.mark.postgres
def test_many_clerks_opening_a_new_postgres_store_at_once(postgres_url: str) -> None:
    assert open_at_once(postgres_url) == ["ok"] * 5
    assert versions(postgres_url) == heads()


# ---- the migrations themselves


def schema(url: str) -> dict[str, Any]:
    """Tables, columns (type, nullable, primary key) and indexes (columns, unique, partial condition)."""
    engine = create_engine(url)
    try:
        insp = inspect(engine)
        out: dict[str, Any] = {}
        for table in sorted(set(insp.get_table_names()) - {"alembic_version", "neiqin_domains"}):
            pk = set(insp.get_pk_constraint(table)["constrained_columns"])
            columns = [
                (c["name"], str(c["type"]), c["nullable"] or False, c["name"] in pk) for c in insp.get_columns(table)
            ]
            indexes = sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]), _options(i)) for i in insp.get_indexes(table)
            )
            out[table] = (sorted(columns), indexes)
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                out["_index_sql"] = sorted(
                    r[0]
                    for r in conn.execute(
                        text("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
                    )
                )
        return out
    finally:
        engine.dispose()


def _options(index: Any) -> str:
    return str({k: str(v) for k, v in index.get("dialect_options", {}).items()})


def upgraded_from_empty(url: str) -> None:
    from alembic import command

    engine = make_engine(url)  # the store's own engine setup
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn, all_domains()), "heads")
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_new_stores_have_exactly_the_migrated_schema(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    """A new store is created from the table definitions and stamped; the migrations must build the same."""
    if backend == "sqlite":
        created, migrated = f"sqlite:///{tmp_path / 'c.db'}", f"sqlite:///{tmp_path / 'm.db'}"
    else:
        new_database = request.getfixturevalue("postgres_databases")
        created, migrated = new_database(), new_database()
    Store(created).dispose()
    upgraded_from_empty(migrated)
    assert versions(created) == versions(migrated) == heads()
    assert schema(created) == schema(migrated)
    assert "uq_invoice_registry_open" in str(schema(created)["invoice_registry"])


def test_heads_read_without_alembic_are_alembic_heads() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(None, all_domains()))
    assert set(script.get_heads()) == script_heads(all_domains()) == heads()
    assert script.get_revision("core_0001").branch_labels == {"core"}


def test_a_foreign_or_newer_database_is_refused_with_a_chinese_message(tmp_path: Path) -> None:
    odd = tmp_path / "odd.db"
    con = sqlite3.connect(odd)
    con.execute("CREATE TABLE expense_claims (claim_id TEXT)")
    con.close()
    with pytest.raises(StoreError, match=r"表结构无法识别.*expense_claims"):
        Store(f"sqlite:///{odd}")
    newer = f"sqlite:///{tmp_path / 'newer.db'}"
    Store(newer).dispose()
    con = sqlite3.connect(tmp_path / "newer.db")
    con.execute(f"UPDATE alembic_version SET version_num = 'core_0099' WHERE version_num = '{CORE_HEAD}'")  # newer
    con.execute("UPDATE neiqin_domains SET revision = 'core_0099' WHERE domain = 'core'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match=r"更新版本的 NeiQin.*core_0099.*请先升级本机的 NeiQin"):
        Store(newer)


def test_opening_a_current_store_does_not_import_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    Store(url).dispose()
    code = f"import sys; from neiqin.core.store import Store; Store({url!r}).actions(); print('alembic' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.slow
def test_migrations_ship_in_the_wheel(tmp_path: Path) -> None:
    root = Path(__file__).parent.parent
    source = tmp_path / "src"  # built from a copy: the build leaves build/ and egg-info behind
    for name in ("pyproject.toml", "setup.py", "README.md", "LICENSE"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, source / name)
    for folder in ("neiqin", "validators", "macros", "xlwings_udfs", "templates"):
        shutil.copytree(root / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("neiqin-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {n.split("neiqin/core/store/", 1)[1] for n in names if n.startswith("neiqin/core/store/")}
    assert {"migrations/env.py", "migrations/script.py.mako", "migrations/versions/core_0001_action_log.py"} <= shipped
    assert len([n for n in shipped if n.startswith("migrations/versions/core_")]) == len(
        list((root / "neiqin/core/store/migrations/versions").glob("core_*.py"))
    )


def test_opening_while_another_clerk_writes_to_a_rollback_journal_file(tmp_path: Path) -> None:
    """SQLite refuses a switch to WAL at once (no busy wait) while another connection writes: the
    store waits for it instead of telling the clerk the database is locked."""
    import threading

    path = legacy("neiqin-fd02737.db", tmp_path)  # kept in rollback-journal mode
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    other.execute("BEGIN IMMEDIATE")
    other.execute(
        "INSERT INTO action_log VALUES (99, '2026-11-20 09:00:00', '王磊', 'pc2', 'validate_orders', "
        "'/w.xlsx', 0, 0, 0, 0.0, 'ok', '')"
    )
    timer = threading.Timer(0.5, other.execute, args=("COMMIT",))
    timer.start()
    store = Store(f"sqlite:///{path}")
    timer.join()
    assert versions(store.url) == heads()
    assert {r["id"] for r in store.actions()} >= {1, 2, 3, 99}
    other.close()
    fresh = sqlite3.connect(path)
    assert fresh.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # switched once the writer was done
    fresh.close()
