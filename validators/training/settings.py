"""培训记录's settings: the closed lists, the yearly hours, when a KPI asks for training."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from neiqin.core.config import Section


class TrainingSettings(Section):
    """培训与发展."""

    title: ClassVar[str] = "培训与发展"

    training_kinds: list[str] = Field(
        ["业务", "技能", "制度"], alias="培训类型选项", description="培训记录「类型」可选的值"
    )
    training_modes: list[str] = Field(
        ["内部", "外部", "在线"], alias="培训方式选项", description="培训记录「方式」可选的值"
    )
    yearly_hours: float = Field(
        24.0, alias="年度培训学时要求", ge=0, description="每人每年应完成的培训学时；年度考核的晋升条件之一"
    )
    training_score: float = Field(
        60.0,
        alias="培训建议分数线",
        ge=0,
        le=100,
        description="某项考核指标按分档的得分低于此分时，『培训统计』建议相应的培训"
        "（如客户信息准确率低 → 客户信息管理）",
    )
