"""The same issue on many rows is one grouped finding (issue 19: a million-row ledger printed 1.3 GB of JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neiqin.app.cli import main
from neiqin.core.issues import GROUP_OVER, Issue, IssueGroup, group_issues

from .conftest import make_order_row, write_orders

CONTRACT = {"sheet", "row", "column", "code", "severity", "message"}


def issue(row: int, column: str = "客户名称", code: str = "LED-010", sheet: str = "订单台账") -> Issue:
    return Issue(sheet, row, column, code, "error", f"第{row}行「{column}」为空")


@pytest.mark.parametrize(
    ("spec", "over", "expected"),
    [
        # (column, rows) per issue kind, threshold -> what comes out: column or (column, count, first rows)
        ([("A", 3)], 3, ["A", "A", "A"]),  # at the threshold: every row on its own
        ([("A", 4)], 3, [("A", 4, (1, 2, 3))]),  # beyond: one group, the first `over` rows
        ([("A", 4)], 0, ["A", "A", "A", "A"]),  # 0 groups nothing
        ([("A", 4), ("B", 2)], 3, [("A", 4, (1, 2, 3)), "B", "B"]),  # only the repeated kind is grouped
        ([("A", 5), ("B", 5)], 4, [("A", 5, (1, 2, 3, 4)), ("B", 5, (101, 102, 103, 104))]),
    ],
)
def test_group_issues(spec: list[tuple[str, int]], over: int, expected: list) -> None:
    issues = [issue(100 * k + r + 1, column) for k, (column, n) in enumerate(spec) for r in range(n)]
    got = [
        (g.first.column, g.count, g.rows) if isinstance(g, IssueGroup) else g.column for g in group_issues(issues, over)
    ]
    assert got == expected


def test_a_group_stands_where_its_first_issue_was_and_other_codes_are_not_merged() -> None:
    issues = [issue(2, "金额", "LED-013")] + [issue(r) for r in range(3, 9)] + [issue(9, "客户名称", "LED-014")]
    out = group_issues(issues, 5)
    assert [type(i).__name__ for i in out] == ["Issue", "IssueGroup", "Issue"]
    group = out[1]
    assert group.to_dict() == {**issue(3).to_dict(), "count": 6, "rows": [3, 4, 5, 6, 7]}


@pytest.fixture
def many_blank(tmp_path: Path) -> Path:
    """GROUP_OVER + 5 lines without 客户名称 and one with a negative quantity."""
    rows = [make_order_row(order_id=f"SO{n}", customer=None) for n in range(GROUP_OVER + 5)]
    rows.append(make_order_row(order_id="SOX", quantity=-1, amount=-1850))
    return write_orders(tmp_path / "many.xlsx", rows)


def test_validate_json_groups_an_issue_repeated_beyond_the_threshold(
    many_blank: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(many_blank), "--json", "--today", "2026-11-26"]) == 1
    found = json.loads(capsys.readouterr().out)
    groups = [i for i in found if "count" in i]
    assert len(groups) == 1
    group = groups[0]
    assert set(group) == CONTRACT | {"count", "rows"} and group["code"] == "LED-010"
    assert group["count"] == GROUP_OVER + 5 and len(group["rows"]) == GROUP_OVER
    assert group["row"] == group["rows"][0] and group["rows"] == sorted(group["rows"])
    assert all(set(i) == CONTRACT for i in found if "count" not in i)  # the rest keep the contract exactly
    assert not [i for i in found if i["code"] == "LED-010" and "count" not in i]


def test_validate_group_0_lists_every_row(many_blank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(many_blank), "--json", "--group", "0", "--today", "2026-11-26"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert all(set(i) == CONTRACT for i in found)
    assert sum(i["code"] == "LED-010" for i in found) == GROUP_OVER + 5


def test_validate_text_names_the_count_of_a_grouped_issue(many_blank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(many_blank), "--today", "2026-11-26"]) == 1
    out = capsys.readouterr().out
    assert f"同样的问题共 {GROUP_OVER + 5:,} 行" in out
    assert out.count("LED-010") == 1
