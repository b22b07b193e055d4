"""订单归档 — finished order lines moved out of 订单台账 by 『订单归档』, each with its digest."""

from __future__ import annotations

from neiqin.core.kit import Button, LedgerSpec, template_path
from neiqin.core.layout import load_layout
from validators.orders import GROUP

from .codes import CODES, ArchiveCode
from .rules import DIGEST_FIELDS, RULES, ArchivedOrderRow, digest, digest_matches, line_values

LEDGER = LedgerSpec(
    name="archive",
    title="订单归档",
    noun="归档订单",
    doc="『订单归档』把已完成且发货超过归档天数的订单行移到这里（同时存入数据库），每行附 SHA-256 校验值；"
    "校验时逐行核对，归档后改动过的行会被指出。",
    row=ArchivedOrderRow,
    sheet="订单归档",
    sheet_synonyms=("归档订单", "已归档订单"),
    key=("order_id",),
    rules=RULES,
    codes=CODES,
    template=load_layout(template_path(__file__)),
    group=GROUP,
    button=Button(
        "核对归档", "AcceptInvitation", "逐行核对『订单归档』的校验值，找出归档后被改动的行。", size="normal"
    ),
)
LEDGERS = (LEDGER,)

__all__ = [
    "DIGEST_FIELDS",
    "LEDGER",
    "LEDGERS",
    "ArchiveCode",
    "ArchivedOrderRow",
    "digest",
    "digest_matches",
    "line_values",
]
