"""The demo's expense claims: a clean form, a form with a clerk's typical finds, and history.

Dates follow the demo's last day (``end``), so the same ``--date`` gives the same claims.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

CLEAN_ID, FAULTY_ID, EARLIER_ID = "BX2611001", "BX2611002", "BX2610015"
# an invoice already reimbursed with the October claim; the faulty form claims it again
REUSED_CODE, REUSED_NUMBER = "011001900104", "00412345"


def _d(end: dt.date, days_before: int) -> dt.datetime:
    return dt.datetime.combine(end - dt.timedelta(days=days_before), dt.time())


def expense_forms(end: dt.date) -> list[dict[str, Any]]:
    """Two 费用报销单 sheets: 王磊's clean claim and 陈静's claim with five typical mistakes."""
    clean = {
        "sheet": "费用报销单",
        "title": "华东精工机电销售有限公司 费用报销单",
        "claim_id": CLEAN_ID,
        "claimant": "王磊",
        "department": "华东销售部",
        "rank": "员工",
        "claim_date": _d(end, 6),
        "purpose": "上海客户拜访（上海华东贸易有限公司年度框架协议）",
        "attachments": 3,
        "approver": "周建国",
        "approval_date": _d(end, 5),
        "status": "待初审",
        "total": 1409.5,
        "total_upper": "壹仟肆佰零玖元伍角",
        "lines": [
            {
                "date": _d(end, 16),
                "category": "差旅交通",
                "city": "上海",
                "kind": "电子发票(数电)",
                "number": f"{(end - dt.timedelta(days=16)).year % 100:02d}312000000012345678",
                "net": 412.84,
                "rate": 0.09,
                "tax": 37.16,
                "gross": 450.0,
                "note": "高铁 杭州东-上海虹桥 往返",
            },
            {
                "date": _d(end, 14),
                "category": "住宿",
                "city": "上海",
                "days": 2,
                "kind": "增值税专用发票",
                "code": "3100231130",
                "number": "01234567",
                "net": 849.06,
                "rate": 0.06,
                "tax": 50.94,
                "gross": 900.0,
                "note": "全季酒店 2 晚",
            },
            {
                "date": _d(end, 15),
                "category": "市内交通",
                "city": "上海",
                "kind": "增值税普通发票",
                "code": "031001900111",
                "number": "12345678",
                "net": 58.75,
                "rate": 0.01,
                "tax": 0.59,
                "gross": 59.34,
                "note": "出租车",
            },
            {
                "date": _d(end, 15),
                "category": "其他",
                "city": "上海",
                "kind": "无发票",
                "gross": 0.16,
                "note": "路边停车（无票，咪表收据）",
            },
        ],
    }
    faulty = {
        "sheet": "费用报销单(2)",
        "title": "华东精工机电销售有限公司 费用报销单",
        "claim_id": FAULTY_ID,
        "claimant": "陈静",
        "department": "华东销售部",
        "rank": "主管",
        "claim_date": _d(end, 4),
        "purpose": "北京展会及客户接待",
        "attachments": 5,
        "approver": None,  # not yet approved by the department head
        "approval_date": None,
        "status": "待初审",
        "total": 6007.14,
        "total_upper": "陆仟柒元壹角肆分",  # the 零 is missing: 陆仟零柒元壹角肆分
        "lines": [
            {
                "date": _d(end, 14),
                "category": "差旅交通",
                "city": "北京",
                "kind": "电子发票(数电)",
                "number": f"{(end - dt.timedelta(days=14)).year % 100:02d}110000000087654321",
                "net": 1834.86,
                "rate": 0.09,
                "tax": 165.14,
                "gross": 2000.0,
                "note": "机票 上海-北京 往返",
            },
            {
                "date": _d(end, 14),
                "category": "住宿",
                "city": "北京",
                "days": 1,
                "kind": "增值税专用发票",
                "code": "1100231130",
                "number": "00876543",
                "net": 830.19,
                "rate": 0.06,
                "tax": 49.81,
                "gross": 880.0,  # over the 主管 limit in a 一类城市 (600 per night)
                "note": "展馆旁酒店 1 晚",
            },
            {
                "date": _d(end, 13),
                "category": "业务招待",
                "city": "北京",
                "kind": "增值税普通发票",
                "code": "011001900104",
                "number": "1234567",  # 7 digits: a digit was dropped
                "net": 679.61,
                "rate": 0.03,
                "tax": 20.39,
                "gross": 700.0,
                "note": "客户晚餐",
            },
            {
                "date": _d(end, 12),
                "category": "差旅交通",
                "city": "北京",
                "kind": "增值税普通发票",
                "code": REUSED_CODE,
                "number": REUSED_NUMBER,  # reimbursed already with the October claim
                "net": 123.44,
                "rate": 0.03,
                "tax": 3.70,
                "gross": 127.14,
                "note": "机场出租车",
            },
            {
                "date": _d(end, 12),
                "category": "办公用品",
                "city": "北京",
                "kind": "增值税专用发票",
                "code": "3100231160",
                "number": "00998877",
                "net": 2035.40,
                "rate": 0.13,
                "tax": 264.60,
                "gross": 2300.0,
                "note": "展会物料",
            },
        ],
    }
    return [clean, faulty]


def claims(end: dt.date) -> list[dict[str, Any]]:
    """『报销登记』 before the demo's buttons run: one paid claim, some waiting, one finance result to record."""
    return [
        {
            "claim_id": EARLIER_ID,
            "claimant": "刘洋",
            "department": "华北销售部",
            "amount": 1256.0,
            "status": "已支付",
            "submitted": _d(end, 37),
            "approved": _d(end, 36),
            "prereviewed": _d(end, 35),
            "handed_over": _d(end, 34),
            "finance_reviewed": _d(end, 29),
            "paid": _d(end, 26),
            "finance_result": "已支付",
            "result_date": _d(end, 26),
            "feedback": "刘洋：您的报销单 BX2610015（¥1,256.00）已付款，请查收。",
        },
        {
            "claim_id": "BX2611003",
            "claimant": "黄志强",
            "department": "华南销售部",
            "amount": 2380.0,
            "status": "已交财务",
            "submitted": _d(end, 16),
            "approved": _d(end, 15),
            "prereviewed": _d(end, 13),
            "handed_over": _d(end, 12),
            "finance_result": "财务已审核",  # finance's answer, entered by the clerk: 『财务结果』 records it
            "result_date": _d(end, 1),
        },
        {
            "claim_id": "BX2611004",
            "claimant": "周敏",
            "department": "华中销售部",
            "amount": 560.0,
            "status": "待部门审批",
            "submitted": _d(end, 8),
        },
        {
            "claim_id": "BX2611005",
            "claimant": "杨帆",
            "department": "西南销售部",
            "amount": 3120.0,
            "status": "已交财务",
            "submitted": _d(end, 9),
            "approved": _d(end, 8),
            "prereviewed": _d(end, 4),
            "handed_over": _d(end, 2),
        },
    ]


def earlier_invoices(end: dt.date) -> list[dict[str, Any]]:
    """The invoices the October claim holds in the store (so the duplicate is found across claims)."""
    return [{"key": f"{REUSED_CODE}-{REUSED_NUMBER}", "amount": 127.14, "invoice_date": _d(end, 40)}]
