"""合并客户 / 撤销合并: survivor values, orders and archive re-pointed, records kept in the store, a round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import macros
from neiqin.core.store import open_store
from neiqin.engine import open_book
from validators.archive import digest
from validators.customers import store as tables
from validators.customers.planners import DUPES_SHEET

from .conftest import TODAY, make_order_row, order_workbook, validate_file

A = "上海华东贸易有限公司"
B = "上海华东贸易有限责任公司"  # the same company typed again by another clerk
C = "苏州恒通机械有限公司"
CUSTOMERS = [
    {"customer_id": "C1", "name": A, "contact": "张伟", "mobile": "13512345678", "updated": dt.datetime(2026, 1, 5)},
    {"customer_id": "C2", "name": B, "contact": None, "mobile": "13912345678", "email": "buy@huadong.example.com",
     "updated": dt.datetime(2026, 10, 8)},
    {"customer_id": "C3", "name": C, "contact": "李静", "mobile": "13612345678", "updated": dt.datetime(2026, 3, 1)},
]  # fmt: skip


def _archived(**values: Any) -> dict[str, Any]:
    row = make_order_row(**values)
    return {**row, "archived_at": dt.datetime(2026, 9, 1, 10), "digest": digest(row)}


def workbook(tmp_path: Path) -> Path:
    orders = [
        make_order_row(order_id="SO1", customer=A),
        make_order_row(order_id="SO2", customer=B),
        make_order_row(order_id="SO2", customer=B, product_code="VF-0750", spec="FR-E820-0.75K", unit_price=1280),
        make_order_row(order_id="SO3", customer=C),
    ]
    archive = [_archived(order_id="SO0", customer=B), _archived(order_id="SO00", customer=C)]
    return order_workbook(tmp_path / "台账.xlsx", orders, customers=CUSTOMERS, archive=archive)


def values(book: Any, sheet: str) -> list[list[Any]]:
    return book.sheets[sheet].used_range.options(ndim=2).value


def customer_rows(book: Any) -> list[list[Any]]:
    rows = values(book, "客户档案")
    header = next(i for i, r in enumerate(rows) if "客户编号" in r)
    return [rows[header], *sorted((r for r in rows[header + 1 :] if any(v is not None for v in r)), key=str)]


def mark_survivor(book: Any, customer_id: str) -> None:
    rows = values(book, DUPES_SHEET)
    header = rows[3]
    at = next(i for i, r in enumerate(rows) if r[header.index("客户编号")] == customer_id)
    book.sheets[DUPES_SHEET].range((at + 1, header.index("保留") + 1)).value = "是"


def test_merge_and_unmerge_round_trip(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = open_book(path)
    before = {s: values(book, s) for s in ("订单台账", "订单归档")}
    before_customers = customer_rows(book)
    assert macros.run("find_duplicate_customers", book, today=TODAY).outcome == "ok"
    mark_survivor(book, "C1")
    summary = macros.run("merge_customers", book, today=TODAY)
    assert summary.outcome == "ok", summary.text()
    assert "合并了 1 组" in summary.message and "订单台账 2 行、订单归档 1 行" in summary.message
    book.save()

    book = open_book(path)
    rows = customer_rows(book)
    header = rows[0]
    by_id = {r[header.index("客户编号")]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_id) == {"C1", "C3"}
    survivor = by_id["C1"]
    assert survivor["客户名称"] == A and survivor["联系人"] == "张伟"  # C2 had no contact: C1's stays
    assert survivor["手机"] == "13912345678" and survivor["邮箱"] == "buy@huadong.example.com"  # C2's are newer
    orders = values(book, "订单台账")
    customer_col = orders[next(i for i, r in enumerate(orders) if "客户名称" in r)].index("客户名称")
    assert sorted({r[customer_col] for r in orders if r[customer_col] in (A, B, C)}) == [A, C]
    assert validate_file(path, "archive").issues == []  # re-pointed archive lines carry their new 校验值
    kept = open_store().read(tables.open_merges)
    assert [(m["survivor"], m["merged_ids"]) for m in kept] == [("C1", ["C2"])]
    assert kept[0]["data"]["records"][0]["name"] == B
    assert len(open_store().archived()) == 1  # the re-pointed version of the archived line

    summary = macros.run("unmerge_customers", book, today=TODAY)
    assert summary.outcome == "ok", summary.text()
    assert "恢复客户 C2" in summary.message and "3 行订单改回原客户" in summary.message
    book.save()
    book = open_book(path)
    assert {s: values(book, s) for s in ("订单台账", "订单归档")} == before
    assert customer_rows(book) == before_customers
    assert validate_file(path, "archive").issues == []
    assert open_store().read(tables.open_merges) == []
    again = macros.run("unmerge_customers", book, today=TODAY)
    assert again.message == "没有可以撤销的客户合并。"


def test_a_group_with_two_survivors_is_not_merged(tmp_path: Path) -> None:
    book = open_book(workbook(tmp_path))
    macros.run("find_duplicate_customers", book, today=TODAY)
    mark_survivor(book, "C1")
    mark_survivor(book, "C2")
    summary = macros.run("merge_customers", book, today=TODAY)
    assert summary.outcome == "issues"
    assert "第 1 组标了 2 家「保留」（C1、C2），只能保留一家，本组未合并" in summary.details
    assert len(customer_rows(book)) == 4
    assert open_store().read(tables.open_merges) == []


def test_nothing_marked_merges_nothing(tmp_path: Path) -> None:
    book = open_book(workbook(tmp_path))
    macros.run("find_duplicate_customers", book, today=TODAY)
    summary = macros.run("merge_customers", book, today=TODAY)
    assert summary.outcome == "ok" and "没有确认的组" in summary.message
    assert len(customer_rows(book)) == 4


def test_merge_without_the_duplicates_sheet_says_what_to_do(tmp_path: Path) -> None:
    summary = macros.run("merge_customers", open_book(workbook(tmp_path)), today=TODAY)
    assert summary.outcome == "failed" and "请先点『查找重复客户』" in summary.message
