"""报价单: the form's labels and its line table, declared with the ledger column vocabulary."""

from __future__ import annotations

import datetime as dt

from neiqin.core import fields as f
from neiqin.core.forms import Form, FormSchema
from neiqin.core.schema import LedgerRow, column

from .codes import QuoteCode

FORM_PREFIX = "报价单"


class QuoteFields(LedgerRow):
    """The labelled fields of a 报价单: the value is in the cell right of the label."""

    quote_id: str | None = column(
        "报价单号",
        "报价编号",
        "报价单编号",
        description="按年编号，如 BJ-2026-0001；空着时『生成报价单』取号",
        expected=True,
        raw=True,
    )
    customer: str = column(
        "客户",
        "客户名称",
        "客户全称",
        "致",
        "购货单位",
        description="客户名称或客户编号，按『客户档案』填写",
        required=True,
    )
    customer_id: str | None = column("客户编号", "客户代码", "客户编码", description="『客户档案』的客户编号", raw=True)
    contact: str | None = column("联系人", "客户联系人", "收件人", description="客户的联系人（按客户档案填写）")
    phone: str | None = column(
        "联系电话", "电话", "手机", "联系方式", description="联系人的手机或座机（按客户档案填写）", raw=True
    )
    address: str | None = column("地址", "客户地址", "联系地址", "送货地址", description="客户地址（按客户档案填写）")
    quote_date: dt.date | None = column(
        "报价日期", "日期", description="报价的日期；空着时按今天填写", expected=True, number_format=f.DATE
    )
    valid_until: dt.date | None = column(
        "有效期至",
        "有效期",
        "报价有效期",
        "有效日期",
        description="报价有效的最后一天",
        expected=True,
        number_format=f.DATE,
    )
    tax_rate: float | None = column("税率", "增值税税率", description="增值税税率，如 13%", ge=0, number_format="0%")
    payment: str | None = column("付款方式", "付款条件", "结算方式", description="付款方式，如 月结 30 天")
    delivery: str | None = column(
        "交货期", "交期", "交货时间", "供货期", description="交货期，如 收到订单后 15 个工作日内"
    )
    sales_rep: str | None = column("报价人", "业务员", "销售", "经办人", description="报价的销售或内勤")
    total_net: float | None = column(
        "不含税合计", "不含税金额", "金额合计(不含税)", description="不含税金额合计", number_format=f.MONEY
    )
    tax_amount: float | None = column("税额", "增值税额", "税金", description="增值税额", number_format=f.MONEY)
    total: float | None = column(
        "合计", "价税合计", "合计金额", "报价合计", "总计", "合计(小写)",
        description="价税合计（元）", expected=True, number_format=f.MONEY,
    )  # fmt: skip
    total_upper: str | None = column(
        "大写金额", "合计(大写)", "大写", "金额大写", "人民币(大写)",
        description="价税合计的中文大写，如 壹万贰仟叁佰元整", expected=True, raw=True,
    )  # fmt: skip
    terms: str | None = column(
        "条款", "报价条款", "报价说明", "备注条款", "商务条款",
        description="价格、有效期、付款方式、交货期等条款", expected=True, raw=True,
    )  # fmt: skip


class QuoteLine(LedgerRow):
    """One line of a 报价单: one product."""

    seq: str | None = column("序号", "行号", description="行号", raw=True)
    product_code: str = f.PRODUCT_CODE(required=True, raw=True)
    product_name: str | None = f.PRODUCT_NAME()
    spec: str | None = f.SPEC(header="规格", description="规格型号（按产品目录填写）")
    unit: str | None = f.UNIT()
    quantity: float = f.QUANTITY("报价数量", required=True, gt=0)
    price: float | None = column(
        "单价", "报价单价", "含税单价", "不含税单价", description="报价单价（元）；空着时按产品目录的标准单价填写",
        expected=True, ge=0, number_format=f.MONEY,
    )  # fmt: skip
    amount: float | None = column(
        "金额", "小计", "报价金额", "含税金额", description="数量 × 单价（元）", expected=True, number_format=f.MONEY
    )
    note: str | None = f.NOTE()


class QuoteForm(Form):
    """One 报价单 as read from its sheet."""

    @property
    def quote_id(self) -> str | None:
        value = self.get("quote_id")
        return str(value).strip() or None if value is not None else None

    @property
    def blank(self) -> bool:
        """An unfilled template: no customer and no line."""
        return not self.lines and self.get("customer") is None


FORM = FormSchema(
    fields=QuoteFields,
    lines=QuoteLine,
    lines_title="报价明细",
    line_markers=("product_code", "quantity"),
    ends=("total_net", "tax_amount", "total", "total_upper"),
    missing_label=QuoteCode.QUO_NO_LABEL,
    missing_lines_header=QuoteCode.QUO_NO_LINES_HEADER,
    no_lines=QuoteCode.QUO_NO_LINES,
    not_a_form=QuoteCode.QUO_NOT_A_FORM,
    form_class=QuoteForm,
)
