"""生产任务单 / 采购任务单 — order lines passed to production or purchasing, with their feedback.

Two sheets of one schema: 『下达订单』 writes a line per order line into the sheet of the
product's supply mode; the department fills 进度, 预计完成日期 and problems; 『更新进度』
brings them back to 订单台账.
"""

from __future__ import annotations

import datetime as dt

from neiqin.core import fields as f
from neiqin.core.kit import Button, LedgerSpec, template_path
from neiqin.core.layout import load_layout
from neiqin.core.schema import LedgerRow, column
from validators.orders import GROUP


class TaskRow(LedgerRow):
    """One order line passed to a department; the department fills the feedback columns."""

    order_id: str = f.ORDER_ID(description="订单台账中的订单编号", required=True)
    product_code: str = f.PRODUCT_CODE(description="产品编码", required=True)
    product_name: str | None = f.PRODUCT_NAME(width=16)
    spec: str | None = f.SPEC(width=18)
    quantity: float | None = f.QUANTITY()
    delivery_date: dt.date | None = f.DELIVERY_DATE(description="客户要求的交货日期")
    issued_on: dt.date | None = column(
        "下达日期", "下单日期", description="『下达订单』按钮填写：内勤下达的日期", width=12, number_format=f.DATE
    )
    progress: str | None = column(
        "进度", "执行进度", description="由部门填写：未开始、进行中、已完成", choices="task_progress", width=8
    )
    expected_date: dt.date | None = column(
        "预计完成日期", "预计交期", description="由部门填写：预计完成的日期", width=12, number_format=f.DATE
    )
    problem_type: str | None = column(
        "问题类型", "异常类型", description="由部门填写：延期、缺料、质量、其他", choices="problem_types", width=9
    )
    problem_note: str | None = column(
        "问题说明", "异常说明", "备注", description="由部门填写：问题的具体情况", width=24
    )


def _task_ledger(name: str, sheet: str, synonyms: tuple[str, ...], department: str, template: str) -> LedgerSpec:
    return LedgerSpec(
        name=name,
        title=sheet,
        noun="任务",
        doc=f"『下达订单』把供应方式为{department}的已确认订单行写到这里；{department}部门填写进度、预计完成日期和问题，"
        "内勤点『更新进度』带回订单台账。",
        row=TaskRow,
        sheet=sheet,
        sheet_synonyms=synonyms,
        key=("order_id",),
        template=load_layout(template_path(__file__, template)),
        group=GROUP,
        button=Button(
            f"校验{sheet}", "AcceptInvitation", f"检查『{sheet}』：必填项、日期、进度和问题类型。", size="normal"
        ),
    )


PRODUCTION = _task_ledger("production_tasks", "生产任务单", ("生产任务", "生产计划"), "生产", "production.toml")
PURCHASE = _task_ledger("purchase_tasks", "采购任务单", ("采购任务", "采购计划"), "采购", "purchase.toml")
LEDGERS = (PRODUCTION, PURCHASE)

__all__ = ["LEDGERS", "PRODUCTION", "PURCHASE", "TaskRow"]
