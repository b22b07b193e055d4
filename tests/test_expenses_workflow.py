"""Expense claim workflow: 费用初审 → 退回 / 提交财务 → 财务结果, 报销进度, duplicates across claims, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import macros
import neiqin
from neiqin.app.cli import main
from neiqin.core.store import open_store
from neiqin.engine import open_book
from validators.expenses.states import TRANSITIONS, ClaimStage, change_problem, stage

from .conftest import ledger_rows
from .expense_factory import TODAY, D, expense_workbook, label_value, make_expense_form, make_line

CLAIM = "BX2611001"


def run(path: Path, action_id: str, today: dt.date = TODAY) -> Any:
    book = open_book(path, engine="headless")
    summary = macros.run(action_id, book, today=today, user="李娜")
    book.save()
    return summary


def claims(path: Path) -> dict[str, dict[str, Any]]:
    return {r["claim_id"]: r for r in ledger_rows(path, "claims")}


# --------------------------------------------------------------------------- the status machine


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        (None, "初审通过", True),
        ("待部门审批", "待初审", True),
        ("待初审", "初审通过", True),
        ("待初审", "初审退回", True),
        ("初审退回", "初审通过", True),  # corrected and pre-reviewed again
        ("初审通过", "已交财务", True),
        ("初审通过", "初审退回", True),
        ("已交财务", "财务已审核", True),
        ("已交财务", "财务退回", True),
        ("已交财务", "已支付", True),
        ("财务已审核", "已支付", True),
        ("财务退回", "初审通过", True),
        ("待初审", "已交财务", False),  # not pre-reviewed
        ("待初审", "已支付", False),
        (None, "财务已审核", False),
        ("初审退回", "已交财务", False),
        ("已交财务", "初审通过", False),  # with finance already
        ("已支付", "财务退回", False),  # closed
        ("财务已审核", "初审退回", False),
    ],
)
def test_status_machine(old: str | None, new: str, allowed: bool) -> None:
    why = change_problem(old, ClaimStage(new))
    assert (why is None) == allowed
    if not allowed:
        assert why and any("\u4e00" <= ch <= "\u9fff" for ch in why)


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("初审通过", "已支付", "报销单还没有交财务"),  # pre-reviewed, but not with finance yet
        ("待初审", "财务已审核", "报销单还没有交财务"),
        ("待初审", "已交财务", "只有初审通过的报销单才能交财务"),
        ("已交财务", "初审通过", "已交财务的报销单由财务审核，内勤不能再初审或退回"),
        ("已支付", "财务退回", "已支付的报销单已经办结"),
        ("初审通过", "待初审", "不能跳过或倒退环节"),
        ("处理中", "已支付", "『处理中』不是报销状态"),
    ],
)
def test_a_refused_status_change_says_why(old: str, new: str, why: str) -> None:
    assert change_problem(old, ClaimStage(new)) == why


def test_every_status_has_its_transitions() -> None:
    from neiqin.core.config import Settings

    assert [stage(s) for s in Settings().claim_statuses] == list(ClaimStage)
    assert set(TRANSITIONS) == {None, *ClaimStage}


# --------------------------------------------------------------------------- 费用初审 / 退回


def test_prereview_passes_a_clean_form_and_registers_it(tmp_path: Path) -> None:
    path = expense_workbook(tmp_path / "w.xlsx", [make_expense_form()])
    summary = run(path, "prereview_expense")
    assert summary.outcome == "ok", summary.text()
    assert label_value(path, "费用报销单", "状态") == "初审通过"
    assert label_value(path, "费用报销单", "内勤初审") == "李娜"
    assert label_value(path, "费用报销单", "初审日期") == D(2026, 11, 26)
    row = claims(path)[CLAIM]
    assert (row["status"], row["amount"], row["prereviewed"]) == ("初审通过", 1409.5, D(2026, 11, 26))
    assert row["submitted"] == D(2026, 11, 20) and row["approved"] == D(2026, 11, 21)
    held = open_store().claimed_invoices(["3100231130-01234567", "26312000000012345678", "031001900111-12345678"])
    assert {v["claim_id"] for v in held.values()} == {CLAIM} and len(held) == 3
    # pressing it again changes nothing (the form is no longer waiting)
    again = run(path, "prereview_expense")
    assert again.outcome == "ok" and "不需要再次初审" in again.message


def test_prereview_keeps_a_form_with_errors_and_marks_them(tmp_path: Path) -> None:
    path = expense_workbook(tmp_path / "w.xlsx", [make_expense_form(total_upper="壹仟肆佰玖元伍角")])
    summary = run(path, "prereview_expense")
    assert summary.outcome == "issues"
    assert label_value(path, "费用报销单", "状态") == "待初审"
    assert claims(path)[CLAIM]["status"] == "待初审"
    ws = openpyxl.load_workbook(path)["费用报销单"]
    assert ws["E20"].comment is not None and "壹仟肆佰零玖元伍角" in ws["E20"].comment.text
    assert open_store().claimed_invoices(["3100231130-01234567"]) == {}


def test_an_invoice_is_reimbursed_once_across_claims(tmp_path: Path) -> None:
    first = expense_workbook(tmp_path / "a.xlsx", [make_expense_form()])
    second = expense_workbook(tmp_path / "b.xlsx", [make_expense_form(claim_id="BX2611009", claimant="陈静")])
    assert run(first, "prereview_expense").outcome == "ok"
    summary = run(second, "prereview_expense")
    dup = [i for i in summary.issues if i.code == "EXP-024"]
    assert [i.cell for i in dup] == ["H8", "H9", "H10"]
    assert all(CLAIM in i.message for i in dup)
    assert label_value(second, "费用报销单", "状态") == "待初审"
    # the first claim is returned: its invoices are released and the second one may pass
    book = open_book(first)
    book.sheets["费用报销单"].activate()
    assert macros.run("return_expense", book, today=TODAY, user="李娜").outcome == "ok"
    book.save()
    assert open_store().claimed_invoices(["3100231130-01234567"]) == {}
    assert run(second, "prereview_expense").outcome == "ok"
    assert open_store().claimed_invoices(["3100231130-01234567"])["3100231130-01234567"]["claim_id"] == "BX2611009"


def test_return_writes_the_reasons_for_the_claimant(tmp_path: Path) -> None:
    forms = [
        make_expense_form(),
        make_expense_form(sheet="费用报销单(2)", claim_id="BX2611002", approver=None, total_upper="壹仟肆佰玖元伍角"),
    ]
    path = expense_workbook(tmp_path / "w.xlsx", forms)
    summary = run(path, "return_expense")  # no form active: those with errors
    assert "退回了 1 张" in summary.message
    assert label_value(path, "费用报销单", "状态") == "待初审"
    assert label_value(path, "费用报销单(2)", "状态") == "初审退回"
    reason = label_value(path, "费用报销单(2)", "退回原因")
    assert "部门负责人" in reason and "壹仟肆佰零玖元伍角" in reason
    row = claims(path)["BX2611002"]
    assert row["status"] == "初审退回" and row["return_reason"] == reason
    assert row["feedback"].startswith("王磊：您的报销单 BX2611002") and "请按以下意见修改" in row["feedback"]


# --------------------------------------------------------------------------- 提交财务 / 财务结果 / 报销进度


def test_submit_to_finance_seals_only_prereviewed_forms(tmp_path: Path) -> None:
    from neiqin.core.seal import verify_file

    path = expense_workbook(tmp_path / "w.xlsx", [make_expense_form()])
    assert "没有处于这一环节" in run(path, "submit_to_finance").message  # not pre-reviewed yet
    run(path, "prereview_expense")
    summary = run(path, "submit_to_finance")
    assert summary.outcome == "ok", summary.text()
    sealed = tmp_path / f"报销单_{CLAIM}.xlsx"
    assert sealed.is_file() and verify_file(sealed).valid
    assert label_value(path, "费用报销单", "状态") == "已交财务"
    assert claims(path)[CLAIM]["handed_over"] == D(2026, 11, 26)
    assert open_store().seals(CLAIM)[0]["file"] == str(sealed)
    assert label_value(sealed, "费用报销单", "状态") == "已交财务"


def test_finance_results_follow_the_status_machine(tmp_path: Path) -> None:
    rows = [
        {"claim_id": "BX1", "claimant": "王磊", "amount": 100.0, "status": "已交财务", "finance_result": "财务已审核"},
        {"claim_id": "BX2", "claimant": "陈静", "amount": 200.0, "status": "财务已审核", "finance_result": "已支付",
         "result_date": D(2026, 11, 25)},
        {"claim_id": "BX3", "claimant": "刘洋", "amount": 300.0, "status": "待初审", "finance_result": "已支付"},
        {"claim_id": "BX4", "claimant": "周敏", "amount": 400.0, "status": "已交财务", "finance_result": "财务退回",
         "finance_note": "发票抬头不是本公司"},
    ]  # fmt: skip
    path = expense_workbook(tmp_path / "w.xlsx", [make_expense_form()], claims=rows)
    open_store().reserve_invoices("BX4", [{"key": "1100000000-00000001"}], when=D(2026, 11, 1))
    summary = run(path, "record_finance_result")
    got = claims(path)
    assert got["BX1"]["status"] == "财务已审核" and got["BX1"]["finance_reviewed"] == D(2026, 11, 26)
    assert got["BX2"]["status"] == "已支付" and got["BX2"]["paid"] == D(2026, 11, 25)
    assert got["BX3"]["status"] == "待初审"  # refused
    assert got["BX4"]["status"] == "财务退回" and got["BX4"]["return_reason"] == "发票抬头不是本公司"
    assert "发票抬头不是本公司" in got["BX4"]["feedback"] and "付款，请查收" in got["BX2"]["feedback"]
    (refused,) = [i for i in summary.issues if i.code == "EXP-027"]
    assert refused.column == "财务结果" and "BX3" in refused.message
    assert open_store().claimed_invoices(["1100000000-00000001"]) == {}


def test_a_finance_result_without_an_amount_says_so(tmp_path: Path) -> None:
    rows = [{"claim_id": "BX1", "claimant": "王磊", "status": "已交财务", "finance_result": "已支付"}]
    path = expense_workbook(tmp_path / "w.xlsx", [make_expense_form()], claims=rows)
    run(path, "record_finance_result")
    assert claims(path)["BX1"]["feedback"] == "王磊：您的报销单 BX1（金额未填）已于 2026-11-26 付款，请查收。"


def test_a_claims_ledger_without_the_finance_result_column_says_where_and_what_to_do(tmp_path: Path) -> None:
    rows = [{"claim_id": "BX1", "status": "已交财务"}]
    path = expense_workbook(tmp_path / "w.xlsx", [make_expense_form()], claims=rows)
    wb = openpyxl.load_workbook(path)
    ws = wb["报销登记"]
    (header,) = [c for row in ws.iter_rows() for c in row if c.value == "财务结果"]
    ws.delete_cols(header.column)
    wb.save(path)
    summary = run(path, "record_finance_result")
    assert summary.message == (
        f"『报销登记』第 {header.row} 行的表头里没有「财务结果」列；请按模板加上，填写财务结果后再点『财务结果』。"
    )
    assert claims(path)["BX1"]["status"] == "已交财务"


def test_backlog_lists_overdue_claims_first(tmp_path: Path) -> None:
    rows = [
        {"claim_id": "BX1", "status": "已交财务", "handed_over": D(2026, 11, 24)},
        {"claim_id": "BX2", "status": "待部门审批", "submitted": D(2026, 11, 16)},  # 10 days, limit 3
        {"claim_id": "BX3", "status": "已支付", "paid": D(2026, 11, 20)},
        {"claim_id": "BX4", "status": "初审通过", "prereviewed": D(2026, 11, 20)},  # 6 days, limit 2
    ]
    path = expense_workbook(tmp_path / "w.xlsx", [make_expense_form()], claims=rows)
    summary = run(path, "expense_backlog")
    assert "在办报销单 3 张，超期 2 张" in summary.message
    ws = openpyxl.load_workbook(path)["报销进度"]
    table = [[c.value for c in row] for row in ws.iter_rows(min_row=5, max_col=10)]
    assert [r[0] for r in table] == ["BX2", "BX4", "BX1"]
    assert table[0][7:] == [10, 3, 7] and table[2][7:] == [2, 5, None]


def test_actions_on_a_workbook_without_forms_say_so(tmp_path: Path) -> None:
    from .conftest import make_order_row, write_orders

    path = write_orders(tmp_path / "orders.xlsx", [make_order_row()])
    for action_id in ("validate_expenses", "prereview_expense", "return_expense", "submit_to_finance"):
        summary = run(path, action_id)
        assert summary.outcome == "ok" and "费用报销单" in summary.message


def test_workbook_calls_do_not_grow_with_lines(tmp_path: Path) -> None:
    def calls(n: int) -> int:
        lines = [make_line(category="其他", kind="无发票", code=None, number=None, net=None, rate=None, tax=None,
                           gross=10.0, note="杂费", days=None) for _ in range(n)]  # fmt: skip
        from neiqin.core.rmb import to_upper

        form = make_expense_form(
            claim_id=f"BX26110{n:02d}", lines=lines, attachments=0, total=10.0 * n, total_upper=to_upper(10 * n)
        )
        path = expense_workbook(tmp_path / f"w{n}.xlsx", [form])
        book = open_book(path)
        with neiqin.count_calls() as counted:
            for action_id in ("prereview_expense", "submit_to_finance"):  # the seal writes a new workbook
                summary = macros.run(action_id, book, today=TODAY)
                assert summary.outcome == "ok", summary.text()
        return sum(counted.values())

    assert calls(40) == calls(3)


# --------------------------------------------------------------------------- the CLI


def test_cli_validate_expenses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = expense_workbook(tmp_path / "clean.xlsx", [make_expense_form()])
    assert main(["validate", str(clean), "--ledger", "expenses", "--today", "2026-11-26"]) == 0
    faulty = expense_workbook(tmp_path / "faulty.xlsx", [make_expense_form(attachments=1)])
    capsys.readouterr()
    assert main(["validate", str(faulty), "--ledger", "expenses", "--json", "--today", "2026-11-26"]) == 1
    issues = json.loads(capsys.readouterr().out)
    assert issues == [
        {
            "sheet": "费用报销单",
            "row": 5,
            "column": "附件张数",
            "code": "EXP-022",
            "severity": "error",
            "message": "附件张数 1 少于明细中的发票张数 3（同一张发票分几行只算一张）；请核对所附发票张数",
        }
    ]
    marked = tmp_path / "marked.xlsx"
    shutil.copyfile(faulty, marked)
    assert main(["validate", str(marked), "--ledger", "expenses", "--mark", "--today", "2026-11-26"]) == 1
    assert openpyxl.load_workbook(marked)["费用报销单"]["E5"].comment is not None


def test_cli_validate_expenses_unusable_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from .conftest import make_order_row, write_orders

    path = write_orders(tmp_path / "orders.xlsx", [make_order_row()])
    assert main(["validate", str(path), "--ledger", "expenses"]) == 2
    assert "费用报销单" in capsys.readouterr().err


@pytest.mark.parametrize("module_file", ["_xlwindows.py", "_xlmac.py"])
def test_expense_actions_use_only_what_excel_engines_implement(tmp_path: Path, module_file: str) -> None:
    from .test_excel_api_coverage import ENGINE_ONLY, members

    forms = [
        make_expense_form(),
        make_expense_form(sheet="费用报销单(2)", claim_id="BX2611002", approver=None),
    ]
    rows = [{"claim_id": "BX9", "status": "已交财务", "finance_result": "已支付", "handed_over": D(2026, 11, 20)}]
    path = expense_workbook(tmp_path / "w.xlsx", forms, claims=rows)
    book = open_book(path)
    with neiqin.count_calls() as calls:
        for action_id in (
            "validate_expenses",
            "prereview_expense",
            "return_expense",
            "submit_to_finance",
            "record_finance_result",
            "expense_backlog",
        ):
            summary = macros.run(action_id, book, today=TODAY)
            assert summary.outcome in ("ok", "issues"), summary.text()
    assert (tmp_path / "报销单_BX2611001.xlsx").is_file()
    available = members(module_file)
    missing = sorted(
        key
        for key in calls
        if key not in ENGINE_ONLY and key.rstrip("=").split(".")[1] not in available.get(key.split(".")[0], set())
    )
    assert not missing, f"not implemented by xlwings' {module_file}: {missing}"


def test_a_workbook_without_the_claims_ledger_gets_one(tmp_path: Path) -> None:
    from .expense_factory import form_file

    path = form_file(tmp_path / "single.xlsx", make_expense_form())
    assert run(path, "prereview_expense").outcome == "ok"
    assert claims(path)[CLAIM]["status"] == "初审通过"
    assert openpyxl.load_workbook(path)["报销登记"]["A4"].value == "报销单号"


def test_a_finance_result_with_an_unreadable_date_is_not_recorded(tmp_path: Path) -> None:
    rows = [{"claim_id": "BX1", "status": "已交财务", "finance_result": "已支付", "result_date": "上周五"}]
    path = expense_workbook(tmp_path / "w.xlsx", [make_expense_form()], claims=rows)
    summary = run(path, "record_finance_result")
    assert claims(path)["BX1"]["status"] == "已交财务"
    assert [str(i.code) for i in summary.issues] == ["LED-011"]


def test_the_button_works_on_the_form_the_clerk_is_looking_at(tmp_path: Path) -> None:
    from neiqin.engine import headless_caller

    forms = [make_expense_form(), make_expense_form(sheet="费用报销单(2)", claim_id=None, approver=None)]
    path = expense_workbook(tmp_path / "w.xlsx", forms)
    with headless_caller(path) as book:
        book.sheets["费用报销单(2)"].activate()
        summary = macros.dispatch("return_expense")  # what the ribbon button runs
        book.save()
    assert summary.outcome == "ok" and "退回了 1 张" in summary.message
    assert label_value(path, "费用报销单(2)", "状态") == "初审退回"
    assert "报销单号" in label_value(path, "费用报销单(2)", "退回原因")
    assert label_value(path, "费用报销单", "状态") == "待初审"  # the other form is left alone
    assert claims(path) == {}  # a form without 报销单号 is not registered


def _set_claim(path: Path, claim_id: str, **values: Any) -> None:
    """Type into 『报销登记』 as the clerk does (by header text)."""
    from neiqin.core import kit

    wb = openpyxl.load_workbook(path)
    ws = wb["报销登记"]
    headers = {c.value: c.column for row in ws.iter_rows(max_row=10) for c in row if isinstance(c.value, str)}
    row = next(r["_row"] for r in ledger_rows(path, "claims") if r["claim_id"] == claim_id)
    for name, value in values.items():
        ws.cell(row, headers[kit.ledger("claims").column(name).header]).value = value
    wb.save(path)


def test_a_stale_finance_result_is_not_applied_to_a_resubmitted_claim(tmp_path: Path) -> None:
    """Issue 12: 财务退回 → fixed → resubmitted; the old result neither flips it back nor sends a second message."""
    path = expense_workbook(tmp_path / "w.xlsx", [make_expense_form()])
    run(path, "prereview_expense")
    run(path, "submit_to_finance", today=dt.date(2026, 11, 26))
    _set_claim(path, CLAIM, finance_result="财务退回", result_date=D(2026, 11, 27), finance_note="附件不全")
    assert "附件不全" in run(path, "record_finance_result", today=dt.date(2026, 11, 27)).details[0]
    assert claims(path)[CLAIM]["status"] == "财务退回"
    # the claimant fixes the form; it is pre-reviewed and handed over again on the 30th
    later = dt.date(2026, 11, 30)
    run(path, "prereview_expense", today=later)
    (tmp_path / f"报销单_{CLAIM}.xlsx").rename(tmp_path / "first-seal.xlsx")
    assert run(path, "submit_to_finance", today=later).outcome == "ok"
    row = claims(path)[CLAIM]
    assert row["status"] == "已交财务" and row["handed_over"] == D(2026, 11, 30)
    assert row["finance_result"] is None and row["result_date"] is None  # cleared at resubmission
    # a result typed again with the old date belongs to the earlier submission: ignored and cleared
    _set_claim(path, CLAIM, finance_result="财务退回", result_date=D(2026, 11, 27))
    summary = run(path, "record_finance_result", today=later)
    assert summary.message.startswith("登记了 0 条财务结果")
    assert any("上一次提交的结果" in d for d in summary.details)
    row = claims(path)[CLAIM]
    assert row["status"] == "已交财务" and row["finance_result"] is None
    assert label_value(path, "费用报销单", "状态") == "已交财务"


def test_the_clerk_who_signs_is_the_clerk_name_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12: 内勤初审 and 封存 are signed with 内勤姓名 (per user), not the OS login."""
    path = expense_workbook(tmp_path / "w.xlsx", [make_expense_form()])
    config = tmp_path / "config.toml"
    config.write_text('"内勤姓名" = "张敏"\n', encoding="utf-8")  # TOML: a Chinese key is quoted
    monkeypatch.setenv("NEIQIN_CONFIG", str(config))
    book = open_book(path, engine="headless")
    assert macros.run("prereview_expense", book, today=TODAY).outcome == "ok"  # no user given: the setting signs
    book.save()
    assert label_value(path, "费用报销单", "内勤初审") == "张敏"
    assert open_store().actions()[0]["user"] == "张敏"
    assert open_store().claim(CLAIM)["prereviewer"] == "张敏"
