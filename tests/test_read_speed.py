"""The fast paths of the read-and-check path give what the plain definitions give.

Each shortcut taken for a 100,000-line ledger (benchmarks/README.md) is compared here with the
straightforward definition it replaces, on tables and on generated data.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neiqin.core import kit
from neiqin.core.config import Settings
from neiqin.core.ledger import _CJK, _HAS_DIGIT, _is_total, _odd_key, norm_header, parse_ledger
from validators.orders import MACHINE, OrderCode
from validators.orders.rules import line_keys
from validators.orders.states import transition_problem

from .conftest import check, make_order_row, order_values, write_sheet

HEADER = [spec.header for spec in kit.ledger("orders").columns()]


def _reference_line_keys(order_ids: Any, codes: Any) -> list[tuple[str, str]]:
    """The definition: (订单编号, 产品编码), the n-th line of the same pair (订单编号, 产品编码#n)."""
    seen: Counter[tuple[str, str]] = Counter()
    keys = []
    for order_id, code in zip(order_ids, codes, strict=True):
        key = (str(order_id), str(code))
        seen[key] += 1
        keys.append(key if seen[key] == 1 else (key[0], f"{key[1]}#{seen[key]}"))
    return keys


@pytest.mark.parametrize(
    ("order_ids", "codes", "expected"),
    [
        (["SO1", "SO1", "SO2"], ["A", "B", "A"], [("SO1", "A"), ("SO1", "B"), ("SO2", "A")]),
        (["SO1", "SO1", "SO1"], ["A", "A", "A"], [("SO1", "A"), ("SO1", "A#2"), ("SO1", "A#3")]),
        (["SO1", "SO2", "SO1"], ["A", "A", "A"], [("SO1", "A"), ("SO2", "A"), ("SO1", "A#2")]),
        ([None, None], ["A", "A"], [("None", "A"), ("None", "A#2")]),
        ([1001.0, "1001.0"], ["A", "A"], [("1001.0", "A"), ("1001.0", "A#2")]),
        ([], [], []),
    ],
)
def test_line_keys(order_ids: list[Any], codes: list[Any], expected: list[tuple[str, str]]) -> None:
    assert line_keys(order_ids, codes) == expected
    assert line_keys(iter(order_ids), (c for c in codes)) == expected  # one pass over iterators


def test_line_keys_refuse_columns_of_different_lengths() -> None:
    with pytest.raises(ValueError):
        line_keys(["SO1", "SO2"], ["A"])


@settings(max_examples=200)
@given(st.lists(st.tuples(st.sampled_from(["SO1", "SO2", None, 3.0]), st.sampled_from(["A", "B", "A#2"]))))
def test_line_keys_are_the_definition(pairs: list[tuple[Any, str]]) -> None:
    order_ids, codes = [p[0] for p in pairs], [p[1] for p in pairs]
    assert line_keys(order_ids, codes) == _reference_line_keys(order_ids, codes)


def _reference_odd_key(key: str, table: dict[str, str], key_field: str | None) -> bool:
    if not key.strip() or ":" in key or "：" in key or _CJK.search(key):
        return True
    return (not _HAS_DIGIT.search(key) or key.lstrip()[:1] in "合总小共汇本全") and (
        _is_total(key) or table.get(norm_header(key)) == key_field
    )


ODD_KEYS = ["SO-2026-0001", "  SO1", "合同号:123", "订单编号", "合计", "Total", "TOTAL 12", "", " ", "12", "a:1", "No."]


@pytest.mark.parametrize("key", ODD_KEYS)
def test_odd_key_fast_path(key: str) -> None:
    table = {norm_header("订单编号"): "order_id", norm_header("No."): "order_id"}
    assert _odd_key(key, table, "order_id") == _reference_odd_key(key, table, "order_id")


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("SO-0129 :：合计总Totalab.\t")), max_size=12))
def test_odd_key_is_the_definition(key: str) -> None:
    table = {norm_header("订单编号"): "order_id", norm_header("total"): "order_id"}
    assert _odd_key(key, table, "order_id") == _reference_odd_key(key, table, "order_id")


def _reference_transitions(ledger: Any, statuses: dict[tuple[str, str], tuple[str, str | None]]) -> set[int]:
    """The rows whose status breaks the machine: every line compared with what the store remembers."""
    f = ledger.frame
    keys = _reference_line_keys(f["order_id"], f["product_code"])
    rows = set()
    for pos, (order_id, key, label) in enumerate(zip(f["order_id"], keys, f["status"], strict=True)):
        known = statuses.get(key) if order_id is not None else None
        new = MACHINE.state(label) if label is not None else None
        if known is None or new is None:
            continue
        old = MACHINE.state(known[0])
        if old is None or old == new:
            continue
        paused = MACHINE.state(known[1]) if known[1] is not None else None
        if transition_problem(old, new, paused, Settings()):
            rows.add(ledger.rows[pos])
    return rows


STATUSES = ["待确认", "已确认", "生产中", "已发货", "已完成", "已取消", "暂停", "不知道"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["SO1", "SO2", "SO3"]), st.sampled_from(["MT-1", "MT-2"]), st.sampled_from(STATUSES)),
        min_size=1,
        max_size=12,
    ),
    st.dictionaries(
        st.tuples(st.sampled_from(["SO1", "SO2", "SO3"]), st.sampled_from(["MT-1", "MT-2", "MT-1#2", "MT-2#3"])),
        st.tuples(st.sampled_from(STATUSES[:-1]), st.sampled_from([None, "已确认", "生产中"])),
    ),
)
def test_status_transitions_are_checked_on_the_lines_the_store_knows(
    lines: list[tuple[str, str, str]], statuses: dict[tuple[str, str], tuple[str, str | None]]
) -> None:
    rows = [make_order_row(order_id=o, product_code=c, status=s) for o, c, s in lines]
    ledger = parse_ledger([HEADER, *order_values(rows)], kit.ledger("orders"), "订单台账")
    found = {i.row for i in check("orders", ledger, snapshot=statuses) if i.code == OrderCode.ORD_STATUS_TRANSITION}
    assert found == _reference_transitions(ledger, statuses)


def test_a_split_delivery_is_compared_with_its_own_line() -> None:
    rows = [
        make_order_row(order_id="SO1", product_code="MT-2200", status="已发货"),
        make_order_row(order_id="SO1", product_code="MT-2200", status="待确认"),  # the second delivery
        make_order_row(order_id="SO2", product_code="MT-2200", status="待确认"),  # not remembered
    ]
    ledger = parse_ledger([HEADER, *order_values(rows)], kit.ledger("orders"), "订单台账")
    snapshot = {("SO1", "MT-2200"): ("已发货", None), ("SO1", "MT-2200#2"): ("已确认", None)}
    found = [
        (i.code, i.row) for i in check("orders", ledger, snapshot=snapshot) if i.code == OrderCode.ORD_STATUS_TRANSITION
    ]
    assert found == [(OrderCode.ORD_STATUS_TRANSITION, 3)]  # 已确认 → 待确认 on the second line only


def test_the_background_parse_starts_before_xlwings_and_pandas_are_imported() -> None:
    """``neiqin validate`` imports neiqin.engine.prefetch first: it must not pull in the heavy libraries."""
    code = (
        "import sys, neiqin.engine.prefetch; "
        "print(' '.join(m for m in ('xlwings', 'pandas', 'sqlalchemy', 'openpyxl') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == []


@pytest.mark.parametrize(("ledger", "imports_store"), [("customers", False), ("orders", True)])
def test_validate_opens_the_store_only_for_a_ledger_whose_checks_read_it(
    tmp_path: Path, ledger: str, imports_store: bool
) -> None:
    """The order checks compare statuses with the store; the customer checks take nothing from it."""
    from neiqin.core.store import open_store

    open_store()  # the store exists (NEIQIN_DB of this test): only the declaration decides
    spec = kit.ledger(ledger)
    path = write_sheet(tmp_path / "l.xlsx", [[c.header for c in spec.columns()]], sheet=spec.sheet)
    code = (
        "import sys; from neiqin.app.cli import main; "
        f"main(['validate', {str(path)!r}, '--ledger', {ledger!r}, '--json']); "
        "print('SQLALCHEMY' if 'sqlalchemy' in sys.modules else 'NONE', file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stderr.split()[-1] == ("SQLALCHEMY" if imports_store else "NONE")


def test_validate_without_a_store_does_not_load_the_store_code(tmp_path: Path) -> None:
    """No store file yet (a new clerk's PC): nothing to compare statuses with, and SQLAlchemy is not imported."""
    spec = kit.ledger("orders")
    path = write_sheet(tmp_path / "l.xlsx", [[c.header for c in spec.columns()]], sheet=spec.sheet)
    code = (
        "import sys; from neiqin.app.cli import main; "
        f"main(['validate', {str(path)!r}, '--json']); "
        "print('SQLALCHEMY' if 'sqlalchemy' in sys.modules else 'NONE', file=sys.stderr)"
    )
    env = {**os.environ, "NEIQIN_DB": str(tmp_path / "none" / "neiqin.db")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert result.stderr.split()[-1] == "NONE"
    assert not (tmp_path / "none" / "neiqin.db").exists()
