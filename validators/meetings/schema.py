"""The row schemas of 会议安排, 参会确认, 会议纪要 and 决议跟踪.

开始/结束 and a decision's 截止时间/期限 are read as typed (a time cell, 09:30, 9点半, 下午2点;
a date, 2026年3月26日, 待商定) and parsed by :mod:`validators.meetings.model`.
"""

from __future__ import annotations

import datetime as dt

from neiqin.core.fields import DATE, DATETIME
from neiqin.core.schema import LedgerRow, column

MEETING_ID = ("会议编号", "会议号", "编号")


class MeetingRow(LedgerRow):
    """会议安排 one meeting."""

    meeting_id: str = column(*MEETING_ID, description="每次会议一个编号，如 HY2026-001", required=True, width=12)
    topic: str = column("主题", "会议主题", "会议名称", "议题", description="会议的主题", required=True, width=22)
    date: dt.datetime = column(
        "日期", "会议日期", "开会日期", description="开会的日期", required=True, number_format=DATE, width=11
    )
    start: str = column(
        "开始",
        "开始时间",
        "起始时间",
        description="开始时间，如 09:30、9点半、下午2点",
        required=True,
        raw=True,
        width=8,
    )
    end: str = column("结束", "结束时间", description="结束时间，如 11:00", required=True, raw=True, width=8)
    room: str | None = column("地点", "会议室", "会议地点", description="会议室或线上会议的平台", width=12)
    chair: str | None = column("主持人", "主持", "召集人", description="主持会议并审核纪要的人", width=8)
    attendees: str | None = column(
        "参会人员", "参会人", "与会人员", "出席人员", description="用顿号或逗号分隔的姓名（与『人员』一致）", width=28
    )
    agenda: str | None = column("议程", "会议议程", description="议程要点", width=24)
    equipment: str | None = column(
        "所需设备", "设备", "会议设备", description="投影仪、音响、视频会议……；不需要时填「无」", width=14
    )
    materials: str | None = column("材料", "会议材料", description="需准备的材料；不需要时填「无」", width=16)
    notified_at: dt.datetime | None = column(
        "通知时间",
        "通知日期",
        description="发出会议通知的时间（『会议通知』自动填写）",
        number_format=DATETIME,
        width=16,
    )


class AttendanceRow(LedgerRow):
    """参会确认 one person invited to one meeting."""

    meeting_id: str = column(*MEETING_ID, description="『会议安排』中的会议编号", required=True, width=12)
    person: str = column("人员", "姓名", "参会人", description="被通知的人（与『人员』一致）", required=True, width=10)
    notified_at: dt.datetime | None = column("通知时间", description="通知此人的时间", number_format=DATETIME, width=16)
    confirmed_at: dt.datetime | None = column(
        "确认时间", "回复时间", description="此人回复（参加或请假）的时间", number_format=DATETIME, width=16
    )
    reply: str | None = column(
        "回复", "回复情况", "确认情况", description="参加 / 请假 / 未回复", choices="meeting_replies", width=8
    )


class MinutesRow(LedgerRow):
    """会议纪要 one decision (action item) of a meeting; a meeting without decisions is one line."""

    meeting_id: str = column(*MEETING_ID, description="『会议安排』中的会议编号", required=True, width=12)
    content: str | None = column("内容", "会议内容", "纪要内容", description="会议内容摘要", width=24)
    points: str | None = column("讨论要点", "要点", description="讨论要点", width=24)
    decision: str | None = column(
        "决议事项", "事项", "决议", "行动项", "待办事项", description="一行一项决议（行动项）", width=24
    )
    owner: str | None = column("负责人", "责任人", "承办人", description="这项决议的负责人", width=8)
    due: str | None = column(
        "截止时间",
        "期限",
        "完成时限",
        "截止日期",
        description="完成期限（日期）；尚未商定时填「待商定」",
        raw=True,
        width=12,
    )
    reviewer: str | None = column("审核人", description="审核纪要的人，应为会议主持人", width=8)
    reviewed_at: dt.datetime | None = column(
        "审核时间", description="主持人审核纪要的时间", number_format=DATETIME, width=16
    )
    sent_at: dt.datetime | None = column(
        "发送时间", description="纪要发给参会人员的时间（须在审核之后）", number_format=DATETIME, width=16
    )


class ResolutionRow(LedgerRow):
    """决议跟踪 one decision followed up until done."""

    resolution_id: str = column(
        "决议编号", description="会议编号-序号，如 HY2026-001-01（『纪要转决议』自动编号）", required=True, width=15
    )
    meeting_id: str = column(*MEETING_ID[:2], description="作出决议的会议", required=True, width=12)
    item: str = column("事项", "决议事项", "决议内容", description="要办的事", required=True, width=28)
    owner: str | None = column("责任人", "负责人", "承办人", description="负责办理的人", width=8)
    due: str | None = column(
        "期限", "截止时间", "完成时限", description="完成期限（日期）；尚未商定时填「待商定」", raw=True, width=12
    )
    state: str | None = column(
        "状态", "办理状态", description="未开始 / 进行中 / 已完成 / 已取消", choices="resolution_states", width=8
    )
    progress: str | None = column("进展", "进展情况", "办理情况", description="最近的进展", width=24)
    done_on: dt.datetime | None = column("完成日期", "完成时间", description="办结的日期", number_format=DATE, width=11)
