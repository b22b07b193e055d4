"""Numerals, OCR digits, packing text and unit conversion in order intake: the tables are the spec."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neiqin.core.intake import Ask, Product, fix_ocr_digits, parse_number, parse_packs
from tests.intake_corpus import reader

SENT = dt.datetime(2026, 11, 20, 9, 0)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", "12"),
        ("1,200", "1200"),
        ("0.5", "0.5"),
        ("十", "10"),
        ("十二", "12"),
        ("二十五", "25"),
        ("两", "2"),
        ("两百", "200"),
        ("两千", "2000"),
        ("一千二百", "1200"),
        ("三千五", "3500"),
        ("一万五", "15000"),
        ("一万五千", "15000"),
        ("1万5", "15000"),
        ("1万5千", "15000"),
        ("1.5万", "15000"),
        ("两万", "20000"),
        ("一百零五", "105"),
        ("壹佰", "100"),
        ("三点五", "3.5"),
    ],
)
def test_number(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "x", "几", "约", "一二三四万万"])
def test_not_a_number(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("1O台", "10台"),
        ("l2只", "12只"),
        ("2O0套", "200套"),
        ("198O", "1980"),
        ("4l00", "4100"),
        ("I850元", "1850元"),
        ("5|0", "510"),
        ("lO台", "lO台"),  # no real digit: not a number, left alone
        ("l 台", "l 台"),
        ("YE3-l00L1-4", "YE3-l00L1-4"),  # inside a model number: the catalogue matcher reads O/0 and l/1 alike
        ("Hello 2026", "Hello 2026"),
    ],
)
def test_ocr_digits(text: str, fixed: str) -> None:
    assert fix_ocr_digits(text) == fixed


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_ocr_fix_keeps_every_offset(text: str) -> None:
    fixed = fix_ocr_digits(text)
    assert len(fixed) == len(text)
    assert [c for c in fixed if not c.isdigit()] == [c for c, f in zip(text, fixed, strict=True) if not f.isdigit()]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_any_text_is_a_number_or_none(text: str) -> None:
    value = parse_number(text)
    assert value is None or isinstance(value, Decimal)


@pytest.mark.parametrize(
    ("text", "unit", "packs"),
    [
        ("1箱=4台", "台", {"箱": "4"}),
        ("1箱=4台；1盒=10台", "台", {"箱": "4", "盒": "10"}),
        ("1盒=10只, 1箱=100只", "只", {"盒": "10", "箱": "100"}),
        ("箱=4台", "台", {"箱": "4"}),
        ("每箱4台", "台", {"箱": "4"}),
        ("1箱4台", "台", {"箱": "4"}),
        ("4台/箱", "台", {"箱": "4"}),
        ("2箱=8台", "台", {"箱": "4"}),
        ("1卷=100米", "卷", {"米": "0.01"}),
        ("1卷=100m", "卷", {"米": "0.01"}),
        ("", "台", {}),
    ],
)
def test_packs(text: str, unit: str, packs: dict[str, str]) -> None:
    assert parse_packs(text, unit) == {k: Decimal(v) for k, v in packs.items()}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1箱=四台", "看不懂"),
        ("箱子装四个", "看不懂"),
        ("1箱=4个", "没有写到目录单位『台』"),
        ("0箱=4台", "必须大于 0"),
    ],
)
def test_packs_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_packs(text, "台")


def test_product_reads_packing_text() -> None:
    p = Product(code="PT-1", name="轴承", unit="套", packs="1盒=10套；1箱=200套")
    assert p.packs == {"盒": Decimal(10), "箱": Decimal(200)}


def line(text: str, hint: str = "恒通张伟") -> tuple[str | None, Decimal | None, str | None, set[str]]:
    """The one line read from ``text``: product, quantity, unit and its question codes."""
    intake = reader().parse(text + "，12月5日前", sent=SENT, customer_hint=hint)
    assert len(intake.lines) == 1, intake.lines
    [ln] = intake.lines
    return ln.product_code, ln.quantity, ln.unit, {q.code for q in ln.questions}


@pytest.mark.parametrize(
    ("text", "code", "quantity", "unit", "asks"),
    [
        # the catalogue unit, and piece counters that count the same thing
        ("YE3-100L1-4 电机 12台", "MT-2200", 12, "台", set()),
        ("YE3-100L1-4 电机 十二台", "MT-2200", 12, "台", set()),
        ("YE3-100L1-4 电机 １２台", "MT-2200", 12, "台", set()),
        ("5个YE3-100L1-4电机", "MT-2200", 5, "台", set()),
        ("RV063减速机 x3", "GR-0630", 3, "台", set()),
        ("RV063减速机 数量：3", "GR-0630", 3, "台", set()),
        ("梅花联轴器D40 30件", "PT-CP40", 30, "只", set()),
        ("同步带轮HTD5M-40T 50pcs", "PT-SP50", 50, "只", set()),
        ("油封TC40x62x8 1万5只", "PT-OS80", 15000, "只", set()),
        ("6206-2RS 1.5万套", "PT-BR6206", 15000, "套", set()),
        ("6206-2RS 一千二百套", "PT-BR6206", 1200, "套", set()),
        ("6206-2RS 1O0套", "PT-BR6206", 100, "套", set()),
        # packing units from the catalogue
        ("RV040减速机 2箱", "GR-0407", 8, "台", set()),
        ("接近开关M18 3盒", "SN-PX18", 30, "只", set()),
        ("接近开关M18 一箱", "SN-PX18", 100, "只", set()),
        ("油封TC40x62x8 4包", "PT-OS80", 200, "只", set()),
        ("4x2.5动力电缆 300米", "CB-PW25", 3, "卷", set()),
        ("4x2.5动力电缆 300m", "CB-PW25", 3, "卷", set()),
        ("4x2.5动力电缆 2卷", "CB-PW25", 2, "卷", set()),
        # a bare number: the catalogue unit, unless the product also comes in packs
        ("PLF120行星减速机 2", "GR-2000", 2, "台", set()),
        ("6206-2RS 300", "PT-BR6206", None, None, {Ask.UNIT_UNKNOWN}),
        # what cannot be converted is asked, never guessed
        ("压力变送器 1箱", "SN-PR10", None, None, {Ask.UNIT_UNKNOWN}),
        ("YE3-100L1-4 电机 2卷", "MT-2200", None, None, {Ask.UNIT_UNKNOWN}),
        ("4x2.5动力电缆 250米", "CB-PW25", None, None, {Ask.UNIT_NOT_WHOLE}),
        ("接近开关M18 大概200个", "SN-PX18", None, None, {Ask.QUANTITY_APPROX}),
        ("接近开关M18 200个左右", "SN-PX18", None, None, {Ask.QUANTITY_APPROX}),
        ("接近开关M18 20多个", "SN-PX18", None, None, {Ask.QUANTITY_APPROX}),
        ("接近开关M18 几十个", "SN-PX18", None, None, {Ask.QUANTITY_APPROX}),
        ("接近开关M18", "SN-PX18", None, None, {Ask.QUANTITY_MISSING}),
        ("PLF120行星减速机 l 台", "GR-2000", None, None, {Ask.QUANTITY_MISSING}),
    ],
)
def test_quantity_and_unit(text: str, code: str, quantity: int | None, unit: str | None, asks: set[str]) -> None:
    expected_quantity = Decimal(quantity) if quantity is not None else None
    assert line(text) == (code, expected_quantity, unit, asks)


@pytest.mark.parametrize(
    ("text", "price", "differs", "asks"),
    [
        ("YE3-100L1-4电机5台，单价1850", "1850", False, set()),
        ("YE3-100L1-4电机5台，单价1800元/台", "1800", True, set()),
        ("YE3-100L1-4电机5台 每台1800", "1800", True, set()),
        ("YE3-100L1-4电机5台 ¥1,800/台", "1800", True, set()),
        ("YE3-100L1-4电机5台 1800元一台", "1800", True, set()),
        ("YE3-100L1-4电机5台 价格还是1850", "1850", False, set()),
        ("6205-2RS轴承 5箱，按每盒180元算", "18", True, set()),
        ("6205-2RS轴承 5箱，单价3600元/箱", "18", True, set()),
        ("YE3-100L1-4电机5台 共9250元", None, None, set()),  # a total is not a unit price
        ("YE3-100L1-4电机5台 1850元", None, None, {Ask.PRICE_UNCLEAR}),  # unit price or total? asked
        ("压力变送器 3只 单价1000元/箱", None, None, {Ask.PRICE_UNCLEAR}),
    ],
)
def test_price(text: str, price: str | None, differs: bool | None, asks: set[str]) -> None:
    intake = reader().parse(text + "，12月5日前", sent=SENT, customer_hint="恒通张伟")
    [ln] = intake.lines
    assert (ln.price, ln.price_differs) == (Decimal(price) if price else None, differs)
    assert {q.code for q in ln.questions} == asks


def test_same_conversion_for_every_candidate_keeps_the_quantity() -> None:
    """6205 fits two bearings, both 10 to a box: the quantity is certain even though the product is not."""
    code, quantity, unit, asks = line("6205轴承 20盒")
    assert (code, quantity, unit, asks) == (None, Decimal(200), "套", {Ask.PRODUCT_AMBIGUOUS})


def test_different_conversions_leave_the_quantity_to_the_product_question() -> None:
    code, quantity, unit, asks = line("轴承 2箱")  # 6205: 200 a case, 6206: 150 a case
    assert (code, quantity, unit, asks) == (None, None, None, {Ask.PRODUCT_AMBIGUOUS})
