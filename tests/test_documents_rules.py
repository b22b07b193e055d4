"""文件档案: document numbers in every style, and the checks of 收文登记, 发文登记, 档案目录, 借阅登记."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from neiqin.core.config import Settings
from validators.documents import DocCode, numbers

from .conftest import validate_file, write_sheet
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
    outgoing,
)

# (as written, category, year, sequence)
NUMBERS = [
    ("宁党〔2021〕1号", "宁党", 2021, 1),
    ("「宁党〔2021〕1号」", "宁党", 2021, 1),
    ("销字〔2026〕012号", "销字", 2026, 12),
    ("销字[2026]12号", "销字", 2026, 12),
    ("销字［2026］12号", "销字", 2026, 12),
    ("销字(2026)12号", "销字", 2026, 12),
    ("销字（2026）12号", "销字", 2026, 12),
    ("销字【2026】12号", "销字", 2026, 12),
    ("销字〖2026〗12号", "销字", 2026, 12),
    ("销字﹝2026﹞12号", "销字", 2026, 12),
    ("销字〔２０２６〕１２号", "销字", 2026, 12),
    ("销字 〔2026〕 第12号", "销字", 2026, 12),
    ("国办发〔2021〕第 3 号", "国办发", 2021, 3),
    ("沪商务〔2026年〕7号", "沪商务", 2026, 7),
    ("收文2026-015", "收文", 2026, 15),
    ("SW-2026-015", "SW", 2026, 15),
    ("收文2026015", "收文", 2026, 15),
]
NOT_NUMBERS = ["", "宁党〔2021〕", "宁党1号", "关于调整价格的通知", "销字〔2026〕0号", "〔20〕12号"]


@pytest.mark.parametrize(("text", "category", "year", "seq"), NUMBERS, ids=[n[0] for n in NUMBERS])
def test_document_numbers_in_every_style(text: str, category: str, year: int, seq: int) -> None:
    number = numbers.parse(text)
    assert number is not None
    assert (number.category, number.year, number.seq) == (category, year, seq)


def test_a_bare_sequence_counts_in_the_year_of_its_date() -> None:
    number = numbers.parse("012", 2026)
    assert number is not None and (number.category, number.year, number.seq) == ("", 2026, 12)
    assert number.with_seq(13) == "013"
    assert numbers.parse("12") is None  # without a date there is no series


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_what_is_not_a_document_number(text: str) -> None:
    assert numbers.parse(text) is None


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        ([], "销字〔2026〕001号"),
        (["销字〔2026〕011号", "销字〔2026〕012号"], "销字〔2026〕013号"),
        (["销字[2026]9号"], "销字[2026]10号"),
        (["销字〔2025〕099号"], "销字〔2026〕001号"),
        (["办字〔2026〕005号"], "销字〔2026〕001号"),
    ],
)
def test_next_number_continues_the_series_in_its_style(taken: list[str], expected: str) -> None:
    parsed = [n for n in map(numbers.parse, taken) if n is not None]
    assert numbers.next_number(parsed, "销字", 2026, "{category}〔{year}〕{seq:03d}号") == expected


@given(
    st.sampled_from(["销字", "宁党", "沪商务", "SW"]),
    st.integers(1990, 2099),
    st.integers(1, 99999),
    st.sampled_from(["〔{}〕", "[{}]", "（{}）", "【{}】", "({})"]),
)
def test_any_bracketed_number_reads_back(category: str, year: int, seq: int, bracket: str) -> None:
    number = numbers.parse(f"{category}{bracket.format(year)}{seq}号")
    assert number is not None and (number.category, number.year, number.seq) == (category, year, seq)
    assert numbers.parse(number.with_seq(seq + 1)).seq == seq + 1  # type: ignore[union-attr]


@given(st.text(max_size=40))
def test_any_text_parses_or_is_refused(text: str) -> None:
    number = numbers.parse(text)
    assert number is None or number.seq > 0


# --------------------------------------------------------------------------- the registers, as real files


def found(path: Path, ledger: str, settings: Any = None) -> list[tuple[str, int, str]]:
    return sorted((i.code, i.row, i.column) for i in validate_file(path, ledger, settings).issues)


FIRST = 4  # the Excel row of the first line under write_sheet's title, blank row and header

INCOMING_CASES = [
    ("good", [incoming(1), incoming(2)], []),
    ("text date read", [incoming(1, 收文日期="2026年3月26日", 办结期限="2026年4月2日", 办结日期="2026年4月1日")], []),
    (
        "number twice",
        [incoming(1), incoming(1, 文号="沪商务〔2026〕9号")],
        [(DocCode.DOC_DUPLICATE_NUMBER, 5, "收文编号")],
    ),
    ("gap", [incoming(1), incoming(3)], [(DocCode.DOC_NUMBER_GAP, 5, "收文编号")]),
    (
        "gap in half-width style",
        [incoming(1, 收文编号="收文[2026]1号"), incoming(2, 收文编号="收文(2026)4号")],
        [(DocCode.DOC_NUMBER_GAP, 5, "收文编号")],
    ),
    (
        "same series, other year, no gap",
        [incoming(1), incoming(1, 收文编号="收文〔2025〕001号", 收文日期="2025年12月30日", 文号="沪商务〔2025〕1号")],
        [],
    ),
    ("unreadable number", [incoming(1, 收文编号="第一号")], [(DocCode.DOC_BAD_NUMBER, 4, "收文编号")]),
    ("bare sequence per year", [incoming(1, 收文编号="1"), incoming(2, 收文编号="第2号")], []),
    (
        "bare sequence with a gap",
        [incoming(1, 收文编号="1"), incoming(2, 收文编号="3")],
        [(DocCode.DOC_NUMBER_GAP, 5, "收文编号")],
    ),
    (
        "bare sequence restarts each year",
        [incoming(1, 收文编号="1"), incoming(2, 收文编号="1", 收文日期="2025年12月30日", 文号="沪商务〔2025〕1号")],
        [],
    ),
    ("year off the date", [incoming(1, 收文日期="2025年12月31日")], [(DocCode.DOC_YEAR_MISMATCH, 4, "收文编号")]),
    (
        "same document twice",
        [incoming(1), incoming(2, 文号="沪商务[2026]1号")],
        [(DocCode.DOC_SAME_DOCUMENT_TWICE, 5, "文号")],
    ),
    ("no distribution", [incoming(1, 分发对象=None)], [(DocCode.DOC_NO_DISTRIBUTION, 4, "分发对象")]),
    ("reading overdue", [incoming(1, 办结期限="2026年11月20日")], [(DocCode.DOC_READING_OVERDUE, 4, "办结期限")]),
    ("due today is not overdue", [incoming(1, 办结期限="2026年11月26日")], []),
    ("overdue but done", [incoming(1, 办结期限="2026年11月20日", 办结日期="2026年11月21日")], []),
]


@pytest.mark.parametrize(("what", "rows", "expected"), INCOMING_CASES, ids=[c[0] for c in INCOMING_CASES])
def test_incoming_checks(tmp_path: Path, what: str, rows: list[list[Any]], expected: list[Any]) -> None:
    path = write_sheet(tmp_path / "收文.xlsx", [IN_HEADER, *rows], sheet="收文登记簿", title="2026年收文登记簿")
    assert found(path, "incoming_docs") == sorted((str(c), r, col) for c, r, col in expected)


OUTGOING_CASES = [
    ("good", [outgoing(1), outgoing(2)], []),
    ("draft not yet numbered needs no approval", [outgoing(1), outgoing(None, 批准人=None, 发文日期=None)], []),
    (
        "duplicate across bracket styles",
        [outgoing(1), outgoing(None, 发文字号="销字[2026]1号")],
        [(DocCode.DOC_DUPLICATE_NUMBER, 5, "发文字号")],
    ),
    ("gap", [outgoing(1), outgoing(2), outgoing(5)], [(DocCode.DOC_NUMBER_GAP, 6, "发文字号")]),
    ("two categories, no gap", [outgoing(1), outgoing(None, 发文字号="办字〔2026〕001号")], []),
    ("numbered without approver", [outgoing(1, 批准人=None)], [(DocCode.DOC_NOT_APPROVED, 4, "批准人")]),
    ("numbered without reviewer", [outgoing(1, 审核人=None)], [(DocCode.DOC_NOT_APPROVED, 4, "审核人")]),
    ("reviewed by the drafter", [outgoing(1, 审核人="张敏")], [(DocCode.DOC_SELF_APPROVED, 4, "审核人")]),
    ("approved by the drafter", [outgoing(1, 批准人="张敏")], [(DocCode.DOC_SELF_APPROVED, 4, "批准人")]),
    ("sent without distribution", [outgoing(1, 分发范围=None)], [(DocCode.DOC_NO_DISTRIBUTION, 4, "分发范围")]),
]


@pytest.mark.parametrize(("what", "rows", "expected"), OUTGOING_CASES, ids=[c[0] for c in OUTGOING_CASES])
def test_outgoing_checks(tmp_path: Path, what: str, rows: list[list[Any]], expected: list[Any]) -> None:
    path = write_sheet(tmp_path / "发文.xlsx", [OUT_HEADER, *rows], sheet="发文登记", title="2026年发文登记")
    assert found(path, "outgoing_docs") == sorted((str(c), r, col) for c, r, col in expected)


def test_archive_files_exist_and_keep_their_hash(tmp_path: Path) -> None:
    (tmp_path / "档案").mkdir()
    kept = tmp_path / "档案" / "合同.pdf"
    kept.write_bytes(b"%PDF-1.4 contract")
    changed = tmp_path / "档案" / "章程.pdf"
    changed.write_bytes(b"%PDF-1.4 articles")
    digest = hashlib.sha256(b"%PDF-1.4 contract").hexdigest()
    rows = [
        archive_line("WS-2026-001", 电子文件="档案/合同.pdf", **{"SHA-256": digest}),
        archive_line("WS-2026-002", 电子文件="档案/章程.pdf", **{"SHA-256": digest}),
        archive_line("WS-2026-003", 电子文件="档案/没有.pdf"),
        archive_line("WS-2026-004", 电子文件=str(kept), **{"SHA-256": digest.upper()}),
        archive_line("WS-2026-005", 电子文件="档案/没有.pdf", 状态="已销毁"),
        archive_line("WS-2026-006", 存放位置="三楼柜子里"),
        archive_line("WS-2026-007", 保管期限="5年"),
    ]
    path = write_sheet(tmp_path / "档案目录.xlsx", [ARC_HEADER, *rows], sheet="档案目录")
    assert found(path, "archive_index") == [
        ("FIL-001", FIRST + 2, "电子文件"),
        ("FIL-002", FIRST + 1, "SHA-256"),
        ("FIL-003", FIRST + 5, "存放位置"),
        ("LED-016", FIRST + 6, "保管期限"),
    ]


LOAN_CASES = [
    ("good", [loan()], None, []),
    (
        "approved by the department head named on the line",
        [loan(申请人="何琳", 部门="财务部", 审批人="马超")],
        None,
        [],
    ),
    (
        "approved by another department's head",
        [loan(审批人="马超")],
        None,
        [(DocCode.DOC_LOAN_NOT_BY_HEAD, 4, "审批人")],
    ),
    ("not approved", [loan(审批人=None)], None, [(DocCode.DOC_LOAN_NOT_BY_HEAD, 4, "审批人")]),
    (
        "head approves own loan",
        [loan(申请人="郑军", 审批人="郑军")],
        None,
        [(DocCode.DOC_LOAN_NOT_BY_HEAD, 4, "审批人")],
    ),
    ("head's loan approved by another", [loan(申请人="郑军", 审批人="马超")], None, []),
    ("borrower unknown", [loan(申请人="路人甲")], None, [(DocCode.DOC_UNKNOWN_PERSON, 4, "申请人")]),
    ("overdue", [loan(应还日期="2026年11月20日")], None, [(DocCode.DOC_LOAN_OVERDUE, 4, "应还日期")]),
    (
        "overdue by the default days",
        [loan(借出日期="2026年11月1日", 应还日期=None)],
        None,
        [(DocCode.DOC_LOAN_OVERDUE, 4, "应还日期")],
    ),
    ("returned late is not overdue now", [loan(应还日期="2026年11月20日", 归还日期="2026年11月22日")], None, []),
    (
        "secret without second approval",
        [loan(档号="WS-2026-002")],
        None,
        [(DocCode.DOC_SECRET_ONE_APPROVAL, 4, "二次审批人")],
    ),
    (
        "secret, second approver is the first",
        [loan(档号="WS-2026-002", 二次审批人="郑军")],
        None,
        [(DocCode.DOC_SECRET_ONE_APPROVAL, 4, "二次审批人")],
    ),
    ("secret with second approval", [loan(档号="WS-2026-002", 二次审批人="钱红")], None, []),
    ("second approval switched off", [loan(档号="WS-2026-002")], {"second_approval_levels": []}, []),
    ("unknown archive number", [loan(档号="WS-1999-404")], None, [(DocCode.DOC_UNKNOWN_ARCHIVE_NO, 4, "档号")]),
    ("destroyed document lent", [loan(档号="WS-2026-003")], None, [(DocCode.DOC_LENT_DESTROYED, 4, "档号")]),
]


@pytest.mark.parametrize(("what", "rows", "config", "expected"), LOAN_CASES, ids=[c[0] for c in LOAN_CASES])
def test_loan_checks(tmp_path: Path, what: str, rows: list[list[Any]], config: Any, expected: list[Any]) -> None:
    path = write_sheet(tmp_path / "借阅.xlsx", [LOAN_HEADER, *rows], sheet="借阅登记",
                       extra_sheets={"人员": STAFF, "档案目录": INDEX})  # fmt: skip
    settings = Settings(**config) if config else None
    assert found(path, "loans", settings) == sorted((str(c), r, col) for c, r, col in expected)


def test_loans_without_staff_or_index_sheets_skip_those_checks(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "借阅.xlsx", [LOAN_HEADER, loan(审批人="马超", 档号="WS-1999-404")], sheet="借阅登记")
    assert found(path, "loans") == []


def test_text_dates_are_read_as_dates(tmp_path: Path) -> None:
    line = incoming(1, 收文日期="2021年3月26日", 收文编号="收文〔2021〕001号", 文号="宁党〔2021〕1号")
    path = write_sheet(tmp_path / "收文.xlsx", [IN_HEADER, line], sheet="收文登记")
    checked = validate_file(path, "incoming_docs")
    assert checked.ledger.frame["received_on"].iloc[0].date().isoformat() == "2021-03-26"
    assert checked.issues == []
    assert openpyxl.load_workbook(path)["收文登记"]["E4"].value == "2021年3月26日"  # the clerk's cell untouched


def test_a_settings_section_is_found_after_its_module_is_imported_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """neiqin.base.addin re-imports validators when a look-alike was loaded: rules holding the earlier
    class still get their section."""
    from neiqin.core import config
    from validators.documents.settings import DocumentSettings as Earlier

    again = type(
        "DocumentSettings", (Earlier,), {"__module__": Earlier.__module__, "__qualname__": Earlier.__qualname__}
    )
    monkeypatch.setitem(config._SECTIONS, "incoming_docs", again)
    assert Settings().of(Earlier).loan_days == 14
