"""客户档案's settings: closed lists, what a complete record has, when a record is stale."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, field_validator

from neiqin.core.config import Section


class CustomerSettings(Section):
    """客户档案."""

    title: ClassVar[str] = "客户档案"

    customer_kinds: list[str] = Field(
        ["企业", "个体", "门店", "机构"],
        alias="客户类型选项",
        description="「客户类型」可选的值；「个体」可以没有统一社会信用代码",
        min_length=1,
    )
    customer_statuses: list[str] = Field(
        ["潜在", "新", "活跃", "休眠", "流失"],
        alias="客户状态选项",
        description="客户档案「状态」可选的值（『客户分级』按订单写入 潜在、新、活跃、休眠、流失）",
        min_length=1,
    )
    uscc_kinds: list[str] = Field(
        ["企业", "机构"],
        alias="应有信用代码的客户类型",
        description="这些类型的客户没填统一社会信用代码时提示（个体工商户、门店可以没有）",
    )
    customer_required: list[str] = Field(
        ["联系人", "手机", "负责销售"],
        alias="客户必填资料",
        description="每家客户都应填写的列（表中有这一列时才检查）；没填的提示「客户资料不完整」",
    )
    stale_months: int = Field(
        12,
        alias="客户资料更新周期（月）",
        ge=0,
        description="「最后更新」（没有时按「建档日期」）早于这么多个月的客户提示核实更新；0 = 不检查",
    )
    near_threshold: float = Field(
        90,
        alias="相近名称阈值",
        ge=70,
        le=100,
        description="『查找重复客户』：两家客户名称主体的相似度（0–100）达到这个值才算名称相近；越低找到的越多，误报也越多",
    )
    shared_limit: int = Field(
        10,
        alias="共用号码上限",
        ge=2,
        description="『查找重复客户』：同一个手机、电话、邮箱或信用代码出现在超过这么多家客户时，当作占位或公用号码，不作为重复依据",
    )

    # 『客户分级』: ABC by revenue share, RFM segments and 新/活跃/休眠/流失 from the order history
    class_months: int = Field(
        12,
        alias="客户分级统计月数",
        ge=1,
        le=60,
        description="『客户分级』：ABC 等级和 RFM 的订单数、销售额按最近这么多个月（到当天为止）统计",
    )
    class_a_pct: float = Field(
        70,
        alias="A类客户销售额占比（%）",
        gt=0,
        lt=100,
        description="按销售额从高到低排，累计占比（不含本客户）未到这个百分比的客户为 A 类",
    )
    class_b_pct: float = Field(
        90,
        alias="B类客户销售额占比（%）",
        gt=0,
        le=100,
        description="累计占比（不含本客户）未到这个百分比的其余客户为 B 类，再往后和统计期内没有销售额的为 C 类",
    )
    new_days: int = Field(
        90,
        alias="新客户天数",
        ge=0,
        description="首次下单在这么多天内的客户为「新」（0 = 不区分新客户）",
    )
    active_days: int = Field(
        90,
        alias="活跃客户天数",
        ge=1,
        description="最近一次下单在这么多天内的客户为「活跃」",
    )
    lost_days: int = Field(
        365,
        alias="流失客户天数",
        ge=1,
        description="最近一次下单超过「活跃客户天数」但在这么多天内的为「休眠」，超过的为「流失」",
    )
    rfm_recent_days: int = Field(
        60,
        alias="RFM近期天数",
        ge=1,
        description="RFM：最近一次下单在这么多天内为 R 高",
    )
    rfm_orders: int = Field(
        3,
        alias="RFM高频订单数",
        ge=1,
        description="RFM：统计期内订单（按订单编号）达到这么多张为 F 高",
    )
    rfm_amount: float = Field(
        0,
        alias="RFM高额销售额（元）",
        ge=0,
        description="RFM：统计期内销售额达到这个金额为 M 高；0 = 用统计期内有销售额的客户的平均销售额",
    )

    protect_password: str | None = Field(
        None,
        alias="客户档案保护密码",
        description="『保护客户档案』用这个密码保护『客户档案』（防止误改，不是加密：密码写在这里，能打开工作簿的人都看得到）；"
        "NeiQin 的按钮改客户档案前用它撤消保护，改完重新保护；密码不对时按钮不改任何内容。空 = 保护但不设密码",
    )

    @field_validator("customer_required")
    @classmethod
    def _known_columns(cls, value: list[str]) -> list[str]:
        from .rules import CustomerRow  # the schema imports these settings

        known = {name for c in CustomerRow.columns() for name in (c.header, *c.synonyms)}
        unknown = [v for v in value if v not in known]
        if unknown:
            listed = "、".join(c.header for c in CustomerRow.columns())
            raise ValueError(f"「{'、'.join(unknown)}」不是客户档案的列；可填：{listed}")
        return value
