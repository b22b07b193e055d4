"""Masking customer data for exports that leave the back office (制度 二.2 / 四.2: 客户信息保密).

Every function accepts any cell value and never raises; what it cannot recognise it hides
rather than passes through (an unreadable phone keeps only its last two digits, an address
without a recognisable district becomes :data:`HIDDEN`).

=================  ==============================  =====================================
value              rule                            example
=================  ==============================  =====================================
mobile             first 3 and last 4 digits       ``138****5678``
landline           area code and last 4 digits     ``0571-****1234`` (extension dropped)
e-mail             first character of the name     ``z***@example.com``
credit code        positions 1–8 and the last 2    ``91350100********43``
address            up to the county level          ``浙江省杭州市西湖区``
person name        the first character             ``张*``, ``欧阳**``
=================  ==============================  =====================================
"""

from __future__ import annotations

import re
from typing import Any

from neiqin.core.china._input import cell_text
from neiqin.core.china.contact import check_email, check_phone
from neiqin.core.china.divisions import parse_address

HIDDEN = "***"
_COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "太叔",
        "申屠",
        "钟离",
        "闻人",
        "万俟",
        "赫连",
        "呼延",
        "拓跋",
        "百里",
        "东郭",
        "南门",
        "羊舌",
        "微生",
    ]
)


def _digits(value: Any) -> str:
    cell = cell_text(value)
    if cell.empty:
        return ""
    text = cell.text.split(".")[0] if cell.was_number else cell.text
    return re.sub(r"\D", "", text)


def mask_mobile(value: Any) -> str:
    """``138****5678``; a value that is no valid mobile keeps only its last two digits (``*********78``)."""
    result = check_phone(value)
    if result.ok and result.kind == "mobile" and result.key:
        key = result.key
        return f"{key[:3]}****{key[-4:]}"
    return _fallback(value)


def mask_phone(value: Any) -> str:
    """Any phone: a mobile as :func:`mask_mobile`, a landline ``0571-****1234``, else the fallback."""
    result = check_phone(value)
    if not result.ok or not result.national:
        return _fallback(value)
    if result.kind == "mobile":  # as mask_mobile, without checking the number a second time
        return f"{result.key[:3]}****{result.key[-4:]}" if result.key else _fallback(value)
    base = result.national.split(" ext.")[0]
    groups = base.split(" ")
    if result.kind == "landline" and len(groups) >= 2 and groups[0].startswith("0"):
        local = "".join(groups[1:])
        return f"{groups[0]}-{'*' * (len(local) - 4)}{local[-4:]}"
    digits = re.sub(r"\D", "", base)
    return "*" * (len(digits) - 4) + digits[-4:]


def _fallback(value: Any) -> str:
    digits = _digits(value)
    if len(digits) < 4:
        return HIDDEN if cell_text(value).text else ""
    return "*" * (len(digits) - 2) + digits[-2:]


def mask_email(value: Any) -> str:
    """``z***@example.com``: the first character of the local part and the domain; invalid → :data:`HIDDEN`."""
    result = check_email(value)
    if not result.ok or not result.normalized:
        return HIDDEN if not result.empty else ""
    local, _, domain = result.normalized.rpartition("@")
    return f"{local[0]}***@{domain}"


def mask_uscc(value: Any) -> str:
    """``91350100********43``: registration authority, kind and region stay, the organisation code is hidden."""
    cell = cell_text(value)
    if cell.empty:
        return ""
    text = re.sub(r"[\s\-]", "", cell.text).upper()
    if len(text) != 18:
        return HIDDEN
    return text[:8] + "*" * 8 + text[-2:]


def mask_address(value: Any) -> str:
    """The address cut after its county (区/县) or the last level it names; none recognised → :data:`HIDDEN`."""
    cell = cell_text(value)
    if cell.empty:
        return ""
    parts = parse_address(cell.text)
    return parts.region_text or HIDDEN


def mask_person(value: Any) -> str:
    """``张*``, ``欧阳**``, ``J***``: the surname (or first letter) stays, the rest becomes ``*``."""
    cell = cell_text(value)
    if cell.empty:
        return ""
    name = "".join(cell.text.split())
    keep = 2 if name[:2] in _COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:keep] + "*" * max(len(name) - keep, 1)
