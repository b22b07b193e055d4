"""Shared fixtures: an isolated store and config per test, and real workbook files."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import settings

from neiqin.base.addin import ensure_import_path

# CI runs the property-based tests with a fixed seed (a red CI must be reproducible); locally they explore.
# No per-example deadline anywhere: on a busy machine (two cores shared) a slow example is not a bug.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ensure_import_path()

import validators.expenses.filestore  # noqa: E402,F401  (its store domain, as every action has it)
from validators.orders import OrderRow  # noqa: E402

from .slow_tests import slow_ids  # noqa: E402

ORDER_HEADERS = [spec.header for spec in OrderRow.columns()]
SLOW = slow_ids()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests measured slow (tests/slow_tests.txt) get the ``slow`` marker: ``-m "not slow"`` is the fast lane."""
    for item in items:
        if item.nodeid in SLOW:
            item.add_marker(pytest.mark.slow)


TODAY = dt.date(2026, 11, 26)


def _isolate(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEIQIN_DB", str(home / "neiqin.db"))
    monkeypatch.setenv("NEIQIN_LOG", str(home / "neiqin.log"))
    monkeypatch.setenv("NEIQIN_CONFIG", str(home / "config.toml"))


def _forget_stores() -> None:
    from neiqin.core import store

    for opened in store._STORES.values():
        opened.dispose()
    store._STORES.clear()


@pytest.fixture(scope="session", autouse=True)
def isolated_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Session- and module-scoped fixtures (the demo …) run before ``isolated``: they too get a
    database, log and config of their own, never a company store configured on this machine."""
    home = tmp_path_factory.mktemp("neiqin-session")
    with pytest.MonkeyPatch.context() as monkeypatch:
        _isolate(home, monkeypatch)
        _forget_stores()
        yield home
    _forget_stores()


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own database, log and (absent) user config file."""
    home = tmp_path_factory.mktemp("neiqin-home")
    _isolate(home, monkeypatch)
    _forget_stores()
    yield home
    _forget_stores()


@pytest.fixture
def core_domain_only() -> Iterator[None]:
    """The store's core alone: the domains ledger packages register at import (办公用品 …) step
    aside, for the tests about the core's and the test plug-in's migrations; back afterwards."""
    from neiqin.core.store import all_domains, register_domain, unregister_domain

    aside = [d for d in all_domains() if d.name != "core"]
    for domain in aside:
        unregister_domain(domain.name)
    _forget_stores()
    try:
        yield
    finally:
        _forget_stores()
        for domain in aside:
            register_domain(domain.name, domain.tables, domain.versions)


@pytest.fixture
def postgres_databases() -> Iterator[Callable[[], str]]:
    """Makes new, empty PostgreSQL databases on the test server (``$NEIQIN_TEST_PG``, started by
    .ci/run) and drops them afterwards. Skips where no server is configured."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = os.environ.get("NEIQIN_TEST_PG")
    if not server:
        pytest.skip("no PostgreSQL test server (NEIQIN_TEST_PG is not set; .ci/run starts one)")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def new_database() -> str:
        name = f"neiqin_t_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return make_url(server).set(database=name).render_as_string(hide_password=False)

    try:
        yield new_database
    finally:
        _forget_stores()
        with admin.connect() as conn:
            for name in made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url(postgres_databases: Callable[[], str]) -> str:
    """A new, empty PostgreSQL database (see ``postgres_databases``)."""
    return postgres_databases()


def check(
    ledger: str,
    data: Any,
    settings: Any = None,
    today: dt.date = TODAY,
    companions: dict[str, Any] | None = None,
    snapshot: Any = None,
) -> list[Any]:
    """Every issue of ``data`` (a Ledger, or a list of forms) by the declaration of ``ledger`` (pure)."""
    from neiqin.core import kit
    from neiqin.core.config import Settings

    ctx = kit.CheckContext(settings or Settings(), today, companions or {}, snapshot)
    return kit.ledger(ledger).check(data, ctx)


def validate_file(path: Path, ledger: str = "orders", settings: Any = None, today: dt.date = TODAY) -> Any:
    """What ``neiqin validate`` finds in a file (read-only, no store): a ``neiqin.core.checking.Checked``."""
    from neiqin.core import kit
    from neiqin.core.checking import check_ledger
    from neiqin.core.config import Settings
    from neiqin.engine import open_book

    return check_ledger(open_book(path), kit.ledger(ledger), settings or Settings(), today)


def make_order_row(**overrides: Any) -> dict[str, Any]:
    """A valid 订单台账 line by field name; override any field (ERPNext-style factory)."""
    row: dict[str, Any] = {
        "order_id": "SO2611001",
        "order_date": dt.datetime(2026, 11, 3),
        "channel": "电话",
        "customer": "上海华东贸易有限公司",
        "customer_po": "PO-8831",
        "product_code": "MT-2200",
        "product_name": "三相异步电机",
        "spec": "YE3-100L1-4 2.2kW",
        "category": "电机",
        "unit": "台",
        "quantity": 10.0,
        "unit_price": 1850.0,
        "amount": 18500.0,
        "unit_cost": 1330.0,
        "delivery_date": dt.datetime(2026, 11, 20),
        "sales_rep": "王磊",
        "region": "华东",
        "status": "已确认",
        "ship_date": None,
        "note": None,
    }
    row.update(overrides)
    if "customer_po" not in overrides:  # one customer PO per order, as customers send them
        row["customer_po"] = f"PO-{row['order_id']}"
    return row


def order_values(rows: Iterable[dict[str, Any]], fields: Sequence[str] | None = None) -> list[list[Any]]:
    """Rows by field -> cell rows in the canonical column order."""
    fields = list(fields or [spec.field for spec in OrderRow.columns()])
    return [[r.get(f) for f in fields] for r in rows]


def write_sheet(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    sheet: str = "订单台账",
    title: str | None = "华东精工 2026 年订单台账",
    blank_rows: int = 1,
    merge_title: bool = True,
    errors: Iterable[tuple[int, int]] = (),
    extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None,
) -> Path:
    """A real .xlsx as a clerk keeps it: optional merged title, blank rows, then the table.

    ``rows`` starts with the header row. ``errors`` are (row, col) positions within
    ``rows`` (0-based) whose text value is written as an Excel error cell.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    top = 1
    if title:
        ws.cell(1, 1, title)
        if merge_title and rows:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(2, len(rows[0])))
        top = 2 + blank_rows
    error_set = set(errors)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is None:
                continue
            cell = ws.cell(top + i, j + 1, value)
            if (i, j) in error_set:
                cell.data_type = "e"
            elif isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text that only looks like a formula
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
    for name, extra in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for r in extra:
            other.append(list(r))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def header_row(path: Path, sheet: str = "订单台账") -> int:
    """The Excel row of the table header written by write_sheet (title + blank rows)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for row in ws.iter_rows(min_row=1, max_row=20):
        if sum(1 for c in row if c.value in ORDER_HEADERS) >= 3:
            return row[0].row
    raise AssertionError("no header")


def companion_sheets(rows: Sequence[dict[str, Any]]) -> dict[str, list[list[Any]]]:
    """客户档案 and 产品目录 that know every customer and product of ``rows``."""
    customers = sorted({r["customer"] for r in rows if isinstance(r.get("customer"), str) and r["customer"].strip()})
    products: dict[str, list[Any]] = {}
    for r in rows:
        code = r.get("product_code")
        if isinstance(code, str) and code not in products:
            price = r.get("unit_price") if isinstance(r.get("unit_price"), (int, float)) else None
            products[code] = [code, r.get("product_name") or code, r.get("spec"), "电机", "台", price, None, "生产", 7]
    return {
        "客户档案": [
            ["客户编号", "客户名称", "联系人", "手机", "地址", "负责销售"],
            *([f"C{i:04d}", name, "张伟", "13512345678", "上海市", "王磊"] for i, name in enumerate(customers, 1)),
        ],
        "产品目录": [
            [
                "产品编码",
                "产品名称",
                "规格型号",
                "产品类别",
                "单位",
                "标准单价",
                "成本单价",
                "供应方式",
                "生产/采购周期(天)",
            ],
            *list(products.values()),
        ],
    }


def write_orders(path: Path, rows: Iterable[dict[str, Any]], companions: bool = True, **kwargs: Any) -> Path:
    """An 订单台账 file with canonical headers and the given lines (and, by default, the
    客户档案 and 产品目录 that know its customers and products)."""
    rows = list(rows)
    if companions:
        kwargs["extra_sheets"] = {**companion_sheets(rows), **(kwargs.get("extra_sheets") or {})}
    return write_sheet(path, [ORDER_HEADERS, *order_values(rows)], **kwargs)


def cells(path: Path, sheet: str) -> dict[str, Any]:
    """Every non-empty cell value of a sheet, by address (what the clerk typed)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


XLWINGS_XLSM = Path(__import__("xlwings").__file__).parent / "quickstart_standalone.xlsm"
CUSTOM_UI = (
    '<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui">'
    '<ribbon><tabs><tab id="tabNeiQin" label="内勤"><group id="g" label="订单">'
    '<button id="validate_orders" label="校验订单" onAction="NeiQinAction"/>'
    "</group></tab></tabs></ribbon></customUI>"
)
UI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"


@pytest.fixture
def ribbon_xlsm(tmp_path: Path) -> Path:
    """A macro workbook with a real VBA project (xlwings' own) and a ribbon part."""
    target = tmp_path / "ribbon.xlsm"
    with zipfile.ZipFile(XLWINGS_XLSM) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    parts["customUI/customUI14.xml"] = CUSTOM_UI.encode()
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdNeiQinUI" Type="{UI_REL}" Target="customUI/customUI14.xml"/></Relationships>'.encode(),
    )
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return target


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    """A copy of a small demo-like order ledger with the usual mistakes."""
    rows = [
        make_order_row(),
        make_order_row(order_id="SO2611002", amount=17000.0),  # 金额 wrong
        make_order_row(order_id="SO2611003", customer=None),  # 客户 missing
    ]
    return write_orders(tmp_path / "orders.xlsx", rows)


def copy(path: Path, target: Path) -> Path:
    shutil.copyfile(path, target)
    return target


CUSTOMERS = [
    {
        "customer_id": "C0001",
        "name": "上海华东贸易有限公司",
        "contact": "张伟",
        "mobile": "13512345678",
        "sales_rep": "王磊",
    },
    {
        "customer_id": "C0002",
        "name": "苏州恒通机械有限公司",
        "contact": "李静",
        "mobile": "021-62345678",
        "sales_rep": "陈静",
    },
]
PRODUCTS = [
    {
        "product_code": "MT-2200",
        "product_name": "三相异步电机",
        "spec": "YE3-100L1-4 2.2kW",
        "list_price": 1850,
        "cost": 1330,
        "supply": "生产",
        "lead_days": 10,
    },
    {
        "product_code": "VF-0750",
        "product_name": "通用变频器",
        "spec": "FR-E820-0.75K",
        "list_price": 1280,
        "cost": 1010,
        "supply": "采购",
        "lead_days": 5,
    },
    {
        "product_code": "PT-OS80",
        "product_name": "骨架油封",
        "spec": "TC 40x62x8",
        "list_price": 6.5,
        "cost": 3.1,
        "supply": None,
        "lead_days": 2,
    },
]


def order_workbook(
    path: Path,
    orders: Sequence[dict[str, Any]],
    *,
    customers: Sequence[dict[str, Any]] = CUSTOMERS,
    products: Sequence[dict[str, Any]] = PRODUCTS,
    **ledgers: Sequence[dict[str, Any]],
) -> Path:
    """A workbook laid out as NeiQin.xlsm (Excel tables, dropdowns …) holding these ledgers."""
    import macros
    from neiqin.app.build import write_ledger_sheets

    wb = openpyxl.Workbook()
    data = {"orders": list(orders), "customers": list(customers), "products": list(products), **ledgers}
    write_ledger_sheets(wb, macros.actions(), data=data)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def ledger_rows(path: Path, name: str) -> list[dict[str, Any]]:
    """A ledger of a file as dicts by field (values as read), in sheet order."""
    from neiqin.core.ledger import read_ledger
    from neiqin.engine import open_book

    ledger = read_ledger(open_book(path, engine="headless"), name)
    return [{f: ledger.raw[f][p] for f in ledger.columns} | {"_row": r} for p, r in enumerate(ledger.rows)]


def run_action(
    path: Path,
    action_id: str,
    today: dt.date = TODAY,
    *,
    settings: Any = None,
    user: str | None = None,
    now: dt.datetime | None = None,
    check: bool = True,
) -> Any:
    """Run a ribbon action headless on a real file and save it, as a click in Excel does.

    ``check``: the action must have run (outcome ok or issues found) — a precondition of the test
    that calls it, not what it tests; pass ``check=False`` to test a refusal.
    """
    import macros
    from neiqin.engine import open_book

    book = open_book(path, engine="headless")
    summary = macros.run(action_id, book, today=today, settings=settings, user=user, now=now)
    if check:
        assert summary.outcome not in ("failed", "error"), summary.text()
    book.save()
    return summary


needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


def libreoffice_convert(source: Path, fmt: str, outdir: Path, timeout: int = 240) -> Path:
    """Convert ``source`` with headless LibreOffice (a profile of its own, so runs never clash).

    Only ever on a copy: LibreOffice must not save a file NeiQin ships (it damages the VBA project).
    """
    profile = outdir / "lo-profile"
    user = f"-env:UserInstallation={profile.resolve().as_uri()}"
    subprocess.run(
        ["soffice", "--headless", "--norestore", user, "--convert-to", fmt, "--outdir", str(outdir), str(source)],
        check=True,
        capture_output=True,
        timeout=timeout,
    )
    return outdir / f"{source.stem}.{fmt.split(':')[0]}"
