"""会议: the checks of 会议安排, 参会确认, 会议纪要 and 决议跟踪 as tables (real .xlsx files, Excel rows)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from neiqin.core.issues import Code
from validators.meetings import MeetingCode as M
from validators.meetings.model import overlaps, parse_clock, parse_due, split_names

from .conftest import validate_file
from .meeting_factory import meeting, meeting_book

PENDING = ("待商定", "待定", "另行商定")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("09:30", dt.time(9, 30)),
        ("9:05", dt.time(9, 5)),
        ("14:00:00", dt.time(14, 0)),
        ("１４：００", dt.time(14, 0)),  # full-width, as an IME types it
        ("9点", dt.time(9, 0)),
        ("9点半", dt.time(9, 30)),
        ("9点15分", dt.time(9, 15)),
        ("下午2点", dt.time(14, 0)),
        ("下午2:30", dt.time(14, 30)),
        ("晚上7点", dt.time(19, 0)),
        ("中午12点", dt.time(12, 0)),
        ("上午10点", dt.time(10, 0)),
        (dt.time(8, 45), dt.time(8, 45)),
        (0.375, dt.time(9, 0)),  # an Excel time as xlwings gives it: a fraction of a day
        (dt.datetime(1899, 12, 30, 16, 0), dt.time(16, 0)),
        (None, None),
        ("  ", None),
    ],
)
def test_clock_cells(cell: Any, expected: dt.time | None) -> None:
    assert parse_clock(cell) == expected


@pytest.mark.parametrize("cell", ["25:00", "9点70", "上午", "明天", "0930am", 1.5, -0.1, True, "9：3"])
def test_not_a_clock(cell: Any) -> None:
    with pytest.raises(ValueError):
        parse_clock(cell)


@pytest.mark.parametrize(
    ("cell", "date", "pending", "bad"),
    [
        (dt.datetime(2026, 3, 26), dt.date(2026, 3, 26), None, False),
        ("2026年3月26日", dt.date(2026, 3, 26), None, False),
        ("2026-03-26", dt.date(2026, 3, 26), None, False),
        (46107.0, dt.date(2026, 3, 26), None, False),  # a date serial
        ("待商定", None, "待商定", False),
        ("时间待定", None, "时间待定", False),
        ("另行商定", None, "另行商定", False),
        ("尽快", None, None, True),
        ("2026年2月30日", None, None, True),
    ],
)
def test_due_cells(cell: Any, date: dt.date | None, pending: str | None, bad: bool) -> None:
    due = parse_due(cell, PENDING)
    assert (due.date, due.pending, due.bad) == (date, pending, bad)
    assert parse_due(None, PENDING).empty and parse_due(" ", PENDING).empty


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("王磊、陈静、李娜", ["王磊", "陈静", "李娜"]),
        ("王磊,陈静，李娜；王磊", ["王磊", "陈静", "李娜"]),
        ("王磊 陈静\n李娜", ["王磊", "陈静", "李娜"]),
        ("张伟（华东）、张伟（华北）", ["张伟（华东）", "张伟（华北）"]),
        (None, []),
    ],
)
def test_names_in_a_cell(cell: Any, names: list[str]) -> None:
    assert split_names(cell) == names


def _brute_force(intervals: list[tuple[dt.datetime, dt.datetime, int]]) -> set[int]:
    """Lines that overlap any line sorted before them (all pairs: the slow definition)."""
    ordered = sorted(intervals)
    return {
        ordered[j][2]
        for j in range(len(ordered))
        for i in range(j)
        if ordered[i][0] < ordered[j][1] and ordered[j][0] < ordered[i][1]
    }


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12)), max_size=30))
def test_sweep_finds_the_same_clashes_as_all_pairs(spans: list[tuple[int, int]]) -> None:
    base = dt.datetime(2026, 11, 30, 8)
    intervals = [
        (base + dt.timedelta(minutes=15 * s), base + dt.timedelta(minutes=15 * (s + n)), i)
        for i, (s, n) in enumerate(spans)
    ]
    found = overlaps(intervals)
    assert {c.second for c in found} == _brute_force(intervals)
    for clash in found:  # each reported line names a line it really overlaps
        a, b = intervals[clash.first], intervals[clash.second]
        assert a[0] < b[1] and b[0] < a[1]


def test_sweep_is_not_all_pairs() -> None:
    """5,000 meetings in one room: one sort and one pass (all pairs would be 12.5 million comparisons)."""
    rng = random.Random(1)
    base = dt.datetime(2026, 1, 1, 8)
    intervals = []
    for i in range(5000):
        start = base + dt.timedelta(hours=3 * i + rng.choice((0, 0, 0, 2)))
        intervals.append((start, start + dt.timedelta(hours=rng.choice((1, 2))), i))
    assert {c.second for c in overlaps(intervals)} == {
        b[2] for a, b in zip(sorted(intervals), sorted(intervals)[1:], strict=False) if b[0] < a[1]
    }


def found(tmp_path: Path, ledger: str, meetings: list[list[Any]], **others: Any) -> list[tuple[str, int, str]]:
    staff = others.pop("staff", True)
    merges = others.pop("merges", None)
    path = meeting_book(tmp_path / "会议.xlsx", meetings, staff=staff, merges=merges, **others)
    checked = validate_file(path, ledger)
    return sorted((str(i.code), i.row, i.column) for i in checked.issues)


# Excel rows: a title row, a blank row, the header on row 3, lines from row 4
FIRST, SECOND, THIRD = 4, 5, 6
OTHER = {"会议编号": "HY2026-002", "主题": "内勤工作会", "地点": "二号会议室", "主持人": "吴倩", "参会人员": "钱红"}

MEETING_CASES = [
    ("nothing", [meeting(), meeting(**OTHER)], []),
    (
        "times as clerks type them",
        [meeting(开始="9点", 结束=dt.time(10, 0)), meeting(**OTHER, 开始="上午10点", 结束="下午2点半")],
        [],
    ),
    ("start not a time", [meeting(开始="九点")], [(M.MTG_BAD_TIME, FIRST, "开始")]),
    ("end before start", [meeting(开始="10:00", 结束="09:00")], [(M.MTG_END_BEFORE_START, FIRST, "结束")]),
    ("end equals start", [meeting(开始="10:00", 结束="10:00")], [(M.MTG_END_BEFORE_START, FIRST, "结束")]),
    (
        "same room, overlapping",
        [meeting(), meeting(**{**OTHER, "地点": "一号会议室"}, 开始="09:30", 结束="11:00")],
        [(M.MTG_ROOM_CLASH, SECOND, "地点")],
    ),
    (
        "same room written differently",
        [meeting(), meeting(**{**OTHER, "地点": "一号会议室 "}, 开始="9:59")],
        [(M.MTG_ROOM_CLASH, SECOND, "地点")],
    ),
    (
        "same room, back to back",
        [meeting(), meeting(**{**OTHER, "地点": "一号会议室"}, 开始="10:00", 结束="11:00")],
        [],
    ),
    (
        "same room, another day",
        [meeting(), meeting(**{**OTHER, "地点": "一号会议室"}, 日期=dt.datetime(2026, 12, 1))],
        [],
    ),
    ("online meetings share no room", [meeting(地点="线上"), meeting(**{**OTHER, "地点": "线上"})], []),
    (
        "an attendee in two meetings",
        [meeting(), meeting(**{**OTHER, "参会人员": "钱红、王磊"}, 开始="09:45")],
        [(M.MTG_PERSON_CLASH, SECOND, "参会人员")],
    ),
    (
        "the chair in two meetings",
        [meeting(), meeting(**{**OTHER, "主持人": "郑军"}, 开始="09:45")],
        [(M.MTG_PERSON_CLASH, SECOND, "主持人")],
    ),
    (
        "a third meeting overlapping the first only",
        [
            meeting(结束="12:00"),
            meeting(**OTHER),
            meeting(**{**OTHER, "会议编号": "HY2026-003", "地点": "一号会议室"}, 开始="11:00", 结束="11:30"),
        ],
        [(M.MTG_ROOM_CLASH, THIRD, "地点")],
    ),
    (
        "notice 2 hours before",
        [meeting(通知时间=dt.datetime(2026, 11, 30, 7, 0))],
        [(M.MTG_LATE_NOTICE, FIRST, "通知时间")],
    ),
    ("notice exactly 24 hours before", [meeting(通知时间=dt.datetime(2026, 11, 29, 9, 0))], []),
    (
        "not notified, meeting tomorrow",
        [meeting(日期=dt.datetime(2026, 11, 27), 通知时间=None)],
        [(M.MTG_NOT_NOTIFIED, FIRST, "通知时间")],
    ),
    ("not notified, meeting in two weeks", [meeting(日期=dt.datetime(2026, 12, 10), 通知时间=None)], []),
    ("no equipment", [meeting(所需设备=None)], [(M.MTG_NO_EQUIPMENT, FIRST, "所需设备")]),
    ("no materials", [meeting(材料=None)], [(M.MTG_NO_MATERIALS, FIRST, "材料")]),
    ("「无」 is listed", [meeting(所需设备="无", 材料="无")], []),
    ("an attendee not in 人员", [meeting(参会人员="王磊、张三")], [(M.MTG_UNKNOWN_PERSON, FIRST, "参会人员")]),
    ("a chair not in 人员", [meeting(主持人="郑总")], [(M.MTG_UNKNOWN_PERSON, FIRST, "主持人")]),
    ("no 人员 sheet: names not checked", [meeting(参会人员="张三")], [], False),
    (
        "the same 会议编号 twice",
        [meeting(), meeting(**{**OTHER, "会议编号": "HY2026-001"})],
        [(Code.LED_DUPLICATE_KEY, SECOND, "会议编号")],
    ),
]


@pytest.mark.parametrize("case", MEETING_CASES, ids=[c[0] for c in MEETING_CASES])
def test_meeting_checks(tmp_path: Path, case: tuple[Any, ...]) -> None:
    _what, lines, expected, *staff = case
    got = found(tmp_path, "meetings", lines, staff=staff[0] if staff else True)
    assert got == sorted((str(code), row, column) for code, row, column in expected)


NOTICED = dt.datetime(2026, 11, 27, 16, 30)
REPLIED = dt.datetime(2026, 11, 27, 17, 0)
ATTENDANCE_CASES = [
    (
        "nothing",
        [
            ["HY2026-001", "王磊", NOTICED, REPLIED, "参加"],
            ["HY2026-001", "郑军", NOTICED, REPLIED, "请假"],
            ["HY2026-001", "李娜", NOTICED, None, "未回复"],
        ],
        [],
    ),
    (
        "unknown meeting",
        [["HY2026-009", "王磊", NOTICED, REPLIED, "参加"]],
        [(M.MTG_UNKNOWN_MEETING, FIRST, "会议编号")],
    ),
    ("not invited", [["HY2026-001", "钱红", NOTICED, REPLIED, "参加"]], [(M.MTG_NOT_INVITED, FIRST, "人员")]),
    (
        "reply without time",
        [["HY2026-001", "王磊", NOTICED, None, "参加"]],
        [(M.MTG_REPLY_WITHOUT_TIME, FIRST, "确认时间")],
    ),
    (
        "reply not in the list",
        [["HY2026-001", "王磊", NOTICED, REPLIED, "收到"]],
        [(Code.LED_NOT_IN_LIST, FIRST, "回复")],
    ),
]


@pytest.mark.parametrize(("what", "lines", "expected"), ATTENDANCE_CASES, ids=[c[0] for c in ATTENDANCE_CASES])
def test_attendance_checks(tmp_path: Path, what: str, lines: list[list[Any]], expected: Any) -> None:
    got = found(tmp_path, "attendance", [meeting()], attendance=lines)
    assert got == sorted((str(code), row, column) for code, row, column in expected)


REVIEWED = dt.datetime(2026, 12, 1, 10, 0)
SENT = dt.datetime(2026, 12, 1, 14, 0)


def minute(
    decision: Any = "整理逾期订单清单",
    owner: Any = "李娜",
    due: Any = dt.datetime(2026, 12, 15),
    *,
    mid: Any = "HY2026-001",
    reviewer: Any = "郑军",
    reviewed: Any = REVIEWED,
    sent: Any = SENT,
) -> list[Any]:
    return [mid, "周例会", "回款与逾期", decision, owner, due, reviewer, reviewed, sent]


MINUTES_CASES = [
    ("nothing", [minute()], []),
    (
        "action items, 会议编号 left blank",
        [minute(), [None, None, None, "更新客户联系人", "张敏", dt.datetime(2026, 12, 20), None, None, None]],
        [(Code.LED_REQUIRED, SECOND, "会议编号")],
    ),
    # an action-item table: the meeting's cells on its first line only, 「待商定」 allowed but listed
    (
        "action items under a merged 会议编号, meeting cells on the first line only",
        [
            minute(),
            [None, None, None, "更新客户联系人", "张敏", "待商定", None, None, None],
            [None, None, None, "准备拜访计划", "王磊", "2026年12月20日", None, None, None],
        ],
        [(Code.LED_MERGED_CELLS, FIRST, "会议编号"), (M.MTG_DUE_PENDING, SECOND, "截止时间")],
    ),
    ("no owner", [minute(owner=None)], [(M.MTG_NO_OWNER, FIRST, "负责人")]),
    ("no due date", [minute(due=None)], [(M.MTG_NO_DUE, FIRST, "截止时间")]),
    ("due not a date", [minute(due="尽快")], [(M.MTG_BAD_DUE, FIRST, "截止时间")]),
    ("a meeting without decisions", [minute(decision=None, owner=None, due=None)], []),
    ("sent, never reviewed", [minute(reviewed=None)], [(M.MTG_SENT_UNREVIEWED, FIRST, "发送时间")]),
    ("sent, no reviewer", [minute(reviewer=None)], [(M.MTG_SENT_UNREVIEWED, FIRST, "发送时间")]),
    (
        "reviewed after sending",
        [minute(reviewed=dt.datetime(2026, 12, 1, 15, 0))],
        [(M.MTG_SENT_UNREVIEWED, FIRST, "发送时间")],
    ),
    ("reviewed, not yet sent", [minute(sent=None)], []),
    ("not sent, not reviewed", [minute(reviewed=None, sent=None, reviewer=None)], []),
    ("reviewed by someone else", [minute(reviewer="吴倩")], [(M.MTG_REVIEWER_NOT_CHAIR, FIRST, "审核人")]),
    ("unknown meeting", [minute(mid="HY2026-404")], [(M.MTG_UNKNOWN_MEETING, FIRST, "会议编号")]),
]


@pytest.mark.parametrize(("what", "lines", "expected"), MINUTES_CASES, ids=[c[0] for c in MINUTES_CASES])
def test_minutes_checks(tmp_path: Path, what: str, lines: list[list[Any]], expected: Any) -> None:
    merges = {"会议纪要": [f"A4:A{3 + len(lines)}"]} if "merged" in what else None
    got = found(tmp_path, "minutes", [meeting()], minutes=lines, merges=merges)
    assert got == sorted((str(code), row, column) for code, row, column in expected)


def resolution(state: Any = "进行中", due: Any = dt.datetime(2026, 12, 15), done: Any = None, **kw: Any) -> list[Any]:
    return [
        kw.get("rid", "HY2026-001-01"),
        kw.get("mid", "HY2026-001"),
        kw.get("item", "整理逾期订单清单"),
        kw.get("owner", "李娜"),
        due,
        state,
        "办理中",
        done,
    ]


RESOLUTION_CASES = [
    ("nothing", [resolution()], []),
    ("overdue", [resolution(due=dt.datetime(2026, 11, 20))], [(M.MTG_RESOLUTION_OVERDUE, FIRST, "期限")]),
    ("due today is not overdue", [resolution(due=dt.datetime(2026, 11, 26))], []),
    ("overdue but done", [resolution("已完成", dt.datetime(2026, 11, 20), dt.datetime(2026, 11, 19))], []),
    ("overdue but cancelled", [resolution("已取消", dt.datetime(2026, 11, 20))], []),
    ("done without a date", [resolution("已完成")], [(M.MTG_DONE_WITHOUT_DATE, FIRST, "完成日期")]),
    ("pending due", [resolution(due="待商定")], [(M.MTG_DUE_PENDING, FIRST, "期限")]),
    ("no owner", [resolution(owner=None)], [(M.MTG_NO_OWNER, FIRST, "责任人")]),
    ("unknown meeting", [resolution(mid="HY2026-404")], [(M.MTG_UNKNOWN_MEETING, FIRST, "会议编号")]),
    ("the same 决议编号 twice", [resolution(), resolution()], [(Code.LED_DUPLICATE_KEY, SECOND, "决议编号")]),
]


@pytest.mark.parametrize(("what", "lines", "expected"), RESOLUTION_CASES, ids=[c[0] for c in RESOLUTION_CASES])
def test_resolution_checks(tmp_path: Path, what: str, lines: list[list[Any]], expected: Any) -> None:
    got = found(tmp_path, "resolutions", [meeting()], resolutions=lines)
    assert got == sorted((str(code), row, column) for code, row, column in expected)


@given(st.integers(0, 23), st.integers(0, 59))
def test_clock_written_any_way_reads_back(hour: int, minute: int) -> None:
    expected = dt.time(hour, minute)
    assert parse_clock(f"{hour}:{minute:02d}") == expected
    assert parse_clock(f"{hour:02d}：{minute:02d}") == expected
    assert parse_clock(f"{hour}点{minute}分") == expected
    assert parse_clock((hour * 60 + minute) / 1440) == expected  # the fraction Excel stores
    if 1 <= hour < 12:
        assert parse_clock(f"下午{hour}点{minute}分") == dt.time(hour + 12, minute)


@given(st.one_of(st.text(max_size=12), st.floats(allow_nan=True), st.integers(), st.none(), st.booleans()))
def test_any_cell_is_a_time_or_a_clear_no(cell: Any) -> None:
    try:
        found = parse_clock(cell)
    except ValueError:
        return
    assert found is None or isinstance(found, dt.time)


@given(st.one_of(st.text(max_size=16), st.floats(allow_nan=True), st.integers(), st.none(), st.datetimes()))
def test_any_due_cell_is_read_one_way(cell: Any) -> None:
    due = parse_due(cell, PENDING)
    assert sum((due.date is not None, due.pending is not None, due.bad, due.empty)) == 1


def test_minutes_kept_as_a_bare_action_item_table(tmp_path: Path) -> None:
    """Minutes as many offices keep them: 事项, 负责人, 截止时间 only, dates as text, 「待商定」."""
    from .meeting_factory import MEETING_HEADER, workbook

    path = workbook(
        tmp_path / "纪要.xlsx",
        {
            "会议安排": [MEETING_HEADER, meeting()],
            "会议纪要": [
                ["会议编号", "事项", "负责人", "截止时间"],
                ["HY2026-001", "整理逾期订单清单", "李娜", "2026年12月15日"],
                ["HY2026-001", "准备拜访计划", "王磊", "待商定"],
                ["HY2026-001", "核对发货与回款", None, "2026/12/20"],
                ["HY2026-001", "更新客户联系人", "张敏", "下周"],
            ],
        },
    )
    got = sorted((str(i.code), i.row, i.column) for i in validate_file(path, "minutes").issues)
    assert got == sorted(
        [
            (str(M.MTG_DUE_PENDING), 5, "截止时间"),
            (str(M.MTG_NO_OWNER), 6, "负责人"),
            (str(M.MTG_BAD_DUE), 7, "截止时间"),
        ]
    )
