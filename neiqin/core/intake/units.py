"""Numbers and units as customers write them: 十二台, 一万五, 1万5, ３台, OCR's 1O台 and l2只, 3箱 → 12台.

Rules (documented in docs/intake.md):

- A number is Arabic (full-width digits are NFKC-folded before), Chinese (十二, 两千, 一万五, 壹佰) or
  mixed (1万5, 1.5万); :func:`parse_number` reads all of them with ``cn2an``'s smart mode.
- OCR slips are mended only inside a run of digits that has at least one real digit and no letter
  around it: ``1O`` → 10, ``l2`` → 12, ``2O0`` → 200, ``198O`` → 1980. A lone ``l`` or ``O`` is left alone.
- Piece counters (个 只 台 套 支 根 条 把 片 颗 件 块 pcs) count the same thing: 5个电机 = 5台. ``件`` is
  a piece unless the catalogue gives the product a 件 conversion.
- Packing units (箱 盒 包 卷 米 …) need the catalogue's conversion of that product (``packs``).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
# an Arabic number (thousands commas, decimals, 1万5 / 1.5万) or a Chinese one (十二, 一万五千, 三点五)
# a match starts only where a run of digits starts: trying every digit of a long run would be quadratic
NUMBER = (
    r"(?:(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?(?:\s?[万千](?:\d(?![\d.]))?)?"
    rf"|(?<![{CN_DIGITS}])[{CN_DIGITS}]+(?:点[零〇一二三四五六七八九]+)?)"
)

PIECES = frozenset("个只台套支根条把片颗件块") | {"pcs"}
DIVISIBLE = frozenset({"米", "公斤", "吨", "升"})
_PACKS = ("箱", "盒", "包", "袋", "桶", "卷", "盘", "托", "捆", "扎", "组", "米", "公斤", "吨", "升")
_UNIT_WORDS = {
    **{u: u for u in PIECES},
    **{u: u for u in _PACKS},
    "pcs": "pcs",
    "pc": "pcs",
    "kg": "公斤",
    "千克": "公斤",
    "m": "米",
}
# longest first; ASCII units must not run into a following letter (10mm, 4-20mA, 0.75kW are no quantities)
UNIT = (
    r"(?:pcs|pc|kg(?![a-z])|m(?![a-z²2])|"
    + "|".join(sorted((u for u in _UNIT_WORDS if not u.isascii()), key=len, reverse=True))
    + ")"
)

_OCR_RUN = re.compile(r"(?<![A-Za-z0-9])[0-9OoIl|]+(?![A-Za-z0-9])")
_OCR_MAP = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})
_ARABIC = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_UNIT_SIDE = r"([\u4e00-\u9fff]|[A-Za-z]+)"
_PACK_RULES = (
    # 1箱=4台, 箱=4台, 1卷：100米
    re.compile(rf"(\d+(?:\.\d+)?)?\s*{_UNIT_SIDE}\s*[=＝:：]\s*(\d+(?:\.\d+)?)\s*{_UNIT_SIDE}"),
    # 每箱4台, 1箱4台
    re.compile(rf"(?:每|(\d+(?:\.\d+)?))\s*{_UNIT_SIDE}\s*(\d+(?:\.\d+)?)\s*{_UNIT_SIDE}"),
)
_PACK_PER = re.compile(rf"(\d+(?:\.\d+)?)\s*{_UNIT_SIDE}\s*/\s*{_UNIT_SIDE}")  # 4台/箱


def fix_ocr_digits(text: str) -> str:
    """``text`` with O/o→0 and I/l/|→1 inside digit runs that hold a real digit (same length as ``text``)."""

    def mend(match: re.Match[str]) -> str:
        run = match.group()
        if run.isdigit() or not any(c.isdigit() for c in run):
            return run
        return run.translate(_OCR_MAP)

    return _OCR_RUN.sub(mend, text)


def parse_number(text: str) -> Decimal | None:
    """The value of a number as written (12, 1,200, 十二, 一万五, 1万5, 1.5万, 三点五), or None."""
    s = text.replace(",", "").replace(" ", "").strip()
    if not s or len(s) > 20:  # no quantity or price has more digits than that
        return None
    if _ARABIC.fullmatch(s):
        value = Decimal(s)
    else:
        import cn2an  # here: importing it takes 0.2 s, and most runs of NeiQin read no Chinese numbers

        try:
            value = Decimal(str(cn2an.cn2an(s, "smart")))
        except (ValueError, KeyError, IndexError, TypeError, InvalidOperation):
            return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def unit_word(text: str) -> str:
    """The unit as NeiQin names it: pc/pcs/PCS → pcs, m → 米, kg/千克 → 公斤."""
    return _UNIT_WORDS.get(text.casefold(), text)


def is_piece(unit: str) -> bool:
    """A counter of single items (台, 只, 套, 个 …)."""
    return unit in PIECES


def parse_packs(text: str, unit: str) -> dict[str, Decimal]:
    """The catalogue's packing text as {unit: catalogue units}: 「1箱=4台；1盒=10只」 → {箱: 4, 盒: 10}.

    Either side may be the catalogue unit: for a cable sold by the 卷, 「1卷=100米」 → {米: 0.01}.
    Accepted forms: 1箱=4台, 箱=4台, 每箱4台, 1箱4台, 4台/箱; several separated by ；;，,、 or spaces.
    Raises ValueError with a Chinese message naming the part that cannot be read.
    """
    packs: dict[str, Decimal] = {}
    unit = unit_word(unit.strip())
    for part in re.split(r"[；;，,、\n]+|\s{2,}", text or ""):
        part = part.strip()
        if not part:
            continue
        found = _read_pack(part)
        if found is None:
            raise ValueError(f"包装换算『{part}』看不懂：请写成「1箱=4{unit}」这样的格式")
        n1, u1, n2, u2 = found
        u1, u2 = unit_word(u1), unit_word(u2)
        if n1 <= 0 or n2 <= 0:
            raise ValueError(f"包装换算『{part}』的数量必须大于 0")
        if u2 == unit and u1 != unit:
            packs[u1] = n2 / n1
        elif u1 == unit and u2 != unit:
            packs[u2] = n1 / n2
        else:
            raise ValueError(f"包装换算『{part}』没有写到目录单位『{unit}』：请写成「1箱=4{unit}」这样的格式")
    return packs


def _read_pack(part: str) -> tuple[Decimal, str, Decimal, str] | None:
    for rule in _PACK_RULES:
        m = rule.fullmatch(part)
        if m:
            return Decimal(m.group(1) or 1), m.group(2), Decimal(m.group(3)), m.group(4)
    m = _PACK_PER.fullmatch(part)
    if m:
        return Decimal(1), m.group(3), Decimal(m.group(1)), m.group(2)
    return None
