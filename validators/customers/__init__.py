"""客户档案 — the customer archive (regulation 二.2 / 三.2 / 四.2): what orders are checked against."""

from __future__ import annotations

from neiqin.core.kit import Button, LedgerSpec, template_path
from neiqin.core.layout import load_layout
from validators.orders import GROUP

from .codes import CODES, CustomerCode
from .rules import RULES, CustomerRow, valid_phone

LEDGER = LedgerSpec(
    name="customers",
    title="客户档案",
    noun="客户",
    doc="每家客户一行：编号、全称、联系人、电话、地址、行业、区域、负责销售。订单台账的「客户名称」按此核对；"
    "NeiQin 核对必填项、编号和名称是否重复、电话号码能否拨通。客户信息保密，不外发（制度二.2 / 四.2）。",
    row=CustomerRow,
    sheet="客户档案",
    sheet_synonyms=("客户", "客户信息", "客户资料", "客户名录"),
    key=("customer_id",),
    unique=("customer_id", "name"),
    rules=RULES,
    codes=CODES,
    template=load_layout(template_path(__file__)),
    group=GROUP,
    button=Button(
        "校验客户", "AcceptInvitation", "检查『客户档案』：必填项、编号和名称重复、电话号码。", size="normal"
    ),
)
LEDGERS = (LEDGER,)

__all__ = ["LEDGER", "LEDGERS", "CustomerCode", "CustomerRow", "valid_phone"]
