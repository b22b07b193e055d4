"""费用报销单: the form's labels and its line table, declared with the ledger column vocabulary."""

from __future__ import annotations

import datetime as dt

from neiqin.core import fields as f
from neiqin.core import invoices
from neiqin.core.forms import Form, FormSchema, Line
from neiqin.core.schema import LedgerRow, column

from .codes import ExpenseCode

FORM_PREFIX = "费用报销单"


class ExpenseFields(LedgerRow):
    """The labelled fields of a 费用报销单: the value is in the cell right of the label."""

    claim_id: str = column(
        "报销单号", "单号", "报销单编号", description="报销单的唯一编号，如 BX2611001", required=True
    )
    claimant: str = column("报销人", "姓名", "申请人", description="报销人姓名", required=True)
    department: str = column("部门", "所属部门", "报销部门", description="报销人所在部门", required=True)
    rank: str = column(
        "职级", "职务级别", description="员工、主管、经理、总监（按此核对报销标准）", required=True, choices="ranks"
    )
    claim_date: dt.date = column(
        "报销日期", "填报日期", "申请日期", description="填写报销单的日期", required=True, number_format=f.DATE
    )
    purpose: str = column("事由", "报销事由", "出差事由", "用途", description="费用的事由", required=True)
    attachments: float = column(
        "附件张数", "附件", "单据张数", "附单据张数", description="所附发票和单据的张数", required=True, ge=0
    )
    total: float | None = column(
        "合计(小写)",
        "小写",
        "小写金额",
        "合计金额(小写)",
        "金额合计(小写)",
        description="各行价税合计之和",
        expected=True,
        number_format=f.MONEY,
    )
    total_upper: str | None = column(
        "合计(大写)",
        "大写",
        "大写金额",
        "合计金额(大写)",
        "金额合计(大写)",
        description="合计的中文大写，如 壹仟肆佰零玖元伍角整",
        expected=True,
        raw=True,
    )
    approver: str | None = column(
        "部门负责人", "部门审批人", "部门负责人签字", description="审批的部门负责人（不能是报销人本人）", expected=True
    )
    approval_date: dt.date | None = column(
        "部门审批日期", "审批日期", description="部门审批的日期", expected=True, number_format=f.DATE
    )
    prereviewer: str | None = column("内勤初审", "初审人", description="『费用初审』『退回』签名", expected=True)
    prereview_date: dt.date | None = column(
        "初审日期", description="内勤初审的日期", expected=True, number_format=f.DATE
    )
    finance_reviewer: str | None = column("财务终审", "终审人", description="财务终审人", expected=True)
    finance_date: dt.date | None = column("终审日期", description="财务终审的日期", expected=True, number_format=f.DATE)
    status: str | None = column(
        "状态", "报销状态", description="报销单所处的环节（按钮填写）", expected=True, choices="claim_statuses"
    )
    return_reason: str | None = column("退回原因", "退回说明", description="『退回』或财务退回时填写的原因")


class ExpenseLine(LedgerRow):
    """One line of the 费用明细: one invoice (or one part of it), or a cost without invoice."""

    seq: str | None = column("序号", "行号", description="行号")
    date: dt.date = column(
        "日期", "开票日期", "发生日期", "费用日期", description="开票日期", required=True, number_format=f.DATE
    )
    category: str = column(
        "费用类别",
        "费用类型",
        "费用项目",
        "类别",
        description="差旅交通、住宿……",
        required=True,
        choices="expense_categories",
    )
    city: str | None = column("城市", "出差城市", "地点", "目的地", description="发生费用的城市（按城市级别核对标准）")
    days: float | None = column("天数", "晚数", "天", description="住宿晚数或补助天数；不填为 1 天")
    kind: str = column(
        "发票类型", "票据类型", description="增值税专用发票、增值税普通发票、电子发票(数电)、无发票", required=True
    )
    code: str | None = column(
        "发票代码", description="10 或 12 位发票代码（数电发票没有代码）", expected=True, raw=True
    )
    number: str | None = column(
        "发票号码", "发票号", description="8 位号码，或数电发票的 20 位号码", expected=True, raw=True
    )
    net: float | None = column(
        "不含税金额", "金额", "不含税价", description="不含税金额（元）", expected=True, number_format=f.MONEY
    )
    rate: float | None = column("税率", "征收率", description="增值税税率，如 6%", expected=True, number_format="0%")
    tax: float | None = column("税额", description="税额（元）", expected=True, number_format=f.MONEY)
    gross: float = column(
        "价税合计", "报销金额", "含税金额", description="价税合计（元）", required=True, gt=0, number_format=f.MONEY
    )
    note: str | None = f.NOTE("摘要", header="说明", description="说明（无发票时必填原因）")
    verified: str | None = column(
        "已查验", "查验", "是否查验", description="内勤在国家税务总局查验平台查验后填写（如 是、查验人姓名）"
    )
    verified_on: dt.date | None = column("查验日期", description="查验发票的日期", number_format=f.DATE)


class ExpenseForm(Form):
    """One 费用报销单 as read from its sheet."""

    @property
    def claim_id(self) -> str | None:
        value = self.get("claim_id")
        return str(value) if value is not None else None

    @property
    def status(self) -> str | None:
        return self.get("status")

    @property
    def blank(self) -> bool:
        """An unfilled template: no 单号, no 报销人, no line."""
        return not self.lines and self.get("claim_id") is None and self.get("claimant") is None


def invoice_key(line: Line) -> str | None:
    """The line's invoice as duplicates are found (``invoices.invoice_key``); None without one."""
    return invoices.invoice_key(line.value.get("kind"), line.value.get("code"), line.value.get("number"))


FORM = FormSchema(
    fields=ExpenseFields,
    lines=ExpenseLine,
    lines_title="费用明细",
    line_markers=("gross", "category"),
    ends=("total", "total_upper"),
    missing_label=ExpenseCode.EXP_NO_LABEL,
    missing_lines_header=ExpenseCode.EXP_NO_LINES_HEADER,
    no_lines=ExpenseCode.EXP_NO_LINES,
    not_a_form=ExpenseCode.EXP_NOT_A_FORM,
    form_class=ExpenseForm,
)
