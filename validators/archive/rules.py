"""订单归档: archived lines, each with the digest it was archived with."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from neiqin.core import fields as f
from neiqin.core.canonical import canonical, canonical_v1
from neiqin.core.issues import Issue
from neiqin.core.kit import CheckContext
from neiqin.core.ledger import Ledger
from neiqin.core.schema import column
from validators.orders import OrderRow

from .codes import ArchiveCode

# The fields a digest covers: every order column, in schema order.
DIGEST_FIELDS = [spec.field for spec in OrderRow.columns()]


class ArchivedOrderRow(OrderRow):
    """订单归档 one archived line: the order columns plus when it was archived and its digest."""

    archived_at: dt.datetime | None = column(
        "归档时间", description="『订单归档』按钮填写", width=16, number_format=f.DATETIME
    )
    digest: str | None = column(
        "校验值", "摘要", description="归档时各列的 SHA-256 摘要；之后改动任何一格都能被发现", width=20
    )


def _digest_of(texts: list[str]) -> str:
    return hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode("utf-8")).hexdigest()


def digest(values: dict[str, Any]) -> str:
    """SHA-256 over the canonical values of an order line (field order fixed by the schema)."""
    return _digest_of([canonical(values.get(name)) for name in DIGEST_FIELDS])


def _legacy_text(value: Any) -> str:
    # How NeiQin 0.1 wrote digests (numbers to 6 decimals, times truncated): lines archived then
    # still verify. New digests use neiqin.core.canonical only.
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second) != (0, 0, 0):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        number = round(float(value), 6)
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value).strip()


def digest_matches(values: dict[str, Any], stored: str) -> bool:
    """Does the line still have the digest it was archived with (current, first or 0.1 canonical form)?"""
    return (
        digest(values) == stored
        or _digest_of([canonical_v1(values.get(n)) for n in DIGEST_FIELDS]) == stored
        or _digest_of([_legacy_text(values.get(n)) for n in DIGEST_FIELDS]) == stored
    )


def line_values(ledger: Ledger, pos: int) -> dict[str, Any]:
    """The order columns of line ``pos`` as read (None where the sheet has no such column)."""
    return {name: ledger.raw[name][pos] if name in ledger.raw else None for name in DIGEST_FIELDS}


def check_digests(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """Archived lines still match the digest they were archived with."""
    if not ledger.has("digest"):
        return []
    return [
        ledger.issue(ArchiveCode.ARC_TAMPERED, row, "digest")
        for pos, row in enumerate(ledger.rows)
        if (stored := ledger.raw["digest"][pos]) and not digest_matches(line_values(ledger, pos), stored)
    ]


RULES = (check_digests,)
