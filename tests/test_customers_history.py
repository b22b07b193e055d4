"""客户变更记录: the diff of two snapshots (the spec table), and the record kept by the archive's actions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from neiqin.core.china.names import company_key
from neiqin.core.config import Settings
from neiqin.core.store import open_store
from validators.customers import store as tables
from validators.customers.history import ADDED, REMOVED, Change, customer_key, diff, record

from .conftest import ledger_rows, run_action
from .customer_history import history_workbook

NOW = dt.datetime(2026, 11, 26, 9, 30)


def _snap(**customers: dict[str, Any]) -> dict[str, Any]:
    return {key: record(values.get("name", ""), values) for key, values in customers.items()}


def _stored(**customers: dict[str, Any]) -> dict[str, Any]:
    """A snapshot as the store gives it back: masked, nothing in plain."""
    return {key: r.masked() for key, r in _snap(**customers).items()}


A = {"customer_id": "C1", "name": "甲公司", "contact": "张伟", "mobile": "13512345678", "city": "杭州市"}

# (old snapshot, snapshot now, changes expected as (customer, field, old, new))
DIFFS = [
    pytest.param(_snap(C1=A), _snap(C1=A), [], id="nothing-changed"),
    pytest.param(_snap(C1=A), _snap(C1=A | {"contact": "王五"}), [("C1", "contact", "张伟", "王五")], id="one-field"),
    pytest.param(
        _snap(C1=A),
        _snap(C1=A | {"contact": "王五", "city": ""}),
        [("C1", "contact", "张伟", "王五"), ("C1", "city", "杭州市", "")],
        id="two-fields-in-sheet-order-one-emptied",
    ),
    pytest.param(
        _snap(C1=A),
        _snap(C1=A | {"mobile": "13512349999"}),
        [("C1", "mobile", "135****5678", "135****9999")],
        id="mobile-masked",
    ),
    pytest.param(
        _snap(C1=A),
        _snap(C1=A | {"mobile": "13500005678"}),
        [("C1", "mobile", "135****5678", "135****5678")],
        id="mobile-middle-digits-told-by-digest",
    ),
    pytest.param(_snap(C1=A), _snap(C1=A | {"mobile": " 13512345678 "}), [], id="same-value-other-spacing"),
    pytest.param(_stored(C1=A), _snap(C1=A), [], id="stored-snapshot-unchanged"),
    pytest.param(
        _stored(C1=A),
        _snap(C1=A | {"mobile": "13512349999", "contact": "王五"}),
        [("C1", "contact", "张伟", "王五"), ("C1", "mobile", "135****5678", "135****9999")],
        id="stored-snapshot-changed",
    ),
    pytest.param(_snap(), _snap(C2={"name": "乙公司"}), [("C2", ADDED, "", "乙公司")], id="customer-added"),
    pytest.param(_snap(C1=A), _snap(), [("C1", REMOVED, "甲公司", "")], id="customer-removed"),
    pytest.param(
        _snap(C1=A),
        _snap(C9=A | {"customer_id": "C9"}),
        [("C9", ADDED, "", "甲公司"), ("C1", REMOVED, "甲公司", "")],
        id="id-changed-is-removed-and-added",
    ),
    pytest.param(
        _snap(C1=A),
        _snap(C1={k: v for k, v in A.items() if k != "city"}),
        [("C1", "city", "杭州市", "")],
        id="column-gone",
    ),
]


@pytest.mark.parametrize(("old", "now", "expected"), DIFFS)
def test_diff(old: dict[str, Any], now: dict[str, Any], expected: list[tuple[str, str, str, str]]) -> None:
    assert [(c.customer, c.field, c.old, c.new) for c in diff(old, now)] == expected


@pytest.mark.parametrize(
    ("customer_id", "name", "key"),
    [
        ("C1", "甲公司", "C1"),
        (" C1 ", None, "C1"),
        (None, "杭州明远机电有限公司", "名称:" + company_key("杭州明远机电有限公司")),
        ("", "杭州明远机电有限责任公司", "名称:" + company_key("杭州明远机电有限公司")),  # the same name key
        ("", "", ""),
    ],
)
def test_customer_key(customer_id: Any, name: Any, key: str) -> None:
    assert customer_key(customer_id, name) == key


def test_record_keeps_no_confidential_value_in_plain() -> None:
    rec = record("甲公司", A | {"email": "buy@huadong.example.com", "uscc": "91330106MA2B0123X6"})
    kept = rec.masked()  # what the store keeps
    for secret in ("13512345678", "buy@huadong", "MA2B0123"):
        assert secret not in repr(kept) and secret not in repr(rec)
    assert kept.values["mobile"] == "135****5678" and len(rec.hashes["mobile"]) == 64
    assert kept.values["uscc"] == "91330106********X6" and kept.values["email"] == "b***@huadong.example.com"
    assert kept.same(rec) and rec.same(kept) and not kept.same(record("甲公司", A))
    assert diff({"C1": rec}, {"C1": rec}) == []
    assert isinstance(diff({}, {"C1": rec})[0], Change)


# ---------------------------------------------------------------- on real files


def _edit(path: Path, customer_id: str, header: str, value: Any) -> None:
    """What a clerk does in Excel: one cell of 客户档案 changed, the file saved."""
    row = next(r["_row"] for r in ledger_rows(path, "customers") if r["customer_id"] == customer_id)
    wb = openpyxl.load_workbook(path)
    ws = wb["客户档案"]
    head = next(r for r in ws.iter_rows(max_row=10) if any(c.value == "客户编号" for c in r))
    col = next(c.column for c in head if c.value == header)
    ws.cell(row, col).value = value
    wb.save(path)


def _changes() -> list[dict[str, Any]]:
    """The changes recorded (each test has one workbook), oldest first."""
    store = open_store(Settings().db)
    books = {r["workbook"] for r in store.read(_all)}
    if not books:
        return []
    (book,) = books
    return store.read(lambda conn: tables.changes(conn, book))


def _all(conn: Any) -> list[dict[str, Any]]:
    from sqlalchemy import select

    return [dict(r._mapping) for r in conn.execute(select(tables.customer_changes))]


def _sheet(path: Path) -> list[tuple[Any, ...]]:
    ws = openpyxl.load_workbook(path)["客户变更记录"]
    return [r for r in ws.iter_rows(min_row=5, values_only=True) if any(v is not None for v in r)]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = history_workbook(tmp_path / "台账.xlsx")
    summary = run_action(path, "validate_customers", user="李会计", now=NOW)  # first run: the snapshot only
    assert not [d for d in summary.details if "客户变更记录" in d]
    assert _changes() == []
    assert "客户变更记录" not in openpyxl.load_workbook(path).sheetnames
    return path


def test_clerks_two_edits_are_recorded_at_the_next_check(archive: Path) -> None:
    _edit(archive, "C1", "联系人", "王五")
    _edit(archive, "C3", "行业", "电子")
    later = NOW + dt.timedelta(hours=2)
    summary = run_action(archive, "validate_customers", user="周出纳", now=later)
    assert "客户变更记录：手工改动 2 处、本次『校验客户』改动 0 处，见『客户变更记录』。" in summary.details
    got = [(r["changed_at"], r["user"], r["source"], r["customer"], r["field"], r["old"], r["new"]) for r in _changes()]
    assert got == [
        (later, "周出纳", "手工", "C1", "联系人", "张伟", "王五"),
        (later, "周出纳", "手工", "C3", "行业", "机械", "电子"),
    ]
    assert _sheet(archive) == [
        (later, "周出纳", "手工", "C1", "上海华东贸易有限公司", "联系人", "张伟", "王五"),
        (later, "周出纳", "手工", "C3", "杭州明远机电有限公司", "行业", "机械", "电子"),
    ]
    run_action(archive, "validate_customers", user="周出纳", now=later)  # nothing new: nothing recorded twice
    assert len(_changes()) == 2
    kept = open_store(Settings().db).read(_snapshot)
    assert sorted(kept) == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert kept["C1"].values["contact"] == "王五" and kept["C3"].values["industry"] == "电子"
    assert kept["C1"].values["mobile"] == "135****5678" and "mobile" in kept["C1"].hashes


def _snapshot(conn: Any) -> dict[str, Any]:
    from sqlalchemy import select

    (book,) = {r.workbook for r in conn.execute(select(tables.customer_snapshots))}
    return tables.load_snapshot(conn, book) or {}


def test_a_clerks_own_sheet_of_that_name_is_refused_before_anything(archive: Path) -> None:
    wb = openpyxl.load_workbook(archive)
    wb.create_sheet("客户变更记录")["A1"] = "我自己的记录"
    wb.save(archive)
    _edit(archive, "C1", "联系人", "王五")
    summary = run_action(archive, "classify_customers", user="李会计", now=NOW, check=False)
    assert summary.outcome == "failed" and "『客户变更记录』" in summary.message and "改名" in summary.message
    assert _changes() == []
    assert openpyxl.load_workbook(archive)["客户变更记录"]["A1"].value == "我自己的记录"
    assert next(r for r in ledger_rows(archive, "customers") if r["customer_id"] == "C1").get("grade") in (None, "")


def test_classify_writes_are_recorded_once_under_its_label(archive: Path) -> None:
    summary = run_action(archive, "classify_customers", user="李会计", now=NOW)
    own = _changes()
    assert own and {r["source"] for r in own} == {"客户分级"}
    assert ("C1", "客户等级", "", "A") in [(r["customer"], r["field"], r["old"], r["new"]) for r in own]
    assert not [r for r in own if r["customer"] == "C6"]  # locked: never written, never recorded
    assert f"本次『客户分级』改动 {len(own)} 处" in "".join(summary.details)
    run_action(archive, "validate_customers", user="周出纳", now=NOW)
    assert _changes() == own  # not again as 手工
    assert len(_sheet(archive)) == len(own)


def test_a_changed_mobile_is_masked_in_the_sheet_and_the_store(archive: Path) -> None:
    _edit(archive, "C2", "手机", "13987654321")
    run_action(archive, "validate_customers", user="周出纳", now=NOW)
    assert [(r["field"], r["old"], r["new"]) for r in _changes()] == [("手机", "139****5670", "139****4321")]
    assert _sheet(archive)[0][5:] == ("手机", "139****5670", "139****4321")
    store = open_store(Settings().db)

    def snapshots(conn: Any) -> str:
        from sqlalchemy import select

        return repr([tuple(r) for r in conn.execute(select(tables.customer_snapshots))])

    kept = store.read(snapshots) + repr(store.read(_all))
    for plain in ("13987654321", "13912345670", "13512345678", "buy@"):  # e-mail: b***@domain
        assert plain not in kept


def test_merge_and_unmerge_are_recorded_under_their_labels(tmp_path: Path) -> None:
    import macros
    from neiqin.engine import open_book

    from .conftest import TODAY
    from .test_customers_merge import mark_survivor, workbook

    path = workbook(tmp_path)
    run_action(path, "validate_customers", user="李会计", now=NOW)
    run_action(path, "find_duplicate_customers", now=NOW)
    book = open_book(path, engine="headless")
    mark_survivor(book, "C1")
    book.save()
    run_action(path, "merge_customers", user="李会计", now=NOW)
    merged = [(r["source"], r["customer"], r["field"], r["old"], r["new"]) for r in _changes()]
    assert ("合并客户", "C2", REMOVED, "上海华东贸易有限责任公司", "") in merged
    assert ("合并客户", "C1", "邮箱", "", "b***@huadong.example.com") in merged
    assert {m[0] for m in merged} == {"合并客户"}
    book = open_book(path, engine="headless")
    assert macros.run("unmerge_customers", book, today=TODAY, user="李会计", now=NOW).outcome == "ok"
    book.save()
    undone = [(r["source"], r["customer"], r["field"], r["old"], r["new"]) for r in _changes()][len(merged) :]
    assert ("撤销合并", "C2", ADDED, "", "上海华东贸易有限责任公司") in undone
    assert ("撤销合并", "C1", "邮箱", "b***@huadong.example.com", "") in undone
    assert {u[0] for u in undone} == {"撤销合并"}
    assert len(_sheet(path)) == len(merged) + len(undone)
