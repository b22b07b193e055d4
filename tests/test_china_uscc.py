"""统一社会信用代码: real public codes of each kind, what clerks type, and the check character's properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from neiqin.core.china.uscc import (
    ALPHABET,
    AUTHORITIES,
    check_char,
    check_uscc,
    make_uscc,
    normalize_uscc,
    org_code_check_char,
    uscc_region_check,
)

# Real codes as their holders publish them. Sources (found with a public code search; the
# repositories quote the holders' own documents):
REAL = [
    # (code, authority, kind, holder and where the code was published)
    ("11140800558745220K", "机构编制", "机关", "晋中市文化和旅游局 — purchaser in a 2022 procurement contract draft"),
    ("12100000470095016Q", "机构编制", "事业单位", "浙江大学 — account holder in its library's tender notice"),
    ("12100000425006117P", "机构编制", "事业单位", "复旦大学 — buyer on a railway e-ticket invoice"),
    ("51310110501144395U", "民政", "社会团体", "a social organisation registered with 上海市杨浦区民政局 (visit form)"),
    ("53100000500019795A", "民政", "基金会", "中国社会福利基金会 — its published registration details (民政部)"),
    ("91140106713678575D", "市场监管（工商）", "企业", "山西晋韵古建筑有限公司 — supplier in the same contract"),
    ("914403001922038216", "市场监管（工商）", "企业", "华为技术有限公司 (bluesky335/IDCheck test data)"),
    ("91110108795101314G", "市场监管（工商）", "企业", "谷歌信息技术（中国）有限公司 (bluesky335/IDCheck)"),
    ("9135020026015919XW", "市场监管（工商）", "企业", "厦门象屿集团有限公司 (bluesky335/IDCheck)"),
    ("91350100M000100Y43", "市场监管（工商）", "企业", "the example code printed in GB 32100-2015 (IDCheck)"),
    ("91120222MA06DG3067", "市场监管（工商）", "企业", "天津云上畅游科技合伙企业（有限合伙）(IDCheck)"),
    ("91310110666007217T", "市场监管（工商）", "企业", "hutool CreditCodeUtilTest"),
    ("92230109MAKCUYD46K", "市场监管（工商）", "个体工商户", "哈尔滨市松北区算云软件开发工作室 — its own site"),
    ("92420102MAKJME5F3R", "市场监管（工商）", "个体工商户", "武汉市江岸区宇航智荟电商营业部 — its own site"),
    (
        "92511126MACBT2C33F",
        "市场监管（工商）",
        "个体工商户",
        "a 夹江县 business in a court's list of defaulters (2026)",
    ),
    ("92140727MAE8C7WN66", "市场监管（工商）", "个体工商户", "祁县天天开心商贸行 — developer notice of an app"),
]

# Genuine codes from Fujian's pilot before GB 32100 whose check character does not follow the
# formula (bluesky335/IDCheck README and tests; hutool's CreditCodeUtilTest): warn, never reject.
FUJIAN_PILOT = ["91350211M0000XUF46", "91350100M0001TGQXM", "91350203M0001FUE2P", "91350211M00013FA1N"]

# For these kinds no published code could be found to cite: codes built with the standard's rule
# (make_uscc), one per registration authority and kind, so that every kind is exercised.
CONSTRUCTED = [
    ("1331000000000001", "机构编制", "中央编办直接管理机构编制的群众团体"),
    ("2111000000000001", "外交", "外国常驻新闻机构"),
    ("3131010000000001", "司法行政", "律师执业机构"),
    ("3231010000000001", "司法行政", "公证处"),
    ("4111000000000001", "文化", "外国在华文化中心"),
    ("5244030000000001", "民政", "民办非企业单位"),
    ("6111000000000001", "旅游", "外国旅游部门常驻代表机构"),
    ("7133010000000001", "宗教", "宗教活动场所"),
    ("8133010600000001", "工会", "基层工会"),
    ("9333078200000001", "市场监管（工商）", "农民专业合作社"),
    ("A111000000000001", "中央军委改革和编制办公室", "军队事业单位"),
    ("N133010600000001", "农业农村", "组级集体经济组织"),
    ("N233010600000001", "农业农村", "村级集体经济组织"),
    ("N333010600000001", "农业农村", "乡镇级集体经济组织"),
    ("Y111000000000001", "其他", "其他"),
]


def _constructed(prefix16: str) -> str:
    body = prefix16[:8] + prefix16[8:16]
    org = body[8:16]
    return make_uscc(body[:8] + org + org_code_check_char(org))


@pytest.mark.parametrize(("code", "authority", "kind", "source"), REAL, ids=[r[0] for r in REAL])
def test_real_codes_of_every_published_kind_are_valid(code: str, authority: str, kind: str, source: str) -> None:
    result = check_uscc(code)
    assert (result.ok, result.severity, result.reason) == (True, None, "")
    assert (result.authority, result.kind, result.code) == (authority, kind, code)


@pytest.mark.parametrize("code", FUJIAN_PILOT)
def test_fujian_pilot_codes_are_a_warning_not_an_error(code: str) -> None:
    result = check_uscc(code)
    assert check_char(code) != code[-1]  # really off the formula
    assert (result.ok, result.severity, result.code) == (True, "warning", code)
    assert "福建早期试点" in result.reason


@pytest.mark.parametrize(("prefix", "authority", "kind"), CONSTRUCTED, ids=[c[0][:2] for c in CONSTRUCTED])
def test_every_registration_authority_and_kind_is_accepted(prefix: str, authority: str, kind: str) -> None:
    code = _constructed(prefix)
    result = check_uscc(code)
    assert (result.ok, result.severity, result.authority, result.kind) == (True, None, authority, kind)


def test_every_authority_of_the_standard_is_covered_by_a_test() -> None:
    tested = {code[0] for code, *_ in REAL} | {prefix[0] for prefix, *_ in CONSTRUCTED}
    assert tested == set(AUTHORITIES)


@pytest.mark.parametrize("prefix", ["A111000000000001", "N233010600000001", "Y111000000000001"])
def test_stdnum_rejects_valid_non_enterprise_codes_which_is_why_validation_is_our_own(prefix: str) -> None:
    code = _constructed(prefix)
    assert check_uscc(code).ok
    assert not stdnum_uscc.is_valid(code)  # python-stdnum 2.2 demands digits in positions 1-8
    assert stdnum_uscc.calc_check_digit(code[:17]) == code[17]  # its check character is right: we use it


@pytest.mark.parametrize(
    ("typed", "code", "warned"),
    [
        ("91350100M000100Y43", "91350100M000100Y43", False),
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43", True),
        ("9135 0100 M000 100Y 43", "91350100M000100Y43", True),
        ("91350100m000100y43", "91350100M000100Y43", True),
        ("  91350100M000100Y43\t", "91350100M000100Y43", False),
        ("9135-0100-M000-100Y-43", "91350100M000100Y43", True),
        ("统一社会信用代码：91350100M000100Y43", "91350100M000100Y43", True),
        ("91350100M000100Y43\x00", "91350100M000100Y43", True),
    ],
)
def test_what_clerks_type_is_normalised_and_said(typed: str, code: str, warned: bool) -> None:
    result = check_uscc(typed)
    assert (result.ok, result.code) == (True, code)
    assert (result.severity == "warning") is warned
    if warned:
        assert code in result.reason and "请改为" in result.reason
    assert normalize_uscc(typed) == code


@pytest.mark.parametrize(
    ("typed", "fragment", "suggestion"),
    [
        ("91350100MOOO100Y43", "字母 O 应为数字 0", "91350100M000100Y43"),
        ("9I350100M000100Y43", "字母 I 应为数字 1", "91350100M000100Y43"),
        ("91350100M000100Y4", "当前为 17 位", None),
        ("91350100M000100Y433", "当前为 19 位", None),
        ("9135010557098120XK", "校验码与前 17 位对不上", None),
        ("91350100M000100V43", "不是统一社会信用代码允许的字符", None),  # V is not used, no digit looks like it
        ("310000400735611", "15 位的旧工商注册号", None),
        ("12345678-9", "9 位的组织机构代码", None),
        ("91350100M000100Y43 9135010557098120XJ", "不止一个代码", None),
        ("9135A100M000100Y43", "应全为数字", None),
        ("---", "不是统一社会信用代码", None),
        ("统一社会信用代码：９１３５０１００ＭＯＯＯ１００Ｙ４３", "字母 O 应为数字 0", "91350100M000100Y43"),
    ],
)
def test_wrong_codes_are_errors_that_say_what_to_do(typed: str, fragment: str, suggestion: str | None) -> None:
    result = check_uscc(typed)
    assert (result.ok, result.severity) == (False, "error")
    assert fragment in result.reason and "请" in result.reason
    assert result.suggestion == suggestion
    assert normalize_uscc(typed) is None


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (None, "未填写"),
        ("", "未填写"),
        ("   ", "未填写"),
        (math.nan, "未填写"),
        (9.14403001922038e17, "15 位有效数字"),
        (914403001922038216, "15 位有效数字"),
        (13812345678.0, "当前为 11 位"),
        ("9" * 100_000, "当前为 200 位"),
        (True, "当前为 4 位"),
    ],
)
def test_odd_cell_values_never_raise(value: object, fragment: str) -> None:
    result = check_uscc(value)
    assert result.ok is False and fragment in result.reason


def test_empty_is_flagged_so_the_ledger_can_treat_a_missing_code_apart() -> None:
    assert check_uscc(None).empty and not check_uscc("x").empty


@pytest.mark.parametrize(
    ("notes_fragment", "code"),
    [
        ("第 1 位「B」不是 GB 32100 已知的登记管理部门代码", make_uscc("B1110000MA0000001")),
        ("不是民政部门已知的机构类别代码", make_uscc("5411000050001979")[:-1] + "X"),
    ],
)
def test_unknown_authority_or_kind_is_a_warning_when_the_check_character_is_right(
    notes_fragment: str, code: str
) -> None:
    code = make_uscc(code[:17])
    result = check_uscc(code)
    assert result.ok and result.severity == "warning"
    assert notes_fragment in result.reason + "".join(result.notes)


def test_organisation_code_check_is_a_warning() -> None:
    code = make_uscc("91350100M000100Y5")  # the organisation code's own check character should be 4
    result = check_uscc(code)
    assert (result.ok, result.severity) == (True, "warning")
    assert "GB 11714" in result.reason


_body = st.text(alphabet=ALPHABET, min_size=9, max_size=9)
_head = st.sampled_from(sorted((a + k) for a, (_, kinds) in AUTHORITIES.items() for k in kinds))
_division = st.sampled_from(["110105", "330106", "440300", "100000", "653228", "500101"])


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    org = draw(_body)[:8]
    return make_uscc(draw(_head) + draw(_division) + org + org_code_check_char(org))


@given(valid_codes())
def test_a_generated_valid_code_always_validates(code: str) -> None:
    result = check_uscc(code)
    assert (result.ok, result.severity, result.code) == (True, None, code)


@given(valid_codes(), st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET))
def test_changing_one_character_always_breaks_the_check(code: str, position: int, replacement: str) -> None:
    changed = code[:position] + replacement + code[position + 1 :]
    if changed == code:
        return
    result = check_uscc(changed)
    # weights 3^i mod 31 are never 0 and 31 is prime: any single substitution changes the sum mod 31
    assert changed[17] != check_char(changed)
    assert result.ok is False or (result.severity == "warning" and "福建" in result.reason)


@given(valid_codes(), st.integers(min_value=0, max_value=16))
def test_swapping_two_neighbours_breaks_the_check(code: str, position: int) -> None:
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    if swapped != code:
        assert swapped[17] != check_char(swapped)


@given(st.one_of(st.none(), st.text(max_size=300), st.floats(), st.integers(), st.binary().map(repr)))
def test_anything_in_a_cell_gets_an_answer(value: object) -> None:
    result = check_uscc(value)
    assert isinstance(result.ok, bool)
    assert result.ok or result.reason


@pytest.mark.parametrize(
    ("province", "city", "agrees", "fragment"),
    [
        ("浙江", "杭州", True, ""),
        ("浙江省", "杭州市", True, ""),
        ("浙江", None, True, ""),
        ("江苏", None, False, "浙江省杭州市西湖区登记"),
        ("浙江", "宁波", False, "客户已迁址"),
        (None, None, None, ""),
    ],
)
def test_division_in_the_code_against_the_customers_province_and_city(
    province: str | None, city: str | None, agrees: bool | None, fragment: str
) -> None:
    code = make_uscc("91330106MA2B00001")
    result = uscc_region_check(code, province, city)
    assert result.agrees is agrees
    assert fragment in result.reason
    assert result.registered_in == "浙江省杭州市西湖区"


def test_division_of_a_merged_city_cannot_be_decided_and_says_so() -> None:
    result = uscc_region_check(make_uscc("91371202MA2B00001"), "山东", "济南")  # 莱芜市莱城区, merged in 2019
    assert result.agrees is None and "已撤销或调整" in result.reason


def test_nationally_registered_codes_agree_with_any_province() -> None:
    assert uscc_region_check("91110000600037341L", "广东", "深圳").agrees is False  # 110000 is Beijing
    assert uscc_region_check(make_uscc("91100000MA0000001"), "广东", "深圳").agrees is True


def test_invalid_code_has_no_region_verdict() -> None:
    assert uscc_region_check("123", "浙江").agrees is None
