"""会议 workflows end to end on real files: 会议通知 (texts, robot bodies, .ics), 知晓率, 纪要转决议, 决议催办."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import icalendar
import openpyxl
import pytest

import macros
from neiqin.core.config import Settings
from validators.meetings.notice import calendar_name, dingtalk_signed_url

from .conftest import ledger_rows, run_action
from .meeting_factory import meeting, meeting_book

NOW = dt.datetime(2026, 11, 26, 10, 0)
NOT_NOTIFIED = {"通知时间": None}
LATER = {
    "会议编号": "HY2026-002",
    "主题": "内勤工作会",
    "日期": dt.datetime(2026, 12, 2),
    "开始": "下午2点",
    "结束": "15:30",
    "地点": "二号会议室",
    "主持人": "吴倩",
    "参会人员": "李娜",
    "通知时间": None,
}


def run(path: Path, action_id: str, now: dt.datetime = NOW, settings: Settings | None = None) -> macros.Summary:
    return run_action(path, action_id, now.date(), now=now, user="孙丽", settings=settings)


def sheet_rows(path: Path, sheet: str) -> list[list[Any]]:
    """A generated sheet's lines (its header is on row 4)."""
    ws = openpyxl.load_workbook(path)[sheet]
    return [list(r) for r in ws.iter_rows(min_row=5, values_only=True) if any(v is not None for v in r)]


# --------------------------------------------------------------------------- 会议通知

# (person, role, mobile, e-mail) as 人员 has them (陈静 has no mailbox, 李娜 no mobile)
EXPECTED = [
    ("郑军", "主持人", "13900001001", "zhengjun@example.com"),
    ("王磊", "参会人员", "13900001002", "wanglei@example.com"),
    ("陈静", "参会人员", "13900001003", None),
    ("李娜", "参会人员", None, "lina@example.com"),
]


@pytest.fixture
def noticed(tmp_path: Path) -> tuple[Path, macros.Summary]:
    path = meeting_book(tmp_path / "会议.xlsx", [meeting(**NOT_NOTIFIED), meeting(**LATER)])
    return path, run(path, "meeting_notice")


def test_notice_writes_a_text_per_attendee(noticed: tuple[Path, macros.Summary]) -> None:
    path, summary = noticed
    assert "为 2 个会议生成了 6 份通知" in summary.message
    rows = [r for r in sheet_rows(path, "会议通知") if r[0] == "HY2026-001"]
    assert [(r[2], r[3], r[4], r[5]) for r in rows] == EXPECTED
    for (person, role, _mobile, _email), row in zip(EXPECTED, rows, strict=True):
        text = row[7]
        assert text.startswith(
            f"{person}：\n\n您好！定于2026年11月30日（星期一）09:00–10:00在一号会议室召开「销售周例会」"
        )
        assert ("请您准时主持" if role == "主持人" else "请您准时参加") in text
        assert "参会人员：郑军、王磊、陈静、李娜" in text and "会议材料：周订单报表" in text
        assert "请提前准备：周订单报表" in text and text.endswith("孙丽\n2026年11月26日 10:00")
        assert row[6] == "【会议通知】销售周例会 11月30日 09:00"
    later = next(r for r in sheet_rows(path, "会议通知") if r[0] == "HY2026-002" and r[2] == "李娜")
    assert "2026年12月2日（星期三）14:00–15:30在二号会议室召开「内勤工作会」" in later[7]


def test_notice_robot_bodies(noticed: tuple[Path, macros.Summary]) -> None:
    path, _ = noticed
    rows = [r for r in sheet_rows(path, "会议通知") if r[0] == "HY2026-001"]
    for (person, _role, mobile, _email), row in zip(EXPECTED, rows, strict=True):
        ding = json.loads(row[8])
        assert ding["msgtype"] == "markdown" and ding["markdown"]["title"] == "【会议通知】销售周例会 11月30日 09:00"
        assert ding["at"] == {"atMobiles": [mobile] if mobile else [], "isAtAll": False}
        text = ding["markdown"]["text"]
        role = "主持" if person == "郑军" else "参加"
        assert text.startswith(
            "### 会议通知：销售周例会\n\n" + person + (f" @{mobile}" if mobile else "") + f"，请准时{role}"
        )
        assert "- **时间**：2026年11月30日（星期一）09:00–10:00" in text
        wecom = json.loads(row[9])
        assert wecom["msgtype"] == "markdown" and f"{person}，请准时{role}" in wecom["markdown"]["content"]


def test_notice_fills_the_ledgers_once(noticed: tuple[Path, macros.Summary]) -> None:
    path, _ = noticed
    schedule = ledger_rows(path, "meetings")
    assert [m["notified_at"] for m in schedule] == [NOW, NOW]
    lines = [(r["meeting_id"], r["person"], r["notified_at"], r["reply"]) for r in ledger_rows(path, "attendance")]
    assert lines == [("HY2026-001", p, NOW, "未回复") for p, *_ in EXPECTED] + [
        ("HY2026-002", "吴倩", NOW, "未回复"),
        ("HY2026-002", "李娜", NOW, "未回复"),
    ]
    again = run(path, "meeting_notice", now=NOW + dt.timedelta(hours=1))
    assert again.message.startswith("没有需要通知的会议")
    assert len(ledger_rows(path, "attendance")) == 6
    assert [m["notified_at"] for m in ledger_rows(path, "meetings")] == [NOW, NOW]


def unfold(ics: bytes) -> list[tuple[str, dict[str, str], str]]:
    """An independent reading of an .ics file (RFC 5545 by hand): unfold lines, split name;params:value."""
    text = ics.decode("utf-8")
    assert "\r\n" in text and not text.replace("\r\n", "").count("\n")  # CRLF line ends only
    lines = text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")
    found = []
    for line in filter(None, lines):
        head, _, value = line.partition(":")
        name, *params = head.split(";")
        found.append((name, dict(p.split("=", 1) for p in params), value))
    return found


def test_calendar_file_parses_back(noticed: tuple[Path, macros.Summary]) -> None:
    path, summary = noticed
    ics = (path.parent / "会议通知" / "HY2026-001.ics").read_bytes()
    assert any("日历文件 2 个" in d for d in summary.details)
    # with the library
    cal = icalendar.Calendar.from_ical(ics)
    event = cal.walk("VEVENT")[0]
    shanghai = ZoneInfo("Asia/Shanghai")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == dt.datetime(2026, 11, 30, 9, 0, tzinfo=shanghai) and str(start.tzinfo) == "Asia/Shanghai"
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
    assert end - start == dt.timedelta(hours=1)
    assert str(event["summary"]) == "销售周例会" and str(event["location"]) == "一号会议室"
    assert str(event["uid"]) == "HY2026-001@neiqin"
    attendees = event.get("attendee")
    assert sorted(str(a) for a in attendees) == sorted(f"mailto:{e}" for *_, e in EXPECTED if e)
    assert str(event["organizer"]) == "mailto:zhengjun@example.com"
    alarm = event.walk("VALARM")[0]
    assert alarm.decoded("trigger") == dt.timedelta(minutes=-30) and str(alarm["action"]) == "DISPLAY"
    assert cal.walk("VTIMEZONE")[0]["tzid"] == "Asia/Shanghai"
    # independently
    props = unfold(ics)
    names = [n for n, _, _ in props]
    assert names[0] == "BEGIN" and props[0][2] == "VCALENDAR" and props[-1] == ("END", {}, "VCALENDAR")
    dtstart = next(p for p in props if p[0] == "DTSTART" and p[1].get("TZID"))
    assert dtstart[1] == {"TZID": "Asia/Shanghai"} and dtstart[2] == "20261130T090000"
    assert ("TRIGGER", {}, "-PT30M") in props
    assert ("TZID", {}, "Asia/Shanghai") in props and ("TZOFFSETTO", {}, "+0800") in props
    cns = {p[1]["CN"] for p in props if p[0] == "ATTENDEE"}
    assert cns == {"郑军", "王磊", "李娜"}
    description = next(v for n, _, v in props if n == "DESCRIPTION").replace("\\n", "\n").replace("\\,", ",")
    assert "参会人员：郑军、王磊、陈静、李娜" in description  # 陈静 has no mailbox: named in the description


def test_notice_holds_back_a_meeting_with_an_error_and_says_so(tmp_path: Path) -> None:
    path = meeting_book(tmp_path / "会议.xlsx", [meeting(**NOT_NOTIFIED, 开始="九点"), meeting(**LATER)])
    summary = run(path, "meeting_notice")
    assert summary.outcome == "issues"
    assert any("HY2026-001（第 4 行）" in d and "未通知" in d for d in summary.details)
    assert [m["notified_at"] for m in ledger_rows(path, "meetings")] == [None, NOW]
    assert {r[0] for r in sheet_rows(path, "会议通知")} == {"HY2026-002"}
    assert not (tmp_path / "会议通知" / "HY2026-001.ics").exists()


def test_notice_keeps_a_clerks_text_as_text(tmp_path: Path) -> None:
    path = meeting_book(tmp_path / "会议.xlsx", [meeting(**NOT_NOTIFIED, 主题="0930", 地点="3-1")])
    run(path, "meeting_notice")
    ws = openpyxl.load_workbook(path)["会议通知"]
    assert ws.cell(5, 2).value == "0930"  # not the number 930
    assert "在3-1召开「0930」" in ws.cell(5, 8).value


def test_notice_holds_back_formula_like_text(tmp_path: Path) -> None:
    hostile = '=HYPERLINK("http://example.com","点我")'
    path = meeting_book(tmp_path / "会议.xlsx", [meeting(**NOT_NOTIFIED, 主题=hostile)])
    summary = run(path, "meeting_notice")
    assert summary.outcome == "issues" and any("HY2026-001（第 4 行）" in d for d in summary.details)
    ws = openpyxl.load_workbook(path)["会议通知"]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert ledger_rows(path, "meetings")[0]["notified_at"] is None


def test_calendar_file_names() -> None:
    assert calendar_name("HY2026-001") == "HY2026-001.ics"
    assert calendar_name("会议/12:3") == "会议_12_3.ics"
    assert calendar_name("..") == "会议.ics"


# --------------------------------------------------------------------------- robot sending


class Robot(BaseHTTPRequestHandler):
    """A DingTalk-like robot on 127.0.0.1: checks the 加签 as DingTalk documents it, keeps the bodies."""

    secret = "SECtest"
    received: ClassVar[list[tuple[dict[str, list[str]], dict[str, Any]]]] = []

    def do_POST(self) -> None:
        query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        timestamp = query["timestamp"][0]
        expected = base64.b64encode(
            hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256).digest()
        ).decode()
        ok = query["sign"][0] == expected and query["access_token"] == ["t0ken"]
        Robot.received.append((query, body))
        answer = {"errcode": 0, "errmsg": "ok"} if ok else {"errcode": 310000, "errmsg": "sign not match"}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def robot() -> Any:
    Robot.received = []
    server = HTTPServer(("127.0.0.1", 0), Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/robot/send?access_token=t0ken"
    server.shutdown()
    server.server_close()


def test_robot_sending_is_off_by_default(tmp_path: Path, robot: str) -> None:
    path = meeting_book(tmp_path / "会议.xlsx", [meeting(**NOT_NOTIFIED)])
    settings = Settings().model_copy(update={"meeting_webhook_url": robot, "meeting_webhook_secret": "SECtest"})
    summary = run(path, "meeting_notice", settings=settings)
    assert Robot.received == [] and not any("群机器人" in d for d in summary.details)


def test_robot_sends_signed_dingtalk_messages(tmp_path: Path, robot: str) -> None:
    path = meeting_book(tmp_path / "会议.xlsx", [meeting(**NOT_NOTIFIED)])
    settings = Settings().model_copy(
        update={"meeting_webhook": "钉钉", "meeting_webhook_url": robot, "meeting_webhook_secret": "SECtest"}
    )
    summary = run(path, "meeting_notice", settings=settings)
    assert "已通过群机器人发送 4 条通知。" in summary.details
    assert [body["at"]["atMobiles"] for _, body in Robot.received] == [[m] if m else [] for _, _, m, _ in EXPECTED]


def test_robot_refusal_is_reported(tmp_path: Path, robot: str) -> None:
    path = meeting_book(tmp_path / "会议.xlsx", [meeting(**NOT_NOTIFIED)])
    settings = Settings().model_copy(
        update={"meeting_webhook": "钉钉", "meeting_webhook_url": robot, "meeting_webhook_secret": "SECwrong"}
    )
    summary = run(path, "meeting_notice", settings=settings)
    assert sum("被钉钉拒绝：sign not match" in d for d in summary.details) == 4
    assert ledger_rows(path, "meetings")[0]["notified_at"] == NOW  # the notices exist in the workbook all the same


def test_dingtalk_signature_matches_the_documented_example() -> None:
    url = dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=abc", "SECabc", 1577000000000)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    assert query["timestamp"] == ["1577000000000"] and query["access_token"] == ["abc"]
    digest = hmac.new(b"SECabc", b"1577000000000\nSECabc", hashlib.sha256).digest()
    assert base64.b64decode(query["sign"][0]) == digest


# --------------------------------------------------------------------------- 知晓率

OCTOBER = {
    "会议编号": "HY2026-002",
    "主题": "内勤工作会",
    "日期": dt.datetime(2026, 10, 14),
    "地点": "二号会议室",
    "主持人": "吴倩",
    "参会人员": "钱红",
    "通知时间": dt.datetime(2026, 10, 12, 10, 0),
}
FUTURE = {"会议编号": "HY2026-003", "日期": dt.datetime(2026, 12, 28), "通知时间": None}
N1, C1 = dt.datetime(2026, 11, 20, 16, 0), dt.datetime(2026, 11, 20, 17, 0)
N2, C2 = dt.datetime(2026, 10, 12, 10, 0), dt.datetime(2026, 10, 12, 11, 0)
REPLIES = [
    ["HY2026-001", "郑军", N1, C1, "参加"],
    ["HY2026-001", "王磊", N1, C1, "请假"],
    ["HY2026-001", "陈静", N1, None, "未回复"],
    ["HY2026-001", "李娜", N1, C1, "参加"],
    ["HY2026-001", "钱红", N1, C1, "参加"],  # notified although not listed: counted as invited
    ["HY2026-002", "吴倩", N2, C2, "参加"],
    ["HY2026-002", "钱红", N2, C2, "参加"],
]


def awareness_book(tmp_path: Path) -> Path:
    first = meeting(日期=dt.datetime(2026, 11, 23), 通知时间=N1)
    return meeting_book(tmp_path / "会议.xlsx", [first, meeting(**OCTOBER), meeting(**FUTURE)], attendance=REPLIES)


def test_awareness_per_meeting_and_month(tmp_path: Path) -> None:
    path = awareness_book(tmp_path)
    summary = run(path, "awareness_rate")
    assert summary.message == "2 个会议，应通知 7 人次，已确认 6 人次，知晓率 85.7%（目标 95%）；1 个会议未达标。"
    assert summary.details == ["2026-11 知晓率 80.0%，低于目标 95%。"]
    assert sheet_rows(path, "知晓率") == [
        ["会议", "HY2026-002", "内勤工作会", dt.datetime(2026, 10, 14), 2, 2, 0, 0, 1, 0.95, "达标"],
        ["会议", "HY2026-001", "销售周例会", dt.datetime(2026, 11, 23), 5, 4, 1, 1, 0.8, 0.95, "未达标"],
        ["月度", "2026-10", "1 个会议", None, 2, 2, 0, 0, 1, 0.95, "达标"],
        ["月度", "2026-11", "1 个会议", None, 5, 4, 1, 1, 0.8, 0.95, "未达标"],
    ]


def test_awareness_target_is_a_setting(tmp_path: Path) -> None:
    path = awareness_book(tmp_path)
    summary = run(path, "awareness_rate", settings=Settings().model_copy(update={"meeting_awareness_target_pct": 80}))
    assert summary.message.endswith("（目标 80%）；0 个会议未达标。") and summary.details == []
    assert [r[10] for r in sheet_rows(path, "知晓率")] == ["达标"] * 4


# --------------------------------------------------------------------------- 纪要转决议

REVIEWED = dt.datetime(2026, 11, 24, 10, 0)
MINUTES = [
    ["HY2026-001", "周例会", "回款", "整理逾期订单清单", "李娜", dt.datetime(2026, 12, 15), "郑军", REVIEWED, None],
    ["HY2026-001", None, None, "准备拜访计划", "王磊", "待商定", None, None, None],
    ["HY2026-001", None, None, "核对发货与回款", "陈静", None, None, None, None],
    ["HY2026-002", "工作会", "单据", "检查报销单据", "李娜", "2026年12月5日", None, None, None],
]
CARRIED = [["HY2026-001-01", "HY2026-001", "整理逾期订单清单", "李娜", dt.datetime(2026, 12, 15), "未开始", None, None]]


def test_minutes_to_resolutions_carries_each_reviewed_decision_once(tmp_path: Path) -> None:
    path = meeting_book(tmp_path / "会议.xlsx", [meeting(), meeting(**OCTOBER)], minutes=MINUTES, resolutions=CARRIED)
    summary = run(path, "minutes_to_resolutions")
    assert summary.message == "从 1 个会议的纪要转入 2 项决议到『决议跟踪』（状态「未开始」）。"
    assert summary.details == [
        "期限待商定或未填：HY2026-001-02、HY2026-001-03；商定后请在『决议跟踪』填写期限。",
        "以下会议的纪要还没有主持人审核，其决议暂不转入：HY2026-002（1 项）；"
        "请主持人审核（填写审核人、审核时间）后再点『纪要转决议』。",
    ]
    got = [
        (r["resolution_id"], r["meeting_id"], r["item"], r["owner"], r["due"], r["state"])
        for r in ledger_rows(path, "resolutions")
    ]
    assert got == [
        ("HY2026-001-01", "HY2026-001", "整理逾期订单清单", "李娜", dt.datetime(2026, 12, 15), "未开始"),
        ("HY2026-001-02", "HY2026-001", "准备拜访计划", "王磊", "待商定", "未开始"),
        ("HY2026-001-03", "HY2026-001", "核对发货与回款", "陈静", None, "未开始"),
    ]
    again = run(path, "minutes_to_resolutions")
    assert again.message.startswith("没有新的决议需要转入") and len(ledger_rows(path, "resolutions")) == 3


@pytest.mark.parametrize(
    ("action_id", "sheet"),
    [
        ("meeting_notice", "会议安排"),
        ("awareness_rate", "会议安排"),
        ("minutes_to_resolutions", "会议纪要"),
        ("resolution_overdue", "决议跟踪"),
    ],
)
def test_a_workbook_without_the_sheet_is_told_so(tmp_path: Path, action_id: str, sheet: str) -> None:
    from .meeting_factory import STAFF, STAFF_HEADER, workbook

    path = workbook(tmp_path / "人员.xlsx", {"人员": [STAFF_HEADER, *STAFF]})
    summary = run(path, action_id)
    assert summary.outcome == "ok" and summary.message.startswith(f"工作簿中没有『{sheet}』工作表；")
    assert openpyxl.load_workbook(path).sheetnames == ["人员"]  # nothing written


# --------------------------------------------------------------------------- 决议催办

OPEN = [
    ["HY2026-001-01", "HY2026-001", "整理逾期订单清单", "李娜", dt.datetime(2026, 11, 20), "进行中", "已联系", None],
    ["HY2026-001-02", "HY2026-001", "准备拜访计划", "王磊", dt.datetime(2026, 11, 10), "未开始", None, None],
    [
        "HY2026-001-03",
        "HY2026-001",
        "核对发货与回款",
        "陈静",
        dt.datetime(2026, 11, 1),
        "已完成",
        None,
        dt.datetime(2026, 10, 30),
    ],
    ["HY2026-002-01", "HY2026-002", "检查报销单据", "李娜", "2026年11月30日", "进行中", None, None],
    ["HY2026-002-02", "HY2026-002", "更新客户联系人", "张敏", "待商定", "未开始", None, None],
]


def test_resolution_overdue_lists_and_digests(tmp_path: Path) -> None:
    path = meeting_book(tmp_path / "会议.xlsx", [meeting(), meeting(**OCTOBER)], resolutions=OPEN)
    summary = run(path, "resolution_overdue")
    assert summary.message == "在办决议 4 项，其中逾期 2 项（见『决议催办』）；『决议周报』给 2 位主持人。"
    overdue = sheet_rows(path, "决议催办")
    assert [(r[0], r[3], r[4], r[5], r[6]) for r in overdue] == [
        ("HY2026-001-02", "王磊", dt.datetime(2026, 11, 10), 16, "郑军"),
        ("HY2026-001-01", "李娜", dt.datetime(2026, 11, 20), 6, "郑军"),
    ]
    assert overdue[0][9] == (
        "王磊：HY2026-001 会议决定的「准备拜访计划」期限 2026-11-10，已逾期 16 天，请尽快办理并回复进展；"
        "如需延期请报主持人郑军同意。"
    )
    digest = sheet_rows(path, "决议周报")
    assert [r[:5] for r in digest] == [["吴倩", 1, 0, 1, 1], ["郑军", 1, 2, 0, 0]]
    assert digest[0][5] == (
        "吴倩：截至 2026-11-26，您主持的会议有 2 项决议在办。\n"
        "7 天内到期：HY2026-002-01「检查报销单据」（李娜，11-30）\n"
        "期限待商定：HY2026-002-02「更新客户联系人」，请商定期限。"
    )
    assert "逾期：HY2026-001-01「整理逾期订单清单」（李娜，逾期 6 天）；HY2026-001-02" in digest[1][5]


def test_resolution_overdue_with_nothing_overdue(tmp_path: Path) -> None:
    path = meeting_book(tmp_path / "会议.xlsx", [meeting()], resolutions=[OPEN[2]])
    summary = run(path, "resolution_overdue")
    assert summary.message.startswith("在办决议 0 项，其中逾期 0 项")
    assert sheet_rows(path, "决议催办") == [["（没有逾期未完成的决议）", *[None] * 9]]


def test_notice_without_a_notice_column_says_it_cannot_remember(tmp_path: Path) -> None:
    from .meeting_factory import MEETING_HEADER, STAFF, STAFF_HEADER, workbook

    header = MEETING_HEADER[:-1]
    path = workbook(tmp_path / "会议.xlsx", {"会议安排": [header, meeting()[:-1]], "人员": [STAFF_HEADER, *STAFF]})
    summary = run(path, "meeting_notice")
    assert summary.message.startswith("为 1 个会议生成了 4 份通知")
    assert any("没有「通知时间」列" in d for d in summary.details)
    assert len(ledger_rows(path, "attendance")) == 4
    run(path, "meeting_notice")  # again: notices again, but nobody is added twice to 参会确认
    assert len(ledger_rows(path, "attendance")) == 4
