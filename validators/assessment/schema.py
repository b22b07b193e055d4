"""考核表: the scores people type in — 自评, 上级评价, 同事评价 — and their checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from neiqin.core.issues import Issue
from neiqin.core.kit import CheckContext
from neiqin.core.ledger import Ledger
from neiqin.core.schema import LedgerRow, column

from .codes import AssessmentCode
from .settings import AssessmentSettings

KINDS = ("自评", "上级评价", "同事评价")


class ReviewRow(LedgerRow):
    """考核表 one score."""

    month: dt.date = column(
        "考核月份",
        "月份",
        description="所评的月份（该月任一天，如 2026-11-01）",
        required=True,
        number_format="yyyy-mm",
    )
    person: str = column(
        "被考核人", "考核对象", "姓名", description="被评价的内勤（按『人员』的姓名）", required=True, width=10
    )
    kind: str = column(
        "评价类型", "类型", description="自评、上级评价或同事评价", choices="review_kinds", required=True, width=10
    )
    rater: str = column(
        "评价人", "评分人", description="填写分数的人；自评是本人，同事评价不能是本人", required=True, width=10
    )
    score: float = column("分数", "得分", "评分", description="0–100 分", required=True, width=8)
    comment: str | None = column("评语", "评价意见", "说明", description="评价的理由、优点和改进建议", width=40)


@dataclass(frozen=True)
class Score:
    """One score of 考核表, as the review uses it."""

    row: int
    month: dt.date
    person: str
    kind: str
    rater: str
    score: float
    comment: str


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()


def scores(ledger: Ledger, settings: Any) -> list[Score]:
    """The usable lines of 考核表 (a line missing a value or out of range is reported by the schema checks);
    ``kind`` is the canonical 自评 / 上级评价 / 同事评价 whatever the company calls them."""
    labels = dict(zip(settings.review_kinds, KINDS, strict=True))
    frame = ledger.frame
    found = []
    needed = ("month", "person", "kind", "rater", "score")
    if not all(n in frame for n in needed):
        return []
    for pos, row in enumerate(ledger.rows):
        month, score = frame["month"].iloc[pos], frame["score"].iloc[pos]
        person, label, rater = (_text(frame[n].iloc[pos]) for n in ("person", "kind", "rater"))
        kind = labels.get(label, label)
        if month is None or month != month or score is None or score != score or not (person and kind and rater):
            continue
        if not 0 <= float(score) <= 100 or kind not in KINDS:
            continue
        comment = _text(frame["comment"].iloc[pos]) if "comment" in frame else ""
        day = month.date() if hasattr(month, "date") else month
        found.append(Score(row, day.replace(day=1), person, kind, rater, float(score), comment))
    return found


def check_raters(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """自评 by the person; 同事评价 never by the person; one score per rater, person, month and kind."""
    issues: list[Issue] = []
    first: dict[tuple[Any, ...], int] = {}
    for s in scores(ledger, ctx.settings):
        if s.kind == "同事评价" and s.rater == s.person:
            issues.append(ledger.issue(AssessmentCode.ASM_PEER_SELF, s.row, "rater", person=s.person))
        elif s.kind == "自评" and s.rater != s.person:
            issues.append(
                ledger.issue(AssessmentCode.ASM_SELF_BY_OTHER, s.row, "rater", person=s.person, rater=s.rater)
            )
        key = (s.month, s.person, s.kind, s.rater)
        if key in first:
            issues.append(
                ledger.issue(
                    AssessmentCode.ASM_TWICE,
                    s.row,
                    "rater",
                    rater=s.rater,
                    person=s.person,
                    month=f"{s.month:%Y-%m}",
                    kind=s.kind,
                    other=first[key],
                )
            )
        else:
            first[key] = s.row
    return issues


def check_weights(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """The four weights of the composite score add up to 100 %."""
    problem = weights_problem(ctx.settings)
    if problem is None:
        return []
    return [ledger.issue(AssessmentCode.ASM_WEIGHTS, ledger.header_row, "score", **problem)]


def weights_problem(own: AssessmentSettings) -> dict[str, Any] | None:
    """The values of an ASM-005 message when the weights do not add up to 100 (None when they do)."""
    total = own.kpi_weight + own.self_weight + own.supervisor_weight + own.peer_weight
    if abs(total - 100) < 1e-9:
        return None
    return {"kpi": f"{own.kpi_weight:g}", "own": f"{own.self_weight:g}", "supervisor": f"{own.supervisor_weight:g}",
            "peer": f"{own.peer_weight:g}", "total": f"{total:g}"}  # fmt: skip


def check_people(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """被考核人 and 评价人 are people of 『人员』 (when the workbook has it)."""
    staff = ctx.companion("staff")
    if staff is None or not staff.has("name"):
        return []
    known = {_text(n) for n in staff.frame["name"]} - {""}
    if not known:
        return []
    issues = []
    for s in scores(ledger, ctx.settings):
        for field_name, name in (("person", s.person), ("rater", s.rater)):
            if name not in known:
                issues.append(ledger.issue(AssessmentCode.ASM_UNKNOWN_PERSON, s.row, field_name, name=name))
    return issues


def missing_kinds(found: Iterable[Score], person: str, month: dt.date) -> list[str]:
    """What 考核表 lacks for ``person`` in ``month``: 自评, 上级评价, 同事评价 (at least one other colleague)."""
    kinds = {s.kind for s in found if s.person == person and s.month == month}
    return [k for k in KINDS if k not in kinds]


def check_range(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """分数 is between 0 and 100."""
    if not ledger.has("score"):
        return []
    return [
        ledger.issue(AssessmentCode.ASM_OUT_OF_RANGE, row, "score", value=f"{value:g}")
        for row, value in zip(ledger.rows, ledger.frame["score"], strict=True)
        if value is not None and value == value and not 0 <= value <= 100
    ]


RULES = (check_range, check_raters, check_weights, check_people)
