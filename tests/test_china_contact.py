"""Phones (mobile, landline, extensions, +86, full-width, floats) and e-mail syntax."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from neiqin.core.china.contact import (
    check_email,
    check_phone,
    is_mobile,
    normalize_email,
    normalize_phone,
    phone_key,
)


@pytest.mark.parametrize(
    ("typed", "kind", "key", "display", "extension"),
    [
        ("13812345678", "mobile", "13812345678", "138 1234 5678", None),
        (13812345678.0, "mobile", "13812345678", "138 1234 5678", None),
        (13812345678, "mobile", "13812345678", "138 1234 5678", None),
        ("+86 138 1234 5678", "mobile", "13812345678", "138 1234 5678", None),
        ("+86-138-1234-5678", "mobile", "13812345678", "138 1234 5678", None),
        ("008613812345678", "mobile", "13812345678", "138 1234 5678", None),
        ("8613812345678", "mobile", "13812345678", "138 1234 5678", None),
        ("１３８１２３４５６７８", "mobile", "13812345678", "138 1234 5678", None),
        ("138 1234 5678", "mobile", "13812345678", "138 1234 5678", None),
        ("19912345678", "mobile", "19912345678", "199 1234 5678", None),
        ("021-12345678", "landline", "2112345678", "021 1234 5678", None),
        ("02112345678", "landline", "2112345678", "021 1234 5678", None),
        ("(0571)88881234", "landline", "57188881234", "0571 8888 1234", None),
        ("（０５７１）８８８８１２３４", "landline", "57188881234", "0571 8888 1234", None),
        ("86-571-88881234", "landline", "57188881234", "0571 8888 1234", None),
        ("0571-88881234-123", "landline", "57188881234", "0571 8888 1234 转 123", "123"),
        ("0571-88881234转123", "landline", "57188881234", "0571 8888 1234 转 123", "123"),
        ("0571-88881234 分机 8", "landline", "57188881234", "0571 8888 1234 转 8", "8"),
        ("0571 8888 1234 ext. 9", "landline", "57188881234", "0571 8888 1234 转 9", "9"),
        ("400-820-8820", "service", "4008208820", "400 820 8820", None),
        ("+1 650 253 0000", "foreign", "16502530000", "+1 650-253-0000", None),
    ],
)
def test_valid_numbers_in_the_forms_clerks_type(
    typed: object, kind: str, key: str, display: str, extension: str | None
) -> None:
    result = check_phone(typed)
    assert (result.ok, result.kind, result.key, result.display, result.extension) == (
        True,
        kind,
        key,
        display,
        extension,
    )
    assert result.reason == ""
    assert normalize_phone(typed) == key
    assert phone_key(typed) == key  # the fast key used for duplicates agrees with the validated one
    assert is_mobile(typed) is (kind == "mobile")


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("88881234", "缺少区号"),
        ("8888123", "缺少区号"),
        (88881234.0, "缺少区号"),
        ("1381234567", "手机号应为 11 位，当前为 10 位"),
        ("138123456789", "当前为 12 位"),
        ("12345678901", "不是有效的手机号"),
        ("010-123456", "不是有效的固定电话"),
        ("95588", "短号或服务号"),
        ("13812345678/13912345678", "不止一个号码"),
        ("13812345678 13912345678", "不止一个号码"),
        ("abc", "不是电话号码"),
        ("电话：无", "不是电话号码"),
        ("0" * 10_000, "不是完整的电话号码"),
        (None, "未填写"),
        ("", "未填写"),
        (math.nan, "未填写"),
    ],
)
def test_bad_numbers_say_what_is_wrong(typed: object, fragment: str) -> None:
    result = check_phone(typed)
    assert result.ok is False and fragment in result.reason
    assert normalize_phone(typed) is None


def test_control_characters_in_a_pasted_number_are_dropped() -> None:
    assert check_phone("138\x001234\u200b5678").key == "13812345678"


@pytest.mark.parametrize(
    ("typed", "expect", "fragment"),
    [
        ("0571-88881234", "mobile", "不是手机号"),
        ("13812345678", "landline", "这是手机号"),
        ("13812345678", "mobile", ""),
    ],
)
def test_expected_kind_is_noted_without_failing_the_number(typed: str, expect: str, fragment: str) -> None:
    result = check_phone(typed, expect=expect)  # type: ignore[arg-type]
    assert result.ok and fragment in result.reason and bool(result.reason) is bool(fragment)


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("zhang@example.com", "zhang@example.com"),
        ("Zhang.San@Example.COM", "Zhang.San@example.com"),
        ("ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "zhang@example.com"),
        ("zhang@163。com", "zhang@163.com"),
        ("  zhang@qq.com ", "zhang@qq.com"),
        ("张三@例子.中国", "张三@例子.中国"),
    ],
)
def test_valid_emails(typed: str, normalized: str) -> None:
    result = check_email(typed)
    assert (result.ok, result.normalized, result.key) == (True, normalized, normalized.casefold())
    assert normalize_email(typed) == normalized.casefold()


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("zhang@", "「@」后面缺少域名"),
        ("@example.com", "「@」前面缺少用户名"),
        ("zhang@example", "域名不完整"),
        ("zhang san@example.com", "「@」前面有空格"),
        ("zhang@@example.com", "两个「@」"),
        ("zhang.example.com", "缺少「@」"),
        ("zhang@163.com;li@163.com", "不止一个邮箱"),
        ("zhang@exa_mple.com", "不允许的字符"),
        (None, "未填写邮箱"),
        (1.5, "缺少「@」"),
        ("a" * 5000 + "@example.com", "请核对"),
    ],
)
def test_bad_emails(typed: object, fragment: str) -> None:
    result = check_email(typed)
    assert result.ok is False and fragment in result.reason
    assert normalize_email(typed) is None


@given(st.one_of(st.none(), st.text(max_size=80), st.floats(), st.integers()))
def test_any_cell_value_gets_an_answer(value: object) -> None:
    phone = check_phone(value)
    assert phone.ok or phone.reason
    email = check_email(value)
    assert email.ok or email.reason


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["{}", "+86 {}", "0086{}", "{} ", "86-{}"]))
def test_every_typed_form_of_a_mobile_has_the_same_key(number: str, form: str) -> None:
    assert phone_key(form.format(number)) == number
