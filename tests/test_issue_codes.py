"""Meta-tests that keep the issue codes, their messages and the generated docs honest."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import macros
from neiqin.app.docs import documents
from neiqin.core.issues import CODES, OWNERS, Code, Issue, make_issue
from validators.orders import OrderCode

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_code_has_a_chinese_message_a_severity_and_an_owner() -> None:
    assert set(Code) <= set(CODES)  # the core's LED codes
    for code, info in CODES.items():
        assert re.fullmatch(r"[A-Z]{3}-\d{3}", str(code))
        assert info.severity in ("error", "warning")
        assert re.search(r"[\u4e00-\u9fff]", info.template), code
        assert re.search(r"[\u4e00-\u9fff]", info.title), code
        assert OWNERS.get(code), code


def test_a_prefix_belongs_to_one_ledger() -> None:
    owners: dict[str, set[str]] = {}
    for code in CODES:
        owners.setdefault(str(code)[:3], set()).add(OWNERS[code])
    assert {prefix: len(names) for prefix, names in owners.items()} == dict.fromkeys(owners, 1)


@pytest.mark.parametrize("name", ["issue-codes.md", "ledgers.md", "settings.md"])
def test_docs_are_generated_from_the_declarations(name: str) -> None:
    assert (DOCS / name).read_text(encoding="utf-8") == documents()[name], "run: neiqin docs"


def test_every_code_is_in_the_docs() -> None:
    text = (DOCS / "issue-codes.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"`{code}`" in text


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_message_fills_and_says_what_to_do(code: str) -> None:
    fields = {name for _, name, _, _ in string.Formatter().parse(CODES[code].template) if name}
    values = {name: f"<{name}>" for name in fields if name not in ("column", "sheet")}
    issue = make_issue(code, "订单台账", 5, "数量", col=11, **values)
    assert isinstance(issue, Issue)
    assert "{" not in issue.message
    # every message tells the clerk what to do, or (unknown column) what NeiQin will do
    assert "请" in issue.message or "将" in issue.message


def test_json_form_has_exactly_the_contract_fields() -> None:
    issue = make_issue(OrderCode.ORD_QTY_ZERO, "订单台账", 5, "数量", col=11)
    assert issue.to_dict() == {
        "sheet": "订单台账",
        "row": 5,
        "column": "数量",
        "code": "ORD-001",
        "severity": "error",
        "message": "数量为 0；请按客户订单填写订购数量",
    }
    assert issue.cell == "K5"


def test_an_unregistered_code_is_a_bug_not_a_message() -> None:
    with pytest.raises(KeyError, match="not registered"):
        make_issue("ZZZ-999", "订单台账", 5, "数量")


def test_every_action_is_documented_in_the_readme() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    for act in macros.actions():
        assert f"`{act.id}`" in readme and act.label in readme, act.id
