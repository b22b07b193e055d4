"""客户档案: the customer archive (regulation 二.2 / 四.2) — what orders are checked against."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from neiqin.base.perf import gc_paused
from neiqin.core.checks import check_columns, check_unique
from neiqin.core.config import Settings
from neiqin.core.issues import Code, Issue, sort_issues
from neiqin.core.ledger import Ledger
from neiqin.core.schema import LedgerInfo, LedgerRow, column, register_ledger


@register_ledger
class CustomerRow(LedgerRow):
    """客户档案 one customer."""

    ledger: ClassVar[LedgerInfo] = LedgerInfo(
        name="customers",
        sheet="客户档案",
        sheet_synonyms=("客户", "客户信息", "客户资料", "客户名录"),
        title="客户档案",
        key=("customer_id",),
    )

    customer_id: str = column(
        "客户编号", "客户代码", "客户编码", description="客户的唯一编号，如 C0001", required=True, width=10
    )
    name: str = column(
        "客户名称", "客户全称", "客户", "单位名称", description="客户全称，订单台账中按此核对", required=True, width=30
    )
    contact: str | None = column("联系人", "联系人姓名", description="主要联系人", width=8)
    mobile: str | None = column("手机", "手机号", "联系电话", "电话", description="联系人手机或座机", width=14)
    address: str | None = column("地址", "通讯地址", "收货地址", description="收货或通讯地址", width=34)
    trade: str | None = column("所属行业", "行业", "经营范围", description="行业或经营范围", width=12)
    region: str | None = column("区域", "销售区域", "大区", description="销售区域，如 华东", width=8)
    sales_rep: str | None = column("负责销售", "销售员", "业务员", description="负责该客户的销售员", width=8)


def valid_phone(value: object) -> bool:
    """A Chinese mobile or landline number (or an international one with its +code)."""
    import phonenumbers

    try:
        number = phonenumbers.parse(str(value), "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def check(ledger: Ledger, settings: Settings | None = None, today: dt.date | None = None) -> list[Issue]:
    """Required fields, duplicate numbers and names, and phone numbers that cannot be dialled."""
    settings = settings or Settings()
    issues = list(ledger.issues)
    with gc_paused():
        issues += check_columns(ledger, settings)
        for field_name in ("customer_id", "name"):
            issues += check_unique(ledger, field_name)
        if ledger.has("mobile"):
            for row, value in zip(ledger.rows, ledger.frame["mobile"], strict=True):
                if value is not None and not valid_phone(value):
                    issues.append(ledger.issue(Code.CUS_BAD_PHONE, row, "mobile", value=value))
    return sort_issues(issues)
