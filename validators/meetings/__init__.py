"""会议 — meetings (regulation 二.5 / 三.5 / 四.5): 会议安排, 参会确认, 会议纪要, 决议跟踪.

会议安排 holds each meeting (time, room, chair, attendees, equipment, materials, when it was
notified); 参会确认 who was notified and who replied (the 知晓率); 会议纪要 the minutes as an
action-item table (事项, 负责人, 截止时间); 决议跟踪 each decision until it is done. People are
those of 人员 (:mod:`validators.staff`). Workflows: :mod:`validators.meetings.planners`.
"""

from __future__ import annotations

from neiqin.core.kit import Button, Group, LedgerSpec, register_group, template_path
from neiqin.core.layout import load_layout

from . import kpis  # noqa: F401  (registers 会议通知知晓率)
from .codes import CODES, MeetingCode
from .demo import demo_history, demo_rows
from .rules import MEETING_RULES, MINUTES_RULES, RESOLUTION_RULES, check_attendance
from .schema import AttendanceRow, MeetingRow, MinutesRow, ResolutionRow
from .settings import MeetingSettings

GROUP = register_group(Group("meetings", "会议", order=65))

MEETINGS = LedgerSpec(
    name="meetings",
    title="会议安排",
    noun="会议",
    doc="每次会议一行：编号、主题、日期、开始和结束时间、地点、主持人、参会人员、议程、所需设备、材料、通知时间。"
    "检查会议室和人员的时间冲突、通知是否提前足够小时数、设备和材料是否列明、参会人员是否在『人员』名单中。",
    row=MeetingRow,
    sheet="会议安排",
    sheet_synonyms=("会议安排表", "会议计划", "会议登记", "会议台账"),
    key=("meeting_id",),
    unique=("meeting_id",),
    companions=("staff",),
    rules=MEETING_RULES,
    codes=CODES,
    settings=MeetingSettings,
    template=load_layout(template_path(__file__, "meetings.toml")),
    group=GROUP,
    button=Button("校验会议", "AcceptInvitation", "检查『会议安排』：时间、会议室和人员冲突、提前通知、设备和材料。"),
)
ATTENDANCE = LedgerSpec(
    name="attendance",
    title="参会确认",
    noun="参会确认",
    doc="每位被通知的参会人员一行：会议编号、人员、通知时间、确认时间、回复（参加/请假/未回复）。"
    "知晓率 = 已确认 ÷ 应通知人数，按会议和按月与目标比较。",
    row=AttendanceRow,
    sheet="参会确认",
    sheet_synonyms=("参会回执", "会议签到", "参会登记"),
    key=("meeting_id", "person"),
    companions=("meetings", "staff"),
    rules=(check_attendance,),
    template=load_layout(template_path(__file__, "attendance.toml")),
    group=GROUP,
    button=Button(
        "校验参会确认", "AcceptInvitation", "检查『参会确认』：会议编号、是否在参会人员中、回复时间。", "normal"
    ),
)
MINUTES = LedgerSpec(
    name="minutes",
    title="会议纪要",
    noun="纪要行",
    doc="会议纪要按行动项记录：一项决议一行（事项、负责人、截止时间，未商定可填「待商定」），"
    "连同内容、讨论要点、审核人（主持人）、审核时间、发送时间。纪要须经主持人审核后才能发送。",
    row=MinutesRow,
    sheet="会议纪要",
    sheet_synonyms=("纪要", "会议记录", "行动项", "会议决议"),
    key=("meeting_id",),
    companions=("meetings",),
    rules=MINUTES_RULES,
    template=load_layout(template_path(__file__, "minutes.toml")),
    group=GROUP,
    button=Button(
        "校验纪要", "AcceptInvitation", "检查『会议纪要』：主持人审核后发送、每项决议有负责人和期限。", "normal"
    ),
)
RESOLUTIONS = LedgerSpec(
    name="resolutions",
    title="决议跟踪",
    noun="决议",
    doc="每项决议一行：决议编号、会议编号、事项、责任人、期限、状态、进展、完成日期。逾期未完成的决议被列出催办。",
    row=ResolutionRow,
    sheet="决议跟踪",
    sheet_synonyms=("决议事项跟踪", "督办台账", "决议督办"),
    key=("resolution_id",),
    unique=("resolution_id",),
    companions=("meetings",),
    rules=RESOLUTION_RULES,
    template=load_layout(template_path(__file__, "resolutions.toml")),
    group=GROUP,
    button=Button("校验决议", "AcceptInvitation", "检查『决议跟踪』：责任人、期限、逾期未完成、完成日期。", "normal"),
)
LEDGERS = (MEETINGS, ATTENDANCE, MINUTES, RESOLUTIONS)

__all__ = ["GROUP", "LEDGERS", "MeetingCode", "MeetingSettings", "demo_history", "demo_rows"]
