"""Issue codes of 报销标准: stable, documented in docs/issue-codes.md."""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class LimitCode(StrEnum):
    """报销标准"""

    LIM_TIER_NOT_LISTED = "LIM-001"
    LIM_DEFAULT_TIER = "LIM-002"


CODES: dict[LimitCode, CodeInfo] = {
    LimitCode.LIM_TIER_NOT_LISTED: CodeInfo(
        "warning",
        "城市级别不在『城市级别』中",
        "城市级别『{value}』在『城市级别』中没有（那里的级别：{tiers}），这条标准{count}不会用于任何城市；"
        "请改成『城市级别』中的写法，或在『城市级别』中给城市填上这个级别",
    ),
    LimitCode.LIM_DEFAULT_TIER: CodeInfo(
        "warning",
        "未列城市的级别没有标准",
        "『设置』的「未列城市级别」是『{value}』，但『报销标准』没有这个级别的标准（有：{tiers}），"
        "不在『城市级别』中的城市将不核对按级别的限额；请把「未列城市级别」改为其中之一",
    ),
}
