"""Masked values for exports: what stays visible and what is hidden."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from neiqin.core.china.masking import (
    HIDDEN,
    mask_address,
    mask_email,
    mask_mobile,
    mask_person,
    mask_phone,
    mask_uscc,
)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        (13812345678.0, "138****5678"),
        ("+86 138-1234-5678", "138****5678"),
        ("１３８１２３４５６７８", "138****5678"),
        ("12345", "***45"),
        ("abc", HIDDEN),
        (None, ""),
    ],
)
def test_mobile(value: object, masked: str) -> None:
    assert mask_mobile(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("0571-88881234", "0571-****1234"),
        ("021 12345678", "021-****5678"),
        ("0571-88881234转8", "0571-****1234"),
        ("13812345678", "138****5678"),
        ("400-820-8820", "******8820"),
        ("88881234", "******34"),  # no area code: not a valid number, keep only two digits
        (None, ""),
    ],
)
def test_phone(value: object, masked: str) -> None:
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("zhang@example.com", "z***@example.com"), ("x@y.cn", "x***@y.cn"), ("bad", HIDDEN), (None, ""), ("", "")],
)
def test_email(value: object, masked: str) -> None:
    assert mask_email(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("91350100M000100Y43", "91350100********43"),
        ("9135 0100 m000 100y 43", "91350100********43"),
        ("123", HIDDEN),
        (None, ""),
    ],
)
def test_credit_code(value: object, masked: str) -> None:
    assert mask_uscc(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("浙江省杭州市西湖区文三路90号", "浙江省杭州市西湖区"),
        ("杭州市西湖区文三路90号3幢", "浙江省杭州市西湖区"),
        ("上海市浦东新区张江路", "上海市浦东新区"),
        ("广东省东莞市长安镇", "广东省东莞市"),
        ("文三路90号", HIDDEN),
        ("", ""),
    ],
)
def test_address_to_district_level(value: str, masked: str) -> None:
    assert mask_address(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧阳**"), ("王", "王*"), ("John Smith", "J********")]
)
def test_person(value: str, masked: str) -> None:
    assert mask_person(value) == masked


@given(st.from_regex(r"1(3[0-9]|5[0-35-9]|8[0-9])[0-9]{8}", fullmatch=True))
def test_a_masked_mobile_never_shows_the_middle(number: str) -> None:
    masked = mask_mobile(number)
    assert masked == number[:3] + "****" + number[-4:]


@given(st.one_of(st.none(), st.text(max_size=100), st.floats(), st.integers()))
def test_masking_never_raises_and_never_returns_the_whole_value(value: object) -> None:
    for mask in (mask_mobile, mask_phone, mask_email, mask_uscc, mask_address):
        out = mask(value)
        assert isinstance(out, str)
        text = str(value).strip() if isinstance(value, str) else ""
        if len(text) >= 6:
            assert out != text
