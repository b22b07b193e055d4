"""『导入发票』 end to end: real invoice files (every kind) into the real 费用报销单 template, through the store."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import macros
from neiqin.core import einvoice
from neiqin.core.config import Settings
from neiqin.core.store import open_store
from neiqin.engine import open_book
from validators.expenses import filestore
from validators.expenses import imports as plans

from . import invoice_fixtures as fx
from .expense_factory import D, form_file, make_expense_form, make_line

TODAY = dt.date(2025, 3, 20)
COMPANY = {"company_name": fx.BUYER_NAME, "company_tax_id": fx.BUYER_ID}
HEADER_ROW = 7  # the template's line table header


def claim_form(claim: str = "BX2503001", claimant: str = "王磊", lines: list[dict[str, Any]] | None = None) -> dict:
    return make_expense_form(
        claim_id=claim,
        claimant=claimant,
        claim_date=D(2025, 3, 18),
        approval_date=D(2025, 3, 19),
        attachments=20,
        lines=lines if lines is not None else [],
        total=None,
        total_upper=None,
    )


def workbook(folder: Path, claim: str = "BX2503001", **form: Any) -> Path:
    return form_file(folder / f"{claim}.xlsx", claim_form(claim, **form))


def inv(n: int, **overrides: Any) -> fx.FakeInvoice:
    return fx.make_invoice(number=f"2531200000{n:010d}", **overrides)


def put(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def run(path: Path, settings: Settings | None = None) -> Any:
    book = open_book(path, engine="headless")
    summary = macros.run("import_invoices", book, today=TODAY, user="李娜", settings=settings or Settings(**COMPANY))
    book.save()
    return summary


def lines(path: Path, sheet: str = "费用报销单") -> list[dict[str, Any]]:
    """The line table as openpyxl reads it back: one dict per filled row (by header), with each cell's format."""
    ws = openpyxl.load_workbook(path)[sheet]
    headers = {c.column: c.value for c in ws[HEADER_ROW] if c.value}
    out = []
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        if row[0].value == "合计(小写)":
            break
        values = {headers[c.column]: c for c in row if c.column in headers}
        if any(c.value is not None for h, c in values.items() if h != "序号"):
            out.append({"row": row[0].row, **{h: c.value for h, c in values.items()}, "_cells": values})
    return out


def codes(summary: Any) -> list[str]:
    return sorted(str(i.code) for i in summary.issues)


# --------------------------------------------------------------------------- every kind of file


def test_every_kind_of_file_becomes_a_line_with_text_as_text_and_numbers_as_numbers(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    folder = tmp_path / "发票" / "BX2503001"
    digital = inv(1)
    put(folder, "a.xml", fx.einvoice_xml(digital, version="0.32"))
    put(folder, "a.pdf", fx.invoice_pdf(digital))  # the same invoice's PDF: one line, sources compared
    put(folder, "b.ofd", fx.ofd_package(inv(2, items=(fx.Item("*住宿服务*房费", Decimal("500.00"), Decimal("0.06")),))))
    put(
        folder,
        "c.xml",
        fx.pinyin_xml(inv(3, items=(fx.Item("*运输服务*客运服务费", Decimal("100"), Decimal("0.09")),))),
    )
    old = fx.legacy(date=dt.date(2025, 3, 1), items=(fx.Item("*餐饮服务*餐费", Decimal("200.00"), Decimal("0.01")),))
    put(folder, "d.png", fx.qr_photo(fx.qr_payload(old)))
    summary = run(path)
    got = lines(path)
    by_number: dict[str, list[dict[str, Any]]] = {}
    for g in got:
        by_number.setdefault(g["发票号码"], []).append(g)
    first = by_number["25312000000000000001"]
    assert len(first) == 1  # both items at 6 %: one line
    assert first[0]["发票类型"] == "电子发票(数电)" and first[0]["发票代码"] is None
    assert first[0]["日期"] == dt.datetime(2025, 3, 7)
    assert (first[0]["不含税金额"], first[0]["税率"], first[0]["税额"], first[0]["价税合计"]) == (
        2050.0,
        0.06,
        123.0,
        2173.0,
    )
    assert first[0]["说明"] == f"{fx.SELLER_NAME} 餐费"
    assert first[0]["_cells"]["不含税金额"].number_format == "¥#,##0.00"
    assert first[0]["_cells"]["税率"].number_format == "0%"
    assert by_number["25312000000000000003"][0]["税率"] == 0.09
    legacy_line = by_number["01234567"][0]
    assert legacy_line["发票代码"] == "033002300111" and isinstance(legacy_line["发票代码"], str)
    assert legacy_line["发票类型"] == "增值税普通发票"
    # its QR code gives the amount without tax only: 价税合计 is left for the clerk, and the form says so
    assert legacy_line["不含税金额"] == 200.0 and legacy_line["价税合计"] is None
    assert any(i.row == legacy_line["row"] and i.column == "价税合计" for i in summary.issues)
    assert legacy_line["说明"] is None  # a QR code carries no seller
    assert len(got) == 4
    # the form's own checks ran on the lines written: 费用类别 is the clerk's to choose
    assert "LED-001" in codes(summary) or any("费用类别" in i.message for i in summary.issues)
    # a photo alone does not show the buyer: a warning, not silence
    assert any(i.code == "EXP-035" and "购买方" in i.message for i in summary.issues)
    assert "查验" in "\n".join(summary.details) and "校验码后6位：567890" in "\n".join(summary.details)
    # the store has every file with its SHA-256, for this claim
    store = open_store()
    rows = store.read(lambda conn: filestore.claim_of(conn, "BX2503001"))
    hashes = {hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    assert {r["sha256"] for r in rows} == hashes


def test_text_from_a_file_is_never_written_as_a_formula(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    put(tmp_path / "发票" / "BX2503001", "a.xml", fx.einvoice_xml(inv(1, seller_name='=HYPERLINK("http://x")')))
    run(path)
    (line,) = lines(path)
    cell = line["_cells"]["说明"]
    assert cell.data_type != "f" and cell.value.startswith("=HYPERLINK(")


def test_importing_again_writes_nothing_twice(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    folder = tmp_path / "发票" / "BX2503001"
    put(folder, "a.xml", fx.einvoice_xml(inv(1)))
    run(path)
    again = run(path)
    assert len(lines(path)) == 1
    assert "没有新的发票要写入" in again.message
    assert any("已在第 8 行" in d for d in again.details)


def test_lines_the_clerk_typed_are_kept_and_the_import_goes_under_them(tmp_path: Path) -> None:
    typed = [make_line(date=D(2025, 3, 10), number="01234568", note="手填的一行"), {"note": "只写了说明"}]
    path = workbook(tmp_path, lines=typed)
    put(tmp_path / "发票" / "BX2503001", "a.xml", fx.einvoice_xml(inv(1)))
    run(path)
    got = lines(path)
    assert [g["说明"] for g in got[:2]] == ["手填的一行", "只写了说明"]
    assert got[2]["row"] == HEADER_ROW + 3 and got[2]["发票号码"] == "25312000000000000001"


def test_a_full_table_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    typed = [make_line(date=D(2025, 3, 10), number=f"0123{n:04d}") for n in range(11)]
    path = workbook(tmp_path, lines=typed)
    folder = tmp_path / "发票" / "BX2503001"
    put(folder, "a.xml", fx.einvoice_xml(inv(1)))
    put(folder, "b.xml", fx.einvoice_xml(inv(2)))
    before = lines(path)
    summary = run(path)
    (issue,) = [i for i in summary.issues if i.code == "EXP-039"]
    assert "只剩 1 个空行" in issue.message and "插入至少 1 行" in issue.message
    assert issue.row == HEADER_ROW
    assert [g["发票号码"] for g in lines(path)] == [g["发票号码"] for g in before]
    assert open_store().read(lambda conn: filestore.claim_of(conn, "BX2503001")) == []


# --------------------------------------------------------------------------- cross-checks


def test_another_buyer_a_broken_file_and_wrong_amounts_are_marked_at_their_lines(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    folder = tmp_path / "发票" / "BX2503001"
    put(folder, "other.xml", fx.einvoice_xml(inv(1, buyer_name="张三", buyer_id="")))
    put(folder, "wrong.xml", fx.einvoice_xml(inv(2, gross_override=Decimal("9999.00"))))
    put(folder, "broken.ofd", fx.ofd_package(inv(3))[:300])
    put(folder, "laughs.xml", fx.billion_laughs())
    put(folder, "rate.xml", fx.einvoice_xml(inv(4, items=(fx.Item("*咨询*费", Decimal("100"), Decimal("0.07")),))))
    summary = run(path)
    got = {g["发票号码"]: g["row"] for g in lines(path)}
    assert set(got) == {"25312000000000000001", "25312000000000000002", "25312000000000000004"}
    by_code: dict[str, list[Any]] = {}
    for i in summary.issues:
        by_code.setdefault(str(i.code), []).append(i)
    (buyer,) = by_code["EXP-036"]
    assert buyer.row == got["25312000000000000001"] and buyer.column == "发票号码" and "张三" in buyer.message
    wrong = [i for i in by_code["EXP-034"] if i.row == got["25312000000000000002"]]
    assert wrong and "价税合计" in wrong[0].message
    unreadable = sorted(i.message for i in by_code["EXP-037"])
    assert len(unreadable) == 2 and all(i.row == HEADER_ROW for i in by_code["EXP-037"])
    assert "broken.ofd" in unreadable[0] and "laughs.xml" in unreadable[1]
    # the tax rate is the form's own rule on the line written
    assert any(i.code == "EXP-012" and i.row == got["25312000000000000004"] for i in summary.issues)
    # marked on the sheet and listed in 校验结果
    wb = openpyxl.load_workbook(path)
    assert wb["费用报销单"].cell(got["25312000000000000001"], 8).comment is not None
    assert "校验结果" in wb.sheetnames


def test_the_same_invoice_in_another_claimants_folder_is_refused_by_the_store(tmp_path: Path) -> None:
    first = workbook(tmp_path, "BX2503001", claimant="王磊")
    second = workbook(tmp_path, "BX2503002", claimant="赵敏")
    shared = fx.einvoice_xml(inv(1))
    put(tmp_path / "发票" / "BX2503001", "餐费.xml", shared)
    put(tmp_path / "发票" / "BX2503002", "renamed.xml", shared)  # the same file under another name
    put(tmp_path / "发票" / "BX2503002", "pdf.pdf", fx.invoice_pdf(inv(1)))  # the same invoice, another file
    put(tmp_path / "发票" / "BX2503002", "own.xml", fx.einvoice_xml(inv(5)))
    run(first)
    summary = run(second)
    assert [g["发票号码"] for g in lines(second)] == ["25312000000000000005"]
    (dup,) = [i for i in summary.issues if i.code == "EXP-038"]
    assert "BX2503001" in dup.message and "王磊" in dup.message and "renamed.xml" in dup.message
    # the database holds each invoice once
    store = open_store()
    rows = store.read(lambda conn: list(conn.execute(select(filestore.imported_invoices))))
    assert sorted((r.invoice_key, r.claim_id) for r in rows) == [
        ("25312000000000000001", "BX2503001"),
        ("25312000000000000005", "BX2503002"),
    ]


def test_an_invoice_of_a_prereviewed_claim_is_refused(tmp_path: Path) -> None:
    store = open_store()
    store.reserve_invoices("BX2502009", [{"key": "25312000000000000001", "amount": 2173.0}], dt.datetime(2025, 3, 1))
    path = workbook(tmp_path)
    put(tmp_path / "发票" / "BX2503001", "a.xml", fx.einvoice_xml(inv(1)))
    summary = run(path)
    (dup,) = [i for i in summary.issues if i.code == "EXP-038"]
    assert "BX2502009" in dup.message and "初审通过" in dup.message
    assert lines(path) == []


def test_files_from_the_configured_folder_are_copied_beside_the_claim(tmp_path: Path) -> None:
    path = workbook(tmp_path / "book")
    inbox = tmp_path / "收件"
    put(inbox / "BX2503001", "a.xml", fx.einvoice_xml(inv(1)))
    put(tmp_path / "book" / "发票" / "BX2503001", "a.xml", b"another file of that name")
    run(path, Settings(**COMPANY, invoice_folder=str(inbox)))
    kept = tmp_path / "book" / "发票" / "BX2503001"
    assert (kept / "a.xml").read_bytes() == b"another file of that name"  # never overwritten
    assert (kept / "a_2.xml").read_bytes() == fx.einvoice_xml(inv(1))
    (row,) = open_store().read(lambda conn: filestore.claim_of(conn, "BX2503001"))
    assert row["file"] == str(kept / "a_2.xml")


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("no_folder", "找不到发票文件夹"),
        ("no_claim_id", "「报销单号」为空"),
    ],
)
def test_clear_refusals(tmp_path: Path, setup: str, expected: str) -> None:
    form = {"claim_id": None} if setup == "no_claim_id" else {}
    path = form_file(tmp_path / "x.xlsx", {**claim_form(), **form})
    summary = run(path)
    assert summary.outcome == "ok" and not summary.issues and expected in summary.message


def test_company_not_configured_is_said(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    put(tmp_path / "发票" / "BX2503001", "a.xml", fx.einvoice_xml(inv(1)))
    summary = run(path, Settings())
    assert any(i.code == "EXP-040" and "公司名称" in i.message for i in summary.issues)


# --------------------------------------------------------------------------- the planner alone


def test_a_multi_rate_invoice_takes_one_line_per_rate() -> None:
    items = (
        fx.Item("*住宿服务*房费", Decimal("1000.00"), Decimal("0.06")),
        fx.Item("*餐饮服务*早餐", Decimal("100.00"), Decimal("0.13")),
    )
    record = einvoice.read_bytes(fx.einvoice_xml(inv(7, items=items)), "x.xml")
    reading = einvoice.group([record])
    got = plans.line_values(reading.invoices[0])
    assert [(g["rate"], g["net"], g["tax"], g["gross"]) for g in got] == [
        (0.06, 1000.0, 60.0, 1060.0),
        (0.13, 100.0, 13.0, 113.0),
    ]


# --------------------------------------------------------------------------- 已查验 above the configured amount


@pytest.mark.parametrize(
    ("limit", "gross", "verified", "kind", "flagged"),
    [
        (0, 5000.0, None, "增值税专用发票", False),  # 0: not required
        (1000, 999.99, None, "增值税专用发票", False),
        (1000, 1000.0, None, "增值税专用发票", True),
        (1000, 5000.0, "是", "增值税专用发票", False),
        (1000, 5000.0, None, "无发票", False),  # no invoice to verify
    ],
)
def test_a_large_invoice_needs_its_check_recorded(
    tmp_path: Path, limit: float, gross: float, verified: str | None, kind: str, flagged: bool
) -> None:
    from neiqin.core import kit
    from neiqin.core.checking import check_ledger

    line = make_line(gross=gross, net=None, tax=None, rate=None, kind=kind, verified=verified)
    if kind == "无发票":
        line.update(code=None, number=None)
    path = form_file(tmp_path / "v.xlsx", make_expense_form(lines=[line], attachments=1))
    book = open_book(path, engine="headless")
    issues = check_ledger(book, kit.ledger("expenses"), Settings(verify_above=limit), dt.date(2026, 11, 26)).issues
    found = [i for i in issues if i.code == "EXP-041"]
    assert bool(found) == flagged
    if flagged:
        assert found[0].column == "已查验" and found[0].row == HEADER_ROW + 1 and "1,000.00" in found[0].message


# --------------------------------------------------------------------------- any bytes from outside


@pytest.fixture(scope="module")
def blank_form(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from neiqin.core import kit
    from neiqin.core.forms import read_form

    path = form_file(tmp_path_factory.mktemp("h") / "f.xlsx", claim_form())
    return read_form(open_book(path, engine="headless"), kit.ledger("expenses"), "费用报销单")


@settings(max_examples=60, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.builds(lambda b: b"<EInvoice>" + b, st.binary(max_size=200)),
        st.builds(lambda b: b"PK\x03\x04" + b, st.binary(max_size=200)),
        st.builds(lambda b: b"%PDF-1.7\n" + b, st.binary(max_size=200)),
    )
)
def test_any_file_is_written_as_an_invoice_or_listed_with_its_reason(blank_form: Any, data: bytes) -> None:
    reading = einvoice.group([einvoice.read_bytes(data, "x.bin")])
    step = plans.plan_import(blank_form, reading, Settings(**COMPANY))
    unreadable = [i for i in step.plan.issues if i.code == "EXP-037"]
    assert len(unreadable) + len(step.written) == 1
    for issue in step.plan.issues:
        assert issue.sheet == "费用报销单" and issue.row >= HEADER_ROW and "请" in issue.message
    for row, _col in step.plan.cells.get("费用报销单", {}):
        assert HEADER_ROW < row < HEADER_ROW + 13  # in the free rows of the line table, nowhere else
