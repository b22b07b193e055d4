"""Issue codes of 人员: stable, documented in docs/issue-codes.md."""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class StaffCode(StrEnum):
    """人员"""

    STF_BAD_MOBILE = "STF-001"
    STF_BAD_EMAIL = "STF-002"
    STF_NO_HEAD = "STF-003"
    STF_TWO_HEADS = "STF-004"


CODES: dict[StaffCode, CodeInfo] = {
    StaffCode.STF_BAD_MOBILE: CodeInfo("warning", "手机号码无效", "{reason}；会议通知、催办消息要发到这个号码，请更正"),
    StaffCode.STF_BAD_EMAIL: CodeInfo("warning", "邮箱无效", "{reason}；会议通知、催办邮件要发到这个地址，请更正"),
    StaffCode.STF_NO_HEAD: CodeInfo(
        "warning",
        "部门没有负责人",
        "部门『{department}』没有人标为负责人；借阅审批、考核评价需要部门负责人，请在其「是否负责人」填「是」",
    ),
    StaffCode.STF_TWO_HEADS: CodeInfo(
        "warning",
        "部门有多个负责人",
        "部门『{department}』有 {count} 人标为负责人（第 {rows} 行）；审批时按第一人算，如不对请只保留一人",
    ),
}
