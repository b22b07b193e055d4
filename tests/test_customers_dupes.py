"""『查找重复客户』: pairs and non-pairs as a table, the 重复客户 sheet (evidence, score, 保留 kept), masking."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

import macros
from neiqin.core.config import Settings
from neiqin.core.ledger import read_ledger
from neiqin.engine import open_book
from validators.customers.planners import DUPES_HEADER, DUPES_SHEET, plan_duplicates

from .conftest import TODAY, write_sheet

HEADER = ["客户编号", "客户名称", "统一社会信用代码", "联系人", "手机", "座机", "邮箱", "省", "市", "负责销售"]
FIELDS = ["customer_id", "name", "uscc", "contact", "mobile", "phone", "email", "province", "city", "sales_rep"]
USCC_A = "91330106MA2H2YDX0"  # completed with its check character below
USCC_B = "91330106MA2H2YDY0"


def _code(first17: str) -> str:
    from neiqin.core.china.uscc import make_uscc, org_code_check_char

    return make_uscc(first17[:8] + first17[8:16] + org_code_check_char(first17[8:16]))


A_CODE, B_CODE = _code(USCC_A), _code(USCC_B)


def record(customer_id: str, name: str, **values: Any) -> list[Any]:
    row = {"customer_id": customer_id, "name": name, "contact": "张伟", "sales_rep": "王磊", **values}
    return [row.get(f) for f in FIELDS]


def archive(tmp_path: Path, rows: list[list[Any]], name: str = "客户.xlsx") -> Path:
    return write_sheet(tmp_path / name, [HEADER, *rows], sheet="客户档案", title="客户档案")


def groups_of(tmp_path: Path, rows: list[list[Any]]) -> list[tuple[str, ...]]:
    ledger = read_ledger(open_book(archive(tmp_path, rows)), "customers", Settings())
    plan = plan_duplicates(ledger, Settings(), TODAY)
    (out,) = plan.outputs
    found: dict[Any, list[str]] = {}
    for r in out.rows:
        if r[0] != "—":
            found.setdefault(r[0], []).append(r[2])
    return [tuple(ids) for ids in found.values()]


# (what, record A, record B, one customer?)
PAIRS = [
    ("same credit code, other names", record("C1", "杭州恒通机械有限公司", uscc=A_CODE),
     record("C2", "恒通机电（杭州）有限公司", uscc=A_CODE), True),
    ("same mobile typed differently", record("C1", "宁波远航贸易有限公司", mobile="13812345678"),
     record("C2", "远航商贸公司", mobile="+86 138-1234-5678"), True),
    ("same e-mail, other case", record("C1", "苏州博远科技有限公司", email="Buy@Boyuan.example.com"),
     record("C2", "博远电子", email="buy@boyuan.example.com"), True),
    ("有限公司 / 有限责任公司", record("C1", "无锡德力机械有限公司"), record("C2", "无锡德力机械有限责任公司"), True),
    ("brackets, spaces and full width", record("C1", "佛山华茂（中国）自动化有限公司"),
     record("C2", "佛山华茂(中国)自动化 有限公司"), True),
    ("region written in brackets", record("C1", "杭州鼎盛包装机械有限公司"),
     record("C2", "鼎盛包装机械（杭州）有限公司"), True),
    ("one character mistyped", record("C1", "上海恒通精密机械设备制造有限公司"),
     record("C2", "上海恒通精蜜机械设备制造有限公司"), True),
    ("different companies", record("C1", "杭州恒通机械有限公司", mobile="13812345678"),
     record("C2", "南京远航贸易有限公司", mobile="13987654321"), False),
    ("branches 1 and 2", record("C1", "永辉超市第一分店"), record("C2", "永辉超市第二分店"), False),
    ("same trade name, different credit codes", record("C1", "杭州恒通机械有限公司", uscc=A_CODE),
     record("C2", "杭州恒通机电有限公司", uscc=B_CODE), False),
    ("same trade name in other provinces", record("C1", "浙江恒通机械有限公司"),
     record("C2", "广东恒通机械有限公司"), False),
    ("same trade name, 省 of another province", record("C1", "恒通机械（杭州）有限公司"),
     record("C2", "恒通机械有限公司", province="广东省"), False),
]  # fmt: skip


@pytest.mark.parametrize(("what", "a", "b", "same"), PAIRS, ids=[p[0] for p in PAIRS])
def test_pairs_and_non_pairs(tmp_path: Path, what: str, a: list[Any], b: list[Any], same: bool) -> None:
    assert groups_of(tmp_path, [a, b]) == ([("C1", "C2")] if same else [])


def test_placeholders_link_nobody(tmp_path: Path) -> None:
    rows = [record(f"C{i}", f"散客{i}号", mobile="13800000000") for i in range(12)]
    assert groups_of(tmp_path, rows) == []


def _sheet(book: Any) -> list[list[Any]]:
    return book.sheets[DUPES_SHEET].used_range.options(ndim=2).value


def test_the_sheet_lists_groups_with_evidence_and_score_and_keeps_the_clerks_marks(tmp_path: Path) -> None:
    rows = [
        record("C1", "杭州恒通机械有限公司", uscc=A_CODE, mobile="13812345678"),
        record("C2", "宁波远航贸易有限公司", mobile="13912345678"),
        record("C3", "杭州恒通机械有限责任公司", mobile="138 1234 5678"),
        record("C4", "远航贸易（宁波）有限公司", mobile="13912345678", email="a@yh.example.com"),
        record("C5", "南京博远科技有限公司"),
    ]
    path = archive(tmp_path, rows)
    book = open_book(path)
    summary = macros.run("find_duplicate_customers", book, today=TODAY)
    assert summary.outcome == "ok" and "2 组可能重复" in summary.message
    values = _sheet(book)
    assert values[3] == DUPES_HEADER
    body = values[4:]
    assert [(r[0], r[2]) for r in body] == [(1, "C1"), (1, "C3"), (2, "C2"), (2, "C4")]
    assert [r[1] for r in body] == [90, 90, 80, 80]  # 名称相同 (after normalising); 手机号相同
    first = body[0][8]
    assert first.startswith("与 C3：名称相同") and "手机号相同：138****5678" in first
    assert [r[7] for r in body] == [4, 6, 5, 7]  # the archive's Excel rows
    text = "\n".join(str(c) for r in values for c in r if c is not None)
    assert "13812345678" not in text and "13912345678" not in text and A_CODE not in text
    # the clerk keeps C3 and runs it again: the mark stays where the group is found again
    sheet = book.sheets[DUPES_SHEET]
    sheet.range((6, 10)).value = "是"
    book.save()
    book = open_book(path)
    macros.run("find_duplicate_customers", book, today=TODAY + dt.timedelta(days=1))
    assert [r[9] for r in _sheet(book)[4:]] == [None, "是", None, None]


def test_nothing_found_says_so(tmp_path: Path) -> None:
    book = open_book(archive(tmp_path, [record("C1", "杭州恒通机械有限公司"), record("C2", "南京博远科技有限公司")]))
    summary = macros.run("find_duplicate_customers", book, today=TODAY)
    assert summary.message == "2 家客户中没有找到可能重复的客户。"
    assert _sheet(book)[4][0] == "（没有找到可能重复的客户）"


def test_a_sheet_of_the_clerks_own_called_like_ours_is_left_alone(tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "c.xlsx",
        [HEADER, record("C1", "杭州恒通机械有限公司")],
        sheet="客户档案",
        title=None,
        extra_sheets={DUPES_SHEET: [["我的笔记"], ["C1 和 C9 是一家"]]},
    )
    book = open_book(path)
    summary = macros.run("find_duplicate_customers", book, today=TODAY)
    assert summary.outcome == "failed" and "不是『查找重复客户』生成的工作表" in summary.message
    assert _sheet(book) == [["我的笔记"], ["C1 和 C9 是一家"]]


def test_no_digits_of_a_mobile_in_the_summary(tmp_path: Path) -> None:
    rows = [record(f"C{i}", f"客户{i}", mobile="13800000000") for i in range(12)]
    book = open_book(archive(tmp_path, rows))
    summary = macros.run("find_duplicate_customers", book, today=TODAY)
    values = _sheet(book)
    assert "出现 12 次" in values[4][8] and "138****0000" in values[4][8]
    assert re.search(r"\d{11}", summary.text() + str(values)) is None
