"""行政区划: provinces, cities and counties of China by name and by GB/T 2260 code.

Data: ``data/divisions.csv`` — the Ministry of Civil Affairs' 《中华人民共和国县级以上行政区划代码》
for every year since 1981 with the years each code was in use (current list: end of 2024), taken
from the areacodes project (https://github.com/yescallop/areacodes, CC0 1.0); see ``data/README.md``.
Past codes are kept because a credit code keeps the division code of the office that issued it,
which may since have been merged or renamed (莱芜市 3712 → 济南市 in 2019).

Levels: 1 province (省级: 省、自治区、直辖市、特别行政区), 2 city (地级: 地级市、地区、自治州、盟),
3 county (县级: 市辖区、县级市、县、自治县、旗 …). What a clerk puts in a 「市」 column is
:func:`find_city`: a level-2 division, the municipality itself for 北京/天津/上海/重庆, or a
county-level unit governed directly by its province (济源市, 仙桃市, 石河子市 …).

Names are matched after :func:`neiqin.base.text.fold` (full-width, spaces, case) in full or in a
short form: the name without its type suffix (省 市 区 县 旗 盟 地区 自治区 自治州 自治县 新区 林区 特区 …)
and without the ethnic names before 自治…: 上海 = 上海市, 广西 = 广西壮族自治区, 浦东 = 浦东新区,
恩施 = 恩施土家族苗族自治州. A short form must keep at least two characters (城区, 郊区, 赵县 have none).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from neiqin.base.text import fold
from neiqin.core.china._input import cell_text

MUNICIPALITIES = frozenset({"11", "12", "31", "50"})

_ETHNIC = sorted(
    [
        "蒙古",
        "回",
        "藏",
        "维吾尔",
        "苗",
        "彝",
        "壮",
        "布依",
        "朝鲜",
        "满",
        "侗",
        "瑶",
        "白",
        "土家",
        "哈尼",
        "哈萨克",
        "傣",
        "黎",
        "傈僳",
        "佤",
        "畲",
        "高山",
        "拉祜",
        "水",
        "东乡",
        "纳西",
        "景颇",
        "柯尔克孜",
        "土",
        "达斡尔",
        "仫佬",
        "羌",
        "布朗",
        "撒拉",
        "毛南",
        "仡佬",
        "锡伯",
        "阿昌",
        "普米",
        "塔吉克",
        "怒",
        "乌孜别克",
        "俄罗斯",
        "鄂温克",
        "德昂",
        "保安",
        "裕固",
        "京",
        "塔塔尔",
        "独龙",
        "鄂伦春",
        "赫哲",
        "门巴",
        "珞巴",
        "基诺",
        "各",
    ],
    key=len,
    reverse=True,
)
_PROVINCE_SUFFIXES = ("特别行政区", "自治区", "省", "市")
_LOWER_SUFFIXES = ("自治州", "自治县", "自治旗", "地区", "新区", "林区", "特区", "矿区", "盟", "市", "区", "县", "旗")


@dataclass(frozen=True, slots=True)
class Division:
    """One administrative division: its 6-digit code, official name, level and years in use."""

    code: str
    name: str
    level: int  # 1 province, 2 city (地级), 3 county (县级)
    start: int
    end: int | None  # first year no longer in use; None while in use

    @property
    def active(self) -> bool:
        """Still in use in the current list."""
        return self.end is None

    @property
    def province_code(self) -> str:
        """The code of its province (``330000``)."""
        return self.code[:2] + "0000"

    @property
    def is_municipality(self) -> bool:
        """北京、天津、上海、重庆 or one of their districts."""
        return self.code[:2] in MUNICIPALITIES


@dataclass(frozen=True, slots=True)
class RegionNames:
    """Names of the province, city and county a code stands for (None where the code has no such level)."""

    province: str | None
    city: str | None
    district: str | None
    active: bool  # False: the code (or its city) is no longer in use; names are those it last had


@dataclass(frozen=True, slots=True)
class RegionCheck:
    """Whether 省 / 市 / 区县 belong together; ``reason`` in Chinese says what is wrong and what to do."""

    ok: bool
    reason: str = ""
    province: Division | None = None
    city: Division | None = None
    district: Division | None = None


@dataclass(frozen=True, slots=True)
class AddressParts:
    """The division prefix of a free-text address and the rest of it."""

    province: Division | None
    city: Division | None
    district: Division | None
    rest: str  # what follows the recognised prefix (street, number …), as typed after NFKC
    written: tuple[Division, ...] = ()  # the divisions actually written in the text, in order (others inferred)

    @property
    def region_text(self) -> str:
        """The recognised divisions in official names (浙江省杭州市西湖区; 上海市浦东新区), '' when none."""
        parts = [d.name for d in (self.province, self.city, self.district) if d is not None]
        return "".join(dict.fromkeys(parts))  # a municipality is both province and city


def short_forms(name: str, level: int) -> tuple[str, ...]:
    """The short forms a clerk may type for ``name`` (without the name itself), each ≥ 2 characters."""
    base = name
    suffixes = _PROVINCE_SUFFIXES if level == 1 else _LOWER_SUFFIXES
    for suffix in suffixes:
        if base.endswith(suffix) and len(base) - len(suffix) >= 2:
            base = base[: -len(suffix)]
            break
    if base != name and ("自治" in name or "族" in name):
        stripped = True
        while stripped:
            stripped = False
            for eth in _ETHNIC:
                for token in (eth + "族", eth):
                    if base.endswith(token) and len(base) - len(token) >= 2:
                        base = base[: -len(token)]
                        stripped = True
                        break
                if stripped:
                    break
    return (base,) if base != name and len(base) >= 2 else ()


class _Index:
    """All lookups, built once from the CSV."""

    def __init__(self, rows: list[Division]) -> None:
        self.rows = rows
        by_code: dict[str, Division] = {}
        for d in rows:  # rows are sorted by code, then start: the last one wins unless an active one exists
            current = by_code.get(d.code)
            if current is None or not current.active:
                by_code[d.code] = d
        self.by_code = by_code
        active = [d for d in rows if d.active]
        self.provinces = [d for d in active if d.level == 1]
        cities = [d for d in active if d.level == 2]
        city_codes = {d.code for d in cities}
        # county-level units without a city above them (济源市 419001, 仙桃市 429004, 石河子市 659001 …)
        direct = [
            d
            for d in active
            if d.level == 3 and d.code[:4] + "00" not in city_codes and d.code[:2] not in MUNICIPALITIES
        ]
        self.city_like = cities + direct + [p for p in self.provinces if p.code[:2] in MUNICIPALITIES]
        self.counties = [d for d in active if d.level == 3]
        self.province_names = self._names(self.provinces)
        self.city_names = self._names(self.city_like)
        self.county_names = self._names(self.counties)
        self.old_city_names = self._names([d for d in rows if d.level == 2 and not d.active])
        self.max_name = max(len(d.name) for d in rows)
        # name lengths present in each table, longest first: prefix matching tries only these
        self.lengths = {
            id(table): sorted({len(k) for k in table if len(k) >= 2}, reverse=True)
            for table in (self.province_names, self.city_names, self.county_names)
        }

    @staticmethod
    def _names(divisions: list[Division]) -> dict[str, list[tuple[Division, bool]]]:
        """folded name or short form → [(division, is_full_name)]."""
        names: dict[str, list[tuple[Division, bool]]] = defaultdict(list)
        for d in divisions:
            names[fold(d.name)].append((d, True))
            for short in short_forms(d.name, d.level):
                names[fold(short)].append((d, False))
        return dict(names)


@cache
def _index() -> _Index:
    source = resources.files("neiqin.core.china").joinpath("data/divisions.csv")
    with source.open(encoding="utf-8", newline="") as fh:
        rows = [
            Division(r["code"], r["name"], int(r["level"]), int(r["start"]), int(r["end"]) if r["end"] else None)
            for r in csv.DictReader(fh)
        ]
    return _Index(rows)


def _text(value: Any) -> str:
    cell = cell_text(value)
    return "" if cell.empty else fold(cell.text)


def _as_division(value: Any, finder: Any, **kw: Any) -> Division | None:
    if isinstance(value, Division):
        return value
    return finder(value, **kw)


def division(code: Any) -> Division | None:
    """The division with this 6-digit code — the current one, else the last that had it; None if unknown."""
    text = _text(code)
    if text.endswith(".0"):
        text = text[:-2]
    return _index().by_code.get(text) if len(text) == 6 and text.isdigit() else None


def provinces() -> list[Division]:
    """The 34 current provincial-level divisions, by code."""
    return list(_index().provinces)


def find_province(name: Any) -> Division | None:
    """The current province called ``name`` (上海, 上海市, 广西, 广西壮族自治区, 内蒙古 …), else None."""
    hits = _index().province_names.get(_text(name), [])
    return hits[0][0] if len(hits) == 1 else None


def is_province(name: Any) -> bool:
    """True when ``name`` names a current province in full or short form."""
    return find_province(name) is not None


def _within(hits: list[tuple[Division, bool]], prefix: str | None) -> list[Division]:
    found = [d for d, _ in hits if prefix is None or d.code.startswith(prefix)]
    return list(dict.fromkeys(found))


def find_city(name: Any, province: Any = None) -> Division | None:
    """The current city called ``name`` — within ``province`` (name or Division) when given.

    None when there is no such city or, without a province, when the name is ambiguous.
    For a municipality the city is the municipality itself (北京 → 北京市 110000).
    """
    key = _text(name)
    if not key:
        return None
    prefix = None
    if province is not None and not (isinstance(province, str) and not province.strip()):
        prov = _as_division(province, find_province)
        if prov is None:
            return None
        prefix = prov.code[:2]
    found = _within(_index().city_names.get(key, []), prefix)
    return found[0] if len(found) == 1 else None


def is_city_of(city: Any, province: Any) -> bool:
    """True when ``city`` is a current city (municipality, province-governed county-level city) of ``province``."""
    return find_city(city, province) is not None and find_province(province) is not None


def _county_prefix(city: Division) -> str:
    if city.level == 1:
        return city.code[:2]
    if city.level == 3:  # a province-governed county-level city has no districts of its own
        return city.code
    return city.code[:4]


def find_district(name: Any, city: Any = None, province: Any = None) -> Division | None:
    """The current county-level division called ``name`` within ``city`` (and/or ``province``) when given.

    Without a city or province the name must be unique in the whole country (浦东新区 is; 朝阳区 is not).
    """
    key = _text(name)
    if not key:
        return None
    prefix = None
    if province is not None and _text(province):
        prov = _as_division(province, find_province)
        if prov is None:
            return None
        prefix = prov.code[:2]
    if city is not None and _text(city if not isinstance(city, Division) else city.name):
        c = _as_division(city, find_city, province=province if prefix else None)
        if c is None:
            return None
        prefix = _county_prefix(c)
    found = _within(_index().county_names.get(key, []), prefix)
    return found[0] if len(found) == 1 else None


def is_district_of(district: Any, city: Any, province: Any = None) -> bool:
    """True when ``district`` is a current county-level division of ``city`` (of ``province`` when given)."""
    return find_district(district, city, province) is not None and find_city(city, province) is not None


def region_names(code: Any) -> RegionNames | None:
    """Province, city and county names of a 6-digit code (current or past); None for an unknown code."""
    d = division(code)
    if d is None:
        return None
    index = _index()
    prov = index.by_code.get(d.province_code)
    city: Division | None = None
    if d.level == 3:
        city = index.by_code.get(d.code[:4] + "00")
    elif d.level == 2:
        city = d
    district: Division | None = d if d.level == 3 else None
    if d.level == 1 and d.is_municipality:
        city = d
    elif d.is_municipality and d.level == 3:
        city = prov
    elif d.level == 3 and city is None:  # governed by its province directly (济源市, 仙桃市 …): it is the city
        city, district = d, None
    active = d.active and (city is None or city.active)
    return RegionNames(
        prov.name if prov else None,
        city.name if city else None,
        district.name if district else None,
        active,
    )


def code_of(province: Any, city: Any = None, district: Any = None) -> str | None:
    """The code of the most specific division named (province → city → county), None when they do not fit."""
    result = check_region(province, city, district)
    if not result.ok:
        return None
    best = result.district or result.city or result.province
    return best.code if best else None


def check_region(province: Any, city: Any = None, district: Any = None) -> RegionCheck:
    """Do 省、市 and 区县 exist and belong together? Empty values are skipped (not reported as missing)."""
    p_text, c_text, d_text = _text(province), _text(city), _text(district)
    prov = city_d = dist = None
    if p_text:
        prov = find_province(p_text)
        if prov is None:
            return RegionCheck(
                False,
                f"「{cell_text(province).text}」不是省级行政区名称；请填写如「浙江省」「广西壮族自治区」「上海市」",
            )
    if c_text:
        city_d = find_city(c_text, prov)
        if city_d is None:
            return RegionCheck(False, _city_reason(cell_text(city).text, prov), prov)
        if prov is None:
            prov = _index().by_code.get(city_d.province_code)
    if d_text:
        dist = find_district(d_text, city_d, prov)
        if dist is None:
            return RegionCheck(False, _district_reason(cell_text(district).text, city_d, prov), prov, city_d)
        if prov is None:
            prov = _index().by_code.get(dist.province_code)
    return RegionCheck(True, "", prov, city_d, dist)


def _city_reason(city: str, prov: Division | None) -> str:
    index = _index()
    if prov is None:
        if _text(city) in index.county_names:
            return f"「{city}」是区县，不是地级市；请在「市」填写它所属的城市，区县填在区县列"
        if _text(city) in index.old_city_names:
            return f"「{city}」已不是现行的地级行政区（已撤销或更名）；请按现行区划填写"
        return f"「{city}」不是现行的城市名称（或有重名）；请填写完整名称并填上省份"
    if prov.is_municipality:
        if find_district(city, prov, None) is not None or find_district(city, None, prov) is not None:
            return f"{prov.name}是直辖市，「市」请填「{prov.name}」，「{city}」填在区县列"
        return f"{prov.name}是直辖市，「市」请填「{prov.name}」"
    elsewhere = find_city(city)
    if elsewhere is not None:
        owner = index.by_code[elsewhere.province_code].name
        return f"「{city}」属于{owner}，不属于{prov.name}；请核对省份或城市"
    if find_district(city, None, prov) is not None:
        return f"「{city}」是{prov.name}的区县，不是地级市；请在「市」填写它所属的城市，区县填在区县列"
    if _text(city) in index.old_city_names:
        return f"「{city}」已不是{prov.name}现行的地级行政区（已撤销或更名）；请按现行区划填写"
    return f"{prov.name}没有名为「{city}」的城市；请核对城市名称"


def _district_reason(district: str, city: Division | None, prov: Division | None) -> str:
    scope = city or prov
    elsewhere = find_district(district)
    if scope is None:
        return f"「{district}」不是现行的区县名称，或全国有重名；请同时填写省和市"
    if elsewhere is not None:
        names = region_names(elsewhere.code)
        owner = "".join(dict.fromkeys(n for n in (names.province, names.city) if n)) if names else ""
        return f"「{district}」属于{owner}，不属于{scope.name}；请核对城市或区县"
    return f"{scope.name}没有名为「{district}」的区县；请核对区县名称（区划调整后的新名称以民政部公布为准）"


def _longest_prefix(
    text: str, names: dict[str, list[tuple[Division, bool]]], prefix: str | None, *, full_only: bool
) -> tuple[list[tuple[Division, bool]], int]:
    for n in _index().lengths[id(names)]:
        if n > len(text):
            continue
        found = names.get(text[:n])
        if not found:
            continue
        hits = [
            (d, full) for d, full in found if (prefix is None or d.code.startswith(prefix)) and (full or not full_only)
        ]
        if hits:
            return hits, n
    return [], 0


def parse_address(address: Any, *, loose: bool = False) -> AddressParts:
    """Split the division prefix (province, city, county) off a free-text address.

    ``浙江省杭州市西湖区文三路 90 号`` → 浙江省 / 杭州市 / 西湖区 / ``文三路90号``. Missing levels are
    inferred when unambiguous (``杭州市西湖区…`` gives 浙江省). Short forms count only after a
    recognised higher level or when the next level confirms them (``杭州西湖区``), so ``中山路 8 号``
    is not taken for 中山市. Nothing recognised → all None and ``rest`` is the whole address.
    ``loose=True`` (for company names, which start with their region by rule) also accepts a bare
    short form of a city or county (杭州明远机电 → 杭州市).
    """
    cell = cell_text(address)
    text = "".join(cell.text.split())
    if text.startswith("中国"):
        text = text[2:]
    key = fold(text)
    if len(key) != len(text):  # case folding changed the length (rare letters): work on the folded text
        text = key
    index = _index()
    pos = 0
    prov: Division | None = None
    city: Division | None = None
    dist: Division | None = None

    written: list[Division] = []
    hits, n = _longest_prefix(key, index.province_names, None, full_only=False)
    if len(hits) == 1:
        prov, pos = hits[0][0], n
        written.append(prov)
    if prov is not None and prov.is_municipality:
        city = prov
        again, n = _longest_prefix(key[pos:], index.city_names, prov.code[:2], full_only=False)
        if again and again[0][0] == prov:  # 上海市上海市… or 北京北京市…
            pos += n
    else:
        scope = prov.code[:2] if prov else None
        hits, n = _longest_prefix(key[pos:], index.city_names, scope, full_only=False)
        candidates = list(dict.fromkeys(d for d, _ in hits))
        if len(candidates) == 1:
            full = any(f for _, f in hits)
            cand = candidates[0]
            confirmed = prov is not None or full or loose
            if not confirmed:  # a bare short form: only when a county of that city follows
                after, _ = _longest_prefix(key[pos + n :], index.county_names, _county_prefix(cand), full_only=False)
                confirmed = bool(after)
            if confirmed:
                city, pos = cand, pos + n
                written.append(city)
                if prov is None:
                    prov = index.by_code.get(cand.province_code)
    scope = _county_prefix(city) if city else (prov.code[:2] if prov else None)
    if city is None or city.level != 3:
        hits, n = _longest_prefix(key[pos:], index.county_names, scope, full_only=scope is None and not loose)
        candidates = list(dict.fromkeys(d for d, _ in hits))
        if len(candidates) == 1:
            dist, pos = candidates[0], pos + n
            written.append(dist)
            if prov is None:
                prov = index.by_code.get(dist.province_code)
            if city is None:
                city_code = dist.code[:4] + "00"
                city = index.by_code.get(city_code) if dist.code[:2] not in MUNICIPALITIES else prov
                if city is not None and not city.active:
                    city = None
    return AddressParts(prov, city, dist, text[pos:], tuple(written))


def agrees_with_code(code: Any, province: Any = None, city: Any = None) -> bool | None:
    """Does a 6-digit division code lie in ``province`` / ``city``? None when that cannot be decided.

    Used for the division inside a credit code (warning level: a company may have moved).
    Code ``100000`` (registered by a national office) agrees with every province.
    """
    text = _text(code)
    if len(text) != 6 or not text.isdigit():
        return None
    if text == "100000":
        return True
    p_text, c_text = _text(province), _text(city)
    verdict: bool | None = None
    if p_text:
        prov = find_province(p_text)
        if prov is None:
            return None
        if text[:2] != prov.code[:2]:
            return False
        verdict = True
    if c_text:
        c = find_city(c_text, province if p_text else None)
        if c is None:
            return None
        if c.level == 1:  # municipality
            return text[:2] == c.code[:2]
        if text[2:] == "0000":  # registered at province level: the city cannot be told
            return verdict
        d = division(text)
        if c.level == 3:
            return text == c.code if d is not None and d.active else None
        if text[:4] == c.code[:4]:
            return True
        if d is None or not d.active:
            owner = division(text[:4] + "00")
            if owner is None or not owner.active:
                return None  # an old or unlisted code: the city it belonged to may since have changed
        return False
    return verdict
