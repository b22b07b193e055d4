"""Issue codes of 客户档案: stable, documented in docs/issue-codes.md."""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class CustomerCode(StrEnum):
    """客户档案"""

    CUS_BAD_PHONE = "CUS-001"


CODES: dict[CustomerCode, CodeInfo] = {
    CustomerCode.CUS_BAD_PHONE: CodeInfo(
        "warning",
        "电话号码无效",
        "『{value}』不是有效的手机或固定电话号码；请核对后更正",
    ),
}
