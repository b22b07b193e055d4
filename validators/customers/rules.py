"""客户档案: the customer row schema and its rules."""

from __future__ import annotations

from neiqin.core import fields as f
from neiqin.core.issues import Issue
from neiqin.core.kit import CheckContext
from neiqin.core.ledger import Ledger
from neiqin.core.schema import LedgerRow, column

from .codes import CustomerCode


class CustomerRow(LedgerRow):
    """客户档案 one customer."""

    customer_id: str = f.CUSTOMER_ID(required=True)
    name: str = f.CUSTOMER(description="客户全称，订单台账中按此核对", required=True, width=30)
    contact: str | None = column("联系人", "联系人姓名", description="主要联系人", width=8)
    mobile: str | None = column("手机", "手机号", "联系电话", "电话", description="联系人手机或座机", width=14)
    address: str | None = column("地址", "通讯地址", "收货地址", description="收货或通讯地址", width=34)
    trade: str | None = column("所属行业", "行业", "经营范围", description="行业或经营范围", width=12)
    region: str | None = f.REGION()
    sales_rep: str | None = f.SALES_REP(header="负责销售", description="负责该客户的销售员")


def valid_phone(value: object) -> bool:
    """A Chinese mobile or landline number (or an international one with its +code)."""
    import phonenumbers

    try:
        number = phonenumbers.parse(str(value), "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def check_phones(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """手机 / 联系电话 is a number that can be dialled."""
    if not ledger.has("mobile"):
        return []
    return [
        ledger.issue(CustomerCode.CUS_BAD_PHONE, row, "mobile", value=value)
        for row, value in zip(ledger.rows, ledger.frame["mobile"], strict=True)
        if value is not None and not valid_phone(value)
    ]


RULES = (check_phones,)
