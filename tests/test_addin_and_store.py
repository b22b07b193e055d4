"""Import-path safety for the add-in's top-level packages, and the store."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from neiqin.app import plugins
from neiqin.base import addin
from neiqin.core.store import Store, StoreError, database_url, open_store

from .conftest import make_order_row, write_orders
from .test_cli import neiqin


def test_foreign_validators_package_does_not_break_the_cli(tmp_path: Path) -> None:
    fake = tmp_path / "site"
    for name in ("validators", "macros"):
        (fake / name).mkdir(parents=True)
        (fake / name / "__init__.py").write_text("raise ImportError('not NeiQin\\'s')\n", encoding="utf-8")
    path = write_orders(tmp_path / "o.xlsx", [make_order_row(customer=None)])
    result = neiqin("validate", str(path), "--json", env={"PYTHONPATH": str(fake)})
    assert result.returncode == 1, result.stderr
    assert "LED-010" in result.stdout
    result = neiqin("run", "validate_orders", str(path), env={"PYTHONPATH": str(fake)})
    assert result.returncode == 1, result.stderr


@pytest.fixture
def plugins_restored() -> Iterator[None]:
    """Replacing a look-alike re-imports every ledger package: put this process's modules and registries
    back afterwards, so that later tests do not mix classes of two imports (isinstance, settings sections)."""
    import macros.registry
    from neiqin.core import config, issues, kit, kpi
    from neiqin.core.store import domains

    modules = {k: v for k, v in sys.modules.items() if k == "validators" or k.startswith("validators.")}
    registries = [
        kit._LEDGERS, kit._ORIGINS, kit._GROUPS, config._SECTIONS, domains._DOMAINS, kpi._KPIS,
        macros.registry._REGISTRY, issues.CODES, issues.OWNERS,
    ]  # fmt: skip
    saved = [dict(r) for r in registries]
    try:
        yield
    finally:
        for key in [k for k in sys.modules if k == "validators" or k.startswith("validators.")]:
            del sys.modules[key]
        sys.modules.update(modules)
        for registry, copy in zip(registries, saved, strict=True):
            registry.clear()
            registry.update(copy)


@pytest.mark.usefixtures("plugins_restored")
def test_ensure_import_path_replaces_a_lookalike_module(monkeypatch: pytest.MonkeyPatch) -> None:
    impostor = types.ModuleType("validators")
    monkeypatch.setitem(sys.modules, "validators", impostor)
    module = plugins.load_validators()
    assert module is not impostor and getattr(module, "__neiqin__", False)
    assert Path(module.__file__).parent.parent == addin.addin_root()


def test_templates_dir_exists() -> None:
    assert addin.templates_dir().is_dir()


def test_database_url_from_path_url_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEIQIN_DB", raising=False)
    assert database_url(str(tmp_path / "a" / "x.db")) == f"sqlite:///{tmp_path / 'a' / 'x.db'}"
    assert database_url("postgresql://u:p@db/neiqin") == "postgresql://u:p@db/neiqin"
    monkeypatch.setenv("NEIQIN_DB", "sqlite:///" + str(tmp_path / "env.db"))
    assert database_url("ignored.db").endswith("env.db")


def test_action_log_round_trip(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    store.log_action("validate_orders", "/x.xlsx", "ok", rows=3, issues=0, seconds=0.5, user="李娜")
    store.log_action("validate_orders", "/x.xlsx", "failed", message="找不到表头")
    rows = store.actions()
    assert [r["outcome"] for r in rows] == ["failed", "ok"]
    assert rows[1]["user"] == "李娜" and rows[1]["rows"] == 3


def test_unusable_database_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="无法打开数据库"):
        Store("postgresql+nosuchdriver://u@localhost/x")


def test_failed_and_buggy_actions_are_logged_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import macros
    from neiqin.base.logs import log_file, setup
    from neiqin.engine import open_book

    setup()
    from .conftest import write_sheet

    notes = write_sheet(tmp_path / "o.xlsx", [["姓名", "电话"], ["张三", "1"]], sheet="通讯录")  # no order ledger
    summary = macros.run("validate_orders", open_book(notes))
    assert summary.outcome == "failed" and "订单台账" in summary.message

    def boom(*args, **kwargs):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr("macros.ledgers.check_ledger", boom)
    summary = macros.run("validate_orders", open_book(notes))
    assert summary.outcome == "error" and "内部错误" in summary.message
    assert "ZeroDivisionError" in log_file().read_text(encoding="utf-8")
    assert [r["outcome"] for r in open_store().actions()] == ["error", "failed"]
