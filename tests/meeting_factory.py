"""Workbooks of 会议安排, 参会确认, 会议纪要, 决议跟踪 and 人员, as a clerk keeps them (real .xlsx)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

MEETING_HEADER = [
    "会议编号",
    "主题",
    "日期",
    "开始",
    "结束",
    "地点",
    "主持人",
    "参会人员",
    "议程",
    "所需设备",
    "材料",
    "通知时间",
]
ATTENDANCE_HEADER = ["会议编号", "人员", "通知时间", "确认时间", "回复"]
MINUTES_HEADER = ["会议编号", "内容", "讨论要点", "决议事项", "负责人", "截止时间", "审核人", "审核时间", "发送时间"]
RESOLUTION_HEADER = ["决议编号", "会议编号", "事项", "责任人", "期限", "状态", "进展", "完成日期"]
STAFF_HEADER = ["姓名", "部门", "职务", "是否负责人", "手机", "邮箱"]
STAFF = [
    ["郑军", "销售部", "销售总监", "是", "139 0000 1001", "zhengjun@example.com"],
    ["王磊", "销售部", "华东区销售", "否", "139 0000 1002", "wanglei@example.com"],
    ["陈静", "销售部", "华东区销售", "否", "139 0000 1003", None],
    ["吴倩", "销售内勤部", "内勤主管", "是", "139 0000 1004", "wuqian@example.com"],
    ["李娜", "销售内勤部", "内勤", "否", None, "lina@example.com"],
    ["钱红", "行政部", "行政主任", "是", "139 0000 1006", "qianhong@example.com"],
]


def meeting(**overrides: Any) -> list[Any]:
    """A good 会议安排 line (a Monday meeting noticed on the Friday before); override by header."""
    line: dict[str, Any] = {
        "会议编号": "HY2026-001",
        "主题": "销售周例会",
        "日期": dt.datetime(2026, 11, 30),
        "开始": "09:00",
        "结束": "10:00",
        "地点": "一号会议室",
        "主持人": "郑军",
        "参会人员": "王磊、陈静、李娜",
        "议程": "上周订单与回款；本周重点客户",
        "所需设备": "投影仪",
        "材料": "周订单报表",
        "通知时间": dt.datetime(2026, 11, 27, 16, 30),
    }
    line.update(overrides)
    return [line[h] for h in MEETING_HEADER]


def workbook(path: Path, sheets: dict[str, list[list[Any]]], merges: dict[str, list[str]] | None = None) -> Path:
    """Sheets by name, each a header row then lines (a title row above, as clerks keep them);
    ``merges``: cell ranges merged per sheet (a 会议编号 over the lines of its action items)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        ws.cell(1, 1, f"华东精工 {name}")
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is not None:
                    cell = ws.cell(3 + i, j + 1, value)
                    if isinstance(value, dt.datetime):
                        cell.number_format = "yyyy-mm-dd hh:mm"
                    elif isinstance(value, dt.time):
                        cell.number_format = "hh:mm"
        for area in (merges or {}).get(name, ()):
            ws.merge_cells(area)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def meeting_book(
    path: Path,
    meetings: list[list[Any]],
    *,
    staff: bool = True,
    merges: dict[str, list[str]] | None = None,
    **others: list[list[Any]],
) -> Path:
    """会议安排 (+ 人员) and any of attendance=, minutes=, resolutions= (lines without header)."""
    sheets: dict[str, list[list[Any]]] = {"会议安排": [MEETING_HEADER, *meetings]}
    headers = {
        "attendance": ("参会确认", ATTENDANCE_HEADER),
        "minutes": ("会议纪要", MINUTES_HEADER),
        "resolutions": ("决议跟踪", RESOLUTION_HEADER),
    }
    for name, lines in others.items():
        sheet, header = headers[name]
        sheets[sheet] = [header, *lines]
    if staff:
        sheets["人员"] = [STAFF_HEADER, *STAFF]
    return workbook(path, sheets, merges)
