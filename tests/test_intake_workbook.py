"""粘贴订单 (issue 18) end to end on real workbooks: 订单录入 → draft lines in 订单台账 → 确认订单 learns 产品别名."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import macros
from neiqin.engine import open_book
from validators.order_intake.planners import MARK

from .conftest import check, ledger_rows, make_order_row, run_action
from .intake_workbook import as_pasted, intake_workbook, paste

DAY = dt.date(2026, 12, 1)  # a Tuesday; the messages are received 2026-12-01 09:30
HENGTONG = "苏州恒通机械有限公司"


def run(path: Path, action_id: str = "order_intake", today: dt.date = DAY) -> macros.Summary:
    return run_action(path, action_id, today)


def orders(path: Path) -> list[dict[str, Any]]:
    return ledger_rows(path, "orders")


def set_cells(path: Path, sheet: str, values: dict[tuple[int, str], Any]) -> None:
    """Type values into a sheet as a clerk would: (Excel row, header) -> value."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    header = next(r for r in ws.iter_rows(min_row=1, max_row=10) if any(c.value in ("备注", "原文") for c in r))
    cols = {c.value: c.column for c in header}
    for (row, name), value in values.items():
        ws.cell(row, cols[name]).value = value
    wb.save(path)


# --------------------------------------------------------------------------- draft lines


def test_a_message_becomes_pending_draft_lines(tmp_path: Path) -> None:
    text = "王经理：YE3-100L1-4 2.2kW电机10台，另外FR-E820-0.75K变频器2台，单价1280元/台，12月10日前送到。"
    path = intake_workbook(tmp_path / "book.xlsx", [paste(text, customer=HENGTONG, channel="微信")])
    summary = run(path)
    lines = orders(path)
    assert [(r["product_code"], r["quantity"], r["unit_price"], r["amount"]) for r in lines] == [
        ("MT-2200", 10.0, 1850.0, 18500.0),  # no price in the message: the list price, said in 备注
        ("VF-0750", 2.0, 1280.0, 2560.0),
    ]
    first = lines[0]
    assert first["order_id"] == lines[1]["order_id"] == "SO2612001"
    assert first["customer"] == HENGTONG
    assert (first["status"], first["channel"], first["sales_rep"]) == ("待确认", "微信", "王磊")
    assert first["order_date"] == dt.datetime(2026, 12, 1)
    assert first["delivery_date"] == lines[1]["delivery_date"] == dt.datetime(2026, 12, 10)
    assert "置信度 100%" in first["note"] and "按产品目录标准价" in first["note"]
    assert MARK.search(first["note"])["wording"]
    pasted = ledger_rows(path, "order_intake")[0]
    assert pasted["order_id"] == "SO2612001"
    assert pasted["result"].startswith("已录入 2 行草稿（SO2612001")
    assert summary.issues == []


def test_order_numbers_follow_the_ledger(tmp_path: Path) -> None:
    existing = [make_order_row(order_id="SO2612007", customer=HENGTONG, product_code="MT-2200")]
    path = intake_workbook(
        tmp_path / "book.xlsx",
        [
            paste("YE3-100L1-4 电机5台，12月10日前", customer=HENGTONG),
            paste("MT-0750 3台 12月9日前", customer=HENGTONG),
        ],
        orders=existing,
    )
    run(path)
    assert [r["order_id"] for r in orders(path)] == ["SO2612007", "SO2612008", "SO2612009"]


@pytest.mark.parametrize(
    ("used", "expected"),
    [
        (set(), "SO2612001"),
        ({1, 2, 7}, "SO2612008"),
        ({1, 2, 999}, "SO2612003"),  # past 999: the lowest free number, never a fourth digit
    ],
)
def test_the_next_order_number(used: set[int], expected: str) -> None:
    from validators.order_intake.planners import next_order_id

    assert next_order_id("SO2612", set(used)) == expected


def test_when_every_number_of_the_month_is_used_the_clerk_is_told() -> None:
    from neiqin.base.errors import NeiQinError
    from validators.order_intake.planners import next_order_id

    with pytest.raises(NeiQinError, match="已全部用完"):
        next_order_id("SO2612", set(range(1, 1000)))


def test_order_numbers_of_archived_lines_are_not_given_again(tmp_path: Path) -> None:
    archived = [make_order_row(order_id="SO2612004", customer=HENGTONG, status="已完成", digest="x")]
    path = intake_workbook(tmp_path / "book.xlsx", [paste("MT-0750 3台 12月9日前", customer=HENGTONG)],
                           archive=archived)  # fmt: skip
    run(path)
    assert [r["order_id"] for r in orders(path)] == ["SO2612005"]


@pytest.mark.parametrize(
    ("text", "customer", "field", "header", "code"),
    [
        ("6205轴承20套，12月10日前送到", HENGTONG, "product_code", "产品编码", "INT-004"),
        ("变频器 1.5kW 2台，12月10日前", HENGTONG, "product_code", "产品编码", "INT-003"),
        ("YE3-100L1-4 电机大概20台左右，12月10日前", HENGTONG, "quantity", "数量", "INT-006"),
        ("YE3-100L1-4 2.2kW电机5台", HENGTONG, "delivery_date", "交货日期", "INT-011"),
        ("YE3-100L1-4 电机5台，越快越好", HENGTONG, "delivery_date", "交货日期", "INT-012"),
        ("YE3-100L1-4 电机5台，节后交货", HENGTONG, "delivery_date", "交货日期", "INT-013"),
        ("YE3-100L1-4 电机5台，1850元，12月10日前", HENGTONG, "unit_price", "单价", "INT-009"),
        ("YE3-100L1-4 电机5台，12月10日前", None, "customer", "客户名称", "INT-001"),
    ],
)
def test_what_is_uncertain_stays_empty_and_is_asked(
    tmp_path: Path, text: str, customer: str | None, field: str, header: str, code: str
) -> None:
    path = intake_workbook(tmp_path / "book.xlsx", [paste(text, customer=customer)])
    summary = run(path)
    (line,) = orders(path)
    assert line[field] is None
    asked = [i for i in summary.issues if i.code == code]
    assert [(i.sheet, i.row, i.column, i.severity) for i in asked] == [("订单台账", line["_row"], header, "error")]
    assert "待问" in asked[0].message and "订单录入』第 5 行" in asked[0].message
    # marked in the cell and listed in 校验结果, once: not also as a plain 必填项
    results = [r for r in openpyxl.load_workbook(path)["校验结果"].iter_rows(values_only=True) if code in r]
    assert len(results) == 1
    cells = [r for r in openpyxl.load_workbook(path)["校验结果"].iter_rows(values_only=True)]
    assert not any("LED-010" in r and line["_row"] in r and header in r for r in cells)


def test_a_price_different_from_the_list_is_kept_and_warned(tmp_path: Path) -> None:
    text = "YE3-100L1-4 电机5台，单价1700，12月10日前"
    path = intake_workbook(tmp_path / "book.xlsx", [paste(text, customer=HENGTONG)])
    summary = run(path)
    (line,) = orders(path)
    assert line["unit_price"] == 1700.0
    assert [(i.code, i.column, i.severity) for i in summary.issues] == [("INT-017", "单价", "warning")]


# --------------------------------------------------------------------------- only once, text as text


def test_running_twice_or_pasting_again_adds_nothing(tmp_path: Path) -> None:
    text = "YE3-100L1-4 电机5台，12月10日前"
    path = intake_workbook(tmp_path / "book.xlsx", [paste(text, customer=HENGTONG)])
    run(path)
    assert len(orders(path)) == 1
    second = run(path)
    assert "没有新的消息" in second.message
    # the same text pasted again (other spaces, full-width digits), and the first row's marks cleared
    set_cells(
        path,
        "订单录入",
        {
            (6, "原文"): "YE3-100L1-4 电机５台， 12月10日前",
            (6, "收到时间"): dt.datetime(2026, 12, 1, 11),
            (5, "订单编号"): None,
            (5, "录入结果"): None,
        },
    )
    run(path)
    assert len(orders(path)) == 1
    rows = ledger_rows(path, "order_intake")
    assert [r["result"] for r in rows] == ["与已录入的订单 SO2612001 原文相同，未重复录入"] * 2


def test_pasted_formula_stays_text(tmp_path: Path) -> None:
    text = "=cmd|' /C calc'!A0 YE3-100L1-4 电机5台 12月10日前"
    path = as_pasted(intake_workbook(tmp_path / "book.xlsx", [paste(text, customer=HENGTONG)]))
    summary = run(path)
    wb = openpyxl.load_workbook(path)
    (line,) = orders(path)
    note = wb["订单台账"].cell(line["_row"], 23)
    assert note.data_type == "s" and "=cmd|" in note.value
    source = wb["订单录入"].cell(5, 1)
    assert (source.data_type, source.value) == ("s", text)
    assert line["product_code"] == "MT-2200"
    assert any(i.sheet == "订单录入" and i.column == "原文" for i in summary.issues)  # LED: looks like a formula


def test_a_message_pasted_one_line_per_cell(tmp_path: Path) -> None:
    path = intake_workbook(
        tmp_path / "book.xlsx",
        [
            paste("王经理好：", customer=HENGTONG),
            {"text": "1. YE3-100L1-4 电机 5台"},
            {"text": "2. MT-0750 3台"},
            {"text": "12月10日前交货"},
            paste("MT-5500 1台，12月20日前", customer=HENGTONG),
        ],
    )
    run(path)
    lines = orders(path)
    assert [(r["order_id"], r["product_code"], r["quantity"]) for r in lines] == [
        ("SO2612001", "MT-2200", 5.0),
        ("SO2612001", "MT-0750", 3.0),
        ("SO2612002", "MT-5500", 1.0),
    ]
    assert lines[0]["delivery_date"] == dt.datetime(2026, 12, 10)
    pasted = ledger_rows(path, "order_intake")
    assert [r["order_id"] for r in pasted] == ["SO2612001", None, None, None, "SO2612002"]


def test_a_message_without_its_time_is_not_read(tmp_path: Path) -> None:
    path = intake_workbook(tmp_path / "book.xlsx", [{"text": "YE3-100L1-4 电机5台，明天要", "customer": HENGTONG}])
    summary = run(path)
    assert orders(path) == []
    assert [(i.code, i.sheet, i.row, i.column) for i in summary.issues] == [("INT-018", "订单录入", 5, "收到时间")]
    assert ledger_rows(path, "order_intake")[0]["result"] is None  # read once the time is filled


@pytest.mark.parametrize(
    ("text", "kind"),
    [("SO2611018 取消，不要了", "取消订单"), ("SO2611018 的电机数量由2台改为3台", "变更订单")],
)
def test_cancellations_and_changes_are_not_entered_as_orders(tmp_path: Path, text: str, kind: str) -> None:
    path = intake_workbook(tmp_path / "book.xlsx", [paste(text, customer=HENGTONG)])
    run(path)
    assert orders(path) == []
    result = ledger_rows(path, "order_intake")[0]["result"]
    assert result.startswith(f"这是{kind}的消息（SO2611018）") and "订单变更记录" in result


# --------------------------------------------------------------------------- learning


def test_a_corrected_line_is_learned_and_matches_next_time(tmp_path: Path) -> None:
    message = "张伟：小号轴承200套，12月10日前送到，谢谢"
    path = intake_workbook(tmp_path / "book.xlsx", [paste(message, customer=HENGTONG)])
    run(path)
    (draft,) = orders(path)
    assert draft["product_code"] is None  # 轴承 fits three products: asked, not guessed
    wording = MARK.search(draft["note"])["wording"]
    # the clerk asks, then corrects the line and confirms it
    set_cells(path, "订单台账", {(draft["_row"], "产品编码"): "PT-BR6205", (draft["_row"], "单价"): 18.5})
    confirmed = run(path, "confirm_orders")
    assert orders(path)[0]["status"] == "已确认"
    assert any("记住了客户的叫法" in d for d in confirmed.details)
    assert [(a["customer"], a["wording"], a["product_code"]) for a in ledger_rows(path, "product_aliases")] == [
        (HENGTONG, wording, "PT-BR6205")
    ]
    # the next message of that customer, worded the same, matches exactly
    later = dt.datetime(2026, 12, 2, 9)
    again_text = message.replace("200", "300")
    set_cells(path, "订单录入", {(6, "原文"): again_text, (6, "收到时间"): later, (6, "客户"): HENGTONG})
    summary = run(path, today=dt.date(2026, 12, 2))
    again = orders(path)[1]
    assert (again["product_code"], again["quantity"]) == ("PT-BR6205", 300.0)
    assert "置信度 100%" in again["note"]
    assert not [i for i in summary.issues if i.column == "产品编码"]
    # confirming a line whose product was right learns nothing new
    run(path, "confirm_orders", today=dt.date(2026, 12, 2))
    assert len(ledger_rows(path, "product_aliases")) == 1


# --------------------------------------------------------------------------- 产品别名 checks


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([(HENGTONG, "小号", "PT-BR6205")], []),
        ([("C0001", "小号", "PT-BR6205")], []),  # by customer number
        ([(HENGTONG, "小号", "PT-XX999")], [("ALI-001", "产品编码")]),
        ([("不存在的公司", "小号", "PT-BR6205")], [("ALI-002", "客户名称")]),
        ([(HENGTONG, "小号", "PT-BR6205"), (HENGTONG, "小 号", "PT-BR6205Z")], [("ALI-003", "产品编码")] * 2),
        ([(HENGTONG, "小号", "PT-BR6205"), (HENGTONG, "小号", "PT-BR6205")], []),  # twice the same: harmless
        ([(HENGTONG, "小号", "PT-BR6205"), ("杭州远航自动化科技有限公司", "小号", "PT-BR6205Z")], []),
        ([(HENGTONG, None, "PT-BR6205")], [("LED-010", "客户叫法")]),
    ],
)
def test_alias_checks(tmp_path: Path, rows: list[tuple[Any, ...]], expected: list[tuple[str, str]]) -> None:
    aliases = [{"customer": c, "wording": w, "product_code": p} for c, w, p in rows]
    path = intake_workbook(tmp_path / "book.xlsx", aliases=aliases)
    run(path, "validate_product_aliases")
    from .conftest import validate_file

    issues = validate_file(path, "product_aliases").issues
    assert sorted((i.code, i.column) for i in issues) == sorted(expected)


def test_alias_checks_without_companions_say_nothing() -> None:
    from neiqin.core.ledger import parse_ledger
    from validators.product_aliases import AliasRow

    ledger = parse_ledger([["客户名称", "客户叫法", "产品编码"], [HENGTONG, "小号", "PT-BR6205"]], AliasRow, "产品别名")
    assert check("product_aliases", ledger) == []


# --------------------------------------------------------------------------- neiqin intake


CATALOGUE = Path(__file__).parent / "data" / "intake" / "catalogue.toml"
EML = Path(__file__).parent / "data" / "intake" / "eml"


def test_cli_reads_a_text_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from neiqin.app.cli import main

    message = tmp_path / "wx.txt"
    message.write_text("王经理早，YE3-100L1-4 2.2kW电机要5台，下周五前到厂，谢谢\n", encoding="utf-8")
    code = main([
        "intake", str(message), "--customer", HENGTONG, "--date", "2026-11-20 09:12", "--catalogue", str(CATALOGUE),
    ])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "客户：苏州恒通机械有限公司（C0001" in out
    assert "第1行：MT-2200 三相异步电机 YE3-100L1-4 2.2kW  5台" in out and "交货 2026-11-27" in out


def test_cli_json_asks_what_it_cannot_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from neiqin.app.cli import main

    message = tmp_path / "fax.txt"
    message.write_bytes("6205轴承20盒，月底前要".encode("gb18030"))  # a Notepad file in GBK
    code = main(["intake", str(message), "--customer", HENGTONG, "--date", "2026-11-20", "--catalogue", str(CATALOGUE),
                 "--json"])  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert code == 1  # something to ask the customer
    (line,) = data["lines"]
    assert line["product_code"] is None
    assert sorted(line["candidates"]) == ["PT-BR6205", "PT-BR6205Z"]
    assert [q["code"] for q in line["questions"]] == ["PRODUCT_AMBIGUOUS"]


def test_cli_reads_an_eml_change(capsys: pytest.CaptureFixture[str]) -> None:
    from neiqin.app.cli import main

    assert main(["intake", str(EML / "mail-003.eml"), "--catalogue", str(CATALOGUE)]) == 0
    out = capsys.readouterr().out
    assert "类型：变更订单" in out and "单号：SO2611025" in out and "新交货日期：2026-12-18" in out


def test_cli_into_a_workbook_enters_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from neiqin.app.cli import main

    path = intake_workbook(tmp_path / "book.xlsx")
    message = tmp_path / "wx.txt"
    message.write_text("YE3-100L1-4 2.2kW电机要5台，下周五前到厂", encoding="utf-8")
    args = ["intake", str(message), "--customer", HENGTONG, "--date", "2026-11-20 09:12", "--into", str(path)]
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(r["order_id"], r["product_code"], r["quantity"], r["status"]) for r in data["lines"]] == [
        ("SO2611001", "MT-2200", 5.0, "待确认")
    ]
    assert main(args) == 0
    assert "与已录入的订单 SO2611001 原文相同，未重复录入" in capsys.readouterr().out
    assert len(orders(path)) == 1
    kept = ledger_rows(path, "order_intake")
    assert [(r["text"], r["order_id"]) for r in kept] == [(message.read_text(encoding="utf-8"), "SO2611001"),
                                                          (message.read_text(encoding="utf-8"), None)]  # fmt: skip


def test_cli_into_an_eml_keeps_the_mail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from neiqin.app.cli import main

    path = intake_workbook(tmp_path / "book.xlsx")
    assert main(["intake", str(EML / "mail-004.eml"), "--into", str(path)]) == 1  # 3箱: no packing in 产品目录
    out = capsys.readouterr().out
    assert "INT-007" in out
    (kept,) = ledger_rows(path, "order_intake")
    assert kept["channel"] == "邮件" and kept["text"].startswith("主题：") and kept["order_id"] == "SO2611001"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["intake", "missing.txt", "--catalogue", str(CATALOGUE)], "找不到文件"),
        (["intake", "{msg}"], "需要客户档案和产品目录"),
        (["intake", "{empty}", "--catalogue", str(CATALOGUE)], "是空文件"),
        (["intake", "{msg}", "--date", "下周五", "--catalogue", str(CATALOGUE)], "时间格式应为"),
        (["intake", "{msg}", "--into", "missing.xlsx"], "找不到工作簿"),
        (["intake", "{notmail}", "--catalogue", str(CATALOGUE)], "不是邮件"),
    ],
)
def test_cli_unusable_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    from neiqin.app.cli import main

    (tmp_path / "msg.txt").write_text("MT-2200 5台", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "notmail.eml").write_text("这不是邮件", encoding="utf-8")
    names = {"msg": tmp_path / "msg.txt", "empty": tmp_path / "empty.txt", "notmail": tmp_path / "notmail.eml"}
    argv = [a.format(**names) if a.startswith("{") else (str(tmp_path / a) if a.startswith("missing") else a)
            for a in args]  # fmt: skip
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse: a bad option value
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_short_names_emails_and_packing_columns_are_used(tmp_path: Path) -> None:
    from .intake_workbook import add_column

    text = "恒通采购：深沟球轴承6206-2RS 3箱，12月10日前到"
    path = intake_workbook(tmp_path / "book.xlsx", [paste(text), paste("MT-0750 2台，12月9日前", customer="金泰")])
    add_column(path, "客户档案", "简称", {"C0001": "恒通、苏州恒通", "C0005": "金泰"})
    add_column(path, "客户档案", "邮箱", {"C0001": "zhangwei@hengtong-sz.com.cn"})
    add_column(path, "产品目录", "包装", {"PT-BR6206": "1箱=50套", "MT-0750": "每箱4台;;?"})
    summary = run(path)
    lines = orders(path)
    assert [(r["customer"], r["product_code"], r["quantity"]) for r in lines] == [
        (HENGTONG, "PT-BR6206", 150.0),
        ("南京金泰设备制造有限公司", "MT-0750", 2.0),  # 客户 by its short name
    ]
    assert "来信写3箱，折合 150套" in lines[0]["note"]
    assert any("包装换算无法读取" in d for d in summary.details)  # the bad packing text is named, not fatal


# --------------------------------------------------------------------------- the corpus, through the workbook


@pytest.mark.parametrize("which", ["corpus", "holdout"])
def test_the_corpus_through_the_workbook_writes_no_wrong_value(tmp_path: Path, which: str) -> None:
    """Every corpus message pasted on 订单录入, one click: no ledger cell holds a value the expectation contradicts.

    The reader's own scores are in test_intake_corpus.py; this checks that nothing is lost or altered on
    the way into 订单台账 (customer, product, quantity in the catalogue unit, delivery date), that
    cancellations and changes write no line, and that a cell left empty where the customer wrote the
    value always carries its question.
    """
    from .intake_corpus import messages
    from .intake_workbook import corpus_workbook, score_ledger
    from .test_intake_corpus import holdout

    corpus = messages() if which == "corpus" else holdout()
    path, rows = corpus_workbook(tmp_path / "corpus.xlsx", corpus)
    summary = run(path, today=dt.date(2026, 11, 20))
    score = score_ledger(path, corpus, rows, summary.issues)
    assert score.wrong == []
    assert score.silent == []
    assert score.lines >= 50 if which == "corpus" else score.lines >= 15
    assert score.recall >= 0.85


def test_workbook_calls_do_not_grow_with_rows_or_messages(tmp_path: Path) -> None:
    import neiqin

    def calls(lines: int, messages: int) -> int:
        existing = [make_order_row(order_id=f"SO2611{n:03d}", customer=HENGTONG, product_code="MT-2200")
                    for n in range(1, lines + 1)]  # fmt: skip
        pasted = [paste(f"MT-0750 {n}台，12月9日前", customer=HENGTONG) for n in range(1, messages + 1)]
        path = intake_workbook(tmp_path / f"calls{lines}-{messages}.xlsx", pasted, orders=existing)
        book = open_book(path)
        with neiqin.count_calls() as counted:
            summary = macros.run("order_intake", book, today=DAY)
        assert summary.message.startswith(f"读了 {messages} 条消息，录入 {messages} 行"), summary.text()
        return sum(counted.values())

    assert calls(20, 2) == calls(400, 40)


# --------------------------------------------------------------------------- any pasted text


HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "MT-0750 3台 明天", "6205轴承20盒", "取消SO2611018", "\x00\t"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(
        st.one_of(
            st.text(max_size=200),
            st.sampled_from(HOSTILE),
            st.none(),
        ),
        max_size=6,
    ),
    timed=st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_any_pasted_text_is_planned_without_an_exception(texts: list[str | None], timed: list[bool]) -> None:
    """Whatever is on 订单录入: no exception, no line without its mark, nothing written outside the sheets."""
    from neiqin.core.config import Settings
    from neiqin.core.ledger import parse_ledger
    from validators.order_intake import IntakeRow
    from validators.order_intake.planners import Inputs, plan_intake, read_messages
    from validators.orders import OrderRow

    from .intake_workbook import CATALOGUE

    when = dt.datetime(2026, 12, 1, 9)
    rows = [["原文", "收到时间", "客户", "接单方式", "订单编号", "录入结果"]]
    for i, text in enumerate(texts):
        rows.append([text, when if timed[i] else None, HENGTONG if i % 2 else None, None, None, None])
    pasted = parse_ledger(rows, IntakeRow, "订单录入")
    orders = parse_ledger([[c.header for c in OrderRow.columns()]], OrderRow, "订单台账")
    catalogue = {p.code: {"unit": p.unit, "list_price": p.list_price} for p in CATALOGUE.products}
    inputs = Inputs(list(CATALOGUE.customers), list(CATALOGUE.products), list(CATALOGUE.aliases), catalogue,
                    {"苏州恒通机械有限公司": {"name": HENGTONG, "sales_rep": None, "region": None}})  # fmt: skip
    messages = read_messages(pasted)
    assert all(m.row in pasted.rows for m in messages)
    result = plan_intake(messages, orders, inputs, pasted, Settings(), when)
    lines = [line for append in result.plan.appends for line in append.rows]
    assert {a.ledger for a in result.plan.appends} <= {"orders"}
    assert set(result.plan.cells) <= {"订单录入"}
    for line in lines:
        assert MARK.search(line["note"]) and line["status"] == "待确认"
        assert line["product_code"] is None or line["product_code"] in catalogue
    assert len({p.order_id for p in result.pending} - {line["order_id"] for line in lines}) == 0


def test_times_and_prices_typed_as_text_are_read_as_the_clerk_means(tmp_path: Path) -> None:
    path = intake_workbook(tmp_path / "book.xlsx", [paste("MT-0750 2台，明天要", received=None, customer=HENGTONG)])
    set_cells(path, "订单录入", {(5, "收到时间"): "2026/12/3 9:30"})
    wb = openpyxl.load_workbook(path)
    ws = wb["产品目录"]
    header = next(r for r in ws.iter_rows(max_row=10) if any(c.value == "标准单价" for c in r))
    col = next(c.column for c in header if c.value == "标准单价")
    row = next(c.row for c in ws["A"] if c.value == "MT-0750")
    ws.cell(row, col).value = "¥980.00"
    wb.save(path)
    run(path)
    (line,) = orders(path)
    assert (line["delivery_date"], line["unit_price"], line["amount"]) == (dt.datetime(2026, 12, 4), 980.0, 1960.0)


def test_every_question_of_the_reader_has_its_code() -> None:
    from neiqin.core.intake import Ask
    from validators.order_intake import BY_ASK

    assert sorted(BY_ASK) == sorted(a.value for a in Ask)
    assert all(BY_ASK[a] for a in Ask)  # the reader's StrEnum finds its code
