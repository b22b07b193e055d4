"""The returned form is the paper that goes back to the claimant: every reason shows on it, and the
register and messages say each stage once (no 「已已交财务」)."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import macros
from neiqin.core.sheetio import MAX_ROW_HEIGHT, lines_needed
from neiqin.core.store import open_store
from neiqin.engine import open_book

from .conftest import libreoffice_convert, needs_libreoffice
from .expense_factory import TODAY, expense_workbook, label_value, make_expense_form, make_line

CLAIM = "BX2611001"


def run(path: Path, action_id: str) -> Any:
    book = open_book(path, engine="headless")
    summary = macros.run(action_id, book, today=TODAY, user="李娜")
    book.save()
    return summary


def bad_lines(n: int) -> list[dict[str, Any]]:
    """``n`` lines whose 7-digit invoice numbers are each one reason to return the form."""
    return [make_line(number=f"{1000000 + i}", gross=100.0, net=94.34, tax=5.66, days=1) for i in range(n)]


def returned(tmp_path: Path, lines: int) -> tuple[Path, str]:
    form = make_expense_form(lines=bad_lines(lines), total=100.0 * lines, total_upper=None, attachments=lines)
    path = expense_workbook(tmp_path / "w.xlsx", [form])
    assert run(path, "return_expense").outcome == "ok"
    reason = label_value(path, "费用报销单", "退回原因")
    return path, reason


def box(path: Path) -> tuple[Any, Any]:
    ws = openpyxl.load_workbook(path)["费用报销单"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "退回原因")
    return ws, cell


@pytest.mark.parametrize("lines", [6, 12])
def test_the_return_box_shows_every_reason(tmp_path: Path, lines: int) -> None:
    path, reason = returned(tmp_path, lines)
    numbered = [r for r in reason.split("\n") if r[:1].isdigit()]
    assert len(numbered) >= lines + 1  # a reason per line (and the missing 大写)
    assert "另有" not in reason  # nothing left out for a 校验结果 the claimant never sees
    ws, label = box(path)
    value = ws.cell(label.row, label.column + 1)
    assert value.alignment.wrap_text and value.alignment.vertical == "top"
    height = ws.row_dimensions[label.row].height
    width = sum(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width for c in range(2, 14))
    assert min(MAX_ROW_HEIGHT, lines_needed(reason, width) * 16) <= height <= MAX_ROW_HEIGHT
    assert height > 48  # the template's box


def test_a_return_too_long_for_one_row_continues_in_merged_rows_and_on_the_printout(tmp_path: Path) -> None:
    path, reason = returned(tmp_path, 40)
    ws, label = box(path)
    merged = next(m for m in ws.merged_cells.ranges if m.min_row == label.row and m.min_col == label.column + 1)
    assert merged.max_row > label.row  # more rows than one
    rows = range(merged.min_row, merged.max_row + 1)
    assert all(ws.row_dimensions[r].height <= MAX_ROW_HEIGHT for r in rows)
    assert ws.print_area.endswith(f"${merged.max_row}")
    assert label_value(path, "费用报销单", "退回原因") == reason


def printed_reasons(pdf: Path) -> tuple[int, int]:
    """(reasons printed inside the 退回原因 box, reasons in the PDF at all). Inside is told by position:
    the label is centred in the box and the reasons start at its top, so the box ends as far below the
    label's centre as it starts above; a reason drawn below that would be outside the box."""
    from defusedxml import ElementTree

    layout = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    for page in ElementTree.fromstring(layout.stdout).iter(f"{{{ns['x']}}}page"):
        lines = []
        for line in page.iter(f"{{{ns['x']}}}line"):
            text = "".join(w.text or "" for w in line.iter(f"{{{ns['x']}}}word"))
            lines.append((text, float(line.get("xMin")), float(line.get("yMin")), float(line.get("yMax"))))
        label = next((x for x in lines if x[0] == "退回原因"), None)
        if label is None:
            continue
        reasons = [x for x in lines if x[1] > label[1] + 20 and x[0].split(".")[0].isdigit() and "第" in x[0]]
        centre, top = (label[2] + label[3]) / 2, min(x[2] for x in reasons)
        bottom = centre + (centre - top)
        return sum(1 for x in reasons if x[3] <= bottom + 2), len(reasons)
    raise AssertionError("no 退回原因 box in the PDF")


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_libreoffice
@pytest.mark.parametrize(("height", "shown"), [(None, 21), (48, 3)])
def test_the_printed_return_shows_every_reason(tmp_path: Path, height: float | None, shown: int) -> None:
    """A form returned for 21 reasons prints all 21 inside its box (a 48-pt box would show 3 of them)."""
    path, reason = returned(tmp_path, 20)
    assert reason.count("\n") == 20
    wb = openpyxl.load_workbook(path)
    for name in wb.sheetnames:
        if name != "费用报销单":
            del wb[name]
    if height is not None:  # the template's box, for contrast: the check does tell clipped text
        _, label = box(path)
        wb["费用报销单"].row_dimensions[label.row].height = height
    single = tmp_path / "form.xlsx"
    wb.save(single)
    visible, printed = printed_reasons(libreoffice_convert(single, "pdf", tmp_path))
    assert visible == printed == shown


def test_a_closed_claim_is_named_by_its_stage_once(tmp_path: Path) -> None:
    """「报销单已已交财务」came from 已 + the stage label 已交财务: the message names the stage as a state."""
    first = expense_workbook(tmp_path / "a" / "w.xlsx", [make_expense_form()])
    assert run(first, "prereview_expense").outcome == "ok"
    assert run(first, "submit_to_finance").outcome == "ok"
    again = expense_workbook(tmp_path / "b" / "w.xlsx", [make_expense_form()])
    summary = run(again, "return_expense")
    text = " ".join([summary.message, *summary.details, *(i.message for i in summary.issues)])
    assert "状态为『已交财务』" in text
    assert "已已" not in text
    open_store().set_claim_stage(CLAIM, "已支付", dt.datetime(2026, 11, 26, 12))
    summary = run(again, "prereview_expense")
    text = " ".join(i.message for i in summary.issues)
    assert "状态为『已支付』" in text and "已已" not in text
