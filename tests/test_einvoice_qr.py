"""The invoice QR code: payload table, property test of the parser, photos and scans."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neiqin.core import einvoice
from neiqin.core.einvoice import InvoiceKind, PayloadError, Source, parse_payload
from tests import invoice_fixtures as F

D = dt.date(2025, 3, 7)
CHECK = "12345678901234567890"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(
    ("text", "kind", "code", "number", "amount", "check"),
    [
        (
            "01,32,,25312000000123456789,2173.00,20250307,,B35C",
            InvoiceKind.DIGITAL_GENERAL,
            "",
            "25312000000123456789",
            "2173.00",
            "",
        ),
        (
            "01,31,,25312000000123456789,2173.00,20250307,,B35C,",
            InvoiceKind.DIGITAL_SPECIAL,
            "",
            "25312000000123456789",
            "2173.00",
            "",
        ),
        (
            "01,32, ,25312000000123456789,2173,20250307, ,",
            InvoiceKind.DIGITAL_GENERAL,
            "",
            "25312000000123456789",
            "2173",
            "",
        ),
        (
            f"01,10,033002300111,01234567,2050.00,20250307,{CHECK},A1B2",
            InvoiceKind.E_GENERAL,
            "033002300111",
            "01234567",
            "2050.00",
            CHECK,
        ),
        (
            f"01,04,3300231130,01234567,2050.00,20250307,{CHECK},A1B2",
            InvoiceKind.GENERAL,
            "3300231130",
            "01234567",
            "2050.00",
            CHECK,
        ),
        (
            "01,01,3300231130,01234567,2050.00,20250307,,A1B2",
            InvoiceKind.SPECIAL,
            "3300231130",
            "01234567",
            "2050.00",
            "",
        ),
        (
            "01,08,033002300111,01234567,-50.5,20250307,,",
            InvoiceKind.E_SPECIAL,
            "033002300111",
            "01234567",
            "-50.5",
            "",
        ),
        (
            "\ufeff01,32,,25312000000123456789,2173.00,20250307,,B35C\n",
            InvoiceKind.DIGITAL_GENERAL,
            "",
            "25312000000123456789",
            "2173.00",
            "",
        ),
    ],
    ids=["数电普", "数电专-trailing-comma", "spaces", "电子普", "普票", "专票", "电子专-red", "bom-newline"],
)
def test_payloads(text: str, kind: InvoiceKind, code: str, number: str, amount: str, check: str) -> None:
    p = parse_payload(text)
    assert (p.kind, p.code, p.number, p.amount, p.date, p.check_code) == (kind, code, number, Decimal(amount), D, check)
    # 金额 is the 价税合计 for 数电 and the amount without tax for the older kinds
    assert (p.gross, p.net) == ((Decimal(amount), None) if kind.digital else (None, Decimal(amount)))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("https://example.com/", "不是发票二维码"),
        ("02,32,,25312000000123456789,1.00,20250307,,", "不是发票二维码"),
        ("01,32,,25312000000123456789,1.00", "不是发票二维码"),
        ("01,99,,25312000000123456789,1.00,20250307,,", "发票种类“99”不认识"),
        ("01,32,044031900111,25312000000123456789,1.00,20250307,,", "不应有发票代码"),
        ("01,32,,2531200000012345678,1.00,20250307,,", "应为 20 位数字"),
        ("01,10,04403190011,01234567,1.00,20250307,,", "10 位或 12 位"),
        ("01,10,044031900111,1234567,1.00,20250307,,", "8 位数字"),
        ("01,32,,25312000000123456789,1.0.0,20250307,,", "不是金额"),
        ("01,32,,25312000000123456789,1.001,20250307,,", "不是金额"),
        ("01,32,,25312000000123456789,1.00,2025037,,", "YYYYMMDD"),
        ("01,32,,25312000000123456789,1.00,20250230,,", "不是有效日期"),
        ("01,10,044031900111,01234567,1.00,20250307,1234,", "校验码应为 20 位"),
        (f"01,32,,{'25312000000123456789'.translate(FULL_WIDTH)},1.00,20250307,,", None),
    ],
    ids=[
        "url",
        "version",
        "short",
        "kind",
        "digital-code",
        "digital-number",
        "code",
        "number",
        "amount",
        "amount-3dp",
        "date",
        "feb30",
        "check",
        "fullwidth",
    ],
)
def test_not_invoice_payloads(text: str, message: str | None) -> None:
    if message is None:  # full-width digits are folded, like every field NeiQin reads
        assert parse_payload(text).number == "25312000000123456789"
        return
    with pytest.raises(PayloadError, match=message):
        parse_payload(text)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(max_size=120),
        st.lists(st.text(alphabet="0123456789 .-,A", max_size=22), min_size=0, max_size=10).map(",".join),
        st.lists(st.text(max_size=22), min_size=7, max_size=9).map(lambda f: ",".join(["01", "32", *f[2:]])),
        st.builds(
            lambda k, c, n, a, d, x: f"01,{k},{c},{n},{a},{d},{x},",
            st.sampled_from(["01", "04", "08", "10", "31", "32", "3", ""]),
            st.text(alphabet="0123456789 ", max_size=13),
            st.text(alphabet="0123456789", max_size=21),
            st.text(alphabet="0123456789.-", max_size=10),
            st.text(alphabet="0123456789", max_size=9),
            st.text(alphabet="0123456789", max_size=21),
        ),
    )
)
def test_the_parser_raises_only_its_documented_error(text: str) -> None:
    try:
        p = parse_payload(text)
    except PayloadError as exc:
        assert str(exc)  # a Chinese reason
        return
    assert p.kind in InvoiceKind
    assert p.number.isdigit() and len(p.number) in (8, 20)
    assert p.amount == p.amount.quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- pictures

DIGITAL = F.make_invoice()
LEGACY = F.legacy()


@pytest.mark.parametrize(
    ("inv", "fmt", "rotate", "blur"),
    [
        (DIGITAL, "PNG", 0, 0),
        (DIGITAL, "JPEG", 0, 0),
        (DIGITAL, "PNG", 7, 0),
        (DIGITAL, "JPEG", -12, 1.2),
        (LEGACY, "JPEG", 3, 0.8),
        (LEGACY, "PNG", 90, 0),
    ],
    ids=["png", "jpg", "rotated-7", "jpg-rotated-blurred", "legacy-jpg", "legacy-90"],
)
def test_photos_of_the_qr_code(inv: F.FakeInvoice, fmt: str, rotate: float, blur: float) -> None:
    record = einvoice.read_bytes(
        F.qr_photo(F.qr_payload(inv), fmt=fmt, rotate=rotate, blur=blur), f"photo.{fmt.lower()}"
    )
    assert record.error is None, record.error
    assert record.source is Source.IMAGE
    assert (record.number, record.code, record.date) == (inv.number, inv.code, inv.date)
    if inv.digital:
        assert (record.gross, record.net) == (inv.gross, None)
    else:
        assert (record.net, record.gross, record.check_code) == (inv.net, None, inv.check_code)
    assert record.problems == ()


def test_phone_photo_is_read_at_half_size_first() -> None:
    from PIL import Image

    page = Image.new("RGB", (4000, 3000), (200, 200, 200))
    page.paste(F.qr_image(F.qr_payload(DIGITAL), scale=9).convert("RGB"), (300, 300))
    out = io.BytesIO()
    page.save(out, "JPEG", quality=85)
    record = einvoice.read_bytes(out.getvalue(), "IMG_0001.jpg")
    assert record.number == DIGITAL.number


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (F.picture_without_qr(), "没有找到发票二维码"),
        (F.picture_without_qr("JPEG")[:600], "已损坏或不完整"),
        (F.qr_photo("https://example.com/menu"), "不是发票二维码"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "图片"),
    ],
    ids=["no-qr", "truncated-jpg", "other-qr", "garbage-png"],
)
def test_pictures_without_an_invoice_qr(data: bytes, reason: str) -> None:
    record = einvoice.read_bytes(data, "photo.png")
    assert record.error is not None and reason in record.error


def test_a_picture_too_large_is_refused_before_decoding() -> None:
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (12000, 6000)).save(out, "PNG")  # small file, 72 megapixels
    record = einvoice.read_bytes(out.getvalue(), "huge.png")
    assert record.error is not None and "12000×6000" in record.error


def test_two_invoices_in_one_picture() -> None:
    from PIL import Image

    other = F.make_invoice(number="25312000000999999999")
    a, b = F.qr_image(F.qr_payload(DIGITAL)), F.qr_image(F.qr_payload(other))
    page = Image.new("L", (a.width + b.width + 40, max(a.height, b.height) + 20), 255)
    page.paste(a, (10, 10))
    page.paste(b, (a.width + 30, 10))
    out = io.BytesIO()
    page.save(out, "PNG")
    record = einvoice.read_bytes(out.getvalue(), "two.png")
    assert record.number in (DIGITAL.number, other.number)
    assert [p.code for p in record.problems] == ["several_invoices"]


PICTURES = [F.qr_photo(F.qr_payload(DIGITAL)), F.qr_photo("x", fmt="JPEG")]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_damaged_picture_gives_a_reason_never_an_exception(data: st.DataObject) -> None:
    picture = bytearray(data.draw(st.sampled_from(PICTURES)))
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(picture) - 1))
        if data.draw(st.booleans()):
            picture[at] = data.draw(st.integers(0, 255))
        else:
            del picture[at : at + data.draw(st.integers(1, 200))]
    record = einvoice.read_bytes(bytes(picture), "a.png")
    assert "内部错误" not in (record.error or "")
