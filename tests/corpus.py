"""A generated corpus of the files clerks actually have (issue 11): no real company data.

Each generator writes a real workbook with openpyxl (patched at the XML level where Excel's
files differ from what openpyxl writes: cached formula results, LibreOffice's rows-only
``<dimension>``, modern error values) and returns a :class:`Doc` that says what is in it —
the lines a reader must find, by field, and the rows it must leave out with the reason — so
that every test compares NeiQin's figures with an independent computation from the same data.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

D = dt.datetime
SHEET_XML = "xl/worksheets/sheet1.xml"


@dataclass
class Doc:
    """A generated file and what it holds."""

    path: Path
    sheet: str
    lines: list[dict[str, Any]]  # by NeiQin field name, each with "_row" (its Excel row)
    skipped: dict[int, str] = field(default_factory=dict)  # Excel row -> reason (a prefix of NeiQin's)
    header_row: int = 0

    @property
    def revenue(self) -> float:
        return round(sum(line["amount"] for line in self.lines), 2)

    @property
    def quantity(self) -> float:
        return sum(line["quantity"] for line in self.lines)

    @property
    def orders(self) -> int:
        return len({line["order_id"] for line in self.lines})


# --------------------------------------------------------------------------- helpers


def rewrite(path: Path, target: Path, parts: dict[str, Callable[[bytes], bytes]]) -> Path:
    """A copy of the package with some parts changed, as another program would have written them."""
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zf, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for name in zf.namelist():
            data = zf.read(name)
            change = parts.get(name)
            out.writestr(name, change(data) if change is not None else data)
    tmp.replace(target)
    return target


def rows_only_dimension(path: Path) -> Path:
    """LibreOffice's ``<dimension ref="1:2137"/>`` (rows only), in place."""
    return rewrite(
        path, path, {SHEET_XML: lambda d: re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="1:2137"/>', d)}
    )


def cached_results(path: Path, results: dict[str, float]) -> Path:
    """Give formula cells the cached results Excel stores (openpyxl writes none), in place."""

    def patch(data: bytes) -> bytes:
        for ref, value in results.items():
            data = re.sub(
                rb'(<c r="' + ref.encode() + rb'"[^>]*>\s*<f>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?',
                lambda m, v=value: m.group(1) + b"<v>" + repr(v).encode() + b"</v>",
                data,
                count=1,
            )
        return data

    return rewrite(path, path, {SHEET_XML: patch})


def spill_error(path: Path, ref: str, formula: str = "SORT(A2:A4)") -> Path:
    """A modern Excel error value (#SPILL!) in cell ``ref``: python-calamine refuses the sheet."""

    def patch(data: bytes) -> bytes:
        cell = b'<c r="' + ref.encode() + b'" t="e"><f>' + formula.encode() + b"</f><v>#SPILL!</v></c>"
        new, n = re.subn(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', cell, data, count=1)
        assert n == 1, ref
        return new

    return rewrite(path, path, {SHEET_XML: patch})


def _put(ws: Any, row: int, values: Sequence[Any]) -> None:
    for j, value in enumerate(values, 1):
        if value is not None:
            ws.cell(row, j, value)


# --------------------------------------------------------------------------- stacked delivery notes

DELIVERY_HEADER = [
    "单据编号",
    "客户",
    "物料编码",
    "物料名称",
    "规格型号",
    "单位",
    "实发数量",
    "含税单价",
    "价税合计",
    "备注",
]
# (document number, customer, title date, lines: (code, name, spec, quantity, price))
DELIVERY_NOTES = [
    (
        "XSCK2025112601",
        "苏州恒通机械有限公司",
        D(2025, 11, 26),
        [("MT-2200", "三相异步电机", "YE3-100L1-4", 2, 1850.0), ("VF-0750", "通用变频器", "FR-E820", 3, 1280.0)],
    ),
    (
        "XSCK2025112701",
        "杭州临江五金有限公司",
        D(2025, 11, 27),
        [
            ("PT-OS80", "骨架油封", "TC 40x62x8", 200, 6.5),
            ("MT-2200", "三相异步电机", "YE3-100L1-4", 1, 1850.0),
            ("GR-0407", "齿轮减速机", "R37-4kW", 2, 420.0),
        ],
    ),
    (
        "XSCK2025112801",
        "南京金陵机电设备有限公司",
        D(2025, 11, 28),
        [("VF-0750", "通用变频器", "FR-E820", 5, 1280.0), ("MT-2200", "三相异步电机", "YE3-100L1-4", 1, 1850.0)],
    ),
]


def stacked_delivery_notes(path: Path, *, merged_ids: bool = True) -> Doc:
    """Delivery notes stacked in one sheet, as a warehouse prints them.

    Each note: a company title, a title row with the date (「2025年11月26日订单」), the header,
    its lines (document number and customer merged down the lines), an unlabelled subtotal row
    (only 实发数量 and 价税合计, equal to the sum of the note), then 合同号, 备注1/2, 是否安装调试验收,
    发件人 and 签收 lines and a blank row.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "送货单"
    r = 1
    lines: list[dict[str, Any]] = []
    skipped: dict[int, str] = {}
    header_row = 0
    for n, (doc_id, customer, day, items) in enumerate(DELIVERY_NOTES):
        ws.cell(r, 1, "上海华东精工机电有限公司 送货单")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(DELIVERY_HEADER))
        ws.cell(r + 1, 1, f"{day.year}年{day.month}月{day.day}日订单")
        ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=len(DELIVERY_HEADER))
        if n:
            skipped[r] = skipped[r + 1] = "标题行"
        r += 2
        _put(ws, r, DELIVERY_HEADER)
        if n:
            skipped[r] = "重复的表头行"
        else:
            header_row = r
        r += 1
        first = r
        for code, name, spec, quantity, price in items:
            amount = round(quantity * price, 2)
            _put(ws, r, [doc_id, customer, code, name, spec, "台", quantity, price, amount, None])
            lines.append(
                {
                    "_row": r,
                    "order_id": doc_id,
                    "order_date": day,
                    "customer": customer,
                    "product_code": code,
                    "product_name": name,
                    "spec": spec,
                    "unit": "台",
                    "quantity": quantity,
                    "unit_price": price,
                    "amount": amount,
                }
            )
            r += 1
        if merged_ids and len(items) > 1:
            for col in (1, 2):
                for row in range(first + 1, r):
                    ws.cell(row, col).value = None
                ws.merge_cells(start_row=first, start_column=col, end_row=r - 1, end_column=col)
        block = [line for line in lines if first <= line["_row"] < r]
        ws.cell(r, 7, sum(line["quantity"] for line in block))
        ws.cell(r, 9, round(sum(line["amount"] for line in block), 2))
        skipped[r] = "小计行"
        r += 1
        footers = [
            ["合同号：HT-2025-0311"],
            ["备注1：请当面点清数量，签收后恕不退换"],
            ["备注2："],
            ["是否安装调试验收", "是"],
            ["发件人：张三", None, None, None, "签收："],
        ]
        for footer in footers:
            _put(ws, r, footer)
            skipped[r] = "表尾"
            r += 1
        r += 1  # a blank row between notes
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return Doc(path, "送货单", lines, skipped, header_row)


# --------------------------------------------------------------------------- one ledger, odd layouts

ORDER_LINES = [
    ("SO2511001", "苏州恒通机械有限公司", "MT-2200", 2, 1850.0),
    ("SO2511001", "苏州恒通机械有限公司", "VF-0750", 1, 1280.0),
    ("SO2511002", "杭州临江五金有限公司", "PT-OS80", 120, 6.5),
    ("SO2511003", "上海华东贸易有限公司", "GR-0407", 4, 420.0),
]


def _order_lines(first_row: int, day: dt.datetime | None = None) -> list[dict[str, Any]]:
    out = []
    for i, (order_id, customer, code, quantity, price) in enumerate(ORDER_LINES):
        line = {
            "_row": first_row + i,
            "order_id": order_id,
            "customer": customer,
            "product_code": code,
            "quantity": quantity,
            "unit_price": price,
            "amount": round(quantity * price, 2),
        }
        if day is not None:
            line["order_date"] = day
        out.append(line)
    return out


def dated_by_name(folder: Path) -> Doc:
    """An after-sales stock-out sheet whose only date is in its file name (20251103售后出库单.xlsx)."""
    path = folder / "20251103售后出库单.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "出库明细"
    ws["A1"] = "售后出库明细"
    header = ["单号", "客户名称", "物料编码", "数量", "单价", "金额"]
    _put(ws, 2, header)
    lines = _order_lines(3, D(2025, 11, 3))
    for line in lines:
        _put(
            ws,
            line["_row"],
            [line[f] for f in ("order_id", "customer", "product_code", "quantity", "unit_price", "amount")],
        )
    wb.save(path)
    return Doc(path, "出库明细", lines, {}, 2)


def grouped_header(path: Path) -> Doc:
    """Two header rows: 基本信息 / 处理流程 above the real headers, 客户名称 merged down over both."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单登记"
    _put(ws, 1, ["基本信息", None, "客户名称", None, None, None, None, "处理流程", None])
    ws.merge_cells("A1:B1")
    ws.merge_cells("C1:C2")
    ws.merge_cells("H1:I1")
    _put(ws, 2, ["订单号", "下单日期", None, "货号", "数量", "单价", "金额", "交期", "状态"])
    lines = _order_lines(3, D(2025, 11, 5))
    fields = ("order_id", "order_date", "customer", "product_code", "quantity", "unit_price", "amount")
    for line in lines:
        line["delivery_date"] = D(2025, 11, 20)
        line["status"] = "已确认"
        _put(ws, line["_row"], [*(line[f] for f in fields), line["delivery_date"], line["status"]])
    wb.save(path)
    return Doc(path, "订单登记", lines, {}, 2)


NBSP = "\xa0"


def footers_below_total(path: Path) -> Doc:
    """A ledger with rows of non-breaking spaces, a 合计 row, and signatures and a print date under it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单台账"
    ws["A1"] = "2025年11月订单台账"
    header = ["订单编号", "接单日期", "客户名称", "产品编码", "数量", "单价", "金额", "交货日期"]
    _put(ws, 2, header)
    lines = []
    r = 3
    skipped = {}
    for i, line in enumerate(_order_lines(0, D(2025, 11, 6))):
        if i == 2:
            _put(ws, r, [NBSP] * len(header))  # a row of non-breaking spaces between lines
            skipped[r] = "空白行"
            r += 1
        line["_row"] = r
        line["delivery_date"] = D(2025, 11, 25)
        _put(ws, r, [line[f] for f in ("order_id", "order_date", "customer", "product_code", "quantity")])
        _put(ws, r, [None] * 5 + [line["unit_price"], line["amount"], line["delivery_date"]])
        lines.append(line)
        r += 1
    _put(
        ws,
        r,
        ["合计", None, None, None, sum(x["quantity"] for x in lines), None, round(sum(x["amount"] for x in lines), 2)],
    )
    skipped[r] = "合计行"
    _put(ws, r + 1, [NBSP, NBSP, NBSP])
    skipped[r + 1] = "空白行"
    _put(ws, r + 2, ["制表：李娜", None, "审核：王磊"])
    skipped[r + 2] = "表尾"
    _put(ws, r + 3, ["打印日期：2025-11-30"])
    skipped[r + 3] = "表尾"
    _put(ws, r + 4, ["张三", D(2025, 11, 30)])
    skipped[r + 4] = "表尾"
    wb.save(path)
    return Doc(path, "订单台账", lines, skipped, 2)


# --------------------------------------------------------------------------- exports of ERP systems

K3_HEADER = [
    "单据编号", "日期", "客户", "销售部门", "销售员", "物料编码", "物料名称", "规格型号", "含税单价", "税率",
    "价税合计", "交货日期", "实发数量", "应发数量", "批号",
]  # fmt: skip


@dataclass
class K3Line:
    """One export line: the cells as the export has them, and what they mean."""

    order_id: str
    date_cell: Any  # a serial in a General cell, 2025.11.04, 2025年11月5日 …
    date: dt.datetime
    customer: str
    department: str
    rep: str
    code: str
    name: str
    spec: str
    price_cell: Any  # "1850", "¥420.00" …
    price: float
    qty_cell: Any  # "2", "１２０" …
    qty: float
    delivery_cell: Any  # a date, "2025.11.21", "待商定"

    @property
    def amount(self) -> float:
        return round(self.qty * self.price, 2)


K3_LINES = [
    K3Line("XSCKD000101", 45964, D(2025, 11, 3), "苏州恒通机械有限公司", "华东销售部", "王磊", "MT-2200",
           "三相异步电机", "YE3-100L1-4", "1850", 1850.0, "2", 2, D(2025, 11, 20)),
    K3Line("XSCKD000101", 45964, D(2025, 11, 3), "苏州恒通机械有限公司", "华东销售部", "王磊", "VF-0750",
           "通用变频器", "FR-E820", 1280.0, 1280.0, 1, 1, "2025.11.21"),
    K3Line("XSCKD000102", "2025.11.04", D(2025, 11, 4), "杭州临江五金有限公司", "华东销售部", "陈静", "PT-OS80",
           "骨架油封", "TC 40x62x8", "6.50", 6.5, "１２０", 120, "2025年11月25日"),
    # a 19-digit document number kept as text; the customer written with the Kangxi radical ⼈ (U+2F08)
    K3Line("1234567890123456789", "2025年11月5日", D(2025, 11, 5), "⼈民电器集团有限公司", "华北销售部", "赵强",
           "GR-0407", "齿轮减速机", "R37-4kW", "¥420.00", 420.0, 4, 4, "待商定"),
    K3Line("XSCKD000104", D(2025, 11, 6), D(2025, 11, 6), "人民电器集团有限公司", "华北销售部", "赵强", "MT-2200",
           "三相异步电机", "YE3-100L1-4", 1850.0, 1850.0, 3, 3, D(2025, 11, 30)),
]  # fmt: skip
K3_BAD_DELIVERY_ROW = 5  # 待商定 in 交货日期: an issue (LED-011), not a crash


def k3cloud_export(
    path: Path, *, dimension_rows_only: bool = False, spill: bool = False, spill_reason: str = "表外内容"
) -> Doc:
    """A 金蝶 K3Cloud sales-outbound export: its headers, and cells as exports have them.

    Dates as serials in General cells, ``2025.11.04`` and ``2025年11月5日`` texts, a 19-digit order
    number kept as text, quantities and prices stored as text (full-width digits, ¥), 价税合计 as
    formulas with the results Excel caches, 应发数量 beside 实发数量, ``待商定`` in one 交货日期, and
    one customer typed with a Kangxi radical on one line and plainly on another.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "销售出库单"
    _put(ws, 1, K3_HEADER)
    lines = []
    formulas: dict[str, float] = {}
    for i, k in enumerate(K3_LINES):
        r = i + 2
        cells = [k.order_id, k.date_cell, k.customer, k.department, k.rep, k.code, k.name, k.spec, k.price_cell]
        _put(ws, r, [*cells, 0.13, None, k.delivery_cell, k.qty_cell, k.qty, f"B{r:04d}"])
        ws.cell(r, 11, f"=M{r}*I{r}")  # 价税合计 = 实发数量 × 含税单价; the cached result is patched in below
        formulas[f"K{r}"] = k.amount
        lines.append(
            {
                "_row": r,
                "order_id": k.order_id,
                "order_date": k.date,
                "customer": k.customer,
                "region": k.department,
                "sales_rep": k.rep,
                "product_code": k.code,
                "product_name": k.name,
                "spec": k.spec,
                "unit_price": k.price,
                "quantity": k.qty,
                "amount": k.amount,
            }
        )
    spill_at = f"Q{len(K3_LINES) + 3}"  # a dynamic-array formula beside the data whose result is #SPILL!
    if spill:
        ws[spill_at] = "x"  # a placeholder the patch below turns into the error cell
    wb.save(path)
    cached_results(path, formulas)
    if dimension_rows_only:
        rows_only_dimension(path)
    skipped = {}
    if spill:
        spill_error(path, spill_at)
        skipped[len(K3_LINES) + 3] = spill_reason  # a cell beside the table is not a line
    return Doc(path, "销售出库单", lines, skipped, 1)


U8_HEADER = ["单号", "日期", "客户名称", "料品", "品名", "规格", "数量", "价格含税", "金额", "业务员", "交期"]


def u8_export(path: Path) -> Doc:
    """A 用友 U8/U9 sales order list: 单号, 料品, 品名, 价格含税, 业务员, 交期."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "销售订单列表"
    _put(ws, 1, U8_HEADER)
    lines = _order_lines(2, D(2025, 11, 12))
    for line in lines:
        line["delivery_date"] = D(2025, 11, 28)
        line["sales_rep"] = "李娜"
        first = [line[f] for f in ("order_id", "order_date", "customer", "product_code")]
        last = [line[f] for f in ("quantity", "unit_price", "amount")]
        _put(ws, line["_row"], [*first, "产品", "标准", *last, "李娜", line["delivery_date"]])
    wb.save(path)
    return Doc(path, "销售订单列表", lines, {}, 1)


def duplicated_header(path: Path) -> Doc:
    """状态 twice (F and K): the first is read, an issue names both columns."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单台账"
    header = [
        "订单编号",
        "接单日期",
        "客户名称",
        "产品编码",
        "数量",
        "状态",
        "单价",
        "金额",
        "交货日期",
        "备注",
        "状态",
    ]
    _put(ws, 1, header)
    lines = _order_lines(2, D(2025, 11, 7))
    for line in lines:
        line["status"] = "已确认"
        first = [line[f] for f in ("order_id", "order_date", "customer", "product_code", "quantity")]
        _put(ws, line["_row"], [*first, "已确认", line["unit_price"], line["amount"], D(2025, 11, 30), None, "已发货"])
    wb.save(path)
    return Doc(path, "订单台账", lines, {}, 1)
