"""The demo and the test suite never write into a store configured on the machine."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from neiqin.app.cli import main
from neiqin.app.demo import FILE_NAME
from neiqin.core.store import Store, database_url, default_path, location_url

TABLES = ("action_log", "order_status", "archived_orders", "invoice_registry", "sealed_forms", "expense_claims")


@pytest.fixture(scope="module")
def module_store_url() -> str:
    """What a module-scoped fixture (the demo's, in test_demo.py) would open: set up before ``isolated``."""
    return database_url()


def test_fixtures_wider_than_one_test_get_a_store_of_their_own(module_store_url: str) -> None:
    assert module_store_url != location_url(default_path())
    assert os.environ["NEIQIN_DB"] not in module_store_url  # the per-test store is another one again
    assert "neiqin-session" in module_store_url


def company_store(path: Path) -> str:
    """A store as a company keeps it, with some real history."""
    store = Store(location_url(path))
    store.log_action("validate_orders", "D:/台账/NeiQin.xlsm", "ok", rows=12, user="李娜")
    store.reserve_invoices("BX2611009", [{"key": "3100231130-55555555", "amount": 80.0}], dt.datetime(2026, 11, 2))
    store.record_statuses({("SO2611001", "MT-2200"): "已确认"})
    store.dispose()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def workbook_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(path)
    folder = str(path.parent)
    return {
        ws.title: [tuple(v.replace(folder, "<out>") if isinstance(v, str) else v for v in row) for row in ws.values]
        for ws in wb.worksheets
    }


@pytest.mark.slow
def test_demo_twice_against_configured_stores_gives_the_same_workbook_and_leaves_them_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_env, by_setting = tmp_path / "company-env.db", tmp_path / "company-setting.db"
    digests = {by_env: company_store(by_env), by_setting: company_store(by_setting)}
    before = {path: counts(path) for path in digests}
    config = Path(os.environ["NEIQIN_CONFIG"])
    config.write_text(f'"数据库" = "{by_setting.as_posix()}"\n', encoding="utf-8")
    monkeypatch.setenv("NEIQIN_DB", str(by_env))  # the first run: $NEIQIN_DB names the company store
    assert main(["demo", "--out", str(tmp_path / "first"), "--seed", "7"]) == 0
    monkeypatch.delenv("NEIQIN_DB")  # the second: only the 数据库 setting of the user's config does
    assert main(["demo", "--out", str(tmp_path / "second"), "--seed", "7"]) == 0
    assert workbook_values(tmp_path / "first" / FILE_NAME) == workbook_values(tmp_path / "second" / FILE_NAME)
    for path, digest in digests.items():
        assert counts(path) == before[path]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, path
        assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
