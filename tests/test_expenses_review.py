"""费用报销 edge cases: what verify must catch, claim stages in the store, limits, split invoices, messages."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill

import macros
from neiqin.app.cli import main
from neiqin.core import seal
from neiqin.core.rmb import to_upper
from neiqin.core.store import open_store
from neiqin.engine import open_book

from .expense_factory import TODAY, D, checked, expense_workbook, form_file, label_value, make_expense_form, make_line

CLAIM = "BX2611001"
KEYS = ["3100231130-01234567", "26312000000012345678", "031001900111-12345678"]


@pytest.fixture(autouse=True)
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEIQIN_SEAL_KEY", raising=False)
    monkeypatch.delenv("NEIQIN_SEAL_KEY_FILE", raising=False)


def run(path: Path, action_id: str, today: dt.date = TODAY) -> Any:
    book = open_book(path, engine="headless")
    summary = macros.run(action_id, book, today=today, user="李娜")
    book.save()
    return summary


def codes(issues: list[Any]) -> set[tuple[str, str]]:
    return {(str(i.code), i.cell) for i in issues}


def handed_over(tmp_path: Path, name: str = "w") -> Path:
    """A workbook whose form passed 费用初审 and was sealed; returns the sealed copy."""
    path = expense_workbook(tmp_path / name / "w.xlsx", [make_expense_form()])
    assert run(path, "prereview_expense").outcome == "ok"
    assert run(path, "submit_to_finance").outcome == "ok"
    return tmp_path / name / seal.sealed_name(CLAIM)


# --------------------------------------------------------------------------- 1. verify covers what finance sees


def edited(path: Path, name: str, change: Any) -> Path:
    wb = openpyxl.load_workbook(path)
    change(wb)
    out = path.parent / f"{name}.xlsx"
    wb.save(out)
    return out


def _fake_sheet(wb: Any) -> None:
    fake = wb.copy_worksheet(wb["费用报销单"])
    fake.title = "费用报销单 "
    fake["L9"] = 1900
    wb["费用报销单"].sheet_state = "hidden"


TAMPERING = {
    "number_format": lambda wb: setattr(wb["费用报销单"]["L8"], "number_format", '"¥1,900.00"'),
    "format_sections": lambda wb: setattr(wb["费用报销单"]["E20"], "number_format", '0;0;0;"贰仟元整"'),
    "formula": lambda wb: wb["费用报销单"].__setitem__("L9", "=1900"),
    "hidden_fake": _fake_sheet,
    "hidden_row": lambda wb: setattr(wb["费用报销单"].row_dimensions[9], "hidden", True),
    "hidden_column": lambda wb: setattr(wb["费用报销单"].column_dimensions["L"], "hidden", True),
    "conditional_format": lambda wb: wb["费用报销单"].conditional_formatting.add(
        "L8:L20", CellIsRule(operator="greaterThan", formula=["0"], fill=PatternFill(bgColor="FFFFFF"))
    ),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_verify_rejects_changes_finance_would_see(tmp_path: Path, case: str) -> None:
    sealed = handed_over(tmp_path)
    assert seal.verify_file(sealed).valid
    result = seal.verify_file(edited(sealed, case, TAMPERING[case]))
    assert result.status == seal.MODIFIED, result.notes
    assert any(n.startswith("显示被改动") for n in result.notes)
    assert main(["verify", str(sealed.parent / f"{case}.xlsx")]) == 1


def test_libreoffice_style_formats_stay_valid(tmp_path: Path) -> None:
    """LibreOffice's re-save writes \\¥#,##0.00 and yyyy\\-mm\\-dd: the same display."""
    sealed = handed_over(tmp_path)
    wb = openpyxl.load_workbook(sealed)
    ws = wb["费用报销单"]
    for row in ws.iter_rows():
        for c in row:
            if c.number_format == "¥#,##0.00":
                c.number_format = "\\¥#,##0.00"
            elif c.number_format == "yyyy-mm-dd":
                c.number_format = "yyyy\\-mm\\-dd"
    wb.save(sealed)
    result = seal.verify_file(sealed)
    assert result.valid, result.notes
    assert seal.normalise_format("[$¥-804]#,##0.00") == "¥#,##0.00"


# --------------------------------------------------------------------------- 2. a 报销单号 with finance or paid


def test_a_paid_claim_cannot_be_reimbursed_again_under_its_number(tmp_path: Path) -> None:
    first = handed_over(tmp_path, "a")
    open_store().set_claim_stage(CLAIM, "已支付", dt.datetime(2026, 11, 26, 12))
    again = expense_workbook(tmp_path / "b" / "w.xlsx", [make_expense_form()])
    found = codes(checked(again, store=open_store()))
    assert ("EXP-028", "B4") in found  # 报销单号 cell
    assert {c for c, _ in found} == {"EXP-028", "EXP-024"}  # and each invoice is a duplicate
    summary = run(again, "prereview_expense")
    assert summary.outcome == "issues" and label_value(again, "费用报销单", "状态") == "待初审"
    assert "不能再次初审" in " ".join(i.message for i in summary.issues)
    # even a typed 初审通过 is not sealed, and the first sealed copy is untouched
    before = first.read_bytes()
    wb = openpyxl.load_workbook(again)
    wb["费用报销单"]["K4"] = "初审通过"
    wb.save(again)
    assert label_value(again, "费用报销单", "状态") == "初审通过"
    assert run(again, "submit_to_finance").outcome == "issues"
    assert first.read_bytes() == before and not (tmp_path / "b" / seal.sealed_name(CLAIM)).exists()


def test_the_sealed_form_itself_is_not_a_duplicate(tmp_path: Path) -> None:
    handed_over(tmp_path)
    assert checked(tmp_path / "w" / "w.xlsx", store=open_store()) == []  # 状态 已交财务: itself


def test_another_claimant_under_an_open_number_with_other_amounts_is_a_duplicate(tmp_path: Path) -> None:
    path = expense_workbook(tmp_path / "a.xlsx", [make_expense_form()])
    run(path, "prereview_expense")
    lines = [make_line(gross=800.0, net=754.72, tax=45.28)]  # the same hotel invoice, another amount
    other = expense_workbook(
        tmp_path / "b.xlsx",
        [make_expense_form(lines=lines, total=800.0, total_upper="捌佰元整", attachments=1, claimant="陈静")],
    )
    assert codes(checked(other, store=open_store())) == {("EXP-024", "H8")}


def test_sealing_never_overwrites_an_earlier_copy(tmp_path: Path) -> None:
    first = handed_over(tmp_path)
    before = first.read_bytes()
    assert seal.free_path(first.parent, CLAIM).name == "报销单_BX2611001_2.xlsx"
    # 财务退回 → corrected → pre-reviewed → sealed again: a second file
    open_store().set_claim_stage(CLAIM, "财务退回", dt.datetime(2026, 11, 26, 12))
    open_store().release_invoices(CLAIM, dt.datetime(2026, 11, 26, 12))
    path = tmp_path / "w" / "w.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["费用报销单"]["K4"] = "财务退回"
    wb.save(path)
    assert run(path, "prereview_expense").outcome == "ok"
    assert run(path, "submit_to_finance").outcome == "ok"
    assert first.read_bytes() == before and seal.verify_file(first.parent / "报销单_BX2611001_2.xlsx").valid


def test_return_does_not_free_the_invoices_of_a_claim_with_finance(tmp_path: Path) -> None:
    handed_over(tmp_path, "a")
    again = expense_workbook(tmp_path / "b" / "w.xlsx", [make_expense_form()])
    summary = run(again, "return_expense")
    assert "请为这张报销单换一个新的报销单号" in " ".join(summary.details)
    assert set(open_store().claimed_invoices(KEYS)) == set(KEYS)
    assert open_store().claim(CLAIM)["stage"] == "已交财务"


# --------------------------------------------------------------------------- 3. only what 费用初审 passed is sealed


def test_a_typed_status_is_not_a_prereview(tmp_path: Path) -> None:
    path = expense_workbook(tmp_path / "w.xlsx", [make_expense_form(status="初审通过")])
    summary = run(path, "submit_to_finance")
    assert summary.outcome == "issues" and not (tmp_path / seal.sealed_name(CLAIM)).exists()
    (issue,) = [i for i in summary.issues if str(i.code) == "EXP-029"]
    assert issue.cell == "K4" and "没有费用初审的登记" in issue.message
    assert label_value(path, "费用报销单", "状态") == "初审通过"
    # 费用初审 picks it up (it is not recorded as pre-reviewed), registers the invoices; then it is sealed
    assert run(path, "prereview_expense").outcome == "ok"
    assert set(open_store().claimed_invoices(KEYS)) == set(KEYS)
    assert run(path, "submit_to_finance").outcome == "ok"
    assert open_store().claim(CLAIM)["stage"] == "已交财务"


def test_a_form_changed_after_prereview_is_prereviewed_again(tmp_path: Path) -> None:
    path = expense_workbook(tmp_path / "w.xlsx", [make_expense_form()])
    run(path, "prereview_expense")
    wb = openpyxl.load_workbook(path)
    wb["费用报销单"]["H8"] = "07654321"  # another hotel invoice
    wb.save(path)
    summary = run(path, "submit_to_finance")
    assert [str(i.code) for i in summary.issues] == ["EXP-029"] and "初审后被改动过" in summary.issues[0].message
    assert run(path, "prereview_expense").outcome == "ok"
    held = open_store().claimed_invoices(["3100231130-07654321", "3100231130-01234567"])
    assert set(held) == {"3100231130-07654321"}  # the new one registered, the replaced one released
    assert run(path, "submit_to_finance").outcome == "ok"


def test_cli_seal_refuses_forms_not_prereviewed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = expense_workbook(tmp_path / "w.xlsx", [make_expense_form(status="已支付")])
    assert main(["seal", str(source), "--out", str(tmp_path / "out"), "--today", "2026-11-26"]) == 1
    assert "没有费用初审的登记" in capsys.readouterr().out and not (tmp_path / "out").exists()
    assert open_store().seals() == []


# --------------------------------------------------------------------------- 4. the sealed file before the status


def test_a_seal_that_cannot_be_written_leaves_the_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = expense_workbook(tmp_path / "w.xlsx", [make_expense_form()])
    run(path, "prereview_expense")

    def refuse(*_a: Any, **_k: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    original = seal.seal_form
    monkeypatch.setattr(seal, "seal_form", refuse)
    summary = run(path, "submit_to_finance")
    assert summary.outcome == "issues"
    (issue,) = [i for i in summary.issues if str(i.code) == "EXP-030"]
    assert issue.cell == "K4" and "Permission denied" in issue.message and "封存文件夹" in issue.message
    assert label_value(path, "费用报销单", "状态") == "初审通过"
    assert open_store().claim(CLAIM)["stage"] == "初审通过" and open_store().seals() == []
    monkeypatch.setattr(seal, "seal_form", original)
    assert run(path, "submit_to_finance").outcome == "ok"  # pressed again once the folder is fixed


# --------------------------------------------------------------------------- 5. an unchecked signature


def test_verify_without_the_key_does_not_claim_a_checked_signature(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEIQIN_SEAL_KEY", "company-secret")
    sealed = handed_over(tmp_path)
    assert main(["verify", str(sealed)]) == 0
    assert "公司密钥签名已核对" in capsys.readouterr().out
    monkeypatch.delenv("NEIQIN_SEAL_KEY")
    assert main(["verify", str(sealed)]) == 1
    out = capsys.readouterr().out
    assert "签名未核对（本机未配置公司密钥）" in out and "已签名" not in out


# --------------------------------------------------------------------------- 6. limits, split invoices, 合计 notes


def comms(gross: float, city: str, date: dt.datetime = D(2026, 11, 10)) -> dict[str, Any]:
    return make_line(
        category="通讯", kind="无发票", code=None, number=None, net=None, rate=None, tax=None,
        gross=gross, note="话费", city=city, date=date, days=None,
    )  # fmt: skip


def form_of(*lines: dict[str, Any], attachments: int | None = None) -> dict[str, Any]:
    total = round(sum(line["gross"] for line in lines), 2)
    if attachments is None:
        attachments = sum(1 for line in lines if line["kind"] != "无发票")
    return make_expense_form(lines=list(lines), total=total, total_upper=to_upper(total), attachments=attachments)


def issue_codes(tmp_path: Path, form: dict[str, Any]) -> set[tuple[str, str]]:
    return {(str(i.code), i.column) for i in checked(form_file(tmp_path / "c.xlsx", form))}


def test_a_limit_for_all_cities_adds_up_every_city(tmp_path: Path) -> None:
    assert issue_codes(tmp_path, form_of(comms(150.0, "上海"), comms(151.0, "杭州"))) == {("EXP-021", "价税合计")}


def hotel(gross: float, days: Any, number: str) -> dict[str, Any]:
    net = round(gross / 1.06, 2)
    return make_line(gross=gross, net=net, tax=round(gross - net, 2), days=days, number=number)


def test_a_blank_days_count_is_one_day(tmp_path: Path) -> None:
    # 900 for 2 nights + 480 for 1 night (天数 blank) in 上海: 500 × 3 = 1,500
    assert issue_codes(tmp_path, form_of(hotel(900.0, 2, "01234567"), hotel(480.0, None, "01234568"))) == set()


def test_unreadable_days_give_one_issue_not_a_false_limit(tmp_path: Path) -> None:
    assert issue_codes(tmp_path, form_of(hotel(900.0, "2晚", "01234567"))) == {("LED-013", "天数")}


def test_one_invoice_over_two_lines(tmp_path: Path) -> None:
    room = make_line(net=400.0, rate=0.06, tax=24.0, gross=424.0, days=None)
    meal = make_line(category="业务招待", net=100.0, rate=0.13, tax=13.0, gross=113.0, days=None, note="餐饮")
    assert issue_codes(tmp_path, form_of(room, meal, attachments=1)) == set()
    twice = form_of(room, dict(room), attachments=1)
    assert issue_codes(tmp_path, twice) == {("EXP-023", "发票号码"), ("EXP-021", "价税合计")}  # 848 > 500


def test_a_note_starting_with_total_does_not_end_the_table(tmp_path: Path) -> None:
    lines = [make_line(note="合计两晚住宿"), make_line(number="123", gross=100.0, net=94.34, tax=5.66, days=None)]
    issues = checked(form_file(tmp_path / "c.xlsx", form_of(*lines)))
    assert {(str(i.code), i.cell) for i in issues} == {("EXP-007", "H9")}  # the line under the note is read


# --------------------------------------------------------------------------- 7. messages and tolerances


def test_the_upper_case_message_keeps_amounts_with_thousands(tmp_path: Path) -> None:
    line = make_line(category="其他", kind="无发票", code=None, number=None, net=None, rate=None, tax=None,
                     gross=6007.14, note="杂费", days=None)  # fmt: skip
    form = make_expense_form(lines=[line], total=6007.14, total_upper="陆仟柒元壹角肆分", attachments=0)
    (issue,) = [i for i in checked(form_file(tmp_path / "c.xlsx", form)) if str(i.code) == "EXP-016"]
    assert "“仟”与“柒”之间应写“零”；" in issue.message and "，6" not in issue.message
    assert "陆仟零柒元壹角肆分" in issue.message


def test_tax_rounding_of_multi_item_invoices_is_a_warning(tmp_path: Path) -> None:
    def tax_line(tax: float) -> dict[str, Any]:
        return make_line(net=849.06, tax=tax, gross=round(849.06 + tax, 2), days=2)

    found = {(str(i.code), i.severity) for i in checked(form_file(tmp_path / "a.xlsx", form_of(tax_line(50.97))))}
    assert found == {("EXP-031", "warning")}
    found = {(str(i.code), i.severity) for i in checked(form_file(tmp_path / "b.xlsx", form_of(tax_line(52.94))))}
    assert found == {("EXP-013", "error")}


def test_free_path_counts_up(tmp_path: Path) -> None:
    (tmp_path / "报销单_X.xlsx").write_bytes(b"")
    (tmp_path / "报销单_X_2.xlsx").write_bytes(b"")
    assert seal.free_path(tmp_path, "X").name == "报销单_X_3.xlsx"


# --------------------------------------------------------------------------- 14. what one file cannot show


def test_verify_checks_names_duplicates_and_the_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sealed = handed_over(tmp_path)
    folder = tmp_path / "finance"
    folder.mkdir()
    shutil.copyfile(sealed, folder / "报销单_BX2611999.xlsx")  # renamed
    shutil.copyfile(sealed, folder / seal.sealed_name(CLAIM))
    assert main(["verify", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "文件名与报销单号 BX2611001 不符" in out and "报销单号 BX2611001 有 2 个文件" in out
    # a file with a recomputed digest the store never recorded (no key: only the digest can be checked)
    results = [seal.verify_file(sealed)]
    seal.cross_check(results, {CLAIM: [{"digest": "0" * 64, "file": "x.xlsx"}]})
    assert results[0].status == seal.MODIFIED and "没有这份封存记录" in results[0].notes[-1]


def test_a_label_merged_over_two_cells_keeps_its_value(tmp_path: Path) -> None:
    path = form_file(tmp_path / "c.xlsx", make_expense_form())
    wb = openpyxl.load_workbook(path)
    ws = wb["费用报销单"]
    for area in list(ws.merged_cells.ranges):
        if "G5" in area:
            ws.unmerge_cells(str(area))
    ws["G5"] = None
    ws["H5"] = "上海客户拜访"
    ws.merge_cells("F5:G5")
    wb.save(path)
    assert checked(path) == []


def test_monthly_limits_count_the_claimants_other_claims(tmp_path: Path) -> None:
    first = expense_workbook(tmp_path / "a.xlsx", [make_expense_form(**form_of(comms(150.0, "上海")))])
    assert run(first, "prereview_expense").outcome == "ok"
    second = form_of(comms(100.0, "上海", D(2026, 11, 12)))
    second.update(claim_id="BX2611002")
    issues = checked(form_file(tmp_path / "b.xlsx", second), store=open_store())
    (issue,) = issues
    assert str(issue.code) == "EXP-021" and "含本人其他报销单 150.00 元" in issue.message
    other_person = dict(second, claimant="陈静")
    assert checked(form_file(tmp_path / "c.xlsx", other_person), store=open_store()) == []
    # a returned claim no longer counts
    open_store().set_claim_stage(CLAIM, "初审退回", dt.datetime(2026, 11, 26, 12))
    assert checked(form_file(tmp_path / "d.xlsx", second), store=open_store()) == []


# --------------------------------------------------------------------------- 15. seal details


def test_sealed_files_are_readable_and_show_rates_as_typed(tmp_path: Path) -> None:
    import os
    import stat

    line = make_line(rate=6, days=2)  # typed as 6, read as 6%
    path = expense_workbook(tmp_path / "w.xlsx", [form_of(line)])
    assert run(path, "prereview_expense").outcome == "ok"
    assert run(path, "submit_to_finance").outcome == "ok"
    sealed = tmp_path / seal.sealed_name(CLAIM)
    assert openpyxl.load_workbook(sealed)["费用报销单"]["J8"].number_format == "General"  # not 600%
    assert seal.verify_file(sealed).valid
    if os.name == "posix":
        mask = os.umask(0)
        os.umask(mask)
        assert stat.S_IMODE(sealed.stat().st_mode) == 0o666 & ~mask


def test_the_claimant_may_correct_an_amount_after_prereview(tmp_path: Path) -> None:
    path = expense_workbook(tmp_path / "w.xlsx", [make_expense_form()])
    run(path, "prereview_expense")
    wb = openpyxl.load_workbook(path)
    ws = wb["费用报销单"]
    ws["I8"], ws["K8"], ws["L8"] = 754.72, 45.28, 800.0  # the hotel invoice was 800, not 900
    ws["B20"], ws["E20"] = 1309.5, to_upper(1309.5)
    wb.save(path)
    assert run(path, "submit_to_finance").outcome == "issues"  # changed since pre-review
    summary = run(path, "prereview_expense")
    assert summary.outcome == "ok", summary.text()
    assert open_store().claimed_invoices(["3100231130-01234567"])["3100231130-01234567"]["amount"] == 800.0
    assert run(path, "submit_to_finance").outcome == "ok"
