"""办公用品统计 on a small two-year history worked out by hand: months, departments, standard, chart, paragraph."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

import macros
from neiqin.engine import open_book

from .supplies_factory import D, supplies_book

TODAY = dt.date(2026, 3, 31)


def test_supplies_report_by_month_and_department_against_last_year_and_standard(tmp_path: Path) -> None:
    receipts = [[D(2025, 1, 2), "CG1", "得力办公", "BG-001", "70g 500张/包", 200, 200, 20, "合格", None, "许亮", None]]
    issues = [
        [D(2025, 3, 10), "销售部", "王磊", "BG-001", 10, None, None],  # last year: 200 元
        [D(2026, 3, 10), "销售部", "王磊", "BG-001", 6, None, None],  # 120 元
        [D(2026, 3, 12), "财务部", "何琳", "BG-001", 4, None, None],  # 80 元 (财务部 has no standard)
        [D(2026, 4, 2), "财务部", "何琳", "BG-001", 4, None, None],  # after the day: left out
    ]
    # 销售部: 10 packs × ¥25 a month; 内勤: 3 boxes × ¥18 for each of the two 内勤 of 销售内勤部
    quotas = [["销售部", "BG-001", 10], ["内勤", "BG-002", 3]]
    path = supplies_book(tmp_path / "s.xlsx", {"入库登记": receipts, "领用登记": issues, "领用标准": quotas})
    book = open_book(path)
    summary = macros.run("supplies_report", book, today=TODAY)
    book.save()
    assert summary.outcome == "ok", summary.text()
    ws = openpyxl.load_workbook(path)["办公用品统计"]
    header = ["月份", "本年金额", "去年同月", "比去年", "标准金额", "节约"]
    assert [c.value for c in ws[4]] == [*header, "财务部", "销售内勤部", "销售部"]
    months = [[c.value for c in row] for row in ws.iter_rows(min_row=5, max_row=7)]
    assert months == [
        ["2026-01", 0, 0, None, 358, 358, 0, 0, 0],
        ["2026-02", 0, 0, None, 358, 358, 0, 0, 0],
        ["2026-03", 200, 200, "+0%", 358, 238, 80, 0, 120],  # 358 − 120 (销售部's paper, the only standard item used)
    ]
    rows = [[c.value for c in row][:7] for row in ws.iter_rows(min_row=9) if row[0].value]
    assert rows[0][0] == "按部门（2026 年 1–3 月，与去年同期和领用标准比较）"
    by_department = {r[0]: r[1:] for r in rows[2:5]}
    assert by_department["销售部"] == [120, 200, "−40%", 750, 120, 630]
    assert by_department["销售内勤部"] == [0, 0, None, 324, 0, 324]
    assert by_department["财务部"] == [80, 0, None, None, None, None]
    assert rows[5][0] == "领用金额前 5 的物品（2026 年至今）"
    assert rows[7][:5] == ["BG-001 A4 复印纸", 10, "包", 200, "100%"]
    assert ws["A2"].value == (
        "2026 年 1–3 月办公用品领用 200.00 元，去年同期 200.00 元，与去年持平；"
        "用得最多的是销售部（120.00 元，占 60%）；"
        "按领用标准计，有标准的物品合计节约 954.00 元，各部门都在标准以内；"
        "金额最大的物品是 BG-001 A4 复印纸（200.00 元）。金额按移动平均单价计算。"
    )
    assert len(ws._charts) == 1  # a native column chart of 本年 / 去年 by month
