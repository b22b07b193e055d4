"""Phone numbers (mobile and landline, via ``phonenumbers``) and e-mail addresses (via ``email-validator``).

What clerks type and how it is read:

- full-width digits and brackets (NFKC), spaces, hyphens, ``(0571)`` area codes;
- ``+86``, ``0086``, ``86-571-…`` country prefixes;
- extensions after 转 / 分机 / ext / x / # or a trailing ``-123`` after a complete landline;
- numbers stored by Excel as floats (``13812345678.0``).

A landline needs its area code: ``88881234`` alone is reported as such, never guessed.
A cell holding two numbers is reported, not split (the ledger decides which one to keep).
E-mail syntax only: no DNS look-up is made (``check_deliverability=False``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from neiqin.core.china._input import cell_text

PhoneKind = Literal["mobile", "landline", "service", "foreign", "other"]

_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|extension|x|#)\s*(\d{1,6})\s*$", re.I)
# 0571-88881234-123: an extension written after a complete landline with a hyphen
_TRAILING_EXT = re.compile(r"^(\(?0\d{2,3}\)?[\s-]?\d{7,8})[\s-](\d{1,6})$")
_SEPARATOR_RUN = re.compile(r"[\s\-()（）.]+")
_TWO_NUMBERS = re.compile(r"[/、,，;；|]|\d{7,}\D+\d{7,}")


@dataclass(frozen=True, slots=True)
class PhoneCheck:
    """The verdict on one phone number.

    ``ok`` — a complete, valid number. ``kind`` — mobile / landline / service (400/800/955xx) /
    foreign / other. ``e164`` — ``+8613812345678``; ``national`` — ``138 1234 5678`` /
    ``0571 8888 1234``; ``key`` — the digits two records share when they share the number
    (national significant number, without extension); ``extension``; ``reason`` in Chinese.
    """

    ok: bool
    kind: PhoneKind | None = None
    e164: str | None = None
    national: str | None = None
    key: str | None = None
    extension: str | None = None
    reason: str = ""
    empty: bool = False

    @property
    def display(self) -> str:
        """The number as NeiQin writes it: ``138 1234 5678``, ``0571 8888 1234 转 123``."""
        if not self.national:
            return ""
        base = self.national.split(" ext.")[0]
        return f"{base} 转 {self.extension}" if self.extension else base


@dataclass(frozen=True, slots=True)
class EmailCheck:
    """The verdict on one e-mail address: ``normalized`` address, ``key`` (case-folded) for matching."""

    ok: bool
    normalized: str | None = None
    key: str | None = None
    reason: str = ""
    empty: bool = False


def _phone_text(value: Any) -> str:
    cell = cell_text(value)
    if cell.empty:
        return ""
    return cell.text.split(".")[0] if cell.was_number else cell.text


def check_phone(value: Any, *, expect: PhoneKind | None = None) -> PhoneCheck:
    """Check a phone number as typed (China first: no country code means +86).

    ``expect='mobile'`` or ``'landline'`` adds a reason when the number is valid but of the other kind
    (``ok`` stays True: the number itself is fine). Never raises.
    """
    text = _phone_text(value)
    if not text:
        return PhoneCheck(False, reason="未填写电话号码", empty=True)
    if _TWO_NUMBERS.search(text):
        return PhoneCheck(
            False, reason=f"「{text[:40]}」里像是有不止一个号码；一个单元格只填一个号码，其余的填在备注或另一列"
        )
    extension = None
    match = _EXTENSION.search(text)
    if match:
        extension, text = match.group(1), text[: match.start()]
    else:
        match = _TRAILING_EXT.match(text.strip())
        if match:
            text, extension = match.group(1), match.group(2)
    compact = _SEPARATOR_RUN.sub("", text)
    if not compact or not re.fullmatch(r"\+?\d+", compact):
        return PhoneCheck(
            False, reason=f"「{text[:40]}」不是电话号码（只能有数字、+、空格、横线、括号和分机号）；请核对"
        )
    international = compact.startswith(("+", "00"))
    if not international and len(compact) <= 6:
        return PhoneCheck(False, reason=f"「{compact}」是短号或服务号，不是客户的电话；请填写手机号或带区号的固定电话")
    if not international and len(compact) in (7, 8) and compact[0] not in "01":
        return PhoneCheck(False, reason=f"固定电话「{text.strip()}」缺少区号；请加上区号，如「0571-{compact}」")
    if not international and compact.startswith("1") and len(compact) != 11:
        return PhoneCheck(False, reason=f"手机号应为 11 位，当前为 {len(compact)} 位；请核对")
    try:
        number = phonenumbers.parse(compact if not compact.startswith("00") else "+" + compact[2:], "CN")
    except phonenumbers.NumberParseException:
        return PhoneCheck(False, reason=f"「{text[:40]}」不是完整的电话号码；请核对")
    if not phonenumbers.is_valid_number(number):
        return PhoneCheck(False, reason=_invalid_reason(compact, number))
    if extension:
        number.extension = extension
    ntype = phonenumbers.number_type(number)
    if number.country_code != 86:
        kind: PhoneKind = "foreign"
    elif ntype in (PhoneNumberType.MOBILE,):
        kind = "mobile"
    elif ntype == PhoneNumberType.FIXED_LINE:
        kind = "landline"
    elif ntype in (PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST, PhoneNumberType.PREMIUM_RATE):
        kind = "service"
    elif ntype == PhoneNumberType.FIXED_LINE_OR_MOBILE:
        kind = "landline"
    else:
        kind = "other"
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    if number.country_code != 86:
        national = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    key = e164.lstrip("+") if kind == "foreign" else str(number.national_number)
    reason = ""
    if expect == "mobile" and kind != "mobile":
        reason = "这是固定电话或服务号码，不是手机号；手机号请填 11 位手机号码，固定电话填在电话列"
    elif expect == "landline" and kind == "mobile":
        reason = "这是手机号，不是固定电话；请把它填在手机列"
    return PhoneCheck(True, kind, e164, national, key, extension, reason)


def _invalid_reason(compact: str, number: phonenumbers.PhoneNumber) -> str:
    digits = compact.lstrip("+")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) > 11:
            digits = digits[len(prefix) :]
    if number.country_code == 86 and digits.startswith("1"):
        return f"「{compact}」不是有效的手机号（号段不存在或位数不对）；请向客户核实"
    if number.country_code == 86:
        return f"「{compact}」不是有效的固定电话（区号或位数不对：区号 3–4 位，号码 7–8 位）；请核对"
    return f"「{compact}」不是有效的电话号码；国外号码请以 + 和国家代码开头"


def normalize_phone(value: Any) -> str | None:
    """The matching key of a valid phone (``13812345678``, ``57188881234``), None when invalid."""
    result = check_phone(value)
    return result.key if result.ok else None


_NOT_DIGIT = re.compile(r"\D")


def phone_key(value: Any) -> str | None:
    """A fast matching key for duplicates, without validating: the digits without +86/0086, trunk 0 and extension.

    Equal to :attr:`PhoneCheck.key` for every valid mainland number (``13812345678``, ``57188881234``);
    None when fewer than 7 digits remain. Use :func:`check_phone` to validate.
    """
    cell = cell_text(value)
    if cell.empty:
        return None
    text = cell.text.split(".")[0] if cell.was_number else cell.text
    match = _EXTENSION.search(text)
    if match:
        text = text[: match.start()]
    else:
        match = _TRAILING_EXT.match(text.strip())
        if match:
            text = match.group(1)
    digits = _NOT_DIGIT.sub("", text)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and (len(digits) == 13 or (len(digits) in (11, 12) and digits[2] != "1")):
        digits = digits[2:]
    digits = digits.lstrip("0")
    return digits if len(digits) >= 7 else None


def is_mobile(value: Any) -> bool:
    """True for a valid mainland China mobile number in any typed form."""
    result = check_phone(value)
    return result.ok and result.kind == "mobile"


_EMAIL_REASONS = (
    ("something after the @", "「@」后面缺少域名（如 example.com）"),
    ("something before the @", "「@」前面缺少用户名"),
    ("should have a period", "「@」后面的域名不完整（缺少「.com」之类的后缀）"),
    ("too long", "邮箱地址太长"),
    ("before the @-sign: SPACE", "「@」前面有空格"),
    ("after the @-sign contains invalid characters: '@'", "地址里有两个「@」"),
    ("must have an @-sign", "缺少「@」"),
    ("invalid characters", "含有邮箱地址不允许的字符"),
)


def check_email(value: Any) -> EmailCheck:
    """Check e-mail syntax with ``email-validator`` (no DNS); full-width characters and 。 are normalised."""
    cell = cell_text(value)
    if cell.empty:
        return EmailCheck(False, reason="未填写邮箱", empty=True)
    text = cell.text.replace("。", ".").strip()
    if re.search(r"[,，;；/、\s]", text) and text.count("@") > 1:
        return EmailCheck(False, reason="一个单元格里像是有不止一个邮箱；一个单元格只填一个邮箱")
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        detail = str(exc)
        what = next((zh for en, zh in _EMAIL_REASONS if en in detail), "格式不正确")
        return EmailCheck(False, reason=f"邮箱「{text[:60]}」{what}；请核对，格式如 name@example.com")
    normalized = result.normalized
    return EmailCheck(True, normalized, normalized.casefold())


def normalize_email(value: Any) -> str | None:
    """The matching key of a valid e-mail address (case-folded), None when invalid."""
    result = check_email(value)
    return result.key if result.ok else None
