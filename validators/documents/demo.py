"""A year of the demo company's documents: received, sent, archived and lent (a few slips planted)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

SENDERS = (
    ("上海市商务委员会", "沪商务"),
    ("国家税务总局上海市税务局", "沪税"),
    ("中国机电产品进出口商会", "机电商"),
    ("华东精工集团总部", "华精集"),
    ("上海市市场监督管理局", "沪市监"),
)
BRACKETS = ("〔{}〕", "[{}]", "（{}）", "【{}】")
SUBJECTS = (
    "关于做好年度安全生产检查工作的通知",
    "关于开展出口退税政策培训的通知",
    "关于调整产品质量抽检计划的函",
    "关于报送季度经营数据的通知",
    "关于加强合同管理的意见",
    "关于组织参加工业博览会的通知",
)
OUT_SUBJECTS = (
    "关于调整华东区价格政策的通知",
    "关于客户信用额度复核的通知",
    "关于年度销售目标分解的通知",
    "关于规范订单变更流程的通知",
    "关于销售合同归档的规定",
    "关于春节期间发货安排的通知",
)
DEPARTMENTS = ("销售部", "财务部", "行政部", "销售内勤部")


def _day(start: dt.date, end: dt.date, rnd: random.Random) -> dt.date:
    return start + dt.timedelta(days=rnd.randrange(max(1, (end - start).days)))


def incoming_rows(end: dt.date, rnd: random.Random) -> list[dict[str, Any]]:
    start = dt.date(end.year, 1, 5)
    days = sorted(_day(start, end - dt.timedelta(days=2), rnd) for _ in range(36))
    rows = []
    for i, day in enumerate(days, 1):
        sender, code = SENDERS[i % len(SENDERS)]
        bracket = BRACKETS[i % len(BRACKETS)].format(end.year)
        due = day + dt.timedelta(days=5)
        done = day + dt.timedelta(days=rnd.randint(1, 5)) if due < end - dt.timedelta(days=20) or i % 3 else None
        rows.append(
            {
                "number": f"收文〔{end.year}〕{i:03d}号",
                "sender": sender,
                "title": SUBJECTS[i % len(SUBJECTS)],
                "doc_number": f"{code}{bracket}{rnd.randint(1, 90)}号",
                "received_on": day,
                "receiver": "李娜",
                "secrecy": "内部" if i % 4 else "公开",
                "distribution": "、".join(rnd.sample(DEPARTMENTS, 2)),
                "instruction": "请阅办，按要求落实" if i % 2 else "请阅知",
                "due_on": due,
                "done_on": done if done is None or done <= end else None,
                "status": "已办结" if done is not None and done <= end else "阅办中",
                # numbered the day it came in, now and then two days later (each run at its own minute)
                "registered_at": dt.datetime.combine(day + dt.timedelta(days=2 if i % 5 == 0 else 0), dt.time(9, i)),
            }
        )
    late = next(r for r in reversed(rows) if r["due_on"] < end - dt.timedelta(days=3))
    late.update(done_on=None, status="阅办中")  # planted: 阅办 overdue, for 『文件催办』
    # a document that came in today: 『收文登记』 numbers it
    rows.append({"number": None, "sender": "上海市商务委员会", "title": "关于做好岁末年初安全生产工作的通知",
                 "doc_number": f"沪商务〔{end.year}〕96号", "received_on": end, "receiver": "李娜", "secrecy": "内部",
                 "distribution": "销售部、行政部", "instruction": "请阅办，12月10日前报送自查情况", "due_on": None,
                 "done_on": None, "status": None})  # fmt: skip
    return rows


def outgoing_rows(end: dt.date, rnd: random.Random) -> list[dict[str, Any]]:
    start = dt.date(end.year, 1, 8)
    days = sorted(_day(start, end - dt.timedelta(days=3), rnd) for _ in range(18))
    rows = []
    for i, day in enumerate(days, 1):
        rows.append(
            {
                "number": f"销字〔{end.year}〕{i:03d}号",
                "category": "销字",
                "title": OUT_SUBJECTS[i % len(OUT_SUBJECTS)],
                "drafter": ("李娜", "张敏", "孙丽")[i % 3],
                "reviewer": "吴倩",
                "approver": "郑军",
                "issued_on": day,
                "distribution": "各区域销售、财务部",
                "copies": float(rnd.choice((5, 8, 10, 12))),
                "secrecy": "内部",
                # numbered the day before it went out; one in seven only after it had gone out
                "registered_at": dt.datetime.combine(day + dt.timedelta(days=1 if i % 7 == 0 else -1), dt.time(15, i)),
            }
        )
    rows[-1]["approver"] = None  # planted: numbered before it was approved
    for title in ("关于年末客户对账工作的通知", "关于年度优秀内勤评选的通知"):  # approved drafts for 『发文编号』
        rows.append({"number": None, "category": "销字", "title": title, "drafter": "张敏", "reviewer": "吴倩",
                     "approver": "郑军", "issued_on": None, "distribution": "各部门", "copies": 6.0,
                     "secrecy": "内部"})  # fmt: skip
    return rows


def archive_rows(end: dt.date, rnd: random.Random) -> list[dict[str, Any]]:
    rows = []
    kinds = (("合同", "10年"), ("文书", "30年"), ("财务", "30年"), ("会议", "3年"), ("章程", "永久"))
    for i in range(1, 31):
        kind, retention = kinds[i % len(kinds)]
        year = end.year - (i % 12)
        rows.append(
            {
                "archive_no": f"WS-{year}-{i:03d}",
                "title": f"{year}年{kind}档案第{i}卷",
                "category": kind,
                "year": float(year),
                "retention": retention if i % 7 else "1年",
                "location": f"A{1 + i % 4}-{i:02d}",
                "secrecy": "机密" if i % 10 == 0 else "内部",
                "file_path": None,
                "sha256": None,
                "legal_hold": "合同纠纷诉讼中" if i == 18 else None,  # expired, but held: never listed
                "status": "在库",
            }
        )
    return rows


def destruction_rows(end: dt.date, archive: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One expired document approved and destroyed last week, waiting for 『销毁登记』."""
    doc = archive[22]  # 会议 档案 of 11 years ago, 3年
    approved = end - dt.timedelta(days=10)
    return [
        {"archive_no": doc["archive_no"], "title": doc["title"], "retention": doc["retention"],
         "expired_on": dt.date(int(doc["year"]) + 3, 12, 31), "appraiser": "许亮", "approver": "钱红",
         "approved_on": approved, "destroyed_on": end - dt.timedelta(days=5), "destroyer": "许亮",
         "witnesses": "何琳、吴倩", "method": "粉碎", "status": "已批准"}
    ]  # fmt: skip


def loan_rows(end: dt.date, archive: list[dict[str, Any]], rnd: random.Random) -> list[dict[str, Any]]:
    borrowers = (("王磊", "销售部", "郑军"), ("何琳", "财务部", "马超"), ("许亮", "行政部", "钱红"),
                 ("张敏", "销售内勤部", "吴倩"))  # fmt: skip
    rows = []
    for i in range(1, 11):
        name, department, head = borrowers[i % len(borrowers)]
        doc = archive[(i * 3) % len(archive)]
        lent = end - dt.timedelta(days=200 - i * 18)
        due = lent + dt.timedelta(days=14)
        returned = lent + dt.timedelta(days=rnd.randint(3, 13)) if i < 9 else None
        rows.append(
            {
                "borrower": name,
                "department": department,
                "archive_no": doc["archive_no"],
                "lent_on": lent,
                "due_on": due,
                "approver": head,
                "second_approver": "钱红" if doc["secrecy"] == "机密" else None,
                "returned_on": returned if returned is None or returned <= end else None,
                "status": "已归还" if returned is not None else "借出",
            }
        )
    return rows


def demo_rows(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The demo hook (see neiqin.app.demo.ledger_demo_rows)."""
    end: dt.date = data["end"]
    rnd = random.Random(f"documents-{data.get('seed', 0)}")
    archive = archive_rows(end, rnd)
    return {
        "incoming_docs": incoming_rows(end, rnd),
        "outgoing_docs": outgoing_rows(end, rnd),
        "archive_index": archive,
        "loans": loan_rows(end, archive, rnd),
        "destruction": destruction_rows(end, archive),
    }


REGISTRARS = ("孙丽", "李娜", "张敏")  # the clerks take turns registering documents


def demo_history(store: Any, data: dict[str, Any]) -> None:
    """The demo hook (see neiqin.app.demo.ledger_demo_history): the 『收文登记』 and 『发文编号』 runs that wrote
    the past documents' 登记时间 (文件登记及时率 is computed from them)."""
    rows = demo_rows(data)
    for action, ledger in (("register_incoming", "incoming_docs"), ("number_outgoing", "outgoing_docs")):
        for i, row in enumerate(rows[ledger]):
            when = row.get("registered_at")
            if when is not None and when.date() < data["end"]:
                store.log_action(action, "演示台账.xlsx", "ok", message=f"登记了 {row['number']}。",
                                 user=REGISTRARS[i % len(REGISTRARS)], time=when)  # fmt: skip
