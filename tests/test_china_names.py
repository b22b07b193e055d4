"""Name keys: the pairs that must be the same name and the pairs that must not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from neiqin.core.china.names import company_core, company_key, differ_only_in_numbers, person_key

SAME_NAME = [
    ("杭州明远机电设备有限公司", "杭州明远机电设备有限责任公司"),
    ("杭州明远机电设备有限公司", "杭州明远机电设备股份有限公司"),
    ("杭州明远机电设备有限公司", "杭州明远机电设备公司"),
    ("杭州明远机电设备有限公司", "杭州明远机电设备"),
    ("杭州市明远机电设备有限公司", "杭州明远机电设备有限公司"),
    ("杭州市西湖区明远茶庄", "杭州西湖明远茶庄"),
    ("广西壮族自治区明远贸易有限公司", "广西明远贸易有限公司"),
    ("上海市明远科技有限公司", "上海明远科技有限公司"),
    ("百度（中国）有限公司", "百度(中国)有限公司"),
    ("百度【中国】有限公司", "百度中国有限公司"),
    ("明远投资中心（有限合伙）", "明远投资中心"),
    ("明远律师事务所（普通合伙）", "明远律师事务所"),
    ("明远集团有限公司", "明远集团公司"),
    ("上海明远有限公司北京分公司", "上海明远有限责任公司北京分公司"),
    ("ＡＢＣ科技有限公司", "abc科技有限公司"),
    ("明远 科技 有限公司", "明远科技有限公司"),
    ("明远·科技有限公司", "明远科技有限公司"),
    ("⼈民机电有限公司", "人民机电有限公司"),  # Kangxi radical ⼈ U+2F08
    ("义乌市明远贸易商行", "义乌明远贸易商行"),
]

DIFFERENT = [
    ("北京明远科技有限公司", "上海明远科技有限公司"),  # same trade name, other region: other company
    ("苹果电脑贸易（上海）有限公司", "苹果电脑贸易（北京）有限公司"),
    ("上海明远有限公司北京分公司", "上海明远有限公司"),  # a branch is its own customer
    ("上海明远有限公司北京分公司", "上海明远有限公司广州分公司"),
    ("明远第一分店", "明远第二分店"),
    ("明远科技有限公司", "明源科技有限公司"),
    ("明远科技有限公司", "明远科技发展有限公司"),
    ("中国石油天然气股份有限公司", "中国石油天然气集团有限公司"),
    ("浙江杭州明远科技", "杭州明远科技"),  # different written regions: only the core is shared
    ("明远商行", "明远厂"),
]


@pytest.mark.parametrize(("a", "b"), SAME_NAME)
def test_these_names_are_the_same(a: str, b: str) -> None:
    assert company_key(a) == company_key(b) != ""


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_these_names_are_not_the_same(a: str, b: str) -> None:
    assert company_key(a) != company_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("北京明远科技有限公司", "上海明远科技有限公司"),
        ("明远科技（杭州）有限公司", "杭州明远科技有限公司"),
        ("浙江杭州明远科技", "明远科技"),
        ("杭州明远科技", "明远科技"),
    ],
)
def test_the_core_drops_the_region_so_candidates_meet(a: str, b: str) -> None:
    assert company_core(a) == company_core(b)


@pytest.mark.parametrize("value", [None, "", "   ", float("nan"), 12.0, "（）", "有限公司"])
def test_odd_values_give_a_key_without_raising(value: object) -> None:
    assert isinstance(company_key(value), str) and isinstance(company_core(value), str)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("买买提·艾力", "买买提艾力", True),
        ("张 三", "张三", True),
        ("Zhang San", "ZHANG  SAN", True),
        ("张三", "张三丰", False),
        ("王经理", "王五", False),
    ],
)
def test_person_keys(a: str, b: str, same: bool) -> None:
    assert (person_key(a) == person_key(b)) is same


@pytest.mark.parametrize(
    ("a", "b", "only"),
    [
        ("明远第一分店", "明远第二分店", True),
        ("明远1号店", "明远2号店", True),
        ("明远", "明源", False),
        ("明远", "明远", False),
    ],
)
def test_names_that_differ_only_in_numbers(a: str, b: str, only: bool) -> None:
    assert differ_only_in_numbers(a, b) is only


@given(st.text(max_size=200))
def test_keys_are_stable_and_never_raise(text: str) -> None:
    key = company_key(text)
    assert company_key(text) == key
    assert " " not in key
