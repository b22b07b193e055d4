"""『生成报价单』 end to end on real files: filled from the master data, numbered once in the store,
written beside the workbook as a print-ready file; refusals say where and what to do."""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy.exc import IntegrityError

import macros
import neiqin
from neiqin.core.config import Settings
from neiqin.core.store import open_store
from neiqin.engine import open_book
from validators.quotations import store as tables

from .conftest import libreoffice_convert, needs_libreoffice, run_action, validate_file
from .quote_factory import FIRST_LINE_ROW, TODAY, label_value, line_values, make_quote, new_quote, quote_file

NOW = dt.datetime(2026, 11, 26, 10, 30)


def make(path: Path, today: dt.date = TODAY, settings: Any = None, check: bool = True) -> Any:
    return run_action(path, "make_quotation", today, settings=settings, user="李娜", now=NOW, check=check)


def make_on(path: Path, sheet: str, today: dt.date = TODAY) -> Any:
    """『生成报价单』 with ``sheet`` active (the clerk is looking at that quotation)."""
    book = open_book(path, engine="headless")
    book.sheets[sheet].activate()
    summary = macros.run("make_quotation", book, today=today, user="李娜", now=NOW)
    book.save()
    return summary


def stored() -> list[dict[str, Any]]:
    return open_store().read(tables.all_quotations)


def started(tmp_path: Path, *lines: dict[str, Any], name: str = "w.xlsx", **kwargs: Any) -> Path:
    lines = lines or ({"product_code": "MT-2200", "quantity": 3}, {"product_code": "vf-0750", "quantity": 2})
    return quote_file(tmp_path / name, new_quote(*lines), **kwargs)


def test_a_started_quotation_is_filled_from_the_master_data(tmp_path: Path) -> None:
    path = started(tmp_path)
    summary = make(path)
    assert summary.outcome == "ok", summary.text()
    assert "BJ-2026-0001" in summary.message and "捌仟壹佰壹拾元整" in summary.message
    expected = {
        "报价单号": "BJ-2026-0001",
        "客户": "上海华东贸易有限公司",
        "客户编号": "C0001",
        "联系人": "张伟",
        "报价日期": dt.datetime(2026, 11, 26),
        "有效期至": dt.datetime(2026, 12, 26),  # 30 days, the default
        "税率": 0.13,
        "付款方式": "月结 30 天",
        "交货期": "收到订单后 15 个工作日内",
        "报价人": "李娜",
        "不含税合计": 7176.99,
        "税额": 933.01,
        "合计": 8110,
        "大写金额": "捌仟壹佰壹拾元整",
    }
    assert {label: label_value(path, "报价单", label) for label in expected} == expected
    terms = label_value(path, "报价单", "条款")
    assert "有效期至 2026年12月26日" in terms and "月结 30 天" in terms and "含税" in terms
    lines = line_values(path)
    assert [(x["产品编码"], x["产品名称"], x["规格"], x["单价"], x["金额"]) for x in lines] == [
        ("MT-2200", "三相异步电机", "YE3-100L1-4 2.2kW", 1850, 5550),
        ("vf-0750", "通用变频器", "FR-E820-0.75K", 1280, 2560),  # the code as the clerk typed it
    ]
    # what was made passes its own check, and the store holds the number
    assert validate_file(path, "quotations").issues == []
    (row,) = stored()
    assert (row["quote_id"], row["year"], row["seq"], row["customer"]) == (
        "BJ-2026-0001",
        2026,
        1,
        "上海华东贸易有限公司",
    )
    assert float(row["total"]) == 8110.0 and row["user"] == "李娜"


def test_the_standalone_file_is_the_quotation_set_up_for_printing(tmp_path: Path) -> None:
    path = started(tmp_path)
    make(path)
    copy = tmp_path / "报价单_BJ-2026-0001.xlsx"
    wb = openpyxl.load_workbook(copy)
    assert wb.sheetnames == ["报价单"]
    ws = wb["报价单"]
    assert label_value(copy, "报价单", "报价单号") == "BJ-2026-0001"
    assert label_value(copy, "报价单", "大写金额") == "捌仟壹佰壹拾元整"
    assert [x["金额"] for x in line_values(copy)] == [5550, 2560]
    assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_area is not None and ws.print_title_rows == "$10:$10"


def test_numbers_follow_each_other_per_year_across_workbooks(tmp_path: Path) -> None:
    first, second = started(tmp_path, name="a.xlsx"), started(tmp_path, name="b.xlsx")
    make(first)
    make(second)
    make(started(tmp_path, name="c.xlsx"), today=dt.date(2027, 1, 4))  # a new year starts again at 1
    assert [r["quote_id"] for r in stored()] == ["BJ-2026-0001", "BJ-2026-0002", "BJ-2027-0001"]
    assert label_value(second, "报价单", "报价单号") == "BJ-2026-0002"


def test_a_number_typed_on_another_quotation_is_not_given_again(tmp_path: Path) -> None:
    path = quote_file(tmp_path / "w.xlsx", make_quote(sheet="报价单(2)", quote_id="BJ-2026-0041"),
                      new_quote({"product_code": "MT-2200", "quantity": 1}))  # fmt: skip
    make(path)
    assert label_value(path, "报价单", "报价单号") == "BJ-2026-0042"
    assert label_value(path, "报价单(2)", "报价单号") == "BJ-2026-0041"  # kept, not made again (it has its number)


def test_the_database_refuses_a_number_twice(tmp_path: Path) -> None:
    store = open_store()
    values = {"customer": "上海华东贸易有限公司", "total": None, "quoted_on": TODAY, "valid_until": None}

    def reserve(conn: Any) -> str:
        return tables.reserve_number(conn, 2026, "BJ-{year}-{seq:04d}", 0, values, NOW, "李娜", "w.xlsx")

    assert store.write(reserve) == "BJ-2026-0001"
    row = {"year": 2026, "seq": 1, "customer": "x", "user": "u", "workbook": "w", "created_at": NOW, "updated_at": NOW}
    with pytest.raises(IntegrityError), store.engine.begin() as conn:  # the same (year, seq) under another number
        conn.execute(tables.quotations.insert().values(quote_id="BJ2026-1", **row))


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_clerks_numbering_at_the_same_time_never_get_the_same_number(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    if backend == "postgres":
        monkeypatch.setenv("NEIQIN_DB", request.getfixturevalue("postgres_url"))
    store = open_store()
    values = {"customer": "上海华东贸易有限公司", "total": None, "quoted_on": TODAY, "valid_until": None}
    got: list[str] = []
    lock = threading.Lock()

    def clerk() -> None:
        for _ in range(5):
            number = store.write(
                lambda conn: tables.reserve_number(conn, 2026, "BJ-{year}-{seq:04d}", 0, values, NOW, "李娜", "w")
            )
            with lock:
                got.append(number)

    threads = [threading.Thread(target=clerk) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == [f"BJ-2026-{n:04d}" for n in range(1, 21)]


@pytest.mark.parametrize(
    ("lines", "customer", "expected"),
    [
        ([{"product_code": "XX-9999", "quantity": 1}], "上海华东贸易有限公司", [("QUO-011", f"B{FIRST_LINE_ROW}")]),
        ([{"product_code": "MT-2200", "quantity": 1}], "杭州不存在科技有限公司", [("QUO-010", "B5")]),
        ([{"product_code": "MT-2200", "quantity": None}], "上海华东贸易有限公司", [("LED-010", f"F{FIRST_LINE_ROW}")]),
        ([{"product_code": "MT-2200", "quantity": 1, "price": 1500}], "上海华东贸易有限公司",
         [("QUO-012", f"G{FIRST_LINE_ROW}")]),  # a typed price beyond the discount limit
    ],
)  # fmt: skip
def test_a_quotation_with_errors_is_not_made(tmp_path: Path, lines: list, customer: str, expected: list) -> None:
    path = quote_file(tmp_path / "w.xlsx", new_quote(*lines, customer=customer))
    summary = make(path, check=False)
    assert summary.outcome == "issues"
    assert [(str(i.code), i.cell) for i in summary.issues] == expected
    assert all(i.sheet == "报价单" and i.row for i in summary.issues)
    assert "未生成、未取号" in summary.message
    assert stored() == [] and label_value(path, "报价单", "报价单号") is None
    assert not list(tmp_path.glob("报价单_*.xlsx"))
    assert "校验结果" in openpyxl.load_workbook(path).sheetnames


def test_a_negotiated_price_is_kept_and_its_discount_said(tmp_path: Path) -> None:
    path = started(tmp_path, {"product_code": "MT-2200", "quantity": 2, "price": 1750})
    summary = make(path)
    assert summary.outcome == "ok"
    assert [(str(i.code), i.severity) for i in summary.issues] == [("QUO-013", "warning")]
    assert line_values(path)[0]["单价"] == 1750 and line_values(path)[0]["金额"] == 3500
    assert any("提示" in d for d in summary.details)


def test_the_phone_is_filled_only_where_the_clerk_added_its_label_and_never_logged(tmp_path: Path) -> None:
    path = started(tmp_path)  # the template has no 联系电话: the customer's phone stays in the archive
    summary = make(path)
    values = [v for row in openpyxl.load_workbook(path)["报价单"].iter_rows(values_only=True) for v in row]
    copy = tmp_path / "报价单_BJ-2026-0001.xlsx"
    values += [v for row in openpyxl.load_workbook(copy)["报价单"].iter_rows(values_only=True) for v in row]
    assert "13512345678" not in values and "张伟" in values
    with_phone = started(tmp_path, name="p.xlsx", phone_label=True)
    summary2 = make(with_phone)
    assert label_value(with_phone, "报价单", "联系电话") == "13512345678"
    logged = open_store().actions()
    for text in (summary.text(), summary2.text(), repr(logged), repr(stored())):
        assert "13512345678" not in text


def test_made_again_on_its_sheet_it_keeps_its_number(tmp_path: Path) -> None:
    path = started(tmp_path)
    make(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["报价单"]
    ws.cell(FIRST_LINE_ROW, 6).value = 10  # the customer wants ten
    ws.cell(FIRST_LINE_ROW, 8).value = None
    wb.save(path)
    assert make(path).message.startswith("没有需要生成的报价单")  # not on its sheet: a numbered one is left alone
    assert label_value(path, "报价单", "合计") == 8110
    assert make_on(path, "报价单").outcome == "ok"
    assert label_value(path, "报价单", "报价单号") == "BJ-2026-0001"
    assert label_value(path, "报价单", "合计") == 21060  # 10 × 1,850 + 2 × 1,280
    (row,) = stored()
    assert float(row["total"]) == 21060.0


def test_a_typed_number_held_by_another_customer_is_refused(tmp_path: Path) -> None:
    make(started(tmp_path, name="a.xlsx"))  # BJ-2026-0001 for 上海华东贸易
    other = new_quote(
        {"product_code": "MT-2200", "quantity": 1}, customer="苏州恒通机械有限公司", quote_id="BJ-2026-0001"
    )
    path = quote_file(tmp_path / "b.xlsx", other)
    summary = make_on(path, "报价单")
    assert [(str(i.code), i.cell) for i in summary.issues] == [("QUO-024", "B4")]
    assert "上海华东贸易有限公司" in summary.issues[0].message
    assert [r["customer"] for r in stored()] == ["上海华东贸易有限公司"]


@pytest.mark.parametrize("pattern", ["BJ-{seq:04d}", "BJ-{year}", "BJ-{year}-{seq:04d", "BJ-{year}-{n}"])
def test_a_wrong_number_pattern_is_said_before_anything_is_kept(tmp_path: Path, pattern: str) -> None:
    settings = Settings()
    settings.quote_number_pattern = pattern
    summary = make(started(tmp_path), settings=settings, check=False)
    assert summary.outcome in ("failed", "error") and "报价单号格式" in summary.message
    assert stored() == []


@pytest.mark.parametrize("missing", ["customers", "products"])
def test_without_master_data_it_says_which_sheet(tmp_path: Path, missing: str) -> None:
    summary = make(started(tmp_path, **{missing: None}), check=False)
    assert summary.outcome in ("failed", "error")
    assert ("客户档案" if missing == "customers" else "产品目录") in summary.message


def test_without_a_started_quotation_it_says_what_to_do(tmp_path: Path) -> None:
    path = quote_file(tmp_path / "w.xlsx", {"sheet": "报价单"})
    summary = make(path)
    assert summary.outcome == "ok" and "填写客户" in summary.message and stored() == []


def test_workbook_calls_do_not_grow_with_lines(tmp_path: Path) -> None:
    def calls(n: int) -> int:
        lines = [{"product_code": "MT-2200", "quantity": i + 1} for i in range(n)]
        book = open_book(quote_file(tmp_path / f"w{n}.xlsx", new_quote(*lines)))
        with neiqin.count_calls() as counted:
            summary = macros.run("make_quotation", book, today=TODAY, now=NOW, user="李娜")
            assert summary.outcome == "ok", summary.text()
        return sum(counted.values())

    assert calls(40) == calls(12)  # both longer than the template's 10 blank lines: the same cell runs


@pytest.mark.slow
@needs_libreoffice
def test_the_quotation_file_renders_in_libreoffice(tmp_path: Path) -> None:
    path = started(tmp_path)
    make(path)
    pdf = libreoffice_convert(tmp_path / "报价单_BJ-2026-0001.xlsx", "pdf", tmp_path)
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.M) and "(A4)" in pages  # one A4 page
    for text_on_page in ("报价单", "BJ-2026-0001", "捌仟壹佰壹拾元整", "三相异步电机", "有效期至", "客户确认"):
        assert text_on_page in text


def test_a_quotation_sheet_is_never_read_as_another_ledger(tmp_path: Path) -> None:
    from neiqin.core.ledger import read_optional

    book = open_book(started(tmp_path))  # 报价单 is also what clerks call a supplier's quotation (供应商报价)
    assert read_optional(book, "supplier_quotes") is None
    assert read_optional(book, "orders") is None  # its line table looks like order lines
