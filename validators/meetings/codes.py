"""Issue codes of 会议安排, 参会确认, 会议纪要 and 决议跟踪: stable, documented in docs/issue-codes.md."""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class MeetingCode(StrEnum):
    """会议"""

    MTG_BAD_TIME = "MTG-001"
    MTG_END_BEFORE_START = "MTG-002"
    MTG_ROOM_CLASH = "MTG-003"
    MTG_PERSON_CLASH = "MTG-004"
    MTG_LATE_NOTICE = "MTG-005"
    MTG_NOT_NOTIFIED = "MTG-006"
    MTG_NO_EQUIPMENT = "MTG-007"
    MTG_NO_MATERIALS = "MTG-008"
    MTG_UNKNOWN_PERSON = "MTG-009"
    MTG_UNKNOWN_MEETING = "MTG-010"
    MTG_NOT_INVITED = "MTG-011"
    MTG_REPLY_WITHOUT_TIME = "MTG-012"
    MTG_SENT_UNREVIEWED = "MTG-013"
    MTG_REVIEWER_NOT_CHAIR = "MTG-014"
    MTG_NO_OWNER = "MTG-015"
    MTG_NO_DUE = "MTG-016"
    MTG_DUE_PENDING = "MTG-017"
    MTG_BAD_DUE = "MTG-018"
    MTG_RESOLUTION_OVERDUE = "MTG-019"
    MTG_DONE_WITHOUT_DATE = "MTG-020"


CODES: dict[MeetingCode, CodeInfo] = {
    MeetingCode.MTG_BAD_TIME: CodeInfo(
        "error", "时间无效", "「{value}」不是时间；请写成 09:30、9点30 或 下午2点（会议冲突和通知按此计算）"
    ),
    MeetingCode.MTG_END_BEFORE_START: CodeInfo(
        "error", "结束时间不晚于开始时间", "会议 {meeting} 结束 {end} 不晚于开始 {start}；请改正开始或结束时间"
    ),
    MeetingCode.MTG_ROOM_CLASH: CodeInfo(
        "warning",
        "会议室冲突",
        "会议室『{room}』{when} 已安排会议 {other}（第 {other_row} 行，{other_when}）；请换会议室或调整时间",
    ),
    MeetingCode.MTG_PERSON_CLASH: CodeInfo(
        "warning",
        "人员时间冲突",
        "{person} {when} 同时要参加会议 {other}（第 {other_row} 行，{other_when}）；请调整时间或改派他人",
    ),
    MeetingCode.MTG_LATE_NOTICE: CodeInfo(
        "warning",
        "通知不够提前",
        "会议 {meeting} 在开会前 {hours} 小时才通知，规定至少提前 {need} 小时；下次请提前通知（急会请在备注说明）",
    ),
    MeetingCode.MTG_NOT_NOTIFIED: CodeInfo(
        "warning",
        "会议未通知",
        "会议 {meeting} {when} 召开，「通知时间」为空；请最迟开会前 {need} 小时点『会议通知』发出通知",
    ),
    MeetingCode.MTG_NO_EQUIPMENT: CodeInfo(
        "warning",
        "未列所需设备",
        "会议 {meeting} 没有填写所需设备（投影仪、音响、视频会议……）；请填写，不需要时填「无」",
    ),
    MeetingCode.MTG_NO_MATERIALS: CodeInfo(
        "warning", "未列会议材料", "会议 {meeting} 没有填写会议材料（议程、报告、数据……）；请填写，不需要时填「无」"
    ),
    MeetingCode.MTG_UNKNOWN_PERSON: CodeInfo(
        "warning",
        "人员不在名单中",
        "『{person}』不在『人员』名单中，通知发不到此人；请核对姓名（与『人员』的写法一致）或把此人补进『人员』",
    ),
    MeetingCode.MTG_UNKNOWN_MEETING: CodeInfo(
        "error",
        "会议编号不存在",
        "会议编号『{meeting}』在『会议安排』中找不到；请核对编号，或先在『会议安排』登记这次会议",
    ),
    MeetingCode.MTG_NOT_INVITED: CodeInfo(
        "warning",
        "不在参会人员中",
        "『{person}』不在会议 {meeting} 的参会人员中；如是临时增加，请补进『会议安排』的「参会人员」",
    ),
    MeetingCode.MTG_REPLY_WITHOUT_TIME: CodeInfo(
        "warning", "回复没有确认时间", "{person} 已回复「{reply}」，但「确认时间」为空；请填写收到回复的时间"
    ),
    MeetingCode.MTG_SENT_UNREVIEWED: CodeInfo(
        "error",
        "纪要未经主持人审核即发送",
        "会议 {meeting} 的纪要{why}；纪要须经主持人审核后才能发送，请补审核或撤回重发",
    ),
    MeetingCode.MTG_REVIEWER_NOT_CHAIR: CodeInfo(
        "warning",
        "审核人不是主持人",
        "会议 {meeting} 的纪要由『{reviewer}』审核，会议主持人是『{chair}』；请交主持人审核后再发送",
    ),
    MeetingCode.MTG_NO_OWNER: CodeInfo(
        "warning", "决议没有负责人", "决议「{item}」没有负责人；每项决议都要有负责人，请填写（人名与『人员』一致）"
    ),
    MeetingCode.MTG_NO_DUE: CodeInfo(
        "warning",
        "决议没有期限",
        "决议「{item}」没有截止时间；请填写日期，尚未商定时填「待商定」",
    ),
    MeetingCode.MTG_DUE_PENDING: CodeInfo(
        "warning",
        "决议期限待商定",
        "决议「{item}」的期限是「{due}」（允许，在此列出）；商定后请填写日期，否则无法催办",
    ),
    MeetingCode.MTG_BAD_DUE: CodeInfo(
        "error", "期限无效", "「{value}」不是日期；请写成 2026-03-26 或 2026年3月26日，尚未商定时填「待商定」"
    ),
    MeetingCode.MTG_RESOLUTION_OVERDUE: CodeInfo(
        "warning",
        "决议逾期未完成",
        "决议 {resolution}「{item}」期限 {due}，已过 {days} 天仍未完成；请督促 {owner} 办理，或经主持人同意调整期限",
    ),
    MeetingCode.MTG_DONE_WITHOUT_DATE: CodeInfo(
        "error", "已完成但没有完成日期", "决议 {resolution} 状态为「{state}」，但「完成日期」为空；请填写完成日期"
    ),
}
