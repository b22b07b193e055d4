"""考核表 and 月度考核: bands, weights, 综合得分 → 等级 → 绩效系数 → 绩效奖金, on the hand-worked month
of tests/test_assessment_kpis.py (its KPI figures are checked there; the scores here are worked by hand).

Default bands: rates ≥98 % 100, ≥95 % 90, ≥90 % 80, ≥80 % 60, else 40; 错单 0 → 100, ≤1 → 85, ≤3 → 70,
≤5 → 50; days ≤1 → 100, ≤2 → 90, ≤3 → 75, ≤5 → 60. Weights 40 / 10 / 30 / 20. Grades ≥90 优秀, ≥80
良好, ≥60 合格, else 待改进; coefficients 1.2 / 1.0 / 0.8 / 0.5; bonus base ¥2,000.

李娜: KPIs 66.7 % → 40, 66.7 % → 40, 0 单 → 100, 50 % → 40, 100 % → 100, 0 % → 40, 1.0 天 → 100:
指标得分 460 / 7 = 65.714…; 自评 90, 上级 80, 同事 (张敏 70 + 孙丽 80) / 2 = 75 (her own 同事评价 row is
refused): 0.4 × 65.714 + 9 + 24 + 15 = 74.29 → 74.3 合格 × 0.8 = ¥1,600.00.
张敏: no 自评 → no composite (ASM-004).
孙丽: KPIs 75 % → 40, 66.7 % → 40, 3.0 天 → 75: 155 / 3 = 51.667; 自评 100, 上级 100 (a second 上级评价
of 105 is out of range and refused), 同事 100 and 100: 20.667 + 10 + 30 + 20 = 80.67 → 80.7 良好 × 1.0 = ¥2,000.00.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import macros
from neiqin.core.config import Settings
from neiqin.core.kpi import kpi
from neiqin.engine import open_book
from validators.assessment.scoring import band_score, coefficient_of, grade_of, one_decimal
from validators.assessment.settings import AssessmentSettings

from .conftest import check
from .test_assessment_kpis import TODAY, changes, customers, make_expense_form, orders, record_month, sheet_rows, staff

NOV = dt.datetime(2026, 11, 1)


def score(person: str, kind: str, rater: str, value: float, month: dt.datetime = NOV) -> dict[str, Any]:
    return {"month": month, "person": person, "kind": kind, "rater": rater, "score": value}


def scores() -> list[dict[str, Any]]:
    return [
        score("李娜", "自评", "李娜", 90),
        score("李娜", "上级评价", "吴倩", 80),
        score("李娜", "同事评价", "张敏", 70),
        score("李娜", "同事评价", "孙丽", 80),
        score("李娜", "同事评价", "李娜", 100),  # rates herself: refused
        score("张敏", "上级评价", "吴倩", 85),
        score("张敏", "同事评价", "李娜", 88),
        score("孙丽", "自评", "孙丽", 100),
        score("孙丽", "上级评价", "吴倩", 100),
        score("孙丽", "上级评价", "吴倩", 105, dt.datetime(2026, 11, 15)),  # out of range: refused
        score("孙丽", "同事评价", "李娜", 100),
        score("孙丽", "同事评价", "张敏", 100),
        score("孙丽", "自评", "孙丽", 60, dt.datetime(2026, 10, 1)),  # October's: not this month's
    ]


def review_workbook(path: Path, rows: list[dict[str, Any]] | None = None, **ledgers: Any) -> Path:
    from .conftest import order_workbook

    forms = [
        make_expense_form(sheet="费用报销单", claim_id="BX2611001", approval_date=dt.datetime(2026, 11, 21)),
        make_expense_form(sheet="费用报销单2", claim_id="BX2611002", approval_date=dt.datetime(2026, 11, 20)),
    ]
    return order_workbook(path, orders(), customers=customers(), changes=changes(), staff=staff(), expenses=forms,
                          assessment=scores() if rows is None else rows, **ledgers)  # fmt: skip


@pytest.fixture
def reviewed(tmp_path: Path) -> tuple[Path, Any]:
    path = review_workbook(tmp_path / "台账.xlsx")
    record_month()
    book = open_book(path, engine="headless")
    summary = macros.run("monthly_review", book, today=TODAY, user="吴倩")
    book.save()
    return path, summary


def test_the_monthly_review_of_the_hand_worked_month(reviewed: tuple[Path, Any]) -> None:
    path, summary = reviewed
    found = {r[0]: r[1:10] for r in sheet_rows(path, "月度考核")}
    assert found["李娜"] == (65.7, 90, 80, "75（2 人）", 74.3, "合格", 0.8, 1600, None)
    assert found["张敏"][4:] == ("无", None, None, None, "缺少：自评")
    assert found["孙丽"] == (51.7, 100, 100, "100（2 人）", 80.7, "良好", 1, 2000, None)
    assert summary.outcome == "issues"  # the refused rows are errors of 考核表
    codes = sorted((i.code, i.row) for i in summary.issues)
    assert [c for c, _ in codes] == ["ASM-001", "ASM-004", "ASM-007"]
    assert "张敏 缺少：自评，未计算综合得分。" in summary.text()


def test_the_personal_sheet_explains_each_score_in_words(reviewed: tuple[Path, Any]) -> None:
    path, _ = reviewed
    ws = openpyxl.load_workbook(path)["考核说明 李娜"]
    rows = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r[0]}
    assert rows["订单处理及时率"] == (40, "3 项中 2 项达标，为 66.7%；按分档得 40 分")
    assert rows["漏单错单数"] == (100, "本月确认 3 行，其中 0 行被更正或有错误，为 0 单；按分档得 100 分")
    assert rows["会议通知知晓率"] == ("无数据", "无数据：本月该内勤没有发出会议通知；不计入指标得分")
    assert rows["指标得分"] == (65.7, "有数据的 7 项指标得分的平均")
    assert rows["同事评价"] == (75, "2 位同事评分的平均（本人不评自己）")
    assert rows["综合得分"] == (
        74.3,
        "指标得分 65.7 × 40% ＋ 自评 90 × 10% ＋ 上级评价 80 × 30% ＋ 同事评价 75 × 20% = 74.3",
    )
    assert rows["绩效奖金"] == (1600, "绩效奖金基数 2,000.00 元 × 0.8 = 1,600.00 元")
    missing = {r[0]: r[1:] for r in openpyxl.load_workbook(path)["考核说明 张敏"].iter_rows(values_only=True) if r[0]}
    assert missing["综合得分"] == ("无", "缺少：自评；补齐后再点『月度考核』")


def test_weights_that_do_not_add_up_to_100_stop_the_review(tmp_path: Path) -> None:
    path = review_workbook(tmp_path / "台账.xlsx")
    settings = Settings()
    settings.peer_weight = 30.0
    book = open_book(path, engine="headless")
    summary = macros.run("monthly_review", book, today=TODAY, user="吴倩", settings=settings)
    assert summary.outcome == "failed"
    assert summary.message == (
        "『设置』中四项权重（指标得分 40、自评 10、上级评价 30、同事评价 30）之和是 110%；请调整为合计 100%"
    )
    assert "月度考核" not in [s.name for s in book.sheets]


@pytest.mark.parametrize(
    ("rows", "codes"),
    [
        ([score("李娜", "自评", "李娜", 90)], []),
        ([score("李娜", "自评", "张敏", 90)], ["ASM-002"]),
        ([score("李娜", "同事评价", "李娜", 90)], ["ASM-001"]),
        ([score("李娜", "同事评价", "张敏", 90), score("李娜", "同事评价", "张敏", 80)], ["ASM-003"]),
        ([score("李娜", "同事评价", "张敏", 90), score("李娜", "同事评价", "孙丽", 80)], []),
        ([score("李娜", "上级评价", "吴倩", 100.5)], ["ASM-007"]),
        ([score("李娜", "上级评价", "吴倩", -1)], ["ASM-007"]),
        ([score("李娜", "上级评价", "吴倩", 0)], []),
        ([score("李娜", "上级评价", "王五", 90)], ["ASM-006"]),
        ([{**score("李娜", "自评", "李娜", 90), "score": None}], ["LED-010"]),
        ([{**score("李娜", "自评", "李娜", 90), "kind": "互评"}], ["LED-016"]),
    ],
)
def test_the_checks_of_the_review_sheet(tmp_path: Path, rows: list[dict[str, Any]], codes: list[str]) -> None:
    from .conftest import order_workbook, validate_file

    path = order_workbook(tmp_path / "台账.xlsx", [], staff=staff(), assessment=rows)
    assert sorted(i.code for i in validate_file(path, "assessment", today=TODAY).issues) == codes


@pytest.mark.parametrize(
    ("code", "value", "expected"),
    [
        ("order_timeliness", 0.98, 100),
        ("order_timeliness", 0.9799, 90),
        ("order_timeliness", 0.95, 90),
        ("order_timeliness", 0.80, 60),
        ("order_timeliness", 0.0, 40),
        ("wrong_orders", 0, 100),
        ("wrong_orders", 1, 85),
        ("wrong_orders", 5, 50),
        ("wrong_orders", 6, 0),
        ("prereview_days", 0.5, 100),
        ("prereview_days", 2.5, 75),
        ("prereview_days", 9, 0),
    ],
)
def test_bands(code: str, value: float, expected: float) -> None:
    assert band_score(kpi(code), value, AssessmentSettings()) == expected


@pytest.mark.parametrize(
    ("total", "grade", "coefficient"),
    [
        (95, "优秀", 1.2),
        (90, "优秀", 1.2),
        (89.9, "良好", 1.0),
        (60, "合格", 0.8),
        (59.9, "待改进", 0.5),
        (0, "待改进", 0.5),
    ],
)
def test_grades_and_coefficients(total: float, grade: str, coefficient: float) -> None:
    own = AssessmentSettings()
    assert grade_of(total, own) == grade
    assert coefficient_of(grade, own) == coefficient


@pytest.mark.parametrize(("value", "shown"), [(66.25, 66.3), (74.2857, 74.3), (80.6667, 80.7), (51.65, 51.7)])
def test_scores_are_shown_with_one_decimal_halves_up(value: float, shown: float) -> None:
    assert one_decimal(value) == shown


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rate_bands", ["98-100"]),
        ("grade_bands", ["优秀:90"]),
        ("coefficients", ["优秀:一点二"]),
        ("review_kinds", ["自评"]),
    ],
)
def test_bad_band_settings_are_refused(field: str, value: list[str]) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        AssessmentSettings(**{field: value})


def test_the_weights_check_on_the_review_sheet() -> None:
    from neiqin.core import kit
    from neiqin.core.ledger import parse_ledger

    settings = Settings()
    settings.kpi_weight = 50.0
    ledger = parse_ledger(
        [["考核月份", "被考核人", "评价类型", "评价人", "分数"], [NOV, "李娜", "自评", "李娜", 90]],
        kit.ledger("assessment"),
        "考核表",
    )
    issues = check("assessment", ledger, settings=settings)
    assert [(i.code, i.message) for i in issues] == [
        (
            "ASM-005",
            "『设置』中四项权重（指标得分 50、自评 10、上级评价 30、同事评价 20）之和是 110%；请调整为合计 100%",
        )
    ]
