"""办公用品: the checks of the five ledgers, as tables (a real .xlsx per case, as `neiqin validate` reads it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from neiqin.core.config import Settings
from neiqin.core.issues import Code
from validators.supplies import SupplyCode as S

from .conftest import validate_file
from .supplies_factory import CATALOGUE, ISSUES, QUOTES, RECEIPTS, D, changed, supplies_book

RECEIPT = RECEIPTS[0]
ISSUE = ISSUES[0]

# (what, ledger, sheets changed, issues expected: code, Excel row, column)
CASES: list[tuple[str, str, dict[str, Any], list[tuple[str, int, str]]]] = [
    ("catalogue clean", "supplies", {}, []),
    (
        "min above max",
        "supplies",
        {"物品目录": changed(CATALOGUE, 1, c5=50, c6=40)},
        [(S.SUP_MIN_OVER_MAX, 3, "最高库存")],
    ),
    (
        "same code twice",
        "supplies",
        {"物品目录": [*CATALOGUE, CATALOGUE[0]]},
        [(Code.LED_DUPLICATE_KEY, 5, "物品编码")],
    ),
    ("receipts clean", "supply_receipts", {}, []),
    (
        "receipt of an unknown item",
        "supply_receipts",
        {"入库登记": changed(RECEIPTS, 1, c3="BG-999")},
        [(S.SUP_UNKNOWN_ITEM, 3, "物品编码")],
    ),
    (
        "spec differs",
        "supply_receipts",
        {"入库登记": changed(RECEIPTS, 0, c4="80g 500张/包")},
        [(S.SUP_SPEC_MISMATCH, 2, "规格")],
    ),
    ("spec differs only in spacing", "supply_receipts", {"入库登记": changed(RECEIPTS, 0, c4="70G 500张/包 ")}, []),
    (
        "received less than ordered",
        "supply_receipts",
        {"入库登记": changed(RECEIPTS, 0, c6=36)},
        [(S.SUP_SHORT_RECEIPT, 2, "实收数量")],
    ),
    (
        "partly accepted without the accepted quantity",
        "supply_receipts",
        {"入库登记": changed(RECEIPTS, 0, c8="部分合格")},
        [(S.SUP_NEED_ACCEPTED, 2, "合格数量")],
    ),
    ("partly accepted with it", "supply_receipts", {"入库登记": changed(RECEIPTS, 0, c8="部分合格", c9=30)}, []),
    (
        "accepted more than received",
        "supply_receipts",
        {"入库登记": changed(RECEIPTS, 0, c8="部分合格", c9=45)},
        [(S.SUP_ACCEPTED_TOO_MANY, 2, "合格数量")],
    ),
    (
        "an inspection result not in the list",
        "supply_receipts",
        {"入库登记": changed(RECEIPTS, 0, c8="还行")},
        [(Code.LED_NOT_IN_LIST, 2, "验收结果")],
    ),
    (
        "received quantity negative",
        "supply_receipts",
        {"入库登记": changed(RECEIPTS, 0, c6=-1)},
        [(S.SUP_SHORT_RECEIPT, 2, "实收数量"), (Code.LED_OUT_OF_RANGE, 2, "实收数量")],
    ),
    (
        "inspector not on the staff list",
        "supply_receipts",
        {"入库登记": changed(RECEIPTS, 0, c10="赵六")},
        [(S.SUP_UNKNOWN_PERSON, 2, "验收人")],
    ),
    ("ordered, not delivered yet", "supply_receipts", {"入库登记": changed(RECEIPTS, 0, c6=None, c8=None)}, []),
    (
        "received, not inspected",
        "supply_receipts",
        {"入库登记": changed(RECEIPTS, 0, c8=None)},
        [(S.SUP_RECEIPT_INCOMPLETE, 2, "验收结果")],
    ),
    (
        "inspected, quantity missing",
        "supply_receipts",
        {"入库登记": changed(RECEIPTS, 0, c6=None)},
        [(S.SUP_RECEIPT_INCOMPLETE, 2, "实收数量")],
    ),
    (
        "goods on order are not in stock",
        "supply_issues",
        {"入库登记": changed(RECEIPTS, 1, c6=None, c8=None)},
        [(S.SUP_NEGATIVE_STOCK, 3, "数量")],
    ),
    ("issues clean", "supply_issues", {}, []),
    (
        "issue of an unknown item",
        "supply_issues",
        {"领用登记": changed(ISSUES, 1, c3="BG-999")},
        [(S.SUP_UNKNOWN_ITEM, 3, "物品编码"), (S.SUP_NEGATIVE_STOCK, 3, "数量")],
    ),
    (
        "issue quantity zero",
        "supply_issues",
        {"领用登记": changed(ISSUES, 0, c4=0)},
        [(Code.LED_OUT_OF_RANGE, 2, "数量")],
    ),
    (
        "issue of an item never received",
        "supply_issues",
        {"领用登记": [*ISSUES, [D(2026, 11, 12), "财务部", "何琳", "BG-003", 1, None, None]]},
        [(S.SUP_NEGATIVE_STOCK, 4, "数量")],
    ),
    (
        "a rejected delivery is not in stock",
        "supply_issues",
        {"入库登记": changed(RECEIPTS, 1, c8="不合格")},
        [(S.SUP_NEGATIVE_STOCK, 3, "数量")],
    ),
    (
        "issued before it arrived",
        "supply_issues",
        {"领用登记": changed(ISSUES, 1, c0=D(2026, 11, 1))},
        [(S.SUP_NEGATIVE_STOCK, 3, "数量")],
    ),
    (
        "department over its monthly quota",
        "supply_issues",
        {"领用登记": [*ISSUES, [D(2026, 11, 20), "销售部", "郑军", "BG-001", 6, None, None]]},
        [(S.SUP_OVER_QUOTA, 4, "数量")],
    ),
    (
        "same quantity spread over two months",
        "supply_issues",
        {"领用登记": [*ISSUES, [D(2026, 12, 1), "销售部", "郑军", "BG-001", 6, None, None]]},
        [],
    ),
    (
        "a post's quota counts per person",
        "supply_issues",
        {
            "领用登记": [
                *ISSUES,
                [D(2026, 11, 11), "销售内勤部", "李娜", "BG-002", 2, None, None],
                [D(2026, 11, 12), "销售内勤部", "张敏", "BG-002", 2, None, None],
                [D(2026, 11, 13), "销售内勤部", "李娜", "BG-002", 2, None, None],
            ]
        },
        [(S.SUP_OVER_QUOTA, 6, "数量")],
    ),
    (
        "approval needed above the value",
        "supply_issues",
        {"领用登记": changed(ISSUES, 0, c4=9)},
        [(S.SUP_NEED_APPROVAL, 2, "审批人")],
    ),
    ("approved", "supply_issues", {"领用登记": changed(ISSUES, 0, c4=9, c6="郑军")}, []),
    (
        "approved by the receiver",
        "supply_issues",
        {"领用登记": changed(ISSUES, 0, c4=9, c6="王磊")},
        [(S.SUP_SELF_APPROVED, 2, "审批人")],
    ),
    (
        "receiver not on the staff list",
        "supply_issues",
        {"领用登记": changed(ISSUES, 1, c2="何林")},
        [(S.SUP_UNKNOWN_PERSON, 3, "领用人")],
    ),
    ("without 人员 nobody is checked", "supply_issues", {"人员": None, "领用登记": changed(ISSUES, 1, c2="何林")}, []),
    ("quotas clean", "supply_quotas", {}, []),
    (
        "quota of an unknown item",
        "supply_quotas",
        {"领用标准": [["销售部", "BG-404", 3]]},
        [(S.SUP_UNKNOWN_ITEM, 2, "物品编码")],
    ),
    ("quotes clean", "supplier_quotes", {}, []),
    (
        "valid until before quoted",
        "supplier_quotes",
        {"供应商报价": [["得力办公", "BG-001", 24, 5, D(2026, 10, 1), D(2026, 9, 30)]]},
        [(S.SUP_QUOTE_DATES, 2, "有效期至")],
    ),
    (
        "quote price zero",
        "supplier_quotes",
        {"供应商报价": [[*QUOTES[0][:2], 0, *QUOTES[0][3:]]]},
        [(Code.LED_OUT_OF_RANGE, 2, "单价")],
    ),
]


@pytest.mark.parametrize(("what", "ledger", "sheets", "expected"), CASES, ids=[c[0] for c in CASES])
def test_supplies_checks(tmp_path: Path, what: str, ledger: str, sheets: dict[str, Any], expected: Any) -> None:
    checked = validate_file(supplies_book(tmp_path / "办公用品.xlsx", sheets), ledger)
    assert sorted((i.code, i.row, i.column) for i in checked.issues) == sorted(
        (str(code), row, column) for code, row, column in expected
    )


def test_stock_goes_negative_at_the_known_row_and_says_how_much(tmp_path: Path) -> None:
    # 40 packs in on 11-02; 5 + 20 + 10 out; the fourth issue (row 6) takes 10 of the 5 left
    issues = [
        [D(2026, 11, 5), "销售部", "王磊", "BG-001", 5, None, None],
        [D(2026, 11, 6), "财务部", "何琳", "BG-001", 20, None, "马超"],
        [D(2026, 11, 7), "财务部", "何琳", "BG-001", 10, None, "马超"],
        [D(2026, 11, 9), "销售部", "郑军", "BG-001", 10, None, "王磊"],  # 5 left: refused
        [D(2026, 11, 10), "销售部", "王磊", "BG-001", 5, None, None],  # judged on the 5 really there: fine
    ]
    settings = Settings()
    checked = validate_file(
        supplies_book(tmp_path / "s.xlsx", {"领用登记": issues, "领用标准": []}), "supply_issues", settings
    )
    negative = [i for i in checked.issues if i.code == S.SUP_NEGATIVE_STOCK]
    assert [(i.row, i.column) for i in negative] == [(5, "数量")]
    assert "当时库存只有 5包，领用后将为 -5包" in negative[0].message
    assert "BG-001 A4 复印纸" in negative[0].message


def test_rows_out_of_date_order_are_replayed_by_date(tmp_path: Path) -> None:
    issues = [
        [D(2026, 11, 20), "销售部", "王磊", "BG-001", 12, None, "郑军"],  # row 2, replayed last: 10 left -> refused
        [D(2026, 11, 3), "财务部", "何琳", "BG-001", 30, None, "马超"],  # row 3, replayed first
    ]
    checked = validate_file(supplies_book(tmp_path / "s.xlsx", {"领用登记": issues, "领用标准": []}), "supply_issues")
    assert [(i.code, i.row) for i in checked.issues] == [(S.SUP_NEGATIVE_STOCK, 2)]


def test_quota_excess_is_the_part_over_the_limit(tmp_path: Path) -> None:
    issues = [*ISSUES, [D(2026, 11, 20), "销售部", "郑军", "BG-001", 6, None, None]]
    checked = validate_file(supplies_book(tmp_path / "s.xlsx", {"领用登记": issues}), "supply_issues")
    (over,) = checked.issues
    assert "销售部 2026 年 11 月 领用 BG-001 A4 复印纸 累计 11包，超过每月限量 10包，本行超出 1包" in over.message


def test_approval_value_is_a_setting(tmp_path: Path) -> None:
    path = supplies_book(tmp_path / "s.xlsx", {"领用登记": changed(ISSUES, 0, c4=9)})  # 9 × 25 = 225 元
    assert [i.code for i in validate_file(path, "supply_issues").issues] == [S.SUP_NEED_APPROVAL]

    raised = Settings()
    raised.approval_value = 300  # the 领用审批金额 setting
    assert validate_file(path, "supply_issues", raised).issues == []


def test_no_catalogue_means_no_item_checks(tmp_path: Path) -> None:
    path = supplies_book(tmp_path / "s.xlsx", {"物品目录": None, "入库登记": changed(RECEIPTS, 0, c3="BG-999")})
    assert validate_file(path, "supply_receipts").issues == []
