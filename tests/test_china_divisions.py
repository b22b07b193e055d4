"""行政区划: names and short forms, 省/市/区县 consistency, codes, and the division prefix of an address."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from neiqin.core.china import divisions as dv


def test_the_list_is_the_current_mca_list_with_history() -> None:
    assert len(dv.provinces()) == 34
    assert dv.division("110103").name == "崇文区" and dv.division("110103").end == 2010
    assert dv.division("653228").name == "和康县" and dv.division("653228").active  # created at the end of 2024


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("上海", "310000"),
        ("上海市", "310000"),
        ("广西", "450000"),
        ("广西壮族自治区", "450000"),
        ("内蒙古", "150000"),
        ("新疆", "650000"),
        ("宁夏回族自治区", "640000"),
        ("香港", "810000"),
        ("  浙江省 ", "330000"),
        ("ｚ", None),
        ("浙", None),
        ("", None),
        (None, None),
        (3.5, None),
        ("浙江省杭州市", None),
    ],
)
def test_provinces_by_full_or_short_name(typed: object, code: str | None) -> None:
    found = dv.find_province(typed)
    assert (found.code if found else None) == code
    assert dv.is_province(typed) is (code is not None)


@pytest.mark.parametrize(
    ("city", "province", "code"),
    [
        ("杭州", "浙江", "330100"),
        ("杭州市", None, "330100"),
        ("上海", "上海", "310000"),  # a municipality is its own city
        ("仙桃", "湖北", "429004"),  # a county-level city governed by its province
        ("石河子市", "新疆", "659001"),
        ("恩施", "湖北", "422800"),
        ("恩施土家族苗族自治州", None, "422800"),
        ("延边", "吉林", "222400"),
        ("大兴安岭", "黑龙江", "232700"),
        ("南京", "浙江", None),
        ("朝阳区", "北京", None),  # a district, not a city
        ("杭州", "不存在省", None),
        ("莱芜", "山东", None),  # merged into 济南 in 2019
    ],
)
def test_cities_within_a_province(city: str, province: str | None, code: str | None) -> None:
    found = dv.find_city(city, province)
    assert (found.code if found else None) == code
    if province:
        assert dv.is_city_of(city, province) is (code is not None)


@pytest.mark.parametrize(
    ("district", "city", "province", "code"),
    [
        ("浦东", None, None, "310115"),
        ("浦东新区", "上海", None, "310115"),
        ("西湖区", "杭州", None, "330106"),
        ("西湖区", None, "江西", "360103"),
        ("西湖区", None, None, None),  # 杭州 and 南昌 both have one
        ("朝阳区", "北京", None, "110105"),
        ("朝阳区", "长春", "吉林", "220104"),
        ("朝阳", "北京市", None, "110105"),
        ("神农架", "湖北", None, None),
        ("神农架林区", None, None, "429021"),
        ("双江", "临沧", None, "530925"),
        ("西湖区", "宁波", None, None),
        ("城区", "晋城", None, "140502"),
    ],
)
def test_districts_within_a_city(district: str, city: str | None, province: str | None, code: str | None) -> None:
    found = dv.find_district(district, city, province)
    assert (found.code if found else None) == code


@pytest.mark.parametrize(
    ("province", "city", "district", "ok", "fragment"),
    [
        ("浙江", "杭州", "西湖区", True, ""),
        ("浙江省", "杭州市", None, True, ""),
        (None, "杭州", "西湖", True, ""),
        ("北京", "北京市", "朝阳", True, ""),
        ("", "", "", True, ""),
        ("浙江", "南京", None, False, "「南京」属于江苏省，不属于浙江省"),
        ("上海", "浦东新区", None, False, "上海市是直辖市，「市」请填「上海市」"),
        ("浙江", "西湖区", None, False, "是浙江省的区县，不是地级市"),
        ("浙江", "杭州", "鼓楼区", False, "杭州市没有名为「鼓楼区」的区县"),  # several cities have one
        ("浙江", "杭州", "浦东新区", False, "「浦东新区」属于上海市，不属于杭州市"),
        ("浙江", "杭州", "不存在区", False, "杭州市没有名为「不存在区」的区县"),
        ("火星", None, None, False, "不是省级行政区名称"),
        ("山东", "莱芜", None, False, "「莱芜」是山东省的区县"),  # 莱芜市 is now 济南市莱芜区
        ("安徽", "巢湖", None, False, "「巢湖」是安徽省的区县"),  # 巢湖市 is county-level since 2011
        ("山东", "莱芜市", None, False, "已不是山东省现行的地级行政区"),
        (None, "朝阳区", None, False, "是区县，不是地级市"),
    ],
)
def test_province_city_district_consistency(
    province: str | None, city: str | None, district: str | None, ok: bool, fragment: str
) -> None:
    result = dv.check_region(province, city, district)
    assert result.ok is ok
    assert fragment in result.reason
    if not ok:
        assert "请" in result.reason


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("330106", ("浙江省", "杭州市", "西湖区", True)),
        ("310115", ("上海市", "上海市", "浦东新区", True)),
        ("429004", ("湖北省", "仙桃市", None, True)),
        ("110000", ("北京市", "北京市", None, True)),
        ("330100", ("浙江省", "杭州市", None, True)),
        ("371202", ("山东省", "莱芜市", "莱城区", False)),
        (330106, ("浙江省", "杭州市", "西湖区", True)),
        (330106.0, ("浙江省", "杭州市", "西湖区", True)),
    ],
)
def test_code_to_names(code: object, names: tuple[str | None, str | None, str | None, bool]) -> None:
    found = dv.region_names(code)
    assert found is not None
    assert (found.province, found.city, found.district, found.active) == names


@pytest.mark.parametrize("code", ["999999", "12345", "abc", None, "", "3301060"])
def test_unknown_codes(code: object) -> None:
    assert dv.region_names(code) is None and dv.division(code) is None


@pytest.mark.parametrize(
    ("province", "city", "district", "code"),
    [
        ("浙江", "杭州", "西湖区", "330106"),
        ("浙江", "杭州", None, "330100"),
        ("浙江", None, None, "330000"),
        ("浙江", "南京", None, None),
    ],
)
def test_names_to_code(province: str, city: str | None, district: str | None, code: str | None) -> None:
    assert dv.code_of(province, city, district) == code


@pytest.mark.parametrize(
    ("address", "region", "rest"),
    [
        ("浙江省杭州市西湖区文三路90号", "浙江省杭州市西湖区", "文三路90号"),
        ("杭州市西湖区文三路", "浙江省杭州市西湖区", "文三路"),
        ("杭州西湖区文三路", "浙江省杭州市西湖区", "文三路"),  # short city confirmed by its district
        ("浙江杭州西湖区文三路", "浙江省杭州市西湖区", "文三路"),
        ("中山路8号", "", "中山路8号"),  # not 中山市
        ("上海市浦东新区张江路", "上海市浦东新区", "张江路"),
        ("上海上海市浦东新区张江路", "上海市浦东新区", "张江路"),
        ("北京朝阳区建国路", "北京市朝阳区", "建国路"),
        ("浦东新区世纪大道", "上海市浦东新区", "世纪大道"),
        ("广东省东莞市长安镇", "广东省东莞市", "长安镇"),
        ("湖北省仙桃市仙桃大道", "湖北省仙桃市", "仙桃大道"),
        ("中国江苏省苏州市工业园区星湖街", "江苏省苏州市", "工业园区星湖街"),
        ("广西南宁市青秀区民族大道", "广西壮族自治区南宁市青秀区", "民族大道"),
        ("浙江省 杭州市　西湖区 文三路", "浙江省杭州市西湖区", "文三路"),
        ("ＸＸ路", "", "XX路"),
        ("", "", ""),
    ],
)
def test_division_prefix_of_an_address(address: str, region: str, rest: str) -> None:
    parts = dv.parse_address(address)
    assert parts.region_text == region
    assert parts.rest == rest.casefold() if rest.isascii() else parts.rest == rest


def test_address_fills_missing_province_and_city() -> None:
    parts = dv.parse_address("西湖区文三路")  # two 西湖区: nothing can be inferred
    assert parts.district is None
    parts = dv.parse_address("杭州市西湖区")
    assert (parts.province.name, parts.city.name) == ("浙江省", "杭州市")
    assert [d.name for d in parts.written] == ["杭州市", "西湖区"]


@pytest.mark.parametrize(
    ("code", "province", "city", "verdict"),
    [
        ("330106", "浙江", "杭州", True),
        ("330106", "浙江", "宁波", False),
        ("330106", "江苏", None, False),
        ("330000", "浙江", "杭州", True),  # registered at province level: the city cannot be told
        ("310115", "上海", "上海", True),
        ("429004", "湖北", "仙桃", True),
        ("371202", "山东", "济南", None),  # 莱芜 merged into 济南
        ("100000", "广东", "深圳", True),
        ("330106", "火星", None, None),
        ("33010", "浙江", None, None),
    ],
)
def test_code_agrees_with_province_and_city(code: str, province: str, city: str | None, verdict: bool | None) -> None:
    assert dv.agrees_with_code(code, province, city) is verdict


def test_every_current_division_is_found_by_its_own_name_in_its_own_scope() -> None:
    index = dv._index()
    for county in index.counties:
        names = dv.region_names(county.code)
        assert names is not None
        if names.district is None:  # province-governed county-level city
            assert dv.find_city(county.name, names.province) == county
        else:
            assert dv.find_district(county.name, names.city, names.province) == county, county
    for city in index.city_like:
        assert dv.find_city(city.name, index.by_code[city.province_code].name) == city


@given(st.text(max_size=120))
def test_parsing_any_text_never_raises(text: str) -> None:
    parts = dv.parse_address(text)
    assert isinstance(parts.rest, str)
    dv.check_region(text, text, text)
