"""The checks of the document registers: numbering, approval, distribution, 阅办 and loans, files."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neiqin.core.issues import Issue
from neiqin.core.kit import CheckContext
from neiqin.core.ledger import Ledger, display
from validators.staff import Person, head_of, people

from . import numbers
from .codes import DocCode

DESTROYED = "已销毁"
_LOCATION = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff]{1,8}\s*[-－—_]\s*[A-Za-z0-9]{1,8}$")


def value(v: Any) -> Any:
    """A frame cell as a plain value: NaT/NaN -> None, Timestamp -> date."""
    if v is None or v != v:  # NaN and NaT are not equal to themselves
        return None
    if hasattr(v, "to_pydatetime"):
        return v.to_pydatetime().date()
    if isinstance(v, dt.datetime):
        return v.date()
    return v


def lines(ledger: Ledger, *fields: str) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """(position, Excel row, {field: value}) of every line; a field the sheet lacks is None."""
    present = [name for name in fields if ledger.has(name)]
    columns = {name: ledger.frame[name].tolist() for name in present}
    for pos, row in enumerate(ledger.rows):
        yield pos, row, {name: (value(columns[name][pos]) if name in columns else None) for name in fields}


def settings_of(ctx: CheckContext) -> Any:
    """The settings (fields of 文件档案 read by name: a reloaded settings class is still found)."""
    return ctx.settings


# --------------------------------------------------------------------------- numbering


def check_numbering(ledger: Ledger, field_name: str, date_field: str) -> list[Issue]:
    """Numbers parse; no number twice and no gap in a series (category and year); the year fits the date."""
    if not ledger.has(field_name):
        return []
    found: list[Issue] = []
    series: dict[tuple[str, int], list[tuple[int, numbers.DocNumber]]] = defaultdict(list)
    for _, row, cells in lines(ledger, field_name, date_field):
        text = cells[field_name]
        if text is None:
            continue
        when = cells[date_field]
        number = numbers.parse(text, when.year if when is not None else None)
        if number is None:
            found.append(ledger.issue(DocCode.DOC_BAD_NUMBER, row, field_name, number=display(text)))
            continue
        series[number.series].append((row, number))
        if when is not None and when.year != number.year:
            label = ledger.header(date_field)
            found.append(
                ledger.issue(
                    DocCode.DOC_YEAR_MISMATCH, row, field_name, year=number.year, date_label=label, date=display(when)
                )
            )
    for (category, year), members in series.items():
        name = f"{category}〔{year}〕" if category else f"{year} 年的编号"
        first: dict[int, int] = {}
        for row, number in members:
            if number.seq in first:
                found.append(
                    ledger.issue(
                        DocCode.DOC_DUPLICATE_NUMBER,
                        row,
                        field_name,
                        series=name,
                        seq=number.seq,
                        other=first[number.seq],
                    )
                )
            else:
                first[number.seq] = row
        missing = numbers.gaps(list(first))
        if missing:
            last_row = max(row for row, _ in members)
            listed = "、".join(str(n) for n in missing[:20]) + ("……" if len(missing) > 20 else "")
            found.append(ledger.issue(DocCode.DOC_NUMBER_GAP, last_row, field_name, series=name, missing=listed))
    return found


def check_incoming_numbers(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """收文编号: readable, unique and without gaps per year; year matches the 收到日期."""
    return check_numbering(ledger, "number", "received_on")


def check_outgoing_numbers(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """发文字号: readable, unique and without gaps per 代字 and year; year matches the 发文日期."""
    return check_numbering(ledger, "number", "issued_on")


def check_same_document(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """The same 文号 from the same 来文单位 registered twice (the same document received twice)."""
    if not ledger.has("doc_number"):
        return []
    found: list[Issue] = []
    seen: dict[tuple[str, str], int] = {}
    for _, row, cells in lines(ledger, "doc_number", "sender"):
        number = numbers.parse(cells["doc_number"])
        if number is None or not cells["sender"]:
            continue
        key = (str(cells["sender"]), f"{number.category}|{number.year}|{number.seq}")
        if key in seen:
            found.append(
                ledger.issue(
                    DocCode.DOC_SAME_DOCUMENT_TWICE,
                    row,
                    "doc_number",
                    sender=cells["sender"],
                    number=cells["doc_number"],
                    other=seen[key],
                )
            )
        else:
            seen[key] = row
    return found


# --------------------------------------------------------------------------- approval and distribution


def check_approved_before_numbering(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """A numbered internal document has a 审核人 and a 批准人, neither of them the 起草人."""
    found: list[Issue] = []
    for _, row, cells in lines(ledger, "number", "title", "drafter", "reviewer", "approver"):
        drafter = cells["drafter"]
        for role, field_name in (("审核人", "reviewer"), ("批准人", "approver")):
            who = cells[field_name]
            if who and drafter and str(who).strip() == str(drafter).strip():
                found.append(ledger.issue(DocCode.DOC_SELF_APPROVED, row, field_name, role=role, name=who))
        if cells["number"] is None:
            continue
        missing = [
            role for role, field_name in (("审核人", "reviewer"), ("批准人", "approver")) if not cells[field_name]
        ]
        if missing:
            found.append(
                ledger.issue(
                    DocCode.DOC_NOT_APPROVED,
                    row,
                    "reviewer" if "审核人" in missing else "approver",
                    title=cells["title"] or "",
                    missing="、".join(missing),
                )
            )
    return found


def _distribution(ledger: Ledger, when: str) -> list[Issue]:
    found: list[Issue] = []
    for _, row, cells in lines(ledger, "title", "distribution", when):
        if cells[when] is not None and not cells["distribution"]:
            found.append(
                ledger.issue(
                    DocCode.DOC_NO_DISTRIBUTION,
                    row,
                    "distribution",
                    title=cells["title"] or "",
                    what=ledger.header("distribution"),
                )
            )
    return found


def check_incoming_distribution(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """A received document records whom it was distributed to (分发对象)."""
    return _distribution(ledger, "received_on")


def check_outgoing_distribution(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """A document sent out (发文日期 filled) records its 分发范围."""
    return _distribution(ledger, "issued_on")


def reading_overdue(ledger: Ledger, today: dt.date) -> list[tuple[int, int, dict[str, Any], int]]:
    """(position, row, cells, days late) of received documents past their 办结期限 and not done."""
    out = []
    for pos, row, cells in lines(ledger, "title", "due_on", "done_on", "distribution", "receiver", "number"):
        due = cells["due_on"]
        if due is not None and cells["done_on"] is None and due < today:
            out.append((pos, row, cells, (today - due).days))
    return out


def check_reading_overdue(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """A received document past its 办结期限 without a 办结日期 (阅办 overdue)."""
    return [
        ledger.issue(
            DocCode.DOC_READING_OVERDUE,
            row,
            "due_on",
            title=cells["title"] or "",
            due=display(cells["due_on"]),
            days=days,
            who=cells["distribution"] or cells["receiver"] or "承办人",
        )
        for _, row, cells, days in reading_overdue(ledger, ctx.today)
    ]


# --------------------------------------------------------------------------- archive


def check_location(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """存放位置 is written 柜-盒 (A1-03)."""
    return [
        ledger.issue(DocCode.DOC_BAD_LOCATION, row, "location", location=cells["location"])
        for _, row, cells in lines(ledger, "location")
        if cells["location"] and not _LOCATION.match(str(cells["location"]).strip())
    ]


def file_base(ctx: CheckContext) -> Path | None:
    """Where relative 电子文件 paths start: the configured folder, else the workbook's folder."""
    folder = settings_of(ctx).archive_folder
    if folder:
        return Path(folder).expanduser()
    if ctx.workbook and Path(ctx.workbook).parent != Path():
        return Path(ctx.workbook).resolve().parent
    return None


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resolve(path_text: str, base: Path | None) -> Path:
    path = Path(str(path_text).strip().strip('"')).expanduser()
    return path if path.is_absolute() or base is None else base / path


def file_problems(ledger: Ledger, base: Path | None) -> list[tuple[int, int, dict[str, Any], DocCode, Path]]:
    """(position, row, cells, code, path) of every 电子文件 that is missing or no longer has its SHA-256."""
    out = []
    for pos, row, cells in lines(ledger, "archive_no", "title", "file_path", "sha256", "status"):
        if not cells["file_path"] or cells["status"] == DESTROYED:
            continue
        path = resolve(cells["file_path"], base)
        if not path.is_file():
            out.append((pos, row, cells, DocCode.DOC_FILE_MISSING, path))
        elif cells["sha256"] and sha256_of(path) != str(cells["sha256"]).strip().lower():
            out.append((pos, row, cells, DocCode.DOC_FILE_CHANGED, path))
    return out


def check_files(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """The 电子文件 exists and still has the SHA-256 it was archived with."""
    if not ledger.has("file_path"):
        return []
    return [
        ledger.issue(
            code,
            row,
            "file_path" if code == DocCode.DOC_FILE_MISSING else "sha256",
            archive_no=cells["archive_no"],
            path=cells["file_path"],
        )
        for _, row, cells, code, _path in file_problems(ledger, file_base(ctx))
    ]


# --------------------------------------------------------------------------- loans


def staff_of(ctx: CheckContext) -> dict[str, Person] | None:
    """人员 by name (None when the workbook has no 人员 sheet)."""
    staff = ctx.companion("staff")
    if staff is None:
        return None
    rows = [cells for _, _, cells in lines(staff, "name", "department", "title", "is_head", "mobile", "email")]
    return people(rows, ctx.settings.head_values)


def loan_due(cells: dict[str, Any], loan_days: int) -> dt.date | None:
    """应还日期, or 借出日期 + 借阅天数 when none is written."""
    if cells["due_on"] is not None:
        return cells["due_on"]
    lent = cells["lent_on"]
    return lent + dt.timedelta(days=loan_days) if lent is not None else None


LOAN_FIELDS = (
    "borrower",
    "department",
    "archive_no",
    "lent_on",
    "due_on",
    "approver",
    "second_approver",
    "returned_on",
    "status",
)


def loans_overdue(
    ledger: Ledger, today: dt.date, loan_days: int
) -> list[tuple[int, int, dict[str, Any], dt.date, int]]:
    """(position, row, cells, due, days late) of loans past due and not returned."""
    out = []
    for pos, row, cells in lines(ledger, *LOAN_FIELDS):
        due = loan_due(cells, loan_days)
        if due is not None and cells["returned_on"] is None and due < today:
            out.append((pos, row, cells, due, (today - due).days))
    return out


def check_loan_overdue(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """A loan past its 应还日期 (or 借出日期 + 借阅天数) without a 归还日期."""
    return [
        ledger.issue(
            DocCode.DOC_LOAN_OVERDUE,
            row,
            "due_on" if ledger.has("due_on") else "lent_on",
            archive_no=cells["archive_no"],
            due=display(due),
            days=days,
            borrower=cells["borrower"],
        )
        for _, row, cells, due, days in loans_overdue(ledger, ctx.today, settings_of(ctx).loan_days)
    ]


def check_loan_approval(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """A loan is approved by the borrower's department head (from 人员); a head borrowing needs another approver."""
    staff = staff_of(ctx)
    if staff is None:
        return []
    found: list[Issue] = []
    for _, row, cells in lines(ledger, *LOAN_FIELDS):
        borrower = str(cells["borrower"] or "").strip()
        person = staff.get(borrower)
        department = cells["department"] or (person.department if person else None)
        if not department:
            found.append(ledger.issue(DocCode.DOC_UNKNOWN_PERSON, row, "borrower", name=borrower))
            continue
        head = head_of(str(department), staff)
        approver = str(cells["approver"] or "").strip()
        if head is None:
            continue  # 人员 reports a department without a head (STF-003)
        ok = approver == head.name if head.name != borrower else bool(approver) and approver != borrower
        if not ok:
            found.append(
                ledger.issue(
                    DocCode.DOC_LOAN_NOT_BY_HEAD,
                    row,
                    "approver",
                    borrower=borrower,
                    department=department,
                    head=head.name if head.name != borrower else "上级负责人",
                    approver=approver or "未填",
                )
            )
    return found


def archive_of(ctx: CheckContext) -> dict[str, dict[str, Any]] | None:
    """档案目录 by 档号 (None when the workbook has none)."""
    index = ctx.companion("archive_index")
    if index is None:
        return None
    found: dict[str, dict[str, Any]] = {}
    for _, row, cells in lines(index, "archive_no", "title", "secrecy", "status", "retention", "legal_hold", "year"):
        if cells["archive_no"]:
            found.setdefault(str(cells["archive_no"]).strip(), {**cells, "row": row})
    return found


def check_loan_documents(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """The 档号 lent is in 档案目录 and not destroyed; a 密级 document needs a second approval when configured."""
    index = archive_of(ctx)
    levels = set(settings_of(ctx).second_approval_levels)
    found: list[Issue] = []
    for _, row, cells in lines(ledger, *LOAN_FIELDS):
        archive_no = str(cells["archive_no"] or "").strip()
        entry = index.get(archive_no) if index is not None else None
        if index is not None and entry is None:
            found.append(ledger.issue(DocCode.DOC_UNKNOWN_ARCHIVE_NO, row, "archive_no", archive_no=archive_no))
        if entry is not None and entry["status"] == DESTROYED and cells["returned_on"] is None:
            found.append(ledger.issue(DocCode.DOC_LENT_DESTROYED, row, "archive_no", archive_no=archive_no,
                                      status=entry["status"]))  # fmt: skip
        secrecy = entry["secrecy"] if entry is not None else None
        if secrecy in levels:
            second = str(cells["second_approver"] or "").strip()
            if not second or second in {str(cells["borrower"] or "").strip(), str(cells["approver"] or "").strip()}:
                column = "second_approver" if ledger.has("second_approver") else "approver"
                found.append(
                    ledger.issue(DocCode.DOC_SECRET_ONE_APPROVAL, row, column, archive_no=archive_no, secrecy=secrecy)
                )
    return found


INCOMING_RULES = (check_incoming_numbers, check_same_document, check_incoming_distribution, check_reading_overdue)
OUTGOING_RULES = (check_outgoing_numbers, check_approved_before_numbering, check_outgoing_distribution)
ARCHIVE_RULES = (check_location, check_files)
LOAN_RULES = (check_loan_approval, check_loan_documents, check_loan_overdue)


# --------------------------------------------------------------------------- retention and destruction

PERMANENT = "永久"
_NO_HOLD = {"", "否", "无", "-", "—", "/"}
_YEARS = re.compile(r"^\s*(\d{1,3})\s*年\s*$")
DESTRUCTION_FIELDS = (
    "archive_no",
    "title",
    "retention",
    "expired_on",
    "appraiser",
    "approver",
    "approved_on",
    "destroyed_on",
    "destroyer",
    "witnesses",
    "method",
    "status",
)


def on_hold(value: Any) -> bool:
    """A 法律冻结 cell that holds the document (any text but 否/无)."""
    return str(value or "").strip() not in _NO_HOLD


def expiry(year: Any, retention: Any) -> dt.date | None:
    """The last day of the retention (31 December of 年度 + N); None for 永久, unknown years or periods."""
    m = _YEARS.match(unicodedata.normalize("NFKC", str(retention or "")))
    if m is None or year is None:
        return None
    try:
        return dt.date(int(float(year)) + int(m[1]), 12, 31)
    except (TypeError, ValueError, OverflowError):
        return None


def not_destroyable(entry: dict[str, Any], today: dt.date) -> str | None:
    """Why an archived document cannot be destroyed now (None: it can)."""
    if str(entry.get("retention") or "").strip() == PERMANENT:
        return "保管期限为永久"
    if on_hold(entry.get("legal_hold")):
        return f"有法律冻结（{str(entry['legal_hold']).strip()}）"
    if entry.get("status") == "借出":
        return "正在借出"
    end = expiry(entry.get("year"), entry.get("retention"))
    if end is None:
        return "没有年度或保管期限，无法确定是否到期"
    if end >= today:
        return f"保管期限到 {end:%Y-%m-%d} 才届满"
    return None


def destruction_gaps(cells: dict[str, Any]) -> list[str]:
    """What a line with a 销毁日期 lacks: approval, destroyer, witnesses, method."""
    missing = [label for label, f in (("批准人", "approver"), ("批准日期", "approved_on"), ("销毁人", "destroyer"),
               ("监销人", "witnesses"), ("销毁方式", "method")) if not cells[f]]  # fmt: skip
    witnesses = {w for w in re.split(r"[、,，;；/\s]+", str(cells["witnesses"] or "")) if w}
    if cells["destroyer"] and witnesses and witnesses <= {str(cells["destroyer"]).strip()}:
        missing.append("监销人不能只是销毁人本人")
    if cells["approved_on"] and cells["destroyed_on"] and cells["approved_on"] > cells["destroyed_on"]:
        missing.append("批准日期晚于销毁日期")
    return missing


def check_destruction(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """A destroyed document was approved and destroyed before witnesses; 永久 and legally held documents are
    never listed; the 档号 is in 档案目录."""
    index = archive_of(ctx)
    found: list[Issue] = []
    for _, row, cells in lines(ledger, *DESTRUCTION_FIELDS):
        archive_no = str(cells["archive_no"] or "").strip()
        if cells["destroyed_on"] is not None:
            gaps = destruction_gaps(cells)
            if gaps:
                found.append(ledger.issue(DocCode.DOC_DESTRUCTION_INCOMPLETE, row, "destroyed_on",
                                          archive_no=archive_no, missing="、".join(gaps)))  # fmt: skip
        if index is None:
            continue
        entry = index.get(archive_no)
        if entry is None:
            found.append(ledger.issue(DocCode.DOC_NOT_IN_INDEX, row, "archive_no", archive_no=archive_no))
        elif entry["status"] != DESTROYED and (why := not_destroyable(entry, ctx.today)):
            found.append(ledger.issue(DocCode.DOC_NOT_DESTROYABLE, row, "archive_no", archive_no=archive_no, why=why))
    return found


DESTRUCTION_RULES = (check_destruction,)
