"""PDF invoices: the printed text and the QR code, and what happens when they disagree or are missing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neiqin.core import einvoice
from neiqin.core.einvoice import InvoiceKind, Source
from neiqin.core.einvoice.pdf import parse_text
from tests import invoice_fixtures as F

INV = F.make_invoice()
SPECIAL = F.make_invoice(kind="31")
LEGACY = F.legacy()
PAPER_SPECIAL = F.make_invoice(kind="01", code="3300231130", date=dt.date(2024, 11, 2))


@pytest.mark.parametrize(
    ("inv", "kind"),
    [
        (INV, InvoiceKind.DIGITAL_GENERAL),
        (SPECIAL, InvoiceKind.DIGITAL_SPECIAL),
        (LEGACY, InvoiceKind.E_GENERAL),
        (PAPER_SPECIAL, InvoiceKind.SPECIAL),
    ],
    ids=["数电普", "数电专", "电子普", "专票"],
)
def test_invoice_pdfs(inv: F.FakeInvoice, kind: InvoiceKind) -> None:
    record = einvoice.read_bytes(F.invoice_pdf(inv), "发票.pdf")
    assert record.error is None, record.error
    assert record.source is Source.PDF
    assert record.format == "PDF（文字 + 二维码）"
    assert record.kind is kind
    assert (record.number, record.code, record.date, record.check_code) == (
        inv.number,
        inv.code,
        inv.date,
        inv.check_code,
    )
    assert (record.net, record.tax, record.gross) == (inv.net, inv.tax, inv.gross)
    assert (record.buyer_name, record.buyer_tax_id) == (F.BUYER_NAME, F.BUYER_ID)
    assert (record.seller_name, record.seller_tax_id) == (F.SELLER_NAME, F.SELLER_ID)
    assert [(i.name, i.amount, i.rate, i.tax) for i in record.items] == [
        ("*餐饮服务*餐费", Decimal("850.00"), Decimal("0.06"), Decimal("51.00")),
        ("*住宿服务*住宿费", Decimal("1200.00"), Decimal("0.06"), Decimal("72.00")),
    ]
    assert record.problems == ()


def test_a_scan_gives_the_qr_fields() -> None:
    record = einvoice.read_bytes(F.invoice_pdf(INV, text=False), "scan.pdf")
    assert record.format == "PDF（二维码，无文字）"
    assert (record.number, record.gross, record.buyer_name) == (INV.number, INV.gross, "")
    assert record.problems == ()


def test_text_without_qr_is_read_with_a_warning() -> None:
    record = einvoice.read_bytes(F.invoice_pdf(INV, qr=False), "a.pdf")
    assert record.number == INV.number and record.gross == INV.gross
    assert record.kind is InvoiceKind.DIGITAL_GENERAL  # from the printed title
    assert [(p.code, p.severity) for p in record.problems] == [("no_qr", "warning")]


def test_text_and_qr_that_disagree() -> None:
    other = F.make_invoice(number="25312000000999999999", gross_override=Decimal("2273.00"))
    record = einvoice.read_bytes(F.invoice_pdf(INV, qr_of=other), "a.pdf")
    assert record.number == INV.number  # what is printed is kept, and the gap is said
    assert [p.message for p in record.problems] == [
        "PDF 票面发票号码为 25312000000123456789，二维码中为 25312000000999999999，两者不一致；"
        "文件可能被改动过，请向开票方核实或查验发票",
        "PDF 票面价税合计为 2,173.00，二维码中为 2,273.00，两者不一致；文件可能被改动过，请向开票方核实或查验发票",
    ]


def test_wrong_totals_on_a_pdf() -> None:
    record = einvoice.read_bytes(F.invoice_pdf(F.make_invoice(gross_override=Decimal("2000.00"))), "a.pdf")
    assert [p.code for p in record.problems] == ["total_mismatch"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (F.unrelated_pdf(), "不像是发票"),
        (F.invoice_pdf(INV)[:800], "已损坏、不完整"),
        (F.encrypted_pdf(), "密码保护"),
        (F.invoice_pdf(INV, qr=False, text=False), "没有文字，也没有找到发票二维码"),
    ],
    ids=["unrelated", "truncated", "encrypted", "blank"],
)
def test_pdfs_that_are_not_invoices(data: bytes, reason: str) -> None:
    record = einvoice.read_bytes(data, "a.pdf")
    assert record.error is not None and reason in record.error


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("发 票 号 码 : 25312000000123456789", "number", "25312000000123456789"),
        ("发票号码：\t01234567\t发票代码：044031900111", "code", "044031900111"),
        ("开票日期：2025年3月7日", "date", dt.date(2025, 3, 7)),
        ("开票日期:\t2025-03-07", "date", dt.date(2025, 3, 7)),
        ("校验码：12345 67890 12345 67890", "check_code", "12345678901234567890"),
        ("名  称：杭州示例科技有限公司\t名 称：上海样例有限公司", "seller_name", "上海样例有限公司"),
        ("纳税人识别号：91330106ma2kx7y3qb", "buyer_tax_id", "91330106MA2KX7Y3QB"),
        ("合\t计\t¥1,000.00\t¥130.00", "tax", Decimal("130.00")),
        ("合计\t¥100.00\t***", "tax", Decimal("0")),
        ("价税合计（大写）\t壹仟壹佰叁拾圆整\t（小写）¥1,130.00", "gross", Decimal("1130.00")),
        ("项目名称\t单位\n名称：甲公司", "buyer_name", "甲公司"),
    ],
    ids=[
        "spaced-label",
        "code",
        "date-cn",
        "date-iso",
        "check-spaced",
        "two-names",
        "tax-id-upper",
        "totals",
        "tax-free",
        "gross",
        "header-not-a-name",
    ],
)
def test_printed_labels(text: str, field: str, value: object) -> None:
    assert getattr(parse_text(text), field) == value


def test_item_lines() -> None:
    found = parse_text(
        "*住宿服务*住宿费\t晚\t2\t300.00\t600.00\t6%\t36.00\n*图书*软件工程\t本\t1\t88.00\t88.00\t免税\t***"
    )
    assert [(i.name, i.amount, i.rate, i.tax) for i in found.items] == [
        ("*住宿服务*住宿费", Decimal("600.00"), Decimal("0.06"), Decimal("36.00")),
        ("*图书*软件工程", Decimal("88.00"), Decimal("0"), Decimal("0")),
    ]


PDF_SAMPLES = [F.invoice_pdf(INV), F.invoice_pdf(LEGACY)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_damaged_pdf_gives_a_reason_never_an_exception(data: st.DataObject) -> None:
    pdf = bytearray(data.draw(st.sampled_from(PDF_SAMPLES)))
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(pdf) - 1))
        if data.draw(st.booleans()):
            pdf[at] = data.draw(st.integers(0, 255))
        else:
            pdf[at:at] = data.draw(st.binary(min_size=1, max_size=20))
    record = einvoice.read_bytes(bytes(pdf), "a.pdf")
    assert "内部错误" not in (record.error or "")
