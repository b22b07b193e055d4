"""培训记录 (regulation 六) — who was trained in what, how, for how many hours; summed by 『培训统计』."""

from __future__ import annotations

import datetime as dt

from neiqin.core import fields as f
from neiqin.core.issues import Issue
from neiqin.core.kit import Button, CheckContext, LedgerSpec, template_path
from neiqin.core.layout import load_layout
from neiqin.core.ledger import Ledger, display
from neiqin.core.schema import LedgerRow, column
from validators.staff import GROUP

from .codes import CODES, TrainingCode
from .settings import TrainingSettings


class TrainingRow(LedgerRow):
    """培训记录 one person's training."""

    date: dt.date = column("日期", "培训日期", description="培训的日期（多天的写开始日期）", required=True,
                           number_format=f.DATE)  # fmt: skip
    person: str = column(
        "人员", "姓名", "参训人", description="参加培训的人（按『人员』的姓名）", required=True, width=10
    )
    content: str = column("内容", "培训内容", "课程", description="如 客户信息管理、Excel 数据分析、费用报销制度",
                          required=True, width=24)  # fmt: skip
    kind: str | None = column("类型", "培训类型", description="业务、技能或制度", choices="training_kinds", width=8)
    mode: str | None = column("方式", "培训方式", description="内部、外部或在线", choices="training_modes", width=8)
    hours: float = column("学时", "课时", "小时", description="培训学时（小时）", required=True, gt=0, width=8)
    trainer: str | None = column("讲师/机构", "讲师", "培训机构", description="授课人或培训机构", width=16)
    result: str | None = column("考核结果", "成绩", "结果", description="如 合格、优秀、85 分", width=10)
    certificate: str | None = column("证书", "证书编号", description="取得的证书及编号", width=16)


def check_people(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """人员 is a person of 『人员』 (when the workbook has it)."""
    staff = ctx.companion("staff")
    if staff is None or not staff.has("name") or not ledger.has("person"):
        return []
    known = {str(n).strip() for n in staff.frame["name"] if n is not None}
    if not known:
        return []
    return [
        ledger.issue(TrainingCode.TRN_UNKNOWN_PERSON, row, "person", name=name)
        for row, name in zip(ledger.rows, ledger.frame["person"], strict=True)
        if name is not None and str(name).strip() not in known
    ]


def check_dates(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """A training is recorded after it took place."""
    if not ledger.has("date"):
        return []
    return [
        ledger.issue(TrainingCode.TRN_FUTURE, row, "date", date=display(day))
        for row, day in zip(ledger.rows, ledger.frame["date"], strict=True)
        if day == day and day is not None and day.date() > ctx.today
    ]


LEDGER = LedgerSpec(
    name="training",
    title="培训记录",
    noun="培训",
    doc="制度六的培训与发展：每人每次培训一行——日期、人员、内容、类型（业务/技能/制度）、方式（内部/外部/在线）、学时、"
    "讲师或机构、考核结果、证书。『培训统计』按人汇总学时，并按偏低的考核指标建议培训内容；『年度考核』用年度学时判断晋升条件。",
    row=TrainingRow,
    sheet="培训记录",
    sheet_synonyms=("培训台账", "培训登记", "培训记录表"),
    key=("person",),
    companions=("staff",),
    rules=(check_people, check_dates),
    codes=CODES,
    settings=TrainingSettings,
    template=load_layout(template_path(__file__)),
    group=GROUP,
    button=Button(
        "校验培训记录",
        "AcceptInvitation",
        "检查『培训记录』：必填项、学时、类型和方式、人员是否在名单中。",
        size="normal",
    ),
)
LEDGERS = (LEDGER,)

__all__ = ["LEDGER", "LEDGERS", "TrainingCode", "TrainingRow", "TrainingSettings"]
