"""统一社会信用代码 (unified social credit code, USCC): GB 32100-2015 and its amendments.

Structure (18 characters of ``0123456789ABCDEFGHJKLMNPQRTUWXY`` — no I, O, S, V, Z):

=========  ==========================================================================
position   meaning
=========  ==========================================================================
1          登记管理部门 registration authority (:data:`AUTHORITIES`)
2          机构类别 kind of organisation, per authority (:data:`AUTHORITIES`)
3–8        登记管理机关行政区划码: GB/T 2260 code of the registering office
9–17       主体标识码: the GB 11714 organisation code (8 characters + its own check character)
18         校验码: ``31 - Σ value(cᵢ)·3ⁱ mod 31`` over positions 1–17 (GB/T 17710, ISO 7064 style)
=========  ==========================================================================

Registration authorities are those of GB 32100-2015 with amendment No. 1 (A, the Central
Military Commission's office, for army institutions) and the later N (农业农村: rural collective
economic organisations): 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会,
9 市场监管（工商）, A 中央军委改革和编制办公室, N 农业农村, Y 其他. Many validators, python-stdnum's
``stdnum.cn.uscc.validate`` among them, demand digits in positions 1–8 and so reject the valid codes
of army institutions (A…), collective economic organisations (N…) and other bodies (Y…): this module
uses stdnum only for the check character and does its own validation.

Codes issued in Fujian's pilot before the national standard (``9?35xxxxM000…``) can carry a check
character that does not follow the formula although the code is genuine (examples in the tests):
those are reported as a warning to compare with the licence, never as an error.

Results are data, never exceptions: :func:`check_uscc` accepts anything a cell can hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from stdnum.cn import uscc as _stdnum_uscc

from neiqin.core.china._input import cell_text

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_VALUE = {c: i for i, c in enumerate(ALPHABET)}

#: position 1 → (authority, {position 2 → kind}); GB 32100-2015 table 1 with its amendments.
AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"},
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("市场监管（工商）", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业农村", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}

# What a clerk may have typed for a digit: letters the code never uses.
_LOOKALIKES = {"O": "0", "I": "1", "Z": "2", "S": "5"}
_SEPARATORS = re.compile(r"[\s\-_.·/—–]")
_LABEL = re.compile(r"^(?:统一)?社会信用代码[:：]?|^信用代码[:：]?|^USCC[:：]?", re.I)
_FUJIAN_PILOT = re.compile(r"^9.35\d{4}M000")

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class UsccCheck:
    """The verdict on one credit code.

    ``ok`` — usable as the customer's code (no error; warnings may remain). ``code`` — the code in
    its normal form when the input had 18 usable characters, else None. ``reason`` — the most
    important finding in Chinese, saying what to do ('' when there is nothing to say);
    ``notes`` — further findings. ``severity`` — of the worst finding, None when there is none.
    ``suggestion`` — a corrected code that does pass the check (O typed for 0 …), never applied.
    """

    ok: bool
    code: str | None
    reason: str = ""
    severity: Severity | None = None
    suggestion: str | None = None
    authority: str | None = None
    kind: str | None = None
    division_code: str | None = None
    empty: bool = False
    notes: tuple[str, ...] = field(default=())


def check_char(first17: str) -> str:
    """The GB 32100 check character (position 18) of the first 17 characters of a code."""
    return _stdnum_uscc.calc_check_digit(first17[:17])


def org_code_check_char(first8: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body (positions 9–16 of a USCC)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(first8, weights, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def is_valid_uscc(value: Any) -> bool:
    """True when ``value`` is, as typed or after normalising spaces/width/case, a code passing the check."""
    return check_uscc(value).ok


def normalize_uscc(value: Any) -> str | None:
    """The normal form of a usable code (see :func:`check_uscc`), None when it is not usable."""
    result = check_uscc(value)
    return result.code if result.ok else None


def division_code_of(code: str) -> str | None:
    """Positions 3–8 of a (normalised) code: the GB/T 2260 code of the registering office."""
    return code[2:8] if len(code) == 18 and code[2:8].isdigit() else None


def check_uscc(value: Any) -> UsccCheck:
    """Check a credit code as a clerk typed it; every problem comes back as a Chinese reason, never raised.

    Normalising (reported as a warning so the cell can be corrected, never silently):
    full-width → half-width, spaces and hyphens removed, lower → upper case, a leading
    「统一社会信用代码：」 label removed. Letters the code never uses (O I Z S) are *not* replaced:
    when replacing them gives a code that passes the check, it is offered as ``suggestion``.
    """
    cell = cell_text(value)
    if cell.empty:
        return UsccCheck(
            False, None, "未填写统一社会信用代码；请按营业执照或登记证书填写 18 位代码", "error", empty=True
        )
    if cell.was_number and cell.lost_digits:
        reason = (
            "统一社会信用代码被存成了数字，Excel 只保留 15 位有效数字，后几位已经丢失；"
            "请把单元格格式设为「文本」后按营业执照重新录入"
        )
        return UsccCheck(False, None, reason, "error")
    typed = cell.text
    notes: list[str] = []
    text = typed
    if _LABEL.match(text):
        text = _LABEL.sub("", text, count=1)
    text = _SEPARATORS.sub("", text).upper()
    if not text:
        return UsccCheck(False, None, f"「{typed[:40]}」不是统一社会信用代码；请按营业执照填写 18 位代码", "error")
    if len(text) != 18:
        return UsccCheck(False, None, _length_reason(text, typed), "error")
    bad = [(i, c) for i, c in enumerate(text) if c not in _VALUE]
    if bad:
        return _bad_characters(text, bad)
    authority_kind = AUTHORITIES.get(text[0])
    authority = authority_kind[0] if authority_kind else None
    kind = authority_kind[1].get(text[1]) if authority_kind else None
    division = text[2:8]
    if not division.isdigit():
        reason = f"第 3–8 位是登记机关的行政区划代码，应全为数字，当前为「{division}」；请对照营业执照核对"
        return UsccCheck(False, text, reason, "error", authority=authority, kind=kind)
    if text[17] != check_char(text):
        if _FUJIAN_PILOT.match(text):
            reason = (
                "校验位不符合国家标准，但这是福建早期试点发放的代码格式（第 9 位起为 M000），部分真实代码如此；"
                "请与营业执照逐位核对，一致即可保留"
            )
            return UsccCheck(True, text, reason, "warning", authority=authority, kind=kind, division_code=division)
        reason = (
            "最后一位校验码与前 17 位对不上，说明有一位或几位抄错（常见：相邻两位颠倒、0/D、8/B 混淆）；"
            "请对照营业执照逐位核对"
        )
        return UsccCheck(False, text, reason, "error", authority=authority, kind=kind, division_code=division)
    if authority is None:
        notes.append(
            f"第 1 位「{text[0]}」不是 GB 32100 已知的登记管理部门代码（1–9、A、N、Y）；校验位正确，请与证书核对"
        )
    elif kind is None:
        notes.append(f"第 2 位「{text[1]}」不是{authority}部门已知的机构类别代码；校验位正确，请与证书核对")
    if text[16] != org_code_check_char(text[8:16]):
        notes.append("第 9–17 位（组织机构代码）自身的校验位不符合 GB 11714；请与营业执照核对")
    if text != (cell.raw or typed):
        notes.insert(0, f"代码本身正确，但录入格式不规范（空格、全角、小写或前缀）；请改为「{text}」")
    if notes:
        return UsccCheck(
            True,
            text,
            notes[0],
            "warning",
            authority=authority,
            kind=kind,
            division_code=division,
            notes=tuple(notes[1:]),
        )
    return UsccCheck(True, text, authority=authority, kind=kind, division_code=division)


def _length_reason(text: str, typed: str) -> str:
    n = len(text)
    if n == 15 and text.isdigit():
        return "这是 15 位的旧工商注册号，不是统一社会信用代码；请改填营业执照上的 18 位统一社会信用代码"
    if n in (9, 10) and re.fullmatch(r"[0-9A-Z]{8}-?[0-9X]", text):
        return "这是 9 位的组织机构代码，不是统一社会信用代码；请改填证书上的 18 位统一社会信用代码"
    if n > 18 and len(re.findall(r"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])", typed)) > 1:
        return "一个单元格里填了不止一个代码；请每家客户只填一个 18 位统一社会信用代码"
    return f"统一社会信用代码应为 18 位，当前为 {n} 位；请对照营业执照核对是否漏填或多填"


def _bad_characters(text: str, bad: list[tuple[int, str]]) -> UsccCheck:
    lookalike = [(i, c) for i, c in bad if c in _LOOKALIKES]
    described = "、".join(f"第 {i + 1} 位「{c}」" for i, c in bad[:3]) + ("等" if len(bad) > 3 else "")
    if len(lookalike) == len(bad):
        fixed = "".join(_LOOKALIKES.get(c, c) for c in text)
        if fixed[17] == check_char(fixed):
            letters = "、".join(sorted({f"字母 {c} 应为数字 {_LOOKALIKES[c]}" for _, c in lookalike}))
            reason = (
                f"{described}是统一社会信用代码不使用的字母（不用 I、O、S、V、Z）；若{letters}，"
                f"代码为「{fixed}」（校验位吻合）；请对照营业执照核对后改正"
            )
            return UsccCheck(False, None, reason, "error", suggestion=fixed)
    reason = f"{described}不是统一社会信用代码允许的字符（数字和除 I、O、S、V、Z 外的大写字母）；请对照营业执照改正"
    return UsccCheck(False, None, reason, "error")


def make_uscc(first17: str) -> str:
    """``first17`` with its check character appended (for tests and sample data)."""
    return first17 + check_char(first17)


@dataclass(frozen=True, slots=True)
class RegionAgreement:
    """Does the registering office in a credit code lie in the customer's 省/市? (warning level).

    ``agrees`` — True / False, or None when it cannot be told (invalid code, unknown or since
    changed division, province-level office and only a city to compare …). ``reason`` — Chinese,
    '' when it agrees. ``registered_in`` — the office's region by name (浙江省杭州市西湖区).
    """

    agrees: bool | None
    reason: str = ""
    registered_in: str = ""


def uscc_region_check(code: Any, province: Any = None, city: Any = None) -> RegionAgreement:
    """Compare positions 3–8 of a credit code with the customer's 省 and 市 (a company may have moved: warn only)."""
    from neiqin.core.china import divisions  # the division list loads on first use only

    result = check_uscc(code)
    if not result.ok or result.division_code is None:
        return RegionAgreement(None, "")
    div = result.division_code
    names = divisions.region_names(div)
    where = "".join(dict.fromkeys(n for n in (names.province, names.city, names.district) if n)) if names else ""
    if div == "100000":
        return RegionAgreement(True, "", "国家级登记机关")
    verdict = divisions.agrees_with_code(div, province, city)
    if verdict is None:
        if names is None:
            reason = f"信用代码中的登记机关区划码 {div} 不在民政部区划代码中（可能是开发区等功能区代码），无法核对省市"
        elif not names.active:
            reason = f"信用代码中的区划码 {div}（{where}）已撤销或调整，无法直接核对省市；请按现行区划确认客户所在地"
        else:
            reason = ""
        return RegionAgreement(None, reason, where)
    if verdict:
        return RegionAgreement(True, "", where)
    filled = "".join(cell_text(v).text for v in (province, city) if not cell_text(v).empty)
    reason = (
        f"信用代码显示在{where or div}登记，而客户所在地填的是{filled}；若客户已迁址属正常，否则请核对省市或信用代码"
    )
    return RegionAgreement(False, reason, where)
