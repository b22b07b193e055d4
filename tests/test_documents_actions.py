"""文件档案 actions end to end on real .xlsx files: 收文登记, 发文编号, 文件催办, 电子档案核对."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import openpyxl

import macros
from neiqin.engine import open_book

from .conftest import TODAY, ledger_rows, write_sheet
from .documents_factory import (
    ARC_HEADER,
    IN_HEADER,
    INDEX,
    LOAN_HEADER,
    OUT_HEADER,
    STAFF,
    archive_line,
    incoming,
    loan,
)
from .documents_factory import outgoing as outgoing_line


def run(path: Path, action_id: str, today: dt.date = TODAY) -> Any:
    book = open_book(path, engine="headless")
    summary = macros.run(action_id, book, today=today, user="李娜")
    book.save()
    return summary


def output_rows(path: Path, sheet: str, header: str) -> list[list[Any]]:
    """The rows under the header row (first cell ``header``) of a generated sheet."""
    ws = openpyxl.load_workbook(path)[sheet]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == header)
    return [r for r in rows[start + 1 :] if any(v is not None for v in r)]


def test_register_incoming_numbers_new_lines_and_writes_a_note_per_recipient(tmp_path: Path) -> None:
    lines = [
        incoming(1),
        incoming(2),
        incoming(3, 收文编号=None, 收文日期="2026年11月25日", 分发对象="销售部、何琳", 办结期限=None, 状态=None),
        incoming(4, 收文编号=None, 收文日期="2026年11月26日", 分发对象=None, 办结期限=None, 状态=None),
    ]
    path = write_sheet(tmp_path / "收文.xlsx", [IN_HEADER, *lines], sheet="收文登记", extra_sheets={"人员": STAFF})
    summary = run(path, "register_incoming")
    assert summary.outcome == "ok", summary.text()
    assert "登记了 2 份收文（收文〔2026〕003号 至 收文〔2026〕004号）" in summary.message
    assert any("第 7 行没有填写分发对象" in d for d in summary.details)
    got = {r["_row"]: r for r in ledger_rows(path, "incoming_docs")}
    assert [got[r]["number"] for r in (4, 5, 6, 7)] == [f"收文〔2026〕{n:03d}号" for n in (1, 2, 3, 4)]
    assert got[6]["due_on"] == dt.datetime(2026, 11, 30)  # received 11-25 + 5 阅办天数
    assert (got[6]["status"], got[7]["status"]) == ("阅办中", "待分发")
    assert got[4]["received_on"] == "2026年11月3日"  # the clerk's text dates are left as typed
    notes = output_rows(path, "阅办单", "收文编号")
    assert [(n[0], n[2], n[3]) for n in notes] == [
        ("收文〔2026〕003号", "销售部", "销售部（郑军）"),
        ("收文〔2026〕003号", "何琳", "何琳"),
    ]
    assert notes[0][5].startswith("销售部（郑军）：收文 收文〔2026〕003号《关于报送季度经营数据的通知》")
    assert "请于 2026-11-30 前办结" in notes[0][5] and "沪商务〔2026〕3号" in notes[0][5]
    again = run(path, "register_incoming")
    assert again.message == "没有待登记的收文（「收文编号」为空的行）。"
    assert [r["number"] for r in ledger_rows(path, "incoming_docs")] == [got[r]["number"] for r in (4, 5, 6, 7)]


def test_register_incoming_without_the_number_column_says_what_to_add(tmp_path: Path) -> None:
    header = IN_HEADER[1:]
    path = write_sheet(tmp_path / "收文.xlsx", [header, incoming(1)[1:]], sheet="收文登记")
    summary = run(path, "register_incoming")
    assert summary.outcome != "ok"
    assert "没有「收文编号」列" in summary.text()


def test_number_outgoing_numbers_only_approved_drafts(tmp_path: Path) -> None:
    lines = [
        outgoing_line(1),
        outgoing_line(2),
        outgoing_line(None, 标题="关于年末客户对账工作的通知", 发文日期=None),
        outgoing_line(None, 标题="关于年度优秀内勤评选的通知", 批准人=None, 发文日期=None),
        outgoing_line(None, 标题="关于春节期间发货安排的通知", 审核人="张敏", 发文日期=None),
    ]
    path = write_sheet(tmp_path / "发文.xlsx", [OUT_HEADER, *lines], sheet="发文登记")
    summary = run(path, "number_outgoing")
    assert summary.message == "编号了 1 份发文。"
    assert summary.outcome == "issues"
    text = summary.text()
    assert "第 6 行《关于年末客户对账工作的通知》：销字〔2026〕003号" in text
    assert "第 7 行《关于年度优秀内勤评选的通知》没有批准人" in text
    assert "第 8 行《关于春节期间发货安排的通知》审核人是起草人" in text
    numbers = [r["number"] for r in ledger_rows(path, "outgoing_docs")]
    assert numbers == ["销字〔2026〕001号", "销字〔2026〕002号", "销字〔2026〕003号", None, None]
    assert run(path, "number_outgoing").message.startswith("没有可编号的发文")


def test_number_outgoing_keeps_the_series_style_and_starts_a_new_category(tmp_path: Path) -> None:
    header = [*OUT_HEADER, "代字"]
    lines = [
        [*outgoing_line(None, 发文字号="销字[2026]7号"), "销字"],
        [*outgoing_line(None, 标题="关于办公用品采购的通知", 发文日期=None), "办字"],
        [*outgoing_line(None, 标题="关于华东区价格的补充通知", 发文日期=None), None],
    ]
    path = write_sheet(tmp_path / "发文.xlsx", [header, *lines], sheet="发文登记")
    run(path, "number_outgoing")
    got = [(r["number"], r["category"]) for r in ledger_rows(path, "outgoing_docs")]
    assert got == [("销字[2026]7号", "销字"), ("办字〔2026〕001号", "办字"), ("销字[2026]8号", "销字")]


def test_documents_overdue_lists_reading_and_loans_with_messages(tmp_path: Path) -> None:
    incoming_lines = [
        incoming(1, 办结期限="2026年11月20日"),
        incoming(2, 办结期限="2026年11月24日", 办结日期="2026年11月23日"),
    ]
    loans = [loan(应还日期="2026年11月16日"), loan(申请人="何琳", 审批人="马超", 应还日期="2026年12月1日")]
    path = write_sheet(
        tmp_path / "文件.xlsx",
        [IN_HEADER, *incoming_lines],
        sheet="收文登记",
        extra_sheets={"借阅登记": [LOAN_HEADER, *loans], "人员": STAFF, "档案目录": INDEX},
    )
    summary = run(path, "documents_overdue")
    assert summary.message == "阅办逾期 1 份，借阅逾期 1 笔；见『文件催办』。"
    rows = output_rows(path, "文件催办", "类别")
    assert [(r[0], r[1], r[3], r[5]) for r in rows] == [
        ("借阅", "WS-2026-001", "王磊", 10),
        ("阅办", "收文〔2026〕001号", "销售部（郑军）", 6),
        ("阅办", "收文〔2026〕001号", "财务部（马超）", 6),
    ]
    assert rows[0][6] == (
        "王磊：您借阅的档案 WS-2026-001《2026年合同档案》应于 2026-11-16 归还，已逾期 10 天，请尽快归还档案室（李娜）。"
    )
    assert "办结期限 2026-11-20，已逾期 6 天" in rows[1][6]


def test_documents_overdue_without_registers(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "空.xlsx", [["姓名", "部门"], ["王磊", "销售部"]], sheet="人员")
    summary = run(path, "documents_overdue")
    assert summary.message == "工作簿中没有『收文登记』和『借阅登记』，没有需要催办的文件。"


def test_check_archive_files_finds_missing_and_changed_files_and_records_new_hashes(tmp_path: Path) -> None:
    folder = tmp_path / "档案"
    folder.mkdir()
    (folder / "合同.pdf").write_bytes(b"%PDF-1.4 contract")
    (folder / "章程.pdf").write_bytes(b"%PDF-1.4 articles, edited")
    (folder / "新.pdf").write_bytes(b"%PDF-1.4 new")
    good = hashlib.sha256(b"%PDF-1.4 contract").hexdigest()
    old = hashlib.sha256(b"%PDF-1.4 articles").hexdigest()
    rows = [
        archive_line("WS-2026-001", 电子文件="档案/合同.pdf", **{"SHA-256": good}),
        archive_line("WS-2026-002", 电子文件="档案/章程.pdf", **{"SHA-256": old}),
        archive_line("WS-2026-003", 电子文件="档案/丢了.pdf", **{"SHA-256": good}),
        archive_line("WS-2026-004", 电子文件="档案/新.pdf"),
    ]
    path = write_sheet(tmp_path / "档案目录.xlsx", [ARC_HEADER, *rows], sheet="档案目录")
    summary = run(path, "check_archive_files")
    assert summary.outcome == "issues"
    assert summary.message == "核对了 4 个电子文件：2 个有问题，见『电子档案核对』。"
    listed = output_rows(path, "电子档案核对", "档号")
    assert [(r[0], r[3]) for r in listed] == [("WS-2026-002", "与登记的 SHA-256 不符"), ("WS-2026-003", "找不到文件")]
    got = {r["archive_no"]: r for r in ledger_rows(path, "archive_index")}
    assert got["WS-2026-004"]["sha256"] == hashlib.sha256(b"%PDF-1.4 new").hexdigest()
    assert got["WS-2026-002"]["sha256"] == old  # a changed file never overwrites the recorded hash
    assert sorted((i.code, i.row) for i in summary.issues) == [("FIL-001", 6), ("FIL-002", 5)]
    assert "校验结果" in openpyxl.load_workbook(path).sheetnames


def test_a_formula_like_title_goes_into_the_notes_as_text(tmp_path: Path) -> None:
    hostile = "=1+1"
    line = incoming(1, 收文编号=None, 文件标题=hostile, 收文日期="2026年11月26日", 分发对象="王磊")
    path = write_sheet(tmp_path / "收文.xlsx", [IN_HEADER, line], sheet="收文登记")
    run(path, "register_incoming")
    ws = openpyxl.load_workbook(path)["阅办单"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == hostile]
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_register_incoming_continues_a_register_numbered_by_bare_sequence(tmp_path: Path) -> None:
    lines = [
        incoming(1, 收文编号="1"),
        incoming(2, 收文编号="2"),
        incoming(3, 收文编号=None, 收文日期="2026年11月26日"),
    ]
    path = write_sheet(tmp_path / "收文.xlsx", [IN_HEADER, *lines], sheet="收文登记")
    run(path, "register_incoming")
    assert [r["number"] for r in ledger_rows(path, "incoming_docs")] == ["1", "2", "3"]
