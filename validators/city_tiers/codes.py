"""Issue codes of 城市级别: stable, documented in docs/issue-codes.md."""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class CityTierCode(StrEnum):
    """城市级别"""

    CTY_TIER_WITHOUT_LIMITS = "CTY-001"


CODES: dict[CityTierCode, CodeInfo] = {
    CityTierCode.CTY_TIER_WITHOUT_LIMITS: CodeInfo(
        "warning",
        "级别在『报销标准』中没有标准",
        "级别『{value}』（{count} 个城市）在『报销标准』中没有对应的标准（那里的级别：{tiers}），"
        "这些城市的住宿、伙食补助等不按级别核对；请改成『报销标准』中的写法，或在『报销标准』中补上这个级别",
    ),
}
