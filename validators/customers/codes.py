"""Issue codes of 客户档案: stable, documented in docs/issue-codes.md.

No template carries a customer's mobile, e-mail or full credit code: the reasons filled in
are masked first (:func:`validators.customers.privacy.redact`).
"""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class CustomerCode(StrEnum):
    """客户档案"""

    CUS_BAD_PHONE = "CUS-001"
    CUS_BAD_USCC = "CUS-002"
    CUS_USCC_NOTE = "CUS-003"
    CUS_NO_USCC = "CUS-004"
    CUS_USCC_REGION = "CUS-005"
    CUS_BAD_EMAIL = "CUS-006"
    CUS_BAD_REGION = "CUS-007"
    CUS_STALE = "CUS-008"
    CUS_INCOMPLETE = "CUS-009"
    CUS_BAD_LANDLINE = "CUS-010"


CODES: dict[CustomerCode, CodeInfo] = {
    CustomerCode.CUS_BAD_PHONE: CodeInfo(
        "warning", "电话号码无效", "{reason}；客户的手机要能打通，请向客户或负责销售核实后更正"
    ),
    CustomerCode.CUS_BAD_USCC: CodeInfo(
        "error", "统一社会信用代码有误", "{reason}（请更正：开票、签合同都要用准确的信用代码）"
    ),
    CustomerCode.CUS_USCC_NOTE: CodeInfo("warning", "统一社会信用代码需核对", "{reason}（请核对后决定是否更正）"),
    CustomerCode.CUS_NO_USCC: CodeInfo(
        "warning",
        "缺少统一社会信用代码",
        "客户类型为「{kind}」，应有统一社会信用代码（个体工商户可以没有）；请按营业执照或登记证书补填",
    ),
    CustomerCode.CUS_USCC_REGION: CodeInfo(
        "warning", "信用代码与所在地不一致", "{reason}（请核对，客户分析按所在地统计）"
    ),
    CustomerCode.CUS_BAD_EMAIL: CodeInfo("warning", "邮箱无效", "{reason}（请更正，否则对账单和通知发不到客户）"),
    CustomerCode.CUS_BAD_REGION: CodeInfo("warning", "省市区县有误", "{reason}（请更正，客户分析按省市区县统计）"),
    CustomerCode.CUS_STALE: CodeInfo(
        "warning",
        "客户资料长期未更新",
        "客户资料已 {months} 个月未更新（最后更新 {updated}，超过设置的 {limit} 个月）；"
        "请联系客户核实联系人、电话和地址后更新「最后更新」日期",
    ),
    CustomerCode.CUS_INCOMPLETE: CodeInfo(
        "warning", "客户资料不完整", "未填写{missing}；客户资料应完整（制度二.2），请补充"
    ),
    CustomerCode.CUS_BAD_LANDLINE: CodeInfo("warning", "座机号码无效", "{reason}；请核对后更正"),
}
