"""订单归档: finished order lines moved out of 订单台账, each with the digest it was archived with."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, ClassVar

from neiqin.core.config import Settings
from neiqin.core.issues import Code, Issue, sort_issues
from neiqin.core.ledger import Ledger
from neiqin.core.schema import LedgerInfo, column, register_ledger

from .orders import OrderRow

# The fields a digest covers: every order column, in schema order.
DIGEST_FIELDS = [spec.field for spec in OrderRow.columns()]


@register_ledger
class ArchivedOrderRow(OrderRow):
    """订单归档 one archived line: the order columns plus when it was archived and its digest."""

    ledger: ClassVar[LedgerInfo] = LedgerInfo(
        name="archive", sheet="订单归档", sheet_synonyms=("归档订单", "已归档订单"), title="订单归档", key=("order_id",)
    )

    archived_at: dt.datetime | None = column(
        "归档时间", description="『订单归档』按钮填写", width=16, number_format="yyyy-mm-dd hh:mm"
    )
    digest: str | None = column(
        "校验值", "摘要", description="归档时各列的 SHA-256 摘要；之后改动任何一格都能被发现", width=20
    )


def canonical(value: Any) -> str:
    """A cell value in a form that survives a save in any spreadsheet program."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M:%S")
            if (value.hour, value.minute, value.second) != (0, 0, 0)
            else value.strftime("%Y-%m-%d")
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        number = round(float(value), 6)
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value).strip()


def digest(values: dict[str, Any]) -> str:
    """SHA-256 over the canonical values of an order line (field order fixed by the schema)."""
    payload = json.dumps([canonical(values.get(f)) for f in DIGEST_FIELDS], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def line_values(ledger: Ledger, pos: int) -> dict[str, Any]:
    """The order columns of line ``pos`` as read (None where the sheet has no such column)."""
    return {f: ledger.raw[f][pos] if f in ledger.raw else None for f in DIGEST_FIELDS}


def check(ledger: Ledger, settings: Settings | None = None, today: dt.date | None = None) -> list[Issue]:
    """Archived lines must still match the digest they were archived with."""
    issues = list(ledger.issues)
    if ledger.has("digest"):
        for pos, row in enumerate(ledger.rows):
            stored = ledger.raw["digest"][pos]
            if stored and digest(line_values(ledger, pos)) != stored:
                issues.append(ledger.issue(Code.ARC_TAMPERED, row, "digest"))
    return sort_issues(issues)
