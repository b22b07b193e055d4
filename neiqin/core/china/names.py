"""Keys under which two customer names count as the same (company names and person names).

:func:`company_key` — the *name key*: two names with equal keys are the same name written
differently. Built on :func:`neiqin.base.text.fold` (NFKC: full-width → half-width, compatibility
characters such as ⼈ → 人; case-folded; no whitespace), then exactly these changes:

1. brackets are dropped but their content kept: ``(中国)`` = ``（中国）`` = ``【中国】`` = ``中国``;
2. a bracketed legal-form note is dropped: (普通合伙) (有限合伙) (特殊普通合伙) (个人独资) (个体工商户) (非法人)…;
3. the legal form is dropped: 股份有限公司, 有限责任公司, 有限公司, 股份公司 anywhere, and a final
   公司 (but never 分公司): ``X有限责任公司`` = ``X有限公司`` = ``X股份有限公司`` = ``X公司`` = ``X``;
   ``X集团有限公司`` = ``X集团公司`` = ``X集团``;
4. a division name at the start is written in its short form: ``上海市X`` = ``上海X``,
   ``广西壮族自治区X`` = ``广西X`` (the region itself stays: 北京X and 上海X are different companies);
5. punctuation and symbols are dropped: ``·`` ``-`` ``&`` ``,`` ``.`` ``"`` ….

Nothing else is removed: branch words (分公司, 分店, 办事处), trade words (科技, 贸易), digits and
regions inside the name stay, because they tell different companies apart.

:func:`company_core` — a looser key used only to find *candidates* and to score near names: the
name key without a leading region, without a bracketed region or 中国, and without the
bracketed parts' brackets. Equal cores are evidence, not proof (北京X科技 and 上海X科技 share one).

:func:`person_key` — a person's name: :func:`fold` without the separator dot of transliterated
names (``买买提·艾力`` = ``买买提艾力``) and other punctuation. Titles (张经理, 王总) are not removed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from neiqin.base.text import fold
from neiqin.core.china import divisions
from neiqin.core.china._input import cell_text

_OPEN = "([【〔〈《{<（［｛"
_CLOSE = ")]】〕〉》}>）］｝"
_NO_BRACKETS = {ord(c): None for c in _OPEN + _CLOSE}
_BRACKETED = re.compile(r"[(\[【〔〈《{<]([^()\[\]【】〔〕〈〉《》{}<>]*)[)\]】〕〉》}>]")
_LEGAL_NOTES = (
    "特殊普通合伙",
    "普通合伙",
    "有限合伙",
    "个人独资",
    "个人独资企业",
    "个体工商户",
    "非法人",
    "非公司私营企业",
    "非公司企业法人",
    "外商投资",
    "外商独资",
    "中外合资",
    "中外合作",
    "台港澳法人独资",
    "港澳台法人独资",
    "自然人独资",
    "法人独资",
)
_LEGAL_INNER = re.compile("股份有限公司|有限责任公司|有限公司|股份公司")
_PUNCT = re.compile(r"[\s·•・.．,，、;；:：'\"“”‘’`\-—–_/\\|&＆+*#@!！?？~^$%=]")
_DIGITS_AND_NUMERALS = re.compile(r"[0-9〇零一二三四五六七八九十百千]")


def _folded(value: Any) -> str:
    cell = cell_text(value)
    return "" if cell.empty else fold(cell.text)


@lru_cache(maxsize=1 << 16)
def _region_prefix(text: str) -> tuple[str, str, str]:
    """(short form of a leading province/city, its code, the rest) — ('', '', text) when none."""
    parts = divisions.parse_address(text, loose=True)
    if parts.province is None and parts.city is None:
        return "", "", text
    consumed = len(text) - len(parts.rest)
    if consumed <= 0:
        return "", "", text
    short = [short_name_cache(d) for d in parts.written]
    best = parts.district or parts.city or parts.province
    return "".join(dict.fromkeys(short)), best.code if best else "", parts.rest


@lru_cache(maxsize=8192)
def short_name_cache(d: divisions.Division) -> str:
    """A division's short form (its name when it has none), as used in name keys."""
    forms = divisions.short_forms(d.name, d.level)
    return fold(forms[0] if forms else d.name)


def _strip_brackets(text: str, *, drop_regions: bool) -> str:
    def repl(m: re.Match[str]) -> str:
        inner = m.group(1)
        if inner in _LEGAL_NOTES:
            return ""
        if drop_regions and (inner == "中国" or divisions.find_province(inner) or divisions.find_city(inner)):
            return ""
        return inner

    previous = None
    while previous != text:  # nested brackets: innermost first
        previous, text = text, _BRACKETED.sub(repl, text)
    return text.translate(_NO_BRACKETS)


def _strip_leading_regions(text: str) -> str:
    """``text`` without any leading division names, full or short, confirmed or not (at most three)."""
    index = divisions._index()
    for _ in range(3):
        for n in range(min(len(text) - 2, index.max_name), 1, -1):
            head = text[:n]
            if head in index.province_names or head in index.city_names or head in index.county_names:
                text = text[n:]
                break
        else:
            break
    return text


def _drop_legal_form(text: str) -> str:
    text = _LEGAL_INNER.sub("", text)
    if text.endswith("公司") and not text.endswith("分公司") and len(text) > 2:
        text = text[:-2]
    return text


@lru_cache(maxsize=1 << 17)
def _company_parts(folded: str) -> tuple[str, str, str]:
    """(name key, core, region code) of a folded name."""
    if not folded:
        return "", "", ""
    text = _strip_brackets(folded, drop_regions=False)
    text = _PUNCT.sub("", text)
    text = _drop_legal_form(text) or text
    region, code, rest = _region_prefix(text)
    key = region + rest if rest else text
    core_text = _strip_brackets(folded, drop_regions=True)
    core_text = _drop_legal_form(_PUNCT.sub("", core_text)) or core_text
    core = _strip_leading_regions(core_text)
    if not code:  # a region in brackets: 明远机电（杭州）有限公司
        for inner in _BRACKETED.findall(folded):
            d = divisions.find_city(inner) or divisions.find_province(inner)
            if d is not None:
                code = d.code
                break
    return key, core, code


def company_parts(name: Any) -> tuple[str, str, str]:
    """(:func:`company_key`, :func:`company_core`, :func:`name_region_code`) of a name in one call."""
    return _company_parts(_folded(name))


def company_key(name: Any) -> str:
    """The name key of a company name ('' for an empty cell); see the module docstring for what is removed."""
    return _company_parts(_folded(name))[0]


def company_core(name: Any) -> str:
    """The looser core of a company name: :func:`company_key` without a leading or bracketed region."""
    return _company_parts(_folded(name))[1]


def name_region_code(name: Any) -> str:
    """The division code of the region a company name starts with ('' when none): 上海X科技 → 310000."""
    return _company_parts(_folded(name))[2]


def person_key(name: Any) -> str:
    """The key of a person's name: folded, without separator dots, spaces and punctuation."""
    return _PUNCT.sub("", _folded(name))


def differ_only_in_numbers(a: str, b: str) -> bool:
    """True when two keys differ, but only in digits or Chinese numerals (第一分店 / 第二分店)."""
    return a != b and _DIGITS_AND_NUMERALS.sub("", a) == _DIGITS_AND_NUMERALS.sub("", b)
