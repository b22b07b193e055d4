"""考核指标 on a hand-worked month (2026-11) of three clerks: every figure worked out below by hand.

The month, as the ledgers and the store record it (computed on 2026-12-04, so the month reviewed
is November by default):

李娜 ran 『确认订单』 at 10-28 09:00 (row 7), 11-03 10:00 (rows 1, 2) and 11-06 09:30 (row 3);
张敏 at 11-10 16:00 (rows 4, 5); row 6's 录入时间 (11-15 08:00) was typed by hand: nobody's.

| row | order / product | 接单 | 录入 | hours | 交货 | 发货 / 状态 | customer |
|---|---|---|---|---|---|---|---|
| 1 | SO2611001 MT-2200 | 11-03 | 11-03 10:00 | 10 ✓ | 11-20 | 11-19 ✓ | 上海华东 |
| 2 | SO2611001 VF-0750 | 11-03 | 11-03 10:00 | 10 ✓ | 11-20 | 11-22 ✗ | 上海华东 |
| 3 | SO2611002 MT-2200 | 11-04 | 11-06 09:30 | 57.5 ✗ | 12-20 | not due | 苏州恒通 (客户编号 repeated: error) |
| 4 | SO2611003 PT-OS80 | 11-10 | 11-10 16:00 | 16 ✓ | 11-25 | not shipped ✗ | 上海华东 |
| 5 | SO2611004 MT-2200 | 11-09 | 11-10 16:00 | 40 ✗ | 11-28 | 已取消 | 上海华东 |
| 6 | SO2611005 MT-2200 | 11-15 | 11-15 08:00 (hand) | — | 11-30 | 11-30 | 上海华东 |
| 7 | SO2610009 MT-2200 | 10-27 | 10-28 09:00 | (October) | 11-10 | 11-10 ✓ | 上海华东 |

订单变更记录: BG2611001 (SO2611003, 提出方 内勤, executed 11-12) is a correction of row 4;
BG2611002 (SO2611004, 提出方 客户) is the customer's wish; BG2611003 (SO2611001, 内勤) was not executed.

Reports (action log): 李娜 日报 2026-11-18 made 11-20 (late: due by 11-19), reconciled.
孙丽 日报 2026-11-05 made 11-05 18:00 (on time, reconciled) and again 11-07 (same report: counts once
for timeliness); 周报 2026-W45 (11-02..11-08) made 11-12 (late: due by 11-10), not reconciled;
月报 2026-10 made 11-04 (due by 11-05: on time), reconciled; one failed run (not a report made).

Claims: BX2611001 approved 11-21, pre-reviewed by 孙丽 11-24 (3 days); BX2611002 approved 11-20,
pre-reviewed by 李娜 11-21 (1 day); BX2611003 pre-reviewed by 李娜 on 10-30 (another month).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import macros
from neiqin.core.kpi import Kpi, KpiInputs, kpis, register_kpi
from neiqin.core.store import open_store
from neiqin.engine import open_book

from .conftest import CUSTOMERS, make_order_row, order_workbook
from .expense_factory import make_expense_form

D = dt.datetime
TODAY = dt.date(2026, 12, 4)


def staff() -> list[dict[str, Any]]:
    people = [("李娜", "内勤"), ("张敏", "内勤"), ("孙丽", "内勤"), ("吴倩", "内勤主管")]
    return [
        {"name": n, "department": "销售内勤部", "title": t, "is_head": "是" if t == "内勤主管" else "否"}
        for n, t in people
    ]


def orders() -> list[dict[str, Any]]:
    east = "上海华东贸易有限公司"
    return [
        make_order_row(order_id="SO2611001", order_date=D(2026, 11, 3), entered_at=D(2026, 11, 3, 10),
                       delivery_date=D(2026, 11, 20), ship_date=D(2026, 11, 19), status="已发货", customer=east),
        make_order_row(order_id="SO2611001", product_code="VF-0750", product_name="通用变频器", spec="FR-E820-0.75K",
                       category="变频器", unit_price=1280.0, amount=12800.0, unit_cost=1010.0,
                       order_date=D(2026, 11, 3), entered_at=D(2026, 11, 3, 10), delivery_date=D(2026, 11, 20),
                       ship_date=D(2026, 11, 22), status="已发货", customer=east),
        make_order_row(order_id="SO2611002", order_date=D(2026, 11, 4), entered_at=D(2026, 11, 6, 9, 30),
                       delivery_date=D(2026, 12, 20), customer="苏州恒通机械有限公司"),
        make_order_row(order_id="SO2611003", product_code="PT-OS80", product_name="骨架油封", spec="TC 40x62x8",
                       category="油封", unit_price=6.5, amount=65.0, unit_cost=3.1, order_date=D(2026, 11, 10),
                       entered_at=D(2026, 11, 10, 16), delivery_date=D(2026, 11, 25), customer=east),
        make_order_row(order_id="SO2611004", order_date=D(2026, 11, 9), entered_at=D(2026, 11, 10, 16),
                       delivery_date=D(2026, 11, 28), status="已取消", customer=east),
        make_order_row(order_id="SO2611005", order_date=D(2026, 11, 15), entered_at=D(2026, 11, 15, 8),
                       delivery_date=D(2026, 11, 30), ship_date=D(2026, 11, 30), status="已发货", customer=east),
        make_order_row(order_id="SO2610009", order_date=D(2026, 10, 27), entered_at=D(2026, 10, 28, 9),
                       delivery_date=D(2026, 11, 10), ship_date=D(2026, 11, 10), status="已发货", customer=east),
    ]  # fmt: skip


def changes() -> list[dict[str, Any]]:
    def change(cid: str, order: str, by: str, executed: dt.datetime | None) -> dict[str, Any]:
        return {"change_id": cid, "order_id": order, "field": "数量", "old_value": "10", "new_value": "12",
                "requested_by": by, "reviewer": "吴倩", "review": "同意", "executed_at": executed,
                "result": "已执行" if executed else None}  # fmt: skip

    return [
        change("BG2611001", "SO2611003", "内勤", D(2026, 11, 12, 9)),
        change("BG2611002", "SO2611004", "客户", D(2026, 11, 12, 9)),
        change("BG2611003", "SO2611001", "内勤", None),
    ]


def customers() -> list[dict[str, Any]]:
    rows = [dict(c) for c in CUSTOMERS]
    suzhou = next(c for c in rows if c["name"] == "苏州恒通机械有限公司")
    suzhou["customer_id"] = "C0001"  # the same 客户编号 as 上海华东: an error on both records
    return rows


def log(user: str, action: str, when: dt.datetime, outcome: str = "ok", message: str = "") -> None:
    open_store().log_action(action, "/台账.xlsx", outcome, message=message, user=user, time=when)


def record_month() -> None:
    log("李娜", "confirm_orders", D(2026, 10, 28, 9))
    log("李娜", "confirm_orders", D(2026, 11, 3, 10))
    log("李娜", "confirm_orders", D(2026, 11, 6, 9, 30))
    log("张敏", "confirm_orders", D(2026, 11, 10, 16))
    log("李娜", "report_day", D(2026, 11, 20, 9), message="已生成『日报 2026-11-18』：销售额 ¥1。")
    log("孙丽", "report_day", D(2026, 11, 5, 18), message="已生成『日报 2026-11-05』：销售额 ¥1。")
    log("孙丽", "report_day", D(2026, 11, 7, 9), message="已生成『日报 2026-11-05』：销售额 ¥1。")
    log("孙丽", "report_week", D(2026, 11, 12, 10), "issues", "已生成『周报 2026-W45』：销售额 ¥1。")
    log("孙丽", "report_month", D(2026, 11, 4, 10), message="已生成『月报 2026-10』：销售额 ¥1。")
    log("孙丽", "report_month", D(2026, 11, 4, 9), "failed", "工作簿中没有『订单台账』")
    store = open_store()
    for claim, clerk, when in (
        ("BX2611001", "孙丽", D(2026, 11, 24, 15)),
        ("BX2611002", "李娜", D(2026, 11, 21, 11)),
        ("BX2611003", "李娜", D(2026, 10, 30, 11)),
    ):
        store.prereview_claim(claim, [], claimant="王磊", total=100.0, fingerprint="x", when=when, user=clerk)


def month_workbook(path: Path) -> Path:
    forms = [
        make_expense_form(sheet="费用报销单", claim_id="BX2611001", approval_date=D(2026, 11, 21)),
        make_expense_form(sheet="费用报销单2", claim_id="BX2611002", approval_date=D(2026, 11, 20)),
        make_expense_form(sheet="费用报销单3", claim_id="BX2611003", approval_date=D(2026, 10, 29)),
    ]
    return order_workbook(path, orders(), customers=customers(), changes=changes(), staff=staff(), expenses=forms)


def sheet_rows(path: Path, name: str) -> list[tuple[Any, ...]]:
    ws = openpyxl.load_workbook(path)[name]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "内勤")
    return [r for r in rows[header + 1 :] if r[0]]


@pytest.fixture
def computed(tmp_path: Path) -> Path:
    path = month_workbook(tmp_path / "台账.xlsx")
    record_month()
    book = open_book(path, engine="headless")
    summary = macros.run("compute_kpis", book, today=TODAY, user="吴倩")
    book.save()
    assert summary.outcome == "ok", summary.text()
    assert "订单台账有 1 行本月的录入时间找不到对应的『确认订单』" in summary.text()
    return path


# (clerk, KPI) -> (结果, 分子, 分母), worked out by hand in the module docstring
EXPECTED = {
    ("李娜", "订单处理及时率"): ("66.7%", 2, 3),  # rows 1, 2 within 24 h; row 3 took 57.5 h
    ("李娜", "按时交付率"): ("66.7%", 2, 3),  # due in November: rows 1 ✓, 2 ✗, 7 ✓ (row 3 due in December)
    ("李娜", "漏单错单数"): ("0 单", 0, 3),  # BG2611003 was not executed
    ("李娜", "客户信息准确率"): ("50.0%", 1, 2),  # 上海华东 ✓; 苏州恒通 repeats 客户编号 C0001 (LED-018, an error)
    ("李娜", "销售数据统计准确率"): ("100.0%", 1, 1),
    ("李娜", "报表及时率"): ("0.0%", 0, 1),
    ("李娜", "报销初审时效"): ("1.0 天", 1, 1),  # BX2611003 was October's
    ("张敏", "订单处理及时率"): ("50.0%", 1, 2),  # row 4 16 h ✓, row 5 40 h ✗
    ("张敏", "按时交付率"): ("0.0%", 0, 1),  # row 4 not shipped; row 5 cancelled
    ("张敏", "漏单错单数"): ("1 单", 1, 2),  # row 4 corrected by BG2611001 (内勤); BG2611002 was the customer's
    ("张敏", "客户信息准确率"): ("100.0%", 1, 1),  # only 上海华东 (the first C0001: no error)
    ("张敏", "销售数据统计准确率"): ("无数据", None, None),
    ("张敏", "报表及时率"): ("无数据", None, None),
    ("张敏", "报销初审时效"): ("无数据", None, None),
    ("孙丽", "订单处理及时率"): ("无数据", None, None),
    ("孙丽", "按时交付率"): ("无数据", None, None),
    ("孙丽", "漏单错单数"): ("无数据", None, None),
    ("孙丽", "客户信息准确率"): ("无数据", None, None),
    ("孙丽", "销售数据统计准确率"): ("75.0%", 3, 4),  # 4 reports made (the failed run made none), 1 not reconciled
    ("孙丽", "报表及时率"): ("66.7%", 2, 3),  # 日报 11-05 ✓ (twice, once), 周报 W45 ✗, 月报 10 ✓
    ("孙丽", "报销初审时效"): ("3.0 天", 3, 1),
}


def test_every_figure_of_the_hand_worked_month(computed: Path) -> None:
    found = {(r[0], r[1]): (r[3], r[4], r[5]) for r in sheet_rows(computed, "考核指标")}
    for key, expected in EXPECTED.items():
        assert found[key] == expected, key
    for clerk in ("李娜", "张敏", "孙丽"):  # no meeting, document or stocktake this month: 无数据, never 0 or 100 %
        for name in ("会议通知知晓率", "文件登记及时率", "库存账实相符率"):
            assert found[(clerk, name)] == ("无数据", None, None)
    assert {r[0] for r in sheet_rows(computed, "考核指标")} == {"李娜", "张敏", "孙丽"}  # 吴倩 is 内勤主管


def test_a_figure_without_data_says_why(computed: Path) -> None:
    notes = {(r[0], r[1]): r[6] for r in sheet_rows(computed, "考核指标")}
    assert notes[("孙丽", "订单处理及时率")] == "无数据：本月没有该内勤确认的订单行"
    assert notes[("张敏", "报表及时率")] == "无数据：本月该内勤没有生成报表"
    assert notes[("李娜", "会议通知知晓率")] == "无数据：本月该内勤没有发出会议通知"  # the sheets are empty
    assert notes[("李娜", "文件登记及时率")] == "无数据：本月该内勤没有登记收文或编号发文"
    assert notes[("李娜", "库存账实相符率")] == "无数据：没有已结束的盘点"  # the store has no stocktake


def test_the_evidence_lists_each_line_behind_a_figure(computed: Path) -> None:
    lines = {(r[0], r[1], r[2], r[3]) for r in sheet_rows(computed, "考核指标明细")}
    assert ("李娜", "订单处理及时率", "未达标",
            "订单 SO2611002 / MT-2200（第 7 行）：接单 2026-11-04，录入 2026-11-06 09:30，用时 57.5 小时，超过 24 小时"
            ) in lines  # fmt: skip
    wrong = "订单 SO2611003 / PT-OS80（第 8 行）：确认后由变更单 BG2611001 更正「数量」（提出方：内勤）"
    assert ("张敏", "漏单错单数", "未达标", wrong) in lines
    assert ("李娜", "客户信息准确率", "未达标") in {x[:3] for x in lines if "苏州恒通" in x[3]}
    assert (
        "孙丽",
        "报表及时率",
        "未达标",
        "周报 2026-11-02 起：2026-11-12 10:00 生成，时限 2026-11-10，已超时",
    ) in lines
    assert ("孙丽", "报销初审时效", "达标",
            "报销单 BX2611001：部门审批 2026-11-21，初审 2026-11-24 15:00，3 天") in lines  # fmt: skip
    # the line nobody confirmed (row 10) is in nobody's evidence
    assert not [x for x in lines if "SO2611005" in x[3]]


def test_a_line_belongs_to_the_clerk_who_confirmed_it(tmp_path: Path) -> None:
    pending = [
        make_order_row(order_id="SO2611101", status="待确认", order_date=D(2026, 11, 2)),
        make_order_row(order_id="SO2611102", status="待确认", order_date=D(2026, 11, 2), quantity=None),  # an error
    ]
    path = order_workbook(tmp_path / "台账.xlsx", pending, staff=staff())
    book = open_book(path, engine="headless")
    assert macros.run("confirm_orders", book, now=D(2026, 11, 2, 14, 5, 7), user="张敏").outcome == "ok"
    summary = macros.run("compute_kpis", book, today=TODAY, user="吴倩")
    book.save()
    assert summary.details == []  # the line left unconfirmed (no 录入时间) is nobody's, and no news
    found = {(r[0], r[1]): (r[3], r[4], r[5]) for r in sheet_rows(path, "考核指标")}
    assert found[("张敏", "订单处理及时率")] == ("100.0%", 1, 1)  # 14.1 hours after the day it came in
    assert found[("李娜", "订单处理及时率")] == ("无数据", None, None)


def test_without_staff_the_clerks_are_who_ran_actions_in_the_month(tmp_path: Path) -> None:
    path = order_workbook(tmp_path / "台账.xlsx", orders(), customers=customers(), changes=changes())
    record_month()
    book = open_book(path, engine="headless")
    macros.run("compute_kpis", book, today=TODAY, user="吴倩")
    book.save()
    rows = sheet_rows(path, "考核指标")
    assert [r[0] for r in rows[:: len(kpis())]] == ["孙丽", "张敏", "李娜"]  # 吴倩 ran nothing in November
    found = {(r[0], r[1]): (r[3], r[4], r[5]) for r in rows}
    assert found[("孙丽", "报销初审时效")] == ("无数据", None, None)  # no expense forms in this workbook


@pytest.mark.parametrize(
    ("message", "action", "start"),
    [
        ("已生成『日报 2026-11-18』：销售额 ¥1。", "report_day", dt.date(2026, 11, 18)),
        ("已生成『周报 2026-W45』：销售额 ¥1。", "report_week", dt.date(2026, 11, 2)),
        ("已生成『周报 2026-W01』：销售额 ¥1。", "report_week", dt.date(2025, 12, 29)),
        ("已生成『月报 2026-10』：销售额 ¥1。", "report_month", dt.date(2026, 10, 1)),
        ("", "report_day", dt.date(2026, 11, 20)),  # an old log without the tab: the day it ran
        ("", "report_week", dt.date(2026, 11, 16)),
        ("", "report_month", dt.date(2026, 11, 1)),
    ],
)
def test_the_period_a_report_covered(message: str, action: str, start: dt.date) -> None:
    from validators.assessment.sources import ActionRun

    assert ActionRun(D(2026, 11, 20, 9), "孙丽", action, "ok", message).report_start() == start


@pytest.mark.parametrize(
    ("setting", "today", "month"),
    [
        (None, dt.date(2026, 12, 4), (dt.date(2026, 11, 1), dt.date(2026, 11, 30))),
        (None, dt.date(2026, 1, 10), (dt.date(2025, 12, 1), dt.date(2025, 12, 31))),
        (None, dt.date(2028, 3, 1), (dt.date(2028, 2, 1), dt.date(2028, 2, 29))),
        ("2026-02", dt.date(2026, 12, 4), (dt.date(2026, 2, 1), dt.date(2026, 2, 28))),
    ],
)
def test_the_month_reviewed(setting: str | None, today: dt.date, month: tuple[dt.date, dt.date]) -> None:
    from neiqin.core.config import Settings
    from validators.assessment.planners import review_month

    settings = Settings()
    settings.review_month = setting
    assert review_month(settings, today) == month


@pytest.mark.parametrize("bad", ["2026-13", "2026/11", "十一月"])
def test_a_bad_review_month_is_refused(bad: str) -> None:
    from pydantic import ValidationError

    from validators.assessment.settings import AssessmentSettings

    with pytest.raises(ValidationError):
        AssessmentSettings(review_month=bad)


def test_a_kpi_is_declared_once_and_says_which_source_is_missing() -> None:
    from neiqin.core import kpi as registry

    awareness = registry.kpi("meeting_awareness")
    month = (dt.date(2026, 11, 1), dt.date(2026, 11, 30), TODAY, None)
    assert awareness.evaluate(KpiInputs("李娜", *month, {})).reason == "无数据：没有『会议安排』和『参会确认』"
    assert awareness.evaluate(KpiInputs("李娜", *month, {"meetings": object(), "actions": object()})).reason == (
        "无数据：没有『会议安排』和『参会确认』"  # 参会确认 missing: nobody's confirmation can be counted
    )
    documents = registry.kpi("document_timeliness")  # 收文 or 发文: either register is enough
    assert documents.any_of == ("incoming_docs", "outgoing_docs")
    assert documents.evaluate(KpiInputs("李娜", *month, {"actions": object()})).reason == (
        "无数据：没有『收文登记』或『发文登记』"
    )
    with pytest.raises(ValueError, match="declared twice"):
        register_kpi(Kpi("meeting_awareness", "会议通知及时率", "", "%", True, ("meetings",), "", awareness.compute))
    with pytest.raises(ValueError, match="two codes"):
        register_kpi(Kpi("meeting_notice", "会议通知知晓率", "", "%", True, ("meetings",), "", awareness.compute))
    assert register_kpi(awareness) is awareness  # the same declaration again (a module imported twice) is fine


def test_every_kpi_is_documented() -> None:
    from neiqin.app.docs import documents

    text = (Path(__file__).resolve().parent.parent / "docs" / "kpis.md").read_text(encoding="utf-8")
    assert text == documents()["kpis.md"], "run: neiqin docs"
    for k in kpis():
        assert f"`{k.code}`" in text and k.name in text and k.definition.replace("|", "\\|") in text


@given(st.text(max_size=40), st.sampled_from(["report_day", "report_week", "report_month"]))
def test_any_logged_message_gives_a_period(message: str, action: str) -> None:
    from validators.assessment.sources import ActionRun

    for text in (message, f"已生成『日报 {message}』", f"已生成『周报 2026-W{message[:2]}』", "『月报 2026-13』"):
        start = ActionRun(D(2026, 11, 20, 9), "孙丽", action, "ok", text).report_start()
        assert dt.date(1, 1, 1) <= start <= dt.date(2026, 11, 20)


def test_a_name_typed_as_a_formula_stays_text(tmp_path: Path) -> None:
    people = [{"name": "=1+1", "department": "销售内勤部", "title": "内勤", "is_head": "否"}]
    path = order_workbook(tmp_path / "台账.xlsx", [make_order_row()], staff=people)
    wb = openpyxl.load_workbook(path)
    for row in wb["人员"].iter_rows():
        for cell in row:
            if cell.value == "=1+1":
                cell.data_type = "s"  # text the clerk typed, as Excel keeps it after a leading apostrophe
    wb.save(path)
    book = open_book(path, engine="headless")
    macros.run("compute_kpis", book, today=TODAY, user="吴倩")
    book.save()
    ws = openpyxl.load_workbook(path)["考核指标"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)
    shares = [c for row in ws.iter_rows() for c in row if c.value == "无数据"]
    assert shares and all(c.data_type == "s" for c in shares)
