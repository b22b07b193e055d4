"""年度考核 and 培训记录 / 培训统计: the annual roll-up worked by hand, the promotion rule, honours, training needs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import macros
from neiqin.core.config import Settings
from neiqin.core.kpi import KpiResult, kpi
from neiqin.engine import open_book
from validators.assessment.annual import Training, annual, training_needs
from validators.assessment.scoring import ClerkReview, KpiScore
from validators.assessment.settings import AssessmentSettings

from .conftest import validate_file
from .test_assessment_kpis import TODAY, record_month, staff
from .test_assessment_review import review_workbook

D = dt.datetime


def month_review(clerk: str, month: int, total: float | None, grade: str | None, bonus: float | None) -> ClerkReview:
    rv = ClerkReview(clerk, dt.date(2026, month, 1), [], None, [], [])
    rv.total, rv.grade, rv.bonus = total, grade, bonus
    return rv


def year() -> dict[int, list[ClerkReview]]:
    """Three clerks, four months. 甲: 92, 95, 91, 88 → 91.5 优秀 (3 months 优秀), bonus 2400×3 + 2000 = 9200.
    乙: 95, 96, 97, None → 96 优秀 (3 months), but 12 training hours only. 丙: 85, 55, 80, 81 → 75.25 → 75.3 合格
    (one month 待改进)."""
    table = {
        "甲": [(92, "优秀", 2400), (95, "优秀", 2400), (91, "优秀", 2400), (88, "良好", 2000)],
        "乙": [(95, "优秀", 2400), (96, "优秀", 2400), (97, "优秀", 2400), (None, None, None)],
        "丙": [(85, "良好", 2000), (55, "待改进", 1000), (80, "良好", 2000), (81, "良好", 2000)],
    }
    return {m: [month_review(c, m, *rows[m - 1]) for c, rows in table.items()] for m in range(1, 5)}


def test_the_annual_roll_up_worked_by_hand() -> None:
    rows = {r.clerk: r for r in annual(2026, year(), {"甲": 24, "乙": 12, "丙": 30}, AssessmentSettings(), 24)}
    assert [(r.rank, r.average, r.grade, r.bonus, r.candidate, r.honour) for r in rows.values()] == [
        (1, 96.0, "优秀", 7200, False, True),  # 乙: the best average; 12 of 24 hours: not a candidate
        (2, 91.5, "优秀", 9200, True, False),  # 甲: every condition met; one honour only (年度评优名额 1)
        (3, 75.3, "合格", 7000, False, False),
    ]
    assert rows["乙"].why == ["培训 12 学时（须至少 24）"]
    assert rows["丙"].why == ["年度等级合格（须为优秀）", "优秀 0 个月（须至少 3 个月）", "待改进 1 个月（须没有）"]


def test_equal_averages_share_a_rank() -> None:
    months = {1: [month_review("甲", 1, 90, "优秀", 2400), month_review("乙", 1, 90, "优秀", 2400)]}
    own = AssessmentSettings(honours=2, promotion_months=1)
    rows = annual(2026, months, {}, own, 0)
    assert [(r.clerk, r.rank, r.honour, r.candidate) for r in rows] == [("乙", 1, True, True), ("甲", 1, True, True)]


def test_training_needs_come_from_weak_kpis() -> None:
    rv = ClerkReview("李娜", dt.date(2026, 11, 1), [
        KpiScore(kpi("customer_accuracy"), KpiResult(0.5, 1, 2), 40),
        KpiScore(kpi("order_timeliness"), KpiResult(0.96, 24, 25), 90),
        KpiScore(kpi("meeting_awareness"), KpiResult(None, reason="无数据"), None),
    ], None, [], [])  # fmt: skip
    taken = [Training(5, dt.date(2026, 3, 2), "李娜", "客户信息管理（基础）", "业务", "内部", 4, "合格", "")]
    assert training_needs(rv, 60, taken, 2026) == ["客户信息管理：客户信息准确率 50.0%，得 40 分（今年已参加 1 次）"]
    assert training_needs(rv, 60, taken, 2027) == ["客户信息管理：客户信息准确率 50.0%，得 40 分"]


def trainings() -> list[dict[str, Any]]:
    def t(day: dt.datetime, person: str, content: str, kind: str, mode: str, hours: float, result: str) -> dict:
        return {"date": day, "person": person, "content": content, "kind": kind, "mode": mode, "hours": hours,
                "trainer": "吴倩", "result": result}  # fmt: skip

    return [
        t(D(2026, 3, 2), "李娜", "客户信息管理", "业务", "内部", 4, "合格"),
        t(D(2026, 6, 9), "李娜", "Excel 数据分析", "技能", "在线", 12.5, "不合格"),
        t(D(2025, 12, 1), "李娜", "沟通技巧", "技能", "外部", 8, "合格"),  # last year
        t(D(2026, 9, 1), "孙丽", "费用报销制度", "制度", "内部", 3, "合格"),
    ]


@pytest.fixture
def year_book(tmp_path: Path) -> Path:
    record_month()
    return review_workbook(tmp_path / "台账.xlsx", training=trainings())


def test_the_annual_review_of_the_hand_worked_year(year_book: Path) -> None:
    settings = Settings()
    settings.review_month = "2026-11"
    book = open_book(year_book, engine="headless")
    summary = macros.run("annual_review", book, today=TODAY, user="吴倩", settings=settings)
    book.save()
    assert summary.outcome == "ok", summary.text()
    ws = openpyxl.load_workbook(year_book)["年度考核"]
    rows = {r[1]: r for r in ws.iter_rows(values_only=True) if r[1] in ("李娜", "张敏", "孙丽")}
    # only November has scores (see test_assessment_review): 孙丽 80.7 良好, 李娜 74.3 合格, 张敏 none
    assert rows["孙丽"][0] == 1 and rows["孙丽"][12:17] == (80.7, 80.7, "良好", 2000, 3)
    assert rows["李娜"][0] == 2 and rows["李娜"][12:17] == (74.3, 74.3, "合格", 1600, 16.5)
    assert rows["张敏"][0] is None and rows["张敏"][13:15] == ("无", None)
    assert rows["李娜"][2:12] == (None,) * 10  # January to October: no scores
    assert "1月、2月、3月、4月、5月、6月、7月、8月、9月、10月没有综合得分" in rows["李娜"][19]
    assert summary.message == "2026 年度考核（1–11 月）：3 位内勤；晋升候选 无；年度优秀员工 无。"


def test_the_training_summary(year_book: Path) -> None:
    settings = Settings()
    settings.review_month = "2026-11"
    book = open_book(year_book, engine="headless")
    summary = macros.run("training_summary", book, today=TODAY, user="吴倩", settings=settings)
    book.save()
    ws = openpyxl.load_workbook(year_book)["培训统计"]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0] in ("李娜", "张敏", "孙丽")}
    # 人员, 次数, 学时, 业务/技能/制度, 内部/外部/在线, 通过, 证书, 要求, 建议
    assert rows["李娜"][:12] == ("李娜", 2, 16.5, 4, 12.5, 0, 4, 0, 12.5, 1, None, "差 7.5 学时")
    assert rows["张敏"][:3] == ("张敏", 0, 0)
    assert rows["李娜"][12].split("\n") == [
        "销售业务流程：订单处理及时率 66.7%，得 40 分",
        "销售业务流程：按时交付率 66.7%，得 40 分",
        "客户信息管理：客户信息准确率 50.0%，得 40 分（今年已参加 1 次）",
        "办公软件操作技能：报表及时率 0.0%，得 40 分",
    ]
    assert summary.message == "2026 年培训统计：3 人，3 次培训，共 19.5 学时；3 人有建议的培训。"


@pytest.mark.parametrize(
    ("row", "codes"),
    [
        ({}, []),
        ({"person": "王五"}, ["TRN-001"]),
        ({"date": D(2026, 12, 24)}, ["TRN-002"]),
        ({"hours": 0}, ["LED-015"]),
        ({"kind": "娱乐"}, ["LED-016"]),
        ({"content": None}, ["LED-010"]),
    ],
)
def test_the_checks_of_the_training_records(tmp_path: Path, row: dict[str, Any], codes: list[str]) -> None:
    from .conftest import order_workbook

    line = {**trainings()[0], **row}
    path = order_workbook(tmp_path / "台账.xlsx", [], staff=staff(), training=[line])
    assert sorted(i.code for i in validate_file(path, "training", today=TODAY).issues) == codes
