"""文件档案: retention (到期清单) and destruction (销毁登记) — 永久 and legal holds are never destroyed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from validators.documents import DocCode
from validators.documents.rules import expiry, not_destroyable

from .conftest import TODAY, ledger_rows, validate_file, write_sheet
from .documents_factory import ARC_HEADER, DES_HEADER, LOAN_HEADER, archive_line, destruction_line, loan
from .test_documents_actions import run

# (年度, 保管期限, 法律冻结, 状态, why it cannot be destroyed on TODAY; None = it can)
CASES = [
    (2020, "3年", None, "在库", None),
    (2022, "3年", None, "在库", None),
    (2023, "3年", None, "在库", "保管期限到 2026-12-31 才届满"),
    (2020, "３年", "否", "在库", None),
    (2020, "1年", "无", "在库", None),
    (2000, "永久", None, "在库", "保管期限为永久"),
    (2020, "3年", "合同纠纷诉讼中", "在库", "有法律冻结（合同纠纷诉讼中）"),
    (2020, "3年", None, "借出", "正在借出"),
    (None, "3年", None, "在库", "没有年度或保管期限，无法确定是否到期"),
    (2020, "很久", None, "在库", "没有年度或保管期限，无法确定是否到期"),
]


@pytest.mark.parametrize(("year", "retention", "hold", "status", "why"), CASES)
def test_what_may_be_destroyed(year: Any, retention: str, hold: Any, status: str, why: str | None) -> None:
    entry = {"year": year, "retention": retention, "legal_hold": hold, "status": status}
    assert not_destroyable(entry, TODAY) == why


def test_expiry_is_the_end_of_the_last_year() -> None:
    assert expiry(2020.0, "10年") == dt.date(2030, 12, 31)
    assert expiry(2020, "永久") is None


INDEX = [
    [*ARC_HEADER, "法律冻结"],
    [*archive_line("WS-2020-001", 年度=2020, 保管期限="3年"), None],
    [*archive_line("WS-2000-002", 年度=2000, 保管期限="永久"), None],
    [*archive_line("WS-2020-003", 年度=2020, 保管期限="3年"), "审计保留"],
    [*archive_line("WS-2020-004", 年度=2020, 保管期限="1年"), None],
    [*archive_line("WS-2026-005", 年度=2026, 保管期限="10年"), None],
    [*archive_line("WS-2019-006", 年度=2019, 保管期限="3年", 状态="已销毁"), None],
    [*archive_line("WS-2020-007", 年度=2020, 保管期限="3年"), None],
]

RULE_CASES = [
    ("complete", [destruction_line("WS-2020-001")], []),
    ("listed, not yet destroyed", [destruction_line("WS-2020-001", 销毁日期=None, 销毁人=None, 监销人=None)], []),
    (
        "destroyed without approval",
        [destruction_line("WS-2020-001", 批准人=None, 批准日期=None)],
        [(DocCode.DOC_DESTRUCTION_INCOMPLETE, 4, "销毁日期")],
    ),
    (
        "no witness",
        [destruction_line("WS-2020-001", 监销人=None)],
        [(DocCode.DOC_DESTRUCTION_INCOMPLETE, 4, "销毁日期")],
    ),
    (
        "witness is the destroyer",
        [destruction_line("WS-2020-001", 监销人="许亮")],
        [(DocCode.DOC_DESTRUCTION_INCOMPLETE, 4, "销毁日期")],
    ),
    (
        "approved after destruction",
        [destruction_line("WS-2020-001", 批准日期="2026年11月21日")],
        [(DocCode.DOC_DESTRUCTION_INCOMPLETE, 4, "销毁日期")],
    ),
    ("method not in the list", [destruction_line("WS-2020-001", 销毁方式="扔了")], [("LED-016", 4, "销毁方式")]),
    ("permanent listed", [destruction_line("WS-2000-002", 销毁日期=None)], [(DocCode.DOC_NOT_DESTROYABLE, 4, "档号")]),
    ("legal hold listed", [destruction_line("WS-2020-003", 销毁日期=None)], [(DocCode.DOC_NOT_DESTROYABLE, 4, "档号")]),
    ("not yet due", [destruction_line("WS-2026-005", 销毁日期=None)], [(DocCode.DOC_NOT_DESTROYABLE, 4, "档号")]),
    ("unknown", [destruction_line("WS-1999-404", 销毁日期=None)], [(DocCode.DOC_NOT_IN_INDEX, 4, "档号")]),
    (
        "listed twice",
        [destruction_line("WS-2020-001"), destruction_line("WS-2020-001", 销毁日期=None)],
        [("LED-018", 5, "档号")],
    ),
]


@pytest.mark.parametrize(("what", "rows", "expected"), RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_destruction_checks(tmp_path: Path, what: str, rows: list[list[Any]], expected: list[Any]) -> None:
    path = write_sheet(tmp_path / "销毁.xlsx", [DES_HEADER, *rows], sheet="销毁清单", extra_sheets={"档案目录": INDEX})
    got = sorted((i.code, i.row, i.column) for i in validate_file(path, "destruction").issues)
    assert got == sorted((str(c), r, col) for c, r, col in expected)


def test_retention_due_lists_expired_documents_once_and_never_permanent_held_or_lent(tmp_path: Path) -> None:
    loans = [LOAN_HEADER, loan(档号="WS-2020-007")]
    path = write_sheet(tmp_path / "档案.xlsx", INDEX, sheet="档案目录", extra_sheets={"借阅登记": loans})
    summary = run(path, "retention_due")
    assert summary.message.startswith("保管期限已满的档案 2 份列入『销毁清单』（待审批）")
    text = summary.text()
    assert "WS-2020-003（第 6 行）有法律冻结（审计保留）" in text
    assert "WS-2020-007（第 10 行）正在借出" in text
    assert "WS-2000-002" not in text  # 永久: never due
    listed = [(r["archive_no"], r["expired_on"], r["status"]) for r in ledger_rows(path, "destruction")]
    assert listed == [
        ("WS-2020-001", dt.datetime(2023, 12, 31), "待审批"),
        ("WS-2020-004", dt.datetime(2021, 12, 31), "待审批"),
    ]
    again = run(path, "retention_due")
    assert again.message == "没有新的保管期限已满的档案。"
    assert len(ledger_rows(path, "destruction")) == 2


def test_record_destruction_keeps_a_tombstone_and_refuses_incomplete_or_protected_lines(tmp_path: Path) -> None:
    lines = [
        destruction_line("WS-2020-001"),
        destruction_line("WS-2020-004", 监销人=None),
        destruction_line("WS-2000-002"),
        destruction_line("WS-2020-007", 销毁日期=None),
    ]
    path = write_sheet(tmp_path / "档案.xlsx", [DES_HEADER, *lines], sheet="销毁清单", extra_sheets={"档案目录": INDEX})
    summary = run(path, "record_destruction")
    assert summary.outcome == "issues"
    assert summary.message.startswith("登记销毁 1 份：WS-2020-001；")
    text = summary.text()
    assert "第 5 行 WS-2020-004：监销人" in text
    assert "第 6 行 WS-2000-002：保管期限为永久" in text
    index = {r["archive_no"]: r for r in ledger_rows(path, "archive_index")}
    assert index["WS-2020-001"]["status"] == "已销毁"  # the row stays: the tombstone
    assert index["WS-2020-001"]["title"] == "2026年合同档案"
    assert index["WS-2020-004"]["status"] == index["WS-2000-002"]["status"] == "在库"
    listed = {r["archive_no"]: r["status"] for r in ledger_rows(path, "destruction")}
    assert listed == {
        "WS-2020-001": "已销毁",
        "WS-2020-004": "已批准",
        "WS-2000-002": "已批准",
        "WS-2020-007": "已批准",
    }
    assert sorted((i.code, i.row) for i in summary.issues) == [("DES-001", 5), ("DES-001", 6)]
    assert "校验结果" in openpyxl.load_workbook(path).sheetnames
    again = run(path, "record_destruction")
    assert "登记销毁" not in again.message  # only once: a destroyed line is not registered again


def test_text_that_looks_like_a_formula_is_copied_as_text(tmp_path: Path) -> None:
    hostile = '=HYPERLINK("http://example.invalid","点我")'
    index = [[*ARC_HEADER, "法律冻结"], [*archive_line("WS-2020-001", 年度=2020, 保管期限="3年", 标题=hostile), None]]
    path = write_sheet(tmp_path / "档案.xlsx", index, sheet="档案目录")
    run(path, "retention_due")
    ws = openpyxl.load_workbook(path)["销毁清单"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == hostile]
    assert len(cells) == 1 and cells[0].data_type == "s"
