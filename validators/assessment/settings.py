"""考核与激励's settings (regulation 五): the month reviewed, the standards the KPIs are measured against."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from neiqin.core.config import Section


class AssessmentSettings(Section):
    """考核与激励."""

    title: ClassVar[str] = "考核与激励"

    review_month: str | None = Field(
        None,
        alias="考核月份",
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="考核哪个月，如 2026-11；空 = 上个月（月初考核上月）",
    )
    assessed_titles: list[str] = Field(
        ["内勤"],
        alias="考核职务",
        description="『人员』中职务为这些值的人参加内勤考核；没有『人员』工作表时按操作日志中出现的内勤姓名",
    )
    order_hours: float = Field(
        24.0,
        alias="订单处理时限(小时)",
        gt=0,
        description="订单处理及时率：录入时间 − 接单日期 不超过此小时数为及时（接单日期只有日期时从当天 0 点算起）",
    )
    customer_requesters: list[str] = Field(
        ["客户"],
        alias="客户方提出方",
        description="漏单错单数：『订单变更记录』中提出方为这些值的变更是客户的要求，不算内勤的错单；其他提出方的已执行变更算错单",
    )
    day_report_days: int = Field(
        1, alias="日报时限(天)", ge=0, description="报表及时率：日报在所报当天之后几天内生成为及时（0 = 当天）"
    )
    week_report_days: int = Field(
        2, alias="周报时限(天)", ge=0, description="报表及时率：周报在所报一周（周日）结束后几天内生成为及时"
    )
    month_report_days: int = Field(
        5, alias="月报时限(天)", ge=0, description="报表及时率：月报在所报月份结束后几天内生成为及时"
    )
    prereview_days: int = Field(
        3,
        alias="报销初审时限(天)",
        ge=0,
        description="报销初审时效：部门审批后几天内完成初审为及时（明细中标出超时的报销单）",
    )
