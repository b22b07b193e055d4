"""报价单's settings: validity, tax, price basis, discount limit, number pattern, terms template."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from neiqin.core.config import Section

DEFAULT_TERMS = (
    "1. 以上单价为人民币{price_basis}价格，增值税税率 {tax_rate}。\n"
    "2. 本报价有效期至 {valid_until}，逾期请重新询价。\n"
    "3. 付款方式：{payment}。\n"
    "4. 交货期：{delivery}；运费由我方承担，送货到贵司指定地点。\n"
    "5. 产品质量按国家标准和双方确认的技术要求执行；如有异议请在收货后 7 日内书面提出。"
)


class QuotationSettings(Section):
    """报价单."""

    title: ClassVar[str] = "报价单"

    quote_validity_days: int = Field(
        30, alias="报价有效天数", ge=1, le=3650, description="『生成报价单』时，有效期至 = 报价日期 + 这么多天"
    )
    quote_tax_rate_pct: float = Field(
        13.0, alias="报价税率(%)", ge=0, le=100, description="报价单没有填写税率时使用的增值税税率"
    )
    quote_price_basis: Literal["含税", "不含税"] = Field(
        "含税",
        alias="报价单价",
        description="含税 = 产品目录的标准单价和报价单价都含增值税（合计即价税合计）；不含税 = 都不含税，税额另加",
    )
    quote_discount_limit_pct: float = Field(
        10.0,
        alias="报价折扣上限(%)",
        ge=0,
        le=100,
        description="报价单价低于标准单价的比例在此以内提示（警告），超过则为错误",
    )
    quote_number_pattern: str = Field(
        "BJ-{year}-{seq:04d}",
        alias="报价单号格式",
        description="报价单号的写法，按年编号：{year} 年份，{seq} 当年序号（如 BJ-2026-0001）；号码由数据库保证不重复",
    )
    quote_payment: str = Field("月结 30 天", alias="报价付款方式", description="报价单没有填写付款方式时使用")
    quote_delivery: str = Field(
        "收到订单后 15 个工作日内", alias="报价交货期", description="报价单没有填写交货期时使用"
    )
    quote_terms: str = Field(
        DEFAULT_TERMS,
        alias="报价条款模板",
        description="『生成报价单』填写的条款；可用 {valid_until} 有效期、{payment} 付款方式、{delivery} 交货期、"
        "{tax_rate} 税率、{price_basis} 含税/不含税、{customer} 客户名称",
    )
    quote_folder: str | None = Field(
        None,
        alias="报价单文件夹",
        description="『生成报价单』写出报价单文件（报价单_<单号>.xlsx）的文件夹；空 = 工作簿所在文件夹",
    )
