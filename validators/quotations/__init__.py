"""报价单 — quotations from the master data (issue 15: quotations and contracts).

A quotation is a form on its own sheet (名称以『报价单』开头): labels with the value to their
right (报价单号, 客户, 联系人, 报价日期, 有效期至, 税率, 付款方式, 交货期 …), a line table
(序号, 产品编码, 产品名称, 规格, 单位, 数量, 单价, 金额), the totals with 大写金额 and the 条款.
『生成报价单』 fills it from 客户档案 and 产品目录 and numbers it in the store; 『校验报价单』 checks
an edited one against them. Its buttons are in the ribbon group 客户: a clerk quotes to customers.
"""

from __future__ import annotations

from typing import Any

from neiqin.core.kit import Button, LedgerSpec
from validators.customers import GROUP

from .codes import CODES, QuoteCode
from .demo import demo_rows
from .rules import RULES
from .schema import FORM, FORM_PREFIX, QuoteForm
from .settings import QuotationSettings


def write_template(wb: Any, form: dict[str, Any] | None = None, **options: Any) -> Any:
    """The 报价单 template sheet (openpyxl is loaded only when a sheet is written)."""
    from .template import write_quotation_form

    return write_quotation_form(wb, form, **options)


write_template.order = 32  # type: ignore[attr-defined]  # after 产品目录 in NeiQin.xlsm

LEDGER = LedgerSpec(
    name="quotations",
    title="报价单",
    noun="报价明细",
    doc="每张报价单一个工作表（名称以『报价单』开头），按标签找内容：标签右边一格就是值；明细表按表头找。"
    "『生成报价单』按客户档案填写客户编号、联系人和地址（表上有「联系电话」标签时也填电话），按产品目录填写名称、规格、单位和标准单价，算出金额、"
    "不含税合计、税额、合计和大写金额，填写报价日期、有效期、付款方式、交货期和条款模板，从数据库取一个"
    "当年不重复的报价单号，并在工作簿旁另存一份可打印的报价单文件。『校验报价单』核对：客户和产品在档案和"
    "目录中、单价与标准单价（折扣在上限内提示，超过为错误）、金额和合计、大写金额、有效期、条款。",
    form=FORM,
    sheet="报价单",
    sheet_prefix=FORM_PREFIX,
    key=("quote_id",),
    companions=("customers", "products"),
    rules=RULES,
    codes=CODES,
    template=write_template,
    settings=QuotationSettings,
    group=GROUP,
    button=Button(
        "校验报价单",
        "DataValidation",
        "检查报价单（当前报价单，或全部以『报价单』开头的工作表）：客户和产品是否在客户档案和产品目录中、"
        "单价与标准单价（折扣在『设置』的上限内提示，超过为错误）、金额与合计、大写金额、是否过期、条款。",
        size="normal",
    ),
)
LEDGERS = (LEDGER,)

__all__ = [
    "FORM",
    "FORM_PREFIX",
    "GROUP",
    "LEDGER",
    "LEDGERS",
    "QuotationSettings",
    "QuoteCode",
    "QuoteForm",
    "demo_rows",
]
