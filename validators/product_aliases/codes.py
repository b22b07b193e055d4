"""Issue codes of 产品别名: stable, documented in docs/issue-codes.md."""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class AliasCode(StrEnum):
    """产品别名"""

    ALI_UNKNOWN_PRODUCT = "ALI-001"
    ALI_UNKNOWN_CUSTOMER = "ALI-002"
    ALI_TWO_CODES = "ALI-003"


CODES: dict[AliasCode, CodeInfo] = {
    AliasCode.ALI_UNKNOWN_PRODUCT: CodeInfo(
        "error",
        "别名的产品不在产品目录",
        "产品编码『{value}』不在『产品目录』中，这条别名不会被使用；请改为产品目录中的编码，或删除这一行",
    ),
    AliasCode.ALI_UNKNOWN_CUSTOMER: CodeInfo(
        "error",
        "别名的客户不在客户档案",
        "客户『{value}』不在『客户档案』中（按客户名称或客户编号核对），这条别名不会被使用；请改为客户档案中的客户名称",
    ),
    AliasCode.ALI_TWO_CODES: CodeInfo(
        "error",
        "同一叫法对应两个产品",
        "客户『{customer}』的叫法『{wording}』在第 {rows} 行对应了不同的产品编码（{codes}）；"
        "同一客户的一种叫法只能对应一个产品，请删去不对的那一行",
    ),
}
