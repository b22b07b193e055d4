"""A hand-worked order history for 客户分级 / 客户分析 (today = conftest.TODAY = 2026-11-26).

Window (12 months): 2025-11-26 < day ≤ 2026-11-26. Revenue in the window, highest first:
C1 100,000 (45.45 %, before 0 → A) · C2 60,000 (27.27 %, before 45.45 % → A) ·
C3 40,000 (18.18 %, before 72.73 % → B) · C6 20,000 (9.09 %, before 90.91 % → C) · C4 0 → C · C5 none → C.
Total 220,000; RFM's M line = the average 55,000.

- C1 上海华东贸易有限公司: orders 2025-06-01 (archived, 10,000), 2026-05-01 20,000, 2026-08-01 30,000,
  2026-11-01 50,000 → last 25 days ago, first long ago → 活跃; R高 F高(3) M高 → 重要价值客户.
- C2 苏州恒通机械有限公司, ordered as 苏州恒通机械有限责任公司 (same name key): one order 2026-10-10 of two
  lines (40,000 + 20,000) → first 47 days ago → 新; R高 F低 M高 → 重要发展客户; a cancelled 99,000
  line on 2026-11-20 does not count.
- C3 杭州明远机电有限公司, ordered by its 客户编号 "C3": 2026-02-01 10,000, 2026-03-01 15,000, 2026-04-01
  15,000 → last 239 days ago → 休眠; R低 F高 M低 → 一般保持客户.
- C4 南京远大电气有限公司: one archived order 2025-09-01 8,000 → 451 days → 流失; 一般挽留客户.
- C5 合肥新锐科技有限公司: no order → 潜在, C, no segment.
- C6 宁波海天贸易有限公司: 锁定 = 是 (grade A, 活跃 by hand): 2025-12-15 5,000, 2026-11-20 15,000 — counted in
  the shares, never written.
- 不存在的客户有限公司: 5,000 on 2026-11-02, in no record → listed, not counted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from validators.archive import digest

from .conftest import make_order_row, order_workbook

D = dt.datetime
CUSTOMERS: list[dict[str, Any]] = [
    {"customer_id": "C1", "name": "上海华东贸易有限公司", "sales_rep": "王磊", "region": "华东", "industry": "贸易",
     "mobile": "13512345678", "email": "buy@huadong.example.com", "contact": "张伟"},
    {"customer_id": "C2", "name": "苏州恒通机械有限公司", "sales_rep": "王磊", "region": "华东", "industry": "机械",
     "mobile": "13912345670", "contact": "李静"},
    {"customer_id": "C3", "name": "杭州明远机电有限公司", "sales_rep": "陈静", "region": "华东", "industry": "机械",
     "mobile": "13612345671", "contact": "赵敏"},
    {"customer_id": "C4", "name": "南京远大电气有限公司", "sales_rep": "陈静", "region": "华东", "industry": "电气",
     "mobile": "13712345672", "contact": "钱进"},
    {"customer_id": "C5", "name": "合肥新锐科技有限公司", "sales_rep": "陈静", "region": "华中", "industry": "电气",
     "mobile": "13812345673", "contact": "孙丽"},
    {"customer_id": "C6", "name": "宁波海天贸易有限公司", "sales_rep": "王磊", "region": "华东", "industry": "贸易",
     "mobile": "13312345674", "contact": "周强", "grade": "A", "status": "活跃", "locked": "是"},
]  # fmt: skip


def _line(order_id: str, day: D, customer: str, amount: float, **more: Any) -> dict[str, Any]:
    return make_order_row(order_id=order_id, order_date=day, customer=customer, quantity=1.0, unit_price=amount,
                          amount=amount, delivery_date=day + dt.timedelta(days=10), status="已完成",
                          ship_date=day + dt.timedelta(days=9), **more)  # fmt: skip


def _archived(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "archived_at": D(2026, 1, 5, 10), "digest": digest(row)}


VF = {"product_code": "VF-0750", "product_name": "通用变频器"}
ORDERS = [
    _line("SO11", D(2026, 5, 1), "上海华东贸易有限公司", 20000),
    _line("SO12", D(2026, 8, 1), "上海华东贸易有限公司", 30000),
    _line("SO13", D(2026, 11, 1), "上海华东贸易有限公司", 50000, **VF),
    _line("SO21", D(2026, 10, 10), "苏州恒通机械有限责任公司", 40000),
    _line("SO21", D(2026, 10, 10), "苏州恒通机械有限责任公司", 20000, **VF),
    {**_line("SO22", D(2026, 11, 20), "苏州恒通机械有限公司", 99000), "status": "已取消", "ship_date": None},
    _line("SO31", D(2026, 2, 1), "C3", 10000),
    _line("SO32", D(2026, 3, 1), "C3", 15000),
    _line("SO33", D(2026, 4, 1), "C3", 15000),
    _line("SO61", D(2025, 12, 15), "宁波海天贸易有限公司", 5000),
    _line("SO62", D(2026, 11, 20), "宁波海天贸易有限公司", 15000),
    _line("SO91", D(2026, 11, 2), "不存在的客户有限公司", 5000),
]
ARCHIVE = [
    _archived(_line("SO10", D(2025, 6, 1), "上海华东贸易有限公司", 10000)),
    _archived(_line("SO41", D(2025, 9, 1), "南京远大电气有限公司", 8000)),
]


def history_workbook(path: Path) -> Path:
    return order_workbook(path, ORDERS, customers=CUSTOMERS, archive=ARCHIVE)
