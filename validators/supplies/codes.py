"""Issue codes of the office-supplies ledgers (SUP-*): stable, documented in docs/issue-codes.md."""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class SupplyCode(StrEnum):
    """办公用品"""

    SUP_UNKNOWN_ITEM = "SUP-001"
    SUP_SPEC_MISMATCH = "SUP-002"
    SUP_SHORT_RECEIPT = "SUP-003"
    SUP_NEED_ACCEPTED = "SUP-004"
    SUP_ACCEPTED_TOO_MANY = "SUP-005"
    SUP_NEGATIVE_STOCK = "SUP-006"
    SUP_OVER_QUOTA = "SUP-007"
    SUP_NEED_APPROVAL = "SUP-008"
    SUP_SELF_APPROVED = "SUP-009"
    SUP_UNKNOWN_PERSON = "SUP-010"
    SUP_MIN_OVER_MAX = "SUP-011"
    SUP_QUOTE_DATES = "SUP-012"
    SUP_STOCKTAKE_OPEN = "SUP-013"
    SUP_COUNT_MISSING = "SUP-014"
    SUP_REASON_NEEDED = "SUP-015"
    SUP_APPROVER_NEEDED = "SUP-016"
    SUP_RECEIPT_INCOMPLETE = "SUP-017"


CODES: dict[SupplyCode, CodeInfo] = {
    SupplyCode.SUP_UNKNOWN_ITEM: CodeInfo(
        "error", "物品不在目录中", "物品编码 {item} 不在『物品目录』中；请先在物品目录登记该物品，或改正编码"
    ),
    SupplyCode.SUP_SPEC_MISMATCH: CodeInfo(
        "warning",
        "规格与目录不符",
        "入库规格『{spec}』与物品目录中 {item} 的规格『{catalogue}』不一致；请核对送货是否符合采购要求",
    ),
    SupplyCode.SUP_SHORT_RECEIPT: CodeInfo(
        "warning", "实收与应收不符", "实收 {got} 与应收 {due} 不一致（相差 {diff}）；请在备注说明原因并与供应商核对"
    ),
    SupplyCode.SUP_NEED_ACCEPTED: CodeInfo(
        "error",
        "部分合格未填合格数量",
        "验收结果为『部分合格』，请填写合格数量：只有合格的数量入库，不合格的退回供应商",
    ),
    SupplyCode.SUP_ACCEPTED_TOO_MANY: CodeInfo(
        "error", "合格数量大于实收", "合格数量 {accepted} 大于实收数量 {got}；请改正"
    ),
    SupplyCode.SUP_NEGATIVE_STOCK: CodeInfo(
        "error",
        "库存不足",
        "{date} 领用 {item} {qty}，当时库存只有 {before}，领用后将为 {after}；请先登记入库，或改正数量、日期"
        "（这一行不计入后面各行的库存）",
    ),
    SupplyCode.SUP_OVER_QUOTA: CodeInfo(
        "warning",
        "超出领用标准",
        "{who} {month} 领用 {item} 累计 {used}，超过每月限量 {limit}，本行超出 {excess}；"
        "请按『领用标准』发放，确需多领请写明用途并经审批",
    ),
    SupplyCode.SUP_NEED_APPROVAL: CodeInfo(
        "error", "须审批", "本次领用按参考单价约 {value} 元，超过 {limit} 元，请填写审批人（『设置』中的领用审批金额）"
    ),
    SupplyCode.SUP_SELF_APPROVED: CodeInfo(
        "error", "自己审批自己", "审批人与领用人都是 {name}；请由领用人以外的人审批"
    ),
    SupplyCode.SUP_UNKNOWN_PERSON: CodeInfo(
        "warning", "人员名单中没有此人", "{role}『{name}』不在『人员』名单中；请核对姓名，或先在『人员』中登记"
    ),
    SupplyCode.SUP_MIN_OVER_MAX: CodeInfo(
        "error", "最低库存大于最高库存", "最低库存 {low} 大于最高库存 {high}；采购计划按这两个数补货，请改正"
    ),
    SupplyCode.SUP_QUOTE_DATES: CodeInfo("error", "报价有效期有误", "有效期至 {until} 早于报价日期 {quoted}；请改正"),
    SupplyCode.SUP_STOCKTAKE_OPEN: CodeInfo(
        "error",
        "盘点未结束",
        "盘点 {stocktake}（盘点日 {date}）还没有结束，盘点日及以前的领用在盘点结束前不能登记——"
        "账面数量已按盘点日抄在『盘点表』上；请先在『盘点表』填完实盘数量并点『盘点结束』，或把日期改为盘点日以后",
    ),
    SupplyCode.SUP_COUNT_MISSING: CodeInfo(
        "error", "未填实盘数量", "{item} 还没有填写实盘数量；请清点后填写（没有的填 0），盘点才能过账"
    ),
    SupplyCode.SUP_REASON_NEEDED: CodeInfo(
        "error",
        "盘点差异须说明原因",
        "{item} 账面 {book}，实盘 {counted}，差异金额约 {value} 元，超过 {limit} 元；请填写差异原因",
    ),
    SupplyCode.SUP_APPROVER_NEEDED: CodeInfo(
        "error", "盘点差异须审批", "{item} 账面 {book}，实盘 {counted}；有差异的物品请填写审批人，审批后才过账"
    ),
    SupplyCode.SUP_RECEIPT_INCOMPLETE: CodeInfo(
        "error",
        "到货与验收不全",
        "{what}；到货后请同时填写实收数量和验收结果（下单时两者都空 = 在途，采购计划按在途计算）",
    ),
}
