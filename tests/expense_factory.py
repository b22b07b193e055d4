"""Factories for 费用报销单 tests: a valid form and its lines by field name, and real workbooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

D = dt.datetime
TODAY = dt.date(2026, 11, 26)


def make_line(**overrides: Any) -> dict[str, Any]:
    """A valid lines-table row: a 住宿 invoice in 上海 (一类城市), within the 员工 limit."""
    line: dict[str, Any] = {
        "date": D(2026, 11, 10),
        "category": "住宿",
        "city": "上海",
        "days": 2,
        "kind": "增值税专用发票",
        "code": "3100231130",
        "number": "01234567",
        "net": 849.06,
        "rate": 0.06,
        "tax": 50.94,
        "gross": 900.0,
        "note": "如家酒店 2 晚",
    }
    line.update(overrides)
    return line


def default_lines() -> list[dict[str, Any]]:
    """Three invoices totalling ¥1,409.50."""
    return [
        make_line(),
        make_line(
            category="差旅交通",
            days=None,
            kind="电子发票(数电)",
            code=None,
            number="26312000000012345678",
            net=412.84,
            rate=0.09,
            tax=37.16,
            gross=450.0,
            note="高铁 杭州-上海",
        ),
        make_line(
            date=D(2026, 11, 11),
            category="市内交通",
            days=None,
            kind="增值税普通发票",
            code="031001900111",
            number="12345678",
            net=58.75,
            rate=0.01,
            tax=0.59,
            gross=59.34,
            note="出租车",
        ),
        make_line(
            date=D(2026, 11, 11),
            category="其他",
            days=None,
            kind="无发票",
            code=None,
            number=None,
            net=None,
            rate=None,
            tax=None,
            gross=0.16,
            note="停车费（无票）",
        ),
    ]


def make_expense_form(**overrides: Any) -> dict[str, Any]:
    """A valid 费用报销单 (¥1,409.50, approved, waiting for pre-review)."""
    form: dict[str, Any] = {
        "sheet": "费用报销单",
        "claim_id": "BX2611001",
        "claimant": "王磊",
        "department": "华东销售部",
        "rank": "员工",
        "claim_date": D(2026, 11, 20),
        "purpose": "上海客户拜访",
        "attachments": 3,
        "approver": "周建国",
        "approval_date": D(2026, 11, 21),
        "status": "待初审",
        "lines": default_lines(),
        "total": 1409.5,
        "total_upper": "壹仟肆佰零玖元伍角",
    }
    form.update(overrides)
    return form


def expense_workbook(path: Path, forms: list[dict[str, Any]], **ledgers: list[dict[str, Any]]) -> Path:
    """A workbook laid out as NeiQin.xlsm (报销标准, 城市级别 with their defaults) holding these forms."""
    import macros
    from neiqin.app.build import write_ledger_sheets

    wb = openpyxl.Workbook()
    write_ledger_sheets(wb, macros.actions(), data={"expenses": forms, **ledgers})
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def form_cells(path: Path, sheet: str) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def label_value(path: Path, sheet: str, label: str) -> Any:
    """The value right of a label, read back with openpyxl."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == label:
                return ws.cell(cell.row, cell.column + 1).value
    raise AssertionError(f"no label {label}")


def form_file(path: Path, form: dict[str, Any], *, standards: bool = True, insert_rows: int = 0) -> Path:
    """A small real workbook: one 费用报销单 (and, by default, 报销标准 and 城市级别 with their defaults).

    ``insert_rows`` inserts blank rows above the form's header fields, as a clerk might.
    """
    from neiqin.core import kit
    from neiqin.core.sheets import write_ledger
    from validators.expenses.template import cities_range, write_expense_form

    wb = openpyxl.Workbook()
    ws = write_expense_form(wb, form, name=form.get("sheet", "费用报销单"), cities_ref=cities_range(5))
    if insert_rows:
        ws.insert_rows(3, insert_rows)
    if standards:
        for name in ("expense_limits", "city_tiers"):
            spec = kit.ledger(name)
            write_ledger(wb, spec, spec.template.defaults)
    del wb["Sheet"]
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def checked(path: Path, today: dt.date = TODAY, store: Any = None) -> list[Any]:
    """Every issue of every form of a file (read through the headless engine)."""
    from neiqin.core import kit
    from neiqin.core.checking import check_ledger
    from neiqin.core.config import Settings
    from neiqin.engine import open_book

    book = open_book(path, engine="headless")
    return check_ledger(book, kit.ledger("expenses"), Settings(), today, store=store).issues
