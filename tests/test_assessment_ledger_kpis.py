"""会议通知知晓率, 文件登记及时率 and 库存账实相符率 on a hand-worked month (2026-11), end to end.

Every step is the real action on a real .xlsx, run as the clerk at the time written below, so the
action log says who did what; then 吴倩 (内勤主管) runs 『计算考核指标』 on 2026-12-04.

Meetings — 李娜 ran 『会议通知』 at 11-13 16:00: HY2026-001 (11-16, 主持人 郑军, 参会 王磊、陈静、李娜:
4 people). Replies: 郑军 参加, 王磊 请假, 陈静 a 确认时间 without a reply, 李娜 未回复 → 3 of 4.
张敏 ran it at 11-20 10:00: HY2026-002 (11-25, 郑军 and 王磊, both 参加) → 2 of 2. HY2026-003's
通知时间 was typed by hand (11-21 08:00): nobody's.

Documents — 张敏 ran 『收文登记』 at 11-04 09:00 on three documents received 11-02 (2 days: late,
the limit is 1), 11-03 (1 day) and 11-04 (0 days) → 2 of 3. 李娜 ran 『发文编号』 at 11-06 10:00 on
two approved drafts: one already sent 11-05 (numbered after it went out: late), one not yet sent
(on time); a third draft had no 批准人 and was not numbered → 1 of 2.

Stocktake — 孙丽 started 『盘点』 on 11-28 and closed it the same day: 3 items counted, BG-002
differs (17 counted, 18 on the book) → 2 of 3.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from .conftest import run_action
from .documents_factory import IN_HEADER, OUT_HEADER, incoming, outgoing
from .meeting_factory import ATTENDANCE_HEADER, MEETING_HEADER, meeting, workbook
from .supplies_factory import CATALOGUE, HEADERS, QUOTAS, RECEIPTS

D = dt.datetime
REVIEW_DAY = dt.date(2026, 12, 4)
STAFF = [
    ["姓名", "部门", "职务", "是否负责人", "手机", "邮箱"],
    ["郑军", "销售部", "销售总监", "是", "139 0000 1001", "zhengjun@example.com"],
    ["王磊", "销售部", "华东区销售", "否", "139 0000 1002", "wanglei@example.com"],
    ["陈静", "销售部", "华东区销售", "否", "139 0000 1003", None],
    ["吴倩", "销售内勤部", "内勤主管", "是", "139 0000 1004", "wuqian@example.com"],
    ["李娜", "销售内勤部", "内勤", "否", None, "lina@example.com"],
    ["张敏", "销售内勤部", "内勤", "否", None, "zhangmin@example.com"],
    ["孙丽", "销售内勤部", "内勤", "否", None, "sunli@example.com"],
    ["许亮", "行政部", "行政专员", "否", None, None],
    ["钱红", "行政部", "行政主任", "是", None, None],
]


def month_book(path: Path) -> Path:
    meetings = [
        meeting(**{"日期": D(2026, 11, 16), "通知时间": None}),
        meeting(**{"会议编号": "HY2026-003", "主题": "季度回款会", "日期": D(2026, 11, 26), "开始": "14:00",
                   "结束": "15:00", "参会人员": "王磊", "通知时间": D(2026, 11, 21, 8)}),
    ]  # fmt: skip
    received = [
        incoming(1, **{"收文编号": None, "收文日期": "2026年11月2日"}),
        incoming(2, **{"收文编号": None, "收文日期": "2026年11月3日", "文件标题": "关于年终结算的通知"}),
        incoming(3, **{"收文编号": None, "收文日期": "2026年11月4日", "文件标题": "关于安全检查的通知"}),
    ]
    sent = [
        outgoing(None, **{"发文日期": "2026年11月5日"}),
        outgoing(None, **{"标题": "关于年终盘点的通知", "发文日期": None}),
        outgoing(None, **{"标题": "关于春节值班的通知", "批准人": None, "发文日期": None}),
    ]
    sheets: dict[str, list[list[Any]]] = {
        "人员": STAFF,
        "会议安排": [MEETING_HEADER, *meetings],
        "参会确认": [ATTENDANCE_HEADER],
        "收文登记": [[*IN_HEADER, "登记时间"], *received],
        "发文登记": [[*OUT_HEADER, "登记时间"], *sent],
        "物品目录": [HEADERS["物品目录"], *CATALOGUE],
        "入库登记": [HEADERS["入库登记"], *RECEIPTS],
        "领用登记": [HEADERS["领用登记"]],
        "领用标准": [HEADERS["领用标准"], *QUOTAS],
    }
    return workbook(path, sheets)


def add_meeting(path: Path, line: list[Any]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["会议安排"]
    row = ws.max_row + 1
    for col, value in enumerate(line, start=1):
        ws.cell(row, col, value)
    wb.save(path)


def reply(path: Path, replies: dict[tuple[str, str], tuple[str | None, dt.datetime | None]]) -> None:
    """Fill 参会确认's 回复 and 确认时间 of (会议编号, 人员) as a clerk does when the answers come in."""
    wb = openpyxl.load_workbook(path)
    ws = wb["参会确认"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "会议编号")
    cols = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
    for r in range(header + 1, ws.max_row + 1):
        key = (ws.cell(r, cols["会议编号"]).value, ws.cell(r, cols["人员"]).value)
        if key in replies:
            answer, when = replies[key]
            ws.cell(r, cols["回复"]).value = answer  # None clears the 未回复 the notice wrote
            ws.cell(r, cols["确认时间"]).value = when
    wb.save(path)


def count(path: Path, counted: dict[str, float], approver: str) -> None:
    """Fill 盘点表's 实盘数量 (and the 审批人 / 差异原因 of items that differ)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["盘点表"]
    cols = {ws.cell(4, c).value: c for c in range(1, ws.max_column + 1)}
    for r in range(5, ws.max_row + 1):
        code = ws.cell(r, 1).value
        if code in counted:
            ws.cell(r, cols["实盘数量"], counted[code])
            if counted[code] != ws.cell(r, cols["账面数量"]).value:
                ws.cell(r, cols["审批人"], approver)
                ws.cell(r, cols["差异原因"], "领用未登记")
    wb.save(path)


@pytest.fixture
def month(tmp_path: Path) -> Path:
    path = month_book(tmp_path / "内勤台账.xlsx")
    run_action(path, "meeting_notice", dt.date(2026, 11, 13), user="李娜", now=D(2026, 11, 13, 16))
    add_meeting(path, meeting(**{"会议编号": "HY2026-002", "主题": "华东区价格会", "日期": D(2026, 11, 25),
                                 "参会人员": "王磊", "通知时间": None}))  # fmt: skip
    run_action(path, "meeting_notice", dt.date(2026, 11, 20), user="张敏", now=D(2026, 11, 20, 10))
    reply(path, {
        ("HY2026-001", "郑军"): ("参加", D(2026, 11, 13, 17)),
        ("HY2026-001", "王磊"): ("请假", D(2026, 11, 14, 9)),
        ("HY2026-001", "陈静"): (None, D(2026, 11, 14, 10)),
        ("HY2026-002", "郑军"): ("参加", D(2026, 11, 20, 11)),
        ("HY2026-002", "王磊"): ("参加", D(2026, 11, 20, 12)),
    })  # fmt: skip
    run_action(path, "register_incoming", dt.date(2026, 11, 4), user="张敏", now=D(2026, 11, 4, 9))
    run_action(path, "number_outgoing", dt.date(2026, 11, 6), user="李娜", now=D(2026, 11, 6, 10))
    run_action(path, "stocktake", dt.date(2026, 11, 28), user="孙丽", now=D(2026, 11, 28, 16))
    count(path, {"BG-001": 40, "BG-002": 17, "BG-003": 0}, approver="钱红")
    run_action(path, "stocktake_close", dt.date(2026, 11, 28), user="孙丽", now=D(2026, 11, 28, 17))
    summary = run_action(path, "compute_kpis", REVIEW_DAY, user="吴倩")
    assert summary.outcome == "ok", summary.text()
    return path


def kpi_rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    ws = openpyxl.load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "内勤")
    return [r for r in rows[header + 1 :] if r[0]]


# (clerk, KPI) -> (结果, 分子, 分母), worked out by hand in the module docstring
EXPECTED = {
    ("李娜", "会议通知知晓率"): ("75.0%", 3, 4),
    ("张敏", "会议通知知晓率"): ("100.0%", 2, 2),
    ("孙丽", "会议通知知晓率"): ("无数据", None, None),
    ("张敏", "文件登记及时率"): ("66.7%", 2, 3),
    ("李娜", "文件登记及时率"): ("50.0%", 1, 2),
    ("孙丽", "文件登记及时率"): ("无数据", None, None),
    ("孙丽", "库存账实相符率"): ("66.7%", 2, 3),
    ("李娜", "库存账实相符率"): ("无数据", None, None),
    ("张敏", "库存账实相符率"): ("无数据", None, None),
}


def test_every_figure_of_the_hand_worked_month(month: Path) -> None:
    found = {(r[0], r[1]): (r[3], r[4], r[5]) for r in kpi_rows(month, "考核指标")}
    assert {key: found[key] for key in EXPECTED} == EXPECTED
    notes = {(r[0], r[1]): r[6] for r in kpi_rows(month, "考核指标")}
    assert notes[("孙丽", "会议通知知晓率")] == "无数据：本月该内勤没有发出会议通知"
    assert notes[("孙丽", "文件登记及时率")] == "无数据：本月该内勤没有登记收文或编号发文"
    assert notes[("李娜", "库存账实相符率")] == "无数据：本月没有该内勤开始并已结束的盘点"


def test_the_evidence_names_each_meeting_document_and_stocktake(month: Path) -> None:
    lines = {(r[0], r[1], r[2], r[3]) for r in kpi_rows(month, "考核指标明细")}
    assert (
        "李娜", "会议通知知晓率", "未达标",
        "会议 HY2026-001「销售周例会」（第 4 行，2026-11-13 16:00 通知）：应通知 4 人，已确认 3 人（其中请假 1 人），"
        "未确认：李娜",
    ) in lines  # fmt: skip
    assert not any("HY2026-003" in x[3] for x in lines)  # notified by hand: nobody's
    assert (
        "张敏", "文件登记及时率", "未达标",
        "收文 收文〔2026〕001号《关于报送季度经营数据的通知》（『收文登记』第 4 行）：收到 2026-11-02，"
        "登记 2026-11-04 09:00，2 天，超过 1 天",
    ) in lines  # fmt: skip
    assert (
        "李娜", "文件登记及时率", "未达标",
        "发文 销字〔2026〕001号《关于调整华东区价格政策的通知》（『发文登记』第 4 行）：编号 2026-11-06 10:00，"
        "发文日期 2026-11-05，发出后才编号",
    ) in lines  # fmt: skip
    assert (
        "孙丽", "库存账实相符率", "未达标",
        "盘点 PD20261128（盘点日 2026-11-28，2026-11-28 17:00 结束）：盘点 3 种，账实相符 2 种，有差异：BG-002",
    ) in lines  # fmt: skip


def test_the_registers_keep_who_numbered_when(month: Path) -> None:
    ws = openpyxl.load_workbook(month)["收文登记"]
    stamps = [r[-1] for r in ws.iter_rows(min_row=4, values_only=True) if r[0]]
    assert stamps == [D(2026, 11, 4, 9)] * 3
    ws = openpyxl.load_workbook(month)["发文登记"]
    stamps = [(r[0], r[-1]) for r in ws.iter_rows(min_row=4, values_only=True) if r[1]]
    assert stamps == [
        ("销字〔2026〕001号", D(2026, 11, 6, 10)),
        ("销字〔2026〕002号", D(2026, 11, 6, 10)),
        (None, None),  # no 批准人: not numbered, not registered
    ]
