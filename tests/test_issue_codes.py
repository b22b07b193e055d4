"""Meta-tests that keep the issue-code table and its documentation honest."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from neiqin.core.issues import CODES, Code, Issue, docs_markdown, make_issue

DOCS = Path(__file__).resolve().parent.parent / "docs" / "issue-codes.md"


def test_every_code_has_a_chinese_message_and_a_severity() -> None:
    assert set(CODES) == set(Code)
    for code, info in CODES.items():
        assert re.fullmatch(r"[A-Z]{3}-\d{3}", code.value)
        assert info.severity in ("error", "warning")
        assert re.search(r"[\u4e00-\u9fff]", info.template), code
        assert re.search(r"[\u4e00-\u9fff]", info.title), code


def test_codes_are_unique() -> None:
    values = [c.value for c in Code]
    assert len(values) == len(set(values))


def test_docs_are_generated_from_the_table() -> None:
    assert DOCS.read_text(encoding="utf-8") == docs_markdown(), (
        "run: python -m neiqin.core.issues > docs/issue-codes.md"
    )
    for code in Code:
        assert f"`{code.value}`" in DOCS.read_text(encoding="utf-8")


@pytest.mark.parametrize("code", list(Code))
def test_every_message_fills_and_says_what_to_do(code: Code) -> None:
    fields = {name for _, name, _, _ in string.Formatter().parse(CODES[code].template) if name}
    values = {name: f"<{name}>" for name in fields if name not in ("column", "sheet")}
    issue = make_issue(code, "订单台账", 5, "数量", col=11, **values)
    assert isinstance(issue, Issue)
    assert "{" not in issue.message
    # every message tells the clerk what to do, or (unknown column) what NeiQin will do
    assert "请" in issue.message or "将" in issue.message


def test_json_form_has_exactly_the_contract_fields() -> None:
    issue = make_issue(Code.ORD_QTY_ZERO, "订单台账", 5, "数量", col=11)
    assert issue.to_dict() == {
        "sheet": "订单台账",
        "row": 5,
        "column": "数量",
        "code": "ORD-001",
        "severity": "error",
        "message": "数量为 0；请按客户订单填写订购数量",
    }
    assert issue.cell == "K5"


def test_every_action_is_documented_in_the_readme() -> None:
    import macros

    readme = (DOCS.parent.parent / "README.md").read_text(encoding="utf-8")
    for act in macros.actions():
        assert f"`{act.id}`" in readme and act.label in readme, act.id
