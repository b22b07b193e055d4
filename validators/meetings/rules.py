"""The checks of 会议安排, 参会确认, 会议纪要 and 决议跟踪 (regulation 二.5 / 三.5 / 四.5).

Each rule is pure: a ledger and its companions in, issues out. Clashes are found by sorting
each room's and each person's meetings by start and sweeping once (:func:`model.overlaps`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, cast

from neiqin.base.text import fold
from neiqin.core.issues import Issue
from neiqin.core.kit import CheckContext
from neiqin.core.ledger import Ledger, display

from .codes import MeetingCode
from .model import Meeting, meetings_of, overlaps, parse_clock, parse_due, staff_names
from .settings import MeetingSettings


def _settings(ctx: CheckContext) -> MeetingSettings:
    # by field name, not by class: the section's module may be imported again (see neiqin.base.addin)
    return cast(MeetingSettings, ctx.settings)


def value_at(ledger: Ledger, field_name: str, pos: int) -> Any:
    """One cell of a known field (None when empty or the sheet has no such column); the column's values
    are taken from the frame once per ledger, not per cell."""
    return values_of(ledger, field_name)[pos]


def values_of(ledger: Ledger, field_name: str) -> list[Any]:
    """A field's values, empty cells as None (cached on the ledger)."""
    cache = ledger.__dict__.setdefault("_meeting_values", {})
    key = (field_name, id(ledger.frame.index))
    if key not in cache:
        if ledger.has(field_name):
            cache[key] = [None if v is None or v != v else v for v in ledger.frame[field_name].tolist()]
        else:
            cache[key] = [None] * len(ledger)
    return cache[key]


# --------------------------------------------------------------------------- 会议安排


def check_times(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """开始 and 结束 are times of day (09:30, 9点半, 下午2点, a time cell), and 结束 is after 开始."""
    found: list[Issue] = []
    for field_name in ("start", "end"):
        if not ledger.has(field_name):
            continue
        for row, value in zip(ledger.rows, ledger.raw[field_name], strict=True):
            try:
                parse_clock(value)
            except ValueError:
                found.append(ledger.issue(MeetingCode.MTG_BAD_TIME, row, field_name, value=display(value)))
    for m in meetings_of(ledger):
        if m.start is not None and m.end is not None and m.end <= m.start:
            found.append(
                ledger.issue(
                    MeetingCode.MTG_END_BEFORE_START,
                    m.row,
                    "end",
                    meeting=m.meeting_id,
                    start=f"{m.start:%H:%M}",
                    end=f"{m.end:%H:%M}",
                )
            )
    return found


def check_clashes(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """No room holds two meetings at once, and nobody (chair or attendee) is in two meetings at once."""
    meetings = [m for m in meetings_of(ledger) if m.start is not None and m.end is not None and m.end > m.start]
    online = {fold(r) for r in _settings(ctx).meeting_online_rooms}
    rooms: dict[str, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)
    persons: dict[str, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)
    for i, m in enumerate(meetings):
        assert m.start is not None and m.end is not None
        if m.room and fold(m.room) not in online:
            rooms[fold(m.room)].append((m.start, m.end, i))
        for name in m.people:
            persons[name].append((m.start, m.end, i))
    found: list[Issue] = []
    for intervals in rooms.values():
        for clash in overlaps(intervals):
            first, later = meetings[clash.first], meetings[clash.second]
            found.append(
                ledger.issue(
                    MeetingCode.MTG_ROOM_CLASH,
                    later.row,
                    "room",
                    room=later.room,
                    when=later.when,
                    other=first.meeting_id,
                    other_row=first.row,
                    other_when=first.when,
                )
            )
    person_field = "attendees" if ledger.has("attendees") else "chair"
    for name, intervals in persons.items():
        for clash in overlaps(intervals):
            first, later = meetings[clash.first], meetings[clash.second]
            field_name = "chair" if later.chair == name and ledger.has("chair") else person_field
            found.append(
                ledger.issue(
                    MeetingCode.MTG_PERSON_CLASH,
                    later.row,
                    field_name,
                    person=name,
                    when=later.when,
                    other=first.meeting_id,
                    other_row=first.row,
                    other_when=first.when,
                )
            )
    return found


def _hours(value: float) -> str:
    return f"{max(value, 0):.1f}".removesuffix(".0")


def check_notice(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """The notice went out at least 会议通知提前小时 before the start; a meeting due for notice has one."""
    need = _settings(ctx).meeting_notice_hours
    found: list[Issue] = []
    for m in meetings_of(ledger):
        if m.start is None:
            continue
        if m.notified_at is not None:
            lead = (m.start - m.notified_at).total_seconds() / 3600
            if lead < need:
                found.append(
                    ledger.issue(
                        MeetingCode.MTG_LATE_NOTICE,
                        m.row,
                        "notified_at",
                        meeting=m.meeting_id,
                        hours=_hours(lead),
                        need=_hours(need),
                    )
                )
        elif (m.start - dt.timedelta(hours=need)).date() <= ctx.today:
            found.append(
                ledger.issue(
                    MeetingCode.MTG_NOT_NOTIFIED,
                    m.row,
                    "notified_at",
                    meeting=m.meeting_id,
                    when=f"{m.start:%Y-%m-%d %H:%M}",
                    need=_hours(need),
                )
            )
    return found


def check_preparation(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """所需设备 and 材料 are listed (「无」 when none is needed)."""
    found: list[Issue] = []
    for m in meetings_of(ledger):
        if ledger.has("equipment") and m.equipment is None:
            found.append(ledger.issue(MeetingCode.MTG_NO_EQUIPMENT, m.row, "equipment", meeting=m.meeting_id))
        if ledger.has("materials") and m.materials is None:
            found.append(ledger.issue(MeetingCode.MTG_NO_MATERIALS, m.row, "materials", meeting=m.meeting_id))
    return found


def check_people(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """主持人 and 参会人员 are people of 人员 (when the workbook has 人员): notices go to their phones."""
    known = staff_names(ctx.companion("staff"))
    if known is None:
        return []
    found: list[Issue] = []
    for m in meetings_of(ledger):
        listed = set(m.listed)
        for name in m.people:
            if name not in known:
                field_name = "attendees" if name in listed or not ledger.has("chair") else "chair"
                found.append(ledger.issue(MeetingCode.MTG_UNKNOWN_PERSON, m.row, field_name, person=name))
    return found


MEETING_RULES = (check_times, check_clashes, check_notice, check_preparation, check_people)


# --------------------------------------------------------------------------- companions


def _meetings_by_id(ctx: CheckContext) -> dict[str, Meeting] | None:
    """会议安排 by 会议编号 (None when the workbook has no 会议安排: references are then not checked)."""
    schedule = ctx.companion("meetings")
    if schedule is None:
        return None
    found: dict[str, Meeting] = {}
    for m in meetings_of(schedule):
        if m.meeting_id:
            found.setdefault(m.meeting_id, m)
    return found


def _unknown_meetings(ledger: Ledger, known: dict[str, Meeting] | None) -> list[Issue]:
    if known is None or not ledger.has("meeting_id"):
        return []
    found: list[Issue] = []
    reported: set[str] = set()
    for row, mid in zip(ledger.rows, ledger.frame["meeting_id"], strict=True):
        if mid is not None and str(mid) not in known and str(mid) not in reported:
            reported.add(str(mid))  # once per meeting: a merged 会议编号 spans many lines
            found.append(ledger.issue(MeetingCode.MTG_UNKNOWN_MEETING, row, "meeting_id", meeting=mid))
    return found


def check_attendance(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """Each line names a meeting of 会议安排 and one of its people; a reply has its 确认时间."""
    known = _meetings_by_id(ctx)
    found = _unknown_meetings(ledger, known)
    replies = [fold(r) for r in _settings(ctx).meeting_replies[:2]]  # 参加, 请假
    for pos, row in enumerate(ledger.rows):
        mid, person = value_at(ledger, "meeting_id", pos), value_at(ledger, "person", pos)
        meeting = known.get(str(mid)) if known is not None and mid is not None else None
        if meeting is not None and person is not None and str(person) not in meeting.people:
            found.append(ledger.issue(MeetingCode.MTG_NOT_INVITED, row, "person", person=person, meeting=mid))
        reply = value_at(ledger, "reply", pos)
        answered = reply is not None and fold(reply) in replies
        if answered and ledger.has("confirmed_at") and value_at(ledger, "confirmed_at", pos) is None:
            found.append(
                ledger.issue(MeetingCode.MTG_REPLY_WITHOUT_TIME, row, "confirmed_at", person=person, reply=reply)
            )
    return found


def check_minutes_review(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """Minutes are reviewed (审核人, 审核时间) before they are sent, and by the meeting's chair."""
    known = _meetings_by_id(ctx)
    found = _unknown_meetings(ledger, known)
    if not ledger.has("meeting_id"):
        return found
    # the meeting's values: the first filled cell of its lines (often written on its first line only)
    firsts: dict[str, dict[str, Any]] = {}
    for pos, (row, mid) in enumerate(zip(ledger.rows, ledger.frame["meeting_id"], strict=True)):
        if mid is None:
            continue
        seen = firsts.setdefault(str(mid), {"row": row})
        for name in ("reviewer", "reviewed_at", "sent_at"):
            value = value_at(ledger, name, pos)
            if value is not None and name not in seen:
                seen[name] = value
                seen[f"{name}_row"] = row
    for mid, seen in firsts.items():
        sent, reviewed, reviewer = seen.get("sent_at"), seen.get("reviewed_at"), seen.get("reviewer")
        if sent is not None:
            why = ""
            if reviewer is None or reviewed is None:
                why = "已发送（" + display(sent) + "），但没有" + ("审核人" if reviewer is None else "审核时间")
            elif reviewed > sent:
                why = f"在 {display(sent)} 发送，审核却在 {display(reviewed)}"
            if why:
                found.append(
                    ledger.issue(MeetingCode.MTG_SENT_UNREVIEWED, seen["sent_at_row"], "sent_at", meeting=mid, why=why)
                )
        meeting = known.get(mid) if known is not None else None
        if reviewer is not None and meeting is not None and meeting.chair and str(reviewer) != meeting.chair:
            found.append(
                ledger.issue(
                    MeetingCode.MTG_REVIEWER_NOT_CHAIR,
                    seen["reviewer_row"],
                    "reviewer",
                    meeting=mid,
                    reviewer=reviewer,
                    chair=meeting.chair,
                )
            )
    return found


def _decisions(ledger: Ledger, ctx: CheckContext, item_field: str) -> list[Issue]:
    """Every decision has an owner and a due date; 「待商定」 is allowed, and listed."""
    if not ledger.has(item_field):
        return []
    pending = _settings(ctx).resolution_pending_words
    found: list[Issue] = []
    due_raw = ledger.raw["due"] if ledger.has("due") else None
    for pos, (row, item) in enumerate(zip(ledger.rows, ledger.frame[item_field], strict=True)):
        if item is None:
            continue
        shown = display(item)
        if ledger.has("owner") and value_at(ledger, "owner", pos) is None:
            found.append(ledger.issue(MeetingCode.MTG_NO_OWNER, row, "owner", item=shown))
        if due_raw is None:
            continue
        due = parse_due(due_raw[pos], pending)
        if due.empty:
            found.append(ledger.issue(MeetingCode.MTG_NO_DUE, row, "due", item=shown))
        elif due.pending is not None:
            found.append(ledger.issue(MeetingCode.MTG_DUE_PENDING, row, "due", item=shown, due=due.pending))
        elif due.bad:
            found.append(ledger.issue(MeetingCode.MTG_BAD_DUE, row, "due", value=display(due_raw[pos])))
    return found


def check_minutes_decisions(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """Every 决议事项 of the minutes has a 负责人 and a 截止时间 (「待商定」 allowed, listed)."""
    return _decisions(ledger, ctx, "decision")


MINUTES_RULES = (check_minutes_review, check_minutes_decisions)


def resolution_state(value: Any, ctx_settings: MeetingSettings) -> int | None:
    """The index of a 状态 cell in 决议状态选项 (0 未开始, 1 进行中, 2 已完成, 3 已取消), None if empty/other."""
    if value is None:
        return None
    key = fold(value)
    for i, label in enumerate(ctx_settings.resolution_states):
        if fold(label) == key:
            return i
    return None


DONE, CANCELLED = 2, 3


def check_resolutions(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """Decisions followed up: a known meeting, owner and due date, not overdue, done with a date."""
    settings = _settings(ctx)
    found = _unknown_meetings(ledger, _meetings_by_id(ctx)) + _decisions(ledger, ctx, "item")
    due_raw = ledger.raw["due"] if ledger.has("due") else [None] * len(ledger)
    for pos, row in enumerate(ledger.rows):
        state = resolution_state(value_at(ledger, "state", pos), settings)
        rid = value_at(ledger, "resolution_id", pos)
        if state == DONE and ledger.has("done_on") and value_at(ledger, "done_on", pos) is None:
            found.append(
                ledger.issue(
                    MeetingCode.MTG_DONE_WITHOUT_DATE,
                    row,
                    "done_on",
                    resolution=rid,
                    state=value_at(ledger, "state", pos),
                )
            )
        if state in (DONE, CANCELLED):
            continue
        due = parse_due(due_raw[pos], settings.resolution_pending_words)
        if due.date is not None and due.date < ctx.today:
            found.append(
                ledger.issue(
                    MeetingCode.MTG_RESOLUTION_OVERDUE,
                    row,
                    "due",
                    resolution=rid,
                    item=display(value_at(ledger, "item", pos)),
                    due=due.date.isoformat(),
                    days=(ctx.today - due.date).days,
                    owner=value_at(ledger, "owner", pos) or "责任人",
                )
            )
    return found


RESOLUTION_RULES = (check_resolutions,)
