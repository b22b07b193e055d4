"""OFD invoices: custom data, custom tags pointing at page text, the embedded XML; zip bombs refused."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neiqin.core import einvoice
from neiqin.core.einvoice import InvoiceKind, Source
from neiqin.core.einvoice import ofd as ofd_reader
from tests import invoice_fixtures as F

INV = F.make_invoice()
LEGACY = F.legacy()


@pytest.mark.parametrize(
    ("data", "format_", "kind", "items", "gross"),
    [
        (F.ofd_package(INV), "OFD（版式标签）", InvoiceKind.DIGITAL_GENERAL, 0, Decimal("2173.00")),
        (
            F.ofd_package(INV, embed="einvoice"),
            "OFD（嵌入的发票 XML）",
            InvoiceKind.DIGITAL_GENERAL,
            2,
            Decimal("2173.00"),
        ),
        (
            F.ofd_package(LEGACY, embed="legacy"),
            "OFD（嵌入的发票 XML）",
            InvoiceKind.E_GENERAL,
            2,
            Decimal("2173.00"),
        ),
        (F.ofd_package(LEGACY), "OFD（版式标签）", InvoiceKind.E_GENERAL, 0, Decimal("2173.00")),
        (F.ofd_package(INV, tags=False), "OFD（文档属性）", InvoiceKind.DIGITAL_GENERAL, 0, None),
        (
            F.ofd_package(INV, custom_data=False, deflate=False),
            "OFD（版式标签）",
            InvoiceKind.DIGITAL_GENERAL,
            0,
            Decimal("2173.00"),
        ),
    ],
    ids=["tags+customdata", "embedded-einvoice", "embedded-2019", "legacy-tags", "customdata-only", "tags-only-stored"],
)
def test_ofd_packages(data: bytes, format_: str, kind: InvoiceKind, items: int, gross: Decimal | None) -> None:
    inv = LEGACY if kind is InvoiceKind.E_GENERAL else INV
    record = einvoice.read_bytes(data, "发票.ofd")
    assert record.error is None, record.error
    assert record.source is Source.OFD
    assert record.format == format_
    assert record.kind is kind
    assert (record.number, record.code, record.date) == (inv.number, inv.code, inv.date)
    assert (record.net, record.tax, record.gross) == (Decimal("2050.00"), Decimal("123.00"), gross)
    assert (record.buyer_tax_id, record.seller_tax_id) == (F.BUYER_ID, F.SELLER_ID)
    assert len(record.items) == items
    assert record.check_code == inv.check_code
    assert record.problems == ()
    if format_ != "OFD（文档属性）":  # the names come from the tags (page text) or the XML
        assert (record.buyer_name, record.seller_name) == (F.BUYER_NAME, F.SELLER_NAME)


def test_custom_data_date_in_chinese() -> None:
    record = einvoice.read_bytes(
        F.ofd_package(INV, tags=False, custom_overrides={"开票日期": "2025年03月07日"}), "a.ofd"
    )
    assert record.date == dt.date(2025, 3, 7)


def test_parts_that_disagree_are_reported() -> None:
    data = F.ofd_package(INV, embed="einvoice", custom_overrides={"合计金额": "2500.00"})
    record = einvoice.read_bytes(data, "a.ofd")
    assert record.net == Decimal("2050.00")  # the embedded XML wins
    assert [p.message for p in record.problems] == [
        "OFD 内合计金额（不含税）不一致：嵌入的发票 XML为 2,050.00，文档属性为 2,500.00；"
        "文件可能被改动过，请向开票方核实"
    ]


def _rezip(data: bytes, change: dict[str, bytes | None]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    z.writestr(info.filename, change[info.filename])
            else:
                z.writestr(info.filename, source.read(info))
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (F.ofd_package(INV)[:500], "不完整或已损坏"),
        (F.ofd_package(INV)[: len(F.ofd_package(INV)) - 30], "不完整或已损坏"),
        (F.zip_bomb(40), "解压后超过 16 MB"),
        (F.many_members(1200), "有 1201 个部件"),
        (_rezip(F.ofd_package(INV), {"OFD.xml": None}), "请先解压"),
        (_rezip(F.ofd_package(INV), {"OFD.xml": F.billion_laughs()}), "DTD 或实体声明"),
        (_rezip(F.ofd_package(INV, tags=False), {"OFD.xml": b"<ofd:OFD xmlns:ofd='x'/>"}), "没有找到发票数据"),
    ],
    ids=["truncated", "no-central-directory", "zip-bomb", "too-many-members", "not-ofd", "entities", "empty"],
)
def test_broken_packages_say_why(data: bytes, reason: str) -> None:
    record = einvoice.read_bytes(data, "a.ofd")
    assert record.error is not None and reason in record.error


def test_total_decompressed_size_is_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ofd_reader, "MAX_TOTAL_BYTES", 3000)
    record = einvoice.read_bytes(F.ofd_package(INV, embed="einvoice"), "a.ofd")
    assert record.error is not None and "解压后超过" in record.error


def test_a_corrupted_member_is_named() -> None:
    data = bytearray(F.ofd_package(INV, deflate=False))
    at = data.index(b"<ofd:CustomDatas>")
    data[at : at + 5] = b"XXXXX"  # stored member: the CRC no longer matches
    record = einvoice.read_bytes(bytes(data), "a.ofd")
    assert record.error is not None and "OFD.xml 已损坏" in record.error


OFD_SAMPLES = [F.ofd_package(INV, embed="einvoice"), F.ofd_package(LEGACY), F.ofd_package(INV, deflate=False)]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_damaged_package_gives_a_reason_never_an_exception(data: st.DataObject) -> None:
    package = bytearray(data.draw(st.sampled_from(OFD_SAMPLES)))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(package) - 1))
        if data.draw(st.booleans()):
            package[at] = data.draw(st.integers(0, 255))
        else:
            del package[at : at + data.draw(st.integers(1, 64))]
    record = einvoice.read_bytes(bytes(package), "a.ofd")
    assert "内部错误" not in (record.error or "")
    assert record.error is not None or record.number
