"""A year of the demo company's meetings: weekly sales meetings, monthly clerk meetings, quarterly reviews.

Everything belongs to the demo's 人员 (:mod:`validators.staff.demo`): the chairs are department
heads, the attendees the reps and clerks. A few things a clerk gets wrong are left in on purpose
(a room booked twice, a notice sent late, minutes sent before the chair reviewed them, decisions
overdue or 「待商定」), so that every check and button has something to show.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from validators.staff.demo import CLERKS

ROOM_A, ROOM_B = "一号会议室", "二号会议室"
DECISIONS = (
    ("整理本月逾期订单清单并逐单联系客户", "李娜"),
    ("更新客户档案中的联系人和开票信息", "张敏"),
    ("核对上月发货与回款，列出差异", "孙丽"),
    ("准备下季度重点客户拜访计划", "王磊"),
    ("汇总各区域价格异常的订单", "陈静"),
    ("检查报销单据是否齐全后再提交财务", "何琳"),
)


def _meeting(
    mid: str,
    topic: str,
    day: dt.date,
    start: str,
    end: str,
    room: str,
    chair: str,
    attendees: list[str],
    agenda: str,
    equipment: str,
    materials: str,
    notified: dt.datetime | None,
) -> dict[str, Any]:
    return {
        "meeting_id": mid,
        "topic": topic,
        "date": dt.datetime.combine(day, dt.time()),
        "start": start,
        "end": end,
        "room": room,
        "chair": chair,
        "attendees": "、".join(attendees),
        "agenda": agenda,
        "equipment": equipment,
        "materials": materials,
        "notified_at": notified,
    }


def meeting_rows(reps: dict[str, list[str]], end: dt.date, seed: int = 7) -> dict[str, list[dict[str, Any]]]:
    """会议安排, 参会确认, 会议纪要 and 决议跟踪 for the year up to ``end``, and a week ahead."""
    # Long because it lays out one year of four related sheets; each block is one kind of meeting.
    rng = random.Random(seed)
    sales = [name for names in reps.values() for name in names]
    start = end - dt.timedelta(days=364)
    meetings: list[dict[str, Any]] = []
    day = start - dt.timedelta(days=start.weekday())  # Mondays
    n = 0
    while day <= end + dt.timedelta(days=7):
        if day >= start:
            n += 1
            meetings.append(
                _meeting(
                    f"HY{day:%Y}-{n:03d}",
                    "销售周例会",
                    day,
                    "09:00",
                    "10:00",
                    ROOM_A,
                    "郑军",
                    [*sales, "吴倩"],
                    "上周订单与回款；本周重点客户；逾期订单",
                    "投影仪",
                    "周订单报表",
                    dt.datetime.combine(day - dt.timedelta(days=3), dt.time(16, 30)),
                )
            )
            if day.day <= 7:  # the first week of a month: the clerks' meeting on Wednesday
                wed = day + dt.timedelta(days=2)
                n += 1
                meetings.append(
                    _meeting(
                        f"HY{wed:%Y}-{n:03d}",
                        "内勤工作会",
                        wed,
                        "14:00",
                        "15:30",
                        ROOM_B,
                        "吴倩",
                        [*CLERKS],
                        "上月台账检查；报销与单据；本月安排",
                        "投影仪",
                        "上月校验结果",
                        dt.datetime.combine(wed - dt.timedelta(days=2), dt.time(10, 0)),
                    )
                )
                if day.month in (1, 4, 7, 10):  # the quarterly review on Thursday
                    thu = day + dt.timedelta(days=3)
                    n += 1
                    meetings.append(
                        _meeting(
                            f"HY{thu:%Y}-{n:03d}",
                            "季度经营分析会",
                            thu,
                            "09:30",
                            "11:30",
                            ROOM_A,
                            "郑军",
                            ["马超", "吴倩", "钱红", *sales[:3]],
                            "销售完成情况；应收账款；费用",
                            "投影仪、视频会议",
                            "季度销售报表、应收账款明细",
                            dt.datetime.combine(thu - dt.timedelta(days=5), dt.time(9, 0)),
                        )
                    )
        day += dt.timedelta(days=7)
    # planted: a meeting booked into room A while the weekly meeting is on; a notice sent late
    clash_day = next(
        m["date"].date() for m in reversed(meetings) if m["topic"] == "销售周例会" and m["date"].date() <= end
    )
    n += 1
    meetings.append(
        _meeting(
            f"HY{clash_day:%Y}-{n:03d}",
            "新产品培训",
            clash_day,
            "09:30",
            "11:00",
            ROOM_A,
            "钱红",
            ["许亮", "何琳"],
            "新产品介绍",
            "投影仪、音响",
            "产品手册",
            dt.datetime.combine(clash_day, dt.time(8, 0)),
        )
    )
    meetings.sort(key=lambda m: (m["date"], m["start"]))
    past = [m for m in meetings if m["date"].date() < end]

    attendance: list[dict[str, Any]] = []
    for m in meetings:
        if m["notified_at"] is None or m["notified_at"].date() > end:
            m["notified_at"] = None  # a meeting still to be notified
            continue
        for name in [m["chair"], *[a for a in m["attendees"].split("、") if a != m["chair"]]]:
            roll = rng.random()
            reply = "参加" if roll < 0.9 else "请假" if roll < 0.96 else "未回复"
            confirmed = None if reply == "未回复" else m["notified_at"] + dt.timedelta(minutes=rng.randint(5, 600))
            attendance.append(
                {
                    "meeting_id": m["meeting_id"],
                    "person": name,
                    "notified_at": m["notified_at"],
                    "confirmed_at": confirmed,
                    "reply": reply,
                }
            )

    minutes: list[dict[str, Any]] = []
    resolutions: list[dict[str, Any]] = []
    kept = [m for m in past if m["topic"] != "销售周例会"]
    for i, m in enumerate(kept):
        held = m["date"].date()
        reviewed = dt.datetime.combine(held + dt.timedelta(days=1), dt.time(10, 0))
        sent = reviewed + dt.timedelta(hours=2)
        if i == len(kept) - 1:
            reviewed = None  # planted: the last minutes went out before the chair reviewed them
        for j in range(2):
            item, owner = DECISIONS[(2 * i + j) % len(DECISIONS)]
            due: Any = dt.datetime.combine(held + dt.timedelta(days=14 + 7 * j), dt.time())
            if i % 5 == 4 and j == 1:
                due = "待商定"
            minutes.append(
                {
                    "meeting_id": m["meeting_id"],
                    "content": m["agenda"],
                    "points": f"{m['topic']}讨论了{m['agenda']}",
                    "decision": item,
                    "owner": owner,
                    "due": due,
                    "reviewer": m["chair"],
                    "reviewed_at": reviewed,
                    "sent_at": sent,
                }
            )
            if i >= len(kept) - 2:
                continue  # not yet carried into 决议跟踪: that is what 纪要转决议 does (once reviewed)
            done_by = due.date() if isinstance(due, dt.datetime) else None
            finished = (
                done_by is not None
                and done_by + dt.timedelta(days=10) < end
                and (rng.random() < 0.8 or done_by + dt.timedelta(days=60) < end)  # old ones are all done
            )
            state = "已完成" if finished else "进行中"
            resolutions.append(
                {
                    "resolution_id": f"{m['meeting_id']}-{j + 1:02d}",
                    "meeting_id": m["meeting_id"],
                    "item": item,
                    "owner": owner,
                    "due": due,
                    "state": state,
                    "progress": "已办结" if finished else "办理中",
                    "done_on": dt.datetime.combine(done_by - dt.timedelta(days=rng.randint(0, 3)), dt.time())
                    if finished and done_by
                    else None,
                }
            )
    return {"meetings": meetings, "attendance": attendance, "minutes": minutes, "resolutions": resolutions}


def demo_rows(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The demo hook (see neiqin.app.demo.ledger_demo_rows)."""
    return meeting_rows(data["reps"], data["end"], data.get("seed", 7))


NOTIFIER = {"销售周例会": "李娜", "内勤工作会": "张敏"}  # who sends which notices (others: 孙丽)


def demo_history(store: Any, data: dict[str, Any]) -> None:
    """The demo hook (see neiqin.app.demo.ledger_demo_history): a 『会议通知』 run at each past 通知时间,
    by the clerk who sends that kind of notice (会议通知知晓率 is computed from them)."""
    rows = meeting_rows(data["reps"], data["end"], data.get("seed", 7))["meetings"]
    for m in rows:
        if m["notified_at"] is not None and m["notified_at"].date() < data["end"]:
            store.log_action("meeting_notice", "演示台账.xlsx", "ok", message=f"通知了会议 {m['meeting_id']}。",
                             user=NOTIFIER.get(m["topic"], "孙丽"), time=m["notified_at"])  # fmt: skip
