"""Pure planners of the document actions: 收文登记, 发文编号, 文件催办, 电子档案核对.

Each takes ledgers as read (and settings, the day) and returns a :class:`neiqin.core.plan.Plan`;
``macros/documents.py`` reads, plans and writes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from neiqin.base.errors import NeiQinError
from neiqin.core.config import Settings
from neiqin.core.kit import CheckContext
from neiqin.core.ledger import Ledger, display
from neiqin.core.plan import Append, Output, Plan
from validators.staff import Person, head_of

from . import numbers
from .codes import DocCode
from .rules import (
    DESTROYED,
    DESTRUCTION_FIELDS,
    destruction_gaps,
    expiry,
    file_problems,
    lines,
    loans_overdue,
    not_destroyable,
    reading_overdue,
    resolve,
    sha256_of,
)

_SPLIT = re.compile(r"[、,，;；/\s]+")


def need(ledger: Ledger, *fields: str) -> None:
    """Fail clearly when the sheet lacks a column the action writes or reads."""
    missing = [ledger.model.column(f).header for f in fields if not ledger.has(f)]
    if missing:
        raise NeiQinError(f"『{ledger.sheet}』没有「{'」「'.join(missing)}」列；请添加后再点按钮")


def recipients(distribution: Any, staff: Mapping[str, Person] | None) -> list[tuple[str, str]]:
    """(who is addressed, what was written) per entry of 分发对象: a person, or a department's head."""
    out: list[tuple[str, str]] = []
    for entry in (e for e in _SPLIT.split(str(distribution or "")) if e):
        if staff is not None and entry not in staff:
            head = head_of(entry, staff)
            if head is not None:
                out.append((f"{entry}（{head.name}）", entry))
                continue
        out.append((entry, entry))
    return out


def _taken(ledger: Ledger, date_field: str) -> list[numbers.DocNumber]:
    """The numbers a register has used (a bare sequence counts in the year of the line's date)."""
    found = []
    for _, _, cells in lines(ledger, "number", date_field):
        when = cells[date_field]
        number = numbers.parse(cells["number"], when.year if when is not None else None)
        if number is not None:
            found.append(number)
    return found


# --------------------------------------------------------------------------- 收文登记


def reading_note(cells: dict[str, Any], who: str, clerk: str) -> str:
    """The 阅办 note for one recipient of a received document."""
    sender = f"{cells['sender']}" + (f"（{cells['doc_number']}）" if cells.get("doc_number") else "")
    ask = cells.get("instruction") or "请阅办"
    return (
        f"{who}：收文 {cells['number']}《{cells['title']}》，来文单位 {sender}，{ask}，"
        f"请于 {display(cells['due_on'])} 前办结，办结后告知{clerk}登记办结日期。"
    )


def plan_register_incoming(
    incoming: Ledger,
    staff: Mapping[str, Person] | None,
    now: dt.datetime,
    settings: Settings,
    clerk: str = "内勤",
) -> Plan:
    """Number the received documents without a 收文编号, set their 办结期限 and status, write a 阅办单 note
    per recipient of each."""
    need(incoming, "number", "received_on")
    today = now.date()
    ds = settings  # 文件档案's fields, read by name
    plan = Plan(rows=len(incoming))
    taken = _taken(incoming, "received_on")
    notes: list[list[Any]] = []
    done: list[str] = []
    no_list: list[int] = []
    fields = ("number", "sender", "title", "doc_number", "received_on", "distribution", "instruction", "due_on",
              "status")  # fmt: skip
    for _, row, cells in lines(incoming, *fields):
        if cells["number"] is not None:
            continue
        received = cells["received_on"] or today
        same_year = [n for n in taken if n.year == received.year]  # continue the series the register uses
        category = max(same_year, key=lambda n: n.seq).category if same_year else ds.incoming_category
        number = numbers.next_number(taken, category, received.year, ds.number_pattern)
        parsed = numbers.parse(number, received.year)
        assert parsed is not None  # the pattern was checked when the number was made
        taken.append(parsed)
        cells["number"] = number
        plan.write(incoming.sheet, row, incoming.col("number"), number)
        if incoming.has("registered_at"):
            plan.write(incoming.sheet, row, incoming.col("registered_at"), now)
        if cells["received_on"] is None:
            cells["received_on"] = today
            plan.write(incoming.sheet, row, incoming.col("received_on"), today)
        if cells["due_on"] is None:
            cells["due_on"] = cells["received_on"] + dt.timedelta(days=ds.reading_days)
            plan.write(incoming.sheet, row, incoming.col("due_on"), cells["due_on"])
        if not cells["status"]:
            plan.write(incoming.sheet, row, incoming.col("status"), "阅办中" if cells["distribution"] else "待分发")
        done.append(number)
        people = recipients(cells["distribution"], staff)
        if not people:
            no_list.append(row)
        for who, entry in people:
            notes.append([number, cells["title"], entry, who, cells["due_on"], reading_note(cells, who, clerk)])
    if not done:
        plan.message = "没有待登记的收文（「收文编号」为空的行）。"
        return plan
    note = f"{today:%Y-%m-%d} 登记的收文：每位分发对象一条阅办通知，可复制到邮件或微信。"
    header = ["收文编号", "文件标题", "分发对象", "接收人", "办结期限", "阅办通知"]
    plan.outputs.append(Output("阅办单", "阅办单", note, header, notes, widths=[18, 28, 12, 16, 12, 70],
                               formats={5: "yyyy-mm-dd"}, wrap=[6], after=incoming.sheet))  # fmt: skip
    plan.message = f"登记了 {len(done)} 份收文（{done[0]}" + (f" 至 {done[-1]}" if len(done) > 1 else "") + "），"
    plan.message += f"阅办通知 {len(notes)} 条，见『阅办单』。"
    if no_list:
        rows = "、".join(str(r) for r in no_list)
        plan.details.append(f"第 {rows} 行没有填写分发对象，状态为『待分发』：请填写后再点『文件催办』跟进。")
    return plan


# --------------------------------------------------------------------------- 发文编号


def approval_gap(cells: dict[str, Any]) -> str | None:
    """Why a draft cannot be numbered yet (None: approved by a 审核人 and a 批准人 other than the 起草人)."""
    drafter = str(cells["drafter"] or "").strip()
    missing = [role for role, f in (("审核人", "reviewer"), ("批准人", "approver")) if not cells[f]]
    if missing:
        return f"没有{'、'.join(missing)}"
    same = [role for role, f in (("审核人", "reviewer"), ("批准人", "approver")) if str(cells[f]).strip() == drafter]
    return f"{'、'.join(same)}是起草人" if same else None


def plan_number_outgoing(outgoing: Ledger, now: dt.datetime, settings: Settings) -> Plan:
    """Give each approved draft (no 发文字号 yet) the next number of its 代字 and year (and its 登记时间)."""
    need(outgoing, "number", "reviewer", "approver")
    today = now.date()
    ds = settings  # 文件档案's fields, read by name
    plan = Plan(rows=len(outgoing))
    taken = _taken(outgoing, "issued_on")
    given: list[str] = []
    held: list[str] = []
    fields = ("number", "category", "title", "drafter", "reviewer", "approver", "issued_on")
    for _, row, cells in lines(outgoing, *fields):
        if cells["number"] is not None:
            continue
        why = approval_gap(cells)
        if why:
            held.append(f"第 {row} 行《{cells['title']}》{why}")
            continue
        category = str(cells["category"] or ds.outgoing_category).strip()
        year = (cells["issued_on"] or today).year
        number = numbers.next_number(taken, category, year, ds.number_pattern)
        parsed = numbers.parse(number)
        if parsed is None:
            raise NeiQinError(
                f"『设置』中的文号格式「{ds.number_pattern}」写出的「{number}」不是可识别的编号；请改正设置"
            )
        taken.append(parsed)
        plan.write(outgoing.sheet, row, outgoing.col("number"), number)
        if outgoing.has("registered_at"):
            plan.write(outgoing.sheet, row, outgoing.col("registered_at"), now)
        if outgoing.has("category") and not cells["category"]:
            plan.write(outgoing.sheet, row, outgoing.col("category"), category)
        given.append(f"第 {row} 行《{cells['title']}》：{number}")
    plan.message = f"编号了 {len(given)} 份发文。" if given else "没有可编号的发文（已审批、「发文字号」为空的行）。"
    plan.details += given
    if held:
        plan.outcome = "issues"
        plan.details.append(f"{len(held)} 份未经审批，没有编号（内部发文须经审核人、批准人签批后才能编号）：")
        plan.details += held
    return plan


# --------------------------------------------------------------------------- 文件催办


def plan_overdue(
    incoming: Ledger | None,
    loans: Ledger | None,
    archive: Mapping[str, dict[str, Any]] | None,
    staff: Mapping[str, Person] | None,
    today: dt.date,
    settings: Settings,
    clerk: str = "内勤",
) -> Plan:
    """『文件催办』: received documents past their 办结期限 and loans past their 应还日期, a message each."""
    ds = settings  # 文件档案's fields, read by name
    rows: list[list[Any]] = []
    reading = reading_overdue(incoming, today) if incoming is not None else []
    for _, _, cells, days in reading:
        people = recipients(cells["distribution"], staff) or [(cells["receiver"] or "签收人", "")]
        for who, _entry in people:
            text = (
                f"{who}：收文 {cells['number'] or ''}《{cells['title']}》办结期限 {display(cells['due_on'])}，"
                f"已逾期 {days} 天，请尽快办理，办结后告知{clerk}登记办结日期。"
            )
            rows.append(["阅办", cells["number"], cells["title"], who, cells["due_on"], days, text])
    lent = loans_overdue(loans, today, ds.loan_days) if loans is not None else []
    for _, _, cells, due, days in lent:
        title = (archive or {}).get(str(cells["archive_no"]), {}).get("title") or ""
        named = f"《{title}》" if title else ""
        text = (
            f"{cells['borrower']}：您借阅的档案 {cells['archive_no']}{named}应于 {display(due)} 归还，"
            f"已逾期 {days} 天，请尽快归还档案室（{clerk}）。"
        )
        rows.append(["借阅", cells["archive_no"], title, cells["borrower"], due, days, text])
    rows.sort(key=lambda r: -r[5])
    plan = Plan(rows=(len(incoming) if incoming is not None else 0) + (len(loans) if loans is not None else 0))
    note = f"截至 {today:%Y-%m-%d}：阅办逾期的收文（每位分发对象一条）和逾期未还的借阅，逾期最久的在前。"
    header = ["类别", "编号/档号", "标题", "催办对象", "期限", "逾期天数", "催办消息"]
    plan.outputs.append(Output("文件催办", "文件催办", note, header, rows, widths=[8, 18, 28, 16, 12, 9, 70],
                               formats={4: "yyyy-mm-dd"}, wrap=[6]))  # fmt: skip
    plan.message = f"阅办逾期 {len(reading)} 份，借阅逾期 {len(lent)} 笔；见『文件催办』。"
    if incoming is None and loans is None:
        plan.message = "工作簿中没有『收文登记』和『借阅登记』，没有需要催办的文件。"
    return plan


# --------------------------------------------------------------------------- 电子档案核对


def plan_archive_files(archive: Ledger, ctx: CheckContext, base: Path | None) -> Plan:
    """Every 电子文件 of 档案目录: missing or changed ones listed (and marked); a file without a SHA-256 gets one."""
    need(archive, "file_path", "sha256")
    plan = Plan(rows=len(archive))
    problems = file_problems(archive, base)
    rows: list[list[Any]] = []
    for _, row, cells, code, path in problems:
        what = "找不到文件" if code == DocCode.DOC_FILE_MISSING else "与登记的 SHA-256 不符"
        rows.append([cells["archive_no"], cells["title"], cells["file_path"], what, str(path)])
        column = "file_path" if code == DocCode.DOC_FILE_MISSING else "sha256"
        plan.issues.append(archive.issue(code, row, column, archive_no=cells["archive_no"], path=cells["file_path"]))
    bad = {row for _, row, *_ in problems}
    recorded = 0
    checked = 0
    for _, row, cells in lines(archive, "file_path", "sha256", "status"):
        if not cells["file_path"] or row in bad or cells["status"] == "已销毁":
            continue
        checked += 1
        if not cells["sha256"]:
            plan.write(archive.sheet, row, archive.col("sha256"), sha256_of(resolve(cells["file_path"], base)))
            recorded += 1
    note = f"{ctx.today:%Y-%m-%d} 核对『{archive.sheet}』的电子文件：找不到的和归档后被改动的文件。"
    header = ["档号", "标题", "电子文件", "问题", "按此路径查找"]
    plan.outputs.append(Output("电子档案核对", "电子档案核对", note, header, rows, widths=[14, 28, 30, 18, 50],
                               empty="（全部电子文件都在，且与登记的 SHA-256 一致）"))  # fmt: skip
    plan.message = f"核对了 {checked + len(problems)} 个电子文件：{len(problems)} 个有问题"
    plan.message += "，见『电子档案核对』。" if problems else "。"
    if recorded:
        plan.details.append(f"{recorded} 个文件原来没有 SHA-256，已记下当前的值（以后改动能被发现）。")
    plan.outcome = "issues" if problems else "ok"
    return plan


# --------------------------------------------------------------------------- 到期清单 and 销毁登记

ARCHIVE_FIELDS = ("archive_no", "title", "year", "retention", "legal_hold", "status")


def archive_entries(archive: Ledger) -> dict[str, tuple[int, dict[str, Any]]]:
    """档案目录 by 档号: (Excel row, cells)."""
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    for _, row, cells in lines(archive, *ARCHIVE_FIELDS):
        if cells["archive_no"]:
            found.setdefault(str(cells["archive_no"]).strip(), (row, cells))
    return found


def open_loans(loans: Ledger | None) -> set[str]:
    """档号 lent and not returned."""
    if loans is None:
        return set()
    return {str(c["archive_no"]).strip() for _, _, c in lines(loans, "archive_no", "returned_on")
            if c["archive_no"] and c["returned_on"] is None}  # fmt: skip


def plan_retention_due(
    archive: Ledger, destruction: Ledger | None, loans: Ledger | None, today: dt.date, settings: Settings
) -> Plan:
    """Documents past their retention go to 销毁清单 (待审批); 永久, legally held and lent ones never do."""
    need(archive, "year", "retention")
    plan = Plan(rows=len(archive))
    listed = set()
    if destruction is not None:
        listed = {str(c["archive_no"]).strip() for _, _, c in lines(destruction, "archive_no") if c["archive_no"]}
    lent = open_loans(loans)
    new: list[dict[str, Any]] = []
    held: list[str] = []
    for archive_no, (row, cells) in archive_entries(archive).items():
        end = expiry(cells["year"], cells["retention"])
        if cells["status"] == DESTROYED or archive_no in listed or end is None or end >= today:
            continue
        why = not_destroyable({**cells, "status": "借出" if archive_no in lent else cells["status"]}, today)
        if why:
            held.append(f"{archive_no}（第 {row} 行）{why}")
            continue
        new.append({"archive_no": archive_no, "title": cells["title"], "retention": cells["retention"],
                    "expired_on": end, "status": "待审批"})  # fmt: skip
    if new:
        plan.appends.append(Append("destruction", new, after=archive.sheet))
        plan.message = (
            f"保管期限已满的档案 {len(new)} 份列入『销毁清单』（待审批）；须由鉴定人鉴定、批准人批准后才能销毁，"
            "销毁后填写销毁日期、销毁人、监销人和销毁方式，再点『销毁登记』。"
        )
    else:
        plan.message = "没有新的保管期限已满的档案。"
    if held:
        plan.details.append(f"{len(held)} 份已到期但不能列入销毁清单：")
        plan.details += held
    return plan


def plan_record_destruction(destruction: Ledger, archive: Ledger, today: dt.date, settings: Settings) -> Plan:
    """Lines of 销毁清单 with a 销毁日期: when complete (approved, destroyer, witnesses, method) and the
    document may be destroyed, 档案目录 marks it 已销毁 (the row stays as its tombstone)."""
    need(archive, "status")
    need(destruction, "destroyed_on", "status")
    plan = Plan(rows=len(destruction))
    entries = archive_entries(archive)
    done: list[str] = []
    held: list[str] = []
    for _, row, cells in lines(destruction, *DESTRUCTION_FIELDS):
        if cells["destroyed_on"] is None or cells["status"] == DESTROYED:
            continue
        archive_no = str(cells["archive_no"] or "").strip()
        found = entries.get(archive_no)
        problems = destruction_gaps(cells)
        if cells["destroyed_on"] > today:
            problems.append("销毁日期晚于今天")
        if found is None:
            problems.append("档号不在档案目录中")
        elif found[1]["status"] != DESTROYED and (why := not_destroyable(found[1], today)):
            problems.append(why)
        if problems:
            held.append(f"第 {row} 行 {archive_no}：{'、'.join(problems)}")
            plan.issues.append(destruction.issue(DocCode.DOC_DESTRUCTION_INCOMPLETE, row, "destroyed_on",
                                                 archive_no=archive_no, missing="、".join(problems)))  # fmt: skip
            continue
        assert found is not None
        plan.write(archive.sheet, found[0], archive.col("status"), DESTROYED)
        plan.write(destruction.sheet, row, destruction.col("status"), DESTROYED)
        done.append(archive_no)
    if done:
        plan.message = (
            f"登记销毁 {len(done)} 份：{'、'.join(done)}；档案目录中这些行改为『已销毁』并保留，作为销毁记录。"
        )
    else:
        plan.message = "没有可登记的销毁（『销毁清单』中填了销毁日期、尚未登记的行）。"
    if held:
        plan.outcome = "issues"
        plan.details.append(f"{len(held)} 行没有登记，请补全后再点：")
        plan.details += held
    return plan
