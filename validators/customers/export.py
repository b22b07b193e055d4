"""脱敏导出: a copy of 客户档案 that may leave the company (制度四.2: 客户信息保密).

Mobile ``138****5678``, landline ``0571-****1234``, e-mail ``z***@example.com``, credit code
``91330106********2H``, address cut after its district (``浙江省杭州市西湖区``) — the masks of
:mod:`neiqin.core.china.masking`. Other columns are copied as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from neiqin.core.china.masking import mask_address, mask_email, mask_phone, mask_uscc
from neiqin.core.ledger import Ledger

MASKS: dict[str, Callable[[Any], str]] = {
    "mobile": mask_phone,
    "phone": mask_phone,
    "email": mask_email,
    "uscc": mask_uscc,
    "address": mask_address,
}


def masked_copy(ledger: Ledger) -> tuple[list[str], list[list[Any]], list[str]]:
    """(headers, rows, masked headers) of the archive, columns in the sheet's order, confidential ones masked."""
    fields = sorted((c.field for c in ledger.model.columns() if ledger.has(c.field)), key=ledger.col)  # as on the sheet
    headers = [ledger.header(f) for f in fields]
    columns = []
    for name in fields:
        values = ledger.raw[name]
        mask = MASKS.get(name)
        if mask is None:
            columns.append([None if v == "" else v for v in values])
        else:
            columns.append([None if v is None or v == "" else mask(v) for v in values])
    rows = [list(r) for r in zip(*columns, strict=True)] if columns else []
    masked = [ledger.header(f) for f in fields if f in MASKS]
    return headers, rows, masked
