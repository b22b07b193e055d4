"""Issue codes of 培训记录: stable, documented in docs/issue-codes.md."""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class TrainingCode(StrEnum):
    """培训记录"""

    TRN_UNKNOWN_PERSON = "TRN-001"
    TRN_FUTURE = "TRN-002"


CODES: dict[TrainingCode, CodeInfo] = {
    TrainingCode.TRN_UNKNOWN_PERSON: CodeInfo(
        "warning", "人员名单中没有此人", "「{name}」不在『人员』中；请核对姓名（培训学时按『人员』的姓名统计）"
    ),
    TrainingCode.TRN_FUTURE: CodeInfo(
        "warning", "培训日期在今天之后", "培训日期 {date} 还没到；请在培训结束后再登记，或改正日期"
    ),
}
