"""Chinese uppercase money amounts (人民币大写), as written on 费用报销单, cheques and invoices.

``to_upper`` writes an amount in the financial uppercase form, ``parse_upper`` reads one back and
rejects anything a bank or an auditor would refuse, ``same_amount`` compares the two.

The rules follow the People's Bank of China "basic rules for filling in bills and settlement
vouchers" (《正确填写票据和结算凭证的基本规定》).

Characters
----------
Digits 零壹贰叁肆伍陆柒捌玖; units 拾佰仟 within a four-digit section, 万 and 亿 closing a section;
元角分 for the currency; 整 (or 正) closing an amount with no 分.  The legacy 圆 is read as 元.
Lowercase numerals (一二三, 十百千, 两, 〇), Arabic digits and anything else are rejected.
Amounts from 0 up to (not including) 1 万亿 are supported; negative amounts carry the prefix 负.

Structure
---------
* Every non-zero digit is written with its unit, except the digit just before 万, 亿 or 元.
  In particular ``10`` is 壹拾元整, never 拾元整 (the 壹 of 壹拾 must not be left out).
* 元 is always written when the integer part is not zero.  An amount below one yuan is written
  from its first non-zero digit (0.05 → 伍分); ``parse_upper`` also accepts an explicit 零元 in
  front (零元伍角; 零元零伍分, see the 角 rule below).  Zero itself is 零元整.
* 整 (or 正) is written after 元 when there is no 角 or 分, is optional after 角 and forbidden after
  分.  The PBOC rules say 整 "should" follow 元; ``parse_upper`` tolerates its absence (陆仟零柒元)
  since the amount is unambiguous, but ``to_upper`` always writes it.

The 零 rules
------------
Take the digits of the amount from the highest one down to 分 and look at each run of zero digits
lying *between* two non-zero digits (zeros at the end of the amount, or at the end of the integer
part when there are no 角/分, are never written):

1. Such a run is written as exactly one 零, however many zeros it holds
   (¥1,409.50 → 壹仟肆佰零玖元伍角; ¥6,007.14 → 陆仟零柒元壹角肆分; ¥1,000,005 → 壹佰万零伍元整).
   Leaving it out is an error ("陆仟柒元" is not 6007); so is a second 零 for the same run.
2. Exception, the 零 is optional when the run ends at the 元 digit and the 角 digit is not zero
   (¥1,680.32 → 壹仟陆佰捌拾元叁角贰分 or 壹仟陆佰捌拾元零叁角贰分), or ends at the 万 digit and the
   仟 digit is not zero (¥107,000.53 → 壹拾万柒仟元伍角叁分 / 壹拾万零柒仟元伍角叁分 / …).  The 亿 digit
   followed by a non-zero 仟万 digit is treated like the 万 digit.
3. When the 角 digit is zero and the 分 digit is not, the run reaches 角 and rule 1 applies:
   a 零 is required after 元 (¥325.04 → 叁佰贰拾伍元零肆分; ¥1,680.04 → 壹仟陆佰捌拾元零肆分).
4. A 零 anywhere else (at the start, before a unit, before 元/整, twice in a row) is an error.

Canonical style of ``to_upper``: only the required 零 are written (every optional 零 of rule 2 is
left out), which is also what cn2an's "rmb" mode writes.  So 20000.10 → 贰万元壹角 and
105000 → 壹拾万伍仟元整; ``parse_upper`` accepts 贰万元零壹角 and 壹拾万零伍仟元整 as well.

Optional forms accepted by ``parse_upper``
------------------------------------------
整 or 正; 元 or 圆; the optional 零 of rule 2; 整/正 after 角; no 整 after 元; an explicit 零元 below
one yuan; a prefix 人民币, then ¥/￥, then the ⊗ (or ⓧ) that VAT invoices print before 价税合计(大写);
负 at the very start or just before the digits; whitespace (including full-width spaces) anywhere.
"""

from __future__ import annotations

import math
import numbers
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import pairwise

__all__ = ["parse_upper", "same_amount", "to_upper"]

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_DIGIT_VALUE = {ch: i for i, ch in enumerate(DIGITS)}
_NONZERO = frozenset(DIGITS[1:])
_SMALL_UNITS = {"仟": 3, "佰": 2, "拾": 1}
_SMALL_UNIT_NAMES = {3: "仟", 2: "佰", 1: "拾"}
_SECTION_UNITS = {8: "亿", 4: "万"}
_ALPHABET = frozenset(DIGITS) | frozenset("拾佰仟万亿元角分整")

# Section boundaries where a run of zeros ending there may be left out (rule 2 above): the exponent
# of the last zero of the run and of the non-zero digit that follows it.
_OPTIONAL_ZERO_BOUNDARIES = frozenset({(8, 7), (4, 3), (0, -1)})

_MAX_CENTS = 10**14  # 1 万亿 yuan, exclusive
_CENT = Decimal("0.01")

# Characters that deserve a more helpful message than "unknown character".
_LOWERCASE_HINTS = {
    "〇": "零",
    "一": "壹",
    "二": "贰",
    "两": "贰",
    "三": "叁",
    "四": "肆",
    "五": "伍",
    "六": "陆",
    "七": "柒",
    "八": "捌",
    "九": "玖",
    "十": "拾",
    "百": "佰",
    "千": "仟",
    "块": "元",
    "毛": "角",
}
_PREFIX_CHARS = frozenset("人民币￥¥⊗ⓧ负")


# ---------------------------------------------------------------------------------------------
# amount → cents


def _to_cents(amount: Decimal | float | int | str) -> int:
    """The amount in 分, rounded half-up; raises ValueError (Chinese message) for non-amounts."""
    if isinstance(amount, bool):
        raise TypeError("金额不能是布尔值")
    if isinstance(amount, Decimal):
        value = amount
    elif isinstance(amount, numbers.Integral):
        value = Decimal(int(amount))
    elif isinstance(amount, numbers.Real):
        as_float = float(amount)
        if not math.isfinite(as_float):
            raise ValueError(f"无法识别的金额：{amount}")
        # repr() is the shortest string that round-trips, so 2.675 rounds like the 2.675 the user typed.
        value = Decimal(repr(as_float))
    elif isinstance(amount, str):
        cleaned = re.sub(r"[\s,，]", "", amount).lstrip("¥￥")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError(f"无法识别的金额：“{amount}”") from None
    else:
        raise TypeError(f"金额类型不支持：{type(amount).__name__}")
    if not value.is_finite():
        raise ValueError(f"无法识别的金额：{amount}")
    cents = int(value.quantize(_CENT, rounding=ROUND_HALF_UP).scaleb(2))
    if abs(cents) >= _MAX_CENTS:
        raise ValueError("金额过大：只支持 1 万亿元以下的金额")
    return cents


def _cents_to_decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


# ---------------------------------------------------------------------------------------------
# rendering


class _Layout:
    """One amount's spelling without its 零 and 整: the tokens, and where a 零 may or must go.

    A zero slot ``i`` means "a 零 written just before ``tokens[i]``".
    """

    __slots__ = ("optional", "required", "tokens")

    def __init__(self, cents: int, *, explicit_zero_yuan: bool = False) -> None:
        integer, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
        tokens: list[str] = []
        where: dict[int, int] = {}  # exponent of a non-zero digit → index of its token
        if integer == 0 and explicit_zero_yuan:
            tokens += ["零", "元"]
        for base in (8, 4, 0):
            section = integer // 10**base % 10**4
            if not section:
                continue
            for k in (3, 2, 1, 0):
                digit = section // 10**k % 10
                if digit:
                    where[base + k] = len(tokens)
                    tokens.append(DIGITS[digit])
                    if k:
                        tokens.append(_SMALL_UNIT_NAMES[k])
            if base:
                tokens.append(_SECTION_UNITS[base])
        if integer:
            tokens.append("元")
        for exponent, digit, unit in ((-1, jiao, "角"), (-2, fen, "分")):
            if digit:
                where[exponent] = len(tokens)
                tokens += [DIGITS[digit], unit]

        self.tokens = tokens
        self.required: set[int] = set()
        self.optional: set[int] = set()
        exponents = sorted(where, reverse=True)
        for high, low in pairwise(exponents):
            if high - low > 1:  # a run of zeros from high-1 down to low+1
                slot = where[low]
                if (low + 1, low) in _OPTIONAL_ZERO_BOUNDARIES:
                    self.optional.add(slot)
                else:
                    self.required.add(slot)
        if integer == 0 and explicit_zero_yuan and jiao == 0 and fen:
            self.required.add(where[-2])  # 零元零伍分: the 角 rule (rule 3)

    def render(self, zeros: set[int]) -> str:
        out: list[str] = []
        for i, token in enumerate(self.tokens):
            if i in zeros:
                out.append("零")
            out.append(token)
        return "".join(out)


def to_upper(amount: Decimal | float | int | str) -> str:
    """The amount in Chinese financial uppercase, e.g. 1409.50 → 壹仟肆佰零玖元伍角.

    The amount is rounded half-up to 分 (floats via their shortest repr, so 2.675 → 贰元陆角捌分).
    Only required 零 are written (see the module docstring); 整 follows 元 when there is no 角/分,
    and is not written after 角.  Negative amounts get the prefix 负; zero is 零元整.
    Strings may carry thousands separators and a leading ¥.  Raises ValueError for text that is
    not a number, NaN/infinity, or amounts of 1 万亿 and more; TypeError for other types.
    """
    cents = _to_cents(amount)
    if cents == 0:
        return "零元整"
    sign = "负" if cents < 0 else ""
    cents = abs(cents)
    layout = _Layout(cents)
    text = layout.render(layout.required)
    if cents % 100 == 0:
        text += "整"
    return sign + text


# ---------------------------------------------------------------------------------------------
# parsing


def _fail(message: str) -> ValueError:
    return ValueError(message)


def _strip_prefix(text: str) -> tuple[bool, str]:
    """Remove 负 / 人民币 / ¥ / ⊗; returns (negative, rest)."""
    negative = False
    if text.startswith("负"):
        negative, text = True, text[1:]
    if text.startswith("人民币"):
        text = text[3:]
    if text[:1] in ("¥", "￥"):
        text = text[1:]
    if text[:1] in ("⊗", "ⓧ"):
        text = text[1:]
    if text.startswith("负"):
        if negative:
            raise _fail("“负”字重复了")
        negative, text = True, text[1:]
    return negative, text


def _check_characters(text: str) -> None:
    for ch in text:
        if ch in _ALPHABET:
            continue
        if ch in _LOWERCASE_HINTS:
            raise _fail(f"“{ch}”不是大写金额用字，应写作“{_LOWERCASE_HINTS[ch]}”")
        if ch in _PREFIX_CHARS:
            raise _fail(f"“{ch}”只能写在金额的最前面")
        if ch.isdigit():
            raise _fail(f"大写金额中不能夹杂阿拉伯数字“{ch}”，请全部用大写汉字书写")
        raise _fail(f"大写金额中有无法识别的字“{ch}”")


def _check_zeros(text: str) -> None:
    """Every 零 must be followed by a non-zero digit (the lone 零 of 零元 is checked by the caller)."""
    for i, ch in enumerate(text):
        if ch != "零":
            continue
        following = text[i + 1 : i + 2]
        if following == "零":
            raise _fail("“零”连写了两次：连续的几个 0 只写一个“零”")
        if not following:
            raise _fail("大写金额不能以“零”结尾")
        if following not in _NONZERO:
            raise _fail(f"“零”后面应是数字，不能直接跟“{following}”")


def _parse_section(text: str, unit_name: str | None) -> int:
    """A section of up to four digits (仟佰拾 and a bare last digit), 零 already checked."""
    if not text:
        raise _fail(f"“{unit_name}”前面缺少数字")
    value = 0
    last_exponent = 4
    tokens = text.replace("零", "")
    i = 0
    while i < len(tokens):
        ch = tokens[i]
        if ch in _SMALL_UNITS:
            previous = tokens[i - 1] if i else ""
            if previous in _SMALL_UNITS:
                raise _fail(f"单位“{previous}”后面直接跟了“{ch}”，中间缺少数字")
            if ch == "拾":
                raise _fail("“拾”前面缺少数字（如 10 元应写“壹拾元整”，“壹”不能省略）")
            raise _fail(f"“{ch}”前面缺少数字")
        if ch in "角分":
            raise _fail(f"“{ch}”只能写在“元”后面")
        # a non-zero digit: its unit follows, or it is the section's last (unit-less) digit
        digit = _DIGIT_VALUE[ch]
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if following in _SMALL_UNITS:
            exponent = _SMALL_UNITS[following]
            i += 2
        elif following in ("角", "分"):
            raise _fail(f"“{following}”只能写在“元”后面")
        elif following:
            raise _fail(f"“{ch}{following}”两个数字连在一起，中间缺少单位（拾、佰、仟）")
        else:
            exponent = 0
            i += 1
        if exponent >= last_exponent:
            above = _SMALL_UNIT_NAMES.get(last_exponent, "")
            here = _SMALL_UNIT_NAMES.get(exponent, "个位")
            raise _fail(f"单位顺序不对：“{above}”后面不能再出现“{here}”")
        last_exponent = exponent
        value += digit * 10**exponent
    return value


def _parse_integer(text: str) -> int:
    """The part before 元 (not the lone 零 of 零元)."""
    if text.count("亿") > 1:
        raise _fail("“亿”出现了两次")
    yi_text, _, rest = text.rpartition("亿") if "亿" in text else ("", "", text)
    if "万" in yi_text:
        raise _fail("不支持“万亿”及以上的金额")
    if rest.count("万") > 1:
        raise _fail("“万”出现了两次")
    wan_text, _, ge_text = rest.rpartition("万") if "万" in rest else ("", "", rest)
    value = 0
    if "亿" in text:
        value += _parse_section(yi_text, "亿") * 10**8
    if "万" in rest:
        value += _parse_section(wan_text, "万") * 10**4
    if ge_text:
        value += _parse_section(ge_text, None)
    return value


def _parse_fraction(text: str, has_integer: bool) -> tuple[int, int]:
    """The part after 元 (or the whole text below one yuan): returns (jiao, fen)."""
    if text in ("", "整"):
        if not has_integer:
            raise _fail("缺少“元”字")
        return 0, 0  # 整 after 元 is the rule, but a missing 整 is tolerated (see the module docstring)
    tokens = text.replace("零", "")
    if tokens.endswith("整"):
        if tokens.endswith("分整"):
            raise _fail("有“分”的金额，“分”后面不写“整”（或“正”）字")
        tokens = tokens[:-1]
    jiao = fen = 0
    seen: list[str] = []
    i = 0
    while i < len(tokens):
        ch = tokens[i]
        if ch in "拾佰仟万亿":
            raise _fail(f"“{ch}”不能写在“元”后面")
        if ch in "角分":
            raise _fail(f"“{ch}”前面缺少数字")
        if ch == "整":
            raise _fail("“整”只能写在最后")
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if following in _SMALL_UNITS:
            raise _fail(f"“{following}”不能写在“元”后面")
        if following not in ("角", "分"):
            raise _fail(f"“{ch}”后面缺少单位“角”或“分”")
        if following in seen or (following == "角" and "分" in seen):
            raise _fail("“角”“分”重复或顺序不对：应先写“角”再写“分”")
        seen.append(following)
        if following == "角":
            jiao = _DIGIT_VALUE[ch]
        else:
            fen = _DIGIT_VALUE[ch]
        i += 2
    return jiao, fen


def _skeleton_and_zeros(body: str, explicit_zero_yuan: bool) -> tuple[list[str], set[int]]:
    """Split the written text into its non-零 tokens (without 整) and the slots of its 零."""
    tokens: list[str] = []
    zeros: set[int] = set()
    start = 0
    if explicit_zero_yuan:
        tokens += ["零", "元"]
        start = 2
    for ch in body[start:]:
        if ch == "零":
            zeros.add(len(tokens))
        elif ch != "整":
            tokens.append(ch)
    return tokens, zeros


def _describe_slot(tokens: list[str], slot: int) -> str:
    if slot == 0:
        return "开头"
    return f"“{tokens[slot - 1]}”与“{tokens[slot]}”之间"


def parse_upper(text: str) -> Decimal:
    """Read a Chinese uppercase amount; returns a Decimal with two places (e.g. Decimal("1680.32")).

    Accepts every correct spelling described in the module docstring and raises ValueError, with a
    short Chinese message saying what is wrong, for anything else: empty text, unknown characters,
    lowercase numerals, a unit without its digit or two units in a row, units out of order, a
    missing or superfluous 零, 整 anywhere but at the end, 整 after 分.
    """
    if text is None:
        raise _fail("大写金额为空")
    if not isinstance(text, str):
        raise _fail(f"大写金额应是中文大写文字，当前为 {text!r}")
    compact = re.sub(r"\s+", "", text)
    if not compact:
        raise _fail("大写金额为空")
    negative, body = _strip_prefix(compact)
    if not body:
        raise _fail("只有前缀，缺少金额")
    body = body.replace("圆", "元").replace("正", "整")
    _check_characters(body)

    if body.count("元") > 1:
        raise _fail("“元”出现了两次")
    if body.count("整") > 1:
        raise _fail("“整”重复了")
    if "整" in body and not body.endswith("整"):
        raise _fail("“整”只能写在最后")

    explicit_zero_yuan = body.startswith("零元")
    _check_zeros(body[1:] if explicit_zero_yuan else body)

    if "元" in body:
        integer_text, _, fraction_text = body.partition("元")
        if not integer_text:
            raise _fail("“元”前面缺少数字")
        integer = 0 if explicit_zero_yuan else _parse_integer(integer_text)
        jiao, fen = _parse_fraction(fraction_text, has_integer=True)
    else:
        if any(ch in "拾佰仟万亿" for ch in body) or not any(ch in "角分" for ch in body):
            raise _fail("缺少“元”字")
        integer = 0
        jiao, fen = _parse_fraction(body, has_integer=False)

    cents = integer * 100 + jiao * 10 + fen
    if negative and cents == 0:
        raise _fail("零元不能带“负”字")

    layout = _Layout(cents, explicit_zero_yuan=explicit_zero_yuan)
    tokens, zeros = _skeleton_and_zeros(body, explicit_zero_yuan)
    expected = to_upper(_cents_to_decimal(cents))
    if tokens != layout.tokens:  # not expected once the structure checks passed; kept as a safety net
        raise _fail(f"写法不规范，应写作“{expected}”")
    missing = sorted(layout.required - zeros)
    extra = sorted(zeros - layout.required - layout.optional)
    amount_text = f"{_cents_to_decimal(cents):,}"
    if missing:
        where = _describe_slot(tokens, missing[0])
        raise _fail(f"缺少“零”：{where}应写“零”，{amount_text} 元应写作“{expected}”")
    if extra:
        where = _describe_slot(tokens, extra[0])
        raise _fail(f"多余的“零”：{where}不应写“零”，{amount_text} 元应写作“{expected}”")

    value = _cents_to_decimal(cents)
    return -value if negative else value


def same_amount(text: str, amount: Decimal | float | int | str) -> bool:
    """Whether ``text`` is a correct uppercase spelling of ``amount`` (rounded half-up to 分).

    Malformed text gives False (use ``parse_upper`` to learn why); an amount that is not a number
    raises ValueError/TypeError as in ``to_upper``.
    """
    cents = _to_cents(amount)
    try:
        written = parse_upper(text)
    except ValueError:
        return False
    return written == _cents_to_decimal(cents)
