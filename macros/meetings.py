"""会议 workflow actions (regulation 二.5 / 三.5 / 四.5): read → plan (validators.meetings.planners) → write.

会议通知 also writes the .ics files next to the workbook and, when 『设置』 turns a group robot on,
posts each notice to it; everything else stays in the workbook.
"""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import cast

import xlwings as xw

import validators.meetings.planners as plans
from neiqin.core.kit import ledger as spec
from neiqin.core.ledger import read_optional
from neiqin.core.marks import mark_issues
from neiqin.core.plan import Plan, apply_plan
from validators.meetings import GROUP
from validators.meetings.notice import Notice, dingtalk_signed_url
from validators.meetings.settings import MeetingSettings

from .ledgers import check_ledger
from .registry import Context, Summary, action, get

CALENDAR_FOLDER = "会议通知"


def _summary(action_id: str, plan: Plan) -> Summary:
    act = get(action_id)
    return Summary(
        action_id, act.label, plan.outcome, plan.message, rows=plan.rows, issues=plan.issues, details=plan.details
    )


def _missing(action_id: str, name: str, hint: str) -> Summary:
    """The answer when the workbook has no sheet for the ledger the action works on: nothing to do."""
    return Summary(action_id, get(action_id).label, "ok", f"工作簿中没有『{spec(name).title}』工作表；{hint}")


def calendar_folder(book: xw.Book) -> Path | None:
    """『会议通知』 next to the workbook; None for a workbook never saved (it has no folder)."""
    full = Path(book.fullname)
    return full.parent / CALENDAR_FOLDER if full.is_absolute() else None


def post_json(url: str, body: str, timeout: float = 10.0) -> dict[str, object]:
    """POST a robot message; the platform's JSON answer (errcode 0 = sent)."""
    request = urllib.request.Request(url, data=body.encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as answer:  # a URL the company configured
        return json.loads(answer.read().decode("utf-8") or "{}")


def send_to_robot(notices: list[Notice], settings: MeetingSettings) -> tuple[int, list[str]]:
    """Post every notice to the configured group robot; (sent, problems in Chinese)."""
    if settings.meeting_webhook == "关闭":
        return 0, []
    if not settings.meeting_webhook_url:
        return 0, [f"『设置』群机器人发送为「{settings.meeting_webhook}」，但没有填写机器人地址；消息未发送。"]
    sent, problems = 0, []
    for n in notices:
        url = settings.meeting_webhook_url
        body = n.wecom
        if settings.meeting_webhook == "钉钉":
            body = n.dingtalk
            if settings.meeting_webhook_secret:
                url = dingtalk_signed_url(url, settings.meeting_webhook_secret, int(time.time() * 1000))
        try:
            answer = post_json(url, body)
        except (OSError, ValueError) as exc:
            problems.append(
                f"给 {n.person} 的消息未能发送（{exc}）；请检查机器人地址和网络，消息正文在『会议通知』中。"
            )
            break  # the robot is unreachable: the rest would fail the same way
        if answer.get("errcode", 0) != 0:
            problems.append(f"给 {n.person} 的消息被{settings.meeting_webhook}拒绝：{answer.get('errmsg', answer)}。")
            continue
        sent += 1
    return sent, problems


@action(
    "meeting_notice",
    label="会议通知",
    group=GROUP,
    image="CalendarInsert",
    screentip="给参会人员的会议通知和日历文件",
    supertip="先校验『会议安排』；今后还没通知的会议，为每位参会人员生成一份中文通知（邮件正文、钉钉和企业微信群机器人消息），"
    "写入『会议通知』；每个会议一份日历文件（.ics，北京时间，含提醒）存到工作簿旁的『会议通知』文件夹；"
    "填写『通知时间』并在『参会确认』为每人加一行。群机器人发送默认关闭，在『设置』开启。",
)
def meeting_notice(book: xw.Book, ctx: Context) -> Summary:
    if read_optional(book, "meetings", ctx.settings) is None:
        return _missing(
            "meeting_notice", "meetings", "请先在『会议安排』工作表登记会议（NeiQin.xlsm 里有这张表的模板）。"
        )
    checked = check_ledger(book, spec("meetings"), ctx)
    marked = mark_issues(
        book, checked.issues, checked.scope, limit=ctx.settings.mark_limit, title="会议通知", when=ctx.now
    )
    result = plans.plan_notice(
        checked.ledger,
        checked.companions.get("staff"),
        read_optional(book, "attendance", ctx.settings),
        checked.issues,
        ctx.now,
        ctx.user,
        ctx.settings,
    )
    apply_plan(book, result.plan, ctx.settings, ctx.store)
    plan = result.plan
    if result.calendars:
        folder = calendar_folder(book)
        if folder is None:
            plan.details.append("工作簿还没有保存，日历文件（.ics）未写出；请先保存工作簿再点『会议通知』。")
        else:
            folder.mkdir(parents=True, exist_ok=True)
            for name, data in result.calendars.items():
                (folder / name).write_bytes(data)
            plan.details.append(f"日历文件 {len(result.calendars)} 个：{folder}")
    sent, problems = send_to_robot(result.notices, cast(MeetingSettings, ctx.settings))
    if sent:
        plan.details.append(f"已通过群机器人发送 {sent} 条通知。")
    plan.details += problems
    summary = _summary("meeting_notice", plan)
    checks = Summary.of_issues("meeting_notice", checked.issues, len(checked.ledger), "会议", marked)
    summary.details += checks.details
    summary.issues = checked.issues
    return summary


@action(
    "awareness_rate",
    label="知晓率",
    group=GROUP,
    image="ChartTypeColumnInsertGallery",
    screentip="会议通知的知晓率：按会议、按月，与目标比较",
    supertip="生成『知晓率』：每个已通知的会议 已确认（回复参加或请假）÷ 应通知人数，"
    "再按月汇总，与『设置』的知晓率目标比较，未达标的标出。",
)
def awareness_rate(book: xw.Book, ctx: Context) -> Summary:
    schedule = read_optional(book, "meetings", ctx.settings)
    if schedule is None:
        return _missing("awareness_rate", "meetings", "知晓率按『会议安排』和『参会确认』计算。")
    plan = plans.plan_awareness(schedule, read_optional(book, "attendance", ctx.settings), ctx.settings)
    apply_plan(book, plan, ctx.settings)
    return _summary("awareness_rate", plan)


@action(
    "minutes_to_resolutions",
    label="纪要转决议",
    group=GROUP,
    image="ReviewAcceptChange",
    screentip="把会议纪要中的决议转入『决议跟踪』",
    supertip="主持人已审核的会议纪要中，每项决议（事项、负责人、截止时间）在『决议跟踪』加一行，"
    "编号为 会议编号-01、-02……；已转过的不重复转入；未审核的纪要暂不转入并列出。",
)
def minutes_to_resolutions(book: xw.Book, ctx: Context) -> Summary:
    minutes = read_optional(book, "minutes", ctx.settings)
    if minutes is None:
        return _missing("minutes_to_resolutions", "minutes", "请先在『会议纪要』记录会议的决议事项。")
    plan = plans.plan_resolutions(minutes, read_optional(book, "resolutions", ctx.settings), ctx.settings)
    apply_plan(book, plan, ctx.settings)
    return _summary("minutes_to_resolutions", plan)


@action(
    "resolution_overdue",
    label="决议催办",
    group=GROUP,
    image="DeclineInvitation",
    screentip="逾期决议清单和给主持人的周报",
    supertip="生成『决议催办』：逾期未完成的决议（逾期最久的在前），每项附给责任人的催办消息；"
    "和『决议周报』：每位主持人一段，列出其会议的决议逾期、7 天内到期和期限待商定的事项。",
)
def resolution_overdue(book: xw.Book, ctx: Context) -> Summary:
    resolutions = read_optional(book, "resolutions", ctx.settings)
    if resolutions is None:
        return _missing("resolution_overdue", "resolutions", "请先点『纪要转决议』或在『决议跟踪』登记决议。")
    plan = plans.plan_overdue(resolutions, read_optional(book, "meetings", ctx.settings), ctx.today, ctx.settings)
    apply_plan(book, plan, ctx.settings)
    return _summary("resolution_overdue", plan)
