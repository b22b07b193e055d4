"""The row schemas of the five office-supplies ledgers (headers as the regulation's forms name them)."""

from __future__ import annotations

import datetime as dt

from neiqin.core import fields as f
from neiqin.core.schema import LedgerRow, column

ITEM_CODE = f.FieldType(
    "物品编码", ("物品代码", "编码", "物品编号", "物料编码"), "物品目录中的编码，如 BG-001", width=10
)


class SupplyItemRow(LedgerRow):
    """物品目录 one item the company keeps."""

    item_code: str = ITEM_CODE(required=True)
    name: str = column("名称", "物品名称", "品名", description="物品名称，如 A4 复印纸", required=True, width=16)
    spec: str | None = f.SPEC(description="规格；入库时核对送来的规格与此一致")
    unit: str | None = f.UNIT(description="计量单位，如 包、盒、支")
    ref_price: float | None = column(
        "参考单价", "单价", description="参考单价（元），领用审批按此估算金额", ge=0, width=10, number_format=f.MONEY
    )
    min_stock: float | None = column("最低库存", "安全库存", description="低于此数要补货", ge=0, width=9)
    max_stock: float | None = column("最高库存", description="采购后库存不超过此数（防止积压）", ge=0, width=9)
    lead_days: float | None = column(
        "采购周期(天)", "采购周期", "采购天数", description="从下单到入库通常要几天", ge=0, width=10
    )
    supplier: str | None = column("常用供应商", "供应商", description="没有有效报价时按此供应商采购", width=16)
    pack: float | None = column(
        "采购倍数", "包装数量", "最小采购量", description="按此数的整数倍采购（如一箱 5 包）；空 = 1", gt=0, width=8
    )


class SupplyReceiptRow(LedgerRow):
    """入库登记 one delivery of one item, as inspected."""

    date: dt.date = column("日期", "入库日期", "到货日期", description="入库日期", required=True, number_format=f.DATE)
    po: str | None = column("采购单号", "订单号", description="采购单号", width=12)
    supplier: str | None = column("供应商", description="送货的供应商", width=16)
    item_code: str = ITEM_CODE(required=True)
    spec: str | None = f.SPEC(description="送来物品的规格，应与物品目录一致")
    due_qty: float | None = column("应收数量", "订购数量", description="采购单上的数量", gt=0, width=9)
    got_qty: float | None = column(
        "实收数量",
        "到货数量",
        description="实际送到的数量；下单时先登记应收数量，到货后再填（空 = 在途）",
        expected=True,
        ge=0,
        width=9,
    )
    price: float | None = column(
        "单价", "采购单价", description="采购单价（元），库存按移动平均计价", ge=0, width=9, number_format=f.MONEY
    )
    result: str | None = column(
        "验收结果",
        description="合格 / 不合格 / 部分合格；不合格的数量不入库（到货验收后填写）",
        expected=True,
        choices="inspection_values",
        width=9,
    )
    accepted: float | None = column("合格数量", "入库数量", description="部分合格时入库的数量", ge=0, width=9)
    inspector: str | None = column("验收人", description="验收人", width=8)
    note: str | None = f.NOTE()


class SupplyIssueRow(LedgerRow):
    """领用登记 one handing-out of one item."""

    date: dt.date = column("日期", "领用日期", description="领用日期", required=True, number_format=f.DATE)
    department: str = column("部门", "领用部门", description="领用部门", required=True, width=12)
    receiver: str = column("领用人", "领取人", description="领用人", required=True, width=8)
    item_code: str = ITEM_CODE(required=True)
    quantity: float = column("数量", "领用数量", description="领用数量", required=True, gt=0, width=8)
    purpose: str | None = column("用途", description="用途", width=16)
    approver: str | None = column("审批人", description="超过领用审批金额时必填，不能是领用人本人", width=8)


class SupplyQuotaRow(LedgerRow):
    """领用标准 one monthly limit of one item for a department, a post or a person."""

    scope: str = column(
        "部门或岗位",
        "部门",
        "岗位",
        description="部门名（全部门合计）、岗位名（按『人员』中此岗位的每个人）或姓名（此人）",
        required=True,
        width=12,
    )
    item_code: str = ITEM_CODE(required=True)
    monthly_limit: float = column("每月限量", "月限量", description="每月最多领用的数量", required=True, ge=0, width=9)


class SupplierQuoteRow(LedgerRow):
    """供应商报价 one supplier's price for one item."""

    supplier: str = column("供应商", description="报价的供应商", required=True, width=16)
    item_code: str = ITEM_CODE(required=True)
    price: float = column(
        "单价", "报价", description="报价单价（元）", required=True, gt=0, width=9, number_format=f.MONEY
    )
    lead_days: float | None = column("交期(天)", "交期", "交货天数", description="下单后几天送到", ge=0, width=8)
    quoted_on: dt.date | None = column("报价日期", description="报价日期", number_format=f.DATE)
    valid_until: dt.date | None = column("有效期至", "有效期", description="报价有效期的最后一天", number_format=f.DATE)


class StocktakeRow(LedgerRow):
    """盘点表 one counted item (the generated sheet read back by 盘点结束)."""

    item_code: str = ITEM_CODE(required=True)
    name: str | None = column("名称", description="物品名称")
    book_qty: float | None = column("账面数量", description="盘点日的账面数量")
    counted: float | None = column("实盘数量", description="实际清点的数量", ge=0)
    reason: str | None = column("差异原因", description="差异超过设置金额时必填")
    approver: str | None = column("审批人", description="有差异的物品须填审批人，才会过账")
