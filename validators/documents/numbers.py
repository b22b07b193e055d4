"""Document numbers (文号 / 发文字号 / 收文编号) in every style clerks write them.

The official style is 机关代字〔年份〕序号号 — 「宁党〔2021〕1号」, 「销字〔2026〕012号」 — with the
year in 六角括号 〔〕; registers also use [] () 【】 〖〗, full- or half-width, a 第 before the
number, spaces, and plain styles such as 「收文2026-015」 or 「SW-2026-015」. :func:`parse` reads
them all into (category, year, sequence); :func:`next_number` continues a series in its own style.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

OPEN = "〔[(【〖<《"
CLOSE = "〕])】〗>》"
_QUOTES = "「」『』“”\"'《》 \u3000"

_BRACKETED = re.compile(
    rf"^(?P<category>[^{re.escape(OPEN + CLOSE)}\d]*?)\s*[{re.escape(OPEN)}]\s*(?P<year>\d{{4}})\s*年?\s*"
    rf"[{re.escape(CLOSE)}]\s*第?\s*(?P<seq>\d{{1,6}})\s*号?$"
)
_PLAIN = re.compile(
    r"^(?P<category>[^\d]*?)\s*[-_/.\s]?\s*(?P<year>(?:19|20)\d{2})\s*(?:[-_/.年]\s*)?第?(?P<seq>\d{1,6})\s*号?$"
)

_SEQ_ONLY = re.compile(r"^第?\s*(?P<seq>\d{1,6})\s*号?$")


@dataclass(frozen=True, slots=True)
class DocNumber:
    """A document number as read: its series (category, year), its sequence, and where the sequence is."""

    category: str  # 机关代字 with 字 kept: 销字, 宁党, 收文, SW
    year: int
    seq: int
    text: str  # normalised text (half-width brackets of the kinds that have them, no quotes)
    start: int  # the sequence's digits in ``text``
    end: int

    @property
    def series(self) -> tuple[str, int]:
        return (self.category, self.year)

    def with_seq(self, seq: int) -> str:
        """The same style with another sequence (zero-padded to the width the series uses)."""
        width = self.end - self.start if self.text[self.start] == "0" else 1
        return f"{self.text[: self.start]}{seq:0{width}d}{self.text[self.end :]}"


def normalise(value: Any) -> str:
    """NFKC (full-width digits and ［］（） become half-width; ﹝﹞ become 〔〕), quotes and spaces trimmed."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else ""))
    return text.strip(_QUOTES).strip()


def parse(value: Any, year: int | None = None) -> DocNumber | None:
    """The number's series and sequence; None when the text is not a document number.

    ``year``: the year of the line's date, for registers that number with the sequence alone
    (收文号 1, 2, 3 … or 第12号, restarting each year): such a number is of the series ("", year).
    """
    if value is None or isinstance(value, bool):
        return None
    text = normalise(value)
    for pattern in (_BRACKETED, _PLAIN):
        m = pattern.match(text)
        if m and int(m["seq"]) > 0:
            category = m["category"].strip(" -_/.")
            return DocNumber(category, int(m["year"]), int(m["seq"]), text, m.start("seq"), m.end("seq"))
    m = _SEQ_ONLY.match(text) if year is not None else None
    if m and int(m["seq"]) > 0:
        assert year is not None
        return DocNumber("", year, int(m["seq"]), text, m.start("seq"), m.end("seq"))
    return None


def format_number(pattern: str, category: str, year: int, seq: int) -> str:
    """A first number of a series from the configured pattern, e.g. ``{category}〔{year}〕{seq:03d}号``."""
    return pattern.format(category=category, year=year, seq=seq)


def next_number(taken: list[DocNumber], category: str, year: int, pattern: str) -> str:
    """The number after the highest of the series (category, year), in that series' style."""
    same = [n for n in taken if n.category == category and n.year == year]
    if not same:
        return format_number(pattern, category, year, 1)
    last = max(same, key=lambda n: n.seq)
    return last.with_seq(last.seq + 1)


def gaps(seqs: list[int]) -> list[int]:
    """The sequences missing between 1 and the highest one."""
    have = set(seqs)
    return [n for n in range(1, max(have, default=0)) if n not in have]
