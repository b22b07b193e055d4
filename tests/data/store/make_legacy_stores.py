"""Make the pre-Alembic store fixtures with the code that made such stores (run by hand, output committed).

    python tests/data/store/make_legacy_stores.py

Each ``neiqin-<rev>.db`` is created by the ``Store`` class of that commit, taken with ``git show``
and run as it was, and filled through its own methods:

- ``neiqin-fd02737.db``: the store before order lines were kept (only the action log; the
  ``order_status`` table and its ``before_pause`` column arrived together in a478a0b);
- ``neiqin-d753945.db``: the store of main before Alembic (every table), including what its
  read-before-write allowed: one invoice accepted on two claims by two clerks at the same moment,
  one order line archived twice at the same moment, and one sealed copy recorded twice.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from neiqin.base.addin import ensure_import_path  # noqa: E402

ensure_import_path()

WHEN = dt.datetime(2026, 10, 20, 9, 30)


def git_source(rev: str, path: str) -> str:
    """The store module of commit ``rev``, also kept beside the fixtures as ``store_<rev>.py.txt``."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:{path}"], check=True, capture_output=True, text=True
    ).stdout
    (HERE / f"store_{rev}.py.txt").write_text(source, encoding="utf-8")
    return source


def old_store(rev: str, source: str | None = None) -> types.ModuleType:
    """The ``neiqin.store`` module of commit ``rev`` (from its kept source unless given), run as it was."""
    if source is None:
        source = (HERE / f"store_{rev}.py.txt").read_text(encoding="utf-8")
    source = source.replace("from .errors import NeiQinError", "from neiqin.base.errors import NeiQinError")
    # the archive's value text of that time (validators.archive has moved since)
    source = source.replace("from validators.archive import canonical", "pass")
    module = types.ModuleType(f"neiqin_store_{rev}")
    module.canonical = canonical_d753945  # type: ignore[attr-defined]
    exec(compile(source, f"{rev}:store.py", "exec"), module.__dict__)
    return module


def canonical_d753945(value: object) -> str:
    """``validators.archive.canonical`` as of d753945: the text archived lines were kept in then."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second) != (0, 0, 0):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        number = round(float(value), 6)
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value).strip()


def fresh(name: str) -> str:
    target = HERE / name
    for leftover in HERE.glob(name + "*"):
        leftover.unlink()
    return f"sqlite:///{target}"


def checkpoint(store: object, url: str) -> None:
    """Fold the WAL into the file so the committed .db alone holds everything."""
    import sqlite3

    store.dispose()  # type: ignore[attr-defined]
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()


def race(*calls: object) -> None:
    """Run the calls in threads released at the same moment."""
    barrier = threading.Barrier(len(calls))

    def run(call: object) -> None:
        barrier.wait()
        call()  # type: ignore[operator]

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def make_fd02737() -> None:
    url = fresh("neiqin-fd02737.db")
    store = old_store("fd02737", git_source("fd02737", "neiqin/store.py")).Store(url)
    store.log_action(
        "validate_orders",
        "D:/台账/订单.xlsx",
        "issues",
        rows=120,
        issues=3,
        errors=1,
        seconds=0.8,
        message="检查了 120 行订单，发现 3 条问题",
        user="李娜",
        time=WHEN,
    )
    store.log_action(
        "validate_orders",
        "D:/台账/订单.xlsx",
        "ok",
        rows=118,
        seconds=0.7,
        message="未发现问题",
        user="李娜",
        time=WHEN + dt.timedelta(hours=1),
    )
    store.log_action(
        "validate_orders",
        "D:/台账/订单2.xlsx",
        "failed",
        message="找不到表头",
        user="王磊",
        time=WHEN + dt.timedelta(hours=2),
    )
    checkpoint(store, url)


def make_d753945() -> None:
    url = fresh("neiqin-d753945.db")
    old = old_store("d753945", git_source("d753945", "neiqin/core/store.py"))
    store = old.Store(url)
    store.log_action(
        "validate_orders",
        "D:/台账/NeiQin.xlsm",
        "issues",
        rows=1991,
        issues=12,
        errors=9,
        seconds=2.1,
        message="检查了 1,991 行订单，发现 12 条问题",
        user="李娜",
        time=WHEN,
    )
    store.log_action(
        "archive_orders",
        "D:/台账/NeiQin.xlsm",
        "ok",
        rows=3,
        seconds=0.4,
        message="归档 3 行",
        user="李娜",
        time=WHEN + dt.timedelta(minutes=5),
    )
    store.record_statuses(
        {
            ("SO2610001", "MT-2200"): "已确认",
            ("SO2610001", "VF-0750"): "生产中",
            ("SO2610002", "MT-2200"): "已发货",
            ("SO2610003", "PT-OS80"): "已确认",
        },
        "D:/台账/NeiQin.xlsm",
    )
    store.record_statuses({("SO2610003", "PT-OS80"): "暂停"}, "D:/台账/NeiQin.xlsm")
    lines = [
        {
            "order_id": "SO2609001",
            "product_code": "MT-2200",
            "quantity": 10.0,
            "amount": 18500.0,
            "order_date": dt.datetime(2026, 9, 3),
            "customer": " 上海华东贸易有限公司 ",
        },
        {
            "order_id": "SO2609002",
            "product_code": "VF-0750",
            "quantity": 2,
            "amount": 2560.5,
            "order_date": dt.datetime(2026, 9, 4, 14, 30),
            "customer": "苏州恒通机械有限公司",
        },
    ]
    store.archive_lines(lines, ["a" * 64, "b" * 64], "D:/台账/NeiQin.xlsm", "李娜", WHEN)
    twice = [{"order_id": "SO2609003", "product_code": "PT-OS80", "quantity": 100, "amount": 650.0}]
    race(
        lambda: store.archive_lines(twice, ["c" * 64], "D:/台账/NeiQin.xlsm", "李娜", WHEN),
        lambda: store.archive_lines(twice, ["c" * 64], "D:/台账/订单副本.xlsx", "王磊", WHEN),
    )
    store.reserve_invoices(
        "BX2610001",
        [
            {"key": "3100231130-01234567", "amount": 800.0, "invoice_date": dt.datetime(2026, 10, 8)},
            {"key": "26312000000012345678", "amount": 1260.0, "invoice_date": dt.datetime(2026, 10, 9)},
        ],
        WHEN,
        "李娜",
        "D:/报销/张伟10月.xlsx",
    )
    store.set_claim_stage("BX2610001", "已支付", WHEN + dt.timedelta(days=7))
    store.prereview_claim(
        "BX2610002",
        [{"key": "3100231130-07654321", "amount": 320.0, "invoice_date": None}],
        claimant="王磊",
        total=320.0,
        fingerprint="f" * 64,
        when=WHEN,
        user="李娜",
        workbook="D:/报销/王磊10月.xlsx",
        months={"交通费|2026-10": 320.0},
    )
    store.record_seal("BX2610002", "d" * 64, "D:/报销/王磊10月-封存.xlsx", WHEN + dt.timedelta(hours=3), "李娜")
    store.record_seal("BX2610002", "d" * 64, "D:/报销/王磊10月-封存(2).xlsx", WHEN + dt.timedelta(hours=4), "李娜")
    store.reserve_invoices("BX2610003", [{"key": "1100000000-00000009", "amount": 50.0}], WHEN, "李娜")
    store.release_invoices("BX2610003", WHEN + dt.timedelta(days=1))
    store.set_claim_stage("BX2610003", "初审退回", WHEN + dt.timedelta(days=1))
    # two clerks pre-reviewing two claims that carry the same invoice, at the same moment
    race(
        lambda: store.reserve_invoices("BX2610004", [{"key": "4400000000-00000042", "amount": 99.0}], WHEN, "李娜"),
        lambda: store.reserve_invoices("BX2610005", [{"key": "4400000000-00000042", "amount": 99.0}], WHEN, "王磊"),
    )
    checkpoint(store, url)


def raced(path: Path) -> bool:
    """Whether both races of the old code let the second clerk in (they usually do; not always)."""
    import sqlite3

    con = sqlite3.connect(path)
    try:
        invoices = con.execute("SELECT count(*) FROM invoice_registry WHERE invoice_key = '4400000000-00000042'")
        archived = con.execute("SELECT count(*) FROM archived_orders WHERE order_id = 'SO2609003'")
        return invoices.fetchone()[0] == 2 and archived.fetchone()[0] == 2
    finally:
        con.close()


if __name__ == "__main__":
    make_fd02737()
    for _attempt in range(20):
        make_d753945()
        if raced(HERE / "neiqin-d753945.db"):
            break
    else:
        raise SystemExit("the old code's races did not double anything in 20 tries")
    import sqlite3

    for name in ("neiqin-fd02737.db", "neiqin-d753945.db"):
        con = sqlite3.connect(HERE / name)
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        print(name, {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables})
        con.close()
