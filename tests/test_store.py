"""The store on SQLite and on PostgreSQL: every method, and "only once" decided by the database under races."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from neiqin.core.store import (
    Store,
    StoreError,
    archived_orders,
    expense_claims,
    invoice_registry,
    order_status,
)

from . import store_procs
from .store_procs import at_once

WHEN = dt.datetime(2026, 11, 20, 9, 0)
KEY = "3100231130-01234567"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(url: str) -> Store:
    opened = Store(url)
    yield opened
    opened.dispose()


def count(store: Store, table: Any, *where: Any) -> int:
    return store.read(lambda conn: conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def race(n: int, call: Callable[[int], Any]) -> list[Any]:
    """``call(i)`` in ``n`` threads released at the same moment; their results (or exceptions) in order."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = call(i)
        except Exception as exc:  # reported by the test, not lost in the thread
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


# ---- every method, on both backends


def test_action_log_newest_first_with_user_and_limit(store: Store) -> None:
    for i in range(3):
        store.log_action("validate_orders", f"/w{i}.xlsx", "ok", rows=i, seconds=0.1234, user="李娜")
    rows = store.actions(2)
    assert [r["workbook"] for r in rows] == ["/w2.xlsx", "/w1.xlsx"]
    assert rows[0]["user"] == "李娜" and rows[0]["seconds"] == 0.123 and rows[0]["rows"] == 2


def test_statuses_remember_the_status_before_a_pause(store: Store) -> None:
    a, b = ("SO1", "MT-2200"), ("SO1", "MT-2200#2")
    assert store.record_statuses({a: "已确认", b: "生产中"}, "/w.xlsx") == 2
    assert store.record_statuses({a: "已确认", b: "生产中"}) == 0  # nothing changed
    assert store.record_statuses({a: "暂停"}) == 1
    assert store.statuses() == {a: ("暂停", "已确认"), b: ("生产中", None)}
    store.record_statuses({a: "生产中"})
    assert store.statuses([a, ("SO9", "X")]) == {a: ("生产中", "已确认")}


def test_rekey_moves_the_second_line_and_forgets_the_archived(store: Store) -> None:
    first, second = ("SO1", "MT-2200"), ("SO1", "MT-2200#2")
    store.record_statuses({first: "已完成", second: "已确认"})
    store.record_statuses({second: "暂停"})
    store.rekey_statuses({second: first}, drop={first})
    assert store.statuses() == {first: ("暂停", "已确认")}
    store.rekey_statuses({}, set())  # nothing to do
    assert count(store, order_status) == 1


def test_archive_keeps_each_line_once_with_canonical_values(store: Store) -> None:
    line = {"order_id": "SO1", "product_code": "MT-2200", "quantity": 10.0, "order_date": dt.datetime(2026, 9, 3)}
    other = {"order_id": "SO2", "product_code": "VF-0750", "amount": 2560.123456789, "customer": " 苏州恒通 "}
    store.archive_lines([line, line], ["d1", "d1"], "/w.xlsx", "李娜", WHEN)  # the same line twice in one call
    store.archive_lines([line, other], ["d1", "d2"], "/w.xlsx", "王磊", WHEN)  # kept before: skipped
    kept = store.archived()
    assert [(r["order_id"], r["digest"], r["user"]) for r in kept] == [("SO1", "d1", "李娜"), ("SO2", "d2", "王磊")]
    assert '"quantity": "10"' in kept[0]["data"] and '"order_date": "2026-09-03"' in kept[0]["data"]
    assert '"amount": "2560.123456789"' in kept[1]["data"] and '"customer": "苏州恒通"' in kept[1]["data"]
    assert [r["digest"] for r in store.archived(["d2", "nope"])] == ["d2"]


def test_invoices_reserved_by_one_claim_until_released(store: Store) -> None:
    invoices = [{"key": KEY, "amount": 800.0, "invoice_date": dt.datetime(2026, 11, 3)}, {"key": "K2"}, {"key": "K2"}]
    assert store.reserve_invoices("BX1", invoices, WHEN, user="李娜") == []
    assert store.reserve_invoices("BX1", invoices, WHEN) == []  # pressing the button twice is harmless
    assert store.reserve_invoices("BX2", [{"key": "K3"}, {"key": KEY}], WHEN) == [KEY]
    assert set(store.claimed_invoices([KEY, "K2", "K3"])) == {KEY, "K2"}  # all or none: K3 not reserved
    assert store.claimed_invoices([KEY])[KEY]["claim_id"] == "BX1"
    assert store.claimed_invoices([]) == {}
    assert store.release_invoices("BX1", WHEN) == 2
    assert store.reserve_invoices("BX2", [{"key": KEY}], WHEN) == []
    assert store.claimed_invoices([KEY])[KEY]["claim_id"] == "BX2"
    assert count(store, invoice_registry) == 3  # the released rows stay as history


def test_seals_once_per_digest_numbered_by_submission(store: Store) -> None:
    store.record_seal("BX1", "a" * 64, "/s/1.xlsx", WHEN, "李娜")
    store.record_seal("BX1", "a" * 64, "/s/1-again.xlsx", WHEN + dt.timedelta(hours=1))  # same copy: once
    store.set_claim_stage("BX1", "财务退回", WHEN + dt.timedelta(days=1))
    store.record_seal("BX1", "b" * 64, "/s/2.xlsx", WHEN + dt.timedelta(days=2))
    store.record_seal("BX2", "a" * 64, "/s/x.xlsx", WHEN)
    assert [(s["digest"][0], s["file"], s["submission"]) for s in store.seals("BX1")] == [
        ("a", "/s/1.xlsx", 1),
        ("b", "/s/2.xlsx", 2),
    ]
    assert [s["claim_id"] for s in store.seals()] == ["BX1", "BX1", "BX2"]
    assert store.claim("BX1")["stage"] == "已交财务"


def test_claim_stages_and_monthly_amounts(store: Store) -> None:
    store.set_claim_stage("BX1", "初审退回", WHEN)
    store.set_claim_stage("BX1", "财务已审核", WHEN + dt.timedelta(days=1))
    assert count(store, expense_claims) == 1
    assert store.claim("BX1")["stage"] == "财务已审核" and store.claim("BX404") is None
    assert store.claims([]) == {} and store.claims(["", None]) == {}  # type: ignore[list-item]
    for cid, stage in (("BX2", None), ("BX3", None), ("BX4", "初审退回")):
        store.prereview_claim(
            cid, [], claimant="张伟", total=100.0, fingerprint="f", when=WHEN, months={"交通费|2026-11": 100.5}
        )
        if stage:
            store.set_claim_stage(cid, stage, WHEN)
    assert store.monthly_amounts("张伟", exclude="BX2") == {"交通费|2026-11": 100.5}
    assert store.monthly_amounts("张伟", exclude="") == {"交通费|2026-11": 201.0}
    assert store.monthly_amounts("", exclude="") == {}


def test_prereview_reserves_corrects_and_refuses(store: Store) -> None:
    def prereview(cid: str, invoices: list[dict[str, Any]], claimant: str = "张伟") -> Any:
        return store.prereview_claim(cid, invoices, claimant=claimant, total=None, fingerprint="f", when=WHEN)

    assert prereview("BX1", [{"key": KEY, "amount": 800.0}, {"key": "K2", "amount": 5.0}]) == (None, {})
    assert prereview("BX2", [{"key": KEY, "amount": 800.0}]) == (None, {KEY: "BX1"})  # EXP-024 names BX1
    assert prereview("BX1", [{"key": KEY, "amount": 880.0}]) == (None, {})  # the claimant corrects an amount
    assert store.claimed_invoices([KEY, "K2"]) == {KEY: store.claimed_invoices([KEY])[KEY]}  # K2 released
    assert store.claimed_invoices([KEY])[KEY]["amount"] == 880.0
    assert prereview("BX1", [{"key": KEY, "amount": 1.0}], claimant="李四") == (None, {KEY: "BX1"})
    store.record_seal("BX1", "d" * 64, "/s.xlsx", WHEN)
    assert prereview("BX1", [{"key": KEY, "amount": 880.0}]) == ("已交财务", {})
    store.set_claim_stage("BX1", "已支付", WHEN)
    assert prereview("BX1", [{"key": KEY, "amount": 880.0}]) == ("已支付", {})


def test_a_broken_table_is_a_chinese_store_error_not_a_traceback(store: Store) -> None:
    store.write(lambda conn: conn.execute(text("DROP TABLE action_log")))
    with pytest.raises(StoreError, match="无法写入操作日志到数据库") as raised:
        store.log_action("validate_orders", "/w.xlsx", "ok")
    assert "请检查『数据库』设置" in str(raised.value)


# ---- "only once", decided by the database when clerks press the button at the same moment


def test_many_claims_racing_for_one_invoice_exactly_one_wins(url: str) -> None:
    store = Store(url)
    results = race(12, lambda i: store.reserve_invoices(f"BX{i:02d}", [{"key": KEY, "amount": 99.0}], WHEN))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(map(tuple, results)) == [()] + [(KEY,)] * 11
    winner = f"BX{results.index([]):02d}"
    assert store.claimed_invoices([KEY])[KEY]["claim_id"] == winner
    assert count(store, invoice_registry, invoice_registry.c.released_at.is_(None)) == 1


def test_prereviews_racing_for_one_invoice_losers_are_told_the_winner(url: str) -> None:
    store = Store(url)

    def prereview(i: int) -> Any:
        invoices = [{"key": f"OWN-{i}", "amount": 1.0}, {"key": KEY, "amount": 99.0}]
        return store.prereview_claim(f"BX{i}", invoices, claimant=f"员工{i}", total=100.0, fingerprint="f", when=WHEN)

    results = race(8, prereview)
    assert not [r for r in results if isinstance(r, Exception)], results
    winners = [i for i, r in enumerate(results) if r == (None, {})]
    assert len(winners) == 1
    assert all(r == (None, {KEY: f"BX{winners[0]}"}) for i, r in enumerate(results) if i != winners[0])
    assert set(store.claimed_invoices([f"OWN-{i}" for i in range(8)])) == {f"OWN-{winners[0]}"}  # losers: nothing


def test_racing_archives_seals_stages_and_statuses_keep_one_row_each(url: str) -> None:
    store = Store(url)
    lines = [{"order_id": f"SO{i}", "product_code": "MT"} for i in range(20)]
    digests = [f"d{i}" for i in range(20)]
    keys = {(f"SO{i}", "MT"): "已确认" for i in range(20)}
    outcomes = race(
        8,
        lambda i: (
            store.archive_lines(lines, digests, f"/w{i}.xlsx", f"clerk{i}", WHEN),
            store.record_seal("BX1", f"{i:064d}", f"/s{i}.xlsx", WHEN),  # eight different copies of one claim
            store.record_seal("BX2", "e" * 64, f"/t{i}.xlsx", WHEN),  # the same copy eight times
            store.set_claim_stage("BX3", "初审退回", WHEN),
            store.record_statuses(keys, f"/w{i}.xlsx"),
        ),
    )
    assert not [r for r in outcomes if isinstance(r, Exception)], outcomes
    assert count(store, archived_orders) == 20
    assert sorted(s["submission"] for s in store.seals("BX1")) == list(range(1, 9))
    assert len(store.seals("BX2")) == 1
    assert count(store, expense_claims, expense_claims.c.claim_id == "BX3") == 1
    assert count(store, order_status) == 20
    assert sum(r[4] for r in outcomes) == 20  # each line recorded once, by whichever clerk came first


def test_processes_racing_for_one_invoice_exactly_one_wins(url: str) -> None:
    Store(url).dispose()  # the schema first: this test is about the invoice, not the upgrade
    claims = [f"BX{i}" for i in range(6)]
    results = at_once(store_procs.reserve, [(url, claim, KEY, WHEN) for claim in claims])
    assert sorted(map(str, results)) == ["[" + repr(KEY) + "]"] * 5 + ["[]"]
    winner = claims[results.index([])]
    assert Store(url).claimed_invoices([KEY])[KEY]["claim_id"] == winner


def test_a_writer_waits_for_another_clerks_transaction(tmp_path: Path) -> None:
    """SQLite: a write that finds the file locked waits (busy timeout) and then succeeds."""
    import sqlite3
    import time

    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    other = sqlite3.connect(tmp_path / "s.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute(
        "INSERT INTO expense_claims (claim_id, stage, claimant, fingerprint, months, prereviewer, "
        "updated_at, workbook) VALUES ('BX9', '初审通过', '', '', '{}', '', '2026-11-20 09:00:00', '')"
    )
    timer = threading.Timer(0.5, other.execute, args=("COMMIT",))
    timer.start()
    started = time.perf_counter()
    assert store.reserve_invoices("BX1", [{"key": KEY}], WHEN) == []
    assert time.perf_counter() - started >= 0.4
    timer.join()
    assert store.claim("BX9")["stage"] == "初审通过"


def test_a_missing_driver_says_what_to_install() -> None:
    import importlib.util

    if importlib.util.find_spec("pg8000") is not None:
        pytest.skip("pg8000 is installed here")
    with pytest.raises(StoreError, match=r"缺少数据库驱动 pg8000.*neiqin\[postgres\]") as raised:
        Store("postgresql+pg8000://neiqin:Geheim-Pw-42@127.0.0.1:1/neiqin")
    assert "Geheim-Pw-42" not in str(raised.value)


def test_an_unreachable_server_is_named_without_its_password() -> None:
    with pytest.raises(StoreError, match="无法打开数据库") as raised:
        Store("postgresql+psycopg://neiqin:Geheim-Pw-42@127.0.0.1:1/neiqin")
    message = str(raised.value)
    assert "Geheim-Pw-42" not in message and "postgresql+psycopg://neiqin:***@127.0.0.1:1/neiqin" in message


@pytest.mark.postgres
def test_a_wrong_password_is_said_without_showing_it(postgres_url: str) -> None:
    from sqlalchemy.engine import make_url

    wrong = make_url(postgres_url).set(password="Falsch-Pw-17").render_as_string(hide_password=False)
    with pytest.raises(StoreError, match="password authentication failed") as raised:
        Store(wrong)
    right = make_url(postgres_url).password
    assert "Falsch-Pw-17" not in str(raised.value) and str(right) not in str(raised.value)
    assert "请检查『数据库』设置或 NEIQIN_DB" in str(raised.value)
