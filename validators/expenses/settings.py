"""The expense claims' settings (regulation 二.7 / 四.7): closed lists, limits, time limits per stage."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from neiqin.core.config import Section


class ExpenseSettings(Section):
    """费用报销."""

    title: ClassVar[str] = "费用报销"

    expense_categories: list[str] = Field(
        ["差旅交通", "住宿", "伙食补助", "市内交通", "业务招待", "办公用品", "通讯", "会议", "培训", "其他"],
        alias="费用类别选项",
        description="费用报销单「费用类别」可选的值",
    )
    invoice_kinds: list[str] = Field(
        ["增值税专用发票", "增值税普通发票", "电子发票(数电)", "无发票"],
        alias="发票类型选项",
        description="费用报销单「发票类型」可选的值（NeiQin 按这四种核对发票代码和号码）",
    )
    tax_rates: list[str] = Field(
        ["0%", "1%", "3%", "5%", "6%", "9%", "13%"],
        alias="税率选项",
        description="费用报销单「税率」允许的增值税税率",
    )
    ranks: list[str] = Field(["员工", "主管", "经理", "总监"], alias="职级选项", description="报销人「职级」可选的值")
    # the tiers are the company's own words (『城市级别』: 一类城市 …, 一线 …), checked against 『报销标准』
    default_city_tier: str = Field(
        "三类城市",
        alias="未列城市级别",
        description="不在『城市级别』表中的城市按此级别的标准核对（写法与『城市级别』『报销标准』一致）",
    )
    claim_statuses: list[str] = Field(
        ["待部门审批", "待初审", "初审通过", "初审退回", "已交财务", "财务已审核", "财务退回", "已支付"],
        alias="报销状态选项",
        description="费用报销单与『报销登记』「状态」可选的值，依次对应八个环节（可改名，不能增减或调换顺序）",
    )
    finance_results: list[str] = Field(
        ["财务已审核", "财务退回", "已支付"],
        alias="财务结果选项",
        description="『报销登记』「财务结果」可选的值：内勤按财务的反馈填写，再点『财务结果』",
    )
    invoice_max_age_days: int = Field(
        180, alias="发票报销期限(天)", ge=1, description="开票日期距报销日期超过此天数的发票不予报销"
    )
    tax_tolerance: float = Field(
        1.27,
        alias="税额容差",
        ge=0,
        description="税额与 不含税金额×税率 相差不超过此元数时只作提示（多项目发票逐项计税的尾差，税务上限 1.27 元）",
    )
    backlog_days_approval: int = Field(
        3, alias="部门审批时限(天)", ge=0, description="报销单等待部门负责人审批的天数上限"
    )
    backlog_days_prereview: int = Field(
        2, alias="内勤初审时限(天)", ge=0, description="部门审批后等待内勤初审的天数上限"
    )
    backlog_days_handover: int = Field(2, alias="交财务时限(天)", ge=0, description="初审通过后交到财务的天数上限")
    backlog_days_finance: int = Field(5, alias="财务审核时限(天)", ge=0, description="交财务后等待财务终审的天数上限")
    backlog_days_payment: int = Field(5, alias="支付时限(天)", ge=0, description="财务审核后等待付款的天数上限")
    seal_folder: str | None = Field(
        None,
        alias="封存文件夹",
        description="『提交财务』写封存报销单（报销单_<单号>.xlsx）的文件夹；空 = 工作簿所在文件夹",
    )
    company_name: str | None = Field(
        None,
        alias="公司名称",
        description="发票抬头（购买方名称）应为的公司全称；『导入发票』核对每张发票的购买方",
    )
    company_tax_id: str | None = Field(
        None,
        alias="公司纳税人识别号",
        description="本公司的纳税人识别号（统一社会信用代码）；『导入发票』核对每张发票的购买方识别号",
    )
    invoice_folder: str | None = Field(
        None,
        alias="发票文件夹",
        description="『导入发票』从「发票文件夹/报销单号/」读取发票文件；空 = 工作簿所在文件夹下的「发票/报销单号/」"
        "（文件都复制到后者，与报销单放在一起）",
    )
    verify_above: float = Field(
        0,
        alias="查验金额起点",
        ge=0,
        description="价税合计达到此金额（元）的发票须在明细中填写「已查验」才能通过『费用初审』；0 = 不要求",
    )
