"""客户变更记录: what changed in 客户档案 between two snapshots (pure; the store and the sheet are in macros).

A snapshot is the archive as one :class:`Record` per customer, keyed by 客户编号 (a row without one:
``名称:`` + the normalised name key of :func:`neiqin.core.china.names.company_key`; a key seen twice
gets ``#2``, ``#3`` …). Every value is kept as canonical text, except the confidential ones (手机, 座机,
邮箱, 统一社会信用代码): those are kept masked for the record and as a SHA-256 digest to tell a change —
never in plain (制度四.2). :func:`diff` lists added customers, removed customers and changed fields.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from neiqin.core.canonical import canonical
from neiqin.core.china.names import company_key
from neiqin.core.ledger import Ledger

from .export import MASKS

SENSITIVE = ("mobile", "phone", "email", "uscc")
ADDED, REMOVED = "（新增客户）", "（删除客户）"


@dataclass(frozen=True)
class Record:
    """One customer as snapshotted: its name, each field's text as shown, and the digest of each non-empty
    confidential value. A record read from the workbook holds its confidential values in ``plain`` (memory
    only) and masks them when one is shown (``values`` None): masking (``phonenumbers``, ``email-validator``)
    is slow, so only changed values and the customers written to the store are masked."""

    name: str
    values: dict[str, str | None]
    hashes: dict[str, str] = field(default_factory=dict)
    plain: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def token(self, name: str) -> str:
        """What a change is told by: the digest of a confidential field, the text of any other."""
        if name in SENSITIVE:
            return self.hashes.get(name, "")
        return self.values.get(name) or ""

    def shown(self, name: str) -> str:
        """The field's text for the record (a confidential one masked)."""
        value = self.values.get(name, "")
        if value is None:
            text = self.plain.get(name, "")
            return MASKS[name](text) if text else ""
        return value

    def same(self, other: Record | None) -> bool:
        """Nothing to tell the two apart (confidential values by digest)."""
        if other is None or self.name != other.name or self.hashes != other.hashes:
            return False
        mine = {f: v for f, v in self.values.items() if f not in SENSITIVE}
        return mine == {f: v for f, v in other.values.items() if f not in SENSITIVE} and set(self.values) == set(
            other.values
        )

    def masked(self) -> Record:
        """The record as the store keeps it: every value as text, confidential ones masked, nothing in plain."""
        return Record(self.name, {f: self.shown(f) for f in self.values}, dict(self.hashes))


Snapshot = dict[str, Record]


@dataclass(frozen=True)
class Change:
    """One change: ``field`` is a field name, or :data:`ADDED` / :data:`REMOVED` for a whole customer."""

    customer: str
    name: str
    field: str
    old: str
    new: str


def digest(name: str, text: str) -> str:
    return hashlib.sha256(f"{name}\x1f{text}".encode()).hexdigest()


def record(name: str, values: Mapping[str, Any]) -> Record:
    """A :class:`Record` from cell values by field name (confidential ones digested, masked when shown)."""
    shown: dict[str, str | None] = {}
    hashes: dict[str, str] = {}
    plain: dict[str, str] = {}
    for f, value in values.items():
        text = canonical(value)
        if f in SENSITIVE:
            shown[f] = None if text else ""
            if text:
                hashes[f] = digest(f, text)
                plain[f] = text
        else:
            shown[f] = text
    return Record(canonical(name), shown, hashes, plain)


def customer_key(customer_id: Any, name: Any) -> str:
    """客户编号, else ``名称:`` + the name key; '' when the row has neither."""
    cid = canonical(customer_id)
    if cid:
        return cid
    key = company_key(name)
    return f"名称:{key}" if key else ""


def snapshot(ledger: Ledger) -> Snapshot:
    """The archive as read, one :class:`Record` per customer (rows with neither 编号 nor 名称 are left out)."""
    fields = sorted(ledger.columns, key=ledger.col)  # as on the sheet
    ids = ledger.raw.get("customer_id") or [None] * len(ledger)
    names = ledger.raw.get("name") or [None] * len(ledger)
    out: Snapshot = {}
    for pos in range(len(ledger)):
        key = customer_key(ids[pos], names[pos])
        if not key:
            continue
        unique, n = key, 1
        while unique in out:
            n += 1
            unique = f"{key}#{n}"
        out[unique] = record(names[pos], {f: ledger.raw[f][pos] for f in fields})
    return out


def diff(old: Mapping[str, Record], now: Mapping[str, Record]) -> list[Change]:
    """Changes from ``old`` to ``now``: customers in the order of ``now`` (removed ones last), fields in
    the sheet's order; a customer added or removed is one change."""
    changes: list[Change] = []
    for key, rec in now.items():
        before = old.get(key)
        if before is None:
            changes.append(Change(key, rec.name, ADDED, "", rec.name))
            continue
        fields = list(rec.values) + [f for f in before.values if f not in rec.values]
        for f in fields:
            if before.token(f) != rec.token(f):
                changes.append(Change(key, rec.name or before.name, f, before.shown(f), rec.shown(f)))
    for key, rec in old.items():
        if key not in now:
            changes.append(Change(key, rec.name, REMOVED, rec.name, ""))
    return changes
