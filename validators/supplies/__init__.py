"""办公用品 — office supplies (regulation 二.6 / 三.6 / 四.6): catalogue, receiving inspection,
issues against monthly quotas, stock ledger, stocktake, purchase plan from usage.

Five ledgers, one declaration each: 物品目录 (``supplies``), 入库登记 (``supply_receipts``),
领用登记 (``supply_issues``), 领用标准 (``supply_quotas``) and 供应商报价 (``supplier_quotes``).
Stock is replayed from the receipts, the issues and the stocktake adjustments kept in the store
(``validators.supplies.stock``); the workflows are pure planners (``planners.py``) run by
``macros/supplies.py``.
"""

from __future__ import annotations

from typing import Any

from neiqin.core.kit import Button, Group, LedgerSpec, register_group, template_path
from neiqin.core.layout import load_layout

from . import kpis  # noqa: F401  (registers 库存账实相符率)
from .codes import CODES, SupplyCode
from .demo import demo_history, demo_rows
from .rules import (
    SupplySnapshot,
    check_approval,
    check_known_items,
    check_min_max,
    check_open_stocktake,
    check_people,
    check_quota,
    check_quote_dates,
    check_receipt_quantities,
    check_receipt_spec,
    check_stock,
)
from .schema import SupplierQuoteRow, SupplyIssueRow, SupplyItemRow, SupplyQuotaRow, SupplyReceiptRow
from .settings import SuppliesSettings

GROUP = register_group(Group("supplies", "办公用品", order=50))


def snapshot(store: Any, data: Any) -> SupplySnapshot:
    """What the checks of 领用登记 read from the store (its tables register on this first use:
    discovering the ledgers imports no database library)."""
    from . import store as tables

    return tables.snapshot(store, data)


CATALOGUE = LedgerSpec(
    name="supplies",
    title="物品目录",
    noun="物品",
    doc="办公用品目录（制度 二.6/三.6/四.6）：物品编码、名称、规格、单位、参考单价、最低和最高库存、"
    "采购周期、常用供应商。"
    "入库、领用、领用标准和供应商报价按物品编码对照此表；采购计划按最低/最高库存和采购周期补货。",
    row=SupplyItemRow,
    sheet="物品目录",
    sheet_synonyms=("办公用品目录", "物品清单"),
    key=("item_code",),
    unique=("item_code",),
    rules=(check_min_max,),
    codes=CODES,
    settings=SuppliesSettings,
    template=load_layout(template_path(__file__, "supplies.toml")),
    group=GROUP,
    button=Button(
        "校验物品目录",
        "AcceptInvitation",
        "检查『物品目录』：必填项、编码重复、最低库存不大于最高库存。",
        size="normal",
    ),
)

RECEIPTS = LedgerSpec(
    name="supply_receipts",
    title="入库登记",
    noun="入库记录",
    doc="办公用品到货验收：日期、采购单号、供应商、物品、规格、应收和实收数量、单价、验收结果（合格/不合格/部分合格）、"
    "合格数量、验收人。规格须与物品目录一致，实收与应收不符会提示；不合格的数量不入库，部分合格按合格数量入库。",
    row=SupplyReceiptRow,
    sheet="入库登记",
    sheet_synonyms=("办公用品入库", "入库单"),
    key=("item_code",),
    companions=("supplies", "staff"),
    rules=(check_known_items, check_receipt_spec, check_receipt_quantities, check_people),
    template=load_layout(template_path(__file__, "supply_receipts.toml")),
    group=GROUP,
    button=Button(
        "校验入库",
        "AcceptInvitation",
        "检查『入库登记』：物品在目录中、规格一致、实收与应收、验收结果与合格数量。",
        size="normal",
    ),
)

ISSUES = LedgerSpec(
    name="supply_issues",
    title="领用登记",
    noun="领用记录",
    doc="办公用品领用：日期、部门、领用人、物品、数量、用途、审批人。库存按日期重放（入库减领用加盘点调整），"
    "使库存小于零的领用行报错；超过『领用标准』每月限量的部门或个人提示超出数量；超过领用审批金额须有审批人，"
    "且审批人不能是领用人；盘点未结束时，盘点日及以前新登记的领用报错。",
    row=SupplyIssueRow,
    sheet="领用登记",
    sheet_synonyms=("办公用品领用", "领用台账"),
    key=("item_code",),
    companions=("supplies", "supply_receipts", "supply_quotas", "staff"),
    rules=(check_known_items, check_stock, check_quota, check_approval, check_people, check_open_stocktake),
    template=load_layout(template_path(__file__, "supply_issues.toml")),
    group=GROUP,
    snapshot=snapshot,
    button=Button(
        "校验领用",
        "AcceptInvitation",
        "检查『领用登记』：库存是否足够（按日期重放）、领用标准、审批人、盘点期间的领用。",
    ),
)

QUOTAS = LedgerSpec(
    name="supply_quotas",
    title="领用标准",
    noun="领用标准",
    doc="每个部门、岗位或个人每种办公用品每月最多领用的数量；领用登记按此提示超出的数量，统计报表按此比较节约。",
    row=SupplyQuotaRow,
    sheet="领用标准",
    sheet_synonyms=("领用定额", "办公用品领用标准"),
    key=("scope",),
    companions=("supplies",),
    rules=(check_known_items,),
    template=load_layout(template_path(__file__, "supply_quotas.toml")),
    group=GROUP,
    button=Button("校验领用标准", "AcceptInvitation", "检查『领用标准』：物品在目录中、限量不为负。", size="normal"),
)

QUOTES = LedgerSpec(
    name="supplier_quotes",
    title="供应商报价",
    noun="报价",
    doc="供应商对办公用品的报价：单价、交期、报价日期、有效期至。采购计划选有效期内、交期不超过采购周期的最低价。",
    row=SupplierQuoteRow,
    sheet="供应商报价",
    sheet_synonyms=("报价单", "办公用品报价"),
    key=("supplier",),
    companions=("supplies",),
    rules=(check_known_items, check_quote_dates),
    template=load_layout(template_path(__file__, "supplier_quotes.toml")),
    group=GROUP,
    button=Button(
        "校验报价", "AcceptInvitation", "检查『供应商报价』：物品在目录中、有效期不早于报价日期。", size="normal"
    ),
)

LEDGERS = (CATALOGUE, RECEIPTS, ISSUES, QUOTAS, QUOTES)

__all__ = ["GROUP", "LEDGERS", "SuppliesSettings", "SupplyCode", "SupplySnapshot", "demo_history", "demo_rows"]
