"""The product catalogue as intake searches it, and loading customers, products and aliases from TOML.

Each product is found by several kinds of evidence, each with the set of products it fits:

- ``code``: the product code (MT-2200 = mt2200 = MT-22OO, O/0 and l/I/1 read alike);
- ``spec``: a whole token of the spec (YE3-100L1-4, 6205-2RS, FR-E820-2.2K, RV063 and RV63, 4x2.5 of
  4x2.5mm², Chinese tokens such as 常开, 600线, 10m / 10米); ``part``: a dash-separated part of one
  (E820, 6205, 2RS, YE3 …: fits every product that has it);
- ``name``: the product name, its category, the tails of its name (异步电机, 电机) and the trade's
  synonyms below (马达 → 电机, 涡轮减速机 → 蜗轮蜗杆减速机, 编码器线 → 编码器电缆 …), longest first;
- ``attr``: power (2.2kW, 2.2千瓦, 400W, the 2.2K of an inverter's model) and reduction ratio (速比1:30,
  1:30, i=30) read from the spec, compared by value;
- ``alias``: what this customer calls a product (the 产品别名 table).

A line's product is the one product every piece of its evidence fits; several → PRODUCT_AMBIGUOUS
with the candidates, none → PRODUCT_UNKNOWN.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from neiqin.base.errors import NeiQinError
from neiqin.base.text import code_key, nfkc
from neiqin.core.intake.models import Alias, Customer, Product

# the trade's words for a product → a word of the catalogue (a name, a category or the tail of a name)
SYNONYMS: dict[str, str] = {
    "马达": "电机",
    "电动机": "电机",
    "三相电机": "三相异步电机",
    "异步马达": "三相异步电机",
    "减速器": "减速机",
    "涡轮减速机": "蜗轮蜗杆减速机",
    "涡轮减速器": "蜗轮蜗杆减速机",
    "蜗轮减速机": "蜗轮蜗杆减速机",
    "蜗轮减速器": "蜗轮蜗杆减速机",
    "涡轮蜗杆减速机": "蜗轮蜗杆减速机",
    "rv减速机": "蜗轮蜗杆减速机",
    "行星减速器": "行星减速机",
    "斜齿轮减速器": "斜齿轮减速机",
    "变频": "变频器",
    "伺服电机": "伺服",
    "伺服驱动": "伺服",
    "伺服驱动器": "伺服",
    "伺服套装": "伺服",
    "接近传感器": "接近开关",
    "光电传感器": "光电开关",
    "编码器线": "编码器电缆",
    "编码线": "编码器电缆",
    "动力线": "动力电缆",
    "电源线": "动力电缆",
    "触屏": "触摸屏",
    "人机界面": "触摸屏",
    "hmi": "触摸屏",
    "可编程控制器": "plc",
    "压力传感器": "压力变送器",
    "同步轮": "同步带轮",
    "联轴节": "联轴器",
}

_CJK = re.compile(r"[\u4e00-\u9fff]")
_POWER_SPEC = re.compile(r"(\d+(?:\.\d+)?)(kw|k)$|(\d+(?:\.\d+)?)w$")
_RATIO_SPEC = re.compile(r"速比\s*(?:1\s*[:：/]\s*)?(\d+(?:\.\d+)?)")
_UNIT_TAIL = re.compile(r"(?:mm2|mm|cm|m)$")
_OCR = str.maketrans({"o": "0", "l": "1", "i": "1"})
_LEADING_ZERO = re.compile(r"^([a-z]+)0+(\d+)$")


def key(text: str) -> str:
    """A code or spec token as compared: :func:`code_key` with O→0 and l/I→1 (OCR reads them alike)."""
    return code_key(text).translate(_OCR)


def power_kw(text: str) -> Decimal | None:
    """The power a spec token states (2.2kW, 0.75K, 400W), in kW."""
    m = _POWER_SPEC.fullmatch(text.lower())
    if not m:
        return None
    if m.group(1):
        return Decimal(m.group(1)).normalize()
    return (Decimal(m.group(3)) / 1000).normalize()


@dataclass(frozen=True, slots=True)
class Word:
    """A lexicon entry: the products a word of the text fits, and the kind of evidence it is."""

    codes: frozenset[str]
    kind: str  # name | spec


class ProductIndex:
    """The catalogue indexed once for many messages."""

    def __init__(self, products: Sequence[Product]) -> None:
        self.products: dict[str, Product] = {}
        for p in products:
            self.products.setdefault(p.code, p)
        self.codes: dict[str, str] = {}
        self.exact_codes: set[str] = set()
        self.spec_full: dict[str, set[str]] = defaultdict(set)
        self.spec_part: dict[str, set[str]] = defaultdict(set)
        self.exact_spec: set[str] = set()
        self.power: dict[Decimal, set[str]] = defaultdict(set)
        self.ratio: dict[Decimal, set[str]] = defaultdict(set)
        words: dict[str, set[str]] = defaultdict(set)
        spec_words: dict[str, set[str]] = defaultdict(set)
        for p in self.products.values():
            self.codes[key(p.code)] = p.code
            self.exact_codes.add(code_key(p.code))
            for word in _name_words(p):
                words[word].add(p.code)
            self._index_spec(p, spec_words)
        for variant, canonical in SYNONYMS.items():
            target = words.get(canonical)
            if target:
                words[variant] |= target
        lexicon: dict[str, Word] = {w: Word(frozenset(c), "name") for w, c in words.items()}
        for w, c in spec_words.items():
            lexicon[w] = Word(frozenset(c | (words[w] if w in lexicon else set())), "spec")
        self.lexicon = lexicon
        alternation = "|".join(re.escape(w) for w in sorted(lexicon, key=len, reverse=True))
        self.lexicon_re = re.compile(alternation) if alternation else None
        # full names for the fuzzy pass (OCR slips in a name: 三相异步电杋)
        self.names: dict[str, frozenset[str]] = {
            w: Word(frozenset(c), "name").codes for w, c in words.items() if len(w) >= 4 and _CJK.search(w)
        }

    def _index_spec(self, p: Product, spec_words: dict[str, set[str]]) -> None:
        spec = nfkc(p.spec).lower().replace("×", "x").replace("²", "2")
        tokens = spec.split()
        m = _RATIO_SPEC.search(spec)
        if m:
            self.ratio[Decimal(m.group(1)).normalize()].add(p.code)
        alnum_tokens = []
        for token in tokens:
            if token.startswith("速比"):
                continue
            kw = power_kw(token)
            if kw is not None:
                self.power[kw].add(p.code)
                continue
            if _CJK.search(token):
                spec_words[token].add(p.code)
                if token.endswith("m") or "米" in token:
                    spec_words[token.replace("米", "m")].add(p.code)
                continue
            alnum_tokens.append(token)
            if len(token) >= 3:  # not TC alone: two letters say nothing
                self._full(token, p.code)
            if token.endswith("m") and token[:-1].isdigit():  # a length: 10m, said 10米 too
                spec_words[token[:-1] + "米"].add(p.code)
            tail = _UNIT_TAIL.sub("", token)
            if tail != token and re.search(r"[a-z]|x", tail):  # 4x2.5 of 4x2.5mm²
                self._full(tail, p.code)
            for part in re.split(r"[-_/]", token):
                kw = power_kw(part)
                if kw is not None:  # FR-E820-2.2K: an inverter's power
                    self.power[kw].add(p.code)
                elif _useful_part(part) and part != token:
                    self.spec_part[key(part)].add(p.code)
        if len(alnum_tokens) > 1:  # TC 40x62x8 written TC40x62x8
            self._full("".join(alnum_tokens), p.code)

    def _full(self, token: str, code: str) -> None:
        self.spec_full[key(token)].add(code)
        self.exact_spec.add(code_key(token))
        m = _LEADING_ZERO.match(code_key(token))
        if m:  # RV063 said RV63
            self.spec_full[key(m.group(1) + m.group(2))].add(code)
            self.exact_spec.add(m.group(1) + m.group(2))


def _name_words(p: Product) -> set[str]:
    """The words a product is called by: its name, its category and the tails of its name."""
    name = nfkc(p.name).lower().replace(" ", "")
    out = {name}
    if p.category.strip():
        out.add(nfkc(p.category).lower().replace(" ", ""))
    for i in range(1, len(name) - 1):
        tail = name[i:]
        if len(_CJK.findall(tail)) >= 2 or (tail.isascii() and len(tail) >= 3):
            out.add(tail)
    return out


def _useful_part(part: str) -> bool:
    has_letter, has_digit = bool(re.search(r"[a-z]", part)), bool(re.search(r"\d", part))
    if has_letter and has_digit:
        return len(part) >= 3
    if has_digit:
        return len(part) >= 4
    return len(part) >= 3


# ------------------------------------------------------------------------------------ TOML files


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Customers, products and learned aliases, as read from a catalogue file."""

    customers: tuple[Customer, ...]
    products: tuple[Product, ...]
    aliases: tuple[Alias, ...]


def load_catalogue(path: str | Path) -> Catalogue:
    """Read ``[[customer]]``, ``[[product]]`` and ``[[alias]]`` tables from a TOML file.

    ``product.packs`` is the catalogue's packing text (「1箱=4台；1盒=10只」); ``alias.product`` is a
    product code. Raises :class:`NeiQinError` naming the table and entry that cannot be used.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise NeiQinError(f"无法读取目录文件 {path}：{exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NeiQinError(f"目录文件 {path} 格式有误：{exc}；请按 TOML 格式填写") from exc
    customers = _entries(path, data, "customer", Customer, lambda d: d)
    products = _entries(path, data, "product", Product, lambda d: d)
    aliases = _entries(
        path,
        data,
        "alias",
        Alias,
        lambda d: {**{k: v for k, v in d.items() if k != "product"}, "product_code": d.get("product", "")},
    )
    known = {p.code for p in products}
    for n, a in enumerate(aliases, 1):
        if a.product_code not in known:
            raise NeiQinError(f"目录文件 {path} 第 {n} 个 [[alias]]：产品编号『{a.product_code}』不在产品目录中")
    return Catalogue(tuple(customers), tuple(products), tuple(aliases))


def _entries(path: Path, data: dict, table: str, model: type, shape) -> list:  # type: ignore[type-arg]
    out = []
    rows: Iterable[dict] = data.get(table, [])  # type: ignore[assignment]
    for n, row in enumerate(rows, 1):
        try:
            out.append(model.model_validate(shape(row)))
        except ValidationError as exc:
            problems = "；".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise NeiQinError(f"目录文件 {path} 第 {n} 个 [[{table}]] 有误：{problems}") from exc
    return out
