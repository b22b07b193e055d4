"""Probable duplicate customers, with the evidence for every pair, at the scale of a whole archive.

Evidence, strongest first (:class:`Evidence`):

==================  ========  ================================================================
evidence            strength  when
==================  ========  ================================================================
same_uscc           100       the same 18-character credit code (after normalising)
same_name           90        equal :func:`~neiqin.core.china.names.company_key`
same_mobile         80        the same mobile number (any typed form)
same_email          75        the same e-mail address (case-insensitive)
same_core           60        equal :func:`~neiqin.core.china.names.company_core` (region dropped)
near_name           50–59     rapidfuzz ``ratio`` of the cores ≥ ``near_threshold`` (default 90)
same_phone          40        the same landline (switchboards are shared: weakest)
==================  ========  ================================================================

Pairs are joined into groups (union-find); groups are sorted by their strongest evidence, then size.

What keeps it fast and precise:

- **blocking, never all pairs**: exact evidence comes from hashing each key; near names are
  compared only inside blocks keyed by the two *rarest* character bigrams of each core name
  (names that are near share most bigrams, so they share a rare one), blocks larger than
  ``max_block`` are skipped;
- **placeholders are not evidence**: a value shared by more than ``max_shared`` records
  (散客, 000000000000000000, a salesperson's own mobile) links nobody and is listed in
  :attr:`DuplicateReport.too_common`;
- **different entities are not merged by name alone**: same_core and near_name are dropped when
  both records have credit codes that differ, when the provinces (or the regions in the names)
  differ, when the names differ only in numbers (第一分店 / 第二分店), or when both are branches
  (分公司、分店、办事处 …) with different names.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz

from neiqin.core.china import divisions, names
from neiqin.core.china._input import cell_text
from neiqin.core.china.contact import phone_key

_BRANCH_WORDS = ("分公司", "分店", "办事处", "分厂", "分部", "分行", "支行", "营业部", "门市部", "经营部")


class Evidence(StrEnum):
    """Kinds of evidence that two records are the same customer."""

    SAME_USCC = "same_uscc"
    SAME_NAME = "same_name"
    SAME_MOBILE = "same_mobile"
    SAME_EMAIL = "same_email"
    SAME_CORE = "same_core"
    NEAR_NAME = "near_name"
    SAME_PHONE = "same_phone"

    @property
    def label(self) -> str:
        """The Chinese wording for the duplicates sheet."""
        return _LABELS[self]

    @property
    def strength(self) -> int:
        """Base strength (near_name adds up to 9 by score)."""
        return _STRENGTH[self]


_LABELS = {
    Evidence.SAME_USCC: "统一社会信用代码相同",
    Evidence.SAME_NAME: "名称相同（忽略括号、全半角、有限/有限责任/股份有限公司等写法）",
    Evidence.SAME_MOBILE: "手机号相同",
    Evidence.SAME_EMAIL: "邮箱相同",
    Evidence.SAME_CORE: "名称主体相同（去掉地区后）",
    Evidence.NEAR_NAME: "名称相近",
    Evidence.SAME_PHONE: "固定电话相同",
}
_STRENGTH = {
    Evidence.SAME_USCC: 100,
    Evidence.SAME_NAME: 90,
    Evidence.SAME_MOBILE: 80,
    Evidence.SAME_EMAIL: 75,
    Evidence.SAME_CORE: 60,
    Evidence.NEAR_NAME: 50,
    Evidence.SAME_PHONE: 40,
}
_BY_NAME = (Evidence.SAME_CORE, Evidence.NEAR_NAME)


@dataclass(frozen=True, slots=True)
class Customer:
    """One customer record as the duplicate finder reads it; every field is a raw cell value."""

    id: str
    name: Any = None
    uscc: Any = None
    mobile: Any = None
    phone: Any = None
    email: Any = None
    address: Any = None
    province: Any = None
    city: Any = None

    @classmethod
    def from_mapping(cls, row: Mapping[str, Any], columns: Mapping[str, str] | None = None) -> Customer:
        """A record from a mapping; ``columns`` maps field names (id, name, uscc …) to the mapping's keys."""
        cols = {f: f for f in _FIELDS} | dict(columns or {})
        values = {f: row.get(cols[f]) for f in _FIELDS}
        return cls(**{**values, "id": str(values["id"])})


_FIELDS = ("id", "name", "uscc", "mobile", "phone", "email", "address", "province", "city")


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of evidence: its kind, the shared value (normalised) or the similarity score."""

    evidence: Evidence
    value: str = ""
    score: float | None = None

    @property
    def strength(self) -> int:
        """Strength of this finding; a near name gains with its score above 85 (≤ 85 → 50, 100 → 59)."""
        if self.evidence is Evidence.NEAR_NAME and self.score is not None:
            return 50 + min(9, max(0, int((self.score - 85) * 0.6)))
        return self.evidence.strength

    @property
    def text(self) -> str:
        """The finding in Chinese, e.g. ``手机号相同：13812345678`` or ``名称相近（相似度 93）``."""
        if self.evidence is Evidence.NEAR_NAME and self.score is not None:
            return f"{self.evidence.label}（相似度 {self.score:.0f}）"
        return f"{self.evidence.label}：{self.value}" if self.value else self.evidence.label


@dataclass(frozen=True, slots=True)
class PairEvidence:
    """Why records ``a`` and ``b`` (ids, ``a`` first in input order) are probably the same customer."""

    a: str
    b: str
    findings: tuple[Finding, ...]
    conflicts: tuple[str, ...] = ()  # Chinese notes on what speaks against it (different credit codes …)

    @property
    def strength(self) -> int:
        """The strongest finding's strength."""
        return max(f.strength for f in self.findings)

    @property
    def text(self) -> str:
        """All findings (and conflicts) in one Chinese line."""
        line = "；".join(f.text for f in self.findings)
        return line + ("；但" + "；".join(self.conflicts) if self.conflicts else "")


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Records that are probably one customer, with the evidence of each linked pair (strongest first)."""

    ids: tuple[str, ...]
    pairs: tuple[PairEvidence, ...]

    @property
    def strength(self) -> int:
        """The strongest pair's strength."""
        return self.pairs[0].strength


@dataclass(frozen=True, slots=True)
class CommonValue:
    """A value shared by too many records to count as evidence (a placeholder or a shared contact)."""

    evidence: Evidence
    value: str
    count: int

    @property
    def text(self) -> str:
        """In Chinese, for the duplicates sheet."""
        what = self.evidence.label.split("（")[0].replace("相同", "")
        return f"{what}「{self.value}」出现 {self.count} 次，不作为重复依据"


@dataclass(frozen=True, slots=True)
class DuplicateReport:
    """All groups of probable duplicates (strongest first) and the values too common to use."""

    groups: list[DuplicateGroup]
    too_common: list[CommonValue] = field(default_factory=list)
    candidates_compared: int = 0  # near-name comparisons made (for benchmarks)


@dataclass(slots=True)
class _Prepared:
    uscc: str
    mobile: str
    phone: str
    email: str
    name_key: str
    core: str
    region: str  # province code from the province/city columns, the name or the address ('' unknown)
    name_region: str  # division code of the region written in the name ('' none)
    branch: bool


def _clean(value: Any) -> str:
    cell = cell_text(value)
    return "" if cell.empty else cell.text


def _uscc_key(value: Any) -> str:
    text = "".join(_clean(value).split()).replace("-", "").upper()
    return text if len(text) == 18 else ""


def _email_key(value: Any) -> str:
    text = _clean(value).replace("。", ".").strip().casefold()
    return text if "@" in text and "." in text.rpartition("@")[2] else ""


def _prepare(c: Customer, province_cache: dict[str, str]) -> _Prepared:
    name_text = _clean(c.name)
    key, core, name_region = names.company_parts(name_text) if name_text else ("", "", "")
    mobile = phone_key(c.mobile) or ""
    phone = phone_key(c.phone) or ""
    if phone and phone.startswith("1") and len(phone) == 11 and not mobile:
        mobile, phone = phone, ""
    if mobile and not (mobile.startswith("1") and len(mobile) == 11):
        phone, mobile = phone or mobile, ""
    region = _region_of(c, province_cache) or (name_region[:2] if name_region else "")
    branch = any(w in name_text for w in _BRANCH_WORDS)
    return _Prepared(_uscc_key(c.uscc), mobile, phone, _email_key(c.email), key, core, region, name_region, branch)


def _region_of(c: Customer, cache: dict[str, str]) -> str:
    for raw, how in ((c.province, "p"), (c.city, "c"), (c.address, "a")):
        text = _clean(raw)
        if not text:
            continue
        memo = how + text
        if memo not in cache:
            if how == "p":
                d = divisions.find_province(text)
            elif how == "c":
                d = divisions.find_city(text)
            else:
                d = divisions.parse_address(text).province
            cache[memo] = d.code[:2] if d else ""
        if cache[memo]:
            return cache[memo]
    return ""


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _regions_conflict(a: _Prepared, b: _Prepared) -> bool:
    if a.region and b.region and a.region != b.region:
        return True
    x, y = a.name_region, b.name_region
    if x and y:
        for lo, hi in ((0, 2), (2, 4), (4, 6)):
            if x[lo:hi] != "00"[: hi - lo] and y[lo:hi] != "00"[: hi - lo] and x[:hi] != y[:hi]:
                return True
    return False


def _name_link_blocked(a: _Prepared, b: _Prepared) -> str | None:
    """Why a name-only link between two records must not be made (None: it may)."""
    if a.uscc and b.uscc and a.uscc != b.uscc:
        return "统一社会信用代码不同"
    if _regions_conflict(a, b):
        return "所在地区不同"
    if names.differ_only_in_numbers(a.core, b.core) or names.differ_only_in_numbers(a.name_key, b.name_key):
        return "名称只差编号"
    if a.branch and b.branch and a.name_key != b.name_key:
        return "两者都是分支机构"
    return None


def _blocks(cores: Sequence[str], per_name: int) -> dict[str, list[int]]:
    """Blocks: key → indices of cores. Keys: the first two characters (the trade name starts there) and
    the ``per_name`` rarest bigrams — a typo changes at most two adjacent bigrams, so near names share a key.
    """
    grams = [{core[i : i + 2] for i in range(len(core) - 1)} for core in cores]
    frequency: Counter[str] = Counter()
    for g in grams:
        frequency.update(g)
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(grams):
        keys = {"^" + cores[i][:2]}
        keys.update(sorted(g, key=lambda x: (frequency[x], x))[:per_name])
        for k in keys:
            blocks[k].append(i)
    return blocks


def find_duplicates(
    customers: Iterable[Customer],
    *,
    near_threshold: float = 90.0,
    max_shared: int = 10,
    max_block: int = 400,
    bigrams_per_name: int = 2,
) -> DuplicateReport:
    """Groups of probable duplicate customers with the evidence of every linked pair.

    ``near_threshold`` — the rapidfuzz ``ratio`` (0–100) of two core names from which they count as
    near; ``max_shared`` — a value shared by more records than this is a placeholder, not evidence;
    ``max_block`` / ``bigrams_per_name`` — near-name blocking (see the module docstring).
    Records without an id are compared by their position (``#1``, ``#2`` …). Never raises on bad cells.
    """
    records = list(customers)
    ids = [str(c.id) if c.id not in (None, "") else f"#{i + 1}" for i, c in enumerate(records)]
    cache: dict[str, str] = {}
    prepared = [_prepare(c, cache) for c in records]
    findings: dict[tuple[int, int], dict[Evidence, Finding]] = defaultdict(dict)
    conflicts: dict[tuple[int, int], set[str]] = defaultdict(set)
    too_common: list[CommonValue] = []

    exact = (
        (Evidence.SAME_USCC, "uscc"),
        (Evidence.SAME_NAME, "name_key"),
        (Evidence.SAME_MOBILE, "mobile"),
        (Evidence.SAME_EMAIL, "email"),
        (Evidence.SAME_CORE, "core"),
        (Evidence.SAME_PHONE, "phone"),
    )
    for evidence, attr in exact:
        buckets: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(prepared):
            value = getattr(p, attr)
            if value and (attr != "core" or len(value) >= 2):
                buckets[value].append(i)
        for value, members in buckets.items():
            if len(members) < 2:
                continue
            if len(members) > max_shared:
                too_common.append(CommonValue(evidence, value, len(members)))
                continue
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    i, j = members[x], members[y]
                    pair = (i, j)
                    if evidence in _BY_NAME:
                        if Evidence.SAME_NAME in findings.get(pair, {}):
                            continue
                        why = _name_link_blocked(prepared[i], prepared[j])
                        if why:
                            continue
                    findings[pair][evidence] = Finding(evidence, value)
                    a_code, b_code = prepared[i].uscc, prepared[j].uscc
                    if evidence is Evidence.SAME_NAME and a_code and b_code and a_code != b_code:
                        conflicts[pair].add("统一社会信用代码不同，请核实是否为同一单位")

    compared = _near_names(prepared, findings, near_threshold, max_shared, max_block, bigrams_per_name)

    uf = _UnionFind(len(records))
    for i, j in findings:
        uf.union(i, j)
    members_of: dict[int, list[int]] = defaultdict(list)
    pairs_of: dict[int, list[PairEvidence]] = defaultdict(list)
    for (i, j), found in findings.items():
        ordered = tuple(sorted(found.values(), key=lambda f: -f.strength))
        pairs_of[uf.find(i)].append(PairEvidence(ids[i], ids[j], ordered, tuple(sorted(conflicts.get((i, j), ())))))
    for i in range(len(records)):
        root = uf.find(i)
        if root in pairs_of:
            members_of[root].append(i)
    groups = []
    for root, members in members_of.items():
        pairs = sorted(pairs_of[root], key=lambda p: (-p.strength, -len(p.findings), p.a, p.b))
        groups.append(DuplicateGroup(tuple(ids[i] for i in members), tuple(pairs)))
    groups.sort(key=lambda g: (-g.strength, -len(g.ids), g.ids[0]))
    too_common.sort(key=lambda c: (-c.count, c.evidence.strength, c.value))
    return DuplicateReport(groups, too_common, compared)


def _near_names(
    prepared: list[_Prepared],
    findings: dict[tuple[int, int], dict[Evidence, Finding]],
    threshold: float,
    max_shared: int,
    max_block: int,
    per_name: int,
) -> int:
    """Add near_name findings between records whose distinct cores score ≥ ``threshold``; returns comparisons."""
    by_core: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(prepared):
        if len(p.core) >= 4:  # two- and three-character cores differ by a third or more per character
            by_core[p.core].append(i)
    cores = [c for c, members in by_core.items() if len(members) <= max_shared]
    blocks = _blocks(cores, per_name)
    seen: set[tuple[int, int]] = set()
    compared = 0
    for members in blocks.values():
        if len(members) < 2 or len(members) > max_block:
            continue
        for x in range(len(members)):
            a = members[x]
            core_a = cores[a]
            for y in range(x + 1, len(members)):
                b = members[y]
                key = (a, b) if a < b else (b, a)
                if key in seen:
                    continue
                seen.add(key)
                core_b = cores[b]
                if 200 * min(len(core_a), len(core_b)) < threshold * (len(core_a) + len(core_b)):
                    continue  # ratio = 2·matches / total length cannot reach the threshold
                compared += 1
                score = fuzz.ratio(core_a, core_b, score_cutoff=threshold)
                if not score:
                    continue
                for i in by_core[core_a]:
                    for j in by_core[core_b]:
                        pair = (i, j) if i < j else (j, i)
                        existing = findings.get(pair, {})
                        if Evidence.SAME_NAME in existing or Evidence.SAME_CORE in existing:
                            continue
                        if _name_link_blocked(prepared[pair[0]], prepared[pair[1]]):
                            continue
                        findings[pair][Evidence.NEAR_NAME] = Finding(Evidence.NEAR_NAME, "", math.floor(score))
    return compared
