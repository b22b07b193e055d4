"""考核与激励 (regulation 五) — KPIs computed from NeiQin's own ledgers and logs; 考核表 and the monthly review.

The KPI registry is :mod:`neiqin.core.kpi`; the KPIs whose data NeiQin has are declared in
:mod:`.kpis`; what they are computed from is built by :mod:`.sources`; the scores people type
in (自评, 上级评价, 同事评价) are the 考核表 ledger (:mod:`.schema`); :mod:`.scoring` turns both into
综合得分 → 等级 → 绩效系数 → 绩效奖金; the sheets are planned by :mod:`.planners`. The ribbon
actions are in ``macros/assessment.py`` (group 人员与考核).
"""

from __future__ import annotations

from neiqin.core.kit import Button, LedgerSpec, template_path
from neiqin.core.layout import load_layout
from validators.staff import GROUP

from . import kpis
from .codes import CODES, AssessmentCode
from .demo import demo_history, demo_rows
from .schema import RULES, ReviewRow
from .settings import AssessmentSettings

LEDGER = LedgerSpec(
    name="assessment",
    title="考核表",
    noun="评分",
    doc="制度五.3 的考核方式：每人每月本人「自评」一行、直接上级「上级评价」一行、"
    "其他同事「同事评价」各一行（0–100 分，几位同事取平均，本人不能评自己）。"
    "考核指标不在这里填，由『计算考核指标』从台账和操作日志算出；"
    "『月度考核』把指标得分和三项评价按「考核与激励」设置中的权重（合计 100%）算成综合得分、等级、绩效系数和绩效奖金。",
    row=ReviewRow,
    sheet="考核表",
    sheet_synonyms=("月度考核表", "考核评分", "评分表"),
    key=("person",),
    companions=("staff",),
    rules=RULES,
    codes=CODES,
    settings=AssessmentSettings,
    template=load_layout(template_path(__file__)),
    group=GROUP,
    button=Button(
        "校验考核表",
        "AcceptInvitation",
        "检查『考核表』：必填项、分数 0–100、自评须本人、同事评价不能评自己、重复评价、权重之和。",
        size="normal",
    ),
)
LEDGERS = (LEDGER,)

__all__ = [
    "GROUP",
    "LEDGER",
    "LEDGERS",
    "AssessmentCode",
    "AssessmentSettings",
    "ReviewRow",
    "demo_history",
    "demo_rows",
    "kpis",
]
