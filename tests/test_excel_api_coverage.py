"""Every engine call a NeiQin action makes exists in xlwings' Windows and macOS engines.

Nobody here has Excel, so this is checked from xlwings' own sources: the calls counted
while an action runs headless (``Class.member``) must be implemented by the classes of
``xlwings/_xlwindows.py`` (COM) and ``xlwings/_xlmac.py`` (AppleScript) — not only by
NeiQin's headless engine.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import xlwings

import macros
import neiqin
from neiqin.engine import open_book

from .conftest import TODAY, make_order_row, write_orders

ENGINE_ONLY = {"App.engine"}  # xlwings' own plumbing (main.App.engine), not an Excel call


def _raises_not_implemented(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    body = [n for n in func.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    return len(body) == 1 and isinstance(body[0], ast.Raise)


def members(module_file: str) -> dict[str, set[str]]:
    """Class -> implemented members: methods, properties, attributes set on self, and what the
    base class (xlwings.base_classes) implements rather than raising NotImplementedError."""
    root = Path(xlwings.__file__).parent

    def scan(name: str, skip_stubs: bool) -> dict[str, set[str]]:
        tree = ast.parse((root / name).read_text(encoding="utf-8"))
        found: dict[str, set[str]] = {}
        bases: dict[str, list[str]] = {}
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            bases[node.name] = [b.id for b in node.bases if isinstance(b, ast.Name)]
            names = found.setdefault(node.name, set())
            for item in ast.walk(node):
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item in node.body:
                    if not (skip_stubs and _raises_not_implemented(item)):
                        names.add(item.name)
                elif (
                    isinstance(item, ast.Attribute)
                    and isinstance(item.ctx, ast.Store)
                    and isinstance(item.value, ast.Name)
                    and item.value.id == "self"
                ):
                    names.add(item.attr)
        for cls in found:  # what a class inherits from classes of the same module (Collection …)
            todo = list(bases.get(cls, []))
            while todo:
                base = todo.pop()
                found[cls] |= found.get(base, set())
                todo += bases.get(base, [])
        return found

    engine = scan(module_file, skip_stubs=False)
    for cls, names in scan("base_classes.py", skip_stubs=True).items():
        engine.setdefault(cls, set()).update(names)
    return engine


@pytest.fixture(scope="module")
def workflow_calls(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The engine calls of every registered action, run on a workbook where each has work to do."""
    import datetime as dt

    from .conftest import order_workbook

    D = dt.datetime
    orders = [
        make_order_row(order_id="SO1", status=None),
        make_order_row(order_id="SO2", customer=None),
        make_order_row(order_id="SO3", status="已确认"),
        make_order_row(order_id="SO4", status="已下达"),
        make_order_row(
            order_id="SO5",
            status="已完成",
            order_date=D(2026, 8, 1),
            delivery_date=D(2026, 8, 20),
            ship_date=D(2026, 8, 18),
        ),
    ]
    tasks = [{"order_id": "SO4", "product_code": "MT-2200", "progress": "进行中", "expected_date": D(2026, 11, 28)}]
    changes = [
        {
            "change_id": "B1",
            "order_id": "SO3",
            "product_code": "MT-2200",
            "field": "数量",
            "new_value": "3",
            "review": "同意",
        }
    ]
    path = order_workbook(tmp_path_factory.mktemp("api") / "w.xlsx", orders, production_tasks=tasks, changes=changes)
    book = open_book(path)
    with neiqin.count_calls() as calls:
        for act in macros.actions():
            summary = macros.run(act.id, book, today=TODAY)
            assert summary.outcome in ("ok", "issues"), summary.text()
        macros.run("validate_orders", book, today=TODAY)  # restores earlier marks
    return set(calls)


@pytest.mark.parametrize("module_file", ["_xlwindows.py", "_xlmac.py"])
def test_every_action_uses_only_what_excel_engines_implement(workflow_calls: set[str], module_file: str) -> None:
    available = members(module_file)
    missing = sorted(
        key
        for key in workflow_calls
        if key not in ENGINE_ONLY and key.rstrip("=").split(".")[1] not in available.get(key.split(".")[0], set())
    )
    assert not missing, f"not implemented by xlwings' {module_file}: {missing}"


@pytest.mark.parametrize("module_file", ["_xlwindows.py", "_xlmac.py"])
def test_validate_orders_uses_only_what_excel_engines_implement(tmp_path: Path, module_file: str) -> None:
    path = write_orders(
        tmp_path / "o.xlsx",
        [make_order_row(), make_order_row(order_id="SO2", customer=None), make_order_row(order_id="SO3", amount=1)],
    )
    book = open_book(path)
    with neiqin.count_calls() as calls:
        summary = macros.run("validate_orders", book, today=TODAY)
        macros.run("validate_orders", book, today=TODAY)  # the second run restores marks
    assert summary.outcome == "issues"
    available = members(module_file)
    missing = []
    for key in calls:
        cls, member = key.rstrip("=").split(".")
        if key in ENGINE_ONLY:
            continue
        if member not in available.get(cls, set()):
            missing.append(key)
    assert not missing, f"not implemented by xlwings' {module_file}: {sorted(missing)}"
