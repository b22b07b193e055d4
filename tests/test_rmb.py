"""Chinese uppercase money amounts (人民币大写): the tables below are the specification."""

from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest

from neiqin.core.rmb import parse_upper, same_amount, to_upper

CJK = re.compile(r"[\u4e00-\u9fff]")
SEED = 20240601


def cents_to_decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def random_cents(rng: random.Random) -> int:
    """Amounts of every size, with plenty of zero digits (where the 零 rules bite)."""
    shape = rng.randrange(4)
    if shape == 0:
        return rng.randrange(1, 10**6)
    if shape == 1:
        return rng.randrange(1, 10**14)
    digits = "".join(rng.choice("00000123456789") for _ in range(rng.randrange(1, 15)))
    return int(digits) or 1


RANDOM_CENTS = sorted({random_cents(random.Random(SEED + i)) for i in range(3000)})


# ------------------------------------------------------------------------------------------
# to_upper

TO_UPPER = [
    # the PBOC examples and the usual suspects
    (Decimal("1409.50"), "壹仟肆佰零玖元伍角"),
    (Decimal("6007.14"), "陆仟零柒元壹角肆分"),
    (Decimal("1680.32"), "壹仟陆佰捌拾元叁角贰分"),
    (Decimal("107000.53"), "壹拾万柒仟元伍角叁分"),
    (Decimal("16409.02"), "壹万陆仟肆佰零玖元零贰分"),
    (Decimal("325.04"), "叁佰贰拾伍元零肆分"),
    (Decimal("100"), "壹佰元整"),
    (Decimal("0.05"), "伍分"),
    (Decimal("0.5"), "伍角"),
    (Decimal("0.15"), "壹角伍分"),
    (Decimal("0.01"), "壹分"),
    (Decimal("1"), "壹元整"),
    (Decimal("10"), "壹拾元整"),
    (Decimal("11"), "壹拾壹元整"),
    (Decimal("15.2"), "壹拾伍元贰角"),
    (Decimal("101"), "壹佰零壹元整"),
    (Decimal("110"), "壹佰壹拾元整"),
    (Decimal("1001"), "壹仟零壹元整"),
    (Decimal("1010"), "壹仟零壹拾元整"),
    (Decimal("10000"), "壹万元整"),
    (Decimal("10010"), "壹万零壹拾元整"),
    (Decimal("100000"), "壹拾万元整"),
    (Decimal("105000"), "壹拾万伍仟元整"),
    (Decimal("100500"), "壹拾万零伍佰元整"),
    (Decimal("1000005"), "壹佰万零伍元整"),
    (Decimal("1050000"), "壹佰零伍万元整"),
    (Decimal("1680.04"), "壹仟陆佰捌拾元零肆分"),
    (Decimal("1600.32"), "壹仟陆佰元叁角贰分"),
    (Decimal("20000.10"), "贰万元壹角"),
    (Decimal("20000.01"), "贰万元零壹分"),
    (Decimal("20000.11"), "贰万元壹角壹分"),
    (Decimal("100000000"), "壹亿元整"),
    (Decimal("100005000"), "壹亿伍仟元整"),
    (Decimal("105000000"), "壹亿零伍佰万元整"),
    (Decimal("1050000000"), "壹拾亿伍仟万元整"),
    (Decimal("100000000.5"), "壹亿元伍角"),
    (Decimal("123456789012.34"), "壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元叁角肆分"),
    (Decimal("999999999999.99"), "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    (Decimal("0"), "零元整"),
    (Decimal("-1409.5"), "负壹仟肆佰零玖元伍角"),
    (Decimal("-0.05"), "负伍分"),
]


@pytest.mark.parametrize(("amount", "expected"), TO_UPPER, ids=[str(a) for a, _ in TO_UPPER])
def test_to_upper(amount: Decimal, expected: str) -> None:
    assert to_upper(amount) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (1409.50, "壹仟肆佰零玖元伍角"),
        (6007.14, "陆仟零柒元壹角肆分"),
        (1680.32, "壹仟陆佰捌拾元叁角贰分"),
        (20000.10, "贰万元壹角"),
        (100, "壹佰元整"),
        (0, "零元整"),
        (-3, "负叁元整"),
        ("1409.50", "壹仟肆佰零玖元伍角"),
        ("1,409.50", "壹仟肆佰零玖元伍角"),
        ("￥6,007.14", "陆仟零柒元壹角肆分"),
        (" 100 ", "壹佰元整"),
        ("-0.05", "负伍分"),
    ],
)
def test_to_upper_input_types(amount: float | int | str, expected: str) -> None:
    assert to_upper(amount) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("0.005"), "壹分"),  # half-up, not banker's rounding
        (Decimal("0.004"), "零元整"),
        (Decimal("1.994"), "壹元玖角玖分"),
        (Decimal("1.995"), "贰元整"),
        (Decimal("2.675"), "贰元陆角捌分"),
        (2.675, "贰元陆角捌分"),  # the float 2.675 is read as the 2.675 that was typed
        (1.005, "壹元零壹分"),
        (Decimal("-0.004"), "零元整"),  # rounds to zero: no 负
        (Decimal("-0.005"), "负壹分"),
        ("9.999", "壹拾元整"),
    ],
)
def test_to_upper_rounds_half_up_to_fen(amount: Decimal | float, expected: str) -> None:
    assert to_upper(amount) == expected


@pytest.mark.parametrize("amount", ["abc", "", "1.2.3", "壹佰", float("nan"), float("inf"), Decimal("NaN"), 10**12])
def test_to_upper_rejects_non_amounts(amount: object) -> None:
    with pytest.raises(ValueError) as info:
        to_upper(amount)  # type: ignore[arg-type]
    assert CJK.search(str(info.value))


@pytest.mark.parametrize("amount", [True, None, [1]])
def test_to_upper_rejects_other_types(amount: object) -> None:
    with pytest.raises(TypeError):
        to_upper(amount)  # type: ignore[arg-type]


def test_to_upper_largest_amount() -> None:
    assert to_upper(Decimal("999999999999.994")).startswith("玖仟玖佰玖拾玖亿")
    with pytest.raises(ValueError):
        to_upper(Decimal("999999999999.995"))


# ------------------------------------------------------------------------------------------
# parse_upper: accepted spellings

PARSE_VALID = [
    # canonical forms
    ("壹仟肆佰零玖元伍角", "1409.50"),
    ("陆仟零柒元壹角肆分", "6007.14"),
    ("壹佰元整", "100"),
    ("伍分", "0.05"),
    ("伍角", "0.5"),
    ("壹角伍分", "0.15"),
    ("零元整", "0"),
    ("壹拾元整", "10"),
    ("壹拾万元整", "100000"),
    ("壹佰万零伍元整", "1000005"),
    ("叁佰贰拾伍元零肆分", "325.04"),
    ("壹万陆仟肆佰零玖元零贰分", "16409.02"),
    ("壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元叁角肆分", "123456789012.34"),
    # both 零 styles where the PBOC rules allow either: 元 digit zero, 角 not zero
    ("壹仟陆佰捌拾元叁角贰分", "1680.32"),
    ("壹仟陆佰捌拾元零叁角贰分", "1680.32"),
    ("贰万元壹角", "20000.10"),
    ("贰万元零壹角", "20000.10"),
    ("壹仟陆佰元叁角贰分", "1600.32"),
    ("壹仟陆佰元零叁角贰分", "1600.32"),
    ("壹亿元伍角", "100000000.5"),
    ("壹亿元零伍角", "100000000.5"),
    # ... and 万 digit zero, 仟 not zero (all four combinations of the PBOC's ¥107,000.53)
    ("壹拾万柒仟元伍角叁分", "107000.53"),
    ("壹拾万柒仟元零伍角叁分", "107000.53"),
    ("壹拾万零柒仟元伍角叁分", "107000.53"),
    ("壹拾万零柒仟元零伍角叁分", "107000.53"),
    ("壹拾万伍仟元整", "105000"),
    ("壹拾万零伍仟元整", "105000"),
    ("壹亿伍仟元整", "100005000"),
    ("壹亿零伍仟元整", "100005000"),
    ("壹拾亿伍仟万元整", "1050000000"),
    ("壹拾亿零伍仟万元整", "1050000000"),
    # 整 / 正 after 角 is optional; 正 = 整; no 整 after 元 is tolerated
    ("壹仟肆佰零玖元伍角整", "1409.50"),
    ("壹仟肆佰零玖元伍角正", "1409.50"),
    ("伍角整", "0.5"),
    ("壹佰元正", "100"),
    ("陆仟零柒元", "6007"),
    ("零元", "0"),
    # 圆 for 元, prefixes, spaces
    ("壹佰圆整", "100"),
    ("壹仟陆佰捌拾圆零叁角贰分", "1680.32"),
    ("人民币壹佰元整", "100"),
    ("人民币￥壹佰元整", "100"),
    ("￥壹佰元整", "100"),
    ("¥壹佰元整", "100"),
    ("⊗壹仟元整", "1000"),
    ("ⓧ壹仟元整", "1000"),
    ("人民币 壹 仟 肆 佰 零 玖 元 伍 角", "1409.50"),
    ("\u3000壹佰元整\t\n", "100"),
    # 零元 written out below one yuan
    ("零元伍角", "0.5"),
    ("零元壹角伍分", "0.15"),
    ("零元零伍分", "0.05"),
    # negative amounts
    ("负壹仟肆佰零玖元伍角", "-1409.50"),
    ("人民币负壹佰元整", "-100"),
    ("负人民币壹佰元整", "-100"),
    ("负伍分", "-0.05"),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_VALID, ids=[t for t, _ in PARSE_VALID])
def test_parse_upper_accepts(text: str, expected: str) -> None:
    value = parse_upper(text)
    assert value == Decimal(expected)
    assert value.as_tuple().exponent == -2  # always two places


# ------------------------------------------------------------------------------------------
# parse_upper: rejections (text, a fragment of the Chinese message)

PARSE_INVALID = [
    ("", "为空"),
    ("   ", "为空"),
    ("人民币", "缺少金额"),
    # missing required 零
    ("陆仟柒元", "缺少“零”"),
    ("陆仟柒元整", "陆仟零柒元整"),  # the message shows the right spelling
    ("壹仟肆佰玖元伍角", "缺少“零”"),
    ("壹佰万伍元整", "缺少“零”"),
    ("壹佰伍万元整", "缺少“零”"),
    ("叁佰贰拾伍元肆分", "缺少“零”"),  # 角 zero, 分 not: 零 after 元 is required
    ("壹仟陆佰捌拾元肆分", "缺少“零”"),
    ("壹拾万伍佰元整", "缺少“零”"),  # the zero run ends at 仟, not at 万: not optional
    ("壹亿伍佰万元整", "缺少“零”"),
    ("零元伍分", "缺少“零”"),
    # superfluous 零
    ("壹仟零陆佰元整", "多余的“零”"),
    ("零伍分", "多余的“零”"),
    ("零壹佰元整", "多余的“零”"),
    ("壹角零伍分", "多余的“零”"),
    ("壹佰零零伍元整", "连写"),
    ("壹佰元零整", "零"),
    ("壹万零佰元整", "零"),
    ("伍角零分", "零"),
    ("壹佰零", "零"),
    # units that make no sense
    ("壹佰拾元整", "缺少数字"),
    ("壹拾佰元整", "缺少数字"),
    ("壹仟佰元整", "缺少数字"),
    ("壹佰元角", "缺少数字"),
    ("壹拾壹佰元整", "顺序"),
    ("壹仟贰仟元整", "顺序"),
    ("壹贰元整", "缺少单位"),
    ("拾元整", "壹拾元整"),  # the 壹 of 壹拾 must not be left out
    ("壹万拾元整", "缺少数字"),
    ("拾万元整", "缺少数字"),
    ("万元整", "缺少数字"),
    ("元整", "缺少数字"),
    ("壹亿万元整", "缺少数字"),
    ("壹万万元整", "两次"),
    ("壹亿贰亿元整", "两次"),
    ("壹万亿元整", "万亿"),
    ("壹元贰元整", "两次"),
    ("伍角壹元", "元"),
    ("壹佰元伍", "缺少单位"),
    ("伍分伍角", "顺序"),
    ("伍角伍角", "重复"),
    ("壹佰元伍拾", "不能写在"),
    ("壹佰伍拾", "缺少“元”"),
    ("整", "缺少“元”"),
    # 整 in the wrong place
    ("壹角伍分整", "分"),
    ("伍分正", "分"),
    ("壹佰元整整", "重复"),
    ("壹佰整元", "最后"),
    # lowercase numerals, Arabic digits, unknown characters
    ("一百元整", "壹"),
    ("壹佰二十元整", "贰"),
    ("三元整", "叁"),
    ("壹仟零十元整", "拾"),
    ("两元整", "贰"),
    ("〇元整", "零"),
    ("伍块整", "元"),
    ("伍毛", "角"),
    ("100元整", "阿拉伯数字"),
    ("壹佰元整abc", "无法识别"),
    ("壹佰美元整", "无法识别"),
    ("壹佰元整人民币", "最前面"),
    ("壹佰元整¥", "最前面"),
    # signs
    ("负负壹元整", "重复"),
    ("负零元整", "负"),
]


@pytest.mark.parametrize(("text", "fragment"), PARSE_INVALID, ids=[t or "<empty>" for t, _ in PARSE_INVALID])
def test_parse_upper_rejects(text: str, fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_upper(text)
    message = str(info.value)
    assert CJK.search(message), message
    assert fragment in message, message


@pytest.mark.parametrize("value", [None, 100, 1409.5])
def test_parse_upper_rejects_non_text(value: object) -> None:
    with pytest.raises(ValueError) as info:
        parse_upper(value)  # type: ignore[arg-type]
    assert CJK.search(str(info.value))


# ------------------------------------------------------------------------------------------
# round trips and properties over many amounts

FIXED_ROUND_TRIP = [
    "0", "0.01", "0.1", "0.99", "1", "9.09", "10", "10.01", "19", "20", "99.9", "100", "100.1", "101",
    "1000", "1001.01", "1010", "1100", "9999.99", "10000", "10001", "10100", "11000", "100001", "101000",
    "110000", "1000000", "1000100", "10000000", "10000001", "100000000", "100000001", "100010000",
    "101000000", "1000000000.01", "10000000000", "100000000000", "100100100100.10", "999999999999.99",
]  # fmt: skip


@pytest.mark.parametrize("amount", FIXED_ROUND_TRIP)
def test_round_trip_fixed(amount: str) -> None:
    value = Decimal(amount)
    assert parse_upper(to_upper(value)) == value
    assert parse_upper(to_upper(-value)) == -value


def test_round_trip_random() -> None:
    assert len(RANDOM_CENTS) > 2500
    for cents in RANDOM_CENTS:
        value = cents_to_decimal(cents)
        text = to_upper(value)
        assert parse_upper(text) == value, text
        assert parse_upper("人民币" + text) == value, text
        assert same_amount(text, value), text


def _with_optional_zeros(cents: int) -> list[str]:
    """The spellings that add the optional 零 (built by string surgery on the canonical form)."""
    text = to_upper(cents_to_decimal(cents))
    integer, jiao = cents // 100, cents // 10 % 10
    variants = []
    if integer and integer % 10 == 0 and jiao:
        variants.append(text.replace("元", "元零", 1))
    if integer >= 10**5 and integer // 10**4 % 10 == 0 and integer // 10**3 % 10:
        variants.append(text.replace("万", "万零", 1))
    if integer >= 10**9 and integer // 10**8 % 10 == 0 and integer // 10**7 % 10:
        variants.append(text.replace("亿", "亿零", 1))
    return variants


def test_optional_zero_spellings_random() -> None:
    checked = 0
    for cents in RANDOM_CENTS:
        for variant in _with_optional_zeros(cents):
            assert parse_upper(variant) == cents_to_decimal(cents), variant
            checked += 1
    assert checked > 100


def test_dropping_any_written_zero_is_rejected() -> None:
    """to_upper writes only required 零, so removing any one of them must be an error."""
    checked = 0
    for cents in RANDOM_CENTS:
        text = to_upper(cents_to_decimal(cents))
        for i, ch in enumerate(text):
            if ch == "零" and text != "零元整":
                with pytest.raises(ValueError, match="缺少“零”"):
                    parse_upper(text[:i] + text[i + 1 :])
                checked += 1
    assert checked > 1000


def test_inserting_a_zero_is_rejected_or_harmless() -> None:
    """A 零 slipped in anywhere either makes the text invalid or is one of the optional ones."""
    rng = random.Random(SEED)
    for cents in RANDOM_CENTS[::5]:
        text = to_upper(cents_to_decimal(cents))
        i = rng.randrange(len(text) + 1)
        tampered = text[:i] + "零" + text[i:]
        try:
            value = parse_upper(tampered)
        except ValueError as exc:
            assert CJK.search(str(exc))
        else:
            assert value == cents_to_decimal(cents), tampered


def test_cross_check_with_cn2an() -> None:
    """cn2an's 'rmb' mode writes the same canonical form (only required 零)."""
    cn2an = pytest.importorskip("cn2an")
    for cents in RANDOM_CENTS[::3]:
        value = cents_to_decimal(cents)
        assert cn2an.an2cn(str(value), "rmb") == to_upper(value), value


# ------------------------------------------------------------------------------------------
# same_amount


@pytest.mark.parametrize(
    ("text", "amount", "expected"),
    [
        ("壹仟陆佰捌拾元叁角贰分", Decimal("1680.32"), True),
        ("壹仟陆佰捌拾元零叁角贰分", 1680.32, True),
        ("壹仟陆佰捌拾元叁角贰分", "1,680.32", True),
        ("壹仟陆佰捌拾元叁角贰分", 1680.3201, True),  # compared in 分
        ("壹仟陆佰捌拾元叁角贰分", 1680.33, False),
        ("壹佰元整", 100, True),
        ("壹佰元整", 100.0, True),
        ("壹佰元整", -100, False),
        ("负壹佰元整", -100, True),
        ("伍分", 0.05, True),
        ("零元整", 0, True),
        ("陆仟柒元", 6007, False),  # malformed text is never the same amount
        ("一百元", 100, False),
        ("", 0, False),
    ],
)
def test_same_amount(text: str, amount: Decimal | float | int | str, expected: bool) -> None:
    assert same_amount(text, amount) is expected


def test_same_amount_rejects_a_bad_amount() -> None:
    with pytest.raises(ValueError):
        same_amount("壹佰元整", "一百")
