"""人员 (staff): the shared list of people — checks, and the look-ups other ledgers use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from neiqin.core.issues import Code
from validators.staff import StaffCode, head_of, people
from validators.staff.demo import staff_rows

from .conftest import validate_file, write_sheet

HEADER = ["姓名", "部门", "职务", "是否负责人", "手机", "邮箱"]


def staff_file(tmp_path: Path, rows: list[list[Any]]) -> Path:
    return write_sheet(tmp_path / "人员.xlsx", [HEADER, *rows], sheet="人员", title="人员名单")


def found(tmp_path: Path, rows: list[list[Any]]) -> list[tuple[str, int, str]]:
    checked = validate_file(staff_file(tmp_path, rows), "staff")
    return sorted((i.code, i.row, i.column) for i in checked.issues)


GOOD = [
    ["孙丽", "销售内勤部", "内勤", "否", "139 0000 1001", "sunli@example.com"],
    ["吴倩", "销售内勤部", "内勤主管", "是", "13900001002", "wuqian@example.com"],
]

# (what is wrong, the lines, the issues expected: code, Excel row, column)
CASES = [
    ("nothing", GOOD, []),
    ("short number", [[*GOOD[0][:4], "12345", None], GOOD[1]], [(StaffCode.STF_BAD_MOBILE, 4, "手机")]),
    ("landline without area code", [[*GOOD[0][:4], "8888123", None], GOOD[1]], [(StaffCode.STF_BAD_MOBILE, 4, "手机")]),
    ("bad e-mail", [[*GOOD[0][:5], "sunli@"], GOOD[1]], [(StaffCode.STF_BAD_EMAIL, 4, "邮箱")]),
    ("no head", [GOOD[0], [*GOOD[1][:3], "否", *GOOD[1][4:]]], [(StaffCode.STF_NO_HEAD, 4, "是否负责人")]),
    ("two heads", [[*GOOD[0][:3], "是", *GOOD[0][4:]], GOOD[1]], [(StaffCode.STF_TWO_HEADS, 5, "是否负责人")]),
    (
        "same name twice",
        [GOOD[0], GOOD[1], ["孙丽", "财务部", "会计", "是", None, None]],
        [(Code.LED_DUPLICATE_KEY, 6, "姓名")],
    ),
]


@pytest.mark.parametrize(("what", "rows", "expected"), CASES, ids=[c[0] for c in CASES])
def test_staff_checks(tmp_path: Path, what: str, rows: list[list[Any]], expected: Any) -> None:
    assert found(tmp_path, rows) == [(str(code), row, column) for code, row, column in expected]


def test_head_of_and_people() -> None:
    rows = staff_rows({"华东": ["王磊"]})
    staff = people(rows)
    assert head_of("销售部", staff).name == "郑军"
    assert head_of("财务部", staff).name == "马超"
    assert head_of("仓库", staff) is None
    assert staff["王磊"].department == "销售部" and not staff["王磊"].head
    assert staff["李娜"].title == "内勤"


def test_demo_staff_passes_its_own_checks(tmp_path: Path) -> None:
    rows = staff_rows({"华东": ["王磊", "陈静"], "华北": ["刘洋"]})
    lines = [[r["name"], r["department"], r["title"], r["is_head"], r["mobile"], r["email"]] for r in rows]
    assert found(tmp_path, lines) == []
