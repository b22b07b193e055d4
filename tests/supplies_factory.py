"""Office-supplies workbooks for the tests: real .xlsx files with the five ledgers (and 人员)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl

D = dt.datetime

HEADERS = {
    "物品目录": [
        "物品编码",
        "名称",
        "规格",
        "单位",
        "参考单价",
        "最低库存",
        "最高库存",
        "采购周期(天)",
        "常用供应商",
        "采购倍数",
    ],
    "入库登记": [
        "日期",
        "采购单号",
        "供应商",
        "物品编码",
        "规格",
        "应收数量",
        "实收数量",
        "单价",
        "验收结果",
        "合格数量",
        "验收人",
        "备注",
    ],
    "领用登记": ["日期", "部门", "领用人", "物品编码", "数量", "用途", "审批人"],
    "领用标准": ["部门或岗位", "物品编码", "每月限量"],
    "供应商报价": ["供应商", "物品编码", "单价", "交期(天)", "报价日期", "有效期至"],
    "人员": ["姓名", "部门", "职务", "是否负责人", "手机", "邮箱"],
}

CATALOGUE = [
    ["BG-001", "A4 复印纸", "70g 500张/包", "包", 25, 10, 60, 7, "得力办公", 5],
    ["BG-002", "签字笔", "0.5mm 黑", "盒", 18, 5, 40, 5, "晨光文具", 1],
    ["BG-003", "文件夹", "A4 单夹", "个", 6, 10, 100, 7, "得力办公", 10],
]
RECEIPTS = [
    [D(2026, 11, 2), "CG2611001", "得力办公", "BG-001", "70g 500张/包", 40, 40, 25, "合格", None, "许亮", None],
    [D(2026, 11, 2), "CG2611002", "晨光文具", "BG-002", "0.5mm 黑", 20, 20, 18, "合格", None, "许亮", None],
]
ISSUES = [
    [D(2026, 11, 5), "销售部", "王磊", "BG-001", 5, "打印合同", None],
    [D(2026, 11, 10), "财务部", "何琳", "BG-002", 2, "记账", None],
]
QUOTAS = [["销售部", "BG-001", 10], ["内勤", "BG-002", 3]]
QUOTES = [["得力办公", "BG-001", 24, 5, D(2026, 10, 1), D(2026, 12, 31)]]
STAFF = [
    ["王磊", "销售部", "华东区销售", "否", None, None],
    ["郑军", "销售部", "销售总监", "是", None, None],
    ["何琳", "财务部", "会计", "否", None, None],
    ["马超", "财务部", "财务经理", "是", None, None],
    ["李娜", "销售内勤部", "内勤", "否", None, None],
    ["张敏", "销售内勤部", "内勤", "否", None, None],
    ["吴倩", "销售内勤部", "内勤主管", "是", None, None],
    ["许亮", "行政部", "行政专员", "否", None, None],
    ["钱红", "行政部", "行政主任", "是", None, None],
]
DEFAULT: dict[str, list[list[Any]]] = {
    "物品目录": CATALOGUE,
    "入库登记": RECEIPTS,
    "领用登记": ISSUES,
    "领用标准": QUOTAS,
    "供应商报价": QUOTES,
    "人员": STAFF,
}


def supplies_book(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]] | None] | None = None) -> Path:
    """A workbook with every sheet of ``DEFAULT``, some replaced (None: left out); header row 1, lines from row 2."""
    chosen = {**DEFAULT, **(sheets or {})}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in chosen.items():
        if rows is None:
            continue
        ws = wb.create_sheet(name)
        ws.append(HEADERS[name])
        for row in rows:
            ws.append(list(row))
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def changed(rows: Sequence[Sequence[Any]], index: int, **at: Any) -> list[list[Any]]:
    """``rows`` with line ``index`` changed at columns given as c<N>=value (0-based)."""
    out = [list(r) for r in rows]
    for key, value in at.items():
        out[index][int(key[1:])] = value
    return out
