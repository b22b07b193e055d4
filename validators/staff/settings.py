"""人员's settings: the values of 是否负责人."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from neiqin.core.config import Section


class StaffSettings(Section):
    """人员."""

    title: ClassVar[str] = "人员"

    head_values: list[str] = Field(
        ["是", "否"],
        alias="是否负责人选项",
        description="人员「是否负责人」可选的值：第一个表示是部门负责人，其余表示不是",
        min_length=2,
    )
