"""会议通知 texts: a notice per attendee (e-mail text, DingTalk / WeCom robot markdown) and an .ics file.

Pure: from a meeting and the people of 人员 to strings and bytes. Sending is the action's
business (and off by default); :func:`dingtalk_signed_url` is the platform's documented
signing (HMAC-SHA256 of ``timestamp\\nsecret``, base64, URL-encoded), kept here so it is tested.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from .model import Meeting

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS = "一二三四五六日"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#>|])")


@dataclass(frozen=True)
class Contact:
    """Where a notice goes: the person of 人员 (None when not listed there)."""

    name: str
    mobile: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Notice:
    """One attendee's notice in every form the action writes."""

    meeting_id: str
    person: str
    role: str  # 主持人 / 参会人员
    mobile: str | None
    email: str | None
    subject: str
    text: str  # for e-mail
    dingtalk: str  # the robot message body (JSON)
    wecom: str  # the robot message body (JSON)


def when_text(m: Meeting) -> str:
    """2026年11月30日（星期一）09:00–10:00"""
    assert m.start is not None and m.end is not None
    day = f"{m.start:%Y}年{m.start.month}月{m.start.day}日（星期{WEEKDAYS[m.start.weekday()]}）"
    return f"{day}{m.start:%H:%M}–{m.end:%H:%M}"


def subject(m: Meeting) -> str:
    assert m.start is not None
    return f"【会议通知】{m.topic} {m.start.month}月{m.start.day}日 {m.start:%H:%M}"


def _lines(m: Meeting) -> list[tuple[str, str]]:
    return [
        ("会议编号", m.meeting_id),
        ("时间", when_text(m)),
        ("地点", m.room or "另行通知"),
        ("主持人", m.chair or "（未定）"),
        ("参会人员", "、".join(m.people)),
        ("议程", m.agenda or "（见会上安排）"),
        ("会议材料", m.materials or "无"),
        ("会场设备", m.equipment or "无"),
    ]


def notice_text(m: Meeting, person: str, sender: str, sent: dt.datetime) -> str:
    """The notice to one attendee as plain text (an e-mail body)."""
    role = "主持" if person == m.chair else "参加"
    head = (
        f"{person}：\n\n您好！定于{when_text(m)}在{m.room or '（地点另行通知）'}召开「{m.topic}」，请您准时{role}。\n"
    )
    body = "\n".join(f"{label}：{value}" for label, value in _lines(m))
    ask = "\n\n请收到后回复「参加」或「请假」（请假请说明原因），以便统计参会情况。"
    if m.materials and m.materials != "无":
        ask += f"\n请提前准备：{m.materials}。"
    return f"{head}\n{body}{ask}\n\n{sender}\n{sent:%Y年%m月%d日 %H:%M}"


def _md(text: str) -> str:
    """Text from a clerk's cell inside markdown: its markup characters escaped, lines kept."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def notice_markdown(m: Meeting, person: str, mobile: str | None = None) -> str:
    """The notice as robot markdown (DingTalk and WeCom read the same subset: headings, bold, lists)."""
    at = f" @{mobile}" if mobile else ""
    rows = "\n".join(f"- **{label}**：{_md(value)}" for label, value in _lines(m))
    role = "主持" if person == m.chair else "参加"
    return (
        f"### 会议通知：{_md(m.topic)}\n\n{_md(person)}{at}，请准时{role}：\n\n{rows}\n\n> 收到请回复「参加」或「请假」"
    )


def dingtalk_body(m: Meeting, person: str, mobile: str | None) -> str:
    """DingTalk custom robot: a markdown message, @ the attendee's mobile when known."""
    body = {
        "msgtype": "markdown",
        "markdown": {"title": subject(m), "text": notice_markdown(m, person, mobile)},
        "at": {"atMobiles": [mobile] if mobile else [], "isAtAll": False},
    }
    return json.dumps(body, ensure_ascii=False)


def wecom_body(m: Meeting, person: str) -> str:
    """WeCom group robot: a markdown message."""
    return json.dumps({"msgtype": "markdown", "markdown": {"content": notice_markdown(m, person)}}, ensure_ascii=False)


def notices(m: Meeting, contacts: Mapping[str, Contact], sender: str, sent: dt.datetime) -> list[Notice]:
    """A notice for everyone of the meeting (the chair first), with their phone and mailbox from 人员."""
    found = []
    for person in m.people:
        contact = contacts.get(person, Contact(person))
        mobile = _digits(contact.mobile)
        found.append(
            Notice(
                m.meeting_id,
                person,
                "主持人" if person == m.chair else "参会人员",
                mobile,
                contact.email,
                subject(m),
                notice_text(m, person, sender, sent),
                dingtalk_body(m, person, mobile),
                wecom_body(m, person),
            )
        )
    return found


def _digits(mobile: str | None) -> str | None:
    if not mobile:
        return None
    digits = re.sub(r"\D", "", str(mobile))
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits or None


def calendar_file(
    m: Meeting, contacts: Mapping[str, Contact], reminder_minutes: int, stamp: dt.datetime, sender: str
) -> bytes:
    """The meeting as an iCalendar file: Asia/Shanghai times (with their VTIMEZONE), attendees, a reminder.

    The UID is the 会议编号, so importing a corrected file again updates the same calendar entry.
    """
    assert m.start is not None and m.end is not None
    cal = Calendar()
    cal.add("prodid", "-//NeiQin//会议通知//ZH")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{m.meeting_id}@neiqin")
    event.add("dtstamp", stamp.replace(tzinfo=SHANGHAI).astimezone(dt.UTC))
    event.add("dtstart", m.start.replace(tzinfo=SHANGHAI))
    event.add("dtend", m.end.replace(tzinfo=SHANGHAI))
    event.add("summary", m.topic)
    if m.room:
        event.add("location", m.room)
    description = "\n".join(f"{label}：{value}" for label, value in _lines(m)) + f"\n\n{sender}"
    event.add("description", description)
    chair = contacts.get(m.chair or "")
    if chair is not None and chair.email:
        organizer = vCalAddress(f"mailto:{chair.email}")
        organizer.params["cn"] = vText(chair.name)
        event.add("organizer", organizer)
    for person in m.people:  # everyone is in the description; those with a mailbox are attendees too
        contact = contacts.get(person)
        if contact is None or not contact.email:
            continue
        address = vCalAddress(f"mailto:{contact.email}")
        address.params["cn"] = vText(person)
        address.params["role"] = vText("CHAIR" if person == m.chair else "REQ-PARTICIPANT")
        event.add("attendee", address, encode=False)
    if reminder_minutes:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{reminder_minutes} 分钟后开会：{m.topic}")
        alarm.add("trigger", dt.timedelta(minutes=-reminder_minutes))
        event.add_component(alarm)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


_UNSAFE_FILE = re.compile(r'[\\/:*?"<>|\s]+')


def calendar_name(meeting_id: str) -> str:
    """The .ics file name of a meeting (characters a file name cannot hold replaced)."""
    return f"{_UNSAFE_FILE.sub('_', meeting_id).strip('._') or '会议'}.ics"


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """A DingTalk robot URL with its 加签 (timestamp and sign) appended."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={sign}"
