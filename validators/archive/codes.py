"""Issue codes of 订单归档: stable, documented in docs/issue-codes.md."""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class ArchiveCode(StrEnum):
    """订单归档"""

    ARC_TAMPERED = "ARC-001"


CODES: dict[ArchiveCode, CodeInfo] = {
    ArchiveCode.ARC_TAMPERED: CodeInfo(
        "error",
        "归档后被改动",
        "这一行归档后被改动过（与归档时的校验值不符）；请按数据库中的归档记录核对并改回",
    ),
}
