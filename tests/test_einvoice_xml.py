"""Invoice XML: every dialect gives the same record; hostile or broken XML gives a clear reason, never a crash."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neiqin.core import einvoice
from neiqin.core.einvoice import InvoiceKind, Source
from tests import invoice_fixtures as F

INV = F.make_invoice()
LEGACY = F.legacy()

DIGITAL_EXPECTED = {
    "number": "25312000000123456789",
    "code": "",
    "date": dt.date(2025, 3, 7),
    "net": Decimal("2050.00"),
    "tax": Decimal("123.00"),
    "gross": Decimal("2173.00"),
    "seller_name": F.SELLER_NAME,
    "seller_tax_id": F.SELLER_ID,
    "buyer_name": F.BUYER_NAME,
    "buyer_tax_id": F.BUYER_ID,
    "check_code": "",
}
LEGACY_EXPECTED = DIGITAL_EXPECTED | {
    "number": "01234567",
    "code": "033002300111",
    "date": dt.date(2023, 8, 15),
    "check_code": "12345678901234567890",
}


@pytest.mark.parametrize(
    ("data", "expected", "kind", "items", "format_"),
    [
        (F.einvoice_xml(INV, "0.2"), DIGITAL_EXPECTED, None, 2, "数电 XML（EInvoice 0.2）"),
        (
            F.einvoice_xml(INV, "0.32"),
            DIGITAL_EXPECTED,
            InvoiceKind.DIGITAL_GENERAL,
            2,
            "数电 XML（EInvoice 0.32）",
        ),
        (
            F.einvoice_xml(INV, "0.33"),
            DIGITAL_EXPECTED,
            InvoiceKind.DIGITAL_GENERAL,
            2,
            "数电 XML（EInvoice 0.33）",
        ),
        (
            F.einvoice_xml(F.make_invoice(kind="31"), "0.32"),
            DIGITAL_EXPECTED,
            InvoiceKind.DIGITAL_SPECIAL,
            2,
            "数电 XML（EInvoice 0.32）",
        ),
        (F.pinyin_xml(INV), DIGITAL_EXPECTED, InvoiceKind.DIGITAL_GENERAL, 2, "XML（拼音字段名）"),
        (F.pinyin_xml(LEGACY, "GBK"), LEGACY_EXPECTED, InvoiceKind.E_GENERAL, 2, "XML（拼音字段名）"),
        (F.chinese_xml(INV), DIGITAL_EXPECTED, None, 0, "XML（中文字段名）"),
        (F.legacy_xml(LEGACY), LEGACY_EXPECTED, InvoiceKind.E_GENERAL, 2, "电子发票 XML（eInvoice 2019）"),
    ],
    ids=["v0.2", "v0.32", "v0.33", "v0.32-专票", "pinyin", "pinyin-gbk-legacy", "chinese-tags", "einvoice-2019"],
)
def test_every_dialect_reads_the_same_fields(
    data: bytes, expected: dict[str, object], kind: InvoiceKind | None, items: int, format_: str
) -> None:
    record = einvoice.read_bytes(data, "发票.xml")
    assert record.error is None
    assert record.source is Source.XML
    assert {name: getattr(record, name) for name in expected} == expected
    assert record.kind is kind
    assert record.format == format_
    assert len(record.items) == items
    assert record.problems == ()
    if items:
        assert record.tax_rates == (Decimal("0.06"),)
        assert record.items[0].name == "*餐饮服务*餐费"
        assert (record.items[0].amount, record.items[0].rate, record.items[0].tax) == (
            Decimal("850.00"),
            Decimal("0.06"),
            Decimal("51.00"),
        )


def test_form_label_and_key_follow_the_kind() -> None:
    digital = einvoice.read_bytes(F.einvoice_xml(INV, "0.2"), "a.xml")  # no label in 0.2: a 20-digit number
    assert (digital.kind_label, digital.key) == ("电子发票(数电)", "25312000000123456789")
    legacy = einvoice.read_bytes(F.legacy_xml(LEGACY), "b.xml")
    assert (legacy.kind_label, legacy.key) == ("增值税普通发票", "033002300111-01234567")
    special = einvoice.read_bytes(F.pinyin_xml(F.make_invoice(kind="01", check_code="")), "c.xml")
    assert (special.kind, special.kind_label) == (InvoiceKind.SPECIAL, "增值税专用发票")


def test_several_tax_rates_are_a_set() -> None:
    inv = F.make_invoice(
        items=(
            F.Item("*住宿服务*住宿费", Decimal("1000.00"), Decimal("0.06")),
            F.Item("*餐饮服务*早餐", Decimal("100.00"), Decimal("0.06")),
            F.Item("*日用品*洗漱用品", Decimal("50.00"), Decimal("0.13")),
        )
    )
    record = einvoice.read_bytes(F.einvoice_xml(inv), "a.xml")
    assert record.tax_rates == (Decimal("0.06"), Decimal("0.13"))
    assert record.rate is None
    assert record.problems == ()


@pytest.mark.parametrize(
    ("overrides", "codes"),
    [
        ({"gross_override": Decimal("2200.00")}, ["total_mismatch"]),
        ({"net_override": Decimal("2000.00"), "gross_override": Decimal("2123.00")}, ["items_mismatch"]),
        ({"tax_override": Decimal("120.00"), "gross_override": Decimal("2170.00")}, ["items_mismatch"]),
        (
            {"items": (F.Item("*餐饮服务*餐费", Decimal("100.00"), Decimal("0.06"), tax=Decimal("9.00")),)},
            ["item_tax"],
        ),
        ({"number": "24312000000123456789"}, ["year_mismatch"]),
    ],
    ids=["gross", "net-vs-items", "tax-vs-items", "item-tax", "year"],
)
def test_wrong_amounts_are_problems(overrides: dict[str, object], codes: list[str]) -> None:
    record = einvoice.read_bytes(F.einvoice_xml(F.make_invoice(**overrides)), "a.xml")
    assert record.readable
    assert [p.code for p in record.problems] == codes
    assert all("请" in p.message for p in record.problems)


def test_billion_laughs_is_refused_at_once() -> None:
    record = einvoice.read_bytes(F.billion_laughs(), "炸弹.xml")
    assert record.error is not None and "DTD 或实体声明" in record.error
    assert record.number == ""


def test_xxe_never_reads_the_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    record = einvoice.read_bytes(F.xxe(str(secret)), "xxe.xml")
    assert record.error is not None and "DTD 或实体声明" in record.error
    assert "TOP-SECRET-VALUE" not in str(record.to_dict())


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (F.einvoice_xml(INV)[:400], "XML 格式错误"),
        (b"<?xml version='1.0'?><config><item>1</item></config>", "XML 不是发票"),
        (b'<?xml version="1.0" encoding="GBK"?><FPXX><FPHM>\xff\xff</FPHM></FPXX>', "不是有效的 GBK"),
        (b"<a>" + b"<b>" * 10 + b"</a>", "XML 格式错误"),
    ],
    ids=["truncated", "not-an-invoice", "bad-gbk", "unbalanced"],
)
def test_broken_xml_says_why(data: bytes, reason: str) -> None:
    record = einvoice.read_bytes(data, "x.xml")
    assert record.error is not None and reason in record.error


def test_unreadable_values_are_named_not_guessed() -> None:
    data = F.einvoice_xml(INV).replace(b"<TotalTaxAm>123.00</TotalTaxAm>", b"<TotalTaxAm>12O.00</TotalTaxAm>")
    record = einvoice.read_bytes(data, "a.xml")
    assert record.tax is None
    assert [p.message for p in record.problems if p.code == "bad_value"] == [
        "合计税额“12O.00”无法识别；请对照发票原件核对"
    ]


def test_deep_nesting_does_not_exhaust_the_stack() -> None:
    depth = 20_000  # far past Python's recursion limit
    data = (
        b"<EInvoice>"
        + b"<x>" * depth
        + b"</x>" * depth
        + b"<InvoiceNumber>25312000000123456789</InvoiceNumber></EInvoice>"
    )
    record = einvoice.read_bytes(data, "deep.xml")
    assert record.number == "25312000000123456789"


# --------------------------------------------------------------------------- property: mangled input

SAMPLES = [F.einvoice_xml(INV), F.pinyin_xml(LEGACY), F.legacy_xml(LEGACY), F.chinese_xml(INV)]


@st.composite
def mangled(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=12))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 40))]
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled())
def test_mangled_xml_gives_a_record_never_an_exception(data: bytes) -> None:
    record = einvoice.read_bytes(data, "mangled.xml")
    assert isinstance(record, einvoice.InvoiceRecord)
    if record.error is None:
        assert record.number or record.gross is not None or record.net is not None
        record.to_dict()  # every value serialises
    else:
        assert record.error and record.number == ""


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["TotalAmWithoutTax", "TotalTaxAm", "TotalTax-includedAmount", "IssueTime", "TaxRate", "Amount"]),
    st.text(max_size=30),
)
def test_any_field_text_gives_a_value_or_a_named_problem(tag: str, text: str) -> None:
    from xml.sax.saxutils import escape

    source = F.einvoice_xml(INV).decode()
    start = source.index(f"<{tag}>") + len(tag) + 2
    end = source.index(f"</{tag}>", start)
    cleaned = "".join(c for c in text if c.isprintable() and c not in "\ud800\udfff")
    data = (source[:start] + escape(cleaned) + source[end:]).encode("utf-8", "replace")
    record = einvoice.read_bytes(data, "a.xml")
    assert isinstance(record, einvoice.InvoiceRecord)
    assert record.error is None or "XML" in record.error


def test_an_absurd_amount_is_a_bad_value_not_an_overflow() -> None:
    huge = b"<TotalAmWithoutTax>99999999999999999999999877<"
    data = F.einvoice_xml(INV).replace(b"<TotalAmWithoutTax>2050.00<", huge)
    record = einvoice.read_bytes(data, "a.xml")
    assert record.net is None
    assert [p.code for p in record.problems] == ["bad_value"]
