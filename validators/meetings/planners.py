"""会议 workflows, pure: 会议通知, 知晓率, 纪要转决议, 决议催办 (read → plan → write by macros/meetings.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from neiqin.base.text import fold
from neiqin.core.config import Settings
from neiqin.core.issues import Issue
from neiqin.core.ledger import Ledger, display
from neiqin.core.plan import Append, Output, Plan
from validators.staff import people

from .model import Meeting, meetings_of, parse_due, staff_rows
from .notice import Contact, Notice, calendar_file, calendar_name, notices
from .rules import CANCELLED, DONE, resolution_state, value_at
from .settings import MeetingSettings


def _settings(settings: Settings) -> MeetingSettings:
    return cast(MeetingSettings, settings)  # by field name (see rules._settings)


def contacts_of(staff: Ledger | None) -> dict[str, Contact]:
    """人员 as notice addresses, by name."""
    return {name: Contact(name, p.mobile, p.email) for name, p in people(staff_rows(staff)).items()}


# --------------------------------------------------------------------------- 会议通知

NOTICE_HEADER = [
    "会议编号",
    "主题",
    "参会人",
    "身份",
    "手机",
    "邮箱",
    "邮件主题",
    "通知正文（邮件）",
    "钉钉机器人消息",
    "企业微信机器人消息",
]


@dataclass
class NoticePlan:
    """The plan, and what the action writes or sends outside the workbook."""

    plan: Plan
    calendars: dict[str, bytes] = field(default_factory=dict)  # file name -> .ics
    notices: list[Notice] = field(default_factory=list)


def plan_notice(
    schedule: Ledger,
    staff: Ledger | None,
    attendance: Ledger | None,
    issues: Sequence[Issue],
    now: dt.datetime,
    sender: str,
    settings: Settings,
) -> NoticePlan:
    """Notices for every meeting still to come that has not been notified (通知时间 empty).

    A meeting with an error (a time that cannot be read, an end before its start) is held back.
    The notified meetings get 通知时间 = now, their people a 参会确认 line each (回复 未回复),
    everyone a notice in 『会议通知』, every meeting an .ics file.
    """
    # Long because it assembles four outputs (cells, appends, a sheet, calendar files) from one pass.
    ms = _settings(settings)
    wrong = {i.row for i in issues if i.severity == "error" and i.sheet == schedule.sheet}
    contacts = contacts_of(staff)
    due = [
        m
        for m in meetings_of(schedule)
        if m.notified_at is None and (m.start > now if m.start is not None else m.day is None or m.day >= now.date())
    ]
    held = [m for m in due if m.row in wrong or m.start is None or m.end is None or m.end <= m.start]
    chosen = [m for m in due if m not in held]
    plan = Plan(rows=len(schedule))
    result = NoticePlan(plan)
    invited: set[tuple[str, str]] = set()
    if attendance is not None and attendance.has("meeting_id") and attendance.has("person"):
        invited = {
            (str(a), str(b)) for a, b in zip(attendance.frame["meeting_id"], attendance.frame["person"], strict=True)
        }
    new_lines: list[dict[str, Any]] = []
    rows: list[list[Any]] = []
    unreachable: list[str] = []
    short: list[str] = []
    for m in chosen:
        plan.write(schedule.sheet, m.row, schedule.col("notified_at"), now)
        made = notices(m, contacts, sender, now)
        result.notices += made
        result.calendars[calendar_name(m.meeting_id)] = calendar_file(
            m, contacts, ms.meeting_reminder_minutes, now, sender
        )
        for n in made:
            rows.append(
                [n.meeting_id, m.topic, n.person, n.role, n.mobile, n.email, n.subject, n.text, n.dingtalk, n.wecom]
            )
            if (m.meeting_id, n.person) not in invited:
                new_lines.append(
                    {"meeting_id": m.meeting_id, "person": n.person, "notified_at": now, "reply": ms.meeting_replies[2]}
                )
            if not n.mobile and not n.email:
                unreachable.append(f"{n.person}（{m.meeting_id}）")
        assert m.start is not None
        lead = (m.start - now).total_seconds() / 3600
        if lead < ms.meeting_notice_hours:
            short.append(f"{m.meeting_id}（距开会 {lead:.1f} 小时）")
    if new_lines:
        plan.appends.append(Append("attendance", new_lines, after=schedule.sheet))
    plan.outputs.append(
        Output(
            "会议通知",
            "会议通知",
            f"{now:%Y-%m-%d %H:%M} 生成：每位参会人员一行。邮件正文可直接复制发送；"
            "机器人消息是钉钉/企业微信群机器人的消息体（JSON）。"
            "日历文件（.ics）在工作簿所在文件夹的『会议通知』文件夹中，双击即可加入日历（含提醒）。",
            NOTICE_HEADER,
            rows,
            widths=[12, 16, 8, 8, 13, 22, 24, 60, 40, 40],
            wrap=(8,),
            empty="（没有需要通知的会议：今后的会议都已通知，或『通知时间』已填写）",
            after=schedule.sheet,
        )
    )
    persons = len(rows)
    plan.message = (
        f"为 {len(chosen)} 个会议生成了 {persons} 份通知（见『会议通知』），『通知时间』已填写，"
        f"『参会确认』新增 {len(new_lines)} 行。"
        if chosen
        else "没有需要通知的会议（今后的会议都已通知）。"
    )
    if chosen and not schedule.col("notified_at"):
        plan.details.append(
            "『会议安排』没有「通知时间」列，无法记下哪些会议已通知（再点会再次生成通知）；请加上此列。"
        )
    if held:
        plan.details.append(
            "以下会议有错误，未通知，请改正后再点『会议通知』："
            + "、".join(f"{m.meeting_id}（第 {m.row} 行）" for m in held)
        )
        plan.outcome = "issues"
    if short:
        plan.details.append(f"通知不足 {ms.meeting_notice_hours:g} 小时：" + "、".join(short) + "，请电话确认。")
    if unreachable:
        plan.details.append("以下人员在『人员』中没有手机和邮箱，请另行通知：" + "、".join(unreachable) + "。")
    return result


# --------------------------------------------------------------------------- 知晓率

AWARENESS_HEADER = [
    "范围",
    "会议编号",
    "主题",
    "日期",
    "应通知",
    "已确认",
    "其中请假",
    "未回复",
    "知晓率",
    "目标",
    "是否达标",
]


@dataclass(frozen=True)
class Awareness:
    """知晓率 of one meeting: who had to know, who confirmed (参加 or 请假, or a 确认时间)."""

    meeting: Meeting
    invited: tuple[str, ...]
    confirmed: frozenset[str]
    leave: frozenset[str]

    @property
    def rate(self) -> float:
        return len(self.confirmed) / len(self.invited) if self.invited else 1.0


def awareness(schedule: Ledger, attendance: Ledger | None, settings: Settings) -> list[Awareness]:
    """知晓率 per notified meeting (a meeting counts once it was notified, or has 参会确认 lines)."""
    replies = [fold(r) for r in _settings(settings).meeting_replies]
    lines: dict[str, list[tuple[str, Any, Any]]] = defaultdict(list)
    if attendance is not None and attendance.has("meeting_id") and attendance.has("person"):
        for pos, (mid, person) in enumerate(
            zip(attendance.frame["meeting_id"], attendance.frame["person"], strict=True)
        ):
            if mid is not None and person is not None:
                reply = value_at(attendance, "reply", pos)
                lines[str(mid)].append((str(person), reply, value_at(attendance, "confirmed_at", pos)))
    found = []
    for m in meetings_of(schedule):
        if m.start is None or (m.notified_at is None and m.meeting_id not in lines):
            continue
        invited = list(m.people)
        confirmed, leave = set(), set()
        for person, reply, when in lines.get(m.meeting_id, []):
            if person not in invited:
                invited.append(person)  # notified although not listed: he had to know too
            key = fold(reply) if reply is not None else ""
            if key in replies[:2] or (when is not None and key != replies[2]):
                confirmed.add(person)
            if key == replies[1]:
                leave.add(person)
        found.append(Awareness(m, tuple(invited), frozenset(confirmed), frozenset(leave)))
    return found


def plan_awareness(schedule: Ledger, attendance: Ledger | None, settings: Settings) -> Plan:
    """『知晓率』: per meeting and per month, confirmed ÷ invited against the target."""
    target = _settings(settings).meeting_awareness_target_pct / 100
    found = awareness(schedule, attendance, settings)
    rows: list[list[Any]] = []
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for a in found:
        assert a.meeting.start is not None
        n, k, leave = len(a.invited), len(a.confirmed), len(a.leave)
        rows.append(
            [
                "会议",
                a.meeting.meeting_id,
                a.meeting.topic,
                a.meeting.start.replace(hour=0, minute=0),
                n,
                k,
                leave,
                n - k,
                a.rate,
                target,
                "达标" if a.rate >= target else "未达标",
            ]
        )
        month = months[f"{a.meeting.start:%Y-%m}"]
        month[0] += 1
        month[1] += n
        month[2] += k
        month[3] += leave
    month_rows = []
    for month, (count, n, k, leave) in sorted(months.items()):
        rate = k / n if n else 1.0
        month_rows.append(
            [
                "月度",
                month,
                f"{count} 个会议",
                None,
                n,
                k,
                leave,
                n - k,
                rate,
                target,
                "达标" if rate >= target else "未达标",
            ]
        )
    rows.sort(key=lambda r: (r[3], r[1]))
    below = [r for r in rows if r[10] == "未达标"]
    plan = Plan(rows=len(schedule))
    plan.outputs.append(
        Output(
            "知晓率",
            "会议知晓率",
            f"知晓率 = 已确认（回复参加或请假）÷ 应通知人数；目标 {target:.0%}（『设置』知晓率目标）。"
            "先按会议，后按月。",
            AWARENESS_HEADER,
            rows + month_rows,
            widths=[6, 14, 18, 11, 8, 8, 9, 8, 9, 8, 9],
            formats={4: "yyyy-mm-dd", 9: "0.0%", 10: "0%"},
            empty="（还没有已通知的会议）",
            after=schedule.sheet,
        )
    )
    total_n = sum(len(a.invited) for a in found)
    total_k = sum(len(a.confirmed) for a in found)
    if found:
        plan.message = (
            f"{len(found)} 个会议，应通知 {total_n} 人次，已确认 {total_k} 人次，知晓率 {total_k / total_n:.1%}"
            f"（目标 {target:.0%}）；{len(below)} 个会议未达标。"
            if total_n
            else f"{len(found)} 个会议没有参会人员。"
        )
    else:
        plan.message = "还没有已通知的会议。"
    for r in month_rows:
        if r[10] == "未达标":
            plan.details.append(f"{r[1]} 知晓率 {r[8]:.1%}，低于目标 {target:.0%}。")
    return plan


# --------------------------------------------------------------------------- 纪要转决议


def plan_resolutions(minutes: Ledger, resolutions: Ledger | None, settings: Settings) -> Plan:
    """Decisions of reviewed minutes → new 决议跟踪 lines (numbered 会议编号-01 …); each decision once.

    Minutes not yet reviewed by the chair are held back (a decision counts once the chair signed it).
    """
    # Long because it groups the minutes by meeting, skips what 决议跟踪 has, and numbers the rest.
    ms = _settings(settings)
    plan = Plan(rows=len(minutes))
    if not (minutes.has("meeting_id") and minutes.has("decision")):
        plan.message = "『会议纪要』没有「会议编号」和「决议事项」列，没有可转的决议。"
        return plan
    have: set[tuple[str, str]] = set()
    ids: set[str] = set()
    if resolutions is not None and resolutions.has("meeting_id") and resolutions.has("item"):
        have = {
            (str(m), fold(i))
            for m, i in zip(resolutions.frame["meeting_id"], resolutions.frame["item"], strict=True)
            if m is not None and i is not None
        }
    if resolutions is not None and resolutions.has("resolution_id"):
        ids = {str(v) for v in resolutions.frame["resolution_id"] if v is not None}
    reviewed: dict[str, bool] = {}
    for pos, mid in enumerate(minutes.frame["meeting_id"]):
        if mid is not None and (value_at(minutes, "reviewer", pos) and value_at(minutes, "reviewed_at", pos)):
            reviewed[str(mid)] = True
    new: list[dict[str, Any]] = []
    held: dict[str, int] = defaultdict(int)
    due_raw = minutes.raw["due"] if minutes.has("due") else [None] * len(minutes)
    for pos, (mid, item) in enumerate(zip(minutes.frame["meeting_id"], minutes.frame["decision"], strict=True)):
        if mid is None or item is None:
            continue
        mid = str(mid)
        if not reviewed.get(mid):
            held[mid] += 1
            continue
        if (mid, fold(item)) in have:
            continue
        have.add((mid, fold(item)))
        seq = 1
        while f"{mid}-{seq:02d}" in ids:
            seq += 1
        rid = f"{mid}-{seq:02d}"
        ids.add(rid)
        due = parse_due(due_raw[pos], ms.resolution_pending_words)
        raw = due_raw[pos]
        new.append(
            {
                "resolution_id": rid,
                "meeting_id": mid,
                "item": item,
                "owner": value_at(minutes, "owner", pos),
                "due": dt.datetime.combine(due.date, dt.time())
                if due.date
                else (None if raw is None else display(raw)),
                "state": ms.resolution_states[0],
            }
        )
    if new:
        plan.appends.append(Append("resolutions", new, after=minutes.sheet))
        meetings = sorted({r["meeting_id"] for r in new})
        first = ms.resolution_states[0]
        plan.message = f"从 {len(meetings)} 个会议的纪要转入 {len(new)} 项决议到『决议跟踪』（状态「{first}」）。"
        pending = [r["resolution_id"] for r in new if not isinstance(r["due"], dt.datetime)]
        missing = [r["resolution_id"] for r in new if not r["owner"]]
        if pending:
            plan.details.append("期限待商定或未填：" + "、".join(pending) + "；商定后请在『决议跟踪』填写期限。")
        if missing:
            plan.details.append("没有负责人：" + "、".join(missing) + "；请补上。")
    else:
        plan.message = "没有新的决议需要转入（已审核纪要的决议都已在『决议跟踪』中）。"
    if held:
        plan.details.append(
            "以下会议的纪要还没有主持人审核，其决议暂不转入："
            + "、".join(f"{mid}（{n} 项）" for mid, n in sorted(held.items()))
            + "；请主持人审核（填写审核人、审核时间）后再点『纪要转决议』。"
        )
    return plan


# --------------------------------------------------------------------------- 决议催办

OVERDUE_HEADER = ["决议编号", "会议编号", "事项", "责任人", "期限", "逾期天数", "主持人", "状态", "进展", "催办消息"]
DIGEST_HEADER = ["主持人", "会议数", "逾期", "7 天内到期", "期限待商定", "周报"]


@dataclass(frozen=True)
class OpenItem:
    resolution_id: str
    meeting_id: str
    item: str
    owner: str
    due: dt.date | None
    pending: str | None
    state: str
    progress: str
    chair: str


def open_items(resolutions: Ledger, schedule: Ledger | None, settings: Settings) -> list[OpenItem]:
    """决议 not done and not cancelled, with the chair of their meeting."""
    ms = _settings(settings)
    chairs = {m.meeting_id: m.chair or "（无主持人）" for m in meetings_of(schedule)} if schedule is not None else {}
    due_raw = resolutions.raw["due"] if resolutions.has("due") else [None] * len(resolutions)
    found = []
    for pos in range(len(resolutions)):
        state = resolution_state(value_at(resolutions, "state", pos), ms)
        if state in (DONE, CANCELLED):
            continue
        due = parse_due(due_raw[pos], ms.resolution_pending_words)
        mid = str(value_at(resolutions, "meeting_id", pos) or "")
        found.append(
            OpenItem(
                str(value_at(resolutions, "resolution_id", pos) or ""),
                mid,
                str(value_at(resolutions, "item", pos) or ""),
                str(value_at(resolutions, "owner", pos) or ""),
                due.date,
                due.pending if due.pending is not None else ("未填" if due.empty else None),
                str(value_at(resolutions, "state", pos) or ms.resolution_states[0]),
                str(value_at(resolutions, "progress", pos) or ""),
                chairs.get(mid, "（会议安排中找不到）"),
            )
        )
    return found


def plan_overdue(resolutions: Ledger, schedule: Ledger | None, today: dt.date, settings: Settings) -> Plan:
    """『决议催办』: overdue decisions, the longest first, with a message to the owner; and
    『决议周报』: per chair, what of their meetings is overdue, due within a week, or not yet agreed."""
    items = open_items(resolutions, schedule, settings)
    overdue = sorted((i for i in items if i.due is not None and i.due < today), key=lambda i: (i.due, i.resolution_id))
    rows = []
    for i in overdue:
        assert i.due is not None
        days = (today - i.due).days
        message = (
            f"{i.owner or '责任人'}：{i.meeting_id} 会议决定的「{i.item}」期限 {i.due:%Y-%m-%d}，已逾期 {days} 天，"
            f"请尽快办理并回复进展；如需延期请报主持人{i.chair}同意。"
        )
        rows.append(
            [
                i.resolution_id,
                i.meeting_id,
                i.item,
                i.owner,
                dt.datetime.combine(i.due, dt.time()),
                days,
                i.chair,
                i.state,
                i.progress,
                message,
            ]
        )
    digest = chair_digest(items, today)
    plan = Plan(rows=len(resolutions))
    plan.outputs.append(
        Output(
            "决议催办",
            "决议催办",
            f"截至 {today:%Y-%m-%d} 逾期未完成的决议，逾期最久的在前；「催办消息」可直接发给责任人。",
            OVERDUE_HEADER,
            rows,
            widths=[15, 12, 28, 8, 11, 9, 8, 8, 20, 50],
            formats={5: "yyyy-mm-dd"},
            wrap=(10,),
            empty="（没有逾期未完成的决议）",
            after=resolutions.sheet,
        )
    )
    plan.outputs.append(
        Output(
            "决议周报",
            "决议周报（按主持人）",
            f"{today:%Y-%m-%d} 生成：每位主持人一段，列出其会议的决议逾期、7 天内到期和期限待商定的事项。",
            DIGEST_HEADER,
            digest,
            widths=[8, 8, 6, 10, 10, 70],
            wrap=(6,),
            empty="（没有逾期、将到期或待商定的决议）",
            after="决议催办",
        )
    )
    plan.message = (
        f"在办决议 {len(items)} 项，其中逾期 {len(overdue)} 项（见『决议催办』）；"
        f"『决议周报』给 {len(digest)} 位主持人。"
    )
    return plan


def chair_digest(items: Sequence[OpenItem], today: dt.date) -> list[list[Any]]:
    """『决议周报』 rows: per chair, the open decisions of their meetings overdue, due within 7 days, not agreed."""
    week = today + dt.timedelta(days=7)
    by_chair: dict[str, list[OpenItem]] = defaultdict(list)
    for i in items:
        by_chair[i.chair].append(i)
    digest: list[list[Any]] = []
    for chair, mine in sorted(by_chair.items()):
        late = [i for i in mine if i.due is not None and i.due < today]
        soon = [i for i in mine if i.due is not None and today <= i.due <= week]
        pending = [i for i in mine if i.due is None]
        if not (late or soon or pending):
            continue
        parts = [f"{chair}：截至 {today:%Y-%m-%d}，您主持的会议有 {len(mine)} 项决议在办。"]
        if late:
            parts.append(
                "逾期："
                + "；".join(
                    f"{i.resolution_id}「{i.item}」（{i.owner or '无责任人'}，逾期 {(today - i.due).days} 天）"
                    for i in late
                    if i.due
                )
            )
        if soon:
            parts.append(
                "7 天内到期："
                + "；".join(
                    f"{i.resolution_id}「{i.item}」（{i.owner or '无责任人'}，{i.due:%m-%d}）" for i in soon if i.due
                )
            )
        if pending:
            parts.append(
                "期限待商定：" + "；".join(f"{i.resolution_id}「{i.item}」" for i in pending) + "，请商定期限。"
            )
        meetings = len({i.meeting_id for i in mine})
        digest.append([chair, meetings, len(late), len(soon), len(pending), "\n".join(parts)])
    return digest
