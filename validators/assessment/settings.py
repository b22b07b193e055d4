"""考核与激励's settings (regulation 五): the month reviewed, the standards the KPIs are measured against."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, ValidationInfo, field_validator

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
    review_kinds: list[str] = Field(
        ["自评", "上级评价", "同事评价"],
        alias="评价类型选项",
        description="考核表「评价类型」可选的值，依次对应 自评、上级评价、同事评价（可改名，不能增减或调换顺序）",
        min_length=3,
        max_length=3,
    )
    kpi_weight: float = Field(40.0, alias="指标得分权重(%)", ge=0, le=100, description="综合得分中考核指标得分的权重")
    self_weight: float = Field(10.0, alias="自评权重(%)", ge=0, le=100, description="综合得分中自评的权重")
    supervisor_weight: float = Field(
        30.0, alias="上级评价权重(%)", ge=0, le=100, description="综合得分中上级评价的权重"
    )
    peer_weight: float = Field(
        20.0,
        alias="同事评价权重(%)",
        ge=0,
        le=100,
        description="综合得分中同事评价（几位同事的平均分）的权重；四项权重之和必须是 100",
    )
    rate_bands: list[str] = Field(
        ["98:100", "95:90", "90:80", "80:60", "0:40"],
        alias="比率指标分档",
        description="百分比指标（越高越好）换算为 0–100 分：「下限%:得分」，从高到低，达到下限即得该分；"
        "低于所有下限得 0 分",
    )
    count_bands: list[str] = Field(
        ["0:100", "1:85", "3:70", "5:50"],
        alias="错单数分档",
        description="漏单错单数换算为分数：「上限:得分」，从少到多，不超过上限即得该分；超过所有上限得 0 分",
    )
    days_bands: list[str] = Field(
        ["1:100", "2:90", "3:75", "5:60"],
        alias="天数指标分档",
        description="天数指标（越少越好，如报销初审时效）换算为分数：「上限天数:得分」，从少到多；超过所有上限得 0 分",
    )
    grade_bands: list[str] = Field(
        ["90:优秀", "80:良好", "60:合格", "0:待改进"],
        alias="等级分档",
        description="综合得分对应的等级：「下限:等级」，从高到低",
    )
    coefficients: list[str] = Field(
        ["优秀:1.2", "良好:1.0", "合格:0.8", "待改进:0.5"],
        alias="绩效系数",
        description="每个等级的绩效系数：「等级:系数」；绩效奖金 = 绩效奖金基数 × 绩效系数",
    )
    bonus_base: float = Field(2000.0, alias="绩效奖金基数", ge=0, description="每月绩效奖金的基数（元）")
    promotion_grade: str = Field(
        "优秀",
        alias="晋升等级",
        description="年度考核：年度等级（按平均综合得分和「等级分档」）为此等级才可列为晋升候选",
    )
    promotion_months: int = Field(
        3,
        alias="晋升优秀月数",
        ge=0,
        le=12,
        description="年度考核：晋升候选还须至少有这么多个月的月度等级为「晋升等级」，且没有一个月是最低等级，"
        "年度培训学时达到「年度培训学时要求」",
    )
    honours: int = Field(
        1,
        alias="年度评优名额",
        ge=0,
        description="年度考核：按平均综合得分排名、年度等级为「晋升等级」的前几名评为年度优秀员工",
    )

    @field_validator("rate_bands", "count_bands", "days_bands", "grade_bands", "coefficients")
    @classmethod
    def _pairs(cls, value: list[str], info: ValidationInfo) -> list[str]:
        numeric_right = info.field_name != "grade_bands"
        numeric_left = info.field_name != "coefficients"
        for item in value:
            left, sep, right = str(item).replace("：", ":").partition(":")
            if not sep or not left.strip() or not right.strip():
                raise ValueError(f"「{item}」应写成「数:数」或「数:等级」的形式，用冒号分开")
            for part, numeric in ((left, numeric_left), (right, numeric_right)):
                if numeric:
                    try:
                        float(part)
                    except ValueError:
                        raise ValueError(f"「{item}」中的「{part.strip()}」不是数字") from None
        return value


def weights(own: Any) -> dict[str, float]:
    """The four weights of the composite score (``own``: the settings, or this section)."""
    return {"指标得分": own.kpi_weight, "自评": own.self_weight, "上级评价": own.supervisor_weight,
            "同事评价": own.peer_weight}  # fmt: skip
