"""The order ledger's settings (regulation 二.1 / 四.1): closed lists, tolerances, targets."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from neiqin.core.config import Section


class OrderSettings(Section):
    """订单管理."""

    title: ClassVar[str] = "订单管理"

    order_channels: list[str] = Field(
        ["电话", "邮件", "传真", "微信", "面谈", "其他"],
        alias="接单方式选项",
        description="订单台账「接单方式」可选的值",
    )
    order_statuses: list[str] = Field(
        ["待确认", "已确认", "已下达", "生产中", "采购中", "已发货", "已完成", "已取消", "暂停"],
        alias="订单状态选项",
        description="订单台账「状态」可选的值，依次对应 待确认、已确认、已下达、生产中、采购中、"
        "已发货、已完成、已取消、暂停九个环节（可改名，不能增减或调换顺序）",
    )
    price_tolerance_pct: float = Field(
        10.0, alias="单价偏差上限(%)", ge=0, description="订单单价偏离产品目录标准单价超过此百分比时提示"
    )
    archive_days: int = Field(30, alias="归档天数", ge=0, description="已完成的订单行发货后多少天归档")
    on_time_target_pct: float = Field(
        95.0, alias="按时交付率目标(%)", ge=0, le=100, description="制度四.1 的按时交付率目标（[X]%）"
    )
    supply_modes: list[str] = Field(["生产", "采购"], alias="供应方式选项", description="产品目录「供应方式」可选的值")
    task_progress: list[str] = Field(
        ["未开始", "进行中", "已完成"], alias="进度选项", description="生产/采购任务单「进度」可选的值"
    )
    problem_types: list[str] = Field(
        ["延期", "缺料", "质量", "其他"], alias="问题类型选项", description="任务单「问题类型」可选的值"
    )
    review_results: list[str] = Field(
        ["待审核", "同意", "驳回"], alias="审核结果选项", description="订单变更记录「审核结果」可选的值"
    )
