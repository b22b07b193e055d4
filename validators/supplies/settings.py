"""办公用品's settings: acceptance results, approval value, stocktake threshold, purchase planning."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from neiqin.core.config import Section


class SuppliesSettings(Section):
    """办公用品."""

    title: ClassVar[str] = "办公用品"

    inspection_values: list[str] = Field(
        ["合格", "不合格", "部分合格"],
        alias="验收结果选项",
        description="入库登记「验收结果」的三个值，依次表示：全部合格、全部不合格（不入库）、部分合格（按合格数量入库）",
        min_length=3,
        max_length=3,
    )
    approval_value: float = Field(
        200.0, alias="领用审批金额", ge=0, description="一次领用按参考单价超过此金额（元）须填写审批人"
    )
    stocktake_reason_value: float = Field(
        50.0, alias="盘点差异说明金额", ge=0, description="盘点差异按账面单价超过此金额（元）的物品须填写差异原因"
    )
    usage_weeks: int = Field(8, alias="用量统计周数", ge=2, le=52, description="采购计划按最近多少周的领用估计用量")
    safety_days: int = Field(7, alias="安全库存天数", ge=0, le=180, description="采购计划在采购周期之外多备几天的用量")
