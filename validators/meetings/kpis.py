"""会议通知知晓率 (regulation 五.1), computed from 会议安排, 参会确认 and the action log.

『会议通知』 writes the time it notified a meeting into the meeting's 通知时间, and the action log
says who ran it at that time (as 订单处理及时率 attributes order lines to 『确认订单』). A clerk's
知晓率 for a month is, over the meetings she notified that month, the people who confirmed (replied
参加 or 请假, or have a 确认时间) ÷ the people who had to be notified — the same count as the
『知晓率』 sheet (:func:`validators.meetings.planners.awareness`). A meeting whose 通知时间 was typed by
hand belongs to nobody and is not counted.
"""

from __future__ import annotations

from neiqin.core.kpi import Evidence, Kpi, KpiInputs, KpiResult, register_kpi, share

NOTICE_ACTION = "meeting_notice"


def meeting_awareness(inputs: KpiInputs) -> KpiResult:
    """会议通知知晓率."""
    from .planners import awareness  # the notice module is needed only when the KPI is computed

    actions = inputs.source("actions")
    evidence: list[Evidence] = []
    kept = counted = 0
    for a in awareness(inputs.source("meetings"), inputs.source("attendance"), inputs.settings):
        m = a.meeting
        if not inputs.in_month(m.notified_at) or actions.who_ran(NOTICE_ACTION, m.notified_at) != inputs.clerk:
            continue
        if not a.invited:
            continue
        counted += len(a.invited)
        kept += len(a.confirmed)
        missing = [p for p in a.invited if p not in a.confirmed]
        leave = f"（其中请假 {len(a.leave)} 人）" if a.leave else ""
        evidence.append(
            Evidence(
                f"会议 {m.meeting_id}「{m.topic}」（第 {m.row} 行，{m.notified_at:%Y-%m-%d %H:%M} 通知）："
                f"应通知 {len(a.invited)} 人，已确认 {len(a.confirmed)} 人{leave}"
                + (f"，未确认：{'、'.join(missing)}" if missing else ""),
                not missing,
            )
        )
    return share(kept, counted, evidence, "无数据：本月该内勤没有发出会议通知")


KPIS = (
    Kpi(
        "meeting_awareness",
        "会议通知知晓率",
        "该内勤本月用『会议通知』通知的会议中，确认知晓的人次（回复参加或请假，或填有确认时间）÷ 应通知的人次"
        "（主持人、参会人员和另行通知的人），与『知晓率』表同一算法。谁通知的按「通知时间」与操作日志对应。",
        "%",
        True,
        ("meetings", "attendance", "actions"),
        "『会议安排』和『参会确认』",
        meeting_awareness,
        category="工作质量",
        training="沟通技巧",
    ),
)

for _kpi in KPIS:
    register_kpi(_kpi)
