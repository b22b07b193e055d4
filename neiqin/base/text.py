"""Text as NeiQin compares, groups and lays it out: the one normaliser and the one width.

Clerks type the same name in several ways — full-width letters and digits, a compatibility
character (the Kangxi radical ⼈ U+2F08 for 人), a non-breaking or ideographic space, upper or
lower case. Every comparison of names, labels, headers, statuses and codes goes through
:func:`fold` (NFKC, case-folded, no whitespace) or one of the keys built on it, so the
customer check, the reports and the header matcher agree on what "the same" means.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from wcwidth import wcwidth

_SPACES = re.compile(r"\s+")
_BRACKETS = re.compile(r"[(\[【〔<《].*?[)\]】〕>》]")
_NOISE = re.compile(r"[\s*:：※#№]+")
# a unit after a slash: 单价/元, 数量/台, 金额/元/台 (but not 生产/采购周期)
_UNIT_SUFFIX = re.compile(
    r"(?:/(?:人民币|rmb|万元|千元|元|台|件|个|套|箱|吨|千克|公斤|kg|克|g|米|m|平方米|㎡|天|日|月|小时|h|pcs|pc|只|支|条|张|把|"
    r"包|瓶|桶|卷|块|组|批|次|%))+$",
    re.I,
)
_CODE_SEPARATORS = re.compile(r"[\s\-_/.·]")


def nfkc(text: Any) -> str:
    """``text`` in Unicode compatibility form (full-width → ASCII, ⼈ → 人, NBSP → space)."""
    return unicodedata.normalize("NFKC", str(text))


def clean(text: Any) -> str:
    """A name as shown and grouped: NFKC, runs of whitespace as one space, trimmed."""
    return _SPACES.sub(" ", nfkc(text)).strip()


def fold(text: Any) -> str:
    """The key two texts are equal by: NFKC, case-folded, without any whitespace."""
    return _SPACES.sub("", nfkc(text)).casefold()


def label_key(text: Any) -> str:
    """A form label as matched: :func:`fold` without colons and marks (合计(小写)： = 合计（小写）)."""
    return _NOISE.sub("", nfkc(text)).casefold()


def header_key(text: Any) -> str:
    """A column header or form label as matched: :func:`fold` without units in brackets or after a slash."""
    s = _BRACKETS.sub("", nfkc(text))
    s = _NOISE.sub("", s)
    s = _UNIT_SUFFIX.sub("", s) or s
    return s.casefold()


def code_key(text: Any) -> str:
    """A product code or spec as matched: :func:`fold` without separators (MT-2200 = mt 2200 = MT2200)."""
    return _CODE_SEPARATORS.sub("", nfkc(text)).casefold()


def text_width(text: Any) -> int:
    """Columns ``text`` takes in a fixed-width layout (a CJK character takes two)."""
    total = 0
    for ch in str(text):
        w = wcwidth(ch)
        total += w if w > 0 else (0 if w == 0 else 1)  # control characters count as one, as Excel shows a box
    return total
